package report

import (
	"unicode/utf8"

	"golang.org/x/text/width"
)

// displayWidth is how many Excel character units a text needs: Japanese
// (East Asian wide and fullwidth) characters take two, and so do the
// ambiguous ones (①, ○, ×, ・), which Japanese fonts draw wide. For
// multi-line text the longest line counts.
func displayWidth(s string) int {
	longest, n := 0, 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf { // ASCII: the common case, without a table lookup
			if b == '\n' {
				longest, n = max(longest, n), 0
			} else {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return max(longest, n)
}

// widthTracker keeps the widest cell of each column.
type widthTracker []int

func (t widthTracker) text(col int, s string) {
	if w := displayWidth(s); w > t[col] {
		t[col] = w
	}
}

func (t widthTracker) atLeast(col, w int) {
	if w > t[col] {
		t[col] = w
	}
}

// columnWidth turns a character count into a bounded column width.
func (w Widths) columnWidth(chars int) float64 {
	return min(max(float64(chars)+w.Padding, w.Min), w.Max)
}
