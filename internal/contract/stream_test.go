package contract

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"onboard/internal/example"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/xlsxbook"
)

// logTab is an owned tab the tests read as a tail (absent from the sheet).
const logTab = "ログ"

// streamBook is the example sheet with what a read row by row must get
// right: blank rows between the data, a team's cell right of every
// header (the job's columns go right of it), and the matrix tab last.
func streamBook(t *testing.T) *sheet.Book {
	t.Helper()
	b := example.Generate(example.ExampleConfig())
	apps, sessions := b.Tab("申込"), b.Tab("セッション")
	apps.Rows[4], sessions.Rows[7] = nil, []sheet.Value{}
	row := apps.Rows[9]
	apps.Rows[9] = append(append(row[:len(row):len(row)], make([]sheet.Value, 40)...), sheet.TextValue("チームのメモ"))
	return b
}

// wholeSheet is the sheet as a read that holds every tab makes it.
func wholeSheet(t *testing.T, ss sheet.Spreadsheet, rd Reading) *Sheet {
	t.Helper()
	book, err := ReadBook(context.Background(), ss, rd.Matrix, rd.Owned...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := rd.matrixOf(book.Tab(matrix.TabName))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(book, m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkStreamed reads ss through ReadSheet and checks the contract tabs
// were read row by row, none held, into the sheet a whole read makes.
func checkStreamed(t *testing.T, ss sheet.Spreadsheet, rd Reading) {
	t.Helper()
	want := wholeSheet(t, ss, rd)
	book, got, err := ReadSheet(context.Background(), ss, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range got.Layouts() {
		if tab := book.Tab(l.Name); !tab.Streamed() || len(tab.Rows) != 1 {
			t.Errorf("tab %q: streamed %v, %d rows held", l.Name, tab.Streamed(), len(tab.Rows))
		}
	}
	if tab := book.Tab(matrix.TabName); tab == nil || tab.Streamed() || len(tab.Rows) < 2 {
		t.Errorf("the matrix tab is not in the book whole: %+v", tab)
	}
	if len(want.Applications) < 10 || len(want.Sessions.Added) == 0 {
		t.Fatalf("the example reads %d applications, adds %d session columns", len(want.Applications), len(want.Sessions.Added))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read row by row:\n%s\nwhole:\n%s", summary(got), summary(want))
	}
}

func summary(s *Sheet) string {
	out := ""
	for _, l := range s.Layouts() {
		k := s.kept[l.Spec.Key]
		out += fmt.Sprintf("%s: cols %v, added %d, %d rows kept of columns %v\n", l.Name, l.cols, len(l.Added), k.rows, k.cols)
	}
	return out + fmt.Sprintf("%d applications, %d sessions, %d pool rows", len(s.Applications), len(s.SessionRows), len(s.PoolRows))
}

func defaultMatrix(t *testing.T) *matrix.Matrix {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tailReading(t *testing.T) Reading {
	return Reading{Matrix: defaultMatrix(t), Tail: &sheet.Tail{Tab: logTab, Head: 1}, Owned: []string{logTab}}
}

// TestReadSheetRowByRow: on a backend that hands rows on (the memory
// backend reading a tail; the local workbook always) the contract tabs
// are never held, and the records, layouts and kept cells are those of a
// whole read: blank rows, the job's columns placed right of a team's
// cell, and the sheet's own matrix, read after the contract tabs.
func TestReadSheetRowByRow(t *testing.T) {
	b := streamBook(t)
	t.Run("memory", func(t *testing.T) {
		checkStreamed(t, memsheet.FromBook("s", b), tailReading(t))
	})
	t.Run("workbook", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "s.xlsx")
		if err := xlsxbook.Create(path, b); err != nil {
			t.Fatal(err)
		}
		checkStreamed(t, xlsxbook.Open(path), Reading{Matrix: defaultMatrix(t)})
	})
}

// TestReadSheetOwnMatrix: the sheet's own matrix (one condition fewer)
// decides the layouts of a read row by row, unless pinned.
func TestReadSheetOwnMatrix(t *testing.T) {
	b := streamBook(t)
	mt := b.Tab(matrix.TabName)
	mt.Rows = mt.Rows[:len(mt.Rows)-1]
	own, err := matrix.FromTab(mt)
	if err != nil {
		t.Fatal(err)
	}
	if len(own.Conditions)+len(own.Works) == len(defaultMatrix(t).Conditions)+len(defaultMatrix(t).Works) {
		t.Fatal("the sheet's matrix is the default")
	}
	for _, pinned := range []bool{false, true} {
		rd := tailReading(t)
		rd.Pinned = pinned
		checkStreamed(t, memsheet.FromBook("s", b), rd)
		_, s, err := ReadSheet(context.Background(), memsheet.FromBook("s", b), rd)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(s.Matrix.Conditions) + len(s.Matrix.Works); (got == len(own.Conditions)+len(own.Works)) == pinned {
			t.Errorf("pinned %v: read with %d conditions and works", pinned, got)
		}
	}
}

// TestReadSheetErrorsAsWhole: a layout error of a tab read row by row
// reads as the whole read's.
func TestReadSheetErrorsAsWhole(t *testing.T) {
	b := streamBook(t)
	sessions := b.Tab("セッション")
	sessions.Rows[0] = append(sessions.Rows[0][:len(sessions.Rows[0]):len(sessions.Rows[0])], sessions.Rows[0][0])
	ss := memsheet.FromBook("s", b)
	rd := tailReading(t)
	book, err := ReadBook(context.Background(), ss, rd.Matrix, rd.Owned...)
	if err != nil {
		t.Fatal(err)
	}
	_, want := Read(book, rd.Matrix)
	_, _, got := ReadSheet(context.Background(), ss, rd)
	if want == nil || got == nil || got.Error() != want.Error() || IsLayout(got) != IsLayout(want) {
		t.Errorf("read row by row: %v; whole: %v", got, want)
	}
}

// TestReadSheetNoPlan: a read for the records alone (the report) makes
// the records and layouts of a read for a write-back plan, on either
// backend, and keeps no cells: the job's columns are not read.
func TestReadSheetNoPlan(t *testing.T) {
	b := streamBook(t)
	apps := b.Tab("申込") // the job's status column, filled as a sync leaves it
	apps.Rows[0] = append(apps.Rows[0], sheet.TextValue("ステータス"))
	col := len(apps.Rows[0])
	for r := 1; r < len(apps.Rows); r++ {
		if len(apps.Rows[r]) > 0 {
			apps.Rows[r] = append(apps.Rows[r], make([]sheet.Value, max(0, col-len(apps.Rows[r])))...)
			apps.Rows[r][col-1] = sheet.TextValue("進行中")
		}
	}
	path := filepath.Join(t.TempDir(), "s.xlsx")
	if err := xlsxbook.Create(path, b); err != nil {
		t.Fatal(err)
	}
	for name, ss := range map[string]sheet.Spreadsheet{"memory": memsheet.FromBook("s", b), "workbook": xlsxbook.Open(path)} {
		rd := tailReading(t)
		_, plan, err := ReadSheet(context.Background(), ss, rd)
		if err != nil {
			t.Fatal(err)
		}
		rd.NoPlan = true
		_, records, err := ReadSheet(context.Background(), ss, rd)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := plan.Cell(TabApplications, 2, col); !ok || v.String() != "進行中" {
			t.Errorf("%s: a plan's read keeps the status cell as %v, %v", name, v, ok)
		}
		if v, ok := records.Cell(TabApplications, 2, col); ok {
			t.Errorf("%s: a read for the records keeps the status cell %v", name, v)
		}
		plan.ReleaseCells()
		records.ReleaseCells()
		if !reflect.DeepEqual(records, plan) {
			t.Errorf("%s: read for the records:\n%d applications, %d sessions, %d pool rows\nfor a plan:\n%d, %d, %d", name,
				len(records.Applications), len(records.SessionRows), len(records.PoolRows), len(plan.Applications), len(plan.SessionRows), len(plan.PoolRows))
		}
	}
}
