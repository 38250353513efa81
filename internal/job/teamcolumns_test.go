package job_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/xlsxbook"
)

// withTeamColumns is the example with a team's own columns on 申込 and
// セッション: 25 of long notes right of the contract's, and a stray value
// far right on one row.
func withTeamColumns() *sheet.Book {
	b := example.Generate(example.ExampleConfig())
	for _, name := range []string{"申込", "セッション"} {
		tab := b.Tab(name)
		width := len(tab.Rows[0])
		for r := range tab.Rows {
			tab.Rows[r] = append(tab.Rows[r], make([]sheet.Value, width+25-len(tab.Rows[r]))...)
			for c := width; c < width+25; c++ {
				v := sheet.TextValue(strings.Repeat(fmt.Sprintf("メモ%d-%d ", r, c), 8))
				if r == 0 {
					v = sheet.TextValue(fmt.Sprintf("チーム列%d", c-width+1))
				}
				tab.Rows[r][c] = v
			}
		}
		stray := tab.Rows[len(tab.Rows)-2]
		tab.Rows[len(tab.Rows)-2] = append(stray, make([]sheet.Value, 60-len(stray))...)
		tab.Rows[len(tab.Rows)-2][59] = sheet.TextValue("端")
	}
	return b
}

// A team's own columns on a contract tab cost the local sync nothing: the
// read leaves their cells out (TestReadKeepingMatchesAWholeRead shows how),
// and the sync plans exactly what a whole read plans, the job's columns
// placed right of the team's.
func TestTeamColumnsAreNotKept(t *testing.T) {
	b := withTeamColumns()
	path := writeBook(t, b)
	cfg := config(t)
	book, err := contract.ReadBook(context.Background(), xlsxbook.Open(path), cfg.Matrix)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"申込", "セッション"} {
		tab := book.Tab(name)
		contractWidth := len(b.Tab(name).Rows[0]) - 25
		for r, row := range tab.Rows[1:] {
			if len(row) > contractWidth {
				t.Errorf("%s row %d holds %d cells: the team's columns were kept", name, r+2, len(row))
				break
			}
		}
		if len(tab.Elsewhere) != 26 || tab.Elsewhere[60] != len(tab.Rows)-1 || tab.Elsewhere[contractWidth+1] != 2 {
			t.Errorf("%s: elsewhere %v", name, tab.Elsewhere)
		}
	}

	local, err := job.Evaluate(context.Background(), xlsxbook.Open(path), cfg)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := job.Evaluate(context.Background(), memsheet.FromBook("whole", readBook(t, path)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(local.Changes) == 0 || !reflect.DeepEqual(local.Changes, whole.Changes) {
		t.Fatalf("the local sync plans %d changes, a whole read %d, or they differ", len(local.Changes), len(whole.Changes))
	}
	for _, l := range []*contract.Layout{local.Sheet.Apps, local.Sheet.Sessions} {
		if len(l.Added) == 0 {
			t.Errorf("%s: no job column added; the example's first sync adds them", l.Name)
		}
		for _, a := range l.Added {
			if a.Col <= 60 {
				t.Errorf("%s: the job's column %s goes to column %d, left of the stray value in column 60", l.Name, a.Column.Name, a.Col)
			}
		}
	}
}

// matrixEditedWorkbook is a workbook whose 条件マトリクス tab, read on its
// own first, differs from the one the main read finds: as if a manager
// edited the matrix between the two reads.
type matrixEditedWorkbook struct{ *xlsxbook.Workbook }

func (w matrixEditedWorkbook) Read(ctx context.Context, names []string) (*sheet.Book, error) {
	b, err := w.Workbook.Read(ctx, names)
	if err == nil && len(names) == 1 && names[0] == matrix.TabName {
		b.Tab(matrix.TabName).Rows = b.Tab(matrix.TabName).Rows[:1]
	}
	return b, err
}

// The columns kept are decided from the 条件マトリクス tab read first; were
// it edited before the main read, the columns it names might have been
// left out, so the main read is made again whole.
func TestMatrixEditedMeanwhileReadsWhole(t *testing.T) {
	path := writeBook(t, withTeamColumns())
	cfg := config(t)
	for _, edited := range []bool{false, true} {
		var ss sheet.Spreadsheet = xlsxbook.Open(path)
		if edited {
			ss = matrixEditedWorkbook{xlsxbook.Open(path)}
		}
		book, err := contract.ReadBook(context.Background(), ss, cfg.Matrix)
		if err != nil {
			t.Fatal(err)
		}
		apps := book.Tab("申込")
		whole := len(apps.Rows[1]) > len(apps.Rows[0])-25
		if whole != edited || (apps.Elsewhere == nil) != edited {
			t.Errorf("matrix edited %v: the team's columns were read %v, elsewhere %v", edited, whole, apps.Elsewhere)
		}
	}
}
