package gsheets_test

import (
	"fmt"
	"strings"
	"testing"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/sheet"
)

// TestMalformedSupportAccountNeverTakesFromPoolGoogle is the workbook
// test on Google: サポートアカウント cells holding a non-address, typed
// error values and failing formulas (error-typed cells), and client IDs
// that are errors, get no pool account run after run; each is a problem
// naming its column; the third sync writes nothing.
func TestMalformedSupportAccountNeverTakesFromPoolGoogle(t *testing.T) {
	srv := newFake(t)
	b := example.Generate(example.Config{Clients: 40, Seed: 5, Today: example.ExampleToday})
	apps, pool := b.Tab("申込"), b.Tab("サポートアカウント")
	named := map[string]bool{}
	for r := 2; r <= len(pool.Rows); r++ {
		named[pool.Cell(r, 4).String()] = true
	}
	var rows []int // clients with no account, whom the job would serve
	for r := 2; r <= len(apps.Rows); r++ {
		if apps.Cell(r, 12).IsEmpty() && !named[apps.Cell(r, 1).String()] {
			rows = append(rows, r)
		}
	}
	if len(rows) < 7 {
		t.Fatalf("only %d clients without an account", len(rows))
	}
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(b.Tabs, 0)...)
	// RAW text, as a manager's paste; then formulas that fail.
	raw := map[int]string{rows[0]: "abc", rows[1]: "=1+1", rows[2]: "サポートアカウント", rows[3]: "#N/A"}
	for r, v := range raw {
		if err := srv.SetCell(id, "申込", r, 12, v); err != nil {
			t.Fatal(err)
		}
	}
	formulas := []struct {
		row, col int
		input    string
		shows    string
	}{{rows[4], 12, "=1/0", "#DIV/0!"}, {rows[5], 1, "=NOSUCHFUNCTION(1)", "#NAME?"}, {rows[6], 1, "=1/0", "#DIV/0!"}}
	var ids []string
	for _, r := range rows[:5] {
		ids = append(ids, apps.Cell(r, 1).String())
	}
	for _, f := range formulas {
		// The fake does not evaluate formulas: each is seeded with the
		// error value Google shows for it.
		if err := srv.SetFormula(id, "申込", f.row, f.col, f.input, fakesheets.ErrorValue(f.shows)); err != nil {
			t.Fatal(err)
		}
		if got := srv.Cell(id, "申込", f.row, f.col); got != f.shows {
			t.Fatalf("%s shows %v, want %s", f.input, got, f.shows)
		}
	}

	cfg := config(t)
	for run := 1; run <= 3; run++ {
		r := syncOnce(t, open(t, srv, id), cfg)
		if run == 3 && (r.Outcome.Written != 0 || len(r.Changes) != 0) {
			t.Errorf("third sync wrote %d cells, planned %d", r.Outcome.Written, len(r.Changes))
		}
	}
	holds := map[string][]int{}
	for r, row := range srv.Values(id, "サポートアカウント") {
		if r > 0 && len(row) > 3 && row[3] != nil && row[3] != "" {
			client := fmt.Sprint(row[3])
			holds[client] = append(holds[client], r+1)
		}
	}
	for _, c := range append(ids, "#DIV/0!", "#NAME?") {
		if len(holds[c]) != 0 {
			t.Errorf("client %q holds pool rows %v", c, holds[c])
		}
	}
	for c, rs := range holds {
		if len(rs) > 1 {
			t.Errorf("client %s holds pool rows %v", c, rs)
		}
	}
	header := srv.Values(id, "申込")[0]
	checkCol := 0
	for c, h := range header {
		if h == "チェック" {
			checkCol = c + 1
		}
	}
	want := map[int]string{
		rows[0]: "サポートアカウント: 「abc」はメールアドレスの形ではありません",
		rows[1]: "サポートアカウント: 「=1+1」はメールアドレスの形ではありません",
		rows[2]: "サポートアカウント: 「サポートアカウント」はメールアドレスの形ではありません",
		rows[3]: "サポートアカウント: 「#N/A」はスプレッドシートのエラー値です",
		rows[4]: "サポートアカウント: 「#DIV/0!」はスプレッドシートのエラー値です",
		rows[5]: "クライアントID: 「#NAME?」はスプレッドシートのエラー値です",
		rows[6]: "クライアントID: 「#DIV/0!」はスプレッドシートのエラー値です",
	}
	for r, msg := range want {
		if got := fmt.Sprint(srv.Cell(id, "申込", r, checkCol)); !strings.Contains(got, msg) {
			t.Errorf("%s チェック %q, want %q", sheet.CellName(r, checkCol), got, msg)
		}
	}
	// The managers' cells are as they were, formulas included.
	for r, v := range raw {
		if got := srv.Cell(id, "申込", r, 12); got != v {
			t.Errorf("L%d = %v, want %q", r, got, v)
		}
	}
	if got := srv.Cell(id, "申込", rows[4], 12); got != "#DIV/0!" {
		t.Errorf("the formula's cell shows %v", got)
	}
}
