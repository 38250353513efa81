package job_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/statuslog"
	"onboard/internal/xlsxbook"
)

func historyConfig(t *testing.T) job.Config {
	cfg := config(t)
	cfg.History, cfg.HistoryDays = true, statuslog.DefaultRetentionDays
	return cfg
}

// historyRows are the tab's rows below the header, cells as text.
func historyRows(t *testing.T, book *sheet.Book) [][]string {
	t.Helper()
	tab := book.Tab(statuslog.TabName)
	if tab == nil {
		t.Fatal("no ステータス履歴 tab")
	}
	if got := strings.Join(texts(tab.Rows[0]), ","); got != strings.Join(statuslog.Header, ",") {
		t.Fatalf("header %s", got)
	}
	var rows [][]string
	for _, r := range tab.Rows[1:] {
		row := texts(r)
		for len(row) < len(statuslog.Header) {
			row = append(row, "")
		}
		rows = append(rows, row)
	}
	return rows
}

func texts(vs []sheet.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// TestStatusHistoryOnBothBackends: the first sync records every client's
// starting status once and the totals; an idle sync adds nothing (on
// Google: the read, after the tab list that says where the log ends); a status change adds its row below, with what
// caused it, leaving the earlier rows as they were.
func TestStatusHistoryOnBothBackends(t *testing.T) {
	book := example.Generate(example.ExampleConfig())
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			cfg := historyConfig(t)
			open, stored := b.create(t, book)
			run := syncOn(t, open(), cfg)
			first := historyRows(t, stored())
			clients := run.Out.Clients
			if len(first) != len(clients)+1 {
				t.Fatalf("%d rows after the first sync, want one per client (%d) and the totals", len(first), len(clients))
			}
			needs, stalled := 0, 0
			for i, c := range clients {
				want := []string{"2026/11/25 09:00", c.App.ClientID, c.App.Company, "", string(c.Status), statuslog.StartTrigger, "", "", ""}
				if !slices.Equal(first[i], want) {
					t.Errorf("row %d: %q, want %q", i+2, first[i], want)
				}
				if c.Status == onboarding.NeedsReview {
					needs++
				}
				if c.Stalled {
					stalled++
				}
			}
			totals := first[len(first)-1]
			if want := []string{"2026/11/25 09:00", "", "", "", "", statuslog.TotalsTrigger, itoa(needs), itoa(stalled), itoa(run.Out.PoolLeft)}; !slices.Equal(totals, want) {
				t.Errorf("totals row %q, want %q", totals, want)
			}
			if run.HistoryRows != len(first) || run.SheetCells == 0 {
				t.Errorf("run: %d history rows, %d cells counted", run.HistoryRows, run.SheetCells)
			}

			// Idle: nothing written, on Google nothing but the read: the
			// tabs' grid sizes (where the log ends), then one batchGet.
			cfg.Now = cfg.Now.Add(time.Hour)
			ss := open()
			idle := syncOn(t, ss, cfg)
			if len(idle.Changes) != 0 || idle.HistoryRows != 0 {
				t.Errorf("idle sync: %d changes, %d history rows", len(idle.Changes), idle.HistoryRows)
			}
			if c, ok := ss.(sheet.Counter); ok {
				if req, _ := c.Counts(); req != 2 {
					t.Errorf("idle sync made %d requests, want 2", req)
				}
			}

			// A handover recorded: 担当作業待ち → 完了.
			ci := slices.IndexFunc(clients, func(c onboarding.Client) bool {
				return c.Status == onboarding.AwaitHandover && !c.Stalled
			})
			if ci < 0 {
				t.Fatal("the example has no client awaiting handover")
			}
			c := clients[ci]
			apps := stored().Tab("申込")
			ss = open()
			if _, err := ss.Read(t.Context(), []string{"申込"}); err != nil {
				t.Fatal(err)
			}
			if err := ss.Write(t.Context(), []sheet.Update{{Tab: "申込", Row: c.App.Row, Col: colOf(t, apps, "担当作業完了日"), Value: sheet.TextValue("2026/11/25")}}); err != nil {
				t.Fatal(err)
			}
			cfg.Now = cfg.Now.Add(time.Hour)
			changed := syncOn(t, open(), cfg)
			after := historyRows(t, stored())
			if !slices.EqualFunc(after[:len(first)], first, slices.Equal) {
				t.Error("the sync rewrote earlier rows")
			}
			added := after[len(first):]
			if len(added) == 0 {
				t.Fatal("no row for the status change")
			}
			want := []string{"2026/11/25 11:00", c.App.ClientID, c.App.Company, "担当作業待ち", "完了", "担当作業完了日 2026/11/25", "", "", ""}
			if !slices.Equal(added[0], want) {
				t.Errorf("change row %q, want %q", added[0], want)
			}
			// The totals did not change (the client was neither 要確認 nor
			// stalled, and kept its support account): no totals row.
			if len(added) != 1 || changed.HistoryRows != 1 {
				t.Errorf("rows added %q (run says %d), want the change only", added, changed.HistoryRows)
			}
			// The day's first history rows were counted already: not again.
			if changed.SheetCells != 0 {
				t.Errorf("cells counted again the same day: %d", changed.SheetCells)
			}
		})
	}
}

func itoa(n int) string { return sheet.NumberValue(float64(n)).String() }

// TestStatusHistoryAppendKeepsRowsAddedMeanwhile: a row a person (or
// another run) put below the log between the job's read and its write is
// not overwritten: the run's rows go below it.
func TestStatusHistoryAppendKeepsRowsAddedMeanwhile(t *testing.T) {
	book := example.Generate(example.ExampleConfig())
	ss := memsheet.FromBook("s", book)
	cfg := historyConfig(t)
	run := syncOn(t, ss, cfg)
	last := len(ss.Book().Tab(statuslog.TabName).Rows)

	// A client's session date is cleared: its status changes.
	ci := slices.IndexFunc(run.Out.Clients, func(c onboarding.Client) bool { return c.Status == onboarding.Scheduled })
	c := run.Out.Clients[ci]
	ss.Edit("申込", c.App.Row, colOf(t, ss.Book().Tab("申込"), "セッション予定日"), sheet.Value{})
	ss.BeforeReadColumns = func(s *memsheet.Spreadsheet) {
		s.BeforeReadColumns = nil
		s.Edit(statuslog.TabName, last+1, 3, sheet.TextValue("手で書いた行"))
	}
	cfg.Now = cfg.Now.Add(time.Hour)
	again := syncOn(t, ss, cfg)
	rows := historyRows(t, ss.Book())
	if got := rows[last-1]; got[2] != "手で書いた行" || got[0] != "" || got[1] != "" {
		t.Errorf("the row added meanwhile is now %q", got)
	}
	want := []string{"2026/11/25 10:00", c.App.ClientID, c.App.Company, "セッション予定", "未着手", "セッション予定日の取消", "", "", ""}
	if len(rows) < last+1 || !slices.Equal(rows[last], want) {
		t.Errorf("rows below it %q, want %q first", rows[last-1:], want)
	}
	if again.Outcome.Moved == 0 {
		t.Error("the outcome does not count the moved rows")
	}
}

// TestStatusHistoryPrune: rows past the retention go, once the oldest is
// a day past it; rows the job cannot date stay, and so does the latest
// totals row (its figures still stand). The next run does not rewrite
// the tab again.
func TestStatusHistoryPrune(t *testing.T) {
	book := example.Generate(example.ExampleConfig())
	cfg := historyConfig(t)
	cfg.HistoryDays = 30 // today 2026-11-25: rows before 10-26 go once one is before 10-25
	hdr := make([]sheet.Value, len(statuslog.Header))
	for i, h := range statuslog.Header {
		hdr[i] = sheet.TextValue(h)
	}
	row := func(at, id, trigger string, totals ...int) []sheet.Value {
		r := []sheet.Value{sheet.TextValue(at), sheet.TextValue(id), {}, {}, sheet.TextValue("未着手"), sheet.TextValue(trigger)}
		for _, n := range totals {
			r = append(r, sheet.NumberValue(float64(n)))
		}
		return r
	}
	old := &sheet.Tab{Name: statuslog.TabName, Rows: [][]sheet.Value{hdr,
		row("2026/09/01 09:00", "", statuslog.TotalsTrigger, 1, 2, 3), // superseded by the next totals row
		row("2026/09/02 09:00", "", statuslog.TotalsTrigger, 4, 5, 6), // the latest totals: gone as the run writes its own
		row("2026/10/01 09:00", "A-1", "申込"),                          // past the retention
		row("いつか", "A-2", "申込"),                                       // undated: kept
		row("2026/10/26 09:00", "A-3", "申込"),                          // within: kept
	}}
	book.Tabs = append(book.Tabs, old)
	ss := memsheet.FromBook("s", book)
	run := syncOn(t, ss, cfg)
	if !run.HistoryPruned {
		t.Fatal("no prune")
	}
	rows := historyRows(t, ss.Book())
	var ids []string
	for _, r := range rows[:3] {
		ids = append(ids, r[0]+" "+r[1])
	}
	if want := []string{"いつか A-2", "2026/10/26 09:00 A-3", "2026/11/25 09:00 " + run.Out.Clients[0].App.ClientID}; !slices.Equal(ids, want) {
		t.Errorf("kept %q, want %q", ids, want)
	}
	// Not the first recording (the log had rows): each client's status is
	// new to the sheet, so its row says 申込.
	if got := rows[2]; !strings.HasPrefix(got[5], "申込") {
		t.Errorf("first new row %q", got)
	}
	if n := len(rows); n != 2+len(run.Out.Clients)+1 {
		t.Errorf("%d rows after the prune, want 2 kept, %d clients and the totals", n, len(run.Out.Clients))
	}

	// The next day nothing is past the retention by a day: no rewrite.
	cfg.Now = cfg.Now.Add(24 * time.Hour)
	next := syncOn(t, ss, cfg)
	if next.HistoryPruned {
		t.Error("pruned again the next day")
	}
	for _, c := range next.Changes {
		if c.Tab == statuslog.TabName && !c.BlankOnly {
			t.Errorf("the next day rewrote %s", sheet.CellName(c.Row, c.Col))
		}
	}
}

// TestCellLimitWarning: a sheet past 80% of Google's 10,000,000 cells gets
// a warning the managers see (a notice among the problems) and the run's
// cell count; on Google the grid counts (spreadsheets.get), on a local
// workbook (which reads every tab) the used range. A sheet well under it gets none.
func TestCellLimitWarning(t *testing.T) {
	book := example.Generate(example.ExampleConfig())
	warned := func(run *job.Run) bool {
		for _, p := range run.Problems() {
			if p.Tab == statuslog.TabName && strings.Contains(p.Message, "セル数") && !p.Blocking {
				return true
			}
		}
		return false
	}
	t.Run("google", func(t *testing.T) {
		for _, tc := range []struct {
			rows, cols int
			warn       bool
		}{{90_000, 100, true}, {50_000, 100, false}} {
			srv := fakesheets.NewServer()
			t.Cleanup(srv.Close)
			memo := &sheet.Tab{Name: "メモ", Rows: [][]sheet.Value{{sheet.TextValue("メモ")}}}
			id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(&sheet.Book{Tabs: append(slices.Clone(book.Tabs), memo)}, 0)...)
			if err := srv.Resize(id, "メモ", tc.rows, tc.cols); err != nil {
				t.Fatal(err)
			}
			ss, err := gsheets.Open(context.Background(), id, gsheets.Options{Endpoint: srv.URL(), Getenv: func(string) string { return "" }})
			if err != nil {
				t.Fatal(err)
			}
			run := syncOn(t, ss, historyConfig(t))
			if run.SheetCells < tc.rows*tc.cols || warned(run) != tc.warn {
				t.Errorf("%d×%d grid: %d cells counted, warned %v", tc.rows, tc.cols, run.SheetCells, warned(run))
			}
		}
	})
	t.Run("local", func(t *testing.T) {
		for _, tc := range []struct {
			row, col int
			warn     bool
		}{{90_000, 100, true}, {1_000, 100, false}} {
			memo := &sheet.Tab{Name: "メモ", Rows: make([][]sheet.Value, tc.row)}
			memo.Rows[tc.row-1] = make([]sheet.Value, tc.col)
			memo.Rows[tc.row-1][tc.col-1] = sheet.TextValue("端")
			path := writeBook(t, &sheet.Book{Tabs: append(slices.Clone(book.Tabs), memo)})
			run := syncOn(t, xlsxbook.Open(path), historyConfig(t))
			if run.SheetCells < tc.row*tc.col || warned(run) != tc.warn {
				t.Errorf("used range to %s: %d cells counted, warned %v", sheet.CellName(tc.row, tc.col), run.SheetCells, warned(run))
			}
		}
	})
}

// TestStatusHistoryTailOnBothBackends: a sync reads the log's head and
// tail only, yet a row a manager inserted into it is noticed as today: a
// row inserted among the job's rows is kept where it is, and the job's
// next rows go below a row a manager added at the end, never over it.
func TestStatusHistoryTailOnBothBackends(t *testing.T) {
	book := example.Generate(example.Config{Clients: 2000, Seed: 1, Today: example.ExampleToday})
	log, days := example.History(book, 300, 100_000, example.ExampleToday, 1)
	if days != 300 || len(log.Rows) < 5000 {
		t.Fatalf("history of %d days, %d rows", days, len(log.Rows))
	}
	inserted := []sheet.Value{{}, {}, sheet.TextValue("手で挿入した行")}
	log.Rows = slices.Insert(log.Rows, 3000, inserted)
	log.Rows = append(log.Rows, []sheet.Value{{}, {}, sheet.TextValue("末尾のメモ")})
	last := len(log.Rows)
	book.Tabs = append(book.Tabs, log)
	for _, b := range append(backends(), backend{"memory", func(t *testing.T, book *sheet.Book) (func() sheet.Spreadsheet, func() *sheet.Book) {
		ss := memsheet.FromBook("s", book)
		return func() sheet.Spreadsheet { return ss }, ss.Book
	}}) {
		t.Run(b.name, func(t *testing.T) {
			cfg := historyConfig(t)
			open, stored := b.create(t, book)
			first := syncOn(t, open(), cfg)
			if n := len(first.History.Entries); n >= len(log.Rows)/2 {
				t.Errorf("the sync read %d of the log's %d rows", n, len(log.Rows))
			}
			rows := historyRows(t, stored())
			if got := rows[3000-1][2]; got != "手で挿入した行" {
				t.Errorf("row 3001 is %q, want the inserted row", rows[3000-1])
			}
			if got := rows[last-2][2]; got != "末尾のメモ" {
				t.Errorf("row %d is %q, want the manager's row", last, rows[last-2])
			}
			if len(rows) != last-1+len(first.Out.Clients)+1 {
				t.Errorf("%d rows, want the %d read, a row per client and the totals below", len(rows), last-1)
			}
			if got := rows[last-1]; got[1] != first.Out.Clients[0].App.ClientID || !strings.HasPrefix(got[5], "申込") {
				t.Errorf("row %d is %q, want the first client's", last+1, got)
			}
			cfg.Now = cfg.Now.Add(time.Hour)
			ss := open()
			idle := syncOn(t, ss, cfg)
			if len(idle.Changes) != 0 {
				t.Errorf("idle sync: %d changes", len(idle.Changes))
			}
			if c, ok := ss.(sheet.Counter); ok {
				if req, _ := c.Counts(); req != 2 {
					t.Errorf("idle sync made %d requests, want 2", req)
				}
			}
		})
	}
}

// TestComputeReadsTheWeekItNeeds: a reader (the report) of a sheet with
// 300 days of history reads of ステータス履歴 its head and the totals row
// as of HistoryAsOf alone, a week far back or the last one, and finds
// the same totals as a whole read does; so it does once the sheet is
// synced, its status rows and today's totals appended below those weeks
// (and, in a workbook, its rewritten part deflated in segments).
func TestComputeReadsTheWeekItNeeds(t *testing.T) {
	book := example.Generate(example.Config{Clients: 1000, Seed: 1, Today: example.ExampleToday})
	log, _ := example.History(book, 300, 100_000, example.ExampleToday, 1)
	book.Tabs = append(book.Tabs, log)
	whole := statuslog.Parse(log, time.FixedZone("JST", 9*3600))
	for _, b := range append(backends(), backend{"memory", func(t *testing.T, book *sheet.Book) (func() sheet.Spreadsheet, func() *sheet.Book) {
		ss := memsheet.FromBook("s", book)
		return func() sheet.Spreadsheet { return ss }, ss.Book
	}}) {
		t.Run(b.name, func(t *testing.T) {
			open, _ := b.create(t, book)
			readsTheWeek(t, open(), whole, len(log.Rows), "")
			syncOn(t, open(), historyConfig(t))
			readsTheWeek(t, open(), whole, len(log.Rows), "synced: ")
		})
	}
}

// readsTheWeek computes the sheet as the report does, as of 200 and 9
// days back, and checks the history it read against whole's totals.
func readsTheWeek(t *testing.T, ss sheet.Spreadsheet, whole *statuslog.Log, rows int, when string) {
	t.Helper()
	for _, back := range []int{200, 9} {
		cfg := historyConfig(t)
		cfg.HistoryAsOf = example.ExampleToday.AddDays(-back)
		run, err := job.Compute(context.Background(), ss, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(run.History.Entries); n > statuslog.HeadRows {
			t.Errorf("%s%d days back: read %d of the log's %d rows", when, back, n, rows)
		}
		got, ok := run.History.TotalsAsOf(cfg.HistoryAsOf)
		want, _ := whole.TotalsAsOf(cfg.HistoryAsOf)
		if !ok || got != want {
			t.Errorf("%s%d days back: totals %+v (found %v), want %+v", when, back, got, ok, want)
		}
	}
}
