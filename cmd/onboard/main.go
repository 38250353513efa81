// Command onboard is the onboarding team's batch job; see internal/cli.
package main

import (
	"os"
	_ "time/tzdata" // Asia/Tokyo must load on machines without zoneinfo (static containers)

	"onboard/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
