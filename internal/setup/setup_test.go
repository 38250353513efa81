package setup_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/setup"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// PasteExample writes the bundled example's data rows into a set-up
// spreadsheet, each value under the header of the same name, as a team
// moving in would paste them.
func PasteExample(t *testing.T, ss sheet.Spreadsheet) {
	t.Helper()
	ctx := context.Background()
	book, err := ss.Read(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	updates, err := example.PasteUpdates(book)
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.Write(ctx, updates); err != nil {
		t.Fatal(err)
	}
}

func TestInitNewWorkbookThenSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	if err := xlsxbook.Create(path, &sheet.Book{Tabs: []*sheet.Tab{{Name: "申込"}}}); err != nil {
		t.Fatal(err)
	}
	m, _ := matrix.Default("")
	ctx := context.Background()
	ss := xlsxbook.Open(path)
	actions, err := setup.Plan(ctx, ss, m, look(t))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, a := range actions {
		kinds[strings.Fields(a.What)[0]+" "+strings.Fields(a.What)[1]]++
	}
	if kinds["add tab"] != 5 || kinds["add header"] != 19 || kinds["dropdown on"] != 14 || kinds["warning-only protection"] != 3 || kinds["freeze the"] < 3 ||
		kinds["format columns"] != 5 {
		t.Errorf("actions %v", kinds)
	}
	if err := setup.Apply(ctx, ss, actions); err != nil {
		t.Fatal(err)
	}
	// Set up: a second init finds nothing to do and leaves the file alone.
	st, _ := os.Stat(path)
	again, err := setup.Plan(ctx, xlsxbook.Open(path), m, look(t))
	if err != nil || len(again) != 0 {
		t.Fatalf("second init: %d actions (%v), first %+v", len(again), err, again)
	}
	if st2, _ := os.Stat(path); !st.ModTime().Equal(st2.ModTime()) {
		t.Error("the second init rewrote the file")
	}

	ss = xlsxbook.Open(path)
	PasteExample(t, ss)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	cfg := job.Config{Matrix: m, Now: time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo), StallDays: 14, PoolLowWater: 5}
	run, err := job.Sync(ctx, xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	// The same statuses as the example itself.
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
	// Job columns were already there: sync added none.
	for _, c := range run.Changes {
		if c.Row == 1 {
			t.Errorf("sync added header %s", c.Header)
		}
	}
	// init after the data: still nothing to do.
	if again, err := setup.Plan(ctx, xlsxbook.Open(path), m, look(t)); err != nil || len(again) != 0 {
		t.Errorf("init after sync: %d actions (%v)", len(again), err)
	}
}

func exampleCopy(t *testing.T) sheet.Spreadsheet {
	b, err := os.ReadFile("../../examples/onboarding.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "example.xlsx")
	os.WriteFile(p, b, 0o644)
	return xlsxbook.Open(p)
}

func TestInitAddsOnlyWhatIsMissing(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	// A team's sheet without the pool tab and with one header missing.
	b.Tabs = []*sheet.Tab{b.Tabs[0], b.Tabs[1], b.Tabs[3]}
	apps := b.Tab("申込")
	for r := range apps.Rows {
		if len(apps.Rows[r]) > 3 {
			apps.Rows[r][3] = sheet.Value{} // 担当者名 gone
		}
	}
	path := filepath.Join(t.TempDir(), "team.xlsx")
	if err := xlsxbook.Create(path, b); err != nil {
		t.Fatal(err)
	}
	before, _ := xlsxbook.Open(path).Read(context.Background(), nil)
	m, _ := matrix.Default("")
	actions, err := setup.Plan(context.Background(), xlsxbook.Open(path), m, look(t))
	if err != nil {
		t.Fatal(err)
	}
	var what []string
	for _, a := range actions {
		what = append(what, a.Tab+": "+a.What)
	}
	all := strings.Join(what, "\n")
	for _, want := range []string{"申込: add header 担当者名", "サポートアカウント: add tab with 6 headers", "申込: add header 必要作業"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	if strings.Contains(all, "条件マトリクス: add tab") || strings.Contains(all, "add header クライアントID") {
		t.Errorf("init adds what exists:\n%s", all)
	}
	if err := setup.Apply(context.Background(), xlsxbook.Open(path), actions); err != nil {
		t.Fatal(err)
	}
	after, _ := xlsxbook.Open(path).Read(context.Background(), nil)
	// Every cell that held something still holds it.
	for _, bt := range before.Tabs {
		at := after.Tab(bt.Name)
		for r, row := range bt.Rows {
			for c, v := range row {
				if !v.IsEmpty() && !v.Equal(at.Cell(r+1, c+1)) {
					t.Errorf("%s!%s changed", bt.Name, sheet.CellName(r+1, c+1))
				}
			}
		}
	}
	if _, err := contract.Read(after, m); err != nil {
		t.Errorf("after init the contract reads: %v", err)
	}
}

// look is the embedded report layout's status colours, as init uses them.
func look(t *testing.T) contract.Look {
	t.Helper()
	l, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	return contract.Look{StatusColors: l.StatusColors}
}

// TestInitMarksTheJobColumnsOnce: init marks each tab's job columns once
// (an input message on their header cells), and init run again leaves
// them. A workbook an older version set up carries the mark as a note by
// onboard on the first job header: init does not mark it again, unless
// the note holds its text twice (as an earlier init wrote it).
func TestInitMarksTheJobColumnsOnce(t *testing.T) {
	ctx := context.Background()
	m, _ := matrix.Default("")
	isMark := func(a setup.Action) bool { return strings.HasPrefix(a.What, "warning-only protection") }
	plan := func(path string) []setup.Action {
		actions, err := setup.Plan(ctx, xlsxbook.Open(path), m, look(t))
		if err != nil {
			t.Fatal(err)
		}
		return actions
	}
	apply := func(path string, actions []setup.Action) {
		if err := setup.Apply(ctx, xlsxbook.Open(path), actions); err != nil {
			t.Fatal(err)
		}
	}
	newBook := func() string {
		path := filepath.Join(t.TempDir(), "new.xlsx")
		if err := xlsxbook.Create(path, &sheet.Book{Tabs: []*sheet.Tab{{Name: "申込"}}}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	path := newBook()
	for range 2 {
		apply(path, plan(path))
	}
	out, err := exec.Command("/usr/bin/python3", "-c", `
import sys, openpyxl
for ws in openpyxl.load_workbook(sys.argv[1]):
    for dv in ws.data_validations.dataValidation:
        if dv.promptTitle == "onboard":
            print(ws.title + "|" + str(dv.sqref).split()[0] + "|" + dv.prompt)
`, path).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	want := []string{"申込|M1|" + setup.ProtectDescription, "セッション|P1|" + setup.ProtectDescription, "サポートアカウント|F1|" + setup.ProtectDescription}
	if got := strings.TrimSpace(string(out)); got != strings.Join(want, "\n") {
		t.Errorf("marks after init twice:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}

	// Set up as an older version did: notes instead of the marks.
	path = newBook()
	var rest []setup.Action
	for _, a := range plan(path) {
		if !isMark(a) {
			rest = append(rest, a)
		}
	}
	apply(path, rest)
	note := func(tab, cell string, doubled bool) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_ = f.DeleteComment(tab, cell)
		c := excelize.Comment{Author: "onboard", Cell: cell, Paragraph: []excelize.RichTextRun{{Text: setup.ProtectDescription}}}
		if doubled {
			c.Text = setup.ProtectDescription
		}
		if err := f.AddComment(tab, c); err != nil {
			t.Fatal(err)
		}
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range want {
		tabCell := strings.Split(w, "|")
		note(tabCell[0], tabCell[1], false)
	}
	if got := plan(path); len(got) != 0 {
		t.Errorf("init over an older version's notes: %+v", got)
	}
	note("申込", "M1", true)
	got := plan(path)
	if len(got) != 1 || !isMark(got[0]) || got[0].Tab != "申込" {
		t.Fatalf("init over a doubled note: %+v", got)
	}
	apply(path, got)
	if got := plan(path); len(got) != 0 {
		t.Errorf("init after marking: %+v", got)
	}
}
