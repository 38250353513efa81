package sheettest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"onboard/internal/sheet"
)

// Kept is the tab the Keep tests read: blank rows between the data, a row
// holding a value only in a column left out, one right of the header.
const Kept = "行"

// keptCols are the columns the Keep tests keep: A, B and D.
var keptCols = []bool{false, true, true, false, true}

func keptRows() [][]sheet.Value {
	e := sheet.Value{}
	return [][]sheet.Value{
		{text("ID"), text("名前"), text("メモ"), text("金額"), text("日付")},
		{text("10001"), text("さくら"), text("メモ1"), num(1200), sheet.DayValue(day1)},
		{},
		{text("10002"), e, text("メモ2"), num(5)},
		{e, e, text("メモだけ")},
		{text("10003"), text("ひまわり")},
		{e, e, e, e, e, e, e, text("右端")},
		{text("10004")},
	}
}

// readers are the calls of ss that take a sheet.KeepColumns.
func readers(ss sheet.Spreadsheet) map[string]func(context.Context, []string, sheet.KeepColumns) (*sheet.Book, error) {
	out := map[string]func(context.Context, []string, sheet.KeepColumns) (*sheet.Book, error){}
	if tr, ok := ss.(sheet.TailReader); ok {
		out["ReadTail"] = func(ctx context.Context, names []string, keep sheet.KeepColumns) (*sheet.Book, error) {
			return tr.ReadTail(ctx, append(names, Log), keep, logTail())
		}
	}
	if fr, ok := ss.(sheet.FilteringReader); ok {
		out["ReadKeeping"] = fr.ReadKeeping
	}
	return out
}

// TestKeepRowsHandedOn: with Keep.Rows the rows below the header go to it
// in order, at their sheet rows (blank ones and ones holding only cells
// left out skipped), with the kept columns' cells only, the very cells a
// read holding them has; the tab holds its header alone, with the size
// and Elsewhere of that read. Other tabs of the read are whole.
func (s *Suite) TestKeepRowsHandedOn(t *testing.T) {
	rows := keptRows()
	ss := s.NewSpreadsheet(t, []*sheet.Tab{seed()[0], {Name: Kept, Rows: rows}})
	if s.Reopen != nil {
		ss = s.Reopen(t, ss)
	}
	calls := readers(ss)
	if len(calls) == 0 {
		t.Fatalf("%T takes no sheet.KeepColumns", ss)
	}
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		read := calls[name]
		held, err := read(ctx(t), []string{Apps, Kept}, func(tab string, _ []sheet.Value) sheet.Keep {
			if tab == Kept {
				return sheet.Keep{Cols: keptCols}
			}
			return sheet.Keep{}
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []int
		var errs []string
		b, err := read(ctx(t), []string{Apps, Kept}, func(tab string, header []sheet.Value) sheet.Keep {
			if tab != Kept {
				return sheet.Keep{}
			}
			if !slices.EqualFunc(trimmed([][]sheet.Value{header})[0], rows[0], same) {
				errs = append(errs, fmt.Sprintf("header %v", header))
			}
			return sheet.Keep{Cols: keptCols, Rows: func(n int, cells []sheet.Value) {
				got = append(got, n)
				want := held.Tab(Kept)
				for c := 1; c <= max(len(cells), len(want.Rows[min(n, len(want.Rows))-1])); c++ {
					v := (&sheet.Tab{Rows: [][]sheet.Value{cells}}).Cell(1, c)
					if !same(v, want.Cell(n, c)) || (c >= len(keptCols) || !keptCols[c]) && !v.IsEmpty() {
						errs = append(errs, fmt.Sprintf("%s: %s, held %s", sheet.CellName(n, c), show(v), show(want.Cell(n, c))))
					}
				}
			}}
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", name, e)
		}
		if want := []int{2, 4, 6, 8}; !slices.Equal(got, want) {
			t.Errorf("%s: rows handed on %v, want %v", name, got, want)
		}
		checkHeld(t, name, b.Tab(Kept), held.Tab(Kept))
		assertTab(t, b, Apps, seed()[0].Rows)
		if b.Tab(Apps).Streamed() {
			t.Errorf("%s: %s handed on", name, Apps)
		}
	}
}

// checkHeld compares a tab whose rows were handed on with the same read
// holding them.
func checkHeld(t *testing.T, name string, tab, held *sheet.Tab) {
	t.Helper()
	if !tab.Streamed() || len(tab.Rows) != 1 || !slices.EqualFunc(trimmed(tab.Rows)[0], keptRows()[0], same) {
		t.Errorf("%s: the tab holds %d rows, streamed %v", name, len(tab.Rows), tab.Streamed())
	}
	gr, gc := tab.Size()
	wr, wc := held.Size()
	if gr != wr || gc != wc || wr != 8 {
		t.Errorf("%s: size %d×%d, held %d×%d (8 rows)", name, gr, gc, wr, wc)
	}
	if want := map[int]int{3: 2, 5: 2, 8: 7}; !maps.Equal(tab.Elsewhere, want) || !maps.Equal(held.Elsewhere, want) {
		t.Errorf("%s: Elsewhere %v, held %v, want %v", name, tab.Elsewhere, held.Elsewhere, want)
	}
}
