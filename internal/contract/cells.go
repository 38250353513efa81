package contract

import (
	"strings"

	"onboard/internal/civil"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// The readers below run for every cell of the contract tabs: each is
// what the function it names returns, with the cells most sheets hold
// answered without a map lookup.

// emailKey is the pool's row key of an address cell: parse.Email's
// address, lower case.
func emailKey(v sheet.Value) string {
	if v.Kind == sheet.Text && plainEmail(v.Str) {
		return v.Str // lower case already, and what parse.Email returns
	}
	e, _, _ := parse.Email(v)
	return strings.ToLower(e)
}

// sessionKey is a session row's key: its client and, after a NUL, its
// date as civil.Date.String writes it, in one allocation.
func sessionKey(id string, day civil.Date) string {
	var buf [64]byte
	return string(day.AppendTo(append(append(buf[:0], id...), 0)))
}

// memo is the last text a column's cells were read from and what it was
// read as: the cells of a yes/no or result column repeat a few words, and
// reading one is a function of the cell alone.
type memo[T any] struct {
	text string
	v    T
	ok   bool
}

// remembered is read(r, f), the same as last time for the same text; a
// text that made a problem is not remembered, so that each row has its
// own.
func remembered[T any](m *memo[T], r *rowReader, f field, read func(*rowReader, field) T) T {
	v := r.cell(f)
	if v.Kind != sheet.Text {
		return read(r, f)
	}
	if m.ok && v.Str == m.text {
		return m.v
	}
	n := len(r.problems)
	out := read(r, f)
	if len(r.problems) == n {
		*m = memo[T]{text: v.Str, v: out, ok: true}
	}
	return out
}
