package cli

import (
	"fmt"
	"runtime"
	"time"

	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/report"
)

// reportCommand is the entry in the commands list.
var reportCommand = command{
	name:    "report",
	summary: "write the weekly Excel report (read-only: the sheet is not changed)",
	usage:   "onboard report --sheet FILE.xlsx [--week 2026-W47] [--out DIR]",
	example: "onboard report --sheet onboarding.xlsx --out reports",
	run:     (*App).report,
}

func (a *App) report(args []string) int {
	var c common
	var weekFlag, out string
	fs := a.flagSet("report")
	c.register(fs)
	fs.StringVar(&weekFlag, "week", "", "ISO week to report, e.g. 2026-W47; default: the last complete Monday–Sunday week in --timezone")
	fs.StringVar(&out, "out", "out", "folder the workbook is written to (created when missing)")
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	var week report.Week
	if weekFlag != "" {
		w, err := report.ParseWeek(weekFlag)
		if err != nil {
			return a.fail("report", usageErr("--week: %v", err))
		}
		week = w
	}
	cfg, err := a.setup(&c)
	if err != nil {
		return a.fail("report", err)
	}
	today := cfg.Today()
	if weekFlag == "" {
		week = report.LastComplete(cfg.Now)
	} else if week.Start() > today {
		return a.fail("report", usageErr("--week %s starts on %s, after today (%s): nothing to report yet", week, week.Start(), today))
	}
	layout, err := report.LoadLayout(c.templates)
	if err != nil {
		return a.fail("report", &contract.LayoutError{Msg: err.Error()})
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("report", err)
	}
	ctx, cancel := c.context()
	defer cancel()
	start := time.Now()
	run, err := job.Compute(ctx, ss, cfg)
	if err != nil {
		return a.fail("report", err)
	}
	source := ss.Describe()
	// The sheet's cells are not needed any more (the records keep what the
	// report shows; ss is not used again either). For 100,000 clients they
	// are the largest thing in memory: let them go and collect them now, so
	// the workbook reuses their memory instead of growing the process.
	run.Sheet.Tabs = nil
	runtime.GC()
	m := report.Build(run, report.Options{Week: week, Now: cfg.Now, StallDays: cfg.StallDays, Source: source})
	path, err := report.WriteFile(out, m, layout)
	if err != nil {
		return a.fail("report", err)
	}
	if week.End() >= today {
		a.log.Warn("the week is not over yet: its figures will still change", "week", week.String(), "ends", week.End().String())
	}
	fmt.Fprintln(a.Stdout, path)
	a.log.Info("report written", "path", path, "week", week.String(), "sheet", source,
		"clients", len(run.Out.Clients), "sessions_in_week", len(m.WeekSessions), "problems", len(m.Problems),
		"duration", time.Since(start).Round(time.Millisecond).String())
	return ExitOK
}
