package gsheets_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

var tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return l
}()

func config(t testing.TB) job.Config {
	t.Helper()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return job.Config{Matrix: m, Now: time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo), StallDays: 14, PoolLowWater: 5}
}

const (
	opBatchGet    = "spreadsheets.values.batchGet"
	opBatchUpdate = "spreadsheets.values.batchUpdate"
	opGet         = "spreadsheets.get"
	opSSUpdate    = "spreadsheets.batchUpdate"
)

func syncOnce(t testing.TB, ss sheet.Spreadsheet, cfg job.Config) *job.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := job.Sync(ctx, ss, cfg, false)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return run
}

// TestSyncRequestCount10k: a first sync of 10,000 clients costs four calls
// (read, re-read of the key columns, one write, the read that verifies
// it) and two to format the columns it added, and a second sync, with nothing to change, only the read.
func TestSyncRequestCount10k(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.Config{Clients: 10_000, Seed: 1, Today: example.ExampleToday})
	// The job's columns fit in the 26 columns of a new sheet, so no call
	// grows the grid.
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 26)...)
	cfg := config(t)

	run := syncOnce(t, open(t, srv, id), cfg)
	if run.Outcome.Written < 10_000*5 {
		t.Errorf("first sync wrote %d cells", run.Outcome.Written)
	}
	// Then the columns it added are formatted: the sheet IDs (one get),
	// and one batchUpdate. An idle sync does neither.
	if got, want := operations(srv), []string{opBatchGet, opBatchGet, opBatchUpdate, opBatchGet, opGet, opSSUpdate}; !reflect.DeepEqual(got, want) {
		t.Errorf("first sync calls %v, want %v", got, want)
	}
	var sent, received int
	for _, r := range srv.Requests() {
		sent += r.BodySize
		received += r.ResponseSize
	}
	t.Logf("first sync: %d cells written, %d requests, %d bytes sent, %d received", run.Outcome.Written, len(srv.Requests()), sent, received)

	srv.ResetRequests()
	run = syncOnce(t, open(t, srv, id), cfg)
	if run.Outcome.Written != 0 || len(run.Changes) != 0 {
		t.Errorf("second sync: %d changes, %d written", len(run.Changes), run.Outcome.Written)
	}
	// Nothing planned means no re-read either (job.Sync skips the write
	// step altogether).
	if got, want := operations(srv), []string{opBatchGet}; !reflect.DeepEqual(got, want) {
		t.Errorf("second sync calls %v, want %v", got, want)
	}
}

// TestReadNilReadsEveryTab: Read(nil) lists the tabs first, as the local
// workbook returns every tab.
func TestReadNilReadsEveryTab(t *testing.T) {
	srv := newFake(t)
	id := srv.CreateSpreadsheet("s", fakeTabs([]*sheet.Tab{
		{Name: "申込", Rows: [][]sheet.Value{{sheet.TextValue("a")}}},
		{Name: "メモ", Rows: [][]sheet.Value{{sheet.NumberValue(1)}}},
	}, 0)...)
	b, err := open(t, srv, id).Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tabs) != 2 || b.Tab("メモ").Cell(1, 1).Num != 1 {
		t.Errorf("tabs %+v", b.Tabs)
	}
	if got, want := operations(srv), []string{opGet, opBatchGet}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

// TestTabNamedDifferently: a tab a manager named a little differently
// (brackets, width) is still read, through the tab list, as the contract
// finds it on a local workbook.
func TestTabNamedDifferently(t *testing.T) {
	srv := newFake(t)
	book := example.Generate(example.ExampleConfig())
	book.Tab("セッション").Name = "【セッション】"
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
	run := syncOnce(t, open(t, srv, id), config(t))
	if len(run.Sheet.SessionRows) < 50 || run.Outcome.Written == 0 {
		t.Errorf("%d sessions read, %d cells written", len(run.Sheet.SessionRows), run.Outcome.Written)
	}
	if got, want := operations(srv)[:3], []string{opBatchGet, opGet, opBatchGet}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v first", got, want)
	}
}
