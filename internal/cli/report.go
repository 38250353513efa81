package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/mailer"
	"onboard/internal/report"
	"onboard/internal/sheet"
	"onboard/internal/weekly"
)

// reportCommand is the entry in the commands list.
var reportCommand = command{
	name:    "report",
	summary: "write the weekly Excel report (the sheet is not changed); --send mails it",
	usage:   "onboard report --sheet FILE.xlsx [--week 2026-W47] [--out DIR] [--send --smtp-host HOST --mail-from ADDR --mail-to ADDR]",
	example: "onboard report --sheet onboarding.xlsx --out reports",
	run:     (*App).report,
}

func (a *App) report(args []string) int {
	var c common
	var weekFlag, out string
	var send bool
	var mf mailFlags
	var sla serviceFlags
	fs := a.flagSet("report")
	c.register(fs)
	sla.register(fs)
	fs.StringVar(&weekFlag, "week", "", "ISO week to report, e.g. 2026-W47; default: the last complete Monday–Sunday week in --timezone")
	fs.StringVar(&out, "out", "out", "folder the workbook is written to (created when missing)")
	fs.BoolVar(&send, "send", false, "mail the report (the mail flags below) and record it in the 送信履歴 tab")
	mf.register(fs)
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	var mail mailer.Config
	var err error
	if send {
		c.command = "report --send" // records 送信履歴: a Google sheet opens read-write
		if mail, err = mf.config(a.Env); err != nil {
			return a.fail("report", err)
		}
	}
	targets, err := sla.targets()
	if err != nil {
		return a.fail("report", err)
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
	cfg.History = true // the previous week's 要確認, 停滞 and サポートアカウント残
	today := cfg.Today()
	if weekFlag == "" {
		week = report.LastComplete(cfg.Now)
	} else if week.Start() > today {
		return a.fail("report", usageErr("--week %s starts on %s, after today (%s): nothing to report yet", week, week.Start(), today))
	}
	cfg.HistoryAsOf = week.Add(-1).End()
	layout, err := report.LoadLayout(c.templates)
	if err != nil {
		return a.fail("report", configErr(contract.PartTemplate, err))
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("report", err)
	}
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("report", err)
	}
	defer cancel()
	start := time.Now()
	run, err := job.Compute(ctx, ss, cfg)
	if err != nil {
		return a.fail("report", err)
	}
	source := ss.Describe()
	m := report.Build(run, report.Options{Week: week, Now: cfg.Now, StallDays: cfg.StallDays, Source: sheetLabel(c.sheet), Targets: targets})
	path, err := report.WriteFile(out, m, layout)
	if err != nil {
		return a.fail("report", err)
	}
	if week.End() >= today {
		a.log.Warn("the week is not over yet: its figures will still change", "week", week.String(), "ends", week.End().String())
	}
	fmt.Fprintln(a.Stdout, path)
	if send {
		if err := a.sendReport(ctx, ss, m, layout, c.templates, mail, path, cfg.Now); err != nil {
			return a.fail("report", err)
		}
	}
	a.log.Info("report written", "path", path, "week", week.String(), "sheet", source,
		"clients", len(run.Out.Clients), "sessions_in_week", len(m.WeekSessions), "problems", len(m.Problems),
		"duration", time.Since(start).Round(time.Millisecond).String())
	return ExitOK
}

// sendReport mails a written report and records it in 送信履歴: an explicit
// --send mails the week even if it was sent before.
func (a *App) sendReport(ctx context.Context, ss sheet.Spreadsheet, m *report.Model, l *report.Layout, templatesDir string, mail mailer.Config, path string, now time.Time) error {
	id, err := weekly.Send(ctx, ss, m, path, weekly.Options{Templates: templatesDir, Layout: l, Mail: mail, Now: now, Log: a.log})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "sent to %s (message %s)\n", strings.Join(mail.To, ", "), id)
	return nil
}
