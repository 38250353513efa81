package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/report"
	"onboard/internal/textfit"
)

func writeReport(t *testing.T, m *report.Model) string {
	t.Helper()
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	path, err := report.WriteFile(t.TempDir(), m, layout)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFormulaLookingTextStaysText: a company typed as a formula must reach
// the report as that text, never as a formula Excel would run.
func TestFormulaLookingTextStaysText(t *testing.T) {
	const company = `=HYPERLINK("http://x","y")`
	m := buildModel(t, []app{{id: "1", company: company, applied: 1, cond: "bid"}},
		[]sess{{id: "1", held: 2, results: [5]string{"", "完了"}}}, 9)
	path := writeReport(t, m)

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, at := range []struct{ sheet, cell string }{{"クライアント一覧", "B2"}, {"今週のセッション", "C2"}, {"残作業", "D2"}} {
		v, _ := f.GetCellValue(at.sheet, at.cell)
		formula, _ := f.GetCellFormula(at.sheet, at.cell)
		ct, _ := f.GetCellType(at.sheet, at.cell)
		if v != company || formula != "" || ct != excelize.CellTypeInlineString {
			t.Errorf("%s!%s = %q (formula %q, type %v); want the text as an inline string", at.sheet, at.cell, v, formula, ct)
		}
	}
	for i := range f.GetSheetList() {
		if xml := sheetXML(t, path, i); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
			t.Errorf("sheet %d holds a formula element", i+1)
		}
	}
	for _, mode := range []string{"normal", "read_only"} {
		got := openpyxl(t, path, mode) // fails on any cell openpyxl sees as a formula
		if c := got["クライアント一覧"][1][1]; c == nil || c[1] != company {
			t.Errorf("openpyxl %s reads %v", mode, c)
		}
	}
}

// TestEmptyWorkbook: no sessions at all and an empty week still make a
// complete workbook: every tab with its header, zeros in the summary.
func TestEmptyWorkbook(t *testing.T) {
	for _, tc := range []struct {
		name string
		apps []app
		rows map[string]int
	}{
		{"no clients", nil, map[string]int{"クライアント一覧": 1, "今週のセッション": 1, "残作業": 1, "オペレーター別": 1, "データの問題": 1}},
		{"clients, no sessions", []app{{id: "1", company: "A", applied: -30, cond: "bid", op: "佐藤"}},
			map[string]int{"クライアント一覧": 2, "今週のセッション": 1, "残作業": 1, "オペレーター別": 2, "データの問題": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := buildModel(t, tc.apps, nil, 9)
			path := writeReport(t, m)
			wb := readBack(t, path)
			for name, n := range tc.rows {
				if got := len(wb.sheets[name]); got != n {
					t.Errorf("%s: %d rows, want %d", name, got, n)
				}
			}
			for _, mode := range []string{"normal", "read_only"} {
				got := openpyxl(t, path, mode)
				for name, n := range tc.rows {
					if len(got[name]) != n {
						t.Errorf("openpyxl %s: %s has %d rows, want %d", mode, name, len(got[name]), n)
					}
				}
			}
			// The week's figures are all zero.
			for _, row := range wb.sheets["サマリー"][5:8] {
				if row[1].String() != "n:0" {
					t.Errorf("summary row %v: want 0 this week", row)
				}
			}
		})
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	m := buildModel(t, []app{{id: "1", company: "A", applied: 1, cond: "bid"}}, nil, 9)
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "onboard-weekly-2026-W47.xlsx")
	if err := os.WriteFile(old, []byte("an older report"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := report.WriteFile(dir, m, layout)
	if err != nil || path != old {
		t.Fatalf("WriteFile = %s, %v", path, err)
	}
	if b, _ := os.ReadFile(path); len(b) < 4 || string(b[:2]) != "PK" {
		t.Errorf("the old file was not replaced by a workbook")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files left in the folder, want 1", len(entries))
	}

	// A folder that cannot be created is an error naming it, not a panic.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := report.WriteFile(filepath.Join(blocker, "sub"), m, layout); err == nil || !strings.Contains(err.Error(), "report folder") {
		t.Errorf("WriteFile into a file's path: %v", err)
	}
}

// TestWrappedRowsFitTheirText: a data tab row is as many lines tall as
// its longest wrapped cell takes (LibreOffice keeps an .xlsx's row
// heights and would show the first line only), capped for a runaway
// cell; the header row keeps the default height.
func TestWrappedRowsFitTheirText(t *testing.T) {
	long := strings.Repeat("長い事業者名", 7)      // 84 units: 4 lines of a 24-wide column
	runaway := strings.Repeat("とても長い名前", 40) // far past the cap
	m := buildModel(t, []app{
		{id: "1", company: "A", applied: 1, cond: "bid"},
		{id: "2", company: long, applied: 1, cond: "bid"},
		{id: "3", company: runaway, applied: 1, cond: "bid"},
	}, nil, 9)
	path := writeReport(t, m)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const tab = "クライアント一覧"
	byCompany := map[string]int{}
	rows, err := f.GetRows(tab)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows[1:] {
		byCompany[row[1]] = i + 2
	}
	width, err := f.GetColWidth(tab, "B")
	if err != nil || width != 24 {
		t.Fatalf("事業者名 is %v wide (%v); the test needs the layout's wrap width, 24", width, err)
	}
	if got, _ := f.GetRowHeight(tab, 1); got != 15 { // excelize's default: no height stored
		t.Errorf("header row height %v, want the default", got)
	}
	for _, tc := range []struct {
		company string
		want    float64
	}{
		{"A", textfit.RowHeight(2, 11)}, // its 次のアクション, 初期設定セッションを予約する (28 units)
		{long, textfit.RowHeight(4, 11)},
		{runaway, textfit.RowHeight(textfit.MaxLines, 11)},
	} {
		row, ok := byCompany[tc.company]
		if !ok {
			t.Fatalf("no row for %.10s…", tc.company)
		}
		if got, _ := f.GetRowHeight(tab, row); got != tc.want {
			t.Errorf("row %d (%.10s…): height %v, want %v", row, tc.company, got, tc.want)
		}
	}
}

// TestSameReportSameFile: the same model makes the same workbook, style
// IDs and all, run after run (the layout's styles come from a map).
func TestSameReportSameFile(t *testing.T) {
	m := buildModel(t, []app{{id: "1", company: "A社", applied: 1, cond: "bid"}, {id: "2", company: "B社", applied: 2, cond: "bid"}},
		[]sess{{id: "1", held: 2, results: [5]string{"", "完了"}}}, 9)
	first := writeReport(t, m)
	for range 5 {
		again := writeReport(t, m)
		for _, part := range []string{"xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"} {
			if zipEntry(t, first, part) != zipEntry(t, again, part) {
				t.Fatalf("%s differs between two writes of the same report", part)
			}
		}
	}
}
