package fakesheets

import (
	"strings"
	"testing"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/sheets/v4"
)

// TestGridLimits: a spreadsheet holds at most 10,000,000 cells and a sheet
// at most 18,278 columns (ZZZ); growing past either is refused with a 400
// and changes nothing, as Google does.
func TestGridLimits(t *testing.T) {
	srv, svc, id := newClientFixture(t)
	sheetID, err := srv.SheetID(id, "申込")
	if err != nil {
		t.Fatal(err)
	}
	// Few rows, so that the column limit is met before the cell limit.
	if err := srv.Resize(id, "申込", 10, 26); err != nil {
		t.Fatal(err)
	}
	grow := func(dim string, n int64) error {
		_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
			{AppendDimension: &sheets.AppendDimensionRequest{SheetId: sheetID, Dimension: dim, Length: n}},
		}}).Do()
		return err
	}
	size := func() (int64, int64) {
		ss, err := svc.Spreadsheets.Get(id).Do()
		if err != nil {
			t.Fatal(err)
		}
		g := ss.Sheets[0].Properties.GridProperties
		return g.RowCount, g.ColumnCount
	}
	for _, tc := range []struct {
		dim  string
		n    int64
		want string
	}{
		{"COLUMNS", maxColumns - 26 + 1, "above the limit of 18278 columns"},
		{"ROWS", maxCells / 26, "above the limit of 10000000 cells"}, // with the other tab's 26,000
	} {
		rows, cols := size()
		err := grow(tc.dim, tc.n)
		var ge *googleapi.Error
		if !asGoogle(err, &ge) || ge.Code != 400 || !strings.Contains(ge.Message, tc.want) {
			t.Errorf("%s +%d: got %v, want 400 %q", tc.dim, tc.n, err, tc.want)
		}
		if r, c := size(); r != rows || c != cols {
			t.Errorf("%s +%d: grid became %dx%d", tc.dim, tc.n, r, c)
		}
	}
	// Up to the column limit is fine.
	if err := grow("COLUMNS", maxColumns-26); err != nil {
		t.Fatalf("grow to ZZZ: %v", err)
	}
	if _, cols := size(); cols != maxColumns {
		t.Errorf("%d columns, want %d", cols, maxColumns)
	}
}

func asGoogle(err error, ge **googleapi.Error) bool {
	e, ok := err.(*googleapi.Error)
	*ge = e
	return ok
}
