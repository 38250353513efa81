package gsheets

import (
	"context"
	"fmt"
	"strings"

	"onboard/internal/sheet"
)

// tailWindow is how many rows at the end of a log the first read asks
// for; a window without an anchor row is widened fourfold.
const tailWindow = 2000

// ReadTail is Read with tail.Tab read as its head and its last rows
// (sheet.TailReader). Where the log ends is the tab's grid (a log the job
// grows ends at its grid, and rows a manager inserts grow it too), learnt
// from one spreadsheets.get of the tabs' properties; then one
// values.batchGet reads the other tabs whole and the log's head and last
// tailWindow rows. Only when those rows hold no anchor are earlier ones
// read, a wider window at a time. A tail of tail.Rows rows (the report)
// reads of a window its mark column only, then the marked rows, so the
// rows after its anchor are never read. The other tabs are read keeping
// what keep says; the log whole.
func (s *Spreadsheet) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	s.listed = nil
	if _, err := s.titles(ctx); err != nil {
		return nil, err
	}
	var others []string
	for _, n := range unique(names) {
		if ti := s.tabs[n]; ti != nil && ti.hasID && n != tail.Tab {
			others = append(others, n)
		}
	}
	ti := s.tabs[tail.Tab]
	exists := ti != nil && ti.hasID
	whole := exists && ti.rows <= tail.Head+tailWindow
	if whole {
		others = append(others, tail.Tab)
	}
	ranges := quoted(others)
	q := sheet.QuoteTab(tail.Tab)
	from := 0
	if exists && !whole {
		from = ti.rows - tailWindow + 1
		ranges = append(ranges, fmt.Sprintf("%s!1:%d", q, tail.Head), windowRange(tail, from, ti.rows))
	}
	book := &sheet.Book{}
	if len(ranges) == 0 {
		return book, nil
	}
	got, err := s.streamBatchGet(ctx, ranges, keepBut(keep, tail.Tab))
	if err != nil {
		return nil, s.fail("read", err)
	}
	s.readOK = true
	for _, vr := range got[:len(others)] {
		title, _, _, _, _, ok := parseRange(vr.rng)
		if !ok {
			return nil, fmt.Errorf("%s: read answered range %q: %w", s.Describe(), vr.rng, sheet.ErrInvalid)
		}
		s.noteGrid(vr.rng, true, true)
		tab := vr.tab
		if len(tab.Rows) > 0 {
			s.tab(title).header = tab.Rows[0]
		}
		tab.Name = title
		if title == tail.Tab {
			tail.Cut(tab)
		}
		book.Tabs = append(book.Tabs, tab)
	}
	if !exists || whole {
		return book, nil
	}
	log := &sheet.Tab{Name: tail.Tab, Rows: got[len(others)].tab.Rows}
	if len(log.Rows) > 0 {
		ti.header = log.Rows[0]
	}
	if err := s.placeWindow(ctx, log, tail, from, got[len(others)+1].tab.Rows); err != nil {
		return nil, err
	}
	for window := tailWindow * 4; tail.LastAnchor(log.Rows) == 0 && from > tail.Head+1; window *= 4 {
		to := from - 1
		from = max(tail.Head+1, from-window)
		more, err := s.streamBatchGet(ctx, []string{windowRange(tail, from, to)}, nil)
		if err != nil {
			return nil, s.fail("read", err)
		}
		if err := s.placeWindow(ctx, log, tail, from, more[0].tab.Rows); err != nil {
			return nil, err
		}
	}
	if err := s.readPastAnchor(ctx, log, tail); err != nil {
		return nil, err
	}
	tail.Cut(log)
	book.Tabs = append(book.Tabs, log)
	return book, nil
}

// keepBut is keep for every tab but the one named, which is read whole.
func keepBut(keep sheet.KeepColumns, name string) sheet.KeepColumns {
	if keep == nil {
		return nil
	}
	return func(tab string, header []sheet.Value) sheet.Keep {
		if tab == name {
			return sheet.Keep{}
		}
		return keep(tab, header)
	}
}

// windowRange is the range read of the log's rows from to to: whole rows,
// or for a tail of tail.Rows rows the mark column alone.
func windowRange(tail sheet.Tail, from, to int) string {
	q := sheet.QuoteTab(tail.Tab)
	if tail.Rows > 0 && tail.MarkCol > 0 {
		return fmt.Sprintf("%s!%s:%s", q, sheet.CellName(from, tail.MarkCol), sheet.CellName(to, tail.MarkCol))
	}
	return fmt.Sprintf("%s!%d:%d", q, from, to)
}

// placeWindow puts a window read from row from into the log: its rows,
// or from a mark column the marked rows, read whole in one call.
func (s *Spreadsheet) placeWindow(ctx context.Context, log *sheet.Tab, tail sheet.Tail, from int, rows [][]sheet.Value) error {
	if tail.Rows <= 0 || tail.MarkCol < 1 {
		place(log, from, rows)
		return nil
	}
	var marked []int
	var ranges []string
	q := sheet.QuoteTab(tail.Tab)
	for i, row := range rows {
		if len(row) > 0 && row[0].Kind == sheet.Text && strings.TrimSpace(row[0].Str) == tail.Mark {
			marked = append(marked, from+i)
			ranges = append(ranges, fmt.Sprintf("%s!%d:%d", q, from+i, from+i))
		}
	}
	if len(ranges) == 0 {
		return nil
	}
	got, err := s.streamBatchGet(ctx, ranges, nil)
	if err != nil {
		return s.fail("read", err)
	}
	for i, vr := range got {
		place(log, marked[i], vr.tab.Rows)
	}
	return nil
}

// readPastAnchor reads the rows of a tail of tail.Rows rows after its
// anchor, which a mark column's window left out.
func (s *Spreadsheet) readPastAnchor(ctx context.Context, log *sheet.Tab, tail sheet.Tail) error {
	anchor := tail.LastAnchor(log.Rows)
	if tail.Rows <= 1 || anchor == 0 {
		return nil
	}
	got, err := s.streamBatchGet(ctx, []string{fmt.Sprintf("%s!%d:%d", sheet.QuoteTab(tail.Tab), anchor+1, tail.End(anchor))}, nil)
	if err != nil {
		return s.fail("read", err)
	}
	place(log, anchor+1, got[0].tab.Rows)
	return nil
}

// place puts rows read from sheet row from on into the tab, at their
// places; the tab ends at its last row holding anything.
func place(t *sheet.Tab, from int, rows [][]sheet.Value) {
	last := len(rows)
	for last > 0 && len(rows[last-1]) == 0 {
		last--
	}
	if need := from - 1 + last; need > len(t.Rows) {
		t.Rows = append(t.Rows, make([][]sheet.Value, need-len(t.Rows))...)
	}
	copy(t.Rows[from-1:], rows[:last])
}
