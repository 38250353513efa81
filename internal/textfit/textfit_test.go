package textfit_test

import (
	"strings"
	"testing"

	"onboard/internal/textfit"
)

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"完了", 4},
		{"① ②", 5},      // ambiguous: wide in Japanese fonts
		{"ab\n完了です", 8}, // the longest line
		{"ｱｲｳ", 3},      // halfwidth katakana: narrow
	} {
		if got := textfit.Width(tc.s); got != tc.want {
			t.Errorf("Width(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name        string
		s           string
		width, size float64
		want        int
	}{
		{"empty", "", 24, 11, 1},
		{"fits", strings.Repeat("a", 22), 24, 11, 1},
		{"one past", strings.Repeat("a", 23), 24, 11, 2},
		{"wide characters count two", strings.Repeat("完", 12), 24, 11, 2},
		{"each line wraps on its own", strings.Repeat("a", 30) + "\nb\n", 24, 11, 4},
		{"a larger font takes more room", strings.Repeat("a", 20), 24, 22, 2},
		{"a narrow column still fits a character a line", "abc", 1, 11, 3},
		{"a word goes whole to the next line", strings.Repeat("a", 12) + " " + strings.Repeat("b", 12) + " " + strings.Repeat("c", 12), 24, 11, 3},
		{"a word longer than a line breaks inside", strings.Repeat("a", 50), 24, 11, 3},
		{"Japanese breaks between any two characters", strings.Repeat("確", 11) + "あ", 24, 11, 2},
	} {
		if got := textfit.Lines(tc.s, tc.width, tc.size, 11); got != tc.want {
			t.Errorf("%s: Lines(%q, %v) = %d, want %d", tc.name, tc.s, tc.width, got, tc.want)
		}
	}
}

func TestRowHeight(t *testing.T) {
	prev := 0.0
	for lines := 1; lines <= 10; lines++ {
		h := textfit.RowHeight(lines, 11)
		if h <= prev || h < float64(lines)*11 || h*4 != float64(int(h*4)) {
			t.Errorf("RowHeight(%d, 11) = %v after %v: want growing, at least a font size a line, in quarter points", lines, h, prev)
		}
		prev = h
	}
}
