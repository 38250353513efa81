package job

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"onboard/internal/contract"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/statuslog"
	"onboard/internal/writeback"
)

// CellLimit is the most cells Google allows in one spreadsheet.
const CellLimit = 10_000_000

// CellWarnRatio is the share of CellLimit past which the job warns.
const CellWarnRatio = 0.8

// planHistory plans this run's rows of the ステータス履歴 tab: one per
// status the plan changes (every client's on the log's first recording),
// and the totals when they changed. Rows go below the last row read; on
// the day a prune is due the tab is rewritten without the rows past the
// retention instead.
func planHistory(run *Run, cfg Config) []writeback.Change {
	log := run.History
	starting := log.Empty()
	s := run.Sheet
	statusCol := s.Apps.Col(contract.KeyStatus)
	var changes []statuslog.Change
	totals := statuslog.Totals{PoolLeft: run.Out.PoolLeft}
	for i := range run.Out.Clients {
		c := &run.Out.Clients[i]
		if c.Status == onboarding.NeedsReview {
			totals.NeedsReview++
		}
		if c.Stalled {
			totals.Stalled++
		}
		old := ""
		if statusCol > 0 {
			v, _ := s.Cell(s.Apps.Spec.Key, c.App.Row, statusCol)
			old = strings.TrimSpace(v.String())
		}
		if starting || old != string(c.Status) {
			changes = append(changes, statuslog.Change{Client: c, Old: old, Problem: firstBlocking(run, c)})
		}
	}
	if starting {
		for i := range changes {
			changes[i].Old = "" // the first recording: where each client starts
		}
	}
	rows := statuslog.Rows(cfg.Now, changes, totals, log, starting)
	days := retentionDays(cfg)
	if log.PruneDue(cfg.Today(), days) {
		run.HistoryPruned, run.HistoryRows = true, len(rows)
		want := [][]sheet.Value{textRow(statuslog.Header)}
		newTotals := len(rows) > 0 && rows[len(rows)-1][statuslog.ColTrigger-1].String() == statuslog.TotalsTrigger
		for _, r := range log.Kept(cfg.Today(), days, newTotals) {
			want = append(want, run.historyTab.Rows[r-1])
		}
		return writeback.PlanTab(statuslog.TabName, run.historyTab, append(want, rows...))
	}
	run.HistoryRows = len(rows)
	return writeback.PlanAppend(statuslog.TabName, run.historyTab, statuslog.Header, rows)
}

// readWholeHistoryToPrune reads the ステータス履歴 tab whole when its head
// says a prune is due: the run read only its head and tail, and a prune
// rewrites it without the old rows. That is at most one read every other
// day; every other sync reads the tail alone.
func readWholeHistoryToPrune(ctx context.Context, ss sheet.Spreadsheet, run *Run, cfg Config) error {
	if run.historyTab == nil || !run.History.PruneDue(cfg.Today(), retentionDays(cfg)) {
		return nil
	}
	book, err := ss.Read(ctx, []string{statuslog.TabName})
	if err != nil {
		return fmt.Errorf("read the %s tab to prune it: %w", statuslog.TabName, err)
	}
	if tab := book.Tab(statuslog.TabName); tab != nil {
		run.historyTab = tab
		run.History = statuslog.Parse(tab, cfg.Now.Location())
	}
	return nil
}

func retentionDays(cfg Config) int {
	if cfg.HistoryDays <= 0 {
		return statuslog.DefaultRetentionDays
	}
	return cfg.HistoryDays
}

func textRow(ss []string) []sheet.Value {
	out := make([]sheet.Value, len(ss))
	for i, s := range ss {
		out[i] = sheet.TextValue(s)
	}
	return out
}

// usedCells counts the used range of every tab read: the cell count of a
// backend that cannot tell its grid (a local workbook reads every tab).
func usedCells(book *sheet.Book) int {
	n := 0
	for _, t := range book.Tabs {
		rows, cols := t.Size()
		for c, r := range t.Elsewhere {
			cols, rows = max(cols, c), max(rows, r)
		}
		n += rows * cols
	}
	return n
}

// checkCells counts the spreadsheet's cells once a day, with the day's
// first history rows, and warns as the sheet nears Google's limit: a sheet
// past it refuses every write, the statuses' too.
func checkCells(ctx context.Context, ss sheet.Spreadsheet, run *Run, cfg Config, log *slog.Logger) {
	if run.HistoryRows == 0 || (!run.HistoryPruned && run.History.LastDay() == cfg.Today()) {
		return
	}
	cells := run.usedCells
	if gc, ok := ss.(sheet.CellCounter); ok {
		n, err := gc.Cells(ctx)
		if err != nil {
			log.Warn("could not count the spreadsheet's cells; the next day's run tries again", "err", err)
			return
		}
		cells = n
	}
	cells += run.HistoryRows * len(statuslog.Header)
	run.SheetCells = cells
	if float64(cells) <= CellWarnRatio*CellLimit {
		return
	}
	pct := float64(cells) * 100 / CellLimit
	log.Warn("the spreadsheet nears Google's cell limit: delete unused rows and columns or old tabs, or lower --history-days",
		"cells", cells, "limit", CellLimit, "percent", fmt.Sprintf("%.0f", pct))
	run.Notices = append(run.Notices, contract.Located{
		Tab: statuslog.TabName,
		Message: fmt.Sprintf("スプレッドシートのセル数が %d（上限 %d の %.0f%%）です。上限に達すると onboard も手入力も書き込めなくなります: 使っていない行・列やタブを削除してください",
			cells, CellLimit, pct),
	})
}

// firstBlocking is the client's first blocking problem as a manager reads
// it; "" when none.
func firstBlocking(run *Run, c *onboarding.Client) string {
	for _, p := range c.Problems {
		if p.Blocking {
			return run.Sheet.Text(p)
		}
	}
	return ""
}
