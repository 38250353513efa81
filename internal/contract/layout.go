package contract

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// LayoutError is a problem with the sheet's shape (a tab or header missing
// or repeated): the run stops before anything is written.
type LayoutError struct {
	Msg string
	// InitAdds is set when `onboard init` fixes it (a missing tab): the
	// command line says so with the sheet it was given.
	InitAdds bool
	// Part is what is wrong, so that the alert mail can say what to fix.
	Part LayoutPart
}

// LayoutPart is the part of the sheet or of the job's files a LayoutError
// is about.
type LayoutPart string

// The parts a LayoutError can be about.
const (
	PartTab      LayoutPart = "tab"      // a tab missing, or two tabs alike
	PartHeader   LayoutPart = "header"   // a header missing or repeated in row 1
	PartColumns  LayoutPart = "columns"  // no room for the job's columns
	PartMatrix   LayoutPart = "matrix"   // the condition matrix (tab, --matrix, templates)
	PartTemplate LayoutPart = "template" // a file of the --templates folder (report.json, ...)
)

func (e *LayoutError) Error() string { return e.Msg }

// MatrixError marks a broken condition matrix as a layout error.
func MatrixError(err error) error { return &LayoutError{Msg: err.Error(), Part: PartMatrix} }

// TemplateError marks a broken template file as a layout error.
func TemplateError(err error) error { return &LayoutError{Msg: err.Error(), Part: PartTemplate} }

// PartOf returns what a layout error, or a setting error that says its
// part (the command line's), is about; "" when err is neither.
func PartOf(err error) LayoutPart {
	var le *LayoutError
	if errors.As(err, &le) {
		return le.Part
	}
	var se interface{ SettingPart() LayoutPart }
	if errors.As(err, &se) {
		return se.SettingPart()
	}
	return ""
}

// InitAdds reports whether err is a layout error `onboard init` fixes.
func InitAdds(err error) bool {
	var le *LayoutError
	return errors.As(err, &le) && le.InitAdds
}

// IsLayout reports whether err is a LayoutError.
func IsLayout(err error) bool {
	var le *LayoutError
	return errors.As(err, &le)
}

func layoutErr(part LayoutPart, format string, args ...any) error {
	return &LayoutError{Msg: fmt.Sprintf(format, args...), Part: part}
}

// FindTab returns the sheet tab that matches the contract tab (ResolveTab
// over the book's tab names), or nil.
func FindTab(book *sheet.Book, spec *Tab) (*sheet.Tab, error) {
	title, err := ResolveTab(book.Titles(), spec)
	if err != nil || title == "" {
		return nil, err
	}
	return book.Tab(title), nil
}

// ResolveTab is the one rule for finding a contract tab among a
// spreadsheet's tab titles, on every backend: the exact name wins; else
// the one title that reads as the name or the English alias, ignoring
// width (NFKC), case, spaces and brackets ("Applications ", "【申込】").
// Two such titles are a LayoutError; none is "".
func ResolveTab(titles []string, spec *Tab) (string, error) {
	for _, t := range titles {
		if t == spec.Name {
			return t, nil
		}
	}
	found := ""
	name, alias := parse.Header(spec.Name), parse.Header(spec.Alias)
	for _, t := range titles {
		if h := parse.Header(t); h != "" && (h == name || h == alias) {
			if found != "" && found != t {
				return "", layoutErr(PartTab, "tabs %q and %q both look like the %s tab; rename one", found, t, spec.Name)
			}
			found = t
		}
	}
	return found, nil
}

// Layout is where a contract tab's columns are in the sheet right now.
type Layout struct {
	Spec   *Tab
	Name   string        // the tab's name in the sheet
	Header []sheet.Value // row 1 as read
	cols   map[string]int
	// keyCols are the columns of the row key's cells (RowKey), looked up
	// once, not for every row: the client ID's or e-mail's, then the
	// company's or date's; 0 when the tab lacks one.
	keyCols [2]int
	// headers caches HeaderText: it is asked once per planned cell, by
	// the plan's goroutines at once.
	headers sync.Map
	// Added are job-owned or job-filled columns the sheet lacks; the job
	// writes their headers at the right end.
	Added []Placed
}

// Placed is a contract column and its 1-based position in the sheet.
type Placed struct {
	Column *Column
	Col    int
}

// Col returns the 1-based column of a key, or 0 when the tab lacks it.
func (l *Layout) Col(key string) int { return l.cols[key] }

// Column returns the contract column for a key.
func (l *Layout) Column(key string) *Column {
	for i := range l.Spec.Columns {
		if l.Spec.Columns[i].Key == key {
			return &l.Spec.Columns[i]
		}
	}
	return nil
}

// ColOfHeader finds the column of a contract header (by name or alias), 0
// when the tab lacks it.
func (l *Layout) ColOfHeader(header string) int {
	h := parse.Header(header)
	for _, c := range l.Spec.Columns {
		if parse.Header(c.Name) == h || (c.Alias != "" && parse.Header(c.Alias) == h) {
			return l.cols[c.Key]
		}
	}
	return 0
}

// HeaderText is the header of a key as written in the sheet (or the
// contract name for a column being added).
func (l *Layout) HeaderText(key string) string {
	if h, ok := l.headers.Load(key); ok {
		return h.(string)
	}
	h := l.headerText(key)
	l.headers.Store(key, h)
	return h
}

func (l *Layout) headerText(key string) string {
	col := l.cols[key]
	if col >= 1 && col <= len(l.Header) {
		if s := strings.TrimSpace(l.Header[col-1].String()); s != "" {
			return s
		}
	}
	if c := l.Column(key); c != nil {
		return c.Name
	}
	return key
}

// NewLayout finds the contract's headers in row 1 of tab.
func NewLayout(spec *Tab, tab *sheet.Tab) (*Layout, error) {
	l, err := headerLayout(spec, tab)
	if err != nil {
		return nil, err
	}
	if err := l.place(tab); err != nil {
		return nil, err
	}
	return l, nil
}

// headerLayout is NewLayout before the job's missing columns are placed:
// row 1 of tab alone decides it.
func headerLayout(spec *Tab, tab *sheet.Tab) (*Layout, error) {
	l := &Layout{Spec: spec, Name: tab.Name, cols: map[string]int{}}
	if len(tab.Rows) > 0 {
		l.Header = tab.Rows[0]
	}
	for i, v := range l.Header {
		c := spec.match(v.String())
		if c == nil {
			continue // unknown columns are the managers' own
		}
		if prev := l.cols[c.Key]; prev != 0 {
			return nil, layoutErr(PartHeader, "tab %q: header %q appears twice (%s and %s); remove or rename one",
				tab.Name, c.Name, sheet.CellName(1, prev), sheet.CellName(1, i+1))
		}
		l.cols[c.Key] = i + 1
	}
	var missing []string
	for _, c := range spec.Columns {
		if c.Required && l.cols[c.Key] == 0 {
			m := fmt.Sprintf("%q (%s)", c.Name, c.Alias)
			if c.Origin != "" {
				m += " (defined in " + c.Origin + ")"
			}
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return nil, layoutErr(PartHeader, "tab %q: required header %s is missing from row 1", tab.Name, strings.Join(missing, ", "))
	}
	switch spec.Key {
	case TabApplications:
		l.keyCols = [2]int{l.cols[KeyClientID], l.cols[KeyCompany]}
	case TabSessions:
		l.keyCols = [2]int{l.cols[KeyClientID], l.cols[KeyHeldOn]}
	case TabPool:
		l.keyCols = [2]int{l.cols[KeyEmail]}
	}
	return l, nil
}

// place puts the job's columns the tab lacks where PlaceColumns finds
// room in tab (its rows, or its header and Elsewhere).
func (l *Layout) place(tab *sheet.Tab) error {
	var add []*Column
	for i := range l.Spec.Columns {
		if c := &l.Spec.Columns[i]; c.Owner != Manager && l.cols[c.Key] == 0 {
			add = append(add, c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	first, err := PlaceColumns(tab, len(add))
	if err != nil {
		return err
	}
	for i, c := range add {
		l.cols[c.Key] = first + i
		l.Added = append(l.Added, Placed{Column: c, Col: first + i})
	}
	return nil
}

// MaxColumns is the widest sheet both backends hold: Excel ends at column
// XFD (16,384); Google allows 18,278, but a sheet must move between them.
const MaxColumns = 16_384

// PlaceColumns returns the first of n adjacent columns where the job adds
// its missing columns: right of the last used column, as long as they fit
// within MaxColumns. When a cell far right (a stray value in XFD) leaves no
// room there, they go at the start of the rightmost run of columns empty in
// every row that is wide enough, so the rest still syncs and no manager's
// cell is covered; the job never adds a column past the sheet's limit.
// Without such a run it is a LayoutError naming the cell that blocks.
func PlaceColumns(tab *sheet.Tab, n int) (int, error) {
	last := NextFreeColumn(tab)
	if last+n <= MaxColumns {
		return last + 1, nil
	}
	used := make([]bool, MaxColumns+1) // 1-based
	for _, row := range tab.Rows {
		for c, v := range row[:min(len(row), MaxColumns)] {
			if !v.IsEmpty() {
				used[c+1] = true
			}
		}
	}
	for c := range tab.Elsewhere {
		if c >= 1 && c <= MaxColumns {
			used[c] = true
		}
	}
	run := 0
	for c := MaxColumns; c >= 1; c-- {
		if used[c] {
			run = 0
			continue
		}
		if run++; run >= n && (c == 1 || used[c-1]) {
			return c, nil
		}
	}
	// Fewer than n empty columns side by side anywhere: name the used cell
	// furthest right, the one most likely put there by mistake.
	row, col := lastUsedCell(tab)
	return 0, layoutErr(PartColumns, "tab %q: no room for the job's %d columns: the sheet ends at column %s and %s is used; clear %s (or any %d empty columns to the right of the data), then run again",
		tab.Name, n, sheet.ColumnName(MaxColumns), sheet.CellName(row, col), sheet.CellName(row, col), n)
}

// lastUsedCell is the first non-empty cell of the rightmost used column.
func lastUsedCell(tab *sheet.Tab) (row, col int) {
	for r, cells := range tab.Rows {
		for c := len(cells); c > col; c-- {
			if !cells[c-1].IsEmpty() {
				row, col = r+1, c
				break
			}
		}
	}
	for c, r := range tab.Elsewhere {
		if c > col || (c == col && r < row) {
			row, col = r, c
		}
	}
	return row, col
}

// match finds the contract column a header names, by name or alias.
func (t *Tab) match(header string) *Column {
	h := parse.Header(header)
	if h == "" {
		return nil
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		if h == parse.Header(c.Name) || (c.Alias != "" && h == parse.Header(c.Alias)) {
			return c
		}
	}
	return nil
}

// Present maps the contract columns a tab's header row holds to their
// 1-based columns, leniently (the first of duplicates wins): for init,
// which adds what is missing rather than refusing a sheet.
func Present(spec *Tab, tab *sheet.Tab) map[string]int {
	cols := map[string]int{}
	if len(tab.Rows) == 0 {
		return cols
	}
	for i, v := range tab.Rows[0] {
		if c := spec.match(v.String()); c != nil && cols[c.Key] == 0 {
			cols[c.Key] = i + 1
		}
	}
	return cols
}

// NextFreeColumn is the last column used in any row: new columns go right
// of it, so no cell a manager typed beyond the headers is covered.
func NextFreeColumn(tab *sheet.Tab) int {
	next := 0
	if len(tab.Rows) > 0 {
		next = len(tab.Rows[0])
	}
	for _, r := range tab.Rows {
		for c := len(r); c > next; c-- {
			if !r[c-1].IsEmpty() {
				next = c
				break
			}
		}
	}
	for c := range tab.Elsewhere {
		next = max(next, c)
	}
	return next
}

// SameHeader reports whether row 1 still reads as it did: any change means
// the columns may have moved, and writing would be a guess.
func (l *Layout) SameHeader(now []sheet.Value) bool {
	n := max(len(now), len(l.Header))
	for i := 0; i < n; i++ {
		var a, b sheet.Value
		if i < len(l.Header) {
			a = l.Header[i]
		}
		if i < len(now) {
			b = now[i]
		}
		if strings.TrimSpace(a.String()) != strings.TrimSpace(b.String()) {
			return false
		}
	}
	return true
}

// KeyCols are the 1-based columns that identify a row.
func (l *Layout) KeyCols() []int {
	var cols []int
	for _, k := range l.Spec.KeyColumns() {
		if c := l.cols[k]; c != 0 {
			cols = append(cols, c)
		}
	}
	return cols
}

// RowKey identifies a row by its key cells, normalised so that a manager
// retyping １０００１ as 10001 keeps the row's identity. row holds the
// sheet row's cells (index 0 = column A).
// KeyText shows a row key to a person: the client ID, the session's
// client and date, or the company of a row without an ID; "" for a row
// holding none of them.
func KeyText(key string) string {
	id, rest, found := strings.Cut(key, "\x00")
	switch {
	case !found:
		return id
	case id == "" && rest == "":
		return ""
	case id == "":
		return "(no ID) " + rest
	case rest == "":
		return id
	}
	return id + " " + rest
}

func (l *Layout) RowKey(row []sheet.Value) string {
	at := func(i int) sheet.Value {
		c := l.keyCols[i]
		if c == 0 || c > len(row) {
			return sheet.Value{}
		}
		return row[c-1]
	}
	switch l.Spec.Key {
	case TabApplications:
		if id := parse.ClientID(at(0)); id != "" {
			return id
		}
		return "\x00" + parse.Text(at(1))
	case TabSessions:
		d := at(1)
		if day, set, ok := parse.Date(d); set && ok {
			return sessionKey(parse.ClientID(at(0)), day)
		}
		return parse.ClientID(at(0)) + "\x00" + parse.Text(d)
	case TabPool:
		return emailKey(at(0))
	}
	return ""
}
