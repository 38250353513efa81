package job_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/parse"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

var tokyo = mustLoc("Asia/Tokyo")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func config(t testing.TB) job.Config {
	t.Helper()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return job.Config{Matrix: m, Now: time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo), StallDays: 14, PoolLowWater: 5}
}

// copyExample copies the bundled example into a temp dir.
func copyExample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/onboarding.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "onboarding.xlsx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeBook(t testing.TB, b *sheet.Book) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := xlsxbook.Create(path, b); err != nil {
		t.Fatal(err)
	}
	return path
}

func readBook(t testing.TB, path string) *sheet.Book {
	t.Helper()
	b, err := xlsxbook.Open(path).Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jobOwned reports whether a header names a job-owned column, and
// fillable whether the job may fill it while blank.
func columnOwner(m *matrix.Matrix, tab, header string) contract.Owner {
	for _, spec := range contract.Tabs(m) {
		if parse.Header(spec.Name) != parse.Header(tab) && parse.Header(spec.Alias) != parse.Header(tab) {
			continue
		}
		for _, c := range spec.Columns {
			if parse.Header(c.Name) == parse.Header(header) || parse.Header(c.Alias) == parse.Header(header) {
				return c.Owner
			}
		}
	}
	return contract.Manager
}

// assertManagerCellsKept compares every cell of every tab before and after
// a sync: manager cells must be identical, fill cells may only go from
// blank to a value, and job cells are free.
func assertManagerCellsKept(t *testing.T, m *matrix.Matrix, before, after *sheet.Book) {
	t.Helper()
	if len(before.Tabs) != len(after.Tabs) {
		t.Fatalf("tabs: %d before, %d after", len(before.Tabs), len(after.Tabs))
	}
	checked := 0
	for ti, bt := range before.Tabs {
		at := after.Tabs[ti]
		if bt.Name != at.Name {
			t.Fatalf("tab %d renamed %q → %q", ti, bt.Name, at.Name)
		}
		rows := max(len(bt.Rows), len(at.Rows))
		for r := 1; r <= rows; r++ {
			cols := 0
			if r <= len(bt.Rows) {
				cols = len(bt.Rows[r-1])
			}
			if r <= len(at.Rows) {
				cols = max(cols, len(at.Rows[r-1]))
			}
			for c := 1; c <= cols; c++ {
				old, now := bt.Cell(r, c), at.Cell(r, c)
				header := at.Cell(1, c).String()
				owner := columnOwner(m, bt.Name, header)
				if r == 1 {
					if !old.IsEmpty() && !old.Equal(now) {
						t.Errorf("%s!%s header changed %q → %q", bt.Name, sheet.CellName(r, c), old.String(), now.String())
					}
					continue
				}
				switch owner {
				case contract.Manager:
					checked++
					if !old.Equal(now) || old.Kind != now.Kind && !(old.IsEmpty() && now.IsEmpty()) {
						t.Errorf("%s!%s (%s) manager cell changed: %v %q → %v %q", bt.Name, sheet.CellName(r, c), header, old.Kind, old.String(), now.Kind, now.String())
					}
				case contract.Fill:
					if !old.IsEmpty() && !old.Equal(now) {
						t.Errorf("%s!%s (%s) filled cell overwritten: %q → %q", bt.Name, sheet.CellName(r, c), header, old.String(), now.String())
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d manager cells compared; the test is not looking", checked)
	}
}

func TestSyncExampleKeepsManagerCells(t *testing.T) {
	path := copyExample(t)
	cfg := config(t)
	before := readBook(t, path)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome.Written == 0 {
		t.Fatal("first sync wrote nothing")
	}
	// The local workbook runs the same read after the write (from the copy
	// it just saved), and it holds.
	if !run.Outcome.Verified || run.Outcome.VerifyErr != nil {
		t.Errorf("not verified: %+v", run.Outcome)
	}
	after := readBook(t, path)
	assertManagerCellsKept(t, cfg.Matrix, before, after)

	// Every status, every matrix column, several sessions per client and
	// conditions that differ in the session: the example covers them all.
	counts := run.StatusCounts()
	for _, s := range onboarding.Statuses {
		if counts[s] == 0 {
			t.Errorf("the example has no client with status %s", s)
		}
	}
	columns := map[int]bool{}
	multi, differ := 0, 0
	for _, c := range run.Out.Clients {
		columns[c.Column] = true
		if len(c.Sessions) > 1 {
			multi++
		}
		for _, p := range c.Problems {
			if strings.Contains(p.Message, "セッション（") {
				differ++
			}
		}
	}
	for col := range cfg.Matrix.Columns {
		if cfg.Matrix.Columns[col].Contradiction == "" && !columns[col] {
			t.Errorf("no client in matrix column %s", cfg.Matrix.Columns[col].Name)
		}
	}
	if multi < 10 || differ < 2 {
		t.Errorf("clients with several sessions %d, with differing confirmations %d", multi, differ)
	}
	if n := len(run.Sheet.Applications); n < 55 || n > 70 {
		t.Errorf("%d clients, want about 60", n)
	}
	if n := len(run.Sheet.SessionRows); n < 90 || n > 115 {
		t.Errorf("%d sessions, want about 100", n)
	}
}

// messyBook turns the example into what a real team's sheet looks like:
// columns shuffled, headers in English or full width or bracketed, blank
// rows, and columns of the managers' own.
func messyBook(t *testing.T) *sheet.Book {
	b := example.Generate(example.ExampleConfig())
	rng := rand.New(rand.NewPCG(7, 7))
	rename := map[string]string{
		"クライアントID": "Client ID", "事業者名": "（事業者名）", "LINE公式アカウント": "ＬＩＮＥ公式アカウント",
		"実施日": "held_on", "エルメアカウント": "【エルメアカウント】", "メールアドレス": "email",
		"LINEビジネスID作成済": "business id ready", "割当クライアントID": "ASSIGNED_CLIENT_ID",
	}
	for _, tab := range b.Tabs {
		if tab.Name == matrix.TabName {
			continue // a table, not a list: its layout is fixed
		}
		width := len(tab.Rows[0])
		// An unknown column of the managers' own, then shuffle.
		for r := range tab.Rows {
			for len(tab.Rows[r]) < width {
				tab.Rows[r] = append(tab.Rows[r], sheet.Value{})
			}
			v := sheet.TextValue("社内メモ")
			if r > 0 {
				v = sheet.TextValue("メモ" + string(rune('A'+r%26)))
			}
			tab.Rows[r] = append(tab.Rows[r], v)
		}
		perm := rng.Perm(width + 1)
		for r, row := range tab.Rows {
			shuffled := make([]sheet.Value, len(row))
			for i, p := range perm {
				shuffled[i] = row[p]
			}
			tab.Rows[r] = shuffled
		}
		for c, h := range tab.Rows[0] {
			if n, ok := rename[h.Str]; ok {
				tab.Rows[0][c] = sheet.TextValue(n)
			}
		}
		// Blank rows in the data.
		for _, at := range []int{4, 9, 10} {
			if at < len(tab.Rows) {
				tab.Rows = append(tab.Rows[:at], append([][]sheet.Value{{}}, tab.Rows[at:]...)...)
			}
		}
	}
	return b
}

func TestSyncMessyWorkbookKeepsManagerCells(t *testing.T) {
	path := writeBook(t, messyBook(t))
	cfg := config(t)
	before := readBook(t, path)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	after := readBook(t, path)
	assertManagerCellsKept(t, cfg.Matrix, before, after)

	// The messy sheet computes the same statuses as the clean one.
	clean := copyExample(t)
	want, err := job.Sync(context.Background(), xlsxbook.Open(clean), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	got, w := run.StatusCounts(), want.StatusCounts()
	for _, s := range onboarding.Statuses {
		if got[s] != w[s] {
			t.Errorf("%s: messy %d, clean %d", s, got[s], w[s])
		}
	}
	// Statuses land on the right client: compare by client ID.
	status := func(b *sheet.Book) map[string]string {
		s, err := contract.Read(b, cfg.Matrix)
		if err != nil {
			t.Fatal(err)
		}
		tab := b.Tab(s.Apps.Name)
		out := map[string]string{}
		for r := 2; r <= len(tab.Rows); r++ {
			id := parse.ClientID(tab.Cell(r, s.Apps.Col(contract.KeyClientID)))
			if id != "" {
				out[id] += tab.Cell(r, s.Apps.Col(contract.KeyStatus)).String() + "|" + tab.Cell(r, s.Apps.Col(contract.KeyRemainingWork)).String()
			}
		}
		return out
	}
	a, c := status(readBook(t, path)), status(readBook(t, clean))
	for id, v := range c {
		if a[id] != v {
			t.Errorf("client %s: messy %q, clean %q", id, a[id], v)
		}
	}
}

func TestSecondSyncWritesNothing(t *testing.T) {
	path := copyExample(t)
	cfg := config(t)
	if _, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(path)
	// A later clock: nothing changes in the data, so nothing is written
	// (ステータス更新日 only moves with a status).
	cfg.Now = cfg.Now.Add(2 * time.Hour)
	dry, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Changes) != 0 {
		t.Fatalf("dry run after a sync: %d changes, first %+v", len(dry.Changes), dry.Changes[0])
	}
	time.Sleep(20 * time.Millisecond)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(path)
	if run.Outcome.Written != 0 || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("second sync wrote %d cells; mtime %v → %v", run.Outcome.Written, st1.ModTime(), st2.ModTime())
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	path := copyExample(t)
	before, _ := os.ReadFile(path)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), config(t), true)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if len(run.Changes) == 0 || string(before) != string(after) {
		t.Errorf("dry run: %d changes planned, file changed %v", len(run.Changes), string(before) != string(after))
	}
}

func TestStatusChangedOnOnlyOnChange(t *testing.T) {
	path := copyExample(t)
	cfg := config(t)
	if _, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false); err != nil {
		t.Fatal(err)
	}
	// A manager sets the handover date of one 担当作業待ち client.
	b := readBook(t, path)
	s, _ := contract.Read(b, cfg.Matrix)
	tab := b.Tab(s.Apps.Name)
	target := 0
	for r := 2; r <= len(tab.Rows); r++ {
		if tab.Cell(r, s.Apps.Col(contract.KeyStatus)).String() == string(onboarding.AwaitHandover) {
			target = r
			break
		}
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("申込", sheet.CellName(target, s.Apps.Col(contract.KeyHandoverOn)), "2026/12/01"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// The next day: other rows' next actions may move (overdue, stalled),
	// but ステータス更新日 moves only where the status does.
	cfg.Now = cfg.Now.AddDate(0, 0, 1)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	byRow := map[int][]string{}
	for _, c := range run.Changes {
		byRow[c.Row] = append(byRow[c.Row], c.Header)
	}
	if got := strings.Join(byRow[target], ","); got != "ステータス,ステータス更新日,次のアクション" {
		t.Errorf("row %d changes: %s", target, got)
	}
	for r, headers := range byRow {
		joined := strings.Join(headers, ",")
		if strings.Contains(joined, "ステータス更新日") != strings.Contains(joined, "ステータス,") {
			t.Errorf("row %d: %s", r, joined)
		}
	}
	after := readBook(t, path)
	if d := after.Tabs[0].Cell(target, s.Apps.Col(contract.KeyStatusChanged)); d.Kind != sheet.Date || d.String() != "2026/11/26" {
		t.Errorf("ステータス更新日: %v %q", d.Kind, d.String())
	}
	if st := after.Tabs[0].Cell(target, s.Apps.Col(contract.KeyStatus)).String(); st != string(onboarding.Completed) {
		t.Errorf("status %q", st)
	}
}

func TestFormulaLookingTextStaysText(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	apps := b.Tabs[0]
	apps.Rows[3][2] = sheet.TextValue("=1+1")
	apps.Rows[4][2] = sheet.TextValue(`=IMPORTXML("http://x","//a")`)
	path := writeBook(t, b)
	if _, err := job.Sync(context.Background(), xlsxbook.Open(path), config(t), false); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"C4", "C5"} {
		formula, _ := f.GetCellFormula("申込", cell)
		v, _ := f.GetCellValue("申込", cell)
		if formula != "" || !strings.HasPrefix(v, "=") {
			t.Errorf("%s: formula %q value %q", cell, formula, v)
		}
	}
	// And every cell the job wrote is a value, never a formula.
	rows, _ := f.GetRows("申込")
	for r := range rows {
		for c := range rows[r] {
			if formula, _ := f.GetCellFormula("申込", sheet.CellName(r+1, c+1)); formula != "" {
				t.Errorf("%s holds a formula %q", sheet.CellName(r+1, c+1), formula)
			}
		}
	}
	// The note in チェック says the text is kept as text.
	nb := readBook(t, path)
	s, _ := contract.Read(nb, config(t).Matrix)
	note := nb.Tab(s.Apps.Name).Cell(4, s.Apps.Col(contract.KeyProblems)).String()
	if !strings.Contains(note, "数式のように見えますが、文字として扱います") {
		t.Errorf("チェック: %q", note)
	}
}

func TestBadInputOnTheRightRow(t *testing.T) {
	b := example.Generate(example.Config{Clients: 12, Seed: 3, Today: example.ExampleToday})
	apps, sessions := b.Tabs[0], b.Tabs[1]
	apps.Rows[2][5] = sheet.TextValue("たぶん")                                        // row 3 LINE公式アカウント
	apps.Rows[3][1] = sheet.TextValue("11月末")                                       // row 4 申込日
	apps.Rows[4][0] = sheet.TextValue("10001")                                      // row 5 duplicates row 2
	apps.Rows[5][5], apps.Rows[5][6] = sheet.TextValue("なし"), sheet.TextValue("あり") // row 6 contradiction
	// ...with no session that would confirm other conditions.
	kept := sessions.Rows[:1]
	for _, r := range sessions.Rows[1:] {
		if r[0].Str != apps.Rows[5][0].Str {
			kept = append(kept, r)
		}
	}
	sessions.Rows = kept
	apps.Rows[6][3] = sheet.TextValue(strings.Repeat("長", 50000)) // row 7 担当者名
	sessions.Rows = append(sessions.Rows, []sheet.Value{sheet.TextValue("99999"), sheet.DayValue(example.ExampleToday.AddDays(-1))})
	path := writeBook(t, b)
	cfg := config(t)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	nb := readBook(t, path)
	s, err := contract.Read(nb, cfg.Matrix)
	if err != nil {
		t.Fatal(err)
	}
	tab := nb.Tab(s.Apps.Name)
	check := func(r int) string { return tab.Cell(r, s.Apps.Col(contract.KeyProblems)).String() }
	status := func(r int) string { return tab.Cell(r, s.Apps.Col(contract.KeyStatus)).String() }
	want := map[int]string{
		3: "LINE公式アカウント: 「たぶん」は あり/なし で入力してください",
		4: "申込日: 「11月末」は日付（例: 2026/11/24）で入力してください",
		5: "クライアントID: 「10001」が 2行目・5行目 で重複しています",
		6: "条件の矛盾: 既存アカウントで検証はLINE公式アカウントがある場合だけ選べます",
		// An .xlsx cell holds at most 32,767 characters; Excel cut the rest.
		7: "担当者名: 「長長長長長長長長長長長長長長長長長長長長…」が長すぎます（32767文字）",
	}
	for r, msg := range want {
		if !strings.Contains(check(r), msg) {
			t.Errorf("row %d チェック %q, want %q", r, check(r), msg)
		}
	}
	for r := 2; r <= len(tab.Rows); r++ {
		if _, bad := want[r]; bad || r == 2 {
			continue
		}
		if status(r) == "" || status(r) == string(onboarding.NeedsReview) {
			t.Errorf("row %d: status %q; the other rows must still sync (チェック %q)", r, status(r), check(r))
		}
	}
	st := nb.Tab(s.Sessions.Name)
	last := len(st.Rows)
	if got := st.Cell(last, s.Sessions.Col(contract.KeyProblems)).String(); got != "【お知らせ】クライアントID: 「99999」は申込にありません" {
		t.Errorf("session row %d チェック %q", last, got)
	}
	if run.Outcome.Written == 0 {
		t.Error("nothing written")
	}
}

func TestLayoutErrorWritesNothing(t *testing.T) {
	for name, mutate := range map[string]func(b *sheet.Book){
		"missing": func(b *sheet.Book) { b.Tabs[0].Rows[0][2] = sheet.TextValue("会社") },
		"duplicate": func(b *sheet.Book) {
			b.Tabs[1].Rows[0] = append(b.Tabs[1].Rows[0], sheet.TextValue("実施日"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := example.Generate(example.ExampleConfig())
			mutate(b)
			path := writeBook(t, b)
			before, _ := os.ReadFile(path)
			_, err := job.Sync(context.Background(), xlsxbook.Open(path), config(t), false)
			if !contract.IsLayout(err) {
				t.Fatalf("got %v, want a layout error", err)
			}
			if !strings.Contains(err.Error(), "事業者名") && !strings.Contains(err.Error(), "実施日") {
				t.Errorf("error does not name the header: %v", err)
			}
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Error("the workbook changed")
			}
		})
	}
}

// editingWorkbook saves a manager's edit to the file between the job's read
// and its write.
type editingWorkbook struct {
	*xlsxbook.Workbook
	path string
	t    *testing.T
}

func (w editingWorkbook) Write(ctx context.Context, updates []sheet.Update) error {
	f, err := excelize.OpenFile(w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	_ = f.SetCellValue("申込", "D2", "編集中の担当者")
	if err := f.Save(); err != nil {
		w.t.Fatal(err)
	}
	f.Close()
	return w.Workbook.Write(ctx, updates)
}

func TestFileChangedOnDiskIsNotOverwritten(t *testing.T) {
	path := copyExample(t)
	ss := editingWorkbook{Workbook: xlsxbook.Open(path), path: path, t: t}
	_, err := job.Sync(context.Background(), ss, config(t), false)
	if !errors.Is(err, sheet.ErrConflict) || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("got %v, want a conflict", err)
	}
	f, _ := excelize.OpenFile(path)
	defer f.Close()
	if v, _ := f.GetCellValue("申込", "D2"); v != "編集中の担当者" {
		t.Errorf("the manager's save was lost: D2 = %q", v)
	}
	if v, _ := f.GetCellValue("申込", "M1"); v != "" {
		t.Errorf("the job's columns were written: M1 = %q", v)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

// countingWorkbook counts the local workbook's column reads and writes.
type countingWorkbook struct {
	*xlsxbook.Workbook
	columnReads, writes *int
}

func (w countingWorkbook) ReadColumns(ctx context.Context, reqs []sheet.ColumnsRequest) (*sheet.Book, error) {
	*w.columnReads++
	return w.Workbook.ReadColumns(ctx, reqs)
}

func (w countingWorkbook) Write(ctx context.Context, updates []sheet.Update) error {
	*w.writes++
	return w.Workbook.Write(ctx, updates)
}

// A local write is refused when the file changed since the read
// (TestFileChangedOnDiskIsNotOverwritten), so its rows are those read: the
// sync writes once, with no read to find the rows again or check them.
func TestLocalSyncWritesWhereItRead(t *testing.T) {
	path := copyExample(t)
	var reads, writes int
	ss := countingWorkbook{Workbook: xlsxbook.Open(path), columnReads: &reads, writes: &writes}
	run, err := job.Sync(context.Background(), ss, config(t), false)
	if err != nil {
		t.Fatal(err)
	}
	if reads != 0 || writes != 1 {
		t.Errorf("column reads %d, writes %d; want 0 and 1", reads, writes)
	}
	if run.Outcome.Written != len(run.Changes) || !run.Outcome.Verified {
		t.Errorf("outcome %+v for %d changes", run.Outcome, len(run.Changes))
	}
	again, err := job.Evaluate(context.Background(), xlsxbook.Open(path), config(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) != 0 {
		t.Errorf("the next sync plans %d changes: the write did not land where planned", len(again.Changes))
	}
}
