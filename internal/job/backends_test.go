package job_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// backend is one place a spreadsheet can live, for tests that must hold
// on both: a local .xlsx (excelize) and Google (the real client against
// the fake server over HTTP).
type backend struct {
	name string
	// create stores book as a new spreadsheet; open returns a fresh backend
	// for it (a new run), stored reads it back as it is now.
	create func(t *testing.T, book *sheet.Book) (open func() sheet.Spreadsheet, stored func() *sheet.Book)
}

func backends() []backend {
	return []backend{
		{"xlsx", func(t *testing.T, book *sheet.Book) (func() sheet.Spreadsheet, func() *sheet.Book) {
			path := writeBook(t, book)
			storeAsExcel(t, path, book)
			open := func() sheet.Spreadsheet { return xlsxbook.Open(path) }
			return open, func() *sheet.Book { return readBook(t, path) }
		}},
		{"google", func(t *testing.T, book *sheet.Book) (func() sheet.Spreadsheet, func() *sheet.Book) {
			srv := fakesheets.NewServer()
			t.Cleanup(srv.Close)
			id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(book, 0)...)
			open := func() sheet.Spreadsheet {
				ss, err := gsheets.Open(context.Background(), id, gsheets.Options{
					Endpoint: srv.URL(), Getenv: func(string) string { return "" },
					Retry: gsheets.Retry{Attempts: 1},
				})
				if err != nil {
					t.Fatal(err)
				}
				return ss
			}
			return open, func() *sheet.Book {
				b, err := open().Read(context.Background(), nil)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}},
	}
}

// syncOn runs one sync, failing the test on an error.
func syncOn(t *testing.T, ss sheet.Spreadsheet, cfg job.Config) *job.Run {
	t.Helper()
	run, err := job.Sync(context.Background(), ss, cfg, false)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return run
}

// colOf finds a header in row 1 of a tab.
func colOf(t *testing.T, tab *sheet.Tab, header string) int {
	t.Helper()
	for i, v := range tab.Rows[0] {
		if v.String() == header {
			return i + 1
		}
	}
	t.Fatalf("tab %q has no header %q", tab.Name, header)
	return 0
}

// storeAsExcel rewrites the text cells of book holding characters XML
// cannot carry the way Excel saves them, as _xHHHH_ (excelize's own writer
// would store U+FFFD): a manager's workbook then reads back with the very
// characters the manager typed, as it does on Google.
func storeAsExcel(t *testing.T, path string, book *sheet.Book) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	changed := false
	for _, tab := range book.Tabs {
		for r, row := range tab.Rows {
			for c, v := range row {
				if v.Kind != sheet.Text || sheet.StorableText(v.Str) == v.Str {
					continue
				}
				var b strings.Builder
				for _, ch := range v.Str {
					if ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' || ch == 0xFFFE || ch == 0xFFFF {
						fmt.Fprintf(&b, "_x%04X_", ch)
					} else {
						b.WriteRune(ch)
					}
				}
				// SetCellStr stores the text as given: the escape is what
				// lands in the file.
				if err := f.SetCellStr(tab.Name, sheet.CellName(r+1, c+1), b.String()); err != nil {
					t.Fatal(err)
				}
				changed = true
			}
		}
	}
	if changed {
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
	}
}
