package contract

import (
	"context"
	"fmt"
	"slices"

	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

// ReadBook reads the contract's tabs and the matrix tab from ss, each found
// by ResolveTab whatever the backend, so an aliased tab ("Applications ")
// is found on Google as on a local workbook. The tabs are asked for by
// their contract names first (on Google one values.batchGet when they all
// exist); only when one is missing is the tab list consulted (on Google
// the list that read fetched already), and the tabs found under other
// titles are read with one more call. owned names job-owned tabs to read
// in the same call (by their exact names: the job made them).
func ReadBook(ctx context.Context, ss sheet.Spreadsheet, m *matrix.Matrix, owned ...string) (*sheet.Book, error) {
	return readBook(ctx, ss, Reading{Matrix: m, Owned: owned}, nil)
}

// Reading says what ReadSheet reads.
type Reading struct {
	// Matrix is the default matrix; the sheet's own 条件マトリクス tab
	// replaces it unless Pinned (--matrix given).
	Matrix *matrix.Matrix
	Pinned bool
	// Tail, when set, reads that owned tab (the ステータス履歴 log) as
	// its head and tail only, on a backend that can (sheet.TailReader).
	Tail  *sheet.Tail
	Owned []string
	// NoPlan, for a reader that never writes (the report), reads the
	// contract tabs for their records alone: no write-back plan follows,
	// so the columns the job writes are not decoded and no cells are kept
	// for a plan (Sheet.Cell, RowKey and Rows know none).
	NoPlan bool
}

// matrixOf is the matrix a sheet whose matrix tab is tab (nil: none) is
// read with.
func (rd Reading) matrixOf(tab *sheet.Tab) (*matrix.Matrix, error) {
	if tab == nil || rd.Pinned {
		return rd.Matrix, nil
	}
	m, err := matrix.FromTab(tab)
	if err != nil {
		return nil, MatrixError(err)
	}
	return m, nil
}

// ReadSheet reads the spreadsheet as ReadBook does and applies the
// contract (Read) with the matrix rd chooses. On a backend that hands
// rows on as it reads them (a FilteringReader, or a TailReader reading a
// tail) the contract tabs' rows become records as they are read and the
// book holds only their headers (Tab.Streamed); its other tabs are whole.
func ReadSheet(ctx context.Context, ss sheet.Spreadsheet, rd Reading) (*sheet.Book, *Sheet, error) {
	st := newStream(ss, rd)
	book, err := readBook(ctx, ss, rd, st)
	if err == nil && st != nil && !st.madeFor(book) {
		// The layouts were made for another matrix than the sheet's.
		st = nil
		book, err = readBook(ctx, ss, rd, nil)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := rd.matrixOf(book.Tab(matrix.TabName))
	if err != nil {
		return nil, nil, err
	}
	s, err := read(book, m, st, rd.NoPlan)
	if err != nil {
		return nil, nil, err
	}
	return book, s, nil
}

// readBook is ReadBook reading the owned tab rd.Tail names as its head
// and tail only, on a backend that can (sheet.TailReader), and handing the
// contract tabs' rows to st when set.
func readBook(ctx context.Context, ss sheet.Spreadsheet, rd Reading, st *stream) (*sheet.Book, error) {
	m, tail := rd.Matrix, rd.Tail
	specs := Tabs(m)
	readKeeping := func(ctx context.Context, names []string, _ sheet.KeepColumns) (*sheet.Book, error) {
		return ss.Read(ctx, names)
	}
	fr, filtering := ss.(sheet.FilteringReader)
	if filtering {
		readKeeping = fr.ReadKeeping
	}
	if tr, ok := ss.(sheet.TailReader); ok && tail != nil {
		whole := readKeeping
		readKeeping = func(ctx context.Context, names []string, keep sheet.KeepColumns) (*sheet.Book, error) {
			if !slices.Contains(names, tail.Tab) {
				return whole(ctx, names, keep)
			}
			return tr.ReadTail(ctx, names, keep, *tail)
		}
	}
	read := func(ctx context.Context, names []string) (*sheet.Book, error) { return readKeeping(ctx, names, nil) }
	names := append(append(TabNames(m), matrix.TabName), rd.Owned...)
	switch {
	case filtering:
		// A backend that can leave a team's own columns out of a contract
		// tab does: the records are made of the contract's columns alone.
		var err error
		if read, err = keptRead(ctx, ss, readKeeping, specs, st, !rd.NoPlan); err != nil {
			return nil, fmt.Errorf("read %s: %w", ss.Describe(), err)
		}
	case st != nil:
		// The matrix tab first: it decides the contract tabs' layouts.
		names = append([]string{matrix.TabName}, slices.DeleteFunc(names, func(n string) bool { return n == matrix.TabName })...)
		read = func(ctx context.Context, names []string) (*sheet.Book, error) {
			b, err := readKeeping(ctx, names, st.keep(nil))
			if err == nil {
				st.restore(b)
			}
			return b, err
		}
	}
	book, err := read(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ss.Describe(), err)
	}
	return withAliased(ctx, ss, book, names, specs, read)
}

// withAliased adds to the book the contract tabs the sheet holds under
// other titles than their names, read with one more call.
func withAliased(ctx context.Context, ss sheet.Spreadsheet, book *sheet.Book, names []string, specs []Tab, read func(context.Context, []string) (*sheet.Book, error)) (*sheet.Book, error) {
	complete := true
	for _, n := range names {
		complete = complete && book.Tab(n) != nil
	}
	if complete {
		// Every exact name is there, and ResolveTab prefers the exact name.
		return book, nil
	}
	titles, err := ss.Titles(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the tabs of %s: %w", ss.Describe(), err)
	}
	var more []string
	for i := range specs {
		title, err := ResolveTab(titles, &specs[i])
		if err != nil {
			return nil, err
		}
		if title != "" && book.Tab(title) == nil && !slices.Contains(more, title) {
			more = append(more, title)
		}
	}
	if len(more) == 0 {
		return book, nil
	}
	extra, err := read(ctx, more)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ss.Describe(), err)
	}
	for _, t := range extra.Tabs {
		if book.Tab(t.Name) == nil {
			book.Tabs = append(book.Tabs, t)
		}
	}
	return book, nil
}

// keptRead is a read through a filtering backend that keeps the contract's
// columns. The sheet's own matrix (a 条件マトリクス tab) may name columns
// the default does not, so that small tab is read first and the columns of
// both matrices are kept; were it edited before the main read, that read is
// made again whole. With st, the contract tabs' rows go to it, for the
// matrix read first. jobCols keeps the columns the job writes too.
func keptRead(ctx context.Context, ss sheet.Spreadsheet, readKeeping func(context.Context, []string, sheet.KeepColumns) (*sheet.Book, error), specs []Tab, st *stream, jobCols bool) (func(context.Context, []string) (*sheet.Book, error), error) {
	b, err := ss.Read(ctx, []string{matrix.TabName}) // absent when the sheet has none
	if err != nil {
		return nil, err
	}
	first := b.Tab(matrix.TabName)
	if first != nil {
		if tm, err := matrix.FromTab(first); err == nil {
			specs = append(slices.Clip(specs), Tabs(tm)...)
		}
	}
	keep := contractColumns(specs, jobCols)
	if st != nil {
		st.matrixTab = first
		keep = st.keep(keep)
	}
	return func(ctx context.Context, names []string) (*sheet.Book, error) {
		b, err := readKeeping(ctx, names, keep)
		if err != nil || !slices.Contains(names, matrix.TabName) || sameRows(b.Tab(matrix.TabName), first) {
			return b, err
		}
		return ss.Read(ctx, names)
	}, nil
}

// sameRows reports whether two reads of a tab hold the same cells.
func sameRows(a, b *sheet.Tab) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.EqualFunc(a.Rows, b.Rows, slices.Equal)
}

// contractColumns keeps, of a tab that is a contract tab (by its name or
// alias, as ResolveTab finds it), the columns whose header names a contract
// column, those the job writes only with jobCols; every column of any
// other tab.
func contractColumns(specs []Tab, jobCols bool) sheet.KeepColumns {
	return func(tab string, header []sheet.Value) sheet.Keep {
		var keep []bool
		for i := range specs {
			if t, err := ResolveTab([]string{tab}, &specs[i]); err != nil || t != tab {
				continue
			}
			if keep == nil {
				keep = make([]bool, len(header)+1)
			}
			for c, v := range header {
				if col := specs[i].match(v.String()); col != nil && (jobCols || col.Owner != Job) {
					keep[c+1] = true
				}
			}
		}
		return sheet.Keep{Cols: keep}
	}
}
