package contract

import (
	"fmt"
	"slices"
	"sync"

	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

// stream makes the contract tabs' records as a backend reads their rows
// (sheet.Keep.Rows), so that no contract tab's grid is held: a tab's
// layout from its header, then each row's record and kept cells. Where
// the job's missing columns go needs the whole tab: it is decided after
// the read, from the header and Tab.Elsewhere (finish).
type stream struct {
	rd Reading
	// collect: the matrix tab is collected here as it is read, by a
	// backend that reads the tabs one after another in the order asked
	// (the matrix tab first, as it decides the layouts); else matrixTab
	// is the one read before the contract tabs (keptRead).
	collect bool
	mu      sync.Mutex
	// matrixTab is the sheet's own matrix tab as known so far; nil for
	// none.
	matrixTab *sheet.Tab
	tabs      map[string]*tabStream // by the sheet's tab name
}

// tabStream is a sheet tab read row by row for the contract tabs it
// holds (one, unless one sheet tab serves two).
type tabStream struct {
	matrixTab *sheet.Tab // the matrix tab the layouts were made for
	reads     []*tabRead
	errs      map[string]error // the layout errors, by contract tab key
}

// newStream is a stream for a backend that can hand the rows on: a
// FilteringReader, or a TailReader reading a tail; nil for another.
func newStream(ss sheet.Spreadsheet, rd Reading) *stream {
	_, filtering := ss.(sheet.FilteringReader)
	_, tails := ss.(sheet.TailReader)
	if !filtering && (!tails || rd.Tail == nil) {
		return nil
	}
	return &stream{rd: rd, collect: !filtering, tabs: map[string]*tabStream{}}
}

// keep is base (nil: every column of every tab) with the rows of the
// contract tabs handed to the stream, and their columns the contract's.
func (st *stream) keep(base sheet.KeepColumns) sheet.KeepColumns {
	return func(tab string, header []sheet.Value) sheet.Keep {
		var k sheet.Keep
		if base != nil {
			k = base(tab, header)
		}
		if st.collect && tab == matrix.TabName {
			k.Rows = st.collectMatrix(header)
			return k
		}
		ts, specs := st.start(tab, header)
		if ts == nil {
			return k
		}
		if k.Cols == nil {
			k.Cols = contractColumns(specs, !st.rd.NoPlan)(tab, header).Cols
		}
		k.Rows, k.Expect = ts.row, ts.expect
		return k
	}
}

// start makes the layouts of the contract tabs a sheet tab holds from its
// header, for the matrix known now; nil for a tab that is none of them.
func (st *stream) start(tab string, header []sheet.Value) (*tabStream, []Tab) {
	st.mu.Lock()
	mt := st.matrixTab
	st.mu.Unlock()
	m, err := st.rd.matrixOf(mt)
	if err != nil {
		return nil, nil // the read fails on the matrix: the tab is held
	}
	specs := Tabs(m)
	ts := &tabStream{matrixTab: mt, errs: map[string]error{}}
	head := &sheet.Tab{Name: tab, Rows: [][]sheet.Value{header}}
	for i := range specs {
		spec := &specs[i]
		if t, err := ResolveTab([]string{tab}, spec); err != nil || t != tab {
			continue
		}
		l, err := headerLayout(spec, head)
		if err != nil {
			ts.errs[spec.Key] = err
			continue
		}
		t := newTabRead(l, m, !st.rd.NoPlan)
		t.row(1, header)
		ts.reads = append(ts.reads, t)
	}
	if len(ts.reads)+len(ts.errs) == 0 {
		return nil, nil
	}
	if m != st.rd.Matrix {
		specs = append(specs, Tabs(st.rd.Matrix)...)
	}
	st.mu.Lock()
	st.tabs[tab] = ts
	st.mu.Unlock()
	return ts, specs
}

// row hands sheet row n to each contract tab the sheet tab holds.
func (ts *tabStream) row(n int, cells []sheet.Value) {
	for _, t := range ts.reads {
		t.row(n, cells)
	}
}

// expect tells each contract tab the sheet tab holds how many rows to
// expect.
func (ts *tabStream) expect(rows int) {
	for _, t := range ts.reads {
		t.expect(rows)
	}
}

// collectMatrix keeps the matrix tab's rows as they are read, from its
// header on; each row makes a new tab, so that what start saw stays as it
// saw it.
func (st *stream) collectMatrix(header []sheet.Value) func(int, []sheet.Value) {
	st.mu.Lock()
	st.matrixTab = &sheet.Tab{Name: matrix.TabName, Rows: [][]sheet.Value{header}}
	st.mu.Unlock()
	return func(n int, cells []sheet.Value) {
		st.mu.Lock()
		defer st.mu.Unlock()
		rows := st.matrixTab.Rows
		for len(rows) < n-1 {
			rows = append(rows, nil)
		}
		st.matrixTab = &sheet.Tab{Name: matrix.TabName, Rows: append(rows, slices.Clone(cells))}
	}
}

// restore puts the matrix tab collected back in the book, whole.
func (st *stream) restore(book *sheet.Book) {
	for i, t := range book.Tabs {
		if t.Name == matrix.TabName && t.Streamed() {
			book.Tabs[i] = st.matrixTab
		}
	}
}

// madeFor reports whether every tab of the book read row by row was
// made for the book's matrix tab: the one read before the contract tabs
// may have been edited since, or a backend may read the tabs in another
// order than asked.
func (st *stream) madeFor(book *sheet.Book) bool {
	if st.rd.Pinned {
		return true
	}
	final := book.Tab(matrix.TabName)
	for name, ts := range st.tabs {
		if t := book.Tab(name); t != nil && t.Streamed() && !sameRows(ts.matrixTab, final) {
			return false
		}
	}
	return true
}

// finish is the contract tab key's read of a tab read row by row, with
// the job's missing columns placed now that the whole tab is read.
func (st *stream) finish(tab *sheet.Tab, key string) (*tabRead, error) {
	var ts *tabStream
	if st != nil {
		ts = st.tabs[tab.Name]
	}
	if ts == nil {
		return nil, fmt.Errorf("tab %q: its rows were handed on, not to the contract", tab.Name)
	}
	if err := ts.errs[key]; err != nil {
		return nil, err
	}
	for _, t := range ts.reads {
		if t.l.Spec.Key != key {
			continue
		}
		if err := t.l.place(tab); err != nil {
			return nil, err
		}
		if t.kept != nil {
			t.kept.added(t.l.Added)
		}
		return t, nil
	}
	return nil, fmt.Errorf("tab %q: read row by row, but not as the %s tab", tab.Name, key)
}
