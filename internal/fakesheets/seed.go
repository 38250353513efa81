package fakesheets

import (
	"errors"
	"fmt"
	"math"
	"time"

	onboard "onboard/internal/sheet"
)

// Tab seeds one sheet. Cells may be string (stored as text, like
// valueInputOption=RAW), float64 or any integer type (number), bool, nil
// (empty), time.Time (a date serial number rendered as yyyy-mm-dd, or with
// the time of day when it has one) or ErrorValue (an error value such as
// "#DIV/0!", which only a formula shows: see SetFormula). Other types are
// stored as their fmt.Sprint text. The grid is at least 1000 × 26 like a new Google sheet,
// larger when the rows need it.
type Tab struct {
	Title string
	Rows  [][]any
}

// ErrorValue is an error value a formula shows, such as "#DIV/0!" or
// "#NAME?"; reads return it as that text, as Google does.
type ErrorValue string

// ErrNotFound is returned by the helpers for an unknown spreadsheet or tab.
var ErrNotFound = errors.New("fakesheets: not found")

// CreateSpreadsheet stores a new spreadsheet and returns its ID. Without
// tabs it has one empty "Sheet1", as spreadsheets.create gives. Duplicate or
// empty tab titles get Google's "SheetN" names.
func (s *Server) CreateSpreadsheet(title string, tabs ...Tab) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := &spreadsheet{id: s.newSpreadsheetID(), title: title, locale: "en_US", timeZone: "Etc/GMT"}
	if len(tabs) == 0 {
		tabs = []Tab{{Title: "Sheet1"}}
	}
	for i, t := range tabs {
		id := int64(0)
		if i > 0 {
			id = ss.newSheetID(s.rng)
		}
		name := t.Title
		if name == "" || ss.sheetByTitle(name) != nil {
			name = nextSheetTitle(ss)
		}
		ss.sheets = append(ss.sheets, seedSheet(id, name, t.Rows))
	}
	s.spreadsheets[ss.id] = ss
	return ss.id
}

func seedSheet(id int64, title string, rows [][]any) *sheet {
	nrows, ncols := max(defaultRows, len(rows)), defaultCols
	for _, r := range rows {
		ncols = max(ncols, len(r))
	}
	sh := newSheet(id, title, nrows, ncols)
	for r, row := range rows {
		for c, v := range row {
			sh.set(r, c, goCell(v))
		}
	}
	sh.compact()
	return sh
}

// goCell converts a Go value to a stored cell (see Tab).
func goCell(v any) cell {
	switch t := v.(type) {
	case nil:
		return cell{}
	case string:
		if t == "" {
			return cell{}
		}
		return cell{kind: kindText, text: t}
	case bool:
		return cell{kind: kindBool, bool: t}
	case float64:
		return numberCell(t)
	case float32:
		return numberCell(float64(t))
	case int:
		return numberCell(float64(t))
	case int8:
		return numberCell(float64(t))
	case int16:
		return numberCell(float64(t))
	case int32:
		return numberCell(float64(t))
	case int64:
		return numberCell(float64(t))
	case uint:
		return numberCell(float64(t))
	case uint8:
		return numberCell(float64(t))
	case uint16:
		return numberCell(float64(t))
	case uint32:
		return numberCell(float64(t))
	case uint64:
		return numberCell(float64(t))
	case ErrorValue:
		return cell{kind: kindError, text: string(t)}
	case time.Time:
		u := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		serial := serialOf(u)
		kind := fmtDate
		if serial != math.Trunc(serial) {
			kind = fmtDateTime
		}
		return cell{kind: kindNumber, num: serial, fmt: numFormat{kind: kind}}
	}
	return cell{kind: kindText, text: fmt.Sprint(v)}
}

func numberCell(f float64) cell {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		// Sheets cannot hold NaN/Inf; keep the text rather than corrupt
		// number rendering.
		return cell{kind: kindText, text: fmt.Sprint(f)}
	}
	return cell{kind: kindNumber, num: f}
}

// tab finds a sheet; callers hold s.mu.
func (s *Server) tab(id, title string) (*spreadsheet, *sheet, error) {
	ss, ok := s.spreadsheets[id]
	if !ok {
		return nil, nil, fmt.Errorf("spreadsheet %q: %w", id, ErrNotFound)
	}
	sh := ss.sheetByTitle(title)
	if sh == nil {
		return nil, nil, fmt.Errorf("tab %q in spreadsheet %q: %w", title, id, ErrNotFound)
	}
	return ss, sh, nil
}

// checkCell validates 1-based coordinates against the grid.
func checkCell(sh *sheet, row, col int) error {
	if row < 1 || col < 1 || row > sh.rowCount || col > sh.colCount {
		return fmt.Errorf("fakesheets: cell (%d,%d) is outside the %d×%d grid of %q", row, col, sh.rowCount, sh.colCount, sh.title)
	}
	return nil
}

// Values returns the effective values of a tab from A1 to its last
// non-empty row and column: string, float64 (numbers, dates as serial
// numbers), bool, or nil for empty cells; a formula cell gives the value
// it was seeded with. It is nil for an unknown spreadsheet or tab.
func (s *Server) Values(id, tab string) [][]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return nil
	}
	width := 0
	for _, row := range sh.rows {
		width = max(width, len(row))
	}
	out := make([][]any, len(sh.rows))
	for r, row := range sh.rows {
		line := make([]any, width)
		for c, v := range row {
			line[c] = effectiveValue(v)
		}
		out[r] = line
	}
	return out
}

// Cell returns the effective value at 1-based (row, col), nil when empty or
// unknown.
func (s *Server) Cell(id, tab string, row, col int) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return nil
	}
	return effectiveValue(sh.get(row-1, col-1))
}

// SetCell stores a Go value (see Tab) at 1-based (row, col), as an API
// write with valueInputOption=RAW would.
func (s *Server) SetCell(id, tab string, row, col int, v any) error {
	return s.setCell(id, tab, row, col, goCell(v))
}

// TypeCell stores text as a person typing it would (USER_ENTERED): "12"
// becomes a number, "2024-01-31" a date. A formula ("=A1*2") needs its
// value declared (WithFormulaValue) or seeded (SetFormula): the fake does
// not evaluate formulas.
func (s *Server) TypeCell(id, tab string, row, col int, input string) error {
	c, apiErr := s.typed(parseUserEntered(input))
	if apiErr != nil {
		return fmt.Errorf("fakesheets: typing %q: %s", input, apiErr.message)
	}
	return s.setCell(id, tab, row, col, c)
}

// SetFormula stores a formula cell at 1-based (row, col) showing value
// (see Tab; ErrorValue for "#DIV/0!"): reads return value, or the formula
// text with valueRenderOption FORMULA.
func (s *Server) SetFormula(id, tab string, row, col int, formula string, value any) error {
	if len(formula) < 2 || formula[0] != '=' {
		return fmt.Errorf("fakesheets: %q is not a formula", formula)
	}
	c := goCell(value)
	c.formula = formula
	return s.setCell(id, tab, row, col, c)
}

func (s *Server) setCell(id, tab string, row, col int, c cell) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if err := checkCell(sh, row, col); err != nil {
		return err
	}
	sh.set(row-1, col-1, c)
	sh.compactRows(row-1, row)
	return nil
}

// InsertRows inserts n empty rows before 1-based row at (at may be one past
// the last row to add at the end); the grid grows by n.
func (s *Server) InsertRows(id, tab string, at, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if at < 1 || at > sh.rowCount+1 || n < 1 {
		return fmt.Errorf("fakesheets: cannot insert %d rows at %d in %d rows", n, at, sh.rowCount)
	}
	sh.insertRows(at-1, n)
	return nil
}

// DeleteRow removes 1-based row; the grid shrinks by one.
func (s *Server) DeleteRow(id, tab string, row int) error { return s.DeleteRows(id, tab, row, 1) }

// DeleteRows removes n rows starting at 1-based row.
func (s *Server) DeleteRows(id, tab string, row, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if row < 1 || n < 1 || row+n-1 > sh.rowCount || n >= sh.rowCount {
		return fmt.Errorf("fakesheets: cannot delete rows %d..%d of %d", row, row+n-1, sh.rowCount)
	}
	sh.deleteRows(row-1, n)
	return nil
}

// Resize sets the grid size of a tab, dropping data outside it.
func (s *Server) Resize(id, tab string, rows, cols int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if rows < 1 || cols < 1 {
		return fmt.Errorf("fakesheets: grid %d×%d is too small", rows, cols)
	}
	sh.resize(rows, cols)
	sh.shiftProtected()
	return nil
}

// AddTab appends a tab to an existing spreadsheet.
func (s *Server) AddTab(id string, t Tab) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.spreadsheets[id]
	if !ok {
		return fmt.Errorf("spreadsheet %q: %w", id, ErrNotFound)
	}
	if t.Title == "" || ss.sheetByTitle(t.Title) != nil {
		return fmt.Errorf("fakesheets: tab title %q is empty or taken", t.Title)
	}
	ss.sheets = append(ss.sheets, seedSheet(ss.newSheetID(s.rng), t.Title, t.Rows))
	return nil
}

// RenameTab renames a tab.
func (s *Server) RenameTab(id, tab, newTitle string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if newTitle == "" {
		return errors.New("fakesheets: empty tab title")
	}
	if other := ss.sheetByTitle(newTitle); other != nil && other != sh {
		return fmt.Errorf("fakesheets: tab title %q is taken", newTitle)
	}
	sh.title = newTitle
	return nil
}

// DeleteTab removes a tab; the last one cannot be removed, as in Google.
func (s *Server) DeleteTab(id, tab string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	if len(ss.sheets) == 1 {
		return errors.New("fakesheets: cannot delete the only tab")
	}
	i := ss.sheetIndex(sh)
	ss.sheets = append(ss.sheets[:i], ss.sheets[i+1:]...)
	return nil
}

// Tabs lists tab titles in order, nil for an unknown spreadsheet.
func (s *Server) Tabs(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.spreadsheets[id]
	if !ok {
		return nil
	}
	out := make([]string, len(ss.sheets))
	for i, sh := range ss.sheets {
		out[i] = sh.title
	}
	return out
}

// SheetID returns the numeric sheetId of a tab, for batchUpdate requests.
func (s *Server) SheetID(id, tab string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sh, err := s.tab(id, tab)
	if err != nil {
		return 0, err
	}
	return sh.id, nil
}

// DeleteSpreadsheet removes a spreadsheet, as deleting the file in Drive
// would; later calls answer 404.
func (s *Server) DeleteSpreadsheet(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.spreadsheets[id]; !ok {
		return fmt.Errorf("spreadsheet %q: %w", id, ErrNotFound)
	}
	delete(s.spreadsheets, id)
	return nil
}

// DenyAccess makes a spreadsheet answer 403 PERMISSION_DENIED to every call,
// modelling a file that exists but is not shared with the caller.
func (s *Server) DenyAccess(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.spreadsheets[id]
	if !ok {
		return fmt.Errorf("spreadsheet %q: %w", id, ErrNotFound)
	}
	ss.denied = true
	return nil
}

// ShareAsViewer models a spreadsheet shared with the caller as Viewer:
// reads work, and every write answers 403 PERMISSION_DENIED with the
// message Google gives an unshared file.
func (s *Server) ShareAsViewer(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.spreadsheets[id]
	if !ok {
		return fmt.Errorf("spreadsheet %q: %w", id, ErrNotFound)
	}
	ss.viewer = true
	return nil
}

// ProtectColumns adds a protected range over columns c0..c1 (1-based) of a
// tab, as a manager would: unless warningOnly, only the listed editors
// (not the caller) may write there.
func (s *Server) ProtectColumns(id, tab string, c0, c1 int, description string, warningOnly bool, editors ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, sh, err := s.tab(id, tab)
	if err != nil {
		return err
	}
	start, end := int64(c0-1), int64(c1)
	sh.protected = append(sh.protected, &protectedRange{
		id: ss.newSheetID(s.rng), rng: gridRange{sheetID: sh.id, startColumn: &start, endColumn: &end},
		description: description, warningOnly: warningOnly, editorsUsers: editors, byOther: true,
	})
	return nil
}

// SeedValue converts one typed cell of the project's sheet model to the
// value a seed takes: dates as time.Time, so the fake stores them as date
// serials with a date format, as a manager's typed date is.
func SeedValue(v onboard.Value) any {
	switch v.Kind {
	case onboard.Text:
		return v.Str
	case onboard.Number:
		return v.Num
	case onboard.Bool:
		return v.Bool()
	case onboard.Date:
		return onboard.DateFromSerial(v.Num)
	}
	return nil
}

// TabsFromBook converts a book for CreateSpreadonboard. width pads each header
// row so the grid has at least that many columns (0: as Google makes it).
func TabsFromBook(book *onboard.Book, width int) []Tab {
	out := make([]Tab, len(book.Tabs))
	for i, tab := range book.Tabs {
		rows := make([][]any, len(tab.Rows))
		for r, row := range tab.Rows {
			vals := make([]any, len(row))
			for c, v := range row {
				vals[c] = SeedValue(v)
			}
			rows[r] = vals
		}
		if len(rows) > 0 && len(rows[0]) < width {
			rows[0] = append(rows[0], make([]any, width-len(rows[0]))...)
		}
		out[i] = Tab{Title: tab.Name, Rows: rows}
	}
	return out
}
