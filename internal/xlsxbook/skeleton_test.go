package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// modelSteps are random steps of the kinds that go through excelize: a
// dropdown on a column, a note and grey headers on others.
func modelSteps(rng *rand.Rand, book *sheet.Book) []sheet.SetupStep {
	var steps []sheet.SetupStep
	for range 1 + rng.IntN(3) {
		tab := book.Tabs[rng.IntN(len(book.Tabs))].Name
		if rng.IntN(2) == 0 {
			steps = append(steps, sheet.SetupStep{Kind: sheet.Dropdown, Tab: tab, Col: 1 + rng.IntN(30), Values: []string{"あり", "なし"}})
			continue
		}
		cols := []int{1 + rng.IntN(30)}
		cols = append(cols, cols[0]+1)
		steps = append(steps, sheet.SetupStep{Kind: sheet.Protect, Tab: tab, Cols: cols, Description: "onboard が書く列です"})
	}
	return steps
}

// TestSkeletonMatchesTheWholeModel is the oracle of init's route through
// excelize on the workbook's skeleton: on random workbooks written by
// excelize and openpyxl, some with a manager's note below the header, the
// dropdowns, notes and grey headers read exactly as when excelize made them
// on the whole workbook — values, every cell's style, widths, panes,
// validations, notes — in excelize and in openpyxl, and the scan reads the
// same cells; each sheet keeps the <dimension> it had.
func TestSkeletonMatchesTheWholeModel(t *testing.T) {
	for i, path := range randomBooks(t, 6, 3, 89) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 23))
			if i%2 == 0 {
				f, err := excelize.OpenFile(path)
				must(t, err)
				tab := f.GetSheetList()[0]
				must(t, f.AddComment(tab, excelize.Comment{Author: "山田", Cell: "B5", Paragraph: []excelize.RichTextRun{{Text: "確認中"}}}))
				must(t, f.Save())
				f.Close()
			}
			book := scanRead(t, path)
			rows := map[string][]int{}
			for _, tab := range book.Tabs {
				for r := range len(tab.Rows) + 2 {
					rows[tab.Name] = append(rows[tab.Name], r+1)
				}
			}
			dims := dimensions(t, path)
			ref := filepath.Join(t.TempDir(), "whole.xlsx")
			must(t, os.WriteFile(ref, readBytes(t, path), 0o644))
			steps := modelSteps(rng, book)

			if err := Open(path).Prepare(context.Background(), steps); err != nil {
				t.Fatal(err)
			}
			prepareWithExcelize(t, ref, steps)

			if got, want := formatsOf(t, path, rows), formatsOf(t, ref, rows); !reflect.DeepEqual(got, want) {
				for tab := range want {
					gt, wt := got[tab].(map[string]any), want[tab].(map[string]any)
					for k, v := range wt {
						if !reflect.DeepEqual(gt[k], v) {
							t.Errorf("tab %q %s: %v, want %v", tab, k, gt[k], v)
						}
					}
				}
			}
			if got, want := modelOf(t, path), modelOf(t, ref); !reflect.DeepEqual(got, want) {
				t.Errorf("validations and notes:\n%v\nwant\n%v", got, want)
			}
			if got := dimensions(t, path); !reflect.DeepEqual(got, dims) {
				t.Errorf("dimensions %v, want those read %v", got, dims)
			}
			sameBook(t, "scan", scanRead(t, path), scanRead(t, ref))
			sameBook(t, "excelize", excelizeRead(t, path), excelizeRead(t, ref))
			if g, w := openpyxlCells(t, path), openpyxlCells(t, ref); !reflect.DeepEqual(g, w) {
				t.Errorf("openpyxl reads the workbook differently:\n%v\nwant\n%v", g, w)
			}
		})
	}
}

// dimensions are each sheet's <dimension> element.
func dimensions(t *testing.T, path string) map[string]string {
	t.Helper()
	p, err := openPackage(readBytes(t, path))
	must(t, err)
	out := map[string]string{}
	for _, tp := range p.tabs {
		rc, err := p.parts[tp.part].Open()
		must(t, err)
		s := newXMLScanner(rc)
		for s.next() && !s.is(tokStart, "sheetData") {
			if s.is(tokStart, "dimension") {
				out[tp.name] = string(s.attrs)
			}
		}
		rc.Close()
	}
	return out
}

// modelOf is what excelize reads of each tab's validations and notes.
func modelOf(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	out := map[string][]string{}
	for _, tab := range f.GetSheetList() {
		dvs, err := f.GetDataValidations(tab)
		must(t, err)
		for _, dv := range dvs {
			out[tab] = append(out[tab], fmt.Sprintf("validation %s %s %s", dv.Sqref, dv.Type, dv.Formula1))
		}
		notes, err := f.GetComments(tab)
		must(t, err)
		for _, n := range notes {
			var runs []string
			for _, r := range n.Paragraph {
				runs = append(runs, r.Text)
			}
			out[tab] = append(out[tab], fmt.Sprintf("note %s %s %q %q", n.Cell, n.Author, n.Text, runs))
		}
		slices.Sort(out[tab])
	}
	return out
}

// A sheet whose rows carry a namespace prefix cannot take excelize's
// sheet around them: init then models the whole workbook, as before.
func TestSkeletonRefusesPrefixedRows(t *testing.T) {
	src := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="2"/></x:sheetData></x:worksheet>`
	for _, below := range []bool{false, true} {
		if err := copyRows(io.Discard, strings.NewReader(src), below); !errors.Is(err, errPrefixed) {
			t.Errorf("below %v: %v, want errPrefixed", below, err)
		}
	}
}

// A workbook whose sheet XML carries a namespace prefix (as some tools
// write it) is prepared through excelize's model of the whole workbook:
// the dropdown lands and every cell reads as before.
func TestPrefixedWorkbookPreparedWhole(t *testing.T) {
	path := randomBooks(t, 1, 0, 97)[0]
	prefixed := filepath.Join(t.TempDir(), "prefixed.xlsx")
	prefixSheets(t, path, prefixed)
	p, err := openPackage(readBytes(t, prefixed))
	must(t, err)
	if _, err := p.skeleton(); !errors.Is(err, errPrefixed) {
		t.Fatalf("skeleton of the prefixed workbook: %v, want errPrefixed", err)
	}
	before := scanRead(t, prefixed)
	tab := before.Tabs[0].Name
	if err := Open(prefixed).Prepare(context.Background(), []sheet.SetupStep{{Kind: sheet.Dropdown, Tab: tab, Col: 3, Values: []string{"あり", "なし"}}}); err != nil {
		t.Fatal(err)
	}
	sameBook(t, "after the dropdown", scanRead(t, prefixed), before)
	if got := modelOf(t, prefixed)[tab]; !slices.Contains(got, `validation C2:C1048576 list "あり,なし"`) {
		t.Errorf("validations and notes of %q: %v", tab, got)
	}
}

// prefixSheets copies the workbook at src to dst with each worksheet's
// elements under the x: prefix.
func prefixSheets(t *testing.T, src, dst string) {
	t.Helper()
	p, err := openPackage(readBytes(t, src))
	must(t, err)
	sheets := p.sheetParts()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	tag := regexp.MustCompile(`<(/?)([A-Za-z][\w.]*)([\s/>])`)
	for _, f := range p.order {
		if !sheets[f.Name] {
			must(t, zw.Copy(f))
			continue
		}
		data, err := p.readAll(f.Name)
		must(t, err)
		x := tag.ReplaceAll(data, []byte("<${1}x:${2}${3}"))
		x = bytes.Replace(x, []byte(`xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`), []byte(`xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`), 1)
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(x)
		must(t, err)
	}
	must(t, zw.Close())
	must(t, os.WriteFile(dst, out.Bytes(), 0o644))
}
