package gsheets_test

import (
	"testing"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/sheet"
	"onboard/internal/sheet/sheettest"
)

// TestConformance runs the backend conformance suite through the real
// Sheets client against the fake, seeded with fakesheets.CreateSpreadsheet.
func TestConformance(t *testing.T) {
	srv := newFake(t)
	s := &sheettest.Suite{
		NewSpreadsheet: func(t *testing.T, tabs []*sheet.Tab) sheet.Spreadsheet {
			return open(t, srv, srv.CreateSpreadsheet("conformance", fakeTabs(tabs, 0)...))
		},
		Reopen: func(t *testing.T, ss sheet.Spreadsheet) sheet.Spreadsheet {
			return open(t, srv, ss.(*gsheets.Spreadsheet).ID())
		},
		Missing: func(t *testing.T) sheet.Spreadsheet {
			return open(t, srv, "1NoSuchSpreadsheet0000000000000000000000000")
		},
		EditsVisible: true,
		Edit: func(t *testing.T, ss sheet.Spreadsheet, tab string, row, col int, v sheet.Value) {
			if err := srv.SetCell(ss.(*gsheets.Spreadsheet).ID(), tab, row, col, fakesheets.SeedValue(v)); err != nil {
				t.Fatal(err)
			}
		},
		InsertRow: func(t *testing.T, ss sheet.Spreadsheet, tab string, row int, cells []string) {
			id := ss.(*gsheets.Spreadsheet).ID()
			if err := srv.InsertRows(id, tab, row, 1); err != nil {
				t.Fatal(err)
			}
			for c, v := range cells {
				if v == "" {
					continue
				}
				if err := srv.SetCell(id, tab, row, c+1, v); err != nil {
					t.Fatal(err)
				}
			}
		},
	}
	s.Run(t)
}
