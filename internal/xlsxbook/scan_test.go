package xlsxbook

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// excelizeRead is the oracle: how xlsxbook read a workbook through
// excelize before the scan (GetRows with raw values, then GetCellType and
// GetCellStyle for every cell that reads as a number).
func excelizeRead(t *testing.T, path string) *sheet.Book {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dates := map[int]bool{}
	isDate := func(idx int) bool {
		if idx == 0 {
			return false
		}
		if v, ok := dates[idx]; ok {
			return v
		}
		st, err := f.GetStyle(idx)
		is := err == nil && st != nil && (numFmtIsDate(st.NumFmt, nil) || (st.CustomNumFmt != nil && customDate(*st.CustomNumFmt)))
		dates[idx] = is
		return is
	}
	value := func(tab string, row, col int, raw string) sheet.Value {
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return sheet.Value{Kind: sheet.Text, Str: raw}
		}
		axis := sheet.CellName(row, col)
		typ, err := f.GetCellType(tab, axis)
		if err != nil {
			t.Fatal(err)
		}
		switch typ {
		case excelize.CellTypeBool:
			return sheet.BoolValue(v != 0)
		case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
			return sheet.Value{Kind: sheet.Text, Str: raw}
		case excelize.CellTypeDate:
			return sheet.Value{Kind: sheet.Date, Num: v}
		}
		style, err := f.GetCellStyle(tab, axis)
		if err != nil {
			t.Fatal(err)
		}
		if isDate(style) {
			return sheet.Value{Kind: sheet.Date, Num: v}
		}
		return sheet.NumberValue(v)
	}
	book := &sheet.Book{}
	for _, name := range f.GetSheetList() {
		raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		tab := &sheet.Tab{Name: name, Rows: make([][]sheet.Value, len(raw))}
		for r, row := range raw {
			vals := make([]sheet.Value, len(row))
			for c, s := range row {
				if s != "" {
					vals[c] = value(name, r+1, c+1, s)
				}
			}
			tab.Rows[r] = vals
		}
		book.Tabs = append(book.Tabs, tab)
	}
	return book
}

func scanRead(t *testing.T, path string) *sheet.Book {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := openPackage(data)
	if err != nil {
		t.Fatal(err)
	}
	book, err := p.readTabs(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return book
}

// sameBook compares two books cell by cell, values and kinds, and the
// shape of every row (a blank row is nil in one, empty in the other).
func sameBook(t *testing.T, label string, got, want *sheet.Book) {
	t.Helper()
	if len(got.Tabs) != len(want.Tabs) {
		t.Fatalf("%s: %d tabs, want %d", label, len(got.Tabs), len(want.Tabs))
	}
	diffs := 0
	for i, w := range want.Tabs {
		g := got.Tabs[i]
		if g.Name != w.Name {
			t.Errorf("%s: tab %d is %q, want %q", label, i, g.Name, w.Name)
		}
		if len(g.Rows) != len(w.Rows) {
			t.Errorf("%s tab %q: %d rows, want %d", label, w.Name, len(g.Rows), len(w.Rows))
		}
		for r := range min(len(g.Rows), len(w.Rows)) {
			if len(g.Rows[r]) != len(w.Rows[r]) {
				t.Errorf("%s tab %q row %d: %d cells, want %d", label, w.Name, r+1, len(g.Rows[r]), len(w.Rows[r]))
			}
			for c := range min(len(g.Rows[r]), len(w.Rows[r])) {
				a, b := g.Rows[r][c], w.Rows[r][c]
				if a.Kind != b.Kind || a.Str != b.Str || (a.Num != b.Num && !(a.Num != a.Num && b.Num != b.Num)) {
					if diffs++; diffs < 20 {
						t.Errorf("%s %s!%s: got %v %q %v, want %v %q %v", label, w.Name, sheet.CellName(r+1, c+1), a.Kind, a.Str, a.Num, b.Kind, b.Str, b.Num)
					}
				}
			}
		}
	}
}

// randomText is text a manager might type, and text that tests the
// reader's escapes: XML specials, line ends, spaces, numbers as text,
// _xHHHH_ sequences, characters outside the BMP.
func randomText(rng *rand.Rand) string {
	pool := []string{"さくら商店", "あり", "なし", "完了", "a&b", "<tag>", `"quoted"`, "it's", " lead", "trail ", "two\nlines",
		"crlf\r\nend", "123", "1e5", "0012", "-0", "TRUE", "_x000D_", "a_x0041_b", "_x005F_x0041_", "😀 絵文字", "=1+1",
		"tab\there", "Ｆｕｌｌ", "1.5", "#N/A", "x", strings.Repeat("長", 300)}
	s := pool[rng.IntN(len(pool))]
	if rng.IntN(3) == 0 {
		s += strconv.Itoa(rng.IntN(100000))
	}
	return s
}

// excelizeBook writes a random workbook with excelize: shared and inline
// strings, rich text, numbers, dates in built-in and custom formats,
// booleans, formulas without values, blank rows, columns past Z, styled
// rows and columns; and sizeRows's wrapped cells, widths and heights.
func excelizeBook(t *testing.T, rng *rand.Rand, path string) {
	f := excelize.NewFile()
	defer f.Close()
	var styles []int
	for _, st := range []*excelize.Style{
		{NumFmt: 14}, {NumFmt: 22}, {NumFmt: 2}, {NumFmt: 20}, {NumFmt: 31}, {NumFmt: 57},
		{CustomNumFmt: ptr("yyyy/mm/dd")}, {CustomNumFmt: ptr(`yyyy"年"m"月"d"日"`)}, {CustomNumFmt: ptr("0.000")},
		{CustomNumFmt: ptr(`"day"0`)}, {CustomNumFmt: ptr("[h]:mm")}, {Font: &excelize.Font{Bold: true}},
	} {
		id, err := f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		styles = append(styles, id)
	}
	names := []string{"申込", "セッション", "A&B <x>", "it's"}
	for i, name := range names[:1+rng.IntN(len(names))] {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(2) == 0 {
			must(t, f.SetColStyle(name, "C:D", styles[rng.IntN(len(styles))]))
		}
		rows := 1 + rng.IntN(40)
		for r := 1; r <= rows; r++ {
			if rng.IntN(6) == 0 {
				continue // a blank row
			}
			if rng.IntN(10) == 0 {
				must(t, f.SetRowStyle(name, r, r, styles[rng.IntN(len(styles))]))
			}
			for c := 1; c <= 60; c++ {
				if rng.IntN(3) != 0 {
					continue
				}
				cell := sheet.CellName(r, c)
				switch rng.IntN(10) {
				case 0:
					must(t, f.SetCellStr(name, cell, randomText(rng)))
				case 1:
					must(t, f.SetCellDefault(name, cell, randomText(rng)))
				case 2:
					must(t, f.SetCellRichText(name, cell, []excelize.RichTextRun{{Text: randomText(rng)}, {Text: randomText(rng), Font: &excelize.Font{Bold: true}}}))
				case 3:
					must(t, f.SetCellFloat(name, cell, rng.Float64()*1e6-5e5, -1, 64))
				case 4:
					must(t, f.SetCellInt(name, cell, int64(rng.IntN(100000))))
				case 5:
					must(t, f.SetCellValue(name, cell, time.Date(2020+rng.IntN(8), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC)))
				case 6:
					must(t, f.SetCellBool(name, cell, rng.IntN(2) == 0))
				case 7:
					must(t, f.SetCellFormula(name, cell, "SUM(A1:B2)"))
				case 8:
					must(t, f.SetCellFloat(name, cell, float64(45000+rng.IntN(2000)), -1, 64))
				case 9:
					must(t, f.SetCellDefault(name, cell, strconv.Itoa(rng.IntN(1000))))
				}
				if rng.IntN(3) == 0 {
					must(t, f.SetCellStyle(name, cell, cell, styles[rng.IntN(len(styles))]))
				}
			}
		}
	}
	sizeRows(t, f, path)
	must(t, f.SaveAs(path))
}

// sizeRows gives a random workbook's tabs the layout row fitting reads:
// wrapped cells (one style with a larger font), column widths, and rows
// whose height was set by hand (customHeight). Its randomness comes from
// the path, so the rest of the book is what the seed made before.
func sizeRows(t *testing.T, f *excelize.File, path string) {
	h := fnv.New64a()
	h.Write([]byte(filepath.Base(path)))
	rng := rand.New(rand.NewPCG(h.Sum64(), 5))
	var wraps []int
	for _, st := range []*excelize.Style{
		{Alignment: &excelize.Alignment{WrapText: true}},
		{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Font: &excelize.Font{Size: 16}},
	} {
		id, err := f.NewStyle(st)
		must(t, err)
		wraps = append(wraps, id)
	}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		must(t, err)
		if rng.IntN(4) != 0 {
			must(t, f.SetColWidth(name, "B", "F", 4+float64(rng.IntN(300))/10))
		}
		for r := 1; r <= len(rows)+3; r++ {
			if rng.IntN(8) == 0 {
				must(t, f.SetRowHeight(name, r, float64(8+rng.IntN(60))))
			}
			for c := 1; c <= 12; c++ {
				if rng.IntN(3) == 0 {
					cell := sheet.CellName(r, c)
					must(t, f.SetCellStyle(name, cell, cell, wraps[rng.IntN(len(wraps))]))
				}
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openpyxlBooks writes random workbooks with openpyxl, Debian's
// /usr/bin/python3 (scripts/install-deps.sh installs python3-openpyxl).
func openpyxlBooks(t *testing.T, dir string, n int, seed uint64) []string {
	t.Helper()
	var paths []string
	for i := range n {
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("openpyxl-%d.xlsx", i)))
	}
	cmd := exec.Command("/usr/bin/python3", append([]string{"testdata/random_openpyxl.py", strconv.FormatUint(seed, 10)}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("openpyxl (run scripts/install-deps.sh if it is missing): %v\n%s", err, stderr.String())
	}
	return paths
}

// randomBooks writes n random workbooks with excelize and m with openpyxl,
// from seed, and returns their paths.
func randomBooks(t *testing.T, n, m int, seed uint64) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range n {
		path := filepath.Join(dir, fmt.Sprintf("excelize-%d.xlsx", i))
		excelizeBook(t, rand.New(rand.NewPCG(uint64(i), seed)), path)
		paths = append(paths, path)
	}
	return append(paths, openpyxlBooks(t, dir, m, seed)...)
}

// TestScanMatchesExcelize is the reader's oracle test: on random
// workbooks written by excelize and by openpyxl, the scan returns exactly
// the values and types excelize reads.
func TestScanMatchesExcelize(t *testing.T) {
	paths := randomBooks(t, 12, 6, 13)
	for _, path := range paths {
		sameBook(t, filepath.Base(path), scanRead(t, path), excelizeRead(t, path))
	}
}

// A read that keeps some columns holds, of the others, nothing but the
// first row with a value in each (Tab.Elsewhere): the same cells as a
// whole read with the columns left out, on every random workbook.
func TestReadKeepingMatchesAWholeRead(t *testing.T) {
	paths := randomBooks(t, 6, 3, 17)
	for i, path := range paths {
		whole := scanRead(t, path)
		rng := rand.New(rand.NewPCG(uint64(i), 19))
		masks := map[string][]bool{}
		for _, tab := range whole.Tabs {
			if rng.IntN(4) == 0 {
				continue // kept whole
			}
			mask := make([]bool, 1+rng.IntN(40))
			for c := range mask {
				mask[c] = rng.IntN(2) == 0
			}
			masks[tab.Name] = mask
		}
		kept, err := Open(path).ReadKeeping(t.Context(), nil, func(tab string, header []sheet.Value) sheet.Keep {
			if w := whole.Tab(tab); !slices.EqualFunc(header, headerOf(w), sheet.Value.Equal) {
				t.Errorf("%s tab %q: keep asked with header %v, want %v", filepath.Base(path), tab, header, headerOf(w))
			}
			return sheet.Keep{Cols: masks[tab]}
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range whole.Tabs {
			g := kept.Tab(w.Name)
			mask, filtered := masks[w.Name]
			wantElsewhere := map[int]int{}
			width := 0
			for _, r := range w.Rows {
				width = max(width, len(r))
			}
			for r := 1; r <= len(w.Rows); r++ {
				for c := 1; c <= width+1; c++ {
					v := w.Cell(r, c)
					left := filtered && r > 1 && (c >= len(mask) || !mask[c])
					if left {
						if _, seen := wantElsewhere[c]; !seen && !v.IsEmpty() {
							wantElsewhere[c] = r
						}
						v = sheet.Value{}
					}
					if got := g.Cell(r, c); got != v {
						t.Errorf("%s %q %s: %#v, want %#v", filepath.Base(path), w.Name, sheet.CellName(r, c), got, v)
					}
				}
			}
			if !filtered {
				wantElsewhere = nil
			} else if len(wantElsewhere) == 0 {
				wantElsewhere = nil
			}
			if !maps.Equal(g.Elsewhere, wantElsewhere) {
				t.Errorf("%s %q: elsewhere %v, want %v", filepath.Base(path), w.Name, g.Elsewhere, wantElsewhere)
			}
		}
	}
}

func headerOf(t *sheet.Tab) []sheet.Value {
	if t == nil || len(t.Rows) == 0 {
		return nil
	}
	return t.Rows[0]
}

// openPackage is openPackageAt of a package held whole.
func openPackage(data []byte) (*xlsxPackage, error) {
	return openPackageAt(bytes.NewReader(data), int64(len(data)))
}

// An attribute is found in a start tag wherever it stands, the first
// included: the element's name is not taken for it.
func TestTagAttrsLeaveOutTheName(t *testing.T) {
	for _, tag := range []string{
		`<col style="3" min="1" max="2"/>`, `<col min="1" max="2" style="3"/>`, `<col style="3"  min="1" max="2" />`,
		`<x:col style="3" min="1">`, `<col	style='3'>`,
	} {
		if got := attrInt(tagAttrs([]byte(tag)), "style"); got != 3 {
			t.Errorf("%s: style %d, want 3", tag, got)
		}
	}
	if got := attrInt(tagAttrs([]byte(`<col/>`)), "style"); got != 0 {
		t.Errorf("<col/>: style %d", got)
	}
	var sf sheetFormatter
	s := newBytesScanner([]byte(`<cols><col style="3" min="1" max="2"/></cols>`))
	if !s.next() || sf.readCols(io.Discard, s) != nil {
		t.Fatal("read cols")
	}
	if got := styleIn(sf.cols, 2); got != 3 {
		t.Errorf("styleIn with style first: %d, want 3", got)
	}
	if got := string(widenDimension([]byte(`<dimension ref="A1:B2"/>`), 5, 3)); got != `<dimension ref="A1:C5"/>` {
		t.Errorf("widenDimension: %s", got)
	}
}
