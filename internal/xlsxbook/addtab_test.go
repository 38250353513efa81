package xlsxbook

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// TestAddTabOracle: a tab added to workbooks written by excelize and by
// openpyxl reads back in excelize and openpyxl as the last tab with its
// header (Japanese, and text that needs escaping), every other cell reads
// as before, and only the three parts that list the tabs change; then a
// second tab goes in beside it, and adding an existing name is refused.
func TestAddTabOracle(t *testing.T) {
	paths := randomBooks(t, 3, 2, 7)
	header := []string{"予定日", "A & B <c>", `"quoted"`, "_x0041_", "サポートアカウント（ログイン）"}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			before := excelizeRead(t, path)
			beforeNames, beforeParts := parts(t, readBytes(t, path))
			w := Open(path)
			if _, err := w.Read(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			if err := w.AddTab(t.Context(), "セッション準備", header); err != nil {
				t.Fatal(err)
			}
			names, after := parts(t, readBytes(t, path))
			for _, n := range beforeNames {
				changed := !bytes.Equal(beforeParts[n], after[n])
				listsTabs := n == "[Content_Types].xml" || strings.HasSuffix(n, "workbook.xml") || strings.HasSuffix(n, "workbook.xml.rels")
				if changed != listsTabs {
					t.Errorf("part %s changed: %v", n, changed)
				}
			}
			if len(names) != len(beforeNames)+1 {
				t.Errorf("%d parts, want %d", len(names), len(beforeNames)+1)
			}

			got := excelizeRead(t, path)
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			list := f.GetSheetList()
			f.Close()
			if list[len(list)-1] != "セッション準備" {
				t.Errorf("tabs %v", list)
			}
			tab := got.Tab("セッション準備")
			if tab == nil || len(tab.Rows) != 1 {
				t.Fatalf("the new tab reads %v", tab)
			}
			for i, h := range header {
				if v := tab.Cell(1, i+1); v.Kind != sheet.Text || v.Str != h {
					t.Errorf("header %d reads %v, want %q", i+1, v, h)
				}
			}
			for _, bt := range before.Tabs {
				sameBook(t, bt.Name, &sheet.Book{Tabs: []*sheet.Tab{got.Tab(bt.Name)}}, &sheet.Book{Tabs: []*sheet.Tab{bt}})
			}
			cells := openpyxlCells(t, path)
			if v := cells["セッション準備"]["B1"]; v[1] != "A & B <c>" {
				t.Errorf("openpyxl reads B1 of the new tab as %v", v)
			}

			// The scanner reads it too, and a second tab goes in beside it.
			w = Open(path)
			if _, err := w.Read(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			if err := w.AddTab(t.Context(), "ステータス履歴", []string{"日時"}); err != nil {
				t.Fatal(err)
			}
			titles, err := w.Titles(t.Context())
			if err != nil || !slices.Equal(titles[len(titles)-2:], []string{"セッション準備", "ステータス履歴"}) {
				t.Errorf("titles %v, %v", titles, err)
			}
			if err := w.AddTab(t.Context(), "セッション準備", header); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Errorf("adding an existing tab: %v", err)
			}
			if _, ok := openpyxlCells(t, path)["ステータス履歴"]; !ok {
				t.Error("openpyxl does not see the second tab")
			}
		})
	}
}

func TestTabNameRules(t *testing.T) {
	for _, name := range []string{"", "a/b", "[x]", "'q", strings.Repeat("長", 32)} {
		if tabNameOK(name) == nil {
			t.Errorf("%q accepted", name)
		}
	}
	for _, name := range []string{"セッション準備", strings.Repeat("長", 31), "a b"} {
		if err := tabNameOK(name); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}
