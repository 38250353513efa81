package gsheets

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/api/sheets/v4"

	"onboard/internal/sheet"
)

// Render options that keep types exact: numbers as JSON numbers, booleans
// as JSON booleans, dates as serial numbers, text as it is stored.
const (
	unformatted = "UNFORMATTED_VALUE"
	serial      = "SERIAL_NUMBER"
)

// Read returns the named tabs in one values.batchGet, streamed. A missing
// tab makes Google refuse the whole call; only then is the tab list fetched
// (one spreadsheets.get) and the read retried with the tabs that exist.
// Nil names read every tab.
func (s *Spreadsheet) Read(ctx context.Context, names []string) (*sheet.Book, error) {
	s.listed = nil
	names = unique(names)
	if names == nil {
		titles, err := s.titles(ctx)
		if err != nil {
			return nil, err
		}
		names = titles
	}
	book := &sheet.Book{}
	if len(names) == 0 {
		return book, nil
	}
	got, err := s.streamBatchGet(ctx, quoted(names), nil)
	if isBadRange(err) {
		asked := names
		if names, err = s.existing(ctx, names); err != nil {
			return nil, err
		}
		s.log.Debug("some tabs are not in the spreadsheet; reading the others costs two more calls", "asked", asked, "found", names)
		if len(names) == 0 {
			return book, nil
		}
		got, err = s.streamBatchGet(ctx, quoted(names), nil)
	}
	if err != nil {
		return nil, s.fail("read", err)
	}
	s.readOK = true
	for i, vr := range got {
		title, _, _, _, _, ok := parseRange(vr.rng)
		if !ok {
			title = names[min(i, len(names)-1)]
		}
		s.noteGrid(vr.rng, true, true)
		if len(vr.tab.Rows) > 0 {
			s.tab(title).header = vr.tab.Rows[0]
		}
		vr.tab.Name = title
		book.Tabs = append(book.Tabs, vr.tab)
	}
	return book, nil
}

// ReadColumns reads, in one values.batchGet, each tab's header row and the
// requested columns as they are now. Adjacent columns share a range;
// majorDimension COLUMNS keeps the answer to one list per column. Columns
// beyond a tab's grid hold nothing and are not asked for: Google refuses a
// read outside the grid.
func (s *Spreadsheet) ReadColumns(ctx context.Context, reqs []sheet.ColumnsRequest) (*sheet.Book, error) {
	for _, req := range reqs {
		for _, c := range req.Cols {
			if c < 1 || c > maxCols {
				return nil, fmt.Errorf("%s tab %q column %d: %w", s.Describe(), req.Tab, c, sheet.ErrOutOfRange)
			}
		}
	}
	// A tab this backend has not seen is looked up in the tab list first:
	// asking Google for a missing tab is a failing call (400), and a tab the
	// job keeps (送信履歴) is missing until its first use.
	for _, req := range reqs {
		if s.tabs[req.Tab] != nil {
			continue
		}
		if _, err := s.titles(ctx); err != nil {
			return nil, err
		}
		if s.tabs[req.Tab] == nil {
			return nil, fmt.Errorf("%s has no tab %q: %w", s.Describe(), req.Tab, sheet.ErrTabNotFound)
		}
	}
	ranges, runs := s.columnRanges(reqs)
	if len(ranges) == 0 {
		return &sheet.Book{}, nil
	}
	resp, err := s.batchGet(ctx, "re-read key columns", ranges, "COLUMNS")
	if isGridLimit(err) {
		// The grid shrank since it was read: learn its size and ask again.
		if _, err := s.titles(ctx); err != nil {
			return nil, err
		}
		ranges, runs = s.columnRanges(reqs)
		resp, err = s.batchGet(ctx, "re-read key columns", ranges, "COLUMNS")
	}
	if isBadRange(err) {
		_, msg := apiCode(err)
		return nil, newError(sheet.ErrTabNotFound, err, "%s: a tab disappeared while the job ran (%s)", s.Describe(), firstLine(msg))
	}
	if err != nil {
		return nil, s.fail("re-read key columns", err)
	}
	if len(resp.ValueRanges) != len(ranges) {
		return nil, fmt.Errorf("%s: asked for %d ranges, got %d: %w", s.Describe(), len(ranges), len(resp.ValueRanges), sheet.ErrInvalid)
	}
	s.readOK = true
	book := &sheet.Book{}
	tabs := make([]*sheet.Tab, len(reqs))
	for i, req := range reqs {
		tabs[i] = &sheet.Tab{Name: req.Tab}
		book.Tabs = append(book.Tabs, tabs[i])
	}
	for k, vr := range resp.ValueRanges {
		run := runs[k]
		tab := tabs[run.tab]
		if run.c0 == 0 { // the header row: one list per column
			s.noteGrid(vr.Range, false, true)
			header := make([]sheet.Value, len(vr.Values))
			for c, col := range vr.Values {
				if len(col) > 0 {
					header[c] = value(col[0])
				}
			}
			if len(tab.Rows) == 0 {
				tab.Rows = [][]sheet.Value{nil}
			}
			tab.Rows[0] = header
			s.tab(reqs[run.tab].Tab).header = header
			continue
		}
		s.noteGrid(vr.Range, true, false)
		for j, col := range vr.Values {
			c := run.c0 + j
			for r := 1; r < len(col); r++ { // row 1 comes from the header range
				v := value(col[r])
				if v.Kind == sheet.Empty {
					continue
				}
				for len(tab.Rows) <= r {
					tab.Rows = append(tab.Rows, nil)
				}
				row := tab.Rows[r]
				if len(row) < c {
					grown := make([]sheet.Value, lastCol(reqs[run.tab].Cols))
					copy(grown, row)
					row = grown
				}
				row[c-1] = v
				tab.Rows[r] = row
			}
		}
	}
	return book, nil
}

// colRun is one range of ReadColumns: a tab's header row (c0 == 0) or the
// columns c0..c1.
type colRun struct{ tab, c0, c1 int }

func (s *Spreadsheet) columnRanges(reqs []sheet.ColumnsRequest) ([]string, []colRun) {
	var ranges []string
	var runs []colRun
	for i, req := range reqs {
		ranges = append(ranges, sheet.QuoteTab(req.Tab)+"!1:1")
		runs = append(runs, colRun{tab: i})
		width := maxCols
		if ti := s.tabs[req.Tab]; ti != nil && ti.cols > 0 {
			width = ti.cols
		}
		var cols []int
		for _, c := range req.Cols {
			if c <= width {
				cols = append(cols, c)
			}
		}
		sort.Ints(cols)
		for j := 0; j < len(cols); {
			k := j
			for k+1 < len(cols) && cols[k+1] <= cols[k]+1 {
				k++
			}
			ranges = append(ranges, sheet.QuoteTab(req.Tab)+"!"+sheet.ColumnName(cols[j])+":"+sheet.ColumnName(cols[k]))
			runs = append(runs, colRun{tab: i, c0: cols[j], c1: cols[k]})
			j = k + 1
		}
	}
	return ranges, runs
}

func lastCol(cols []int) int {
	m := 0
	for _, c := range cols {
		m = max(m, c)
	}
	return m
}

func (s *Spreadsheet) batchGet(ctx context.Context, op string, ranges []string, dim string) (*sheets.BatchGetValuesResponse, error) {
	var resp *sheets.BatchGetValuesResponse
	err := s.call(ctx, op, func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Values.BatchGet(s.id).Ranges(ranges...).
			ValueRenderOption(unformatted).DateTimeRenderOption(serial).MajorDimension(dim).
			Context(ctx).Do()
		return err
	})
	return resp, err
}

// titles lists the spreadsheet's tabs with one spreadsheets.get, noting
// their sheet IDs and grid sizes on the way.
func (s *Spreadsheet) titles(ctx context.Context) ([]string, error) {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "list tabs", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.id).
			Fields("sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))").
			Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, s.fail("list tabs", err)
	}
	s.readOK = true
	names := []string{}
	for _, sh := range resp.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		ti := s.tab(p.Title)
		ti.sheetID, ti.hasID = p.SheetId, true
		if g := p.GridProperties; g != nil {
			ti.rows, ti.cols = int(g.RowCount), int(g.ColumnCount)
		}
		names = append(names, p.Title)
	}
	s.listed = names
	// Tabs renamed or deleted since are forgotten.
	for name := range s.tabs {
		if !contains(names, name) {
			delete(s.tabs, name)
		}
	}
	return names, nil
}

// Titles lists the spreadsheet's tabs: the list the last Read fetched when
// a tab it was asked for was missing (the case where the contract needs
// it), else one spreadsheets.get.
func (s *Spreadsheet) Titles(ctx context.Context) ([]string, error) {
	if s.listed != nil {
		return append([]string(nil), s.listed...), nil
	}
	return s.titles(ctx)
}

// existing keeps the requested names the spreadsheet has, as Google finds
// a tab in a range: by its exact title, else ignoring case. Finding a tab
// named differently is the contract's (contract.ResolveTab).
func (s *Spreadsheet) existing(ctx context.Context, names []string) ([]string, error) {
	titles, err := s.titles(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		for _, match := range []func(string) bool{
			func(t string) bool { return t == n },
			func(t string) bool { return strings.EqualFold(t, n) },
		} {
			found := false
			for _, t := range titles {
				if match(t) {
					found = true
					if !contains(out, t) {
						out = append(out, t)
					}
				}
			}
			if found {
				break
			}
		}
	}
	return out, nil
}

// value types a cell of an UNFORMATTED_VALUE answer.
func value(v any) sheet.Value {
	switch t := v.(type) {
	case nil:
		return sheet.Value{}
	case string:
		return sheet.TextValue(t)
	case float64:
		return sheet.NumberValue(t)
	case bool:
		return sheet.BoolValue(t)
	}
	return sheet.TextValue(fmt.Sprint(v))
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = sheet.QuoteTab(n)
	}
	return out
}

func unique(names []string) []string {
	if names == nil {
		return nil
	}
	out := []string{}
	for _, n := range names {
		if n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var _ sheet.CellCounter = (*Spreadsheet)(nil)

// Cells counts the cells of every tab's grid, as Google's 10,000,000-cell
// limit does: from the tab list this run fetched already, else from one
// spreadsheets.get.
func (s *Spreadsheet) Cells(ctx context.Context) (int, error) {
	if s.listed == nil {
		if _, err := s.titles(ctx); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, name := range s.listed {
		if ti := s.tabs[name]; ti != nil {
			n += ti.rows * ti.cols
		}
	}
	return n, nil
}
