package xlsxbook

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// TestCells counts every tab's used range: from <dimension> where a writer
// kept it (excelize's normal save), from the cells where a stream writer
// left it at A1 (Create), and the same either way.
func TestCells(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.xlsx")
	f := excelize.NewFile()
	must(t, f.SetCellStr("Sheet1", "CV1000", "端"))
	_, err := f.NewSheet("二")
	must(t, err)
	must(t, f.SetCellStr("二", "B3", "x"))
	must(t, f.SaveAs(saved))
	f.Close()

	streamed := filepath.Join(dir, "streamed.xlsx")
	wide := &sheet.Tab{Name: "Sheet1", Rows: make([][]sheet.Value, 1000)}
	wide.Rows[999] = make([]sheet.Value, 100)
	wide.Rows[999][99] = sheet.TextValue("端")
	small := &sheet.Tab{Name: "二", Rows: [][]sheet.Value{nil, nil, {{}, sheet.TextValue("x")}}}
	must(t, Create(streamed, &sheet.Book{Tabs: []*sheet.Tab{wide, small}}))

	for _, path := range []string{saved, streamed} {
		n, err := Open(path).Cells(t.Context())
		if err != nil || n != 1000*100+3*2 {
			t.Errorf("%s: %d cells (%v), want %d", filepath.Base(path), n, err, 1000*100+3*2)
		}
		// After a read the tabs read are counted from it, the same.
		w := Open(path)
		if _, err := w.Read(t.Context(), []string{"Sheet1"}); err != nil {
			t.Fatal(err)
		}
		if len(w.used) != 1 {
			t.Errorf("%s: %d tabs counted by the read, want 1", filepath.Base(path), len(w.used))
		}
		n, err = w.Cells(t.Context())
		if err != nil || n != 1000*100+3*2 {
			t.Errorf("%s after a read: %d cells (%v), want %d", filepath.Base(path), n, err, 1000*100+3*2)
		}
	}
}
