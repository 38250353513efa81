package xlsxbook

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
	"onboard/internal/textfit"
)

// TestPrepareFitsRowsInOnePass: on random workbooks written by excelize
// and by openpyxl (wrapped and unwrapped styles, a larger font, column
// widths, rows set by hand, long texts, shared and inline strings),
// Prepare saves the package once, rewriting the sheet part of each tab it
// formats once; every row of a tab whose columns it made wrap is as tall
// as its cells need from their final styles and the final column widths
// (fittedHeights counts it apart, through excelize and textfit), while a
// row set by hand and every row of the other tabs keep their heights.
// A Protect step (init's) joins the same one save.
func TestPrepareFitsRowsInOnePass(t *testing.T) {
	paths := randomBooks(t, 6, 2, 71)
	for i, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 13))
			if err := Open(path).AddTab(context.Background(), "準備", []string{"予定日", "事業者名"}); err != nil {
				t.Fatal(err)
			}
			book := scanRead(t, path)
			for round, protect := range []bool{false, false, true} {
				steps := randomSteps(rng, book)
				if protect {
					steps = append(steps, sheet.SetupStep{Kind: sheet.Protect, Tab: book.Tabs[0].Name, Cols: []int{2}, Description: "onboard が書く列です"})
				}
				before := filepath.Join(t.TempDir(), "before.xlsx")
				if err := os.WriteFile(before, readBytes(t, path), 0o644); err != nil {
					t.Fatal(err)
				}
				var saves [][]string
				testHookSave = func(rewritten []string) { saves = append(saves, rewritten) }
				err := Open(path).Prepare(context.Background(), steps)
				testHookSave = nil
				if err != nil {
					t.Fatal(err)
				}

				p, err := openPackage(readBytes(t, before))
				if err != nil {
					t.Fatal(err)
				}
				sheetParts := map[string]string{} // part → tab
				for _, tp := range p.tabs {
					sheetParts[tp.part] = tp.name
				}
				formatted, wrapped := map[string]bool{}, map[string]bool{}
				for _, s := range steps {
					formatted[s.Tab] = true
					if s.Kind == sheet.FormatColumns && slices.ContainsFunc(s.Formats, func(cf sheet.ColumnFormat) bool { return cf.Wrap }) {
						wrapped[s.Tab] = true
					}
				}
				want := map[string]bool{}
				for tab, ok := range formatted {
					if ok {
						want[tab] = true
					}
				}
				if len(want) == 0 {
					if len(saves) != 0 {
						t.Errorf("round %d: %d saves of the package, want none", round, len(saves))
					}
				} else if len(saves) != 1 {
					t.Errorf("round %d: %d saves of the package, want 1", round, len(saves))
				}
				rewrites := map[string]int{}
				for _, s := range saves {
					for _, part := range s {
						if tab, ok := sheetParts[part]; ok {
							rewrites[tab]++
						}
					}
				}
				for tab := range want {
					if rewrites[tab] != 1 {
						t.Errorf("round %d: tab %q rewritten %d times, want once", round, tab, rewrites[tab])
					}
				}
				for tab, n := range rewrites {
					if !want[tab] {
						t.Errorf("round %d: tab %q rewritten %d times, want none", round, tab, n)
					}
				}
				fittedHeights(t, before, path, func(tab string, row int) bool { return wrapped[tab] })
			}
		})
	}
}

// TestPrepareFitsToKeptColumnWidth: a wrapped date column outside every
// <col>, on a sheet whose default width comes from its baseColWidth,
// stays that wide when a cell below keeps its own number format (the
// column gets no <col>): a row above that cell is fitted to that width,
// not to the width a formatted column would get, though the cell comes
// after it.
func TestPrepareFitsToKeptColumnWidth(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	const tab = "Sheet1"
	must(t, f.SetSheetProps(tab, &excelize.SheetPropsOptions{BaseColWidth: ptr(uint8(20))}))
	number, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	must(t, err)
	text := strings.Repeat("確認の理由", 6) // 60 units
	must(t, f.SetSheetRow(tab, "A1", &[]any{"ID", "備考"}))
	must(t, f.SetSheetRow(tab, "A2", &[]any{"1", text}))
	must(t, f.SetSheetRow(tab, "A3", &[]any{"2", 12.5}))
	must(t, f.SetCellStyle(tab, "B3", "B3", number))
	must(t, f.SaveAs(path))
	f.Close()

	steps := []sheet.SetupStep{{Kind: sheet.FormatColumns, Tab: tab, Formats: []sheet.ColumnFormat{{Col: 2, Wrap: true, Date: true}}}}
	if err := Open(path).Prepare(context.Background(), steps); err != nil {
		t.Fatal(err)
	}
	_, all := parts(t, readBytes(t, path))
	xml := all["xl/worksheets/sheet1.xml"]
	if !regexp.MustCompile(`baseColWidth="20"`).Match(xml) || regexp.MustCompile(`defaultColWidth=`).Match(xml) {
		t.Fatalf("the sheet's default width is not its baseColWidth alone: %.300s", xml)
	}
	for _, m := range regexp.MustCompile(`<col [^>]*min="(\d+)" max="(\d+)"`).FindAllSubmatch(xml, -1) {
		lo, _ := strconv.Atoi(string(m[1]))
		hi, _ := strconv.Atoi(string(m[2]))
		if lo <= 2 && 2 <= hi {
			t.Fatalf("column B got a <col> (%s): its number keeps its format, the column its own", m[0])
		}
	}
	width := 20 + defaultColWidth - 8
	lines := textfit.Lines(text, width, 11, 11)
	if narrow := textfit.Lines(text, defaultColWidth, 11, 11); lines < 2 || narrow == lines {
		t.Fatalf("the text takes %d lines at %v and %d at %v: the test cannot tell the widths apart", lines, width, narrow, defaultColWidth)
	}
	if got, want := rowHeights(t, path, tab)[2], [2]float64{textfit.RowHeight(lines, 11), 0}; got != want {
		t.Errorf("row 2: [height, by hand] %v, want %v (%d lines at width %v)", got, want, lines, width)
	}
}

// TestPrepareFitsHeaderToColumnStyle: a header cell without a style of its
// own shows its column's, which formatting decides only once every row
// was read: wrapped, its header is fitted to the column; kept (a number
// below keeps its format, so the column keeps its style), it does not
// wrap and the header gets no height.
func TestPrepareFitsHeaderToColumnStyle(t *testing.T) {
	header := strings.Repeat("チェック欄の説明", 3) // 48 units
	for _, tc := range []struct {
		name   string
		format sheet.ColumnFormat
		below  any
		lines  int
	}{
		{"wrapped column", sheet.ColumnFormat{Col: 2, Width: 10, Wrap: true}, "済", textfit.Lines(header, 10, 11, 11)},
		{"kept date column", sheet.ColumnFormat{Col: 2, Width: 10, Wrap: true, Date: true}, 12.5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "book.xlsx")
			f := excelize.NewFile()
			const tab = "Sheet1"
			number, err := f.NewStyle(&excelize.Style{NumFmt: 2})
			must(t, err)
			must(t, f.SetSheetRow(tab, "A1", &[]any{"ID", header}))
			must(t, f.SetSheetRow(tab, "A2", &[]any{"1", tc.below}))
			must(t, f.SetCellStyle(tab, "B2", "B2", number))
			must(t, f.SaveAs(path))
			f.Close()

			steps := []sheet.SetupStep{{Kind: sheet.FormatColumns, Tab: tab, Formats: []sheet.ColumnFormat{tc.format}}}
			if err := Open(path).Prepare(context.Background(), steps); err != nil {
				t.Fatal(err)
			}
			want := [2]float64{}
			if tc.lines > 1 {
				want[0] = textfit.RowHeight(tc.lines, 11)
			}
			if got := rowHeights(t, path, tab)[1]; got != want {
				t.Errorf("header row: [height, by hand] %v, want %v", got, want)
			}
		})
	}
}
