package job_test

import (
	"context"
	"strings"
	"testing"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/sheet"
)

// putAt sets a cell, growing the row.
func putAt(tab *sheet.Tab, row, col int, v sheet.Value) {
	for len(tab.Rows[row-1]) < col {
		tab.Rows[row-1] = append(tab.Rows[row-1], sheet.Value{})
	}
	tab.Rows[row-1][col-1] = v
}

// TestCellInLastColumnStillSyncs: a header in 申込's last column (XFD1) and
// a data cell in セッション's (XFD5) on a sheet that lacks the job's columns:
// the job adds them right of the managers' data, never past the last
// column, and every client gets its status, on both backends. The stray
// cells stay, and the second sync writes nothing.
func TestCellInLastColumnStillSyncs(t *testing.T) {
	full := example.Generate(example.Config{Clients: 20, Seed: 3, Today: example.ExampleToday})
	book := withoutJobColumns(t, full)
	apps, sessions := book.Tab("申込"), book.Tab("セッション")
	width := len(apps.Rows[0])
	putAt(apps, 1, contract.MaxColumns, sheet.TextValue("メモ"))
	putAt(sessions, 5, contract.MaxColumns, sheet.TextValue("右端"))
	cfg := config(t)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			open, stored := b.create(t, book)
			run := syncOn(t, open(), cfg)
			if run.Outcome.Written == 0 {
				t.Fatal("nothing written")
			}
			got := stored()
			a := got.Tab("申込")
			if c := colOf(t, a, "ステータス"); c <= width || c > width+12 {
				t.Errorf("ステータス at column %s, want right of the managers' %d columns", sheet.ColumnName(c), width)
			}
			status := colOf(t, a, "ステータス")
			for r := 2; r <= len(apps.Rows); r++ {
				if a.Cell(r, status).IsEmpty() {
					t.Errorf("row %d has no status", r)
				}
			}
			if v := a.Cell(1, contract.MaxColumns).String(); v != "メモ" {
				t.Errorf("XFD1 = %q", v)
			}
			if v := got.Tab("セッション").Cell(5, contract.MaxColumns).String(); v != "右端" {
				t.Errorf("セッション XFD5 = %q", v)
			}
			if run := syncOn(t, open(), cfg); len(run.Changes) != 0 {
				t.Errorf("second sync plans %d changes", len(run.Changes))
			}
		})
	}
}

// TestNoRoomForJobColumnsIsALayoutError: when no run of empty columns is
// wide enough for the job's columns, the run stops before writing with a
// layout error that names the blocking cell, on both backends.
func TestNoRoomForJobColumnsIsALayoutError(t *testing.T) {
	full := example.Generate(example.Config{Clients: 5, Seed: 3, Today: example.ExampleToday})
	book := withoutJobColumns(t, full)
	apps := book.Tab("申込")
	for c := len(apps.Rows[0]) + 1; c <= contract.MaxColumns; c++ {
		putAt(apps, 1, c, sheet.TextValue("列"+sheet.ColumnName(c)))
	}
	cfg := config(t)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			open, stored := b.create(t, book)
			before := stored()
			_, err := job.Sync(context.Background(), open(), cfg, false)
			if !contract.IsLayout(err) || !strings.Contains(err.Error(), `"申込"`) || !strings.Contains(err.Error(), "XFD1 is used") {
				t.Fatalf("got %v, want a layout error naming 申込 XFD1", err)
			}
			after := stored()
			for _, name := range []string{"申込", "セッション", "サポートアカウント"} {
				if !sameCells(before.Tab(name), after.Tab(name)) {
					t.Errorf("tab %s changed", name)
				}
			}
		})
	}
}

// withoutJobColumns copies book without the job-owned and job-filled
// columns of 申込 and セッション, as a sheet the job has never synced.
func withoutJobColumns(t *testing.T, book *sheet.Book) *sheet.Book {
	t.Helper()
	m := config(t).Matrix
	out := &sheet.Book{}
	for _, tab := range book.Tabs {
		keep := make([]bool, len(tab.Rows[0]))
		for c, h := range tab.Rows[0] {
			keep[c] = columnOwner(m, tab.Name, h.String()) == contract.Manager || tab.Name == "サポートアカウント"
		}
		nt := &sheet.Tab{Name: tab.Name}
		for _, row := range tab.Rows {
			var nr []sheet.Value
			for c, v := range row {
				if c >= len(keep) || keep[c] {
					nr = append(nr, v)
				}
			}
			nt.Rows = append(nt.Rows, nr)
		}
		out.Tabs = append(out.Tabs, nt)
	}
	return out
}

func sameCells(a, b *sheet.Tab) bool {
	if a == nil || b == nil {
		return a == b
	}
	n := max(len(a.Rows), len(b.Rows))
	for r := 1; r <= n; r++ {
		w := 0
		if r <= len(a.Rows) {
			w = len(a.Rows[r-1])
		}
		if r <= len(b.Rows) {
			w = max(w, len(b.Rows[r-1]))
		}
		for c := 1; c <= w; c++ {
			if !a.Cell(r, c).Equal(b.Cell(r, c)) {
				return false
			}
		}
	}
	return true
}
