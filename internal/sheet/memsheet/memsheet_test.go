package memsheet_test

import (
	"testing"

	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/sheet/sheettest"
)

// TestConformance runs the backend conformance suite on the in-memory
// backend, which sees edits as Google does.
func TestConformance(t *testing.T) {
	s := &sheettest.Suite{
		NewSpreadsheet: func(t *testing.T, tabs []*sheet.Tab) sheet.Spreadsheet {
			return memsheet.New(t.Name(), tabs...)
		},
		Missing: func(t *testing.T) sheet.Spreadsheet { return memsheet.Missing(t.Name()) },
		Edit: func(t *testing.T, ss sheet.Spreadsheet, tab string, row, col int, v sheet.Value) {
			ss.(*memsheet.Spreadsheet).Edit(tab, row, col, v)
		},
		InsertRow: func(t *testing.T, ss sheet.Spreadsheet, tab string, row int, cells []string) {
			m := ss.(*memsheet.Spreadsheet)
			m.InsertRow(tab, row)
			for c, v := range cells {
				m.Edit(tab, row, c+1, sheet.TextValue(v))
			}
		},
		EditsVisible: true,
	}
	s.Run(t)
}
