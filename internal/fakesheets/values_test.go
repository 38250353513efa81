package fakesheets

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// call sends one raw API request and decodes the JSON answer.
func call(t *testing.T, srv *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("building %s %s: %v", method, path, err)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, path, err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v: %s", method, path, err, raw)
	}
	return resp.StatusCode, out
}

// readPath is values.batchGet of one range; query adds parameters.
func readPath(id, rng, query string) string {
	p := "/v4/spreadsheets/" + id + "/values:batchGet?ranges=" + url.QueryEscape(rng)
	if query != "" {
		p += "&" + query
	}
	return p
}

// readOne reads one range and returns its ValueRange, or the error answer.
func readOne(t *testing.T, srv *Server, id, rng, query string) (int, map[string]any) {
	t.Helper()
	code, got := call(t, srv, "GET", readPath(id, rng, query), "")
	if l, ok := got["valueRanges"].([]any); ok && len(l) == 1 {
		return code, l[0].(map[string]any)
	}
	return code, got
}

// writeOne writes one ValueRange body (without its range) through
// values.batchUpdate and returns its response, or the error answer.
func writeOne(t *testing.T, srv *Server, id, rng, input, body string) (int, map[string]any) {
	t.Helper()
	vr := map[string]any{}
	if err := json.Unmarshal([]byte(body), &vr); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	vr["range"] = rng
	b, err := json.Marshal(map[string]any{"valueInputOption": input, "data": []any{vr}})
	if err != nil {
		t.Fatal(err)
	}
	code, got := call(t, srv, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate", string(b))
	if l, ok := got["responses"].([]any); ok && len(l) == 1 {
		return code, l[0].(map[string]any)
	}
	return code, got
}

func errorOf(m map[string]any) (float64, string, string) {
	e, _ := m["error"].(map[string]any)
	code, _ := e["code"].(float64)
	status, _ := e["status"].(string)
	msg, _ := e["message"].(string)
	return code, status, msg
}

func TestReadColumnsAndTrimming(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t", Tab{Title: "Sheet1", Rows: [][]any{
		{"a", nil, "c"},
		nil,
		{nil, "b3"},
	}})
	_, got := readOne(t, srv, id, "Sheet1!A1:D4", "")
	if want := []any{[]any{"a", "", "c"}, []any{}, []any{"", "b3"}}; !reflect.DeepEqual(got["values"], want) {
		t.Errorf("ROWS %v, want %v", got["values"], want)
	}
	_, got = readOne(t, srv, id, "Sheet1!A1:D4", "majorDimension=COLUMNS")
	if want := []any{[]any{"a"}, []any{"", "", "b3"}, []any{"c"}}; !reflect.DeepEqual(got["values"], want) || got["majorDimension"] != "COLUMNS" {
		t.Errorf("COLUMNS %v (%v), want %v", got["values"], got["majorDimension"], want)
	}
	_, got = readOne(t, srv, id, "Sheet1!D1:D9", "")
	if _, ok := got["values"]; ok || got["range"] != "Sheet1!D1:D9" {
		t.Errorf("empty range answered %v", got)
	}
	code, got := readOne(t, srv, id, "Sheet1", "valueRenderOption=PRETTY")
	if c, status, msg := errorOf(got); code != 400 || c != 400 || status != "INVALID_ARGUMENT" || !strings.Contains(msg, "value_render_option") {
		t.Errorf("bad enum: %d %v", code, got)
	}
}

func TestUserEnteredParsingAndRendering(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t")
	body := `{"values":[["42","0042","-1.5e3","2,000,000.01","12.5%","$1,234.5","TRUE","false","'=not a formula","2020-01-01","1/2/2020","2021-02-30","10:30","2020-01-01 10:30", "abc"]]}`
	code, got := writeOne(t, srv, id, "Sheet1!A1", "USER_ENTERED", body)
	if code != 200 || got["updatedCells"] != 15.0 {
		t.Fatalf("update: %d %v", code, got)
	}
	_, formatted := readOne(t, srv, id, "Sheet1!A1:O1", "")
	wantF := []any{"42", "42", "-1500", "2,000,000.01", "12.50%", "$1,234.50", "TRUE", "FALSE", "=not a formula",
		"2020-01-01", "1/2/2020", "2021-02-30", "10:30:00", "2020-01-01 10:30:00", "abc"}
	if !reflect.DeepEqual(formatted["values"], []any{wantF}) {
		t.Errorf("FORMATTED\n got  %v\n want %v", formatted["values"], wantF)
	}
	_, unformatted := readOne(t, srv, id, "Sheet1!A1:O1", "valueRenderOption=UNFORMATTED_VALUE")
	wantU := []any{42.0, 42.0, -1500.0, 2000000.01, 0.125, 1234.5, true, false, "=not a formula",
		43831.0, 43832.0, "2021-02-30", 0.4375, 43831.4375, "abc"}
	if !reflect.DeepEqual(unformatted["values"], []any{wantU}) {
		t.Errorf("UNFORMATTED\n got  %v\n want %v", unformatted["values"], wantU)
	}
	_, dates := readOne(t, srv, id, "Sheet1!J1:K1", "valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING")
	if want := []any{[]any{"2020-01-01", "1/2/2020"}}; !reflect.DeepEqual(dates["values"], want) {
		t.Errorf("FORMATTED_STRING dates %v", dates["values"])
	}

	// RAW keeps strings as text and JSON types as they are.
	writeOne(t, srv, id, "Sheet1!A2", "RAW", `{"values":[["=1+1","42",7,true]]}`)
	_, raw := readOne(t, srv, id, "Sheet1!A2:D2", "valueRenderOption=UNFORMATTED_VALUE")
	if want := []any{[]any{"=1+1", "42", 7.0, true}}; !reflect.DeepEqual(raw["values"], want) {
		t.Errorf("RAW %v, want %v", raw["values"], want)
	}
}

func TestBatchUpdatesAreAtomic(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t")
	code, got := call(t, srv, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate",
		`{"valueInputOption":"RAW","data":[{"range":"Sheet1!A1","values":[["ok"]]},{"range":"Nope!A1","values":[["x"]]}]}`)
	if _, _, msg := errorOf(got); code != 400 || msg != "Invalid data[1]: Unable to parse range: Nope!A1" {
		t.Errorf("values.batchUpdate: %d %v", code, got)
	}
	if v := srv.Cell(id, "Sheet1", 1, 1); v != nil {
		t.Errorf("half-applied values.batchUpdate: A1 = %v", v)
	}
	code, got = call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"addSheet":{"properties":{"title":"New"}}},{"appendDimension":{"sheetId":12345,"dimension":"ROWS","length":1}}]}`)
	if _, status, msg := errorOf(got); code != 400 || status != "INVALID_ARGUMENT" || msg != "Invalid requests[1].appendDimension: No grid with id: 12345" {
		t.Errorf("batchUpdate: %d %v", code, got)
	}
	if tabs := srv.Tabs(id); !reflect.DeepEqual(tabs, []string{"Sheet1"}) {
		t.Errorf("half-applied batchUpdate: tabs %v", tabs)
	}
	code, got = call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate", `{"requests":[{"mergeCells":{}}]}`)
	if _, status, _ := errorOf(got); code != 501 || status != "UNIMPLEMENTED" {
		t.Errorf("unimplemented kind: %d %v", code, got)
	}
	code, got = call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate", `{"requests":[{"makeCoffee":{}}]}`)
	if _, _, msg := errorOf(got); code != 400 || !strings.Contains(msg, `Unknown name "makeCoffee"`) {
		t.Errorf("unknown kind: %d %v", code, got)
	}
	code, got = call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate", `{"requests":[`)
	if _, status, msg := errorOf(got); code != 400 || status != "INVALID_ARGUMENT" || !strings.HasPrefix(msg, "Invalid JSON payload received.") {
		t.Errorf("bad JSON: %d %v", code, got)
	}
}

func TestSheetOperations(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("Made by a test")
	_, created := call(t, srv, "GET", "/v4/spreadsheets/"+id, "")
	want := `[{"properties":{"gridProperties":{"columnCount":26,"rowCount":1000},"index":0,"sheetId":0,"sheetType":"GRID","title":"Sheet1"}}]`
	if got := mustJSON(t, created["sheets"]); got != want {
		t.Errorf("new spreadsheet's sheets %s", got)
	}
	if err := srv.AddTab(id, Tab{Title: "B"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddTab(id, Tab{Title: "C"}); err != nil {
		t.Fatal(err)
	}
	cID, _ := srv.SheetID(id, "C")
	// Index counts positions before the move, as Google documents.
	call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"updateSheetProperties":{"properties":{"sheetId":0,"index":2},"fields":"index"}}]}`)
	if tabs := srv.Tabs(id); !reflect.DeepEqual(tabs, []string{"B", "Sheet1", "C"}) {
		t.Errorf("after move %v", tabs)
	}
	body := `{"requests":[{"updateSheetProperties":{"properties":{"sheetId":` + jsonInt(cID) + `,"title":"Cee","tabColorStyle":{"rgbColor":{"red":1,"blue":0.4980392156862745}},"hidden":true},"fields":"title,tabColorStyle,hidden"}}]}`
	if code, got := call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate", body); code != 200 {
		t.Fatalf("update props: %v", got)
	}
	_, ss := call(t, srv, "GET", "/v4/spreadsheets/"+id+"?fields=sheets(properties(title,hidden,tabColorStyle))", "")
	want = `{"sheets":[{"properties":{"title":"B"}},{"properties":{"title":"Sheet1"}},{"properties":{"hidden":true,"tabColorStyle":{"rgbColor":{"blue":0.49803922,"red":1}},"title":"Cee"}}]}`
	if got := mustJSON(t, ss); got != want {
		t.Errorf("props\n got  %s\n want %s", got, want)
	}

	// The grid grows by appendDimension.
	if err := srv.SetCell(id, "B", 4, 1, "two"); err != nil {
		t.Fatal(err)
	}
	bID, _ := srv.SheetID(id, "B")
	call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"appendDimension":{"sheetId":`+jsonInt(bID)+`,"dimension":"ROWS","length":2}},`+
			`{"appendDimension":{"sheetId":`+jsonInt(bID)+`,"dimension":"COLUMNS","length":3}}]}`)
	_, ss = call(t, srv, "GET", "/v4/spreadsheets/"+id+"?ranges=B!A1", "")
	if got := mustJSON(t, ss["sheets"].([]any)[0].(map[string]any)["properties"].(map[string]any)["gridProperties"]); got != `{"columnCount":29,"rowCount":1002}` {
		t.Errorf("grid after appendDimension %s", got)
	}
	// Shrinking the grid drops data outside it.
	call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"updateSheetProperties":{"properties":{"sheetId":`+jsonInt(bID)+`,"gridProperties":{"rowCount":3,"columnCount":2}},"fields":"gridProperties/rowCount,gridProperties/columnCount"}}]}`)
	if v := srv.Values(id, "B"); len(v) != 0 {
		t.Errorf("after shrink: %v", v)
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestSeedingHelpers(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	day := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	id := srv.CreateSpreadsheet("t", Tab{Title: "申込", Rows: [][]any{{"h1", "h2"}, {"a", 1}, {"b", day}}})
	if err := srv.InsertRows(id, "申込", 2, 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetFormula(id, "申込", 2, 1, "=1+1", 2); err != nil {
		t.Fatal(err)
	}
	if err := srv.TypeCell(id, "申込", 2, 2, "=1+1"); err == nil {
		t.Error("TypeCell of an undeclared formula should fail: the fake does not evaluate formulas")
	}
	if err := srv.DeleteRow(id, "申込", 3); err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"h1", "h2"}, {2.0, nil}, {"b", 45383.0}}
	if got := srv.Values(id, "申込"); !reflect.DeepEqual(got, want) {
		t.Errorf("Values %v, want %v", got, want)
	}
	_, got := readOne(t, srv, id, "申込!B3", "")
	if !reflect.DeepEqual(got["values"], []any{[]any{"2024-04-01"}}) {
		t.Errorf("seeded date renders %v", got["values"])
	}
	if err := srv.SetCell(id, "申込", 1001, 1, "x"); err == nil {
		t.Error("SetCell beyond the grid should fail")
	}
	if err := srv.SetCell(id, "nope", 1, 1, "x"); err == nil {
		t.Error("SetCell on an unknown tab should fail")
	}
	if err := srv.RenameTab(id, "申込", "Applications"); err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteTab(id, "Applications"); err == nil {
		t.Error("deleting the only tab should fail")
	}
	if err := srv.DeleteSpreadsheet(id); err != nil {
		t.Fatal(err)
	}
	if code, _ := call(t, srv, "GET", "/v4/spreadsheets/"+id, ""); code != 404 {
		t.Errorf("deleted spreadsheet answered %d", code)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
