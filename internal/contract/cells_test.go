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
		if got, want := parse.Text(v), strings.TrimSpace(v.String()); got != want {
			t.Errorf("parse.Text(%#v) = %q, want %q", v, got, want)
		}
		trimmed := sheet.Value{Kind: v.Kind, Num: v.Num, Str: strings.TrimSpace(v.Str)}
		gc, gok := sheet.ErrorValue(v)
		wc, wok := sheet.ErrorValue(trimmed)
		if gc != wc || gok != wok {
			t.Errorf("sheet.ErrorValue(%#v) = %q %v, trimmed %q %v", v, gc, gok, wc, wok)
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
