package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/prep"
)

var prepCommand = command{
	name: "prep", summary: "print the operators' preparation for one day's sessions; write nothing",
	usage:   "onboard prep --sheet FILE.xlsx [--date 2026-12-03] [--operator NAME] [--format json]",
	example: "onboard prep --sheet onboarding.xlsx --operator 田中",
	run:     (*App).prep,
}

func (a *App) prep(args []string) int {
	var c common
	var date, operator, format string
	fs := a.flagSet("prep")
	c.register(fs)
	fs.StringVar(&date, "date", "", "the day, YYYY-MM-DD (default: the next day with sessions, today included)")
	fs.StringVar(&operator, "operator", "", "only this operator's sessions (as written in 担当オペレーター)")
	fs.StringVar(&format, "format", "text", "output: text (for a person) or json")
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	if format != "text" && format != "json" {
		return a.fail("prep", usageErr("--format %q: use text or json", format))
	}
	cfg, err := a.setup(&c)
	if err != nil {
		return a.fail("prep", err)
	}
	var day civil.Date
	if date != "" {
		t, err := time.Parse("2006-01-02", strings.ReplaceAll(date, "/", "-"))
		if err != nil {
			return a.fail("prep", usageErr("--date %q: use YYYY-MM-DD, e.g. 2026-12-03", date))
		}
		day = civil.Of(t)
	}
	instructions, err := prep.LoadInstructions(c.templates)
	if err != nil {
		return a.fail("prep", configErr(contract.PartTemplate, err))
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("prep", err)
	}
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("prep", err)
	}
	defer cancel()
	run, err := job.Compute(ctx, ss, cfg)
	if err != nil {
		return a.fail("prep", err)
	}
	today := cfg.Today()
	// Far enough ahead to find the next day with sessions.
	all := prep.Build(run.Sheet.Matrix, run.Out, run.Sheet.PoolRows, instructions, prep.Options{Today: today, Days: 366})
	// Overdue sessions are to be held or rebooked now: they show with the
	// default day and with today.
	withOverdue := day.IsZero() || day == today
	var picked []prep.Session
	for _, s := range all {
		if operator != "" && s.Operator != operator {
			continue
		}
		if day.IsZero() && s.On >= today {
			day = s.On
		}
		if s.On == day || (s.Overdue && withOverdue) {
			picked = append(picked, s)
		}
	}
	if format == "json" {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		out := struct {
			Sheet    string         `json:"sheet"`
			Date     string         `json:"date,omitempty"`
			Sessions []prep.Session `json:"sessions"`
		}{ss.Describe(), "", append([]prep.Session{}, picked...)}
		if !day.IsZero() {
			out.Date = day.String()
		}
		if err := enc.Encode(out); err != nil {
			return a.fail("prep", err)
		}
		return ExitOK
	}
	if len(picked) == 0 {
		who := ""
		if operator != "" {
			who = " for " + operator
		}
		if day.IsZero() {
			fmt.Fprintf(a.Stdout, "no sessions scheduled from %s on%s in %s\n", today, who, ss.Describe())
		} else {
			fmt.Fprintf(a.Stdout, "no sessions on %s%s in %s\n", day, who, ss.Describe())
		}
		return ExitOK
	}
	title := day.String()
	if withOverdue && len(picked) > 0 && picked[0].Overdue {
		title += "（予定日超過を含む）"
	}
	fmt.Fprintf(a.Stdout, "セッション準備 %s（%d件）\n\n", title, len(picked))
	if err := prep.WriteText(a.Stdout, picked); err != nil {
		return a.fail("prep", err)
	}
	return ExitOK
}

// prepTabFlags are sync's and run's settings of the セッション準備 tab.
type prepTabFlags struct{ days int }

func (p *prepTabFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&p.days, "prep-days", 14, "the セッション準備 tab lists sessions from today through this many days ahead (and overdue ones)")
}

// apply has the sync keep the セッション準備 tab, in the instructions'
// words from templates (else the embedded ones).
func (p *prepTabFlags) apply(cfg *job.Config, templates string) error {
	if p.days < 0 {
		return usageErr("--prep-days %d: give 0 or more days", p.days)
	}
	in, err := prep.LoadInstructions(templates)
	if err != nil {
		return configErr(contract.PartTemplate, err)
	}
	cfg.Prep, cfg.PrepDays = in, p.days
	return nil
}
