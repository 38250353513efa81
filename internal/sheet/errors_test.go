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
