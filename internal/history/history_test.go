package history_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"onboard/internal/history"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

func TestAppendAndSent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := xlsxbook.Create(path, &sheet.Book{Tabs: []*sheet.Tab{{Name: "申込", Rows: [][]sheet.Value{{sheet.TextValue("クライアントID")}}}}}); err != nil {
		t.Fatal(err)
	}
	ss := xlsxbook.Open(path)
	ctx := context.Background()
	if _, err := ss.Read(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sent, err := history.Sent(ctx, ss)
	if err != nil || len(sent) != 0 {
		t.Fatalf("sent %v, %v", sent, err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 11, 30, 9, 0, 5, 0, tokyo)
	for _, w := range []string{"2026-W47", "2026-W48"} {
		if err := history.Append(ctx, ss, history.Entry{Week: w, File: "onboard-weekly-" + w + ".xlsx", To: []string{"a@x.jp", "b@x.jp"}, SentAt: at, MessageID: "id-" + w}); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh reader sees both, on rows 2 and 3.
	again := xlsxbook.Open(path)
	book, err := again.Read(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab := book.Tab(history.TabName)
	if tab == nil || tab.Cell(1, 1).String() != "週" || tab.Cell(2, 1).String() != "2026-W47" || tab.Cell(3, 1).String() != "2026-W48" ||
		tab.Cell(3, 3).String() != "a@x.jp, b@x.jp" || tab.Cell(3, 4).String() != "2026-11-30 09:00:05 JST" || tab.Cell(3, 5).String() != "id-2026-W48" {
		t.Fatalf("tab %+v", tab)
	}
	sent, err = history.Sent(ctx, again)
	if err != nil || !sent["2026-W47"] || !sent["2026-W48"] || len(sent) != 2 {
		t.Errorf("sent %v %v", sent, err)
	}
}
