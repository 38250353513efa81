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

func valuesPath(id, rng string) string {
	return "/v4/spreadsheets/" + id + "/values/" + url.PathEscape(rng)
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
	_, got := call(t, srv, "GET", valuesPath(id, "Sheet1!A1:D4"), "")
	if want := []any{[]any{"a", "", "c"}, []any{}, []any{"", "b3"}}; !reflect.DeepEqual(got["values"], want) {
		t.Errorf("ROWS %v, want %v", got["values"], want)
	}
	_, got = call(t, srv, "GET", valuesPath(id, "Sheet1!A1:D4")+"?majorDimension=COLUMNS", "")
	if want := []any{[]any{"a"}, []any{"", "", "b3"}, []any{"c"}}; !reflect.DeepEqual(got["values"], want) || got["majorDimension"] != "COLUMNS" {
		t.Errorf("COLUMNS %v (%v), want %v", got["values"], got["majorDimension"], want)
	}
	_, got = call(t, srv, "GET", valuesPath(id, "Sheet1!D1:D9"), "")
	if _, ok := got["values"]; ok || got["range"] != "Sheet1!D1:D9" {
		t.Errorf("empty range answered %v", got)
	}
	code, got := call(t, srv, "GET", valuesPath(id, "Sheet1")+"?valueRenderOption=PRETTY", "")
	if c, status, msg := errorOf(got); code != 400 || c != 400 || status != "INVALID_ARGUMENT" || !strings.Contains(msg, "value_render_option") {
		t.Errorf("bad enum: %d %v", code, got)
	}
}

func TestUserEnteredParsingAndRendering(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t")
	body := `{"values":[["42","0042","-1.5e3","2,000,000.01","12.5%","$1,234.5","TRUE","false","'=not a formula","2020-01-01","1/2/2020","2021-02-30","10:30","2020-01-01 10:30", "abc"]]}`
	code, got := call(t, srv, "PUT", valuesPath(id, "Sheet1!A1")+"?valueInputOption=USER_ENTERED", body)
	if code != 200 || got["updatedCells"] != 15.0 {
		t.Fatalf("update: %d %v", code, got)
	}
	_, formatted := call(t, srv, "GET", valuesPath(id, "Sheet1!A1:O1"), "")
	wantF := []any{"42", "42", "-1500", "2,000,000.01", "12.50%", "$1,234.50", "TRUE", "FALSE", "=not a formula",
		"2020-01-01", "1/2/2020", "2021-02-30", "10:30:00", "2020-01-01 10:30:00", "abc"}
	if !reflect.DeepEqual(formatted["values"], []any{wantF}) {
		t.Errorf("FORMATTED\n got  %v\n want %v", formatted["values"], wantF)
	}
	_, unformatted := call(t, srv, "GET", valuesPath(id, "Sheet1!A1:O1")+"?valueRenderOption=UNFORMATTED_VALUE", "")
	wantU := []any{42.0, 42.0, -1500.0, 2000000.01, 0.125, 1234.5, true, false, "=not a formula",
		43831.0, 43832.0, "2021-02-30", 0.4375, 43831.4375, "abc"}
	if !reflect.DeepEqual(unformatted["values"], []any{wantU}) {
		t.Errorf("UNFORMATTED\n got  %v\n want %v", unformatted["values"], wantU)
	}
	_, dates := call(t, srv, "GET", valuesPath(id, "Sheet1!J1:K1")+"?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING", "")
	if want := []any{[]any{"2020-01-01", "1/2/2020"}}; !reflect.DeepEqual(dates["values"], want) {
		t.Errorf("FORMATTED_STRING dates %v", dates["values"])
	}

	// RAW keeps strings as text and JSON types as they are.
	call(t, srv, "PUT", valuesPath(id, "Sheet1!A2")+"?valueInputOption=RAW", `{"values":[["=1+1","42",7,true]]}`)
	_, raw := call(t, srv, "GET", valuesPath(id, "Sheet1!A2:D2")+"?valueRenderOption=UNFORMATTED_VALUE", "")
	if want := []any{[]any{"=1+1", "42", 7.0, true}}; !reflect.DeepEqual(raw["values"], want) {
		t.Errorf("RAW %v, want %v", raw["values"], want)
	}
}

func TestFormulas(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t", Tab{Title: "Data", Rows: [][]any{{1.0}, {2.0}, {3.5}}}, Tab{Title: "Calc"})
	body := `{"values":[["=SUM(Data!A1:A3)","=Data!A1&\"x\"","=1/0","=FOO(1)","=IF(A1>5,\"big\",\"small\")","=ROUND(2/3, 2)","=A1*2","=(1+2)*3^2","=50%"]]}`
	if code, got := call(t, srv, "PUT", valuesPath(id, "Calc!A1")+"?valueInputOption=USER_ENTERED", body); code != 200 {
		t.Fatalf("update: %v", got)
	}
	_, got := call(t, srv, "GET", valuesPath(id, "Calc!A1:I1"), "")
	want := []any{"6.5", "1x", "#DIV/0!", "#NAME?", "big", "0.67", "13", "27", "0.5"}
	if !reflect.DeepEqual(got["values"], []any{want}) {
		t.Errorf("formulas\n got  %v\n want %v", got["values"], want)
	}
	_, got = call(t, srv, "GET", valuesPath(id, "Calc!A1:B1")+"?valueRenderOption=FORMULA", "")
	if want := []any{[]any{"=SUM(Data!A1:A3)", `=Data!A1&"x"`}}; !reflect.DeepEqual(got["values"], want) {
		t.Errorf("FORMULA render %v", got["values"])
	}
	// Formulas follow later edits, like Google's recalculation.
	if err := srv.SetCell(id, "Data", 1, 1, 10.0); err != nil {
		t.Fatal(err)
	}
	if v := srv.Cell(id, "Calc", 1, 1); v != 15.5 {
		t.Errorf("after edit SUM = %v, want 15.5", v)
	}
	// A circular reference does not hang.
	if err := srv.TypeCell(id, "Calc", 2, 1, "=A2+1"); err != nil {
		t.Fatal(err)
	}
	if v := srv.Cell(id, "Calc", 2, 1); v != "#REF!" {
		t.Errorf("circular = %v", v)
	}
}

func TestAppendTableDetectionAndGrowth(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t", Tab{Title: "Log", Rows: [][]any{
		{"when", "what"},
		{"mon", "a"},
		nil,
		{nil, nil, nil, "note"},
	}})
	// Searching A:B only sees the table A1:B2.
	_, got := call(t, srv, "POST", valuesPath(id, "Log!A:B")+":append?valueInputOption=RAW&insertDataOption=INSERT_ROWS&includeValuesInResponse=true",
		`{"values":[["tue","b"]]}`)
	up, _ := got["updates"].(map[string]any)
	if got["tableRange"] != "Log!A1:B2" || up["updatedRange"] != "Log!A3:B3" {
		t.Fatalf("append: %v", got)
	}
	if data, _ := up["updatedData"].(map[string]any); !reflect.DeepEqual(data["values"], []any{[]any{"tue", "b"}}) {
		t.Errorf("updatedData %v", up["updatedData"])
	}
	// INSERT_ROWS shifted the note down one row and grew the grid.
	if v := srv.Cell(id, "Log", 5, 4); v != "note" {
		t.Errorf("note not shifted: D5 = %v", v)
	}
	_, ss := call(t, srv, "GET", "/v4/spreadsheets/"+id+"?fields=sheets.properties.gridProperties.rowCount", "")
	if want := `{"sheets":[{"properties":{"gridProperties":{"rowCount":1001}}}]}`; mustJSON(t, ss) != want {
		t.Errorf("fields mask answer %s, want %s", mustJSON(t, ss), want)
	}

	// Appending past the last row grows the grid (OVERWRITE mode).
	if err := srv.Resize(id, "Log", 5, 4); err != nil {
		t.Fatal(err)
	}
	// The note in D5 touches no table cell, so it is not part of the table.
	_, got = call(t, srv, "POST", valuesPath(id, "Log!A1")+":append?valueInputOption=RAW", `{"values":[["x"],["y"]]}`)
	up, _ = got["updates"].(map[string]any)
	if got["tableRange"] != "Log!A1:B3" || up["updatedRange"] != "Log!A4:A5" {
		t.Errorf("append filling the grid: %v", got)
	}
	_, got = call(t, srv, "POST", valuesPath(id, "Log!A1")+":append?valueInputOption=RAW", `{"values":[["z"],["w"]]}`)
	up, _ = got["updates"].(map[string]any)
	if got["tableRange"] != "Log!A1:B5" || up["updatedRange"] != "Log!A6:A7" {
		t.Errorf("append past the grid: %v", got)
	}
	_, ss = call(t, srv, "GET", "/v4/spreadsheets/"+id, "")
	p := ss["sheets"].([]any)[0].(map[string]any)["properties"].(map[string]any)
	if gp := p["gridProperties"].(map[string]any); gp["rowCount"] != 7.0 || gp["columnCount"] != 4.0 {
		t.Errorf("grid after append %v", gp)
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

func TestBatchUpdatesAreAtomic(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	id := srv.CreateSpreadsheet("t")
	code, got := call(t, srv, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate",
		`{"valueInputOption":"RAW","data":[{"range":"Sheet1!A1","values":[["ok"]]},{"range":"Nope!A1","values":[["x"]]}]}`)
	if _, _, msg := errorOf(got); code != 400 || msg != "Unable to parse range: Nope!A1" {
		t.Errorf("values.batchUpdate: %d %v", code, got)
	}
	if v := srv.Cell(id, "Sheet1", 1, 1); v != nil {
		t.Errorf("half-applied values.batchUpdate: A1 = %v", v)
	}
	code, got = call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"addSheet":{"properties":{"title":"New"}}},{"deleteSheet":{"sheetId":12345}}]}`)
	if _, status, msg := errorOf(got); code != 400 || status != "INVALID_ARGUMENT" || msg != "Invalid requests[1].deleteSheet: No grid with id: 12345" {
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
	code, created := call(t, srv, "POST", "/v4/spreadsheets", `{"properties":{"title":"Made by API"}}`)
	if code != 200 {
		t.Fatalf("create: %v", created)
	}
	id := created["spreadsheetId"].(string)
	want := `[{"properties":{"gridProperties":{"columnCount":26,"rowCount":1000},"index":0,"sheetId":0,"sheetType":"GRID","title":"Sheet1"}}]`
	if got := mustJSON(t, created["sheets"]); got != want {
		t.Errorf("create sheets %s", got)
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

	// Rows inserted and deleted through the API move data.
	if err := srv.SetCell(id, "B", 2, 1, "two"); err != nil {
		t.Fatal(err)
	}
	bID, _ := srv.SheetID(id, "B")
	call(t, srv, "POST", "/v4/spreadsheets/"+id+":batchUpdate",
		`{"requests":[{"insertDimension":{"range":{"sheetId":`+jsonInt(bID)+`,"dimension":"ROWS","startIndex":0,"endIndex":2}}},`+
			`{"deleteDimension":{"range":{"sheetId":`+jsonInt(bID)+`,"dimension":"COLUMNS","startIndex":1,"endIndex":3}}}]}`)
	if v := srv.Cell(id, "B", 4, 1); v != "two" {
		t.Errorf("after insertDimension: A4 = %v", v)
	}
	_, ss = call(t, srv, "GET", "/v4/spreadsheets/"+id+"?ranges=B!A1", "")
	if got := mustJSON(t, ss["sheets"].([]any)[0].(map[string]any)["properties"].(map[string]any)["gridProperties"]); got != `{"columnCount":24,"rowCount":1002}` {
		t.Errorf("grid after dimension changes %s", got)
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
	if err := srv.TypeCell(id, "申込", 2, 1, "=1+1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteRow(id, "申込", 3); err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"h1", "h2"}, {2.0, nil}, {"b", 45383.0}}
	if got := srv.Values(id, "申込"); !reflect.DeepEqual(got, want) {
		t.Errorf("Values %v, want %v", got, want)
	}
	_, got := call(t, srv, "GET", valuesPath(id, "申込!B3"), "")
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
