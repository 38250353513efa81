package sheet

import "testing"

func TestErrorValue(t *testing.T) {
	for _, code := range []string{"#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#N/A", "#REF!", "#ERROR!", "#SPILL!", "#CALC!"} {
		for _, typed := range []string{code, " " + code + " ", "\t" + code + "\n"} {
			got, ok := ErrorValue(TextValue(typed))
			if !ok || got != code {
				t.Errorf("ErrorValue(%q) = %q, %v; want %q", typed, got, ok, code)
			}
		}
	}
	if got, ok := ErrorValue(TextValue("#n/a")); !ok || got != "#N/A" {
		t.Errorf("lower case: %q %v", got, ok)
	}
	for _, v := range []Value{
		TextValue("#"), TextValue("#1"), TextValue("#DIV/0"), TextValue("# N/A"), TextValue("#N/A 確認"),
		TextValue("N/A"), TextValue("n/a"), TextValue("#タグ"), TextValue("DIV/0!"), NumberValue(7), {},
	} {
		if code, ok := ErrorValue(v); ok {
			t.Errorf("ErrorValue(%v %q) = %q: not an error value", v.Kind, v.String(), code)
		}
	}
}

func TestIsEmpty(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		want bool
	}{
		{Value{}, true},
		{TextValue(""), true},
		{TextValue(" \t\n"), true},
		{TextValue("\u3000 \u00a0"), true}, // full-width and no-break spaces
		{TextValue("\u3000完了"), false},
		{TextValue("完了\u3000"), false},
		{TextValue(" x "), false},
		{NumberValue(0), false},
	} {
		if got := tc.v.IsEmpty(); got != tc.want {
			t.Errorf("%v %q: IsEmpty() = %v, want %v", tc.v.Kind, tc.v.Str, got, tc.want)
		}
	}
}
