package report

import "onboard/internal/textfit"

// widthTracker keeps the widest cell of each column.
type widthTracker []int

func (t widthTracker) text(col int, s string) {
	if w := textfit.Width(s); w > t[col] {
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
