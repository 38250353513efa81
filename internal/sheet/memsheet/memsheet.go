// Package memsheet is a spreadsheet held in memory: the backend the job's
// and the write-back's tests run on, and a reference for what the
// conformance suite (sheet/sheettest) asks of every backend. Like Google
// Sheets, it sees edits made behind its back (Edit) the moment they are
// made.
package memsheet

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"onboard/internal/sheet"
)

// Spreadsheet is an in-memory spreadsheet. It is safe for concurrent use.
type Spreadsheet struct {
	mu      sync.Mutex
	name    string
	tabs    []*sheet.Tab // nil: the spreadsheet does not exist
	missing bool
	writes  [][]sheet.Update

	// BeforeReadColumns and BeforeWrite, when set, run just before the
	// call they name, with the spreadsheet unlocked: a test plays a manager
	// editing the sheet in the job's write window.
	BeforeReadColumns func(s *Spreadsheet)
	BeforeWrite       func(s *Spreadsheet)
	// ShortColumnReads has ReadColumns answer only down to the last row
	// with a value in the requested columns, as the Sheets API does.
	ShortColumnReads bool
}

var _ sheet.Spreadsheet = (*Spreadsheet)(nil)

// New returns a spreadsheet holding copies of tabs, in order.
func New(name string, tabs ...*sheet.Tab) *Spreadsheet {
	s := &Spreadsheet{name: name}
	for _, t := range tabs {
		s.tabs = append(s.tabs, cloneTab(t))
	}
	return s
}

// FromBook returns a spreadsheet holding a copy of b.
func FromBook(name string, b *sheet.Book) *Spreadsheet { return New(name, b.Tabs...) }

// Missing returns a spreadsheet that does not exist: every call fails with
// sheet.ErrNotFound.
func Missing(name string) *Spreadsheet { return &Spreadsheet{name: name, missing: true} }

// Describe names the spreadsheet.
func (s *Spreadsheet) Describe() string { return "memory:" + s.name }

// Read returns copies of the named tabs that exist.
func (s *Spreadsheet) Read(ctx context.Context, names []string) (*sheet.Book, error) {
	return s.read(ctx, names, nil)
}

// ReadTail is Read keeping what keep says, with tail.Tab cut to its head
// and tail (sheet.TailReader); memory holds the whole tab anyway.
func (s *Spreadsheet) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	b, err := s.read(ctx, names, keep)
	if err != nil {
		return nil, err
	}
	if t := b.Tab(tail.Tab); t != nil {
		tail.Cut(t)
	}
	return b, nil
}

// read hands the named tabs' rows to a sheet.TabBuilder each, in the
// order asked, and returns the tabs in the spreadsheet's order.
func (s *Spreadsheet) read(ctx context.Context, names []string, keep sheet.KeepColumns) (*sheet.Book, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	read := map[string]*sheet.Tab{}
	for _, n := range names {
		if t := s.tab(n); t != nil && read[n] == nil {
			tb := sheet.NewTabBuilder(t.Name, keep)
			tb.Expect(len(t.Rows))
			for i, row := range t.Rows {
				tb.Row(i+1, row)
			}
			read[n] = tb.Tab()
		}
	}
	b := &sheet.Book{}
	for _, t := range s.tabs {
		if r := read[t.Name]; r != nil {
			b.Tabs = append(b.Tabs, r)
		}
	}
	return b, nil
}

// Titles lists the tabs' names in order.
func (s *Spreadsheet) Titles(ctx context.Context) ([]string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	names := make([]string, len(s.tabs))
	for i, t := range s.tabs {
		names[i] = t.Name
	}
	return names, nil
}

// ReadColumns returns each requested tab's header row and columns as they
// are now; other cells are empty. A tab that does not exist is an error:
// the job asks only for tabs it has read.
func (s *Spreadsheet) ReadColumns(ctx context.Context, reqs []sheet.ColumnsRequest) (*sheet.Book, error) {
	if s.BeforeReadColumns != nil {
		s.BeforeReadColumns(s)
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	b := &sheet.Book{}
	for _, r := range reqs {
		t := s.tab(r.Tab)
		if t == nil {
			return nil, fmt.Errorf("read %s: tab %q: %w", s.Describe(), r.Tab, sheet.ErrTabNotFound)
		}
		out := &sheet.Tab{Name: t.Name, Rows: make([][]sheet.Value, len(t.Rows))}
		for i, row := range t.Rows {
			if i == 0 {
				out.Rows[0] = slices.Clone(row)
				continue
			}
			for _, c := range r.Cols {
				if c >= 1 && c <= len(row) && !row[c-1].IsEmpty() {
					out.Rows[i] = grow(out.Rows[i], c)
					out.Rows[i][c-1] = row[c-1]
				}
			}
		}
		if s.ShortColumnReads {
			last := 1
			for i := range out.Rows {
				if i > 0 && len(out.Rows[i]) > 0 {
					last = i + 1
				}
			}
			out.Rows = out.Rows[:min(last, len(out.Rows))]
		}
		b.Tabs = append(b.Tabs, out)
	}
	return b, nil
}

// Write stores every update, or none when one of them is invalid.
func (s *Spreadsheet) Write(ctx context.Context, updates []sheet.Update) error {
	if s.BeforeWrite != nil {
		s.BeforeWrite(s)
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, u := range updates {
		if s.tab(u.Tab) == nil {
			return fmt.Errorf("write %s: tab %q: %w", s.Describe(), u.Tab, sheet.ErrTabNotFound)
		}
		if u.Row < 1 || u.Col < 1 {
			return fmt.Errorf("write %s: %q row %d column %d: %w", s.Describe(), u.Tab, u.Row, u.Col, sheet.ErrOutOfRange)
		}
	}
	for _, u := range updates {
		s.set(u)
	}
	if len(updates) > 0 {
		s.writes = append(s.writes, slices.Clone(updates))
	}
	return nil
}

// AddTab appends an empty tab with a header row.
func (s *Spreadsheet) AddTab(ctx context.Context, name string, header []string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.tab(name) != nil {
		return fmt.Errorf("add tab %q to %s: %w", name, s.Describe(), sheet.ErrTabExists)
	}
	row := make([]sheet.Value, len(header))
	for i, h := range header {
		row[i] = sheet.TextValue(h)
	}
	s.tabs = append(s.tabs, &sheet.Tab{Name: name, Rows: [][]sheet.Value{row}})
	return nil
}

// lock locks the spreadsheet for a call: an error, without the lock, when
// ctx is done or the spreadsheet is Missing.
func (s *Spreadsheet) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.missing {
		s.mu.Unlock()
		return s.notFound()
	}
	return nil
}

// Edit sets one cell behind the job's back, as a manager would; a tab that
// does not exist is created.
func (s *Spreadsheet) Edit(tab string, row, col int, v sheet.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tab(tab) == nil {
		s.tabs = append(s.tabs, &sheet.Tab{Name: tab})
	}
	s.set(sheet.Update{Tab: tab, Row: row, Col: col, Value: v})
}

// Mutate runs fn on the stored tabs, as a manager editing the sheet
// would; fn must not keep the book.
func (s *Spreadsheet) Mutate(fn func(b *sheet.Book)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &sheet.Book{Tabs: s.tabs}
	fn(b)
	s.tabs = b.Tabs
}

// InsertRow inserts an empty row before 1-based row in tab, as a manager
// inserting or sorting rows would move the others down.
func (s *Spreadsheet) InsertRow(tab string, row int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tab(tab); t != nil && row >= 1 && row <= len(t.Rows)+1 {
		t.Rows = slices.Insert(t.Rows, row-1, nil)
	}
}

// Book returns a copy of every tab as stored now.
func (s *Spreadsheet) Book() *sheet.Book {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &sheet.Book{}
	for _, t := range s.tabs {
		b.Tabs = append(b.Tabs, cloneTab(t))
	}
	return b
}

// Writes returns the updates of every Write that stored something, one
// slice per call.
func (s *Spreadsheet) Writes() [][]sheet.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

func (s *Spreadsheet) notFound() error {
	return fmt.Errorf("spreadsheet %s: %w", s.Describe(), sheet.ErrNotFound)
}

func (s *Spreadsheet) tab(name string) *sheet.Tab {
	for _, t := range s.tabs {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// set stores one update; blank text is stored as an empty cell, as the
// other backends read it back.
func (s *Spreadsheet) set(u sheet.Update) {
	t := s.tab(u.Tab)
	for len(t.Rows) < u.Row {
		t.Rows = append(t.Rows, nil)
	}
	v := u.Value
	if v.Kind == sheet.Text && v.Str == "" {
		v = sheet.Value{}
	}
	t.Rows[u.Row-1] = grow(t.Rows[u.Row-1], u.Col)
	t.Rows[u.Row-1][u.Col-1] = v
}

func grow(row []sheet.Value, n int) []sheet.Value {
	for len(row) < n {
		row = append(row, sheet.Value{})
	}
	return row
}

func cloneTab(t *sheet.Tab) *sheet.Tab {
	c := &sheet.Tab{Name: t.Name, Rows: make([][]sheet.Value, len(t.Rows))}
	for i, r := range t.Rows {
		c.Rows[i] = slices.Clone(r)
	}
	return c
}
