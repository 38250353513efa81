package contract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"onboard/internal/civil"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// The readers below run for every cell of the contract tabs: each is
// what the function it names returns, with the cells most sheets hold
// (texts with no space at either end, Japanese ones among them) answered
// without TrimSpace's run over both ends or a map lookup.

// isSpace is unicode.IsSpace, answered at once for the letters above
// U+3000, the last space it knows (kana and kanji among them).
func isSpace(r rune) bool { return r <= 0x3000 && unicode.IsSpace(r) }

// edgeSpace reports whether s begins or ends with white space.
func edgeSpace(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return isSpace(first) || isSpace(last)
}

// textOf is parse.Text(v).
func textOf(v sheet.Value) string {
	if v.Kind == sheet.Text && !edgeSpace(v.Str) {
		return v.Str
	}
	return parse.Text(v)
}

// errorValue is sheet.ErrorValue(v): a text whose first letter is
// neither # nor a space is no error value.
func errorValue(v sheet.Value) (string, bool) {
	if v.Kind != sheet.Text {
		return "", false
	}
	if first, _ := utf8.DecodeRuneInString(v.Str); first != '#' && !isSpace(first) {
		return "", false
	}
	return sheet.ErrorValue(v)
}

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
