package job_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/parse"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// setErrorCells stores spreadsheet error values as error-typed cells
// (t="e"), the way Excel saves a failed formula's result, with openpyxl
// as an independent writer.
func setErrorCells(t *testing.T, path, tab string, cells map[string]string) {
	t.Helper()
	script := "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nws = wb[sys.argv[2]]\n" +
		"for a in sys.argv[3:]:\n    ref, code = a.split('=', 1)\n    ws[ref] = code\n    assert ws[ref].data_type == 'e', ref\nwb.save(sys.argv[1])\n"
	args := []string{"-c", script, path, tab}
	for ref, code := range cells {
		args = append(args, ref+"="+code)
	}
	out, err := exec.Command("/usr/bin/python3", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s\nThis test needs /usr/bin/python3 with python3-openpyxl (scripts/install-deps.sh)", err, out)
	}
}

// blankSupportRows lists the 申込 rows (1-based) with no サポートアカウント
// that no pool row names, widened to the column.
func blankSupportRows(b *sheet.Book) []int {
	apps, pool := b.Tab("申込"), b.Tab("サポートアカウント")
	named := map[string]bool{}
	for r := 2; r <= len(pool.Rows); r++ {
		named[pool.Cell(r, 4).String()] = true
	}
	var rows []int
	for r := 2; r <= len(apps.Rows); r++ {
		if apps.Cell(r, 12).IsEmpty() && !named[apps.Cell(r, 1).String()] {
			for len(apps.Rows[r-1]) < 12 {
				apps.Rows[r-1] = append(apps.Rows[r-1], sheet.Value{})
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// poolAssignments maps each client ID to the pool rows assigned to it.
func poolAssignments(t *testing.T, b *sheet.Book, s *contract.Sheet) map[string][]int {
	t.Helper()
	pool := b.Tab(s.Pool.Name)
	out := map[string][]int{}
	for r := 2; r <= len(pool.Rows); r++ {
		if id := parse.ClientID(pool.Cell(r, s.Pool.Col(contract.KeyAssignedTo))); id != "" {
			out[id] = append(out[id], r)
		}
	}
	return out
}

// TestMalformedSupportAccountNeverTakesFromPool: サポートアカウント cells
// holding a non-address (text, formula text, a header word, an error
// value typed or error-typed) and client IDs that are error values get no
// pool account, run after run; each is a problem naming the column, and
// once synced the job writes nothing more.
func TestMalformedSupportAccountNeverTakesFromPool(t *testing.T) {
	b := example.Generate(example.Config{Clients: 40, Seed: 5, Today: example.ExampleToday})
	apps := b.Tab("申込")
	const support = 12 // column L
	// Clients with no account yet, whom the job would serve from the pool.
	rows := blankSupportRows(b)
	if len(rows) < 7 {
		t.Fatalf("only %d clients without an account", len(rows))
	}
	values := []string{"abc", "=1+1", "サポートアカウント", "#N/A"}
	malformed := map[int]string{}
	var ids []string
	for i, v := range values {
		r := rows[i]
		malformed[r] = v
		apps.Rows[r-1][support-1] = sheet.TextValue(v)
		ids = append(ids, apps.Rows[r-1][0].String())
	}
	divRow, typedRow, refRow := rows[4], rows[5], rows[6]
	apps.Rows[divRow-1][0] = sheet.TextValue("#DIV/0!") // an ID that is an error value
	ids = append(ids, apps.Rows[typedRow-1][0].String())
	path := writeBook(t, b)
	// Error-typed cells: a サポートアカウント, and a client ID.
	setErrorCells(t, path, "申込", map[string]string{sheet.CellName(typedRow, support): "#VALUE!", sheet.CellName(refRow, 1): "#REF!"})
	if got := readBook(t, path).Tab("申込").Cell(typedRow, support); got.String() != "#VALUE!" {
		t.Fatalf("the error-typed cell reads %v %q", got.Kind, got.String())
	}

	cfg := config(t)
	for run := 1; run <= 3; run++ {
		r, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
		if err != nil {
			t.Fatal(err)
		}
		if run == 3 && (r.Outcome.Written != 0 || len(r.Changes) != 0) {
			t.Errorf("third sync wrote %d cells, planned %d", r.Outcome.Written, len(r.Changes))
		}
	}
	book := readBook(t, path)
	s, err := contract.Read(book, cfg.Matrix)
	if err != nil {
		t.Fatal(err)
	}
	assigned := poolAssignments(t, book, s)
	tab := book.Tab(s.Apps.Name)
	for _, id := range append(ids, "#DIV/0!", "#REF!", "") {
		if len(assigned[id]) != 0 {
			t.Errorf("client %q holds pool rows %v", id, assigned[id])
		}
	}
	for id, rows := range assigned {
		if len(rows) > 1 {
			t.Errorf("client %s holds pool rows %v", id, rows)
		}
	}
	check := func(r int) string { return tab.Cell(r, s.Apps.Col(contract.KeyProblems)).String() }
	want := map[int]string{
		rows[0]:  "サポートアカウント: 「abc」はメールアドレスの形ではありません",
		rows[1]:  "サポートアカウント: 「=1+1」はメールアドレスの形ではありません",
		rows[2]:  "サポートアカウント: 「サポートアカウント」はメールアドレスの形ではありません",
		rows[3]:  "サポートアカウント: 「#N/A」はスプレッドシートのエラー値です",
		divRow:   "クライアントID: 「#DIV/0!」はスプレッドシートのエラー値です",
		typedRow: "サポートアカウント: 「#VALUE!」はスプレッドシートのエラー値です",
		refRow:   "クライアントID: 「#REF!」はスプレッドシートのエラー値です",
	}
	for r, msg := range want {
		if !strings.Contains(check(r), msg) {
			t.Errorf("row %d チェック %q, want %q", r, check(r), msg)
		}
		if got := tab.Cell(r, s.Apps.Col(contract.KeyStatus)).String(); got != "要確認" {
			t.Errorf("row %d status %q", r, got)
		}
	}
	// The cells themselves are the managers' still.
	malformed[typedRow] = "#VALUE!"
	for r, v := range malformed {
		if got := tab.Cell(r, support).String(); got != v {
			t.Errorf("L%d = %q, want %q", r, got, v)
		}
	}
}

// TestCheckFlagsStrayPoolRow: a pool row assigned to a client whose 申込
// holds another account (left by an older run, or typed by a manager) is
// named by check, and sync does not mark a second row for that client.
func TestCheckFlagsStrayPoolRow(t *testing.T) {
	b := example.Generate(example.Config{Clients: 20, Seed: 2, Today: example.ExampleToday})
	apps, pool := b.Tab("申込"), b.Tab("サポートアカウント")
	row := blankSupportRows(b)[0]
	id := apps.Rows[row-1][0].String()
	apps.Rows[row-1][11] = sheet.TextValue("support_manual@uetaya.com")
	// The last pool row says it is this client's.
	last := pool.Rows[len(pool.Rows)-1]
	for len(last) < 5 {
		last = append(last, sheet.Value{})
	}
	last[3], last[4] = sheet.TextValue(id), sheet.Value{}
	pool.Rows[len(pool.Rows)-1] = last
	path := writeBook(t, b)
	cfg := config(t)
	if _, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false); err != nil {
		t.Fatal(err)
	}
	run, err := job.Evaluate(context.Background(), xlsxbook.Open(path), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("割当クライアントID: %s の申込のサポートアカウントは「support_manual@uetaya.com」です", id)
	found := false
	for _, p := range run.Lint(cfg) {
		if p.Tab == "サポートアカウント" && p.Row == len(pool.Rows) && strings.Contains(p.Message, want) {
			found = true
		}
	}
	if !found {
		t.Errorf("check does not name pool row %d: want %q", len(pool.Rows), want)
	}
	if got := poolAssignments(t, readBook(t, path), run.Sheet)[id]; len(got) != 1 {
		t.Errorf("client %s holds pool rows %v", id, got)
	}
}
