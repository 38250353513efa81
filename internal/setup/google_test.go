package setup_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/setup"
)

func openFake(t *testing.T, srv *fakesheets.Server, id string) *gsheets.Spreadsheet {
	t.Helper()
	ss, err := gsheets.Open(context.Background(), id, gsheets.Options{Endpoint: srv.URL(), HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// TestInitNewGoogleSheetThenSync: init on a new spreadsheet in the fake
// Sheets API, the example's rows pasted in, sync runs clean; a second init
// changes nothing (no write request at all).
func TestInitNewGoogleSheetThenSync(t *testing.T) {
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	// A new spreadsheet, as Drive or spreadsheets.create makes it: one
	// empty Sheet1.
	id := srv.CreateSpreadsheet("新しいオンボーディング表")
	m, _ := matrix.Default("")
	ctx := context.Background()

	ss := openFake(t, srv, id)
	actions, err := setup.Plan(ctx, ss, m, look(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Apply(ctx, ss, actions); err != nil {
		t.Fatal(err)
	}
	tabs := srv.Tabs(id)
	if strings.Join(tabs, ",") != "Sheet1,申込,セッション,サポートアカウント,条件マトリクス,セッション準備,ステータス履歴" {
		t.Errorf("tabs %v", tabs)
	}
	doc, err := srv.Service(ctx).Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatal(err)
	}
	protected, frozen := 0, 0
	for _, sh := range doc.Sheets {
		if sh.Properties.GridProperties.FrozenRowCount == 1 {
			frozen++
		}
		for _, pr := range sh.ProtectedRanges {
			if !pr.WarningOnly || pr.Description != setup.ProtectDescription {
				t.Errorf("protected range %+v", pr)
			}
			protected++
		}
	}
	if frozen != 6 || protected != 3 {
		t.Errorf("frozen tabs %d, protected ranges %d", frozen, protected)
	}

	srv.ResetRequests()
	again, err := setup.Plan(ctx, openFake(t, srv, id), m, look(t))
	if err != nil || len(again) != 0 {
		t.Fatalf("second init: %v %v", again, err)
	}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("second init wrote: %s %s", r.Method, r.Path)
		}
	}

	PasteExample(t, openFake(t, srv, id))
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	cfg := job.Config{Matrix: m, Now: time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo), StallDays: 14, PoolLowWater: 5}
	run, err := job.Sync(ctx, openFake(t, srv, id), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := job.Evaluate(ctx, exampleCopy(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, w := run.StatusCounts(), want.StatusCounts()
	for s, n := range w {
		if got[s] != n {
			t.Errorf("%s: %d after init, %d in the example", s, got[s], n)
		}
	}
	if again, err := setup.Plan(ctx, openFake(t, srv, id), m, look(t)); err != nil || len(again) != 0 {
		t.Errorf("init after sync: %d actions (%v)", len(again), err)
	}
}
