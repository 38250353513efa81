package xlsxbook_test

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
	"onboard/internal/sheet/sheettest"
	"onboard/internal/xlsxbook"
)

// TestConformance runs the backend conformance suite on .xlsx files made
// with Create. An edit behind the backend's back is a manager saving the
// file in Excel: the workbook then refuses to save over it.
func TestConformance(t *testing.T) {
	s := &sheettest.Suite{
		NewSpreadsheet: func(t *testing.T, tabs []*sheet.Tab) sheet.Spreadsheet {
			path := filepath.Join(t.TempDir(), "book.xlsx")
			if err := xlsxbook.Create(path, &sheet.Book{Tabs: tabs}); err != nil {
				t.Fatal(err)
			}
			return open(t, path)
		},
		Reopen: func(t *testing.T, ss sheet.Spreadsheet) sheet.Spreadsheet {
			return open(t, ss.Describe())
		},
		Missing: func(t *testing.T) sheet.Spreadsheet {
			return open(t, filepath.Join(t.TempDir(), "missing.xlsx"))
		},
		Edit: func(t *testing.T, ss sheet.Spreadsheet, tab string, row, col int, v sheet.Value) {
			edit(t, ss.Describe(), func(f *excelize.File) error {
				return f.SetCellStr(tab, sheet.CellName(row, col), v.String())
			})
		},
		InsertRow: func(t *testing.T, ss sheet.Spreadsheet, tab string, row int, cells []string) {
			edit(t, ss.Describe(), func(f *excelize.File) error {
				if err := f.InsertRows(tab, row, 1); err != nil {
					return err
				}
				for c, v := range cells {
					if v == "" {
						continue
					}
					if err := f.SetCellStr(tab, sheet.CellName(row, c+1), v); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	s.Run(t)
}

func open(_ *testing.T, path string) *xlsxbook.Workbook {
	return xlsxbook.Open(path)
}

// edit changes the file with excelize and saves it, as Excel would.
func edit(t *testing.T, path string, change func(*excelize.File) error) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := change(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}
