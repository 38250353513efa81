package gsheets_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// TestReadTailRowsReadsOnlyTheAnchor: a tail of one row (the report's)
// reads of the log its head, the mark column and the marked rows: not the
// rows between its anchor and the log's end, which a sync's tail reads.
func TestReadTailRowsReadsOnlyTheAnchor(t *testing.T) {
	srv := newFake(t)
	rows := [][]sheet.Value{{sheet.TextValue("日時"), sheet.TextValue("種別"), sheet.TextValue("確認")}}
	for r := 2; r <= 6000; r++ {
		mark := "変更"
		if r%500 == 0 {
			mark = "集計"
		}
		rows = append(rows, []sheet.Value{sheet.TextValue(fmt.Sprintf("行%d", r)), sheet.TextValue(mark), sheet.TextValue("ok"),
			sheet.TextValue(fmt.Sprintf("株式会社サンプル商事%d", r)), sheet.TextValue("セッション予定"), sheet.TextValue("進行中")})
	}
	id := srv.CreateSpreadsheet("tail", fakeTabs([]*sheet.Tab{{Name: "ログ", Rows: rows}}, 0)...)
	read := func(tail sheet.Tail) (*sheet.Tab, []string, int) {
		srv.ResetRequests()
		b, err := open(t, srv, id).ReadTail(context.Background(), []string{"ログ"}, nil, tail)
		if err != nil {
			t.Fatal(err)
		}
		var ranges []string
		received := 0
		for _, r := range srv.Requests() {
			received += r.ResponseSize
			q, _ := url.ParseQuery(r.Query)
			ranges = append(ranges, q["ranges"]...)
		}
		return b.Tab("ログ"), ranges, received
	}
	tail := sheet.Tail{Tab: "ログ", Head: 2, MarkCol: 2, Mark: "集計", AcceptCols: 1,
		Accept: func(row []sheet.Value) bool {
			return row[0].String() <= "行3000" && len(row[0].String()) == len("行3000")
		}}
	_, _, sync := read(tail)
	tail.Rows = 1
	log, ranges, report := read(tail)
	if len(log.Rows) != 3000 || log.Cell(3000, 1).String() != "行3000" {
		t.Fatalf("the tail ends at row %d, %q; want the anchor, row 3000", len(log.Rows), log.Cell(len(log.Rows), 1).String())
	}
	for _, r := range ranges {
		if from, to, ok := strings.Cut(strings.TrimPrefix(r, "'ログ'!"), ":"); ok && from != to && from != "1" && !strings.HasPrefix(from, "B") {
			t.Errorf("read %s: rows past the anchor, not only its marked ones", r)
		}
	}
	if report*3 > sync {
		t.Errorf("received %d bytes for one row, %d for the tail to the end: want a third at most", report, sync)
	}
}
