package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/vocab"
	"onboard/internal/writeback"
)

func (a *App) sync(args []string) int {
	var c common
	var dryRun bool
	var prepTab prepTabFlags
	var hist historyFlags
	fs := a.flagSet("sync")
	c.register(fs)
	fs.BoolVar(&dryRun, "dry-run", false, "print every change (tab, row, column, old → new) and write nothing")
	prepTab.register(fs)
	hist.register(fs)
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	cfg, err := a.setup(&c)
	if err == nil {
		err = prepTab.apply(&cfg, c.templates)
	}
	if err == nil {
		err = hist.apply(&cfg)
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
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("sync", err)
	}
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
	for _, n := range run.Notices {
		fmt.Fprintln(a.Stdout, FormatProblem(n))
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
	sum := run.Summary()
	var parts []string
	for _, s := range onboarding.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d", s, sum.Statuses[s]))
	}
	n := job.LintCounts{Blocking: sum.Blocking, Notes: sum.Notes}
	fmt.Fprintf(w, "clients:   %d (%s)\n", sum.Clients, strings.Join(parts, " · "))
	fmt.Fprintf(w, "problems:  %d %s, stalled clients: %d\n", n.Data(), dataProblems(n), sum.Stalled)
	fmt.Fprintf(w, "support accounts: %d assigned this run, %d prepared left\n", sum.Assigned, sum.PoolLeft)
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
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("check", err)
	}
	defer cancel()
	run, err := job.Evaluate(ctx, ss, cfg)
	if err != nil {
		return a.fail("check", err)
	}
	findings := run.Lint(cfg)
	code := ExitOK
	if len(findings) > 0 {
		code = ExitProblems
	}
	if format == "json" {
		if err := writeFindingsJSON(a.Stdout, ss.Describe(), findings); err != nil {
			return a.fail("check", err)
		}
		return code
	}
	for _, f := range findings {
		fmt.Fprintln(a.Stdout, FormatProblem(f.Located))
	}
	if len(findings) == 0 {
		fmt.Fprintf(a.Stdout, "no problems in %s\n", ss.Describe())
	} else {
		fmt.Fprintf(a.Stdout, "%s: %s\n", ss.Describe(), findingCounts(job.CountFindings(findings)))
	}
	return code
}

// dataProblems counts the data problems the way sync and check both say
// it: the set the チェック cells hold, by kind.
func dataProblems(n job.LintCounts) string {
	return fmt.Sprintf("in the チェック cells (%s)", vocab.Counts(n.Blocking, n.Notes))
}

// findingCounts is check's total, split so that its data problems can be
// matched with sync's: "25 findings: 13 problems in the チェック cells
// (要確認 9 · お知らせ 4) + 12 stalled clients (お知らせ)".
func findingCounts(n job.LintCounts) string {
	s := fmt.Sprintf("%d findings: %d problems %s", n.Total(), n.Data(), dataProblems(n))
	if n.Stalled > 0 {
		s += fmt.Sprintf(" + %d stalled clients (%s)", n.Stalled, vocab.Note)
	}
	if n.Pool > 0 {
		s += fmt.Sprintf(" + the support account pool running low (%s)", vocab.Note)
	}
	return s
}

// findingJSON is one finding in check's JSON output.
type findingJSON struct {
	Tab      string `json:"tab"`
	Row      int    `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Cell     string `json:"cell,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	Kind     string `json:"kind"`   // 要確認 or お知らせ
	Source   string `json:"source"` // data (a チェック cell's), stalled or pool
	Message  string `json:"message"`
	Blocking bool   `json:"blocking"`
}

// countsJSON splits check's count as its text footer does.
type countsJSON struct {
	Data     int `json:"data"`     // the problems in the チェック cells, as sync counts them
	Blocking int `json:"blocking"` // of which 要確認
	Notes    int `json:"notes"`    // of which お知らせ
	Stalled  int `json:"stalled"`
	Pool     int `json:"pool"`
}

func writeFindingsJSON(w io.Writer, sheetName string, fs []job.Finding) error {
	n := job.CountFindings(fs)
	out := struct {
		Sheet    string        `json:"sheet"`
		Count    int           `json:"count"`
		Counts   countsJSON    `json:"counts"`
		Problems []findingJSON `json:"problems"`
	}{Sheet: sheetName, Count: len(fs), Problems: make([]findingJSON, 0, len(fs)),
		Counts: countsJSON{Data: n.Data(), Blocking: n.Blocking, Notes: n.Notes, Stalled: n.Stalled, Pool: n.Pool}}
	for _, f := range fs {
		fj := findingJSON{Tab: f.Tab, Row: f.Row, Column: f.Header, ClientID: f.ClientID, Kind: f.Kind(),
			Source: f.Source, Message: f.Message, Blocking: f.Blocking}
		if f.Col > 0 && f.Row > 0 {
			fj.Cell = sheet.CellName(f.Row, f.Col)
		}
		out.Problems = append(out.Problems, fj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// FormatProblem renders a problem as one line naming tab, row, column and
// client, then its kind:
// 申込!F12 (row 12, column LINE公式アカウント, client 10011) [要確認] ...
func FormatProblem(p contract.Located) string {
	var where string
	var about []string
	switch {
	case p.Row == 0:
		where = p.Tab
	case p.Col > 0:
		where = fmt.Sprintf("%s!%s", p.Tab, sheet.CellName(p.Row, p.Col))
		about = append(about, fmt.Sprintf("row %d", p.Row))
	default:
		where = fmt.Sprintf("%s row %d", p.Tab, p.Row)
	}
	if p.Header != "" && p.Row > 0 {
		about = append(about, "column "+p.Header)
	}
	if p.ClientID != "" {
		about = append(about, "client "+p.ClientID)
	}
	if len(about) > 0 {
		where += " (" + strings.Join(about, ", ") + ")"
	}
	return fmt.Sprintf("%s [%s] %s", where, p.Kind(), p.Message)
}
