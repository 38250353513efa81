package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"onboard/internal/job"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/writeback"
)

func (a *App) sync(args []string) int {
	var c common
	var dryRun bool
	var prepTab prepTabFlags
	fs := a.flagSet("sync")
	c.register(fs)
	fs.BoolVar(&dryRun, "dry-run", false, "print every change (tab, row, column, old → new) and write nothing")
	prepTab.register(fs)
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	cfg, err := a.setup(&c)
	if err == nil {
		err = prepTab.apply(&cfg, c.templates)
	}
	if err == nil {
		cfg.Look, err = look(c.templates)
	}
	if err != nil {
		return a.fail("sync", err)
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("sync", err)
	}
	ctx, cancel := c.context()
	defer cancel()
	start := time.Now()
	run, err := job.Sync(ctx, ss, cfg, dryRun)
	if err != nil {
		return a.fail("sync", err)
	}
	if dryRun {
		printChanges(a.Stdout, run.Changes)
	}
	a.summary(a.Stdout, ss, run, dryRun)
	a.log.Info("sync finished", "sheet", ss.Describe(), "clients", len(run.Out.Clients),
		"changes", len(run.Changes), "written", run.Outcome.Written, "moved", run.Outcome.Moved,
		"gone", run.Outcome.Gone, "filled_meanwhile", run.Outcome.Filled, "attempts", run.Attempts,
		"dry_run", dryRun, "duration", time.Since(start).Round(time.Millisecond).String())
	if run.Out.PoolLow {
		a.log.Warn("support account pool is running low: prepare more accounts",
			"left", run.Out.PoolLeft, "warn_below", cfg.PoolLowWater)
	}
	return ExitOK
}

// printChanges lists changes as tab, row, column, old → new.
func printChanges(w io.Writer, changes []writeback.Change) {
	for _, ch := range changes {
		fmt.Fprintf(w, "%s!%s  row %d  %s: %s → %s\n", ch.Tab, sheet.CellName(ch.Row, ch.Col), ch.Row, ch.Header,
			show(ch.Old), show(ch.New))
	}
	fmt.Fprintf(w, "%d changes (dry run: nothing written)\n", len(changes))
}

func show(v sheet.Value) string {
	if v.IsEmpty() {
		return `""`
	}
	s := v.String()
	if len([]rune(s)) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func (a *App) summary(w io.Writer, ss sheet.Spreadsheet, run *job.Run, dryRun bool) {
	counts := run.StatusCounts()
	var parts []string
	for _, s := range onboarding.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d", s, counts[s]))
	}
	problems := run.Problems()
	blocking, stalled, assigned := 0, 0, 0
	for _, p := range problems {
		if p.Blocking {
			blocking++
		}
	}
	for i := range run.Out.Clients {
		if run.Out.Clients[i].Stalled {
			stalled++
		}
	}
	for _, as := range run.Out.Assignments {
		if !as.Manual {
			assigned++
		}
	}
	fmt.Fprintf(w, "clients:   %d (%s)\n", len(run.Out.Clients), strings.Join(parts, " · "))
	fmt.Fprintf(w, "problems:  %d (%d blocking), stalled clients: %d\n", len(problems), blocking, stalled)
	fmt.Fprintf(w, "support accounts: %d assigned this run, %d prepared left\n", assigned, run.Out.PoolLeft)
	switch {
	case dryRun:
		fmt.Fprintf(w, "dry run:   %d cells would change in %s\n", len(run.Changes), ss.Describe())
	case run.Outcome.Written == 0:
		fmt.Fprintf(w, "written:   nothing changed in %s\n", ss.Describe())
	default:
		fmt.Fprintf(w, "written:   %d cells to %s\n", run.Outcome.Written, ss.Describe())
	}
}

func (a *App) check(args []string) int {
	var c common
	var format string
	fs := a.flagSet("check")
	c.register(fs)
	fs.StringVar(&format, "format", "text", "output: text (one line per problem) or json")
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	if format != "text" && format != "json" {
		return a.fail("check", usageErr("--format %q: use text or json", format))
	}
	cfg, err := a.setup(&c)
	if err != nil {
		return a.fail("check", err)
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("check", err)
	}
	ctx, cancel := c.context()
	defer cancel()
	run, err := job.Evaluate(ctx, ss, cfg)
	if err != nil {
		return a.fail("check", err)
	}
	problems := run.Lint(cfg)
	code := ExitOK
	if len(problems) > 0 {
		code = ExitProblems
	}
	if format == "json" {
		if err := writeProblemsJSON(a.Stdout, ss.Describe(), problems); err != nil {
			return a.fail("check", err)
		}
		return code
	}
	for _, p := range problems {
		fmt.Fprintln(a.Stdout, FormatProblem(p))
	}
	if len(problems) == 0 {
		fmt.Fprintf(a.Stdout, "no problems in %s\n", ss.Describe())
	} else {
		fmt.Fprintf(a.Stdout, "%d problems in %s\n", len(problems), ss.Describe())
	}
	return code
}

// problemJSON is one problem in check's JSON output.
type problemJSON struct {
	Tab      string `json:"tab"`
	Row      int    `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Cell     string `json:"cell,omitempty"`
	Message  string `json:"message"`
	Blocking bool   `json:"blocking"`
}

func writeProblemsJSON(w io.Writer, sheetName string, ps []onboarding.Problem) error {
	out := struct {
		Sheet    string        `json:"sheet"`
		Count    int           `json:"count"`
		Problems []problemJSON `json:"problems"`
	}{Sheet: sheetName, Count: len(ps), Problems: make([]problemJSON, 0, len(ps))}
	for _, p := range ps {
		pj := problemJSON{Tab: p.Tab, Row: p.Row, Column: p.Column, Message: p.Message, Blocking: p.Blocking}
		if p.Col > 0 && p.Row > 0 {
			pj.Cell = sheet.CellName(p.Row, p.Col)
		}
		out.Problems = append(out.Problems, pj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// FormatProblem renders a problem as one line naming tab, row and column:
// 申込!F12 (row 12, column LINE公式アカウント): ...
func FormatProblem(p onboarding.Problem) string {
	where := fmt.Sprintf("%s row %d", p.Tab, p.Row)
	if p.Row == 0 {
		where = p.Tab
	}
	if p.Col > 0 {
		where = fmt.Sprintf("%s!%s (row %d, column %s)", p.Tab, sheet.CellName(p.Row, p.Col), p.Row, p.Column)
	} else if p.Column != "" {
		where = fmt.Sprintf("%s row %d, column %s", p.Tab, p.Row, p.Column)
	}
	kind := "note"
	if p.Blocking {
		kind = "要確認"
	}
	return fmt.Sprintf("%s [%s] %s", where, kind, p.Message)
}
