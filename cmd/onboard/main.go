// Command onboard is the onboarding team's batch job; see internal/cli.
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // Asia/Tokyo must load on machines without zoneinfo (static containers)

	"onboard/internal/benchprof"
	"onboard/internal/cli"
)

func main() {
	run := func() int { return cli.Main(os.Args[1:], os.Stdout, os.Stderr, os.Getenv) }
	// ONBOARD_CPUPROFILE=file writes a CPU profile of the run, to see
	// where a slow run spends its time (go tool pprof).
	if path := os.Getenv(benchprof.Env); path != "" {
		code := 0
		if err := benchprof.Profile(path, func() error { code = run(); return nil }); err != nil {
			fmt.Fprintf(os.Stderr, "onboard: CPU profile: %v\n", err)
		}
		os.Exit(code)
	}
	os.Exit(run())
}
