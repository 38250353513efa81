package xlsxbook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// randomSteps are formatting steps on random tabs and columns: widths,
// wrapping, the date format, status colours, frozen headers, the mark.
func randomSteps(rng *rand.Rand, book *sheet.Book) []sheet.SetupStep {
	var steps []sheet.SetupStep
	for _, tab := range book.Tabs {
		if rng.IntN(4) == 0 {
			continue
		}
		if rng.IntN(2) == 0 {
			steps = append(steps, sheet.SetupStep{Kind: sheet.FreezeHeader, Tab: tab.Name})
		}
		s := sheet.SetupStep{Kind: sheet.FormatColumns, Tab: tab.Name, Mark: rng.IntN(2) == 0}
		used := map[int]bool{}
		for range 1 + rng.IntN(5) {
			cf := sheet.ColumnFormat{Col: 1 + rng.IntN(65), Wrap: rng.IntN(2) == 0, Date: rng.IntN(2) == 0}
			if used[cf.Col] {
				continue
			}
			used[cf.Col] = true
			cf.Width = []float64{0, 7, 14.5, 40}[rng.IntN(4)]
			if rng.IntN(3) == 0 {
				cf.Colors = map[string]string{"完了": "C6EFCE", "要確認": "FFC7CE", "a&<b>": "FFEB9C"}
				cf.ColorOrder = []string{"完了", "要確認", "a&<b>"}
			}
			s.Formats = append(s.Formats, cf)
		}
		steps = append(steps, s)
	}
	return steps
}

// prepareWithExcelize applies the steps through excelize's model, as
// Prepare did before it patched the package: the oracle.
func prepareWithExcelize(t *testing.T, path string, steps []sheet.SetupStep) {
	t.Helper()
	data := readBytes(t, path)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range steps {
		if err := (excelizeModel{f}).modelStep(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// formatsOf is what excelize reads of a tab's formats, style ids
// resolved to what they show: panes, widths and column styles of columns
// 1 to 70, conditional rules, the tab's defined names, and every cell's
// style in the rows given.
func formatsOf(t *testing.T, path string, rows map[string][]int) map[string]any {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	style := func(id int) string {
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	out := map[string]any{}
	for _, tab := range f.GetSheetList() {
		panes, err := f.GetPanes(tab)
		if err != nil {
			t.Fatal(err)
		}
		panes.Selection = nil
		got := map[string]any{"panes": fmt.Sprintf("%+v", panes)}
		for c := 1; c <= 70; c++ {
			col := sheet.ColumnName(c)
			w, err := f.GetColWidth(tab, col)
			if err != nil {
				t.Fatal(err)
			}
			id, err := f.GetColStyle(tab, col)
			if err != nil {
				t.Fatal(err)
			}
			got["col "+col] = fmt.Sprint(w, style(id))
		}
		cfs, err := f.GetConditionalFormats(tab)
		if err != nil {
			t.Fatal(err)
		}
		var rules []string
		for ref, opts := range cfs {
			for _, o := range opts {
				fill := ""
				if o.Format != nil {
					st, err := f.GetConditionalStyle(*o.Format)
					if err != nil {
						t.Fatal(err)
					}
					b, _ := json.Marshal(st.Fill)
					fill = string(b)
				}
				rules = append(rules, fmt.Sprint(ref, o.Type, o.Criteria, o.Value, fill))
			}
		}
		slices.Sort(rules)
		got["rules"] = rules
		var names []string
		for _, dn := range f.GetDefinedName() {
			if dn.Scope == tab {
				names = append(names, dn.Name+"="+dn.RefersTo)
			}
		}
		slices.Sort(names)
		got["names"] = names
		for _, r := range rows[tab] {
			for c := 1; c <= 70; c++ {
				ref := sheet.CellName(r, c)
				id, err := f.GetCellStyle(tab, ref)
				if err != nil {
					t.Fatal(err)
				}
				got[ref] = style(id)
			}
		}
		out[tab] = got
	}
	return out
}

func openpyxlFormats(t *testing.T, path string, rows map[string][]int) map[string]any {
	t.Helper()
	args := []string{"testdata/read_formats_openpyxl.py", path}
	for tab, rs := range rows {
		var nums []string
		for _, r := range rs {
			nums = append(nums, strconv.Itoa(r))
		}
		args = append(args, tab+"="+strings.Join(nums, ","))
	}
	out, err := exec.Command("/usr/bin/python3", args...).Output()
	if err != nil {
		t.Fatalf("openpyxl cannot read the formatted workbook: %v %s", err, stderrOf(err))
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestFormatPatchOracle is the formatting patch's oracle test: random
// steps made on random workbooks written by excelize and by openpyxl,
// twice (the second time over the first's columns, rules and names), read
// by excelize and by openpyxl as the same steps made through excelize's
// model read: widths, column and cell styles (wrap, number format, the
// rest of the cell's style), conditional rules, frozen panes, the mark.
// Every cell value reads as before, and every part the patch did not
// need to touch is byte-identical.
func TestFormatPatchOracle(t *testing.T) {
	paths := randomBooks(t, 4, 2, 53)
	for i, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			// A tab as AddTab makes it: no views, no columns, no styles.
			if err := Open(path).AddTab(context.Background(), "準備", []string{"予定日", "事業者名"}); err != nil {
				t.Fatal(err)
			}
			original := scanRead(t, path)
			ref := filepath.Join(t.TempDir(), "excelize.xlsx")
			if err := os.WriteFile(ref, readBytes(t, path), 0o644); err != nil {
				t.Fatal(err)
			}
			// The rows holding a value: excelize styles blank rows too (a
			// patch leaves them to the column's style), so those are not
			// compared.
			rows := map[string][]int{}
			for _, tab := range original.Tabs {
				for r, row := range tab.Rows {
					if slices.ContainsFunc(row, func(v sheet.Value) bool { return !v.IsEmpty() }) {
						rows[tab.Name] = append(rows[tab.Name], r+1)
					}
				}
			}
			for round := range 2 {
				steps := randomSteps(rng, original)
				before := readBytes(t, path)
				if err := Open(path).Prepare(context.Background(), steps); err != nil {
					t.Fatal(err)
				}
				prepareWithExcelize(t, ref, steps)

				got, want := formatsOf(t, path, rows), formatsOf(t, ref, rows)
				for tab, w := range want {
					for k, v := range w.(map[string]any) {
						if g := got[tab].(map[string]any)[k]; !reflect.DeepEqual(g, v) {
							t.Errorf("round %d: excelize reads %s %s as %+v, want %+v", round, tab, k, g, v)
						}
					}
				}
				// The header row is not compared in openpyxl: where a header
				// cell is missing, excelize's model writes one holding the
				// row's style while the patch leaves the header as it is;
				// excelize (above) and Excel read the two alike, openpyxl
				// does not apply a row's style to a missing cell.
				below := map[string][]int{}
				for tab, rs := range rows {
					below[tab] = slices.DeleteFunc(slices.Clone(rs), func(r int) bool { return r == 1 })
				}
				if g, w := openpyxlFormats(t, path, below), openpyxlFormats(t, ref, below); !reflect.DeepEqual(g, w) {
					for tab := range w {
						gt, _ := g[tab].(map[string]any)
						wt, _ := w[tab].(map[string]any)
						for k := range wt {
							if k == "cells" {
								gc, _ := gt[k].(map[string]any)
								for ref, v := range wt[k].(map[string]any) {
									if !reflect.DeepEqual(gc[ref], v) {
										t.Errorf("round %d: openpyxl reads %s!%s as %v, want %v", round, tab, ref, gc[ref], v)
									}
								}
							} else if !reflect.DeepEqual(gt[k], wt[k]) {
								t.Errorf("round %d: openpyxl reads %s %s as %v, want %v", round, tab, k, gt[k], wt[k])
							}
						}
					}
				}
				sameBook(t, "excelize after formatting", excelizeRead(t, path), excelizeRead(t, ref))
				// Below the header every value reads as before. A number in
				// the header without a style of its own reads with its
				// column's, so it may read as a date once the column shows
				// dates, through excelize's model as well.
				sameBook(t, "scan after formatting", scanRead(t, path), scanRead(t, ref))
				sameBook(t, "scan after formatting, below the header", withoutHeaders(scanRead(t, path)), withoutHeaders(original))
				if g, w := openpyxlCells(t, path), openpyxlCells(t, ref); !reflect.DeepEqual(g, w) {
					t.Errorf("round %d: openpyxl reads other values than before", round)
				}

				names, old := parts(t, before)
				newNames, now := parts(t, readBytes(t, path))
				if fmt.Sprint(names) != fmt.Sprint(newNames) {
					t.Errorf("parts %v, want %v", newNames, names)
				}
				p, err := openPackage(before)
				if err != nil {
					t.Fatal(err)
				}
				touched := map[string]bool{p.styles: true, p.workbook: true}
				for _, s := range steps {
					tp, _ := p.tab(s.Tab)
					touched[tp.part] = true
				}
				for _, n := range names {
					if !touched[n] && !bytes.Equal(old[n], now[n]) {
						t.Errorf("part %s changed", n)
					}
				}
			}
		})
	}
}

func withoutHeaders(b *sheet.Book) *sheet.Book {
	out := &sheet.Book{}
	for _, t := range b.Tabs {
		tab := &sheet.Tab{Name: t.Name}
		if len(t.Rows) > 1 {
			tab.Rows = t.Rows[1:]
		}
		out.Tabs = append(out.Tabs, tab)
	}
	return out
}
