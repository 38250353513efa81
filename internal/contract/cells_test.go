package contract

import (
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// The per-cell readers agree with the functions they stand for.
func TestCellReadersAgree(t *testing.T) {
	texts := []string{"", "a", " a", "a ", "完了", "　完了", "完了　", "\u00a0x", "x\u2003", "#N/A", " #div/0! ", "　#REF!",
		"#x", "##", "#NAME?x", "\xff", "a\xff", "Foo@Example.com", "foo@example.com", "foo.@example.com", " foo@example.com", "ｆｏｏ@example.com"}
	vals := []sheet.Value{{}, sheet.NumberValue(3), sheet.BoolValue(true), {Kind: sheet.Date, Num: 46000}}
	for _, s := range texts {
		vals = append(vals, sheet.Value{Kind: sheet.Text, Str: s})
	}
	for _, v := range vals {
		if got, want := textOf(v), parse.Text(v); got != want {
			t.Errorf("textOf(%#v) = %q, parse.Text %q", v, got, want)
		}
		gc, gok := errorValue(v)
		wc, wok := sheet.ErrorValue(v)
		if gc != wc || gok != wok {
			t.Errorf("errorValue(%#v) = %q %v, sheet.ErrorValue %q %v", v, gc, gok, wc, wok)
		}
		e, _, _ := parse.Email(v)
		if got, want := emailKey(v), strings.ToLower(e); got != want {
			t.Errorf("emailKey(%#v) = %q, want %q", v, got, want)
		}
	}
}

func TestSessionKeyWritesTheDate(t *testing.T) {
	for d := civil.Min; d <= civil.Max; d += 97 {
		if got, want := sessionKey("C1", d), "C1\x00"+d.String(); got != want {
			t.Fatalf("sessionKey(%d) = %q, want %q", d, got, want)
		}
	}
	if got := sessionKey("C1", civil.Max); got != "C1\x009999/12/31" {
		t.Errorf("sessionKey(Max) = %q", got)
	}
}
