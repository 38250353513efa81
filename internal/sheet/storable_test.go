package sheet

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStorableText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain テキスト ③(確認)", "plain テキスト ③(確認)"},
		{"tab\tnew\nline\r\nend", "tab\tnew\nline\r\nend"},
		{"a\x00b", "a␀b"},
		{"a\x01b\x1fc", "a␁b␟c"},
		{"del\x7f", "del␡"},
		{"\ufffe\uffff", "\ufffd\ufffd"},
		{"lone surrogate \xed\xa0\x80 and \xff", "lone surrogate \ufffd and \ufffd"},
		{"\u0085\u2028\u200b\U0001FFFE", "\u0085\u2028\u200b\U0001FFFE"}, // XML 1.0 holds these
		{"_x0041_", "_x0041_"}, // a backend's own escaping is the backend's business
	} {
		if got := StorableText(tc.in); got != tc.want {
			t.Errorf("StorableText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStorableTextEveryRune: for every rune of the Basic Multilingual
// Plane's control and special ranges, the result holds no character an
// .xlsx cannot, is valid UTF-8, keeps the rune count, and is a fixed point.
func TestStorableTextEveryRune(t *testing.T) {
	var runes []rune
	for r := rune(0); r < 0x100; r++ {
		runes = append(runes, r)
	}
	runes = append(runes, 0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF)
	for _, r := range runes {
		in := "a" + string(r) + "b"
		got := StorableText(in)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) != 3 || StorableText(got) != got {
			t.Errorf("StorableText(%q) = %q", in, got)
		}
		for _, c := range got {
			if (c < 0x20 && !strings.ContainsRune("\t\n\r", c)) || c == 0x7F || c == 0xFFFE || c == 0xFFFF {
				t.Errorf("StorableText(%q) = %q keeps %U", in, got, c)
			}
		}
	}
}
