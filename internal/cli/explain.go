package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"onboard/internal/explain"
	"onboard/internal/job"
)

var explainCommand = command{
	name: "explain", summary: "say in Japanese why a client has its status; write nothing",
	usage:   "onboard explain CLIENT_ID --sheet FILE.xlsx [--format json]",
	example: "onboard explain 10023 --sheet onboarding.xlsx",
	run:     (*App).explain,
}

func (a *App) explain(args []string) int {
	var c common
	var format string
	fs := a.flagSet("explain")
	c.register(fs)
	fs.StringVar(&format, "format", "text", "output: text (Japanese, for a person) or json")
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return a.fail("explain", usageErr("give one client ID: onboard explain CLIENT_ID --sheet ..."))
	}
	id := fs.Arg(0)
	if format != "text" && format != "json" {
		return a.fail("explain", usageErr("--format %q: use text or json", format))
	}
	cfg, err := a.setup(&c)
	if err != nil {
		return a.fail("explain", err)
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("explain", err)
	}
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("explain", err)
	}
	defer cancel()
	run, err := job.Compute(ctx, ss, cfg)
	if err != nil {
		return a.fail("explain", err)
	}
	clients, err := explain.Explain(run, id, cfg.Today(), cfg.StallDays)
	var nf *explain.NotFoundError
	if errors.As(err, &nf) {
		return a.fail("explain", usageErr("%s: %s", ss.Describe(), nf.Error()))
	}
	if err != nil {
		return a.fail("explain", err)
	}
	if format == "json" {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(struct {
			Sheet   string           `json:"sheet"`
			Today   string           `json:"today"`
			Clients []explain.Client `json:"clients"`
		}{ss.Describe(), cfg.Today().String(), clients})
	} else {
		err = explain.WriteText(a.Stdout, clients)
	}
	if err != nil {
		return a.fail("explain", fmt.Errorf("write the explanation: %w", err))
	}
	return ExitOK
}
