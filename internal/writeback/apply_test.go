package writeback_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/writeback"
)

// newSheet is the in-memory backend holding newBook.
func newSheet() *memsheet.Spreadsheet { return memsheet.FromBook("test", newBook()) }

// editBeforeReadColumns plays a manager between the job's read and its
// re-read, once.
func editBeforeReadColumns(ms *memsheet.Spreadsheet, edit func(*sheet.Book)) {
	ms.BeforeReadColumns = func(s *memsheet.Spreadsheet) {
		s.BeforeReadColumns = nil
		s.Mutate(edit)
	}
}

// writtenCells counts the cells of every Write.
func writtenCells(ms *memsheet.Spreadsheet) int {
	n := 0
	for _, w := range ms.Writes() {
		n += len(w)
	}
	return n
}

func row(cells ...string) []sheet.Value {
	r := make([]sheet.Value, len(cells))
	for i, c := range cells {
		r[i] = sheet.TextValue(c)
	}
	return r
}

var appsHeader = row("クライアントID", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "サポートアカウント")

func newBook() *sheet.Book {
	return &sheet.Book{Tabs: []*sheet.Tab{
		{Name: "申込", Rows: [][]sheet.Value{appsHeader,
			row("10001", "A社", "なし", "", "なし"),
			row("10002", "B社", "なし", "", "あり"),
			row("10003", "C社", "あり", "あり", ""),
		}},
		{Name: "セッション", Rows: [][]sheet.Value{row("クライアントID", "実施日", "LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント")}},
		{Name: "サポートアカウント", Rows: [][]sheet.Value{row("メールアドレス", "LINEビジネスID作成済", "エルメアカウント作成済", "割当クライアントID", "割当日"),
			row("s1@x.jp", "済", "済"), row("s2@x.jp", "済", "済"), row("s3@x.jp", "済", "済"),
		}},
	}}
}

func plan(t *testing.T, ms *memsheet.Spreadsheet) (*contract.Sheet, []writeback.Change) {
	t.Helper()
	m, _ := matrix.Default("")
	s, err := contract.Read(ms.Book(), m)
	if err != nil {
		t.Fatal(err)
	}
	today := civil.New(2026, 11, 25)
	out := onboarding.Compute(onboarding.Input{Matrix: m, Applications: s.Applications, Sessions: s.SessionRows, Pool: s.PoolRows, Today: today, StallDays: 14})
	return s, writeback.Plan(s, out, today)
}

// statusOf returns each client's status and support account by ID.
func statusOf(t *testing.T, b *sheet.Book) map[string]string {
	t.Helper()
	tab := b.Tab("申込")
	header := map[string]int{}
	for c, h := range tab.Rows[0] {
		header[h.String()] = c + 1
	}
	out := map[string]string{}
	for r := 2; r <= len(tab.Rows); r++ {
		id := tab.Cell(r, 1).String()
		if id != "" {
			out[id] = tab.Cell(r, header["ステータス"]).String() + "|" + tab.Cell(r, header["サポートアカウント"]).String() + "|" + tab.Cell(r, 2).String()
		}
	}
	return out
}

func TestApplyFollowsRowsToWhereTheyAreNow(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(b *sheet.Book)
		want  map[string]string
		check func(t *testing.T, o writeback.Outcome, b *sheet.Book)
	}{
		{
			name: "rows inserted above and re-sorted",
			edit: func(b *sheet.Book) {
				a := b.Tab("申込")
				a.Rows = [][]sheet.Value{a.Rows[0], row("10009", "新規社", "なし", "", "なし"), a.Rows[3], a.Rows[1], a.Rows[2]}
			},
			want: map[string]string{"10001": "未着手|s1@x.jp|A社", "10002": "未着手|s2@x.jp|B社", "10003": "未着手|s3@x.jp|C社", "10009": "||新規社"},
			check: func(t *testing.T, o writeback.Outcome, _ *sheet.Book) {
				if o.Moved == 0 || o.Gone != 0 {
					t.Errorf("outcome %+v", o)
				}
			},
		},
		{
			name: "a client deleted",
			edit: func(b *sheet.Book) {
				a := b.Tab("申込")
				a.Rows = append(a.Rows[:2], a.Rows[3:]...)
			},
			want: map[string]string{"10001": "未着手|s1@x.jp|A社", "10003": "未着手|s3@x.jp|C社"},
			check: func(t *testing.T, o writeback.Outcome, b *sheet.Book) {
				if o.Gone == 0 || o.Withheld != 2 {
					t.Errorf("outcome %+v", o)
				}
				// The deleted client's pool marks are withheld with its fill:
				// the account stays free for the next run.
				if got := assignedOf(b); got != "s1@x.jp=10001,s2@x.jp=,s3@x.jp=10003" {
					t.Errorf("pool %s", got)
				}
			},
		},
		{
			name: "a support account typed in meanwhile",
			edit: func(b *sheet.Book) {
				a := b.Tab("申込")
				a.Rows[1] = append(a.Rows[1], sheet.TextValue("manual@x.jp"))
			},
			want: map[string]string{"10001": "未着手|manual@x.jp|A社", "10002": "未着手|s2@x.jp|B社", "10003": "未着手|s3@x.jp|C社"},
			check: func(t *testing.T, o writeback.Outcome, b *sheet.Book) {
				if o.Filled != 1 || o.Withheld != 2 {
					t.Errorf("outcome %+v", o)
				}
				// The fill was refused, so the pool is not marked: no
				// orphaned pool row assigned to a client holding another.
				if got := assignedOf(b); got != "s1@x.jp=,s2@x.jp=10002,s3@x.jp=10003" {
					t.Errorf("pool %s", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newSheet()
			s, changes := plan(t, ms)
			if tt.edit != nil {
				editBeforeReadColumns(ms, tt.edit)
			}
			o, err := writeback.Apply(context.Background(), ms, s, changes)
			if err != nil {
				t.Fatal(err)
			}
			got := statusOf(t, ms.Book())
			for id, w := range tt.want {
				if got[id] != w {
					t.Errorf("client %s: %q, want %q", id, got[id], w)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("clients %v", got)
			}
			tt.check(t, o, ms.Book())
		})
	}
}

// assignedOf lists the pool as email=client, with the 割当日 set for each
// client, in row order.
func assignedOf(b *sheet.Book) string {
	tab := b.Tab("サポートアカウント")
	var out []string
	for r := 2; r <= len(tab.Rows); r++ {
		to, on := tab.Cell(r, 4), tab.Cell(r, 5)
		if to.IsEmpty() != on.IsEmpty() {
			return fmt.Sprintf("row %d: 割当クライアントID %q but 割当日 %q", r, to.String(), on.String())
		}
		out = append(out, tab.Cell(r, 1).String()+"="+to.String())
	}
	return strings.Join(out, ",")
}

func TestApplyStopsWhenHeaderChanged(t *testing.T) {
	ms := newSheet()
	s, changes := plan(t, ms)
	editBeforeReadColumns(ms, func(b *sheet.Book) {
		h := b.Tab("申込").Rows[0]
		h[1], h[2] = h[2], h[1] // a column moved
	})
	_, err := writeback.Apply(context.Background(), ms, s, changes)
	if !errors.Is(err, writeback.ErrHeaderChanged) || !strings.Contains(err.Error(), "申込") {
		t.Fatalf("got %v", err)
	}
	if n := writtenCells(ms); n != 0 {
		t.Errorf("%d cells written to a guessed column", n)
	}
}

func TestPlanOnlyChangedCellsThenNothing(t *testing.T) {
	ms := newSheet()
	s, changes := plan(t, ms)
	if _, err := writeback.Apply(context.Background(), ms, s, changes); err != nil {
		t.Fatal(err)
	}
	// Headers were added at the right end, once.
	if h := ms.Book().Tab("申込").Rows[0]; len(h) != 13 || h[6].String() != "必要作業" || h[12].String() != "ステータス更新日" {
		t.Errorf("header %v", h)
	}
	_, again := plan(t, ms)
	if len(again) != 0 {
		t.Errorf("second plan: %d changes, first %+v", len(again), again[0])
	}
	// A manager edits a job cell: only that cell is put back.
	ms.Edit("申込", 2, 10, sheet.TextValue("手で書いた"))
	_, fix := plan(t, ms)
	if len(fix) != 1 || fix[0].Header != "ステータス" || fix[0].Row != 2 {
		t.Errorf("changes %+v", fix)
	}
}

// TestApplyVerifiesAfterTheWrite: rows sorted between the re-read and the
// write put statuses on other clients; the read after the write names each
// such cell, and says which ones a person must put back (support accounts).
func TestApplyVerifiesAfterTheWrite(t *testing.T) {
	ms := newSheet()
	s, changes := plan(t, ms)
	ms.BeforeWrite = func(s *memsheet.Spreadsheet) {
		s.BeforeWrite = nil
		s.Mutate(func(b *sheet.Book) {
			a := b.Tab("申込")
			a.Rows[1], a.Rows[3] = a.Rows[3], a.Rows[1]
		})
	}
	o, err := writeback.Apply(context.Background(), ms, s, changes)
	var me *writeback.MisplacedError
	if !errors.As(err, &me) || !errors.Is(err, writeback.ErrMisplaced) {
		t.Fatalf("got %v", err)
	}
	if o.Written == 0 || o.Verified {
		t.Errorf("outcome %+v", o)
	}
	byHand := 0
	for _, m := range me.Cells {
		if m.Tab != "申込" || (m.Row != 2 && m.Row != 4) {
			t.Errorf("named %s, a row that did not move", m)
		}
		if m.ByHand {
			byHand++
			if m.Header != "サポートアカウント" {
				t.Errorf("by hand: %s", m)
			}
		}
	}
	if byHand != 2 || len(me.Details()) != len(me.Cells) || !strings.Contains(me.Details()[0], "now holds client") {
		t.Errorf("%d by hand; details %q", byHand, me.Details())
	}

	// Without edits the same read finds everything in place.
	ms = newSheet()
	s, changes = plan(t, ms)
	if o, err := writeback.Apply(context.Background(), ms, s, changes); err != nil || !o.Verified {
		t.Errorf("%+v, %v", o, err)
	}
}

// TestApplyReachesBlankKeyRowsAtTheEnd: a last row whose key cells are
// blank (only a stray word) gets its チェック although a column read on
// Google stops above it; the next plan is empty.
func TestApplyReachesBlankKeyRowsAtTheEnd(t *testing.T) {
	b := newBook()
	sessions := b.Tab("セッション")
	sessions.Rows = append(sessions.Rows, row("10001", "2026/11/20", "", "完了"), row("", "", "", "たぶん"))
	ms := memsheet.FromBook("test", b)
	ms.ShortColumnReads = true
	s, changes := plan(t, ms)
	o, err := writeback.Apply(context.Background(), ms, s, changes)
	if err != nil {
		t.Fatal(err)
	}
	if o.Gone != 0 {
		t.Errorf("outcome %+v", o)
	}
	last := ms.Book().Tab("セッション").Rows[2]
	if got := last[len(last)-1].String(); !strings.Contains(got, "クライアントID: 入力してください") {
		t.Errorf("the last row's チェック %q", got)
	}
	if _, again := plan(t, ms); len(again) != 0 {
		t.Errorf("second plan: %d changes, first %+v", len(again), again[0])
	}
}

// TestApplyAppendWritesOnlyIntoBlankRows: rows appended to a job-owned
// log go where planned while those rows are still blank at the re-read,
// and below whatever someone added there meanwhile otherwise; the rows
// read before are never written.
func TestApplyAppendWritesOnlyIntoBlankRows(t *testing.T) {
	const tab = "ログ"
	header := []string{"日時", "内容"}
	for _, tc := range []struct {
		name     string
		meantime map[int][2]string // row → cells added between the read and the re-read
		want     []string          // the tab's rows after the write, cells joined by |
		moved    int
	}{
		{"nothing added meanwhile", nil, []string{"日時|内容", "d1|old", "d2|new1", "d3|new2"}, 0},
		{"a row added where the first new row goes", map[int][2]string{3: {"", "手書き"}},
			[]string{"日時|内容", "d1|old", "|手書き", "d2|new1", "d3|new2"}, 4},
		{"rows added further down", map[int][2]string{3: {"x", ""}, 6: {"", "y"}},
			[]string{"日時|内容", "d1|old", "x|", "", "", "|y", "d2|new1", "d3|new2"}, 4},
		{"a row added below the planned ones only", map[int][2]string{6: {"z", ""}},
			[]string{"日時|内容", "d1|old", "d2|new1", "d3|new2", "", "z|"}, 0},
	} {
		for _, asGoogle := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s google=%v", tc.name, asGoogle), func(t *testing.T) {
				b := newBook()
				b.Tabs = append(b.Tabs, &sheet.Tab{Name: tab, Rows: [][]sheet.Value{row(header...), row("d1", "old")}})
				ms := memsheet.FromBook("test", b)
				ms.ShortColumnReads = asGoogle
				s, _ := plan(t, ms)
				changes := writeback.PlanAppend(tab, ms.Book().Tab(tab), header, [][]sheet.Value{row("d2", "new1"), row("d3", "new2")})
				editBeforeReadColumns(ms, func(b *sheet.Book) {
					lt := b.Tab(tab)
					for r, cells := range tc.meantime {
						for len(lt.Rows) < r {
							lt.Rows = append(lt.Rows, nil)
						}
						lt.Rows[r-1] = row(cells[0], cells[1])
					}
				})
				out, err := writeback.Apply(context.Background(), ms, s, changes)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range ms.Book().Tab(tab).Rows {
					var cells []string
					for _, v := range r {
						cells = append(cells, v.String())
					}
					got = append(got, strings.Join(cells, "|"))
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
				if out.Moved != tc.moved {
					t.Errorf("moved %d, want %d", out.Moved, tc.moved)
				}
				for _, w := range ms.Writes() {
					for _, u := range w {
						if u.Tab == tab && u.Row <= 2 {
							t.Errorf("wrote %s of a row read before", sheet.CellName(u.Row, u.Col))
						}
					}
				}
			})
		}
	}
}

// TestApplyChecksAppendedRows: rows inserted in a job-owned log exactly
// between the re-read and the write shift what the append was to follow;
// the read after the write names it, to be checked by hand.
func TestApplyChecksAppendedRows(t *testing.T) {
	const tab = "ログ"
	header := []string{"日時", "内容"}
	b := newBook()
	b.Tabs = append(b.Tabs, &sheet.Tab{Name: tab, Rows: [][]sheet.Value{row(header...), row("d1", "old")}})
	ms := memsheet.FromBook("test", b)
	s, _ := plan(t, ms)
	changes := writeback.PlanAppend(tab, ms.Book().Tab(tab), header, [][]sheet.Value{row("d2", "new")})
	ms.BeforeWrite = func(m *memsheet.Spreadsheet) {
		m.BeforeWrite = nil
		m.InsertRow(tab, 2)
		m.Edit(tab, 2, 1, sheet.TextValue("手で挿入"))
	}
	_, err := writeback.Apply(context.Background(), ms, s, changes)
	var me *writeback.MisplacedError
	if !errors.As(err, &me) || len(me.Cells) != 1 || !me.Cells[0].Moved || !me.Cells[0].ByHand {
		t.Fatalf("got %v", err)
	}
	if d := me.Details()[0]; !strings.Contains(d, "inserted or deleted") || !strings.Contains(d, "ログ!A2") {
		t.Errorf("detail %q", d)
	}
}
