package fakesheets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/sheets/v4"
)

// newClientFixture starts a fake with a Japanese-named workbook and returns
// it with a real client.
func newClientFixture(t *testing.T) (*Server, *sheets.Service, string) {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("オンボーディング",
		Tab{Title: "申込", Rows: [][]any{{"name", "age", "joined"}, {"Alice", 30.0, true}}},
		Tab{Title: "サポートアカウント"},
	)
	return srv, srv.Service(context.Background()), id
}

// getOne reads one range through values.batchGet, the read the fake serves.
func getOne(svc *sheets.Service, id, rng string, render string) (*sheets.ValueRange, error) {
	call := svc.Spreadsheets.Values.BatchGet(id).Ranges(rng)
	if render != "" {
		call = call.ValueRenderOption(render)
	}
	resp, err := call.Do()
	if err != nil {
		return nil, err
	}
	return resp.ValueRanges[0], nil
}

// updateOne writes one range through values.batchUpdate.
func updateOne(svc *sheets.Service, id, rng, input string, include bool, values [][]any) (*sheets.BatchUpdateValuesResponse, error) {
	return svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: input, IncludeValuesInResponse: include,
		Data: []*sheets.ValueRange{{Range: rng, Values: values}},
	}).Do()
}

func TestClientGetAndBatchGet(t *testing.T) {
	_, svc, id := newClientFixture(t)
	ss, err := svc.Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if ss.Properties.Title != "オンボーディング" || len(ss.Sheets) != 2 {
		t.Fatalf("get: title %q, %d sheets", ss.Properties.Title, len(ss.Sheets))
	}
	p := ss.Sheets[1].Properties
	if p.Title != "サポートアカウント" || p.Index != 1 || p.SheetType != "GRID" ||
		p.GridProperties.RowCount != 1000 || p.GridProperties.ColumnCount != 26 {
		t.Errorf("second sheet properties: %+v %+v", p, p.GridProperties)
	}

	vr, err := getOne(svc, id, "申込", "")
	if err != nil {
		t.Fatalf("values.get: %v", err)
	}
	if vr.Range != "'申込'!A1:Z1000" || vr.MajorDimension != "ROWS" {
		t.Errorf("values.get range %q dim %q", vr.Range, vr.MajorDimension)
	}
	want := [][]any{{"name", "age", "joined"}, {"Alice", "30", "TRUE"}}
	if !reflect.DeepEqual(vr.Values, want) {
		t.Errorf("values.get values %v, want %v", vr.Values, want)
	}

	bg, err := svc.Spreadsheets.Values.BatchGet(id).
		Ranges("'申込'!B1:C2", "サポートアカウント!A1").
		ValueRenderOption("UNFORMATTED_VALUE").MajorDimension("COLUMNS").Do()
	if err != nil {
		t.Fatalf("batchGet: %v", err)
	}
	if len(bg.ValueRanges) != 2 {
		t.Fatalf("batchGet: %d value ranges", len(bg.ValueRanges))
	}
	if got, want := bg.ValueRanges[0].Values, [][]any{{"age", 30.0}, {"joined", true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("batchGet[0] %v, want %v", got, want)
	}
	if bg.ValueRanges[1].Range != "'サポートアカウント'!A1" || bg.ValueRanges[1].Values != nil {
		t.Errorf("batchGet[1] = %+v", bg.ValueRanges[1])
	}
}

func TestClientWritesAndBatchUpdate(t *testing.T) {
	srv := NewServer(WithFormulaValue("=1+2", 3))
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("オンボーディング",
		Tab{Title: "申込", Rows: [][]any{{"name", "age", "joined"}, {"Alice", 30.0, true}}},
		Tab{Title: "サポートアカウント"},
	)
	svc := srv.Service(context.Background())

	resp, err := updateOne(svc, id, "サポートアカウント!A1", "USER_ENTERED", true,
		[][]any{{"=1+2", "TRUE", "'0042", "2,000.5", "2024-04-01", nil, ""}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	up := resp.Responses[0]
	if up.UpdatedRange != "'サポートアカウント'!A1:G1" || up.UpdatedCells != 6 || up.UpdatedRows != 1 || up.UpdatedColumns != 6 {
		t.Errorf("update response %+v", up)
	}
	if got, want := up.UpdatedData.Values, [][]any{{"3", "TRUE", "0042", "2,000.50", "2024-04-01"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("updatedData %v, want %v", got, want)
	}
	raw, err := getOne(svc, id, "サポートアカウント!A1:E1", "UNFORMATTED_VALUE")
	if err != nil {
		t.Fatalf("get unformatted: %v", err)
	}
	if got, want := raw.Values, [][]any{{3.0, true, "0042", 2000.5, 45383.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("unformatted %v, want %v", got, want)
	}

	formula, err := getOne(svc, id, "サポートアカウント!A1", "FORMULA")
	if err != nil || !reflect.DeepEqual(formula.Values, [][]any{{"=1+2"}}) {
		t.Errorf("FORMULA render: %v %v", formula, err)
	}
	if _, err := updateOne(svc, id, "サポートアカウント!B2", "USER_ENTERED", false, [][]any{{"=1+3"}}); err == nil || !strings.Contains(err.Error(), "does not evaluate formulas") {
		t.Errorf("an undeclared formula: %v, want 501", err)
	}

	sheetID, err := srv.SheetID(id, "申込")
	if err != nil {
		t.Fatalf("sheet id: %v", err)
	}
	bu, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "新規", GridProperties: &sheets.GridProperties{RowCount: 5, ColumnCount: 3}}}},
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
			Properties: &sheets.SheetProperties{SheetId: sheetID, GridProperties: &sheets.GridProperties{FrozenRowCount: 1}},
			Fields:     "gridProperties.frozenRowCount"}},
		{AppendDimension: &sheets.AppendDimensionRequest{SheetId: sheetID, Dimension: "ROWS", Length: 500}},
	}}).Do()
	if err != nil {
		t.Fatalf("batchUpdate: %v", err)
	}
	if len(bu.Replies) != 3 || bu.Replies[0].AddSheet == nil || bu.Replies[0].AddSheet.Properties.Index != 2 ||
		bu.Replies[1].AddSheet != nil {
		t.Fatalf("batchUpdate replies %+v", bu.Replies)
	}
	ss, err := svc.Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	gp := ss.Sheets[0].Properties.GridProperties
	if gp.FrozenRowCount != 1 || gp.RowCount != 1500 {
		t.Errorf("after batchUpdate grid %+v", gp)
	}
	if ss.Sheets[2].Properties.Title != "新規" || ss.Sheets[2].Properties.GridProperties.RowCount != 5 {
		t.Errorf("added sheet %+v", ss.Sheets[2].Properties)
	}

	vb, err := svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{
			{Range: "新規!A1", Values: [][]any{{"x", "y"}}},
			{Range: "新規!A2:A3", MajorDimension: "COLUMNS", Values: [][]any{{"a", "b"}}},
		},
	}).Do()
	if err != nil {
		t.Fatalf("values.batchUpdate: %v", err)
	}
	if vb.TotalUpdatedCells != 4 || vb.TotalUpdatedSheets != 1 || len(vb.Responses) != 2 || vb.Responses[1].UpdatedRange != "'新規'!A2:A3" {
		t.Errorf("values.batchUpdate %+v", vb)
	}
	if got, want := srv.Values(id, "新規"), [][]any{{"x", "y"}, {"a", nil}, {"b", nil}}; !reflect.DeepEqual(got, want) {
		t.Errorf("新規 = %v, want %v", got, want)
	}
}

func TestClientErrorShapes(t *testing.T) {
	srv, svc, id := newClientFixture(t)
	check := func(name string, err error, code int, msg string) {
		t.Helper()
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) {
			t.Fatalf("%s: error %v is not a *googleapi.Error", name, err)
		}
		if gerr.Code != code || gerr.Message != msg {
			t.Errorf("%s: code %d message %q, want %d %q", name, gerr.Code, gerr.Message, code, msg)
		}
	}
	_, err := getOne(svc, id, "Nope!A1", "")
	check("unknown tab", err, 400, "Unable to parse range: Nope!A1")
	_, err = svc.Spreadsheets.Get("does-not-exist").Do()
	check("unknown spreadsheet", err, 404, "Requested entity was not found.")
	_, err = updateOne(svc, id, "申込!A1000", "RAW", false, [][]any{{1}, {2}})
	check("beyond grid", err, 400, "Invalid data[0]: Range ('申込'!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26")
	_, err = svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW", Data: []*sheets.ValueRange{
		{Range: "申込!A1", Values: [][]any{{1}}}, {Range: "申込!A1:B1", Values: [][]any{{1, 2, 3}}}}}).Do()
	check("outside range", err, 400, "Invalid data[1]: Requested writing within range ['申込'!A1:B1], but tried writing to column [C]")
	_, err = updateOne(svc, id, "申込!A1", "", false, [][]any{{1}})
	check("no input option", err, 400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
	// 100 cells of 40,000 three-byte characters: 12 MB, each cell legal.
	var big []*sheets.ValueRange
	for r := 1; r <= 100; r++ {
		big = append(big, &sheets.ValueRange{Range: fmt.Sprintf("申込!A%d", r), Values: [][]any{{strings.Repeat("長", 40000)}}})
	}
	_, err = svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW", Data: big}).Do()
	check("10 MiB", err, 400, "Request payload size exceeds the limit: 10485760 bytes.")
	if got := srv.Cell(id, "申込", 1, 1); got != "name" {
		t.Errorf("a refused request changed A1 to %.20v", got)
	}

	private := srv.CreateSpreadsheet("secret")
	if err := srv.DenyAccess(private); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Spreadsheets.Get(private).Do()
	check("denied", err, 403, "The caller does not have permission")
}

func TestClientFaultInjection(t *testing.T) {
	srv, svc, id := newClientFixture(t)
	for _, tc := range []struct {
		status int
		msg    string
	}{
		{429, "Quota exceeded for quota metric 'Read requests'"},
		{500, "Internal error encountered."},
		{502, ""},
		{503, "The service is currently unavailable."},
		{504, "Deadline expired before operation could complete."},
	} {
		srv.FailNext(1, tc.status)
		_, err := getOne(svc, id, "申込!A1", "")
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) || gerr.Code != tc.status || !strings.HasPrefix(gerr.Message, tc.msg) {
			t.Errorf("FailNext(1, %d): got %v", tc.status, err)
		}
		if tc.status == 502 && (gerr == nil || !strings.Contains(gerr.Body, "502.")) {
			t.Errorf("502 should carry Google's HTML page, got %v", err)
		}
		// The fault is used up: the retry succeeds.
		if _, err := getOne(svc, id, "申込!A1", ""); err != nil {
			t.Errorf("after FailNext(1, %d): %v", tc.status, err)
		}
	}
	srv.FailNext(2, http.StatusTooManyRequests)
	_, err1 := updateOne(svc, id, "申込!A1", "RAW", false, [][]any{{"changed"}})
	_, err2 := svc.Spreadsheets.Get(id).Do()
	if err1 == nil || err2 == nil || !strings.Contains(err1.Error(), "Write requests") {
		t.Errorf("FailNext(2, 429): %v / %v", err1, err2)
	}
	if got := srv.Cell(id, "申込", 1, 1); got != "name" {
		t.Errorf("a failed write changed data: A1 = %v", got)
	}
	recs := srv.Requests()
	if len(recs) != 12 || recs[10].Status != 429 || recs[10].Operation != "spreadsheets.values.batchUpdate" || recs[10].BodySize == 0 {
		t.Errorf("records: %d, last two %+v %+v", len(recs), recs[len(recs)-2], recs[len(recs)-1])
	}
}

func TestClientHookLatencyAndCounters(t *testing.T) {
	srv, svc, id := newClientFixture(t)
	var calls atomic.Int32
	// A person edits the sheet between the first and second call of a run.
	srv.SetHook(func(r *http.Request) {
		if calls.Add(1) == 2 {
			if err := srv.SetCell(id, "申込", 2, 1, "Alicia"); err != nil {
				t.Errorf("hook edit: %v", err)
			}
		}
	})
	first, err := getOne(svc, id, "申込!A2", "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := getOne(svc, id, "申込!A2", "")
	if err != nil {
		t.Fatal(err)
	}
	if first.Values[0][0] != "Alice" || second.Values[0][0] != "Alicia" {
		t.Errorf("hook edit not seen: %v then %v", first.Values, second.Values)
	}
	srv.SetHook(nil)

	recs := srv.Requests()
	if len(recs) != 2 || recs[0].Method != http.MethodGet || recs[0].Operation != "spreadsheets.values.batchGet" ||
		recs[0].Path != "/v4/spreadsheets/"+id+"/values:batchGet" || recs[0].Status != 200 || recs[0].ResponseSize == 0 ||
		!strings.Contains(recs[0].Query, "alt=json") {
		t.Errorf("records %+v", recs)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after reset: %d records", n)
	}

	srv.SetLatency(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := svc.Spreadsheets.Get(id).Context(ctx).Do(); err == nil {
		t.Error("expected the latency to exceed the context deadline")
	}
	if time.Since(start) > 150*time.Millisecond {
		t.Error("the client did not give up at its deadline")
	}
	srv.SetLatency(0)
}
