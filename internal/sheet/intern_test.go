package sheet

import (
	"strings"
	"testing"
	"unsafe"
)

func TestInternerHandsOutOneStringForRepeatedTexts(t *testing.T) {
	var in Interner
	long := strings.Repeat("長", internMax)
	for _, text := range []string{"完了", "", "なし", long} {
		a, b := in.Of([]byte(text)), in.Of([]byte(text))
		if a != text || b != text {
			t.Fatalf("Of(%q) = %q, %q", text, a, b)
		}
		same := unsafe.StringData(a) == unsafe.StringData(b)
		if want := len(text) <= internMax; len(text) > 0 && same != want {
			t.Errorf("Of(%q) twice: one string %v, want %v", text, same, want)
		}
	}
}
