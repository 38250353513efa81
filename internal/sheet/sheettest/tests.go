package sheettest

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"onboard/internal/sheet"
)

// TestReadTypedCells reads every seeded tab back with its cell types:
// text, number, bool, dates as serial numbers, Japanese tab names, ragged
// rows and a blank row.
func (s *Suite) TestReadTypedCells(t *testing.T) {
	tabs := seed()
	ss := s.NewSpreadsheet(t, tabs)
	b, err := ss.Read(ctx(t), names(tabs))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	for _, tab := range tabs {
		assertTab(t, b, tab.Name, tab.Rows)
	}
	// A date comes back as the same serial, as a date or a plain number.
	if v := b.Tab(Apps).Cell(2, 5); v.Num != float64(day1) || (v.Kind != sheet.Date && v.Kind != sheet.Number) {
		t.Errorf("date cell: %v %v, want serial %d", v.Kind, v.Num, day1)
	}
}

// TestReadMissingTabIsAbsent asks for tabs that do not exist: they are
// absent from the book, and the others are still read.
func (s *Suite) TestReadMissingTabIsAbsent(t *testing.T) {
	tabs := seed()
	ss := s.NewSpreadsheet(t, tabs)
	b, err := ss.Read(ctx(t), []string{Apps, "ない", Sessions, "Missing"})
	if err != nil {
		t.Fatalf("Read with a missing tab: %v", err)
	}
	for _, name := range []string{"ない", "Missing"} {
		if b.Tab(name) != nil {
			t.Errorf("tab %q is in the book", name)
		}
	}
	assertTab(t, b, Apps, tabs[0].Rows)
	assertTab(t, b, Sessions, tabs[1].Rows)

	b, err = ss.Read(ctx(t), []string{"ない"})
	if err != nil {
		t.Fatalf("Read of only missing tabs: %v", err)
	}
	if b.Tab("ない") != nil {
		t.Error("a missing tab is in the book")
	}
}

// TestReadColumns returns the header row and the requested columns only.
func (s *Suite) TestReadColumns(t *testing.T) {
	tabs := seed()
	ss := s.open(t, tabs)
	b, err := ss.ReadColumns(ctx(t), []sheet.ColumnsRequest{{Tab: Apps, Cols: []int{1, 3}}, {Tab: Sessions, Cols: []int{2}}})
	if err != nil {
		t.Fatalf("ReadColumns: %v", err)
	}
	only := func(rows [][]sheet.Value, cols ...int) [][]sheet.Value {
		out := make([][]sheet.Value, len(rows))
		for r, row := range rows {
			out[r] = make([]sheet.Value, len(row))
			for c := range row {
				keep := r == 0
				for _, k := range cols {
					keep = keep || c == k-1
				}
				if keep {
					out[r][c] = row[c]
				}
			}
		}
		return out
	}
	assertTab(t, b, Apps, only(tabs[0].Rows, 1, 3))
	assertTab(t, b, Sessions, only(tabs[1].Rows, 2))
}

// TestReadColumnsMissingTab reports the tab as not found.
func (s *Suite) TestReadColumnsMissingTab(t *testing.T) {
	ss := s.open(t, seed())
	_, err := ss.ReadColumns(ctx(t), []sheet.ColumnsRequest{{Tab: Apps, Cols: []int{1}}, {Tab: "ない", Cols: []int{1}}})
	if !errors.Is(err, sheet.ErrTabNotFound) {
		t.Errorf("got %v, want ErrTabNotFound", err)
	}
}

// TestEditsBehindTheBackend: a manager's edits made after the Read are
// never lost. A backend either sees them (ReadColumns returns the sheet as
// it is now, so the job addresses rows where they are) or refuses to write
// over them (ErrConflict, nothing stored, the edit kept).
func (s *Suite) TestEditsBehindTheBackend(t *testing.T) {
	tabs := seed()
	ss := s.open(t, tabs)
	s.Edit(t, ss, Apps, 2, 1, text("99999"))
	s.Edit(t, ss, Apps, 1, 7, text("新しい列"))
	s.Edit(t, ss, Apps, 7, 1, text("10005"))
	if !s.EditsVisible {
		err := ss.Write(ctx(t), []sheet.Update{{Tab: Apps, Row: 3, Col: 2, Value: text("上書き")}})
		if !errors.Is(err, sheet.ErrConflict) {
			t.Fatalf("Write over a sheet edited since the Read: %v, want ErrConflict", err)
		}
		tab := s.stored(t, ss, Apps).Tab(Apps)
		if got := tab.Cell(2, 1).String(); got != "99999" {
			t.Errorf("the manager's edit was lost: A2 = %q", got)
		}
		if got := tab.Cell(3, 2).String(); got == "上書き" {
			t.Error("the refused write was stored")
		}
		return
	}
	b, err := ss.ReadColumns(ctx(t), []sheet.ColumnsRequest{{Tab: Apps, Cols: []int{1}}})
	if err != nil {
		t.Fatalf("ReadColumns: %v", err)
	}
	tab := b.Tab(Apps)
	if tab == nil {
		t.Fatal("tab missing")
	}
	for _, c := range []struct {
		row, col int
		want     string
	}{{2, 1, "99999"}, {1, 7, "新しい列"}, {7, 1, "10005"}, {1, 2, "事業者名"}} {
		if got := tab.Cell(c.row, c.col).String(); got != c.want {
			t.Errorf("%s = %q, want %q", sheet.CellName(c.row, c.col), got, c.want)
		}
	}
}

// TestWriteSingleCell writes one cell.
func (s *Suite) TestWriteSingleCell(t *testing.T) {
	s.write(t, []sheet.Update{{Tab: Apps, Row: 3, Col: 2, Value: text("あおば")}})
}

// TestWriteAdjacentCells writes a row run, a block and a column run.
func (s *Suite) TestWriteAdjacentCells(t *testing.T) {
	var us []sheet.Update
	for c := 7; c <= 13; c++ {
		us = append(us, sheet.Update{Tab: Apps, Row: 2, Col: c, Value: text("job " + strconv.Itoa(c))})
	}
	for r := 3; r <= 5; r++ {
		for c := 7; c <= 9; c++ {
			us = append(us, sheet.Update{Tab: Apps, Row: r, Col: c, Value: num(float64(r*10 + c))})
		}
	}
	for r := 2; r <= 9; r++ {
		us = append(us, sheet.Update{Tab: Sessions, Row: r, Col: 3, Value: text("チェック" + strconv.Itoa(r))})
	}
	s.write(t, us)
}

// TestWriteFarApartCells writes cells with gaps between them, in no order,
// on several tabs.
func (s *Suite) TestWriteFarApartCells(t *testing.T) {
	s.write(t, []sheet.Update{
		{Tab: Apps, Row: 40, Col: 20, Value: text("far")},
		{Tab: Apps, Row: 2, Col: 1, Value: text("10001-b")},
		{Tab: Odd, Row: 3, Col: 2, Value: sheet.BoolValue(true)},
		{Tab: Apps, Row: 6, Col: 12, Value: num(7)},
		{Tab: Sessions, Row: 2, Col: 5, Value: text("x")},
		{Tab: Apps, Row: 2, Col: 8, Value: text("gap")},
	})
}

// TestWriteRightOfData adds columns beyond the data, and beyond the 26
// columns a new Google sheet has, plus rows below the data.
func (s *Suite) TestWriteRightOfData(t *testing.T) {
	var us []sheet.Update
	for c := 27; c <= 33; c++ {
		us = append(us, sheet.Update{Tab: Apps, Row: 1, Col: c, Value: text("列" + strconv.Itoa(c))})
		us = append(us, sheet.Update{Tab: Apps, Row: 2, Col: c, Value: text("v" + strconv.Itoa(c))})
	}
	us = append(us, sheet.Update{Tab: Odd, Row: 1, Col: 40, Value: text("AN1")})
	us = append(us, sheet.Update{Tab: Sessions, Row: 1200, Col: 1, Value: text("below")})
	s.write(t, us)
}

// TestWriteTextStaysText: text is stored as text, never as a formula, a
// number or a boolean.
func (s *Suite) TestWriteTextStaysText(t *testing.T) {
	var us []sheet.Update
	for i, v := range []string{"=1+1", `=IMPORTXML("http://example.com","//a")`, "'quoted", "00123", "TRUE", "2026/11/24", "+81 3", "@name", "1e5"} {
		us = append(us, sheet.Update{Tab: Apps, Row: 2 + i, Col: 7, Value: text(v)})
	}
	s.write(t, us)
}

// TestWriteTypes writes numbers, booleans, dates and Japanese text.
func (s *Suite) TestWriteTypes(t *testing.T) {
	s.write(t, []sheet.Update{
		{Tab: Apps, Row: 3, Col: 3, Value: num(0.1)},
		{Tab: Apps, Row: 3, Col: 4, Value: sheet.BoolValue(true)},
		{Tab: Apps, Row: 3, Col: 5, Value: sheet.DayValue(day2)},
		{Tab: Apps, Row: 3, Col: 6, Value: text("③(確認) ④(確認) ⑤")},
		{Tab: Apps, Row: 2, Col: 3, Value: num(-1e9)},
		{Tab: Apps, Row: 2, Col: 4, Value: sheet.BoolValue(false)},
	})
}

// TestWriteEmptyClears: an empty value clears the cell.
func (s *Suite) TestWriteEmptyClears(t *testing.T) {
	s.write(t, []sheet.Update{
		{Tab: Apps, Row: 2, Col: 6, Value: sheet.Value{}},
		{Tab: Apps, Row: 2, Col: 3, Value: sheet.Value{}},
		{Tab: Apps, Row: 6, Col: 1, Value: sheet.Value{}},
		{Tab: Sessions, Row: 2, Col: 2, Value: sheet.Value{}},
	})
}

// TestWritePattern writes a random scatter of cells (runs, blocks, holes,
// overwrites) and checks every cell of the tab against the model, so a
// backend that merges cells into ranges merges them right.
func (s *Suite) TestWritePattern(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var us []sheet.Update
	for r := 1; r <= 60; r++ {
		for c := 1; c <= 30; c++ {
			if r == 1 && c <= 6 {
				continue // keep the header
			}
			switch rng.IntN(5) {
			case 0:
				us = append(us, sheet.Update{Tab: Apps, Row: r, Col: c, Value: text("t" + strconv.Itoa(r*100+c))})
			case 1:
				us = append(us, sheet.Update{Tab: Apps, Row: r, Col: c, Value: num(float64(r*100 + c))})
			case 2:
				if rng.IntN(4) == 0 {
					us = append(us, sheet.Update{Tab: Apps, Row: r, Col: c, Value: sheet.Value{}})
				}
			}
		}
	}
	// The same cell twice: the later update wins.
	us = append(us, sheet.Update{Tab: Apps, Row: 2, Col: 2, Value: text("first")}, sheet.Update{Tab: Apps, Row: 2, Col: 2, Value: text("last")})
	rng.Shuffle(len(us)-2, func(i, j int) { us[i], us[j] = us[j], us[i] })
	s.write(t, us)
}

// TestWriteThenReadColumns: ReadColumns after a Write sees the written
// cells.
func (s *Suite) TestWriteThenReadColumns(t *testing.T) {
	ss := s.open(t, seed())
	if err := ss.Write(ctx(t), []sheet.Update{{Tab: Apps, Row: 3, Col: 1, Value: text("10009")}, {Tab: Apps, Row: 1, Col: 7, Value: text("ステータス")}}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	b, err := ss.ReadColumns(ctx(t), []sheet.ColumnsRequest{{Tab: Apps, Cols: []int{1}}})
	if err != nil {
		t.Fatalf("ReadColumns: %v", err)
	}
	if got := b.Tab(Apps).Cell(3, 1).String(); got != "10009" {
		t.Errorf("A3 = %q", got)
	}
	if got := b.Tab(Apps).Cell(1, 7).String(); got != "ステータス" {
		t.Errorf("G1 = %q", got)
	}
}

// TestWriteNothingOnError: a Write with one bad update stores none of its
// updates and says what was wrong.
func (s *Suite) TestWriteNothingOnError(t *testing.T) {
	good := []sheet.Update{
		{Tab: Apps, Row: 2, Col: 7, Value: text("must not be written")},
		{Tab: Sessions, Row: 2, Col: 3, Value: text("nor this")},
	}
	for _, c := range []struct {
		name string
		bad  sheet.Update
		kind error
	}{
		{"unknown tab", sheet.Update{Tab: "ない", Row: 2, Col: 1, Value: text("x")}, sheet.ErrTabNotFound},
		{"row 0", sheet.Update{Tab: Apps, Row: 0, Col: 1, Value: text("x")}, sheet.ErrOutOfRange},
		{"column 0", sheet.Update{Tab: Apps, Row: 2, Col: 0, Value: text("x")}, sheet.ErrOutOfRange},
	} {
		t.Run(c.name, func(t *testing.T) {
			tabs := seed()
			ss := s.open(t, tabs)
			us := append(append([]sheet.Update(nil), good[:1]...), c.bad)
			us = append(us, good[1:]...)
			err := ss.Write(ctx(t), us)
			if !errors.Is(err, c.kind) {
				t.Errorf("got %v, want %v", err, c.kind)
			}
			b := s.stored(t, ss, names(tabs)...)
			for _, tab := range tabs {
				assertTab(t, b, tab.Name, tab.Rows)
			}
		})
	}
}

// TestWriteNothing is a Write without updates: no error, nothing changes.
func (s *Suite) TestWriteNothing(t *testing.T) {
	s.write(t, nil)
}

// TestAddTab adds a tab with a header row, writes into it, and refuses to
// add a tab that exists.
func (s *Suite) TestAddTab(t *testing.T) {
	tabs := seed()
	ss := s.open(t, tabs)
	header := []string{"メールアドレス", "LINEビジネスID作成済", "割当日"}
	if err := ss.AddTab(ctx(t), "サポートアカウント", header); err != nil {
		t.Fatalf("AddTab: %v", err)
	}
	if err := ss.Write(ctx(t), []sheet.Update{{Tab: "サポートアカウント", Row: 2, Col: 1, Value: text("support_10001@example.com")}}); err != nil {
		t.Fatalf("Write to the new tab: %v", err)
	}
	b := s.stored(t, ss, append(names(tabs), "サポートアカウント")...)
	assertTab(t, b, "サポートアカウント", [][]sheet.Value{
		{text(header[0]), text(header[1]), text(header[2])},
		{text("support_10001@example.com")},
	})
	for _, tab := range tabs {
		assertTab(t, b, tab.Name, tab.Rows)
	}
	for _, name := range []string{"サポートアカウント", Apps} {
		if err := ss.AddTab(ctx(t), name, []string{"x"}); !errors.Is(err, sheet.ErrTabExists) {
			t.Errorf("AddTab(%q) again: got %v, want ErrTabExists", name, err)
		}
	}
}

// TestMissingSpreadsheet reports a spreadsheet (or file) that does not
// exist as ErrNotFound.
func (s *Suite) TestMissingSpreadsheet(t *testing.T) {
	ss := s.Missing(t)
	if _, err := ss.Read(ctx(t), []string{Apps}); !errors.Is(err, sheet.ErrNotFound) {
		t.Errorf("Read: got %v, want ErrNotFound", err)
	}
	if ss.Describe() == "" {
		t.Error("Describe is empty")
	}
}

// trickyTexts are texts that a backend might store differently from what
// it was given: every control character, the non-characters, invalid
// UTF-8, the .xlsx escape form _xHHHH_, and significant white space.
func trickyTexts() []string {
	var out []string
	for c := rune(0); c < 0x20; c++ {
		out = append(out, "a"+string(c)+"b")
	}
	out = append(out, "del\x7f", "\u0085\u2028\u200b", "\ufffe\uffff", "lone \xed\xa0\x80 surrogate \xff",
		"_x0041_", "_x005F_", "_x005F_x0041_", "x_x0041_y_X0042_z_x00411_", "「_x0001_」は あり/なし で入力してください",
		" leading", "trailing ", "\nnewline first", "crlf\r\nend\r", "\ttab")
	return out
}

// TestWriteStorableText: text made storable (sheet.StorableText) reads back
// exactly as written, so a job that plans storable text finds nothing to
// change on the next run.
func (s *Suite) TestWriteStorableText(t *testing.T) {
	var us []sheet.Update
	for i, v := range trickyTexts() {
		us = append(us, sheet.Update{Tab: Apps, Row: 2 + i, Col: 7, Value: text(sheet.StorableText(v))})
	}
	s.write(t, us)
}

// TestReadStorableText: a spreadsheet made with storable text reads back
// exactly.
func (s *Suite) TestReadStorableText(t *testing.T) {
	tabs := seed()
	for _, v := range trickyTexts() {
		tabs[2].Rows = append(tabs[2].Rows, []sheet.Value{text(sheet.StorableText(v))})
	}
	b, err := s.NewSpreadsheet(t, tabs).Read(ctx(t), names(tabs))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	assertTab(t, b, Odd, tabs[2].Rows)
}

// TestTitles lists every tab, in order, also after a tab is added.
func (s *Suite) TestTitles(t *testing.T) {
	tabs := seed()
	ss := s.open(t, tabs)
	got, err := ss.Titles(ctx(t))
	if err != nil {
		t.Fatalf("Titles: %v", err)
	}
	if want := names(tabs); !reflect.DeepEqual(got, want) {
		t.Errorf("Titles = %q, want %q", got, want)
	}
	if err := ss.AddTab(ctx(t), "Applications ", []string{"a"}); err != nil {
		t.Fatalf("AddTab: %v", err)
	}
	got, err = ss.Titles(ctx(t))
	if err != nil {
		t.Fatalf("Titles: %v", err)
	}
	if want := append(names(tabs), "Applications "); !reflect.DeepEqual(got, want) {
		t.Errorf("after AddTab: Titles = %q, want %q", got, want)
	}
}
