package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
	"onboard/internal/textfit"
)

// randomUpdates are updates of every kind to random cells of the book:
// inside the data, right of it, below it, and in blank rows.
func randomUpdates(rng *rand.Rand, book *sheet.Book, n int) []sheet.Update {
	var us []sheet.Update
	for range n {
		tab := book.Tabs[rng.IntN(len(book.Tabs))]
		u := sheet.Update{Tab: tab.Name, Row: 1 + rng.IntN(len(tab.Rows)+5), Col: 1 + rng.IntN(70)}
		if rng.IntN(10) == 0 {
			u.Row += 100
		}
		switch rng.IntN(6) {
		case 0, 1:
			u.Value = sheet.TextValue(randomText(rng))
		case 2:
			u.Value = sheet.NumberValue(math.Round(rng.Float64()*1e6) / 100)
		case 3:
			u.Value = sheet.BoolValue(rng.IntN(2) == 0)
		case 4:
			u.Value = sheet.Value{Kind: sheet.Date, Num: float64(44000 + rng.IntN(3000))}
		case 5:
			u.Value = sheet.Value{}
		}
		us = append(us, u)
	}
	return us
}

// applied is the book with the updates made, and the cells they made.
func applied(book *sheet.Book, us []sheet.Update) (*sheet.Book, map[string]map[[2]int]sheet.Value) {
	final := map[string]map[[2]int]sheet.Value{}
	for _, u := range us {
		if final[u.Tab] == nil {
			final[u.Tab] = map[[2]int]sheet.Value{}
		}
		final[u.Tab][[2]int{u.Row, u.Col}] = u.Value
	}
	for _, t := range book.Tabs {
		for rc, v := range final[t.Name] {
			for len(t.Rows) < rc[0] {
				t.Rows = append(t.Rows, nil)
			}
			for len(t.Rows[rc[0]-1]) < rc[1] {
				t.Rows[rc[0]-1] = append(t.Rows[rc[0]-1], sheet.Value{})
			}
			t.Rows[rc[0]-1][rc[1]-1] = v
		}
	}
	return book, final
}

// parts returns the uncompressed content of every part, in order.
func parts(t *testing.T, data []byte) ([]string, map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		out[f.Name] = b
	}
	return names, out
}

// openpyxlCells is every cell openpyxl reads: tab → A1 → [kind, value].
func openpyxlCells(t *testing.T, path string) map[string]map[string][2]any {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "testdata/read_openpyxl.py", path).Output()
	if err != nil {
		t.Fatalf("openpyxl cannot read the patched workbook: %v %s", err, stderrOf(err))
	}
	var cells map[string]map[string][2]any
	if err := json.Unmarshal(out, &cells); err != nil {
		t.Fatal(err)
	}
	return cells
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestPatchOracle is the writer's oracle test: random updates patched
// into random workbooks written by excelize and by openpyxl read back, in
// excelize and in openpyxl, as the updated values (text stays text, dates
// are dates), every other cell reads as before, and every part of the
// package the patch did not need to touch is byte-identical.
func TestPatchOracle(t *testing.T) {
	paths := randomBooks(t, 8, 4, 31)
	for i, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			before := readBytes(t, path)
			w := Open(path)
			book, err := w.Read(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			us := randomUpdates(rng, book, 40)
			if err := w.Write(context.Background(), us); err != nil {
				t.Fatal(err)
			}
			orig := filepath.Join(t.TempDir(), "before.xlsx")
			if err := os.WriteFile(orig, before, 0o644); err != nil {
				t.Fatal(err)
			}
			want, final := applied(excelizeRead(t, orig), us)
			got := excelizeRead(t, path)
			sameCells(t, got, want, final)

			// Untouched parts are byte-identical.
			after := readBytes(t, path)
			names, old := parts(t, before)
			newNames, now := parts(t, after)
			if fmt.Sprint(names) != fmt.Sprint(newNames) {
				t.Errorf("parts %v, want %v", newNames, names)
			}
			p, err := openPackage(before)
			if err != nil {
				t.Fatal(err)
			}
			touched := map[string]bool{p.styles: true, p.sharedStrings: true}
			for _, u := range us {
				tp, _ := p.tab(u.Tab)
				touched[tp.part] = true
			}
			for _, n := range names {
				if !touched[n] && !bytes.Equal(old[n], now[n]) {
					t.Errorf("part %s changed", n)
				}
			}

			sameHeights(t, orig, path, us)

			// openpyxl reads the updated cells as written.
			cells := openpyxlCells(t, path)
			for tab, vs := range final {
				for rc, v := range vs {
					ref := sheet.CellName(rc[0], rc[1])
					g, ok := cells[tab][ref]
					if v.Kind == sheet.Text && p.parts[p.sharedStrings] == nil && bstrEscape.MatchString(v.Str) {
						// Without a shared strings part the text is an inline
						// string, whose _xHHHH_ escapes openpyxl does not read.
						continue
					}
					if !openpyxlSame(v, g, ok) {
						t.Errorf("openpyxl %s!%s = %v (present %v), want %v %q", tab, ref, g, ok, v.Kind, v.String())
					}
				}
			}
		})
	}
}

// openpyxlSame reports whether openpyxl read v. openpyxl reads no
// _xHHHH_ escape but deletes every "x005F_" in a shared string: a text
// holding "x005F_" or a character XML cannot hold has no form it reads
// back, so for those only excelize is the oracle.
func openpyxlSame(v sheet.Value, g [2]any, ok bool) bool {
	if v.Kind == sheet.Text && (strings.Contains(v.Str, "x005F_") || strings.ContainsFunc(v.Str, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' })) {
		return true
	}
	if v.IsEmpty() {
		return !ok || g[0] == "text" && g[1] == ""
	}
	if !ok {
		return false
	}
	switch v.Kind {
	case sheet.Text:
		return g[0] == "text" && g[1] == v.Str
	case sheet.Bool:
		return g[0] == "bool" && g[1] == v.Bool()
	case sheet.Date:
		n, _ := g[1].(float64)
		return g[0] == "date" && math.Abs(n-v.Num) < 1e-6
	case sheet.Number:
		n, _ := g[1].(float64)
		return (g[0] == "number" || g[0] == "date") && math.Abs(n-v.Num) < 1e-6
	}
	return false
}

// sameCells compares every cell excelize reads with the expected book:
// exactly, except that a number written into a cell with a date style
// reads as a date.
func sameCells(t *testing.T, got, want *sheet.Book, final map[string]map[[2]int]sheet.Value) {
	t.Helper()
	for _, w := range want.Tabs {
		g := got.Tab(w.Name)
		if g == nil {
			t.Fatalf("tab %q is gone", w.Name)
		}
		for r := 1; r <= max(len(g.Rows), len(w.Rows)); r++ {
			width := 0
			if r <= len(g.Rows) {
				width = len(g.Rows[r-1])
			}
			if r <= len(w.Rows) {
				width = max(width, len(w.Rows[r-1]))
			}
			for c := 1; c <= width; c++ {
				a, b := g.Cell(r, c), w.Cell(r, c)
				_, updated := final[w.Name][[2]int{r, c}]
				ok := a.Kind == b.Kind && a.Str == b.Str && a.Num == b.Num
				if updated && b.Kind == sheet.Number {
					ok = (a.Kind == sheet.Number || a.Kind == sheet.Date) && a.Num == b.Num
				}
				if updated && b.IsEmpty() {
					ok = a.IsEmpty()
				}
				if !ok {
					t.Errorf("excelize %s!%s = %v %q, want %v %q (updated %v)", w.Name, sheet.CellName(r, c), a.Kind, a.String(), b.Kind, b.String(), updated)
				}
			}
		}
	}
}

// sameHeights is the oracle for row heights, read by excelize: a row the
// patch did not write, or whose height was set by hand, keeps its height;
// a row it wrote is as tall as its cells need, from their values, styles
// (wrap, font size) and column widths as excelize reads them after.
func sameHeights(t *testing.T, before, after string, us []sheet.Update) {
	t.Helper()
	written := map[string]map[int]bool{}
	for _, u := range us {
		if written[u.Tab] == nil {
			written[u.Tab] = map[int]bool{}
		}
		written[u.Tab][u.Row] = true
	}
	fittedHeights(t, before, after, func(tab string, row int) bool { return written[tab][row] })
}

// fittedHeights is sameHeights for the rows fitted says were fitted.
func fittedHeights(t *testing.T, before, after string, fitted func(tab string, row int) bool) {
	t.Helper()
	fb, err := excelize.OpenFile(before)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	fa, err := excelize.OpenFile(after)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	_, partsBefore := parts(t, readBytes(t, before))
	p, err := openPackage(readBytes(t, before))
	if err != nil {
		t.Fatal(err)
	}
	base := 11.0
	if st, err := fa.GetStyle(0); err == nil && st.Font != nil && st.Font.Size > 0 {
		base = st.Font.Size
	}
	for _, tab := range fa.GetSheetList() {
		tp, _ := p.tab(tab)
		custom := map[int]bool{}
		for _, m := range regexp.MustCompile(`<row r="(\d+)"[^>]*customHeight="(?:1|true)"`).FindAllSubmatch(partsBefore[tp.part], -1) {
			n, _ := strconv.Atoi(string(m[1]))
			custom[n] = true
		}
		rows, err := fa.GetRows(tab, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; r <= len(rows)+110; r++ {
			was, _ := fb.GetRowHeight(tab, r)
			got, _ := fa.GetRowHeight(tab, r)
			want := was
			if fitted(tab, r) && !custom[r] {
				want = 15 // excelize's default: no height stored
				for c := 1; r <= len(rows) && c <= len(rows[r-1]); c++ {
					cell := sheet.CellName(r, c)
					formula, _ := fa.GetCellFormula(tab, cell)
					if rows[r-1][c-1] == "" && formula == "" {
						continue
					}
					id, _ := fa.GetCellStyle(tab, cell)
					st, err := fa.GetStyle(id)
					if err != nil {
						t.Fatal(err)
					}
					size := base
					if st.Font != nil && st.Font.Size > 0 {
						size = st.Font.Size
					}
					need := 15 * size / base
					typ, _ := fa.GetCellType(tab, cell)
					if st.Alignment != nil && st.Alignment.WrapText && (typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString) {
						width, _ := fa.GetColWidth(tab, sheet.ColumnName(c))
						if lines := min(textfit.Lines(rows[r-1][c-1], width, size, base), textfit.MaxLines); lines > 1 {
							need = textfit.RowHeight(lines, size)
						}
					}
					if need > want {
						want = need
					}
				}
			}
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s row %d: height %v, want %v (was %v, written %v, set by hand %v)", tab, r, got, want, was, fitted(tab, r), custom[r])
			}
		}
	}
}

// rowHeights reads a tab's row heights: row → [height (0: none), set by
// hand]. The height is openpyxl's; whether it was set by hand is read
// from the XML, as openpyxl takes any height for one set by hand.
func rowHeights(t *testing.T, path, tab string) map[int][2]float64 {
	t.Helper()
	script := `import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]
print(json.dumps({r: d.ht or 0 for r, d in ws.row_dimensions.items()}))`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path, tab).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v %s", err, stderrOf(err))
	}
	var hts map[int]float64
	if err := json.Unmarshal(out, &hts); err != nil {
		t.Fatal(err)
	}
	got := map[int][2]float64{}
	for r, ht := range hts {
		got[r] = [2]float64{ht, 0}
	}
	p, err := openPackage(readBytes(t, path))
	if err != nil {
		t.Fatal(err)
	}
	tp, _ := p.tab(tab)
	_, all := parts(t, readBytes(t, path))
	for _, m := range regexp.MustCompile(`<row r="(\d+)"[^>]*customHeight="(?:1|true)"`).FindAllSubmatch(all[tp.part], -1) {
		n, _ := strconv.Atoi(string(m[1]))
		got[n] = [2]float64{got[n][0], 1}
	}
	return got
}

// TestPatchFitsRowHeights: a row the job writes gets the height its
// wrapped text needs as an auto height (no customHeight), capped; a
// later write of shorter text lowers it again; a row whose height was set
// by hand keeps it, even when it was a row without cells.
func TestPatchFitsRowHeights(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	const tab = "Sheet1"
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	must(t, err)
	must(t, f.SetColWidth(tab, "B", "B", 20))
	must(t, f.SetColStyle(tab, "B", wrap))
	must(t, f.SetSheetRow(tab, "A1", &[]any{"ID", "チェック"}))
	must(t, f.SetRowHeight(tab, 3, 40)) // by hand, and no cells yet
	must(t, f.SetCellStr(tab, "A4", "4"))
	must(t, f.SaveAs(path))
	f.Close()

	long := strings.Repeat("要確認の理由", 4) // 48 units: 3 lines of 18.5
	runaway := strings.Repeat("長", 200)
	w := Open(path)
	write := func(us ...sheet.Update) {
		t.Helper()
		if _, err := w.Read(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(context.Background(), us); err != nil {
			t.Fatal(err)
		}
	}
	text := func(row int, s string) sheet.Update {
		return sheet.Update{Tab: tab, Row: row, Col: 2, Value: sheet.TextValue(s)}
	}
	write(text(2, long), text(3, runaway), text(4, "短い"), text(5, runaway))
	got := rowHeights(t, path, tab)
	for row, want := range map[int][2]float64{
		2: {textfit.RowHeight(3, 11), 0},
		3: {40, 1}, // set by hand: kept
		4: {0, 0},  // one line: no height
		5: {textfit.RowHeight(textfit.MaxLines, 11), 0},
	} {
		if got[row] != want {
			t.Errorf("after the first write, row %d: [height, by hand] %v, want %v", row, got[row], want)
		}
	}
	write(text(2, "短い"), text(5, long))
	got = rowHeights(t, path, tab)
	if got[2] != [2]float64{} || got[5] != [2]float64{textfit.RowHeight(3, 11), 0} || got[3] != [2]float64{40, 1} {
		t.Errorf("after shorter text: rows 2, 3, 5 are %v %v %v; want no height, 40 by hand, 3 lines", got[2], got[3], got[5])
	}
	if v, _ := excelizeCell(t, path, tab, "B3"); v != runaway {
		t.Errorf("B3 = %.10q…, want the text written into the row set by hand", v)
	}
}

func excelizeCell(t *testing.T, path, tab, cell string) (string, error) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetCellValue(tab, cell)
}

// TestPatchLargeSheetKeepsRowTags: a sheet part larger than the
// scanner's buffer, its rows patched and fitted, still parses and reads
// back (a row's start tag is held until its cells are known, and must
// not be the scanner's buffer, which moves on).
func TestPatchLargeSheetKeepsRowTags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.xlsx")
	f := excelize.NewFile()
	const tab = "Sheet1"
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true}})
	must(t, err)
	must(t, f.SetColStyle(tab, "C", wrap))
	sw, err := f.NewStreamWriter(tab)
	must(t, err)
	const rows = 4000
	for r := 1; r <= rows; r++ {
		must(t, sw.SetRow(sheet.CellName(r, 1), []any{r, strings.Repeat("申込の備考", 8)}))
	}
	must(t, sw.Flush())
	must(t, f.SaveAs(path))
	f.Close()

	w := Open(path)
	if _, err := w.Read(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var us []sheet.Update
	for r := 2; r <= rows; r += 3 {
		us = append(us, sheet.Update{Tab: tab, Row: r, Col: 3, Value: sheet.TextValue(fmt.Sprintf("行%d %s", r, strings.Repeat("確認", r%20)))})
	}
	if err := w.Write(context.Background(), us); err != nil {
		t.Fatal(err)
	}
	got := excelizeRead(t, path).Tab(tab)
	for _, u := range us {
		if c := got.Cell(u.Row, 3); c.Str != u.Value.Str {
			t.Fatalf("C%d = %q, want %q", u.Row, c.Str, u.Value.Str)
		}
		if c := got.Cell(u.Row, 1); c.Num != float64(u.Row) {
			t.Fatalf("A%d = %v, want %d", u.Row, c, u.Row)
		}
	}
	heights := rowHeights(t, path, tab)
	for _, u := range us {
		lines := min(textfit.Lines(u.Value.Str, defaultColWidth, 11, 11), textfit.MaxLines)
		want := [2]float64{}
		if lines > 1 {
			want[0] = textfit.RowHeight(lines, 11)
		}
		if heights[u.Row] != want {
			t.Fatalf("row %d: [height, by hand] %v, want %v", u.Row, heights[u.Row], want)
		}
	}
}
