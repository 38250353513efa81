package fakesheets

import (
	"context"
	"errors"
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

	vr, err := svc.Spreadsheets.Values.Get(id, "申込").Do()
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

func TestClientWritesAppendAndBatchUpdate(t *testing.T) {
	srv, svc, id := newClientFixture(t)
	ctx := context.Background()

	up, err := svc.Spreadsheets.Values.Update(id, "サポートアカウント!A1", &sheets.ValueRange{
		Values: [][]any{{"=1+2", "TRUE", "'0042", "2,000.5", "2024-04-01", nil, ""}},
	}).ValueInputOption("USER_ENTERED").IncludeValuesInResponse(true).Context(ctx).Do()
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.UpdatedRange != "'サポートアカウント'!A1:G1" || up.UpdatedCells != 6 || up.UpdatedRows != 1 || up.UpdatedColumns != 6 {
		t.Errorf("update response %+v", up)
	}
	if got, want := up.UpdatedData.Values, [][]any{{"3", "TRUE", "0042", "2,000.50", "2024-04-01"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("updatedData %v, want %v", got, want)
	}
	raw, err := svc.Spreadsheets.Values.Get(id, "サポートアカウント!A1:E1").ValueRenderOption("UNFORMATTED_VALUE").Do()
	if err != nil {
		t.Fatalf("get unformatted: %v", err)
	}
	if got, want := raw.Values, [][]any{{3.0, true, "0042", 2000.5, 45383.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("unformatted %v, want %v", got, want)
	}

	// Two appends: the first lands after the seeded table, the second after
	// the first.
	for i, name := range []string{"Bob", "Carol"} {
		ap, err := svc.Spreadsheets.Values.Append(id, "申込", &sheets.ValueRange{Values: [][]any{{name, 40 + i}}}).
			ValueInputOption("RAW").Do()
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		wantTable := []string{"'申込'!A1:C2", "'申込'!A1:C3"}[i]
		wantRange := []string{"'申込'!A3:B3", "'申込'!A4:B4"}[i]
		if ap.TableRange != wantTable || ap.Updates.UpdatedRange != wantRange || ap.Updates.UpdatedCells != 2 {
			t.Errorf("append %d: table %q range %q cells %d", i, ap.TableRange, ap.Updates.UpdatedRange, ap.Updates.UpdatedCells)
		}
	}
	if got := srv.Values(id, "申込"); !reflect.DeepEqual(got[3], []any{"Carol", 41.0, nil}) {
		t.Errorf("after append row 4 = %v", got[3])
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
	cl, err := svc.Spreadsheets.Values.BatchClear(id, &sheets.BatchClearValuesRequest{Ranges: []string{"新規!A1:B1", "新規!A3"}}).Do()
	if err != nil {
		t.Fatalf("batchClear: %v", err)
	}
	if !reflect.DeepEqual(cl.ClearedRanges, []string{"'新規'!A1:B1", "'新規'!A3"}) {
		t.Errorf("cleared %v", cl.ClearedRanges)
	}
	if got, want := srv.Values(id, "新規"), [][]any{{nil}, {"a"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("after clear %v, want %v", got, want)
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
	_, err := svc.Spreadsheets.Values.Get(id, "Nope!A1").Do()
	check("unknown tab", err, 400, "Unable to parse range: Nope!A1")
	_, err = svc.Spreadsheets.Get("does-not-exist").Do()
	check("unknown spreadsheet", err, 404, "Requested entity was not found.")
	_, err = svc.Spreadsheets.Values.Update(id, "申込!A1000", &sheets.ValueRange{Values: [][]any{{1}, {2}}}).ValueInputOption("RAW").Do()
	check("beyond grid", err, 400, "Range ('申込'!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26")
	_, err = svc.Spreadsheets.Values.Update(id, "申込!A1:B1", &sheets.ValueRange{Values: [][]any{{1, 2, 3}}}).ValueInputOption("RAW").Do()
	check("outside range", err, 400, "Requested writing within range ['申込'!A1:B1], but tried writing to column [C]")
	_, err = svc.Spreadsheets.Values.Update(id, "申込!A1", &sheets.ValueRange{Values: [][]any{{1}}}).Do()
	check("no input option", err, 400, "'valueInputOption' is required but not specified")

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
		_, err := svc.Spreadsheets.Values.Get(id, "申込!A1").Do()
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) || gerr.Code != tc.status || !strings.HasPrefix(gerr.Message, tc.msg) {
			t.Errorf("FailNext(1, %d): got %v", tc.status, err)
		}
		if tc.status == 502 && (gerr == nil || !strings.Contains(gerr.Body, "502.")) {
			t.Errorf("502 should carry Google's HTML page, got %v", err)
		}
		// The fault is used up: the retry succeeds.
		if _, err := svc.Spreadsheets.Values.Get(id, "申込!A1").Do(); err != nil {
			t.Errorf("after FailNext(1, %d): %v", tc.status, err)
		}
	}
	srv.FailNext(2, http.StatusTooManyRequests)
	_, err1 := svc.Spreadsheets.Values.Update(id, "申込!A1", &sheets.ValueRange{Values: [][]any{{"changed"}}}).ValueInputOption("RAW").Do()
	_, err2 := svc.Spreadsheets.Get(id).Do()
	if err1 == nil || err2 == nil || !strings.Contains(err1.Error(), "Write requests") {
		t.Errorf("FailNext(2, 429): %v / %v", err1, err2)
	}
	if got := srv.Cell(id, "申込", 1, 1); got != "name" {
		t.Errorf("a failed write changed data: A1 = %v", got)
	}
	recs := srv.Requests()
	if len(recs) != 12 || recs[10].Status != 429 || recs[10].Operation != "spreadsheets.values.update" || recs[10].BodySize == 0 {
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
	first, err := svc.Spreadsheets.Values.Get(id, "申込!A2").Do()
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Spreadsheets.Values.Get(id, "申込!A2").Do()
	if err != nil {
		t.Fatal(err)
	}
	if first.Values[0][0] != "Alice" || second.Values[0][0] != "Alicia" {
		t.Errorf("hook edit not seen: %v then %v", first.Values, second.Values)
	}
	srv.SetHook(nil)

	recs := srv.Requests()
	if len(recs) != 2 || recs[0].Method != http.MethodGet || recs[0].Operation != "spreadsheets.values.get" ||
		recs[0].Path != "/v4/spreadsheets/"+id+"/values/申込!A2" || recs[0].Status != 200 || recs[0].ResponseSize == 0 ||
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
