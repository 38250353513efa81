package gsheets

import (
	"encoding/json"
	"reflect"
	"testing"

	"onboard/internal/sheet"
)

func u(tab string, row, col int, s string) sheet.Update {
	return sheet.Update{Tab: tab, Row: row, Col: col, Value: sheet.TextValue(s)}
}

func ranges(bs []*block) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.rangeName())
	}
	return out
}

func TestMergeIntoRectangles(t *testing.T) {
	var us []sheet.Update
	// The seven job columns of rows 2..4, given in no particular order.
	for r := 4; r >= 2; r-- {
		for c := 19; c >= 13; c-- {
			us = append(us, u("申込", r, c, "x"))
		}
	}
	us = append(us,
		u("申込", 10, 1, "a"), u("申込", 10, 3, "b"), // a gap of one: bridged by a null
		u("申込", 12, 1, "a"), u("申込", 12, 20, "b"), // far apart: two ranges
		u("セッション", 2, 16, "c"), u("セッション", 3, 16, "c"), u("セッション", 5, 16, "c"),
		u("申込", 2, 13, "last wins"),
	)
	bs := merge(us, 1<<20)
	want := []string{"'セッション'!P2:P3", "'セッション'!P5", "'申込'!M2:S4", "'申込'!A10:C10", "'申込'!A12", "'申込'!T12"}
	if got := ranges(bs); !reflect.DeepEqual(got, want) {
		t.Errorf("ranges %v, want %v", got, want)
	}
	if got := bs[2].vals[0][0]; got != "last wins" {
		t.Errorf("M2 = %v", got)
	}
	if got := bs[3].vals[0]; !reflect.DeepEqual(got, []any{"a", nil, "b"}) {
		t.Errorf("A10:C10 = %#v", got)
	}
}

func TestMergeCapsBlocksAndBatches(t *testing.T) {
	var us []sheet.Update
	for r := 2; r <= 1001; r++ {
		for c := 13; c <= 19; c++ {
			us = append(us, u("申込", r, c, "次のアクション: 初期設定セッションを予約する"))
		}
	}
	const maxBody = 50_000
	bs := merge(us, maxBody/4)
	if len(bs) < 4 {
		t.Fatalf("%d blocks", len(bs))
	}
	rows := 0
	for _, b := range bs {
		rows += len(b.vals)
		body, _ := json.Marshal(map[string]any{"range": b.rangeName(), "values": b.vals})
		if len(body) > b.size || b.size > maxBody/4+2000 {
			t.Errorf("block %s: estimated %d bytes, encoded %d", b.rangeName(), b.size, len(body))
		}
	}
	if rows != 1000 {
		t.Errorf("%d rows in blocks", rows)
	}
	for _, batch := range batches(bs, maxBody) {
		var data []map[string]any
		for _, b := range batch {
			data = append(data, map[string]any{"range": b.rangeName(), "values": b.vals})
		}
		body, _ := json.Marshal(map[string]any{"valueInputOption": "RAW", "data": data})
		if len(body) > maxBody {
			t.Errorf("a request of %d bytes", len(body))
		}
	}
}

func TestJSONSizeErrsHigh(t *testing.T) {
	for _, v := range []any{"", "abc", "③(確認) ④(確認) ⑤", "<a href=\"x\">&</a>\n\t\\", "\x01\u2028", string([]byte{0xff, 'a'}),
		0.0, 46351.0, -1e9, 1.5e-7, 1e300, 0.1, true, false, nil} {
		b, _ := json.Marshal(v)
		if got := jsonSize(v); got < len(b)+1 {
			t.Errorf("jsonSize(%#v) = %d, encoded %d bytes plus a comma", v, got, len(b))
		}
	}
}

func TestParseRange(t *testing.T) {
	for in, want := range map[string][5]any{
		"'申込'!A1:Z1000":     {"申込", 1, 1, 1000, 26},
		"Sheet1!B2":         {"Sheet1", 2, 2, 2, 2},
		"'It''s'!A1:AA1":    {"It's", 1, 1, 1, 27},
		"'a!b'!C3:D4":       {"a!b", 3, 3, 4, 4},
		"'申込'!A1:A1000":     {"申込", 1, 1, 1000, 1},
		"'x":                {},
		"Sheet1":            {},
		"Sheet1!1:1":        {},
		"'open!A1":          {},
		"'s'!A0":            {},
		"'s'!" + "ZZZZZ1":   {},
		"'s'!A1:B":          {},
		"'quoted'":          {},
		"'s'!A1:B2:C3extra": {},
	} {
		title, r0, c0, r1, c1, ok := parseRange(in)
		got := [5]any{title, r0, c0, r1, c1}
		if !ok {
			got = [5]any{}
		}
		if got != want {
			t.Errorf("parseRange(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
}
