package main_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"onboard/internal/fakesheets"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's table of Sheets API calls per scenario")

const (
	callsBegin = "<!-- calls per scenario: made by TestReadmeCallsTable (go test ./cmd/onboard -run TestReadmeCallsTable -update-readme) -->\n"
	callsEnd   = "<!-- end of calls per scenario -->\n"
)

// callOps are the table's columns: the methods the job calls.
var callOps = []struct{ op, name string }{
	{"spreadsheets.values.batchGet", "values.batchGet"},
	{"spreadsheets.values.batchUpdate", "values.batchUpdate"},
	{"spreadsheets.get", "spreadsheets.get"},
	{"spreadsheets.batchUpdate", "spreadsheets.batchUpdate"},
}

// callsRow is one scenario's line of the table, from the requests the
// fake received.
func callsRow(t *testing.T, scenario string, srv *fakesheets.Server) string {
	t.Helper()
	by := map[string]int{}
	recs := srv.Requests()
	for _, r := range recs {
		by[r.Operation]++
	}
	cells := []string{scenario, fmt.Sprint(len(recs))}
	counted := 0
	for _, c := range callOps {
		cells = append(cells, fmt.Sprint(by[c.op]))
		counted += by[c.op]
	}
	if counted != len(recs) {
		t.Errorf("%s: a call of a method the table has no column for: %v", scenario, by)
	}
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// TestReadmeCallsTable runs each scenario the README's table of calls
// names with the built binary against the fake, counts the requests the
// fake received, and compares the table with the README's.
func TestReadmeCallsTable(t *testing.T) {
	var table strings.Builder
	table.WriteString("| scenario | calls |")
	for _, c := range callOps {
		table.WriteString(" `" + c.name + "` |")
	}
	table.WriteString("\n|---|---:|---:|---:|---:|---:|\n")

	// step runs one command with the binary and adds its row; stdout must
	// hold want.
	step := func(srv *fakesheets.Server, scenario, want string, env []string, args ...string) {
		t.Helper()
		srv.ResetRequests()
		r := run(t, env, args...)
		if r.code != 0 && !(args[0] == "check" && r.code == 3) || !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("%s: exit %d, want %q\n%s%s", scenario, r.code, want, r.stdout, r.stderr)
		}
		table.WriteString(callsRow(t, scenario, srv))
	}
	const day1, day1Later, day2 = "--now=2026-11-25T09:00:00+09:00", "--now=2026-11-25T10:00:00+09:00", "--now=2026-11-26T09:00:00+09:00"

	_, fresh, freshID := googleEnv(t)
	step(fresh, "first sync, without init", "cells to Google spreadsheet", nil, "sync", "--sheet", freshID, "--sheets-endpoint", fresh.URL(), day1)

	e, srv, id := googleEnv(t)
	sheet := []string{"--sheet", id, "--sheets-endpoint", srv.URL()}
	cmd := func(name string, extra ...string) []string { return append(append([]string{name}, sheet...), extra...) }
	step(srv, "init", "", nil, cmd("init", day1)...)
	step(srv, "first sync, after init", "cells to Google spreadsheet", nil, cmd("sync", day1)...)
	scheduleSession(t, srv, id)
	// Both syncs with changes change a status, so add history rows.
	history := func() int { return len(srv.Values(id, "ステータス履歴")) }
	before := history()
	step(srv, "sync with changes", "cells to Google spreadsheet", nil, cmd("sync", day1Later)...)
	if history() == before {
		t.Fatal("the change changed no status")
	}
	step(srv, "sync with nothing to change (idle)", "nothing changed", nil, cmd("sync", day1Later)...)
	before = history()
	step(srv, "sync with changes, the day's first history rows", "cells to Google spreadsheet", nil, cmd("sync", day2)...)
	if history() == before {
		t.Fatal("the next day's sync changed no status")
	}
	step(srv, "check", "", nil, cmd("check", day2)...)
	step(srv, "report", "", nil, cmd("report", "--out", t.TempDir(), day2)...)
	runArgs := func(now string) []string { return googleArgs(e, srv, now, "--state-dir", e.dir) }
	step(srv, "run: idle sync, the first report sent (adds 送信履歴)", "", e.baseEnv, runArgs("2026-11-26T09:30:00+09:00")...)
	step(srv, "run: idle sync, the week's report already sent", "", e.baseEnv, runArgs("2026-11-26T10:00:00+09:00")...)
	step(srv, "run: sync with changes, the next week's report sent", "", e.baseEnv, runArgs("2026-12-02T09:00:00+09:00")...)
	if n := len(e.srv.Messages()); n != 2 {
		t.Fatalf("%d reports mailed, want 2", n)
	}

	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, callsBegin), strings.Index(readme, callsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no section between %q and %q", callsBegin, callsEnd)
	}
	got := readme[i+len(callsBegin) : j]
	if *updateReadme {
		if err := os.WriteFile("../../README.md", []byte(readme[:i+len(callsBegin)]+table.String()+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != table.String() {
		t.Errorf("the README's calls per scenario differ from the calls counted (rerun with -update-readme):\n--- README\n%s--- counted\n%s", got, table.String())
	}
}

// scheduleSession gives the first client without a session a date for
// one, as a manager does: its status becomes セッション予定.
func scheduleSession(t *testing.T, srv *fakesheets.Server, id string) {
	t.Helper()
	rows := srv.Values(id, "申込")
	col := -1
	for c, h := range rows[0] {
		if h == "セッション予定日" {
			col = c
		}
	}
	held := map[any]bool{}
	for _, r := range srv.Values(id, "セッション")[1:] {
		held[r[0]] = true
	}
	for r, row := range rows[1:] {
		if col >= 0 && len(row) > col && row[col] == nil && !held[row[0]] {
			if err := srv.SetCell(id, "申込", r+2, col+1, 46358.0); err != nil { // 2026-12-02
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no client without a session")
}
