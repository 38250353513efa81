package contract

import (
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// at puts text at 1-based row and column of tab, growing it.
func at(tab *sheet.Tab, row, col int, s string) *sheet.Tab {
	for len(tab.Rows) < row {
		tab.Rows = append(tab.Rows, nil)
	}
	for len(tab.Rows[row-1]) < col {
		tab.Rows[row-1] = append(tab.Rows[row-1], sheet.Value{})
	}
	tab.Rows[row-1][col-1] = sheet.TextValue(s)
	return tab
}

// fill uses columns from..to of a row.
func fill(tab *sheet.Tab, row, from, to int) *sheet.Tab {
	for c := from; c <= to; c++ {
		at(tab, row, c, "x")
	}
	return tab
}

// TestPlaceColumns: the job's new columns never go past the sheet's last
// column (XFD); a cell out there moves them into the empty columns left of
// it, and where no run of empty columns is wide enough, a layout error
// names the cell.
func TestPlaceColumns(t *testing.T) {
	const xfd = MaxColumns
	data := func() *sheet.Tab { return fill(headerTab("申込", "a", "b", "c", "d"), 2, 1, 6) }
	for _, tc := range []struct {
		name string
		tab  *sheet.Tab
		n    int
		want int
		err  string
	}{
		{"right of the data", data(), 7, 7, ""},
		{"empty tab", &sheet.Tab{Name: "申込"}, 3, 1, ""},
		{"just fits before the end", fill(headerTab("申込"), 1, 1, xfd-7), 7, xfd - 6, ""},
		{"header in XFD1", at(data(), 1, xfd, "メモ"), 7, 7, ""},
		{"data cell in XFD50", at(data(), 50, xfd, "x"), 7, 7, ""},
		{"cell past Excel's last column (Google)", at(data(), 1, 18278, "x"), 7, 7, ""},
		{"rightmost wide enough gap", at(at(fill(fill(headerTab("申込"), 1, 1, 3), 1, 6, 100), 3, 200, "y"), 1, xfd, "z"), 7, 201, ""},
		{"gap too narrow is skipped for the one further left", at(fill(fill(headerTab("申込"), 1, 1, 2), 1, 10, xfd-3), 1, xfd, "z"), 7, 3, ""},
		{"no room", fill(fill(headerTab("申込"), 1, 1, 10), 1, 13, xfd), 7, 0, `tab "申込": no room for the job's 7 columns: the sheet ends at column XFD and XFD1 is used`},
		{"no room, blocking cell below the header", fill(at(fill(headerTab("申込"), 1, 1, xfd-3), 9, xfd, "z"), 1, 1, 1), 7, 0, "XFD9 is used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PlaceColumns(tc.tab, tc.n)
			if tc.err != "" {
				if !IsLayout(err) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %d, %v; want a layout error containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
			// The columns are empty in every row and within the limit.
			for c := got; c < got+tc.n; c++ {
				for r := 1; r <= len(tc.tab.Rows); r++ {
					if !tc.tab.Cell(r, c).IsEmpty() {
						t.Errorf("column %s covers %s", sheet.ColumnName(c), sheet.CellName(r, c))
					}
				}
			}
			if got+tc.n-1 > MaxColumns {
				t.Errorf("last column %d past %d", got+tc.n-1, MaxColumns)
			}
		})
	}
}

// TestLayoutWithCellInLastColumn: a header in XFD1 does not stop the
// layout: the job's columns go right of the managers' headers.
func TestLayoutWithCellInLastColumn(t *testing.T) {
	apps := &specs(t)[0]
	tab := at(headerTab("申込", "クライアントID", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID"), 1, MaxColumns, "メモ")
	l, err := NewLayout(apps, tab)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range l.Added {
		if a.Col != 6+i {
			t.Errorf("%s at column %d, want %d", a.Column.Name, a.Col, 6+i)
		}
	}
}
