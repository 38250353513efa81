package xlsxbook_test

import (
	"path/filepath"
	"testing"

	"onboard/internal/sheet"
	"onboard/internal/sheet/sheettest"
	"onboard/internal/xlsxbook"
)

// TestConformance runs the backend conformance suite on .xlsx files made
// with Create. Edits behind the backend's back are not seen by ReadColumns
// (the workbook refuses to save over them instead; see job's
// TestFileChangedOnDiskIsNotOverwritten), so the suite has no Edit.
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
			return open(t, ss.(*xlsxbook.Workbook).Path())
		},
		Missing: func(t *testing.T) sheet.Spreadsheet {
			return open(t, filepath.Join(t.TempDir(), "missing.xlsx"))
		},
	}
	s.Run(t)
}

func open(t *testing.T, path string) *xlsxbook.Workbook {
	w := xlsxbook.Open(path)
	t.Cleanup(func() { _ = w.Close() })
	return w
}
