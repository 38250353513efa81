package gsheets

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"google.golang.org/api/sheets/v4"

	"onboard/internal/sheet"
)

// maxCellRunes is Google's limit for one cell.
const maxCellRunes = 50_000

// Write stores the updates with valueInputOption RAW in one
// values.batchUpdate, the changed cells merged into rectangles. Every
// update is checked first, so a bad one stores none. Google applies one
// request all or nothing; only past MaxRequestBytes is the write split, and
// then a failure after the first request leaves the earlier ones stored
// (each is a correct value, and the next run writes the rest).
func (s *Spreadsheet) Write(ctx context.Context, updates []sheet.Update) error {
	if len(updates) == 0 {
		return nil
	}
	if s.readOnly {
		return newError(sheet.ErrPermission, nil, "%s was opened read-only (check and report never write)", s.Describe())
	}
	if err := s.validate(ctx, updates); err != nil {
		return err
	}
	blocks := merge(updates, s.maxBody/4)
	if err := s.fitGrid(ctx, blocks, false); err != nil {
		return err
	}
	reqs := batches(blocks, s.maxBody)
	for i, batch := range reqs {
		err := s.writeBatch(ctx, batch)
		if isGridLimit(err) {
			// The grid is smaller than last seen (a manager deleted rows or
			// columns meanwhile): grow it and try once more.
			if gerr := s.fitGrid(ctx, blocks, true); gerr != nil {
				return gerr
			}
			err = s.writeBatch(ctx, batch)
		}
		if err != nil {
			e := s.fail("write", err)
			if i > 0 {
				if ge, ok := e.(*Error); ok {
					ge.msg += fmt.Sprintf(" (%d of %d write requests were stored; the next run writes the rest)", i, len(reqs))
				}
			}
			return e
		}
	}
	return nil
}

// validate refuses the whole write for one update Google would refuse, so
// nothing is sent.
func (s *Spreadsheet) validate(ctx context.Context, updates []sheet.Update) error {
	var unknown []string
	for _, u := range updates {
		if u.Row < 1 || u.Col < 1 || u.Row > maxRows || u.Col > maxCols {
			return fmt.Errorf("%s tab %q row %d column %d: %w", s.Describe(), u.Tab, u.Row, u.Col, sheet.ErrOutOfRange)
		}
		switch u.Value.Kind {
		case sheet.Number, sheet.Date:
			if math.IsNaN(u.Value.Num) || math.IsInf(u.Value.Num, 0) {
				return fmt.Errorf("%s tab %q cell %s: %v is not a number Google can store: %w", s.Describe(), u.Tab, sheet.CellName(u.Row, u.Col), u.Value.Num, sheet.ErrInvalid)
			}
		case sheet.Text:
			if utf8.RuneCountInString(u.Value.Str) > maxCellRunes {
				return fmt.Errorf("%s tab %q cell %s: text longer than Google's %d characters: %w", s.Describe(), u.Tab, sheet.CellName(u.Row, u.Col), maxCellRunes, sheet.ErrInvalid)
			}
		}
		if s.tabs[u.Tab] == nil && !contains(unknown, u.Tab) {
			unknown = append(unknown, u.Tab)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	// A tab this backend has not read: ask for the tab list once.
	if _, err := s.titles(ctx); err != nil {
		return err
	}
	for _, name := range unknown {
		if s.tabs[name] == nil {
			return fmt.Errorf("%s has no tab %q: %w", s.Describe(), name, sheet.ErrTabNotFound)
		}
	}
	return nil
}

// fitGrid grows tabs whose grid is too small for the blocks, with one
// spreadsheets.get (for sheet IDs and current sizes) and one
// spreadsheets.batchUpdate of appendDimension requests. Reads echo the grid
// size, so this costs calls only when a run adds columns or rows (the first
// run on a sheet). force re-checks tabs whose size is unknown or stale.
func (s *Spreadsheet) fitGrid(ctx context.Context, blocks []*block, force bool) error {
	type size struct{ rows, cols int }

	need := map[string]size{}
	for _, b := range blocks {
		n := need[b.tab]
		n.rows = max(n.rows, b.row+len(b.vals)-1)
		n.cols = max(n.cols, b.col+b.cols-1)
		need[b.tab] = n
	}
	short := force
	for tab, n := range need {
		// A tab whose size is unknown is left to Google to refuse.
		if ti := s.tabs[tab]; ti != nil && ti.rows > 0 && ti.cols > 0 && (n.rows > ti.rows || n.cols > ti.cols) {
			short = true
		}
	}
	if !short {
		return nil
	}
	if _, err := s.titles(ctx); err != nil {
		return err
	}
	tabs := make([]string, 0, len(need))
	for tab := range need {
		tabs = append(tabs, tab)
	}
	sort.Strings(tabs)
	var reqs []*sheets.Request
	for _, tab := range tabs {
		n, ti := need[tab], s.tabs[tab]
		if ti == nil || !ti.hasID {
			return fmt.Errorf("%s has no tab %q: %w", s.Describe(), tab, sheet.ErrTabNotFound)
		}
		if n.rows > ti.rows {
			reqs = append(reqs, &sheets.Request{AppendDimension: &sheets.AppendDimensionRequest{SheetId: ti.sheetID, Dimension: "ROWS", Length: int64(n.rows - ti.rows)}})
		}
		if n.cols > ti.cols {
			reqs = append(reqs, &sheets.Request{AppendDimension: &sheets.AppendDimensionRequest{SheetId: ti.sheetID, Dimension: "COLUMNS", Length: int64(n.cols - ti.cols)}})
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	// appendDimension is not idempotent: a retry after a lost answer may
	// add a few empty rows or columns more, which harms nothing.
	body := &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}
	err := s.call(ctx, "grow grid", func(ctx context.Context) error {
		_, err := s.svc.Spreadsheets.BatchUpdate(s.id, body).Fields("spreadsheetId").Context(ctx).Do()
		return err
	})
	if err != nil {
		return s.fail("grow the grid for new cells", err)
	}
	for _, tab := range tabs {
		n, ti := need[tab], s.tabs[tab]
		if n.rows > ti.rows || n.cols > ti.cols {
			s.log.Info("grew the sheet's grid for new cells", "tab", tab, "rows", max(n.rows, ti.rows), "columns", max(n.cols, ti.cols))
		}
		ti.rows, ti.cols = max(n.rows, ti.rows), max(n.cols, ti.cols)
	}
	return nil
}

// writeBatch sends one values.batchUpdate.
func (s *Spreadsheet) writeBatch(ctx context.Context, batch []*block) error {
	data := make([]*sheets.ValueRange, len(batch))
	for i, b := range batch {
		data[i] = &sheets.ValueRange{Range: b.rangeName(), Values: b.vals}
	}
	req := &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW", Data: data}
	return s.call(ctx, "write", func(ctx context.Context) error {
		_, err := s.svc.Spreadsheets.Values.BatchUpdate(s.id, req).Fields("totalUpdatedCells").Context(ctx).Do()
		return err
	})
}

// AddTab creates a tab (wide enough for its header) with one
// spreadsheets.batchUpdate, then writes the header row.
func (s *Spreadsheet) AddTab(ctx context.Context, name string, header []string) error {
	if s.readOnly {
		return newError(sheet.ErrPermission, nil, "%s was opened read-only (check and report never write)", s.Describe())
	}
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("%s: a tab needs a name: %w", s.Describe(), sheet.ErrInvalid)
	}
	props := &sheets.SheetProperties{Title: name, GridProperties: &sheets.GridProperties{RowCount: 1000, ColumnCount: int64(max(26, len(header)))}}
	body := &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{{AddSheet: &sheets.AddSheetRequest{Properties: props}}}}
	var resp *sheets.BatchUpdateSpreadsheetResponse
	err := s.call(ctx, "add tab", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.BatchUpdate(s.id, body).Context(ctx).Do()
		return err
	})
	if code, msg := apiCode(err); code == http.StatusBadRequest && strings.Contains(msg, "already exists") {
		return newError(sheet.ErrTabExists, err, "%s already has a tab %q", s.Describe(), name)
	}
	if err != nil {
		return s.fail("add tab "+name, err)
	}
	ti := s.tab(name)
	ti.rows, ti.cols = int(props.GridProperties.RowCount), int(props.GridProperties.ColumnCount)
	if s.listed != nil {
		s.listed = append(s.listed, name)
	}
	if len(resp.Replies) > 0 && resp.Replies[0].AddSheet != nil && resp.Replies[0].AddSheet.Properties != nil {
		ti.sheetID, ti.hasID = resp.Replies[0].AddSheet.Properties.SheetId, true
	}
	if len(header) == 0 {
		return nil
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	b := &block{tab: name, row: 1, col: 1, cols: len(header), vals: [][]any{row}}
	if err := s.writeBatch(ctx, []*block{b}); err != nil {
		return s.fail("write the header of tab "+name, err)
	}
	return nil
}
