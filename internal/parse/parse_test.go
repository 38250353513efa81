package parse

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/sheet"
)

func TestHeader(t *testing.T) {
	tests := []struct{ a, b string }{
		{"クライアントID", "クライアントＩＤ"},
		{"クライアントID", " クライアント ID "},
		{"クライアントID", "（クライアントID）"},
		{"クライアントID", "【クライアントID】"},
		{"client_id", "Client ID"},
		{"client_id", "CLIENT_ID"},
		{"確認:LINE公式アカウント", "確認：ＬＩＮＥ公式アカウント"},
		{"ITリテラシー", "ＩＴリテラシー"},
		{"Messaging API", "messagingapi"},
		{"LINEビジネスID作成済", "LINE ビジネスID 作成済"},
	}
	for _, tt := range tests {
		if Header(tt.a) != Header(tt.b) {
			t.Errorf("Header(%q)=%q != Header(%q)=%q", tt.a, Header(tt.a), tt.b, Header(tt.b))
		}
	}
	if Header("申込日") == Header("申込") {
		t.Error("different headers must not match")
	}
}

func TestYesNo(t *testing.T) {
	tests := []struct {
		in           sheet.Value
		yes, set, ok bool
	}{
		{sheet.TextValue("あり"), true, true, true},
		{sheet.TextValue("なし"), false, true, true},
		{sheet.TextValue("有"), true, true, true},
		{sheet.TextValue("無"), false, true, true},
		{sheet.TextValue("○"), true, true, true},
		{sheet.TextValue("×"), false, true, true},
		{sheet.TextValue("〇"), true, true, true},
		{sheet.TextValue("✕"), false, true, true},
		{sheet.TextValue("はい"), true, true, true},
		{sheet.TextValue("いいえ"), false, true, true},
		{sheet.TextValue("する"), true, true, true},
		{sheet.TextValue("しない"), false, true, true},
		{sheet.TextValue("使用"), true, true, true},
		{sheet.TextValue("不使用"), false, true, true},
		{sheet.TextValue("済"), true, true, true},
		{sheet.TextValue("未"), false, true, true},
		{sheet.TextValue("YES"), true, true, true},
		{sheet.TextValue(" no "), false, true, true},
		{sheet.TextValue("True"), true, true, true},
		{sheet.TextValue("false"), false, true, true},
		{sheet.TextValue("1"), true, true, true},
		{sheet.TextValue("０"), false, true, true},
		{sheet.BoolValue(true), true, true, true},
		{sheet.BoolValue(false), false, true, true},
		{sheet.NumberValue(1), true, true, true},
		{sheet.NumberValue(0), false, true, true},
		{sheet.NumberValue(2), false, true, false},
		{sheet.Value{}, false, false, true},
		{sheet.TextValue("   "), false, false, true},
		{sheet.TextValue("たぶん"), false, true, false},
		{sheet.TextValue("ありなし"), false, true, false},
	}
	for _, tt := range tests {
		yes, set, ok := YesNo(tt.in)
		if yes != tt.yes || set != tt.set || ok != tt.ok {
			t.Errorf("YesNo(%v %q) = %v,%v,%v; want %v,%v,%v", tt.in.Kind, tt.in.String(), yes, set, ok, tt.yes, tt.set, tt.ok)
		}
	}
}

func TestDate(t *testing.T) {
	want := civil.New(2026, 11, 24)
	good := []sheet.Value{
		sheet.TextValue("2026/11/24"),
		sheet.TextValue("2026-11-24"),
		sheet.TextValue("2026年11月24日"),
		sheet.TextValue("2026/11/24 13:05"),
		// One rule for the time after a date: spaces or an ISO T.
		sheet.TextValue("2026-11-24T13:05"),
		sheet.TextValue("2026-11-24T13:05:09"),
		sheet.TextValue("2026/11/24T13:05"),
		sheet.TextValue("2026-11-24 13:05"),
		sheet.TextValue("２０２６－１１－２４Ｔ１３：０５"),
		sheet.TextValue("２０２６／１１／２４"),
		sheet.TextValue("2026.11.24"),
		sheet.TextValue("20261124"),
		sheet.TextValue("R8.11.24"),
		sheet.TextValue("r8/11/24"),
		sheet.TextValue("令和8年11月24日"),
		sheet.NumberValue(float64(want)),
		sheet.NumberValue(float64(want) + 0.75), // a date-time serial
		{Kind: sheet.Date, Num: float64(want)},
	}
	for _, v := range good {
		d, set, ok := Date(v)
		if !ok || !set || d != want {
			t.Errorf("Date(%v %q) = %v,%v,%v; want %v", v.Kind, v.String(), d, set, ok, want)
		}
	}
	if d, _, ok := Date(sheet.TextValue("令和元年5月1日")); !ok || d != civil.New(2019, 5, 1) {
		t.Errorf("令和元年: got %v %v", d, ok)
	}
	bad := []sheet.Value{
		sheet.TextValue("来週"), sheet.TextValue("2026/02/30"), sheet.TextValue("2026/13/01"),
		sheet.TextValue("11/24"), sheet.TextValue("2026/11/24/1"), sheet.NumberValue(-5),
		sheet.NumberValue(1e12), sheet.BoolValue(true),
		// A time that is not one, with either separator.
		sheet.TextValue("2026/11/24 25:00"), sheet.TextValue("2026-11-24T25:00"), sheet.TextValue("2026-11-24T10:60"),
		sheet.TextValue("2026-11-24T"), sheet.TextValue("2026-11-24X10:00"),
		// Outside the one range the calendar holds (civil.Min to civil.Max).
		sheet.TextValue("10000/01/01"), sheet.TextValue("1899/12/31"), sheet.TextValue("令和9999年1月1日"),
		sheet.NumberValue(float64(civil.Max) + 1), sheet.NumberValue(float64(civil.Min) - 0.5),
	}
	for _, v := range bad {
		if _, set, ok := Date(v); ok || !set {
			t.Errorf("Date(%q) accepted; want a problem", v.String())
		}
	}
	if _, set, ok := Date(sheet.Value{}); set || !ok {
		t.Error("an empty cell is an unset date, not a problem")
	}
}

// TestDateFarFuture: dates centuries ahead are the dates typed, never a
// date wrapped into another month (a time.Duration stops at 292 years).
func TestDateFarFuture(t *testing.T) {
	for _, c := range []struct {
		in   sheet.Value
		want string
	}{
		{sheet.TextValue("9999/12/31"), "9999/12/31"},
		{sheet.TextValue("2500/06/15"), "2500/06/15"},
		{sheet.TextValue("2192-01-01T00:00"), "2192/01/01"},
		{sheet.TextValue("1900/01/01"), "1900/01/01"},
		{sheet.NumberValue(float64(civil.Max)), "9999/12/31"},
		{sheet.Value{Kind: sheet.Date, Num: float64(civil.Max) + 0.99}, "9999/12/31"},
		{sheet.NumberValue(float64(civil.Min)), "1900/01/01"},
	} {
		d, set, ok := Date(c.in)
		if !ok || !set || d.String() != c.want {
			t.Errorf("Date(%v %q) = %q,%v,%v; want %s", c.in.Kind, c.in.String(), d.String(), set, ok, c.want)
		}
		if !d.Valid() {
			t.Errorf("Date(%q) = %d outside [civil.Min, civil.Max]", c.in.String(), d)
		}
	}
}

func TestClientID(t *testing.T) {
	tests := []struct {
		in   sheet.Value
		want string
	}{
		{sheet.TextValue("１０００１"), "10001"},
		{sheet.TextValue(" 10001 "), "10001"},
		{sheet.NumberValue(10001), "10001"},
		{sheet.NumberValue(10001.5), "10001.5"},
		{sheet.TextValue("C-0001"), "C-0001"},
		{sheet.Value{}, ""},
	}
	for _, tt := range tests {
		if got := ClientID(tt.in); got != tt.want {
			t.Errorf("ClientID(%q) = %q, want %q", tt.in.String(), got, tt.want)
		}
	}
}

func TestEmail(t *testing.T) {
	if a, set, ok := Email(sheet.TextValue(" Support_10001＠Uetaya.com ")); !ok || !set || a != "support_10001@uetaya.com" {
		t.Errorf("got %q %v %v", a, set, ok)
	}
	for _, s := range []string{"support_10001", "Taro <t@example.jp>", "a@b@c"} {
		if _, set, ok := Email(sheet.TextValue(s)); ok || !set {
			t.Errorf("Email(%q) accepted", s)
		}
	}
}

func FuzzHeader(f *testing.F) {
	for _, s := range []string{"クライアントID", "（確認：ＬＩＮＥ公式アカウント）", "client_id", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := Header(s)
		if Header(h) != h {
			t.Errorf("Header is not idempotent on %q: %q then %q", s, h, Header(h))
		}
		if strings.ContainsAny(h, " \t_()") {
			t.Errorf("Header(%q) = %q still holds a space, underscore or bracket", s, h)
		}
	})
}

func FuzzYesNo(f *testing.F) {
	for _, s := range []string{"あり", "なし", "たぶん", "", " YES ", "〇"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		yes, set, ok := YesNo(sheet.TextValue(s))
		if !set && (yes || !ok) {
			t.Errorf("YesNo(%q): unset must be (false, false, true), got %v %v %v", s, yes, set, ok)
		}
		if !ok && yes {
			t.Errorf("YesNo(%q): a rejected word cannot be yes", s)
		}
	})
}

// ymdPrefix matches plain ASCII y/m/d or y-m-d text, whose accepted
// date must read as typed.
var ymdPrefix = regexp.MustCompile(`^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:$|[ T])`)

func FuzzDate(f *testing.F) {
	for _, s := range []string{"2026/11/24", "2026年11月24日", "R8.11.24", "令和元年1月1日", "20261124", "9999/12/31", "1900/01/01"} {
		f.Add(s, 46350.0)
	}
	for _, s := range []string{"2500/06/15", "2026-12-03T10:00", "2026/12/03 10:00", "9999-12-31T23:59:59"} {
		f.Add(s, 2958465.5)
	}
	f.Fuzz(func(t *testing.T, s string, n float64) {
		var dates []civil.Date
		for _, v := range []sheet.Value{sheet.TextValue(s), sheet.NumberValue(n)} {
			d, set, ok := Date(v)
			if !ok || !set {
				continue
			}
			if !d.Valid() {
				t.Errorf("Date(%q) = %d outside [civil.Min, civil.Max]", v.String(), d)
			}
			// What was accepted reads back the same from its rendering, as
			// text and as a date cell.
			again, _, ok2 := Date(sheet.TextValue(d.String()))
			cell, _, ok3 := Date(sheet.DayValue(d))
			if !ok2 || again != d || !ok3 || cell != d {
				t.Errorf("Date(%q) = %d (%s) does not round-trip: text %d %v, cell %d %v", v.String(), d, d, again, ok2, cell, ok3)
			}
			if v.Kind == sheet.Number && d != civil.Date(math.Floor(n)) {
				t.Errorf("Date(%v) = %d, want the serial's day", n, d)
			}
			// A typed y/m/d is the date shown, never one wrapped into range.
			if m := ymdPrefix.FindStringSubmatch(s); m != nil && v.Kind == sheet.Text {
				y, _ := strconv.Atoi(m[1])
				mo, _ := strconv.Atoi(m[2])
				day, _ := strconv.Atoi(m[3])
				if want := fmt.Sprintf("%04d/%02d/%02d", y, mo, day); d.String() != want {
					t.Errorf("Date(%q) = %s, want %s", s, d, want)
				}
			}
			dates = append(dates, d)
		}
		// Day numbers order as the calendar does: yyyy/mm/dd compares as text.
		if len(dates) == 2 {
			a, b := dates[0], dates[1]
			if (a < b) != (a.String() < b.String()) || (a == b) != (a.String() == b.String()) {
				t.Errorf("order: %d (%s) vs %d (%s)", a, a, b, b)
			}
		}
	})
}

func FuzzClientID(f *testing.F) {
	for _, s := range []string{"10001", "１０００１", " 1 0 0 0 1 ", "C-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := ClientID(sheet.TextValue(s))
		if ClientID(sheet.TextValue(id)) != id {
			t.Errorf("ClientID is not idempotent on %q", s)
		}
		if strings.ContainsAny(id, " \t\n\u3000") {
			t.Errorf("ClientID(%q) = %q keeps a space", s, id)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"support_10001@uetaya.com", "a＠b.jp", "<x@y>", "\"q\"@z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, set, ok := Email(sheet.TextValue(s))
		if ok && set && !strings.Contains(addr, "@") {
			t.Errorf("Email(%q) = %q accepted without @", s, addr)
		}
	})
}
