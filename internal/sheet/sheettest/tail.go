package sheettest

import (
	"slices"
	"strconv"
	"testing"

	"onboard/internal/sheet"
)

// Log is the long tab the ReadTail tests read as head and tail.
const Log = "ログ"

// logTail is how the tests ask for Log: a head of three rows, anchors
// marked 集計 in column B and accepted when column C says ok.
func logTail() sheet.Tail {
	return sheet.Tail{Tab: Log, Head: 3, MarkCol: 2, Mark: "集計", AcceptCols: 3,
		Accept: func(row []sheet.Value) bool { return len(row) >= 3 && row[2].String() == "ok" }}
}

// logRows is a log of n rows (the header included) with anchors at the
// given rows: accepted ones when ok, a marked row Accept refuses when not.
func logRows(n int, anchors map[int]bool) [][]sheet.Value {
	rows := [][]sheet.Value{{text("日時"), text("種別"), text("確認"), text("件数")}}
	for r := 2; r <= n; r++ {
		row := []sheet.Value{text("2026-11-" + strconv.Itoa(r%28+1)), text("変更"), text("行" + strconv.Itoa(r)), num(float64(r))}
		if ok, marked := anchors[r]; marked {
			row[1] = text("集計")
			row[2] = text(map[bool]string{true: "ok", false: "no"}[ok])
		}
		rows = append(rows, row)
	}
	return rows
}

// cut is rows as ReadTail returns them: the head, and the rows from the
// anchor on; the rows between empty.
func cut(rows [][]sheet.Value, head, anchor int) [][]sheet.Value {
	out := slices.Clone(rows)
	for r := head + 1; r < anchor; r++ {
		out[r-1] = nil
	}
	return out
}

// readTail makes a spreadsheet of the seed's 申込 and log, reads both
// through ReadTail and checks 申込 came whole.
func (s *Suite) readTail(t *testing.T, ss sheet.Spreadsheet, tail sheet.Tail) *sheet.Book {
	t.Helper()
	tr, ok := ss.(sheet.TailReader)
	if !ok {
		t.Fatalf("%T is no sheet.TailReader", ss)
	}
	b, err := tr.ReadTail(ctx(t), []string{Apps, tail.Tab}, nil, tail)
	if err != nil {
		t.Fatalf("ReadTail: %v", err)
	}
	assertTab(t, b, Apps, seed()[0].Rows)
	return b
}

func (s *Suite) withLog(t *testing.T, rows [][]sheet.Value) sheet.Spreadsheet {
	return s.NewSpreadsheet(t, []*sheet.Tab{seed()[0], {Name: Log, Rows: rows}})
}

// TestReadTailFromLastAnchor reads a log longer than a backend's first
// window from its last accepted anchor: the head and the rows from the
// anchor on, not the rows between nor the marked row Accept refuses.
func (s *Suite) TestReadTailFromLastAnchor(t *testing.T) {
	rows := logRows(4600, map[int]bool{500: true, 1000: true, 3000: false})
	b := s.readTail(t, s.withLog(t, rows), logTail())
	assertTab(t, b, Log, cut(rows, 3, 1000))
}

// TestReadTailNearTheEnd: an anchor among the last rows, the common case
// of a sync, leaves out everything between the head and it.
func (s *Suite) TestReadTailNearTheEnd(t *testing.T) {
	rows := logRows(3000, map[int]bool{100: true, 2990: true})
	b := s.readTail(t, s.withLog(t, rows), logTail())
	assertTab(t, b, Log, cut(rows, 3, 2990))
}

// TestReadTailNoAnchor reads a log without an accepted anchor whole.
func (s *Suite) TestReadTailNoAnchor(t *testing.T) {
	rows := logRows(2500, map[int]bool{2400: false})
	b := s.readTail(t, s.withLog(t, rows), logTail())
	assertTab(t, b, Log, rows)
}

// TestReadTailInsertedRows: rows a manager inserted into the log, before
// the anchor (it moves down) and after it, and added at its end, are
// read where they are now.
func (s *Suite) TestReadTailInsertedRows(t *testing.T) {
	rows := logRows(2100, map[int]bool{1500: true})
	ss := s.withLog(t, rows)
	for _, r := range []int{200, 1800, len(rows) + 2} {
		s.InsertRow(t, ss, Log, r, []string{"", "", "手で挿入した行"})
		rows = slices.Insert(rows, r-1, []sheet.Value{{}, {}, text("手で挿入した行")})
	}
	if s.Reopen != nil {
		ss = s.Reopen(t, ss)
	}
	b := s.readTail(t, ss, logTail())
	assertTab(t, b, Log, cut(rows, 3, 1501))
}

// TestReadTailMissingTab: a log that does not exist is absent from the
// book, and the other tabs are still read.
func (s *Suite) TestReadTailMissingTab(t *testing.T) {
	b := s.readTail(t, s.NewSpreadsheet(t, seed()[:1]), logTail())
	if b.Tab(Log) != nil {
		t.Errorf("the missing tab %q is in the book", Log)
	}
}

// TestReadTailShorterThanHead reads a log that ends within its head
// whole, its marked rows too.
func (s *Suite) TestReadTailShorterThanHead(t *testing.T) {
	rows := logRows(3, map[int]bool{2: true})
	tail := logTail()
	tail.Head = 5
	b := s.readTail(t, s.withLog(t, rows), tail)
	assertTab(t, b, Log, rows)
}

// TestReadTailShortLog: a log within a backend's first window is cut
// like a long one.
func (s *Suite) TestReadTailShortLog(t *testing.T) {
	rows := logRows(60, map[int]bool{40: true, 50: false})
	b := s.readTail(t, s.withLog(t, rows), logTail())
	assertTab(t, b, Log, cut(rows, 3, 40))
}

// TestReadTailRows reads, with Rows, the anchor and the rows after it up
// to Rows in all, and nothing past them, in a long log and a short one.
func (s *Suite) TestReadTailRows(t *testing.T) {
	for _, c := range []struct{ n, anchor int }{{4600, 1000}, {60, 40}} {
		rows := logRows(c.n, map[int]bool{c.anchor / 2: true, c.anchor: true, c.n - 10: false})
		tail := logTail()
		tail.Rows = 2
		b := s.readTail(t, s.withLog(t, rows), tail)
		assertTab(t, b, Log, cut(rows, 3, c.anchor)[:c.anchor+1])
	}
}
