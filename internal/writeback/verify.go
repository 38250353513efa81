package writeback

import (
	"errors"
	"fmt"
	"strings"

	"onboard/internal/contract"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// ErrMisplaced means the read after a write found written cells under
// another client or another header: rows or columns moved between the
// re-read of the keys and the write, which the Sheets API cannot prevent.
var ErrMisplaced = errors.New("written cells are not where they belong")

// Misplaced is one written cell that is not where it belongs.
type Misplaced struct {
	Tab      string
	Row, Col int
	Header   string      // the column it was meant for
	Value    sheet.Value // what was written
	Client   string      // the row key it was meant for ("" for a header cell)
	// NowClient is the key the row holds now; NowHeader the column's
	// header now.
	NowClient, NowHeader string
	// Appended: a row appended to a job-owned log, which holds NowValue
	// instead of what was written.
	Appended bool
	NowValue sheet.Value
	// Moved: the row above the appended ones moved (rows were inserted or
	// deleted above it during the write).
	Moved bool
	// ByHand: the next run cannot put it right (a support account or pool
	// assignment, which the job never overwrites, or a column that is no
	// longer the job's).
	ByHand bool
}

func (m Misplaced) String() string {
	cell := fmt.Sprintf("%s!%s", m.Tab, sheet.CellName(m.Row, m.Col))
	val := m.Value.String()
	if r := []rune(val); len(r) > 40 {
		val = string(r[:39]) + "…"
	}
	var why string
	switch {
	case m.Moved:
		why = fmt.Sprintf("the row above the appended rows now holds %q where it held %q: rows were inserted or deleted in %s during the write, and the appended rows may have taken rows that were there", m.NowValue.String(), m.Value.String(), m.Tab)
	case m.Appended:
		why = fmt.Sprintf("the cell now holds %q (rows were added to %s at the same time)", m.NowValue.String(), m.Tab)
	case strings.TrimSpace(m.NowHeader) != strings.TrimSpace(m.Header):
		why = fmt.Sprintf("column %s is now headed %q (a column was inserted, deleted or moved)", sheet.ColumnName(m.Col), m.NowHeader)
	case contract.KeyText(m.NowClient) == "":
		why = fmt.Sprintf("row %d now holds no client", m.Row)
	default:
		why = fmt.Sprintf("row %d now holds client %q", m.Row, contract.KeyText(m.NowClient))
	}
	if m.Moved {
		return fmt.Sprintf("%s: %s; check %s from row %d on by hand", cell, why, m.Tab, m.Row+1)
	}
	what := fmt.Sprintf("wrote %s %q", m.Header, val)
	if k := contract.KeyText(m.Client); k != "" {
		what += fmt.Sprintf(" for client %q", k)
	}
	todo := "the next run puts the job's columns right"
	if m.ByHand {
		todo = "check this cell by hand: the next run does not overwrite it"
	}
	return fmt.Sprintf("%s: %s, but %s; %s", cell, what, why, todo)
}

// MisplacedError lists the misplaced cells; it wraps ErrMisplaced.
type MisplacedError struct {
	Cells []Misplaced
}

func (e *MisplacedError) Error() string {
	const shown = 5
	var names []string
	for i, m := range e.Cells {
		if i == shown {
			names = append(names, fmt.Sprintf("and %d more", len(e.Cells)-shown))
			break
		}
		names = append(names, fmt.Sprintf("%s!%s", m.Tab, sheet.CellName(m.Row, m.Col)))
	}
	return fmt.Sprintf("%d written cells are not where they belong: rows or columns were inserted, deleted or sorted during the write (%s); each is named on a line of its own, and the next run rewrites the job's columns",
		len(e.Cells), strings.Join(names, ", "))
}

// Unwrap makes errors.Is find ErrMisplaced.
func (e *MisplacedError) Unwrap() error { return ErrMisplaced }

// Details names each cell on a line of its own, for the run's output.
func (e *MisplacedError) Details() []string {
	out := make([]string, len(e.Cells))
	for i, m := range e.Cells {
		out[i] = m.String()
	}
	return out
}

// misplaced checks one written cell against the read after the write: its
// column must hold the header it was written for, the key columns theirs,
// and its row the client (key and occurrence) it was written for. When
// settling a write whose answer was lost, the header before the write is
// as good (the write may not have been stored).
func misplaced(u placed, before, after *keyIndex, headers map[string]map[int]string, settling bool) (Misplaced, bool) {
	now := after.header[u.Tab]
	head := func(h []sheet.Value, c int) string {
		if c >= 1 && c <= len(h) {
			return strings.TrimSpace(h[c-1].String())
		}
		return ""
	}
	m := Misplaced{Tab: u.Tab, Row: u.Row, Col: u.Col, Header: u.ch.Header, Value: u.Value,
		NowHeader: head(now, u.Col), ByHand: u.ch.BlankOnly}
	if u.Row > 1 {
		m.Client, m.NowClient = u.ch.Key, after.key(u.Tab, u.Row)
	}
	if m.NowHeader != strings.TrimSpace(headers[u.Tab][u.Col]) && !(settling && m.NowHeader == head(before.header[u.Tab], u.Col)) {
		// Under another job column the next run rewrites it; under a
		// manager's column a person decides what the cell should hold.
		m.ByHand = m.ByHand || !after.jobHeaders[u.Tab][parse.Header(m.NowHeader)]
		return m, true
	}
	if u.Row == 1 {
		return m, false
	}
	for _, k := range before.keyCols[u.Tab] {
		if head(now, k) != head(before.header[u.Tab], k) {
			return m, true // the keys moved: no row can be trusted
		}
	}
	if m.NowClient == u.ch.Key && after.occurrence(u.Tab, u.Row) == u.ch.Occurrence {
		return m, false
	}
	// A row of no client is never planned, so no run clears it.
	m.ByHand = m.ByHand || m.NowClient == ""
	return m, true
}
