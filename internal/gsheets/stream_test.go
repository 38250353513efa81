package gsheets

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// reference decodes like the generated client, then types cells with value.
func reference(data []byte) ([]readRange, error) {
	var resp struct {
		ValueRanges []struct {
			Range  string  `json:"range"`
			Values [][]any `json:"values"`
		} `json:"valueRanges"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, err
	}
	var out []readRange
	for _, vr := range resp.ValueRanges {
		title, _, _, _, _, _ := parseRange(vr.Range)
		b := sheet.NewTabBuilder(title, nil)
		for i, row := range vr.Values {
			vals := []sheet.Value{}
			for _, v := range row {
				switch v.(type) {
				case map[string]any, []any:
					return nil, errors.New("nested")
				}
				vals = append(vals, value(v))
			}
			b.Row(i+1, vals)
		}
		out = append(out, readRange{rng: vr.Range, tab: b.Tab()})
	}
	return out, nil
}

var batchGetSamples = []string{
	`{"spreadsheetId":"x","valueRanges":[{"range":"'申込'!A1:Z1000","majorDimension":"ROWS","values":[["クライアントID","申込日"],["10001",46350,true,false,null,""],[],["a\"b\\c\/d\n\t\u00e9\ud83d\ude00 \u2028", -1.5e-7, 1e300, 0, -0]]},{"range":"Sheet1!A1:Z1000"}]}`,
	"{\n  \"valueRanges\": [\n    {\n      \"range\": \"'It''s'!A1:B2\",\n      \"values\": [\n        [\n          \"x\",\n          12\n        ]\n      ]\n    }\n  ],\n  \"other\": {\"a\":[1,{\"b\":null}],\"c\":\"}\"}\n}\n",
	`{"valueRanges":[]}`,
	`{}`,
	`{"valueRanges":[{"values":[["\ud800 lone", "\udc00", "\ud83d\u0041", "bad utf8 ` + "\xff\xfe" + `", "<&>"]]}]}`,
}

func TestDecodeBatchGetMatchesEncodingJSON(t *testing.T) {
	for _, s := range batchGetSamples {
		want, err := reference([]byte(s))
		if err != nil {
			t.Fatalf("reference: %v\n%s", err, s)
		}
		got, err := decodeBatchGet(strings.NewReader(s), nil)
		if err != nil {
			t.Fatalf("decode: %v\n%s", err, s)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decode\n got  %+v\n want %+v", got, want)
		}
	}
}

func TestDecodeBatchGetErrors(t *testing.T) {
	for _, s := range []string{
		``, `{"valueRanges":[{"values":[["a"`, `{"valueRanges":[{"values":[[{"a":1}]]}]}`,
		`{"valueRanges":[{"values":[[tru]]}]}`, `{"valueRanges" [] }`, `{"a":1}x`, `{"valueRanges":[{"values":[[1 2]]}]}`,
		`{"valueRanges":[{"values":[["a` + "\x01" + `"]]}]}`, `{"valueRanges":[{"values":[["\x"]]}]}`, `{"valueRanges":[{"values":[[-]]}]}`,
	} {
		if _, err := decodeBatchGet(strings.NewReader(s), nil); err == nil {
			t.Errorf("no error for %q", s)
		}
	}
	// A cut-off answer is retried as a network error.
	_, err := decodeBatchGet(strings.NewReader(`{"valueRanges":[{"values":[["abc`), nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
}

// FuzzDecodeBatchGet: whatever the body, no panic; on a body encoding/json
// accepts, the same cells.
func FuzzDecodeBatchGet(f *testing.F) {
	for _, s := range batchGetSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeBatchGet(strings.NewReader(string(data)), nil)
		want, refErr := reference(data)
		if refErr != nil || !json.Valid(data) {
			return
		}
		if err != nil {
			t.Fatalf("decode failed on a valid answer: %v\n%q", err, data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decode\n got  %+v\n want %+v\n%q", got, want, data)
		}
	})
}

// A range Google echoes from the tab's first row says how many rows the
// tab's grid holds: a reader handed the rows is told to expect them.
func TestDecodeBatchGetTellsTheGridRows(t *testing.T) {
	tests := []struct {
		rng  string
		want int
	}{
		{`'申込'!A1:Z1000`, 1000},
		{`Sheet1!A1:D2`, 2},
		{`Sheet1!A5:D9`, 0}, // a window, not the tab
	}
	for _, tt := range tests {
		told := 0
		keep := func(string, []sheet.Value) sheet.Keep {
			return sheet.Keep{Rows: func(int, []sheet.Value) {}, Expect: func(rows int) { told = rows }}
		}
		body := `{"valueRanges":[{"range":` + strconv.Quote(tt.rng) + `,"values":[["h"],["a"]]}]}`
		if _, err := decodeBatchGet(strings.NewReader(body), keep); err != nil {
			t.Fatal(err)
		}
		if told != tt.want {
			t.Errorf("%s: told %d rows, want %d", tt.rng, told, tt.want)
		}
	}
}
