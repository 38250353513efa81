package gsheets_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
)

func exampleSheet(t *testing.T, srv *fakesheets.Server) string {
	t.Helper()
	return srv.CreateSpreadsheet("onboarding", fakeTabs(example.Generate(example.ExampleConfig()).Tabs, 0)...)
}

// failWrites makes the next n values.batchUpdate calls answer status.
func failWrites(srv *fakesheets.Server, n, status int) {
	var left atomic.Int32
	left.Store(int32(n))
	srv.SetHook(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "values:batchUpdate") && left.Add(-1) >= 0 {
			srv.FailNext(1, status)
		}
	})
}

// TestTransientErrorsAreRetried: bursts of 429 and 5xx, on the read and on
// the write, end in a complete sync. A read, and a write refused for quota
// (429: nothing applied), is simply sent again, each retry logged once. A
// write answered 5xx may have been stored (a gateway's 502/504 can follow
// a stored write), so it is settled by reading the cells back before it
// is sent again: the server stores it exactly once.
func TestTransientErrorsAreRetried(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		for _, where := range []string{"read", "write"} {
			t.Run(http.StatusText(status)+" on "+where, func(t *testing.T) {
				srv := newFake(t)
				id := exampleSheet(t, srv)
				if where == "read" {
					srv.FailNext(3, status)
				} else {
					failWrites(srv, 3, status)
				}
				var logs bytes.Buffer
				run := syncOnce(t, open(t, srv, id, withLog(&logs)), config(t))
				if run.Outcome.Written == 0 || !run.Outcome.Verified {
					t.Errorf("outcome %+v", run.Outcome)
				}
				settled := where == "write" && status != 429
				// read, re-read, write, verify, the sheet IDs and the format
				// of the added columns, 3 failed
				line, calls := "retrying", 9
				if settled {
					// Each lost write is followed by a read of its cells.
					line, calls = "the answer to a write was lost", 12
				}
				if n := strings.Count(logs.String(), line); n != 3 {
					t.Errorf("%d lines %q logged, want 3:\n%s", n, line, logs.String())
				}
				if !settled && !strings.Contains(logs.String(), "attempt=3") || strings.Contains(logs.String(), "<html") {
					t.Errorf("log lines:\n%s", logs.String())
				}
				var failed, stored int
				for _, r := range srv.Requests() {
					if r.Status != 200 {
						failed++
					} else if r.Operation == opBatchUpdate {
						stored++
					}
				}
				if failed != 3 || len(srv.Requests()) != calls || stored != 1 {
					t.Errorf("%d requests, %d failed, %d writes stored; want %d, 3 and 1", len(srv.Requests()), failed, stored, calls)
				}
				assertStatusesRight(t, srv, id, config(t))
			})
		}
	}
}

// TestBadRequestFailsFast: a 400 on the write is not retried, the run
// fails with one line, and nothing is written.
func TestBadRequestFailsFast(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	before := snapshot(srv, id)
	failWrites(srv, 1, 400)
	_, err := job.Sync(context.Background(), open(t, srv, id), config(t), false)
	if !errors.Is(err, sheet.ErrInvalid) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want one line wrapping ErrInvalid", err)
	}
	if got, want := operations(srv), []string{opBatchGet, opBatchGet, opBatchUpdate}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	if after := snapshot(srv, id); !reflect.DeepEqual(before, after) {
		t.Error("the sheet changed")
	}

	// The same on the first read: one call.
	srv.ResetRequests()
	srv.SetHook(nil)
	srv.FailNext(1, 400)
	if _, err := job.Sync(context.Background(), open(t, srv, id), config(t), false); !errors.Is(err, sheet.ErrInvalid) {
		t.Errorf("read: got %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d calls after a 400 on the read", n)
	}
}

// TestRetriesStopAtDeadline: an outage longer than the run's deadline ends
// the run at the deadline with one line, not after every attempt.
func TestRetriesStopAtDeadline(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	srv.FailNext(1000, 503)
	ss := open(t, srv, id, func(o *gsheets.Options) {
		o.Retry = gsheets.Retry{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond, Attempts: 100, QuotaWindow: 200 * time.Millisecond}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ss.Read(ctx, []string{"申込"})
	if err == nil || !strings.Contains(err.Error(), "503") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
	if n := len(srv.Requests()); n < 3 || n > 20 {
		t.Errorf("%d attempts", n)
	}
}

// flaky fails the first n round trips with a network error.
type flaky struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.n.Add(-1) >= 0 {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	}
	return f.next.RoundTrip(r)
}

// TestNetworkErrorsAreRetried, on the write too (its body is sent again).
func TestNetworkErrorsAreRetried(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	tr := &flaky{next: srv.HTTPClient().Transport}
	ss := open(t, srv, id, func(o *gsheets.Options) { o.HTTPClient = &http.Client{Transport: tr} })
	ctx := context.Background()
	if _, err := job.Sync(ctx, ss, config(t), true); err != nil {
		t.Fatal(err)
	}
	tr.n.Store(2) // the re-read, then the write
	run, err := job.Sync(ctx, ss, config(t), false)
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome.Written == 0 {
		t.Error("nothing written")
	}
	assertStatusesRight(t, srv, id, config(t))
}

// TestUsualFailuresSayWhatToDo: not shared, wrong ID, missing tab.
func TestUsualFailuresSayWhatToDo(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	ctx := context.Background()

	_, err := open(t, srv, "1WrongIdWrongIdWrongIdWrongIdWrongIdWrongId0").Read(ctx, []string{"申込"})
	if !errors.Is(err, sheet.ErrNotFound) || !strings.Contains(err.Error(), "check the ID or URL") {
		t.Errorf("wrong ID: %v", err)
	}

	if err := srv.DenyAccess(id); err != nil {
		t.Fatal(err)
	}
	_, err = open(t, srv, id).Read(ctx, []string{"申込"})
	if !errors.Is(err, sheet.ErrPermission) || !strings.Contains(err.Error(), "編集者 (Editor)") {
		t.Errorf("not shared: %v", err)
	}

	tabs := example.Generate(example.ExampleConfig()).Tabs
	id2 := srv.CreateSpreadsheet("no sessions", fakeTabs([]*sheet.Tab{tabs[0], tabs[2]}, 0)...)
	srv.ResetRequests()
	_, err = job.Sync(ctx, open(t, srv, id2), config(t), false)
	if err == nil || !strings.Contains(err.Error(), `tab "セッション"`) {
		t.Errorf("missing tab: %v", err)
	}
	// The missing tab cost one spreadsheets.get and a second read.
	if got, want := operations(srv), []string{opBatchGet, opGet, opBatchGet}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

// TestReadOnlyRefusesToWrite: check and report open the sheet read-only.
func TestReadOnlyRefusesToWrite(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	ss := open(t, srv, id, readOnly)
	ctx := context.Background()
	if _, err := ss.Read(ctx, []string{"申込"}); err != nil {
		t.Fatal(err)
	}
	err := ss.Write(ctx, []sheet.Update{{Tab: "申込", Row: 2, Col: 1, Value: sheet.TextValue("x")}})
	if !errors.Is(err, sheet.ErrPermission) {
		t.Errorf("Write: %v", err)
	}
	if err := ss.AddTab(ctx, "x", nil); !errors.Is(err, sheet.ErrPermission) {
		t.Errorf("AddTab: %v", err)
	}
}

// TestLargeWriteIsSplit: past MaxRequestBytes the write is split into
// several values.batchUpdate calls, each within the limit, and lands in full.
func TestLargeWriteIsSplit(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	const limit = 4000
	syncOnce(t, open(t, srv, id, func(o *gsheets.Options) { o.MaxRequestBytes = limit }), config(t))
	writes := 0
	for _, r := range srv.Requests() {
		if r.Operation == opBatchUpdate {
			writes++
			if r.BodySize > limit {
				t.Errorf("a request of %d bytes", r.BodySize)
			}
		}
	}
	if writes < 3 {
		t.Errorf("%d write requests", writes)
	}
	assertStatusesRight(t, srv, id, config(t))
}

// TestWriteRefusedAfterRead: a 403 on the write after a good read is not
// "not shared": the sheet is shared as Viewer, or a manager's protection
// (not warning-only) covers a job column. Each says which, with the
// column, and nothing is written; a warning-only protection is no obstacle.
func TestWriteRefusedAfterRead(t *testing.T) {
	prepared := func(t *testing.T) (*fakesheets.Server, string) {
		srv := newFake(t)
		id := exampleSheet(t, srv)
		syncOnce(t, open(t, srv, id), config(t))
		rows := srv.Values(id, "申込")
		for r := 2; r <= len(rows); r++ {
			_ = srv.SetCell(id, "申込", r, statusCol, nil)
		}
		return srv, id
	}
	for _, tc := range []struct {
		name    string
		refuse  func(srv *fakesheets.Server, id string) error
		want    []string
		refused bool
	}{
		{name: "shared as Viewer", refused: true,
			refuse: func(srv *fakesheets.Server, id string) error { return srv.ShareAsViewer(id) },
			want:   []string{"only as 閲覧者 (Viewer)", "change that account's role to 編集者 (Editor)"}},
		{name: "protected job column", refused: true,
			refuse: func(srv *fakesheets.Server, id string) error {
				return srv.ProtectColumns(id, "申込", statusCol, statusCol, "ステータスは触らない", false, "manager@example.jp")
			},
			want: []string{`tab "申込" column P (ステータス) is in a protected range 「ステータスは触らない」`, "警告を表示"}},
		{name: "warning-only protection", refuse: func(srv *fakesheets.Server, id string) error {
			return srv.ProtectColumns(id, "申込", 13, 19, "ジョブの列", true)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, id := prepared(t)
			if err := tc.refuse(srv, id); err != nil {
				t.Fatal(err)
			}
			before := snapshot(srv, id)
			run, err := job.Sync(context.Background(), open(t, srv, id), config(t), false)
			if !tc.refused {
				if err != nil || run.Outcome.Written == 0 {
					t.Fatalf("%v, %+v", err, run)
				}
				return
			}
			t.Log(err)
			if !errors.Is(err, sheet.ErrPermission) || strings.Contains(err.Error(), "not shared") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if !reflect.DeepEqual(before, snapshot(srv, id)) {
				t.Error("the sheet changed")
			}
		})
	}
}
