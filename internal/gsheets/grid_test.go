package gsheets_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/prep"
	"onboard/internal/sheet"
)

// TestFirstSyncGrowsGrid: when the managers' columns fill the 26 columns
// of a new sheet, the job's columns go beyond the grid. The read told the
// backend the grid's size, so it grows the grid before writing: one
// spreadsheets.get (sheet IDs) and one appendDimension batchUpdate, on the
// first run only.
func TestFirstSyncGrowsGrid(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.ExampleConfig())
	apps := book.Tabs[0]
	for c := len(apps.Rows[0]) + 1; c <= 26; c++ {
		apps.Rows[0] = append(apps.Rows[0], sheet.TextValue("社内メモ"+strconv.Itoa(c)))
	}
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
	cfg := config(t)

	run := syncOnce(t, open(t, srv, id), cfg)
	// The last batchUpdate formats the columns the sync added.
	want := []string{opBatchGet, opBatchGet, opGet, opSSUpdate, opBatchUpdate, opBatchGet, opSSUpdate}
	if got := operations(srv); !reflect.DeepEqual(got, want) {
		t.Errorf("first sync calls %v, want %v", got, want)
	}
	if got := srv.Cell(id, "申込", 1, 27); got != "必要作業" {
		t.Errorf("AA1 = %v, want the first job column", got)
	}
	if run.Outcome.Written == 0 {
		t.Error("nothing written")
	}
	srv.ResetRequests()
	syncOnce(t, open(t, srv, id), cfg)
	if got := operations(srv); !reflect.DeepEqual(got, []string{opBatchGet}) {
		t.Errorf("second sync calls %v", got)
	}
}

// TestWriteGrowsGridGoogleRefused: a grid that shrank after it was read
// (a manager deleted columns) makes Google refuse the write with "exceeds
// grid limits"; the backend grows the grid and writes again.
func TestWriteGrowsGridGoogleRefused(t *testing.T) {
	srv := newFake(t)
	id := srv.CreateSpreadsheet("s", fakeTabs([]*sheet.Tab{{Name: "申込", Rows: [][]sheet.Value{{sheet.TextValue("a")}}}}, 0)...)
	ss := open(t, srv, id)
	ctx := context.Background()
	if _, err := ss.Read(ctx, []string{"申込"}); err != nil {
		t.Fatal(err)
	}
	var shrunk atomic.Bool
	srv.SetHook(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "values:batchUpdate") && !shrunk.Swap(true) {
			if err := srv.Resize(id, "申込", 1000, 5); err != nil {
				t.Error(err)
			}
		}
	})
	srv.ResetRequests()
	if err := ss.Write(ctx, []sheet.Update{{Tab: "申込", Row: 2, Col: 20, Value: sheet.TextValue("T2")}}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	want := []string{opBatchUpdate, opGet, opSSUpdate, opBatchUpdate}
	if got := operations(srv); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	if got := srv.Cell(id, "申込", 2, 20); got != "T2" {
		t.Errorf("T2 = %v", got)
	}
}

// TestFillColumnsBeyondGrid: the pool tab lacks 割当クライアントID and 割当日
// and its managers' columns fill the grid, so the columns the job fills
// while blank start beyond it. Re-reading them before the write must not
// ask Google for cells outside the grid (it refuses such a read).
func TestFillColumnsBeyondGrid(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.ExampleConfig())
	pool := book.Tab("サポートアカウント")
	for r, row := range pool.Rows {
		row = row[:min(3, len(row))]
		if r == 0 {
			for c := len(row) + 1; c <= 26; c++ {
				row = append(row, sheet.TextValue("備考"+strconv.Itoa(c)))
			}
		}
		pool.Rows[r] = row
	}
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
	run := syncOnce(t, open(t, srv, id), config(t))
	if run.Outcome.Written == 0 {
		t.Fatal("nothing written")
	}
	if got := srv.Cell(id, "サポートアカウント", 1, 27); got != "割当クライアントID" {
		t.Errorf("AA1 = %v", got)
	}
	assertStatusesRight(t, srv, id, config(t))
}

// TestGridAtGoogleCellLimit: when the job's columns need a wider grid but
// the spreadsheet is at Google's 10,000,000 cells, the run stops with one
// line saying what to do, and nothing is written.
func TestGridAtGoogleCellLimit(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.Config{Clients: 10, Seed: 1, Today: example.ExampleToday})
	apps := book.Tabs[0]
	for c := len(apps.Rows[0]) + 1; c <= 26; c++ {
		apps.Rows[0] = append(apps.Rows[0], sheet.TextValue("社内メモ"+strconv.Itoa(c)))
	}
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
	// Empty rows up to the limit, as a sheet pasted into over the years.
	if err := srv.Resize(id, "申込", 9_000_000/26, 26); err != nil {
		t.Fatal(err)
	}
	before := snapshot(srv, id)
	_, err := job.Sync(context.Background(), open(t, srv, id), config(t), false)
	if err == nil || !strings.Contains(err.Error(), "size limit") || !strings.Contains(err.Error(), "delete unused empty rows") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want one line about the size limit", err)
	}
	if after := snapshot(srv, id); !reflect.DeepEqual(before, after) {
		t.Error("the sheet changed")
	}
}

// TestOwnedTabsWithoutRoom: a sheet so near Google's cell limit that a new
// tab does not fit still gets its statuses; the セッション準備 and
// ステータス履歴 tabs are left out with a notice that says why, and the run
// does not fail.
func TestOwnedTabsWithoutRoom(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.Config{Clients: 10, Seed: 1, Today: example.ExampleToday})
	// The job's columns fit in 申込's 26 columns: only a new tab needs room.
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
	others := (len(srv.Tabs(id)) - 1) * 1000 * 26 // every other tab is a new sheet's 1000 × 26
	if err := srv.Resize(id, "申込", (10_000_000-others-1000)/26, 26); err != nil {
		t.Fatal(err)
	}
	cfg := config(t)
	in, err := prep.LoadInstructions("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Prep, cfg.PrepDays = in, 14
	cfg.History, cfg.HistoryDays = true, 400
	run, err := job.Sync(context.Background(), open(t, srv, id), cfg, false)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if run.Outcome.Written == 0 {
		t.Error("no status written")
	}
	for _, tab := range []string{"セッション準備", "ステータス履歴"} {
		if slices.Contains(srv.Tabs(id), tab) {
			t.Errorf("tab %s was added", tab)
		}
		found := false
		for _, n := range run.Notices {
			found = found || strings.HasPrefix(n.Message, tab+"タブを追加できませんでした")
		}
		if !found {
			t.Errorf("no notice for %s: %v", tab, run.Notices)
		}
	}
}
