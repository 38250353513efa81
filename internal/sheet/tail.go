package sheet

import (
	"context"
	"strings"
)

// Tail asks for the head and the tail of one long, append-only tab (the
// ステータス履歴 log): its first Head rows, and its rows from the last
// anchor row to its end. An anchor row holds Mark in column MarkCol and,
// when Accept is set, is accepted by it; Accept sees the row's cells of
// columns 1 to AcceptCols only. With no anchor row every row is read.
// Rows, when above 0, reads only that many rows from the anchor on: a
// reader that needs the anchor's figures, not the days after them (the
// weekly report); the tab then ends with them.
type Tail struct {
	Tab        string
	Head       int
	MarkCol    int
	Mark       string
	AcceptCols int
	Accept     func(row []Value) bool
	Rows       int
}

// Anchor reports whether a row (as read, maybe only its first columns)
// is an anchor.
func (t Tail) Anchor(row []Value) bool {
	if t.MarkCol < 1 || t.MarkCol > len(row) || row[t.MarkCol-1].Kind != Text || strings.TrimSpace(row[t.MarkCol-1].Str) != t.Mark {
		return false
	}
	return t.Accept == nil || t.Accept(row[:min(len(row), max(t.AcceptCols, t.MarkCol))])
}

// LastAnchor is the sheet row of the last anchor among rows (row i is
// sheet row i+1); 0 when none.
func (t Tail) LastAnchor(rows [][]Value) int {
	for r := len(rows); r > t.Head; r-- {
		if t.Anchor(rows[r-1]) {
			return r
		}
	}
	return 0
}

// Cut blanks the rows of a whole read that a tail read leaves out: those
// after the head and before the last anchor, and with Rows those past the
// tail's end. Rows keep their places (the tab's length is its last row),
// so cells are addressed as after a whole read.
func (t Tail) Cut(tab *Tab) {
	from := t.LastAnchor(tab.Rows)
	if from == 0 {
		return
	}
	for r := t.Head + 1; r < from; r++ {
		tab.Rows[r-1] = nil
	}
	if end := t.End(from); end > 0 && end < len(tab.Rows) {
		tab.Rows = tab.Rows[:end]
	}
}

// End is the last row of a tail read from the anchor at row from; 0
// when it reads to the tab's end.
func (t Tail) End(from int) int {
	if t.Rows <= 0 {
		return 0
	}
	return from + t.Rows - 1
}

// TailReader is implemented by backends that read a tab's head and tail
// without the rows between, so that a log growing every day costs a sync
// what its last rows cost.
type TailReader interface {
	// ReadTail is Read of names, tail.Tab among them, keeping of the
	// others what keep says, with tail.Tab read as Tail says: rows left
	// out are nil, the others at their places, and the tab as long as
	// its last row holding anything.
	ReadTail(ctx context.Context, names []string, keep KeepColumns, tail Tail) (*Book, error)
}
