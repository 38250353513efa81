// Package sheet holds what every spreadsheet backend shares: typed cell
// values, tabs as grids, cell updates, and the Spreadsheet interface that the
// local workbook and Google Sheets backends implement.
package sheet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"onboard/internal/civil"
)

// Kind is the type of a cell as the backend stores it.
type Kind uint8

const (
	Empty Kind = iota
	Text
	Number
	Bool
	// Date is a number the backend knows to be a date (an .xlsx date style).
	// Google returns dates as plain numbers under SERIAL_NUMBER rendering, so
	// readers must accept Number wherever they accept Date.
	Date
)

func (k Kind) String() string {
	switch k {
	case Empty:
		return "empty"
	case Text:
		return "text"
	case Number:
		return "number"
	case Bool:
		return "bool"
	case Date:
		return "date"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one cell. Numbers, dates (as spreadsheet serial numbers) and
// booleans (1 or 0) live in Num; text lives in Str.
type Value struct {
	Str  string
	Num  float64
	Kind Kind
}

// TextValue returns a text cell, or an empty cell for "".
func TextValue(s string) Value {
	if s == "" {
		return Value{}
	}
	return Value{Kind: Text, Str: s}
}

// NumberValue returns a number cell.
func NumberValue(f float64) Value { return Value{Kind: Number, Num: f} }

// BoolValue returns a boolean cell.
func BoolValue(b bool) Value {
	if b {
		return Value{Kind: Bool, Num: 1}
	}
	return Value{Kind: Bool}
}

// DayValue returns a date cell for a civil date.
func DayValue(d civil.Date) Value { return Value{Kind: Date, Num: float64(d)} }

// IsEmpty reports whether the cell holds nothing (blank text counts as empty).
func (v Value) IsEmpty() bool {
	// Trimming the left only stops at the first other character.
	return v.Kind == Empty || (v.Kind == Text && strings.TrimLeftFunc(v.Str, unicode.IsSpace) == "")
}

// Bool returns the boolean of a Bool cell.
func (v Value) Bool() bool { return v.Num != 0 }

// String renders the value the way a person would type it; dates as
// 2026/11/24, numbers without a trailing ".0".
func (v Value) String() string {
	switch v.Kind {
	case Text:
		return v.Str
	case Number:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case Bool:
		if v.Bool() {
			return "TRUE"
		}
		return "FALSE"
	case Date:
		t := DateFromSerial(v.Num)
		if frac := v.Num - math.Floor(v.Num); frac > 1e-9 {
			return t.Format("2006/01/02 15:04")
		}
		return t.Format("2006/01/02")
	}
	return ""
}

// Equal reports whether two cells hold the same value. A date and a number
// with the same serial are equal: Google does not tell them apart.
func (v Value) Equal(w Value) bool {
	if v.IsEmpty() || w.IsEmpty() {
		return v.IsEmpty() && w.IsEmpty()
	}
	numeric := func(k Kind) bool { return k == Number || k == Date }
	if numeric(v.Kind) && numeric(w.Kind) {
		return v.Num == w.Num
	}
	return v.Kind == w.Kind && v.Str == w.Str && v.Num == w.Num
}

// serialEpoch is day 0 of the 1900 date system as both Excel (after
// 1900-03-01) and Google Sheets count it.
var serialEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// DateFromSerial converts a spreadsheet serial number to a wall-clock time in
// UTC (the spreadsheet has no zone; callers treat it as Asia/Tokyo wall time).
func DateFromSerial(serial float64) time.Time {
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	return serialEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
}

// Tab is one worksheet: Rows[0] is the header row (sheet row 1). Rows may be
// ragged and shorter than the sheet; missing cells are empty.
type Tab struct {
	Name string
	Rows [][]Value
	// Elsewhere, after a read that left columns out (Keep.Cols),
	// maps each column left out that holds a value below the header to
	// the first row holding one: where a new column may go is decided
	// from it. Nil after a whole read.
	Elsewhere map[int]int
	// streamed, height and width: the rows below the header went to
	// Keep.Rows (TabBuilder).
	streamed      bool
	height, width int
}

// Streamed reports whether the tab's rows below the header were handed to
// Keep.Rows as they were read: Rows holds the header alone.
func (t *Tab) Streamed() bool { return t.streamed }

// Size is the tab's extent as read: its rows (the header included) and
// its widest row's cells.
func (t *Tab) Size() (rows, cols int) {
	if t.streamed {
		return t.height, t.width
	}
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	return len(t.Rows), cols
}

// Cell returns the value at 1-based row and column, empty when outside.
func (t *Tab) Cell(row, col int) Value {
	if row < 1 || row > len(t.Rows) || col < 1 || col > len(t.Rows[row-1]) {
		return Value{}
	}
	return t.Rows[row-1][col-1]
}

// Book is the set of tabs read from a spreadsheet.
type Book struct {
	Tabs []*Tab
}

// Tab returns the tab with that exact name, or nil.
func (b *Book) Tab(name string) *Tab {
	for _, t := range b.Tabs {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Titles lists the book's tab names, in order.
func (b *Book) Titles() []string {
	out := make([]string, len(b.Tabs))
	for i, t := range b.Tabs {
		out[i] = t.Name
	}
	return out
}

// Update sets one cell. Row and Col are 1-based sheet coordinates.
type Update struct {
	Tab   string
	Row   int
	Col   int
	Value Value
}

// Spreadsheet is what a backend provides. The sync logic (rows addressed by
// key, blank-only fills, restarts on a changed header) lives above it, so
// every backend behaves the same.
type Spreadsheet interface {
	// Read returns the named tabs with all their cells in one pass. A tab
	// that does not exist is absent from the book, not an error. A backend
	// may return more tabs than asked for (the local workbook returns all).
	Read(ctx context.Context, tabs []string) (*Book, error)
	// Titles lists the titles of all the spreadsheet's tabs, in order, so
	// the contract can find a tab a manager named differently (an alias,
	// another width) the same way on every backend. A backend may answer
	// from what its last Read learnt.
	Titles(ctx context.Context) ([]string, error)
	// ReadColumns returns, for each request, the tab's header row and the
	// given columns as they are now, for addressing rows just before a write.
	// Only the requested columns are filled in the returned tabs.
	ReadColumns(ctx context.Context, reqs []ColumnsRequest) (*Book, error)
	// Write applies the updates: text stays text (never a formula). Either
	// all updates are stored or, on error, none are.
	Write(ctx context.Context, updates []Update) error
	// AddTab creates an empty tab with the given header row. It is an
	// error if the tab exists.
	AddTab(ctx context.Context, name string, header []string) error
	// Describe names the spreadsheet for logs and messages.
	Describe() string
}

// Counter is implemented by backends that count their API calls, for the
// run's metrics.
type Counter interface {
	// Counts returns the requests made and the retries among them.
	Counts() (requests, retries int)
}

// CellCounter is implemented by backends that know the spreadsheet's size
// as its limit counts it (Google: every tab's grid, used or not), so the
// job can warn before a sheet fills up.
type CellCounter interface {
	Cells(ctx context.Context) (int, error)
}

// KeepColumns says, from a tab's name and header row, what a reader keeps
// of the tab below the header.
type KeepColumns func(tab string, header []Value) Keep

// Keep is what a read keeps of one tab below its header row.
type Keep struct {
	// Cols marks the kept columns: Cols[c] for the 1-based column c, none
	// past the end; nil keeps every column. Tab.Elsewhere tells where the
	// others hold values.
	Cols []bool
	// Rows, when set, is handed each row below the header that holds a
	// kept cell, in order (sheet row n; its kept cells, only while it
	// runs), instead of the tab holding it: the tab then holds its header
	// alone (Tab.Streamed, Tab.Size).
	Rows func(n int, cells []Value)
	// Expect, when set with Rows, is told before the rows come how many
	// the backend expects the tab to hold, its header included (Google:
	// its grid; a workbook: from its segments), to size what is built of
	// them; not told when the backend has no idea.
	Expect func(rows int)
}

// FilteringReader is implemented by backends that can leave out, while
// reading, the cells of columns nobody needs, so that a team's own columns
// cost a sync nothing (the local workbook; Google answers whole rows).
type FilteringReader interface {
	// ReadKeeping is Read keeping, below each tab's header row, the
	// columns keep names; Tab.Elsewhere tells where the others hold values.
	ReadKeeping(ctx context.Context, tabs []string, keep KeepColumns) (*Book, error)
}

// Conditional is implemented by backends whose Write is refused, with
// ErrConflict, when anyone else changed the spreadsheet since this backend
// last read or wrote it (the local workbook, compared by checksum). A write
// that lands lands on the rows as read, so it needs no read to find them
// again, nor one after it to check them.
type Conditional interface {
	WritesOnlyUnchanged()
}

// ColumnsRequest asks for the header row and some columns of one tab.
type ColumnsRequest struct {
	Tab  string
	Cols []int
}

// Error kinds every backend reports the same way, so callers and the
// conformance suite can tell them apart with errors.Is.
var (
	ErrNotFound     = errors.New("spreadsheet not found")
	ErrPermission   = errors.New("permission denied")
	ErrConflict     = errors.New("spreadsheet changed since it was read")
	ErrInvalid      = errors.New("invalid request")
	ErrTabNotFound  = errors.New("tab not found")
	ErrTabExists    = errors.New("tab already exists")
	ErrOutOfRange   = errors.New("cell out of range")
	ErrNotSupported = errors.New("not supported by this backend")
	// ErrUncertain: a Write whose answer was lost (connection dropped,
	// body cut, gateway timeout), so whether it was stored is unknown.
	// Callers find out by reading, never by writing blindly again.
	ErrUncertain = errors.New("the write's outcome is unknown")
)

// ColumnName returns the A1 letters for a 1-based column (1 → A, 27 → AA).
func ColumnName(col int) string {
	if col < 1 {
		return "?"
	}
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// CellName returns A1 notation for 1-based row and column.
func CellName(row, col int) string { return ColumnName(col) + strconv.Itoa(row) }

// QuoteTab quotes a tab name for an A1 range the way Google expects.
func QuoteTab(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// RangeName returns 'tab'!A1:B2 for a block of cells.
func RangeName(tab string, row, col, lastRow, lastCol int) string {
	if row == lastRow && col == lastCol {
		return fmt.Sprintf("%s!%s", QuoteTab(tab), CellName(row, col))
	}
	return fmt.Sprintf("%s!%s:%s", QuoteTab(tab), CellName(row, col), CellName(lastRow, lastCol))
}

// Checkpointer is implemented by backends that can put a spreadsheet back
// as it was (a local file): init, which saves several times, undoes its
// earlier saves when a later step fails.
type Checkpointer interface {
	// Checkpoint keeps the spreadsheet as it is now; restore puts it back,
	// release forgets what was kept.
	Checkpoint() (restore func() error, release func(), err error)
}

// Creator is implemented by backends whose spreadsheet init can create
// when it is not there yet (a local file): the rest of init then sets up
// the new spreadsheet as it would an existing one.
type Creator interface {
	// Missing reports whether there is no spreadsheet yet: no file, or
	// an empty one (0 bytes, as touch leaves it).
	Missing() bool
	// CreateTabs creates the spreadsheet holding the named tabs, empty.
	CreateTabs(ctx context.Context, tabs []string) error
}
