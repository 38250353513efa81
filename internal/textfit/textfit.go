// Package textfit estimates the room a text needs in a spreadsheet cell:
// its width in Excel's character units, and the lines and row height it
// takes when it wraps in a column. Spreadsheet applications fit a row to
// its wrapped text only when they lay the row out themselves (Google
// Sheets, Excel on an edit); LibreOffice opening an .xlsx keeps the
// stored height, so the files the job writes carry one.
package textfit

import (
	"math"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width is how many Excel character units a text needs: Japanese
// (East Asian wide and fullwidth) characters take two, and so do the
// ambiguous ones (①, ○, ×, ・), which Japanese fonts draw wide. For
// multi-line text the longest line counts.
func Width(s string) int {
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
		n += runeWidth(r)
	}
	return max(longest, n)
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 2
	}
	return 1
}

// cellPadding is the part of a column's width a cell's text cannot use
// (Excel's 5 px of margin, and a little for a line that breaks before a
// word rather than inside it).
const cellPadding = 1.5

// Lines is how many lines s takes when it wraps in a column colWidth
// characters wide: each of its own lines, split where it passes the
// column's width. A text of fontSize points other than the sheet's
// baseSize takes room in proportion. The empty text takes one line.
func Lines(s string, colWidth, fontSize, baseSize float64) int {
	usable := colWidth - cellPadding
	if baseSize > 0 && fontSize > 0 {
		usable *= baseSize / fontSize
	}
	usable = max(usable, 1)
	lines, n := 0, 0
	flush := func() {
		lines += max(1, int(math.Ceil(float64(n)/usable)))
		n = 0
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b == '\n' {
				flush()
			} else {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += runeWidth(r)
	}
	flush()
	return lines
}

// lineSpacing is a line's height over its font size: Japanese fonts
// (Yu Gothic, Noto Sans CJK) draw lines about 1.4 em apart.
const lineSpacing = 1.4

// RowHeight is the height in points of a row showing lines lines of
// fontSize-point text, rounded up to a quarter point.
func RowHeight(lines int, fontSize float64) float64 {
	h := float64(lines)*fontSize*lineSpacing + 2
	return math.Ceil(h*4) / 4
}

// MaxLines caps the lines a row is sized for, so that one runaway cell
// does not make a row taller than a screen; the cell shows the rest when
// selected.
const MaxLines = 6
