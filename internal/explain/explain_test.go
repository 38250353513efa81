package explain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/explain"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/sheet/sheettest"
)

var today = civil.New(2026, 11, 25)

var row = sheettest.Row

func d(m, day int) civil.Date { return civil.New(2026, time.Month(m), day) }

// book: 10001 applied without an existing OA, a session confirmed one
// (overriding the application); 10002 has sessions entered out of date
// order; 10003 is on two application rows.
func book() *sheet.Book {
	return &sheet.Book{Tabs: []*sheet.Tab{
		{Name: "申込", Rows: [][]sheet.Value{
			row("クライアントID", "申込日", "事業者名", "担当者名", "管理メールアドレス", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "担当オペレーター", "セッション予定日", "担当作業完了日", "サポートアカウント"),
			row("10001", d(10, 1), "みなと商店", "加藤", "a@example.jp", "なし", "", "なし", "田中", d(10, 5), nil, "support_1@example.com"),
			row("10002", d(10, 2), "青空工務店", "佐藤", "b@example.jp", "あり", "なし", "あり", "鈴木", d(10, 6), nil, ""),
			row("10003", d(10, 3), "重複商事", "山田", "c@example.jp", "なし", "", "あり", "", nil, nil, ""),
			row("10003", d(10, 4), "重複商事（二重）", "山田", "c@example.jp", "なし", "", "あり", "", nil, nil, ""),
		}},
		{Name: "セッション", Rows: [][]sheet.Value{
			row("クライアントID", "実施日", "オペレーター", "確認:LINE公式アカウント", "確認:既存アカウントで検証", "確認:LINEビジネスID", "LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント", "事業内容", "事業規模", "ITリテラシー", "メモ"),
			row("10001", d(10, 5), "田中", "あり", "なし", "あり", "", "完了", "完了", "", "", "", "", "", "OA は既にあった"),
			// 10002: the later session is entered first.
			row("10002", d(10, 20), "鈴木", "", "", "", "", "", "完了", "完了", "", "", "", "", "二回目"),
			row("10002", d(10, 6), "鈴木", "", "", "", "", "", "保留", "未完了", "", "", "", "", "一回目: 管理者権限なし"),
		}},
		{Name: "サポートアカウント", Rows: [][]sheet.Value{
			row("メールアドレス", "LINEビジネスID作成済", "エルメアカウント作成済", "割当クライアントID", "割当日"),
			row("support_1@example.com", "済", "済", "10001", d(10, 2)),
		}},
	}}
}

func explainID(t *testing.T, id string) ([]explain.Client, error) {
	t.Helper()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	run, err := job.Compute(t.Context(), memsheet.FromBook("test", book()), job.Config{Matrix: m, Now: today.Time(time.UTC).Add(9 * time.Hour), StallDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	return explain.Explain(run, id, today, 14)
}

func TestSessionOverridesApplication(t *testing.T) {
	cs, err := explainID(t, "10001")
	if err != nil || len(cs) != 1 {
		t.Fatalf("got %v, %v", cs, err)
	}
	c := cs[0]
	oa := c.Conditions[0]
	if oa.Value != "あり" || oa.Source != "セッション 2026/10/05" || oa.Application != "なし" || oa.Cell != "セッション!D2" {
		t.Errorf("LINE公式アカウント: %+v, want あり from the session of 2026/10/05 (D2), the application said なし", oa)
	}
	// The other conditions the session confirmed with the same value come
	// from the application, confirmed.
	if bid := c.Conditions[2]; bid.Value != "あり" || bid.Source != "セッション 2026/10/05" || bid.Application != "なし" {
		t.Errorf("LINEビジネスID: %+v", bid)
	}
	if c.Column != "OAあり・既存を不使用" {
		t.Errorf("column %q, want the one the session's values select", c.Column)
	}
	if c.Support.Email != "support_1@example.com" || c.Support.Source != "申込" || c.Support.PoolCell != "サポートアカウント!A2" || c.Support.AssignedOn != "2026/10/02" {
		t.Errorf("support account %+v", c.Support)
	}
	var found bool
	for _, p := range c.Problems {
		if strings.Contains(p.Message, "セッション（2026/10/05）で「あり」と確認") && strings.HasPrefix(p.Cell, "申込!F2") {
			found = true
		}
	}
	if !found {
		t.Errorf("the override is not among the problems with its cell: %+v", c.Problems)
	}
	var text strings.Builder
	if err := explain.WriteText(&text, cs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LINE公式アカウント: あり（セッション 2026/10/05 セッション!D2） ※ 申込は「なし」", "マトリクスの列: OAあり・既存を不使用", "■ 次のアクション"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}

func TestSessionsOutOfDateOrder(t *testing.T) {
	cs, err := explainID(t, "10002")
	if err != nil || len(cs) != 1 {
		t.Fatalf("got %v, %v", cs, err)
	}
	c := cs[0]
	var api explain.Work
	for _, w := range c.Works {
		if strings.Contains(w.Label, "Messaging API") {
			api = w
		}
	}
	dates := []string{}
	for _, e := range api.History {
		dates = append(dates, e.Date+" "+e.Result)
	}
	if !slices.Equal(dates, []string{"2026/10/06 保留", "2026/10/20 完了"}) || api.State != "完了" || !api.Done {
		t.Errorf("Messaging API history %v state %q: want oldest first, the later session deciding", dates, api.State)
	}
	if api.History[0].Memo != "一回目: 管理者権限なし" || api.History[0].Cell != "セッション!I4" {
		t.Errorf("first entry %+v", api.History[0])
	}
	if c.Status != "進行中" || c.LastActive != "2026/10/20" || !c.Stalled || c.IdleDays != 36 {
		t.Errorf("status %s, last activity %s, stalled %v after %d days", c.Status, c.LastActive, c.Stalled, c.IdleDays)
	}
	if !slices.Contains(c.Remaining, "⑤") {
		t.Errorf("remaining %v lacks ⑤", c.Remaining)
	}
}

func TestDuplicateIDExplainsEveryRow(t *testing.T) {
	cs, err := explainID(t, "１０００３") // full-width, as a manager may type it
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Cell != "申込!A4" || cs[1].Cell != "申込!A5" || !cs[0].Duplicate {
		t.Fatalf("got %+v, want both rows, marked duplicate", cs)
	}
	for _, c := range cs {
		if c.Status != "要確認" || len(c.Problems) == 0 || !strings.Contains(c.Problems[0].Message, "重複") {
			t.Errorf("row %s: status %s problems %+v", c.Cell, c.Status, c.Problems)
		}
	}
}

func TestUnknownIDSuggestsClosest(t *testing.T) {
	_, err := explainID(t, "10012")
	var nf *explain.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want NotFoundError", err)
	}
	if !slices.Equal(nf.Closest, []string{"10002", "10001", "10003"}) {
		t.Errorf("closest %v", nf.Closest)
	}
}
