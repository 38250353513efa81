package sheet

import (
	"strings"
	"unicode/utf8"
)

// StorableText returns s as every backend stores it and reads it back
// unchanged, so that text the job plans equals what the next run reads and
// a second sync writes nothing. An .xlsx file (XML 1.0) cannot hold the
// control characters other than tab, newline and carriage return, nor
// U+FFFE and U+FFFF (excelize stores them as U+FFFD); Google would keep them,
// invisible. They become visible instead, the same on both backends: a
// control character its symbol (U+0001 → ␁, U+007F → ␡), the two
// non-characters and any invalid UTF-8 (a lone surrogate) U+FFFD.
func StorableText(s string) string {
	if storable(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7F:
			b.WriteRune('\u2421') // ␡
		case r == 0xFFFE || r == 0xFFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// storable is StorableText's fast path: plain text is returned as it is.
func storable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7F:
			return false
		case c >= utf8.RuneSelf:
			// U+FFFE and U+FFFF are EF BF BE and EF BF BF.
			if c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
				return false
			}
		}
	}
	return utf8.ValidString(s)
}

// Storable returns a text value with its text made storable (StorableText);
// other values are returned as they are.
func Storable(v Value) Value {
	if v.Kind == Text {
		v.Str = StorableText(v.Str)
	}
	return v
}
