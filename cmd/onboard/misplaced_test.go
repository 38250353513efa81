package main_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"onboard/internal/fakesheets"
)

// insertRowsDuringTheWrite clears the statuses of a sheet synced before,
// so that the next sync writes a status on every row, and has a manager
// insert two rows at the top of 申込 exactly when that write arrives.
func insertRowsDuringTheWrite(t *testing.T, srv *fakesheets.Server, id string) {
	t.Helper()
	rows := srv.Values(id, "申込")
	for r := 2; r <= len(rows); r++ {
		for c := 13; c <= 17; c++ {
			if err := srv.SetCell(id, "申込", r, c, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	var once sync.Once
	srv.SetHook(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "values:batchUpdate") {
			once.Do(func() {
				if err := srv.InsertRows(id, "申込", 2, 2); err != nil {
					t.Error(err)
				}
			})
		}
	})
}

// TestSyncNamesMisplacedCells: a manager inserts rows in 申込 exactly
// between the job's re-read and its write on Google. The run exits 1 and
// names, one line each, the cells that landed on other clients' rows,
// before its one-line error; the next sync puts the job's columns right.
func TestSyncNamesMisplacedCells(t *testing.T) {
	_, srv, id := googleEnv(t)
	args := []string{"sync", "--sheet", id, "--sheets-endpoint", srv.URL(), now}
	// A sheet synced before, whose statuses were cleared: the next sync
	// writes a status on every row.
	if r := run(t, nil, args...); r.code != 0 {
		t.Fatalf("first sync: exit %d\n%s", r.code, r.stderr)
	}
	insertRowsDuringTheWrite(t, srv, id)
	r := run(t, nil, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	var cells int
	for _, l := range lines {
		if strings.HasPrefix(l, "onboard sync: ") && (strings.Contains(l, "now holds client") || strings.Contains(l, "now holds no client")) {
			cells++
		}
	}
	last := lines[len(lines)-1]
	if cells == 0 || !strings.HasPrefix(last, "onboard sync: ") || strings.Contains(last, "now holds") {
		t.Fatalf("%d cell lines; last line %q\n%s", cells, last, r.stderr)
	}

	// Without the edit, the next sync rewrites the job's columns where
	// they belong; a third writes nothing.
	srv.SetHook(nil)
	if r := run(t, nil, args...); r.code != 0 {
		t.Fatalf("repair: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing changed") {
		t.Errorf("third sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestRunAlertsOnMisplacedCells: the same edit during onboard run with
// --alert-to sends one alert mail that names the cells and says what to
// do, and the run exits 1.
func TestRunAlertsOnMisplacedCells(t *testing.T) {
	e, srv, id := googleEnv(t)
	args := append(googleArgs(e, srv, "2026-11-25T09:00:00+09:00"), "--alert-to", "oncall@example.jp", "--state-dir", e.dir)
	if r := run(t, e.baseEnv, args...); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	insertRowsDuringTheWrite(t, srv, id)
	args = append(googleArgs(e, srv, "2026-11-25T09:30:00+09:00"), "--alert-to", "oncall@example.jp", "--state-dir", e.dir)
	r := run(t, e.baseEnv, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "now holds") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := alerts(t, e.srv)
	if len(got) != 1 {
		t.Fatalf("%d alerts, want 1", len(got))
	}
	if !strings.Contains(got[0].Body, "行の挿入・削除・並べ替え") || !strings.Contains(got[0].Body, "申込!") {
		t.Errorf("the alert does not say what happened and where:\n%s", got[0].Body)
	}
	// It names the cells one a line, as the run's output does.
	if n := strings.Count(got[0].Body, "now holds"); n < 5 || !strings.Contains(got[0].Body, "more in the run's output") {
		t.Errorf("the alert names %d cells:\n%s", n, got[0].Body)
	}
}
