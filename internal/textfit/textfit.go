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
// characters wide: each of its own lines, broken as a spreadsheet breaks
// them, before a word of ASCII letters that would pass the column's edge
// (inside it only when the word is longer than a line) and between any
// two Japanese characters. A text of fontSize points other than the
// sheet's baseSize takes room in proportion. The empty text takes one line.
func Lines(s string, colWidth, fontSize, baseSize float64) int {
	usable := colWidth - cellPadding
	if baseSize > 0 && fontSize > 0 {
		usable *= baseSize / fontSize
	}
	usable = max(usable, 1)
	lines, n := 1, 0.0 // the lines so far, and the units on the last
	put := func(w float64) {
		if n > 0 && n+w > usable {
			lines++
			n = 0
		}
		n += w
	}
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b == '\n':
			lines++
			n = 0
			i++
		case b == ' ' || b == '\t':
			n++ // a space at the edge does not start a line
			i++
		case b < utf8.RuneSelf:
			j := i
			for j < len(s) && s[j] < utf8.RuneSelf && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' {
				j++
			}
			w := 0.0
			for _, c := range []byte(s[i:j]) {
				w += asciiWidth(c)
			}
			if w <= usable {
				put(w)
			} else {
				for _, c := range []byte(s[i:j]) {
					put(asciiWidth(c))
				}
			}
			i = j
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			put(float64(runeWidth(r)))
			i += size
		}
	}
	return lines
}

// asciiWidth is an ASCII character's width in a proportional font,
// against the digit width that column widths count: capitals and @ are
// wider (Messaging API, LINE Developers, e-mail addresses).
func asciiWidth(c byte) float64 {
	if (c >= 'A' && c <= 'Z') || c == '@' || c == 'm' || c == 'w' {
		return 1.25
	}
	return 1
}

// lineSpacing is a line's height over its font size: Japanese fonts
// (Yu Gothic, Noto Sans CJK) draw lines about 1.45 em apart.
const lineSpacing = 1.45

// RowHeight is the height in points of a row showing lines lines of
// fontSize-point text, rounded up to a quarter point.
func RowHeight(lines int, fontSize float64) float64 {
	h := float64(lines)*fontSize*lineSpacing + 4 // and the cell margins
	return math.Ceil(h*4) / 4
}

// MaxLines caps the lines a row is sized for, so that one runaway cell
// does not make a row taller than a screen (the cell shows the rest when
// selected). It is high enough for the longest text the job writes: the
// セッション準備 tab's 作業（順に）, up to five instructions of three lines.
const MaxLines = 20
