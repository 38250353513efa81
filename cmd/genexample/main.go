// Command genexample writes the bundled example workbook (make example), or
// a large synthetic one for benchmarks and demos.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"onboard/internal/example"
	"onboard/internal/xlsxbook"
)

func main() {
	out := pflag.String("out", "examples/onboarding.xlsx", "workbook to write")
	clients := pflag.Int("clients", 0, "generate this many clients without injected problems (default: the bundled example)")
	sessions := pflag.Int("sessions", 0, "with --clients, give every started client exactly this many sessions (benchmarks)")
	pflag.Parse()
	cfg := example.ExampleConfig()
	if *clients > 0 {
		cfg.Clients, cfg.Problems, cfg.SessionsPerClient = *clients, false, *sessions
	}
	if err := xlsxbook.Create(*out, example.Generate(cfg)); err != nil {
		fmt.Fprintln(os.Stderr, "genexample:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", *out)
}
