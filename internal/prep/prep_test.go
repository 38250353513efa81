package prep_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/prep"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/sheet/sheettest"
)

var today = civil.New(2026, 11, 25)

func d(m, day int) civil.Date { return civil.New(2026, time.Month(m), day) }

var row = sheettest.Row

var appsHeader = row("クライアントID", "申込日", "事業者名", "担当者名", "管理メールアドレス", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "担当オペレーター", "セッション予定日", "担当作業完了日", "サポートアカウント")
var sessionsHeader = row("クライアントID", "実施日", "オペレーター", "確認:LINE公式アカウント", "確認:既存アカウントで検証", "確認:LINEビジネスID", "LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント", "事業内容", "事業規模", "ITリテラシー", "メモ")

func book() *sheet.Book {
	return &sheet.Book{Tabs: []*sheet.Tab{
		{Name: "申込", Rows: [][]sheet.Value{appsHeader,
			// In the window, two operators on one day, and an existing OA (確認 works).
			row("10001", d(11, 1), "みなと商店", "加藤", "a@example.jp", "あり", "あり", "あり", "田中", d(11, 27), nil, "support_1@example.com"),
			row("10002", d(11, 2), "青空工務店", "佐藤", "", "なし", "", "なし", "鈴木", d(11, 27), nil, ""),
			row("10003", d(11, 3), "北斗整体院", "井上", "c@example.jp", "なし", "", "あり", "佐藤", d(11, 26), nil, "support_2@example.com"),
			// Overdue: scheduled before today, no session since.
			row("10004", d(11, 4), "いろは動物病院", "伊藤", "d@example.jp", "なし", "", "", "田中", d(11, 20), nil, ""),
			// Scheduled before today and held since: not listed.
			row("10005", d(11, 5), "陽だまり事務所", "鈴木", "e@example.jp", "なし", "", "あり", "田中", d(11, 18), nil, ""),
			// Beyond the window, and one finished.
			row("10006", d(11, 6), "遠い商店", "山田", "f@example.jp", "なし", "", "あり", "田中", d(12, 10), nil, ""),
			row("10007", d(9, 1), "完了商店", "山田", "g@example.jp", "あり", "あり", "あり", "田中", d(11, 26), d(10, 1), ""),
			// Back for a second session after a work was put on hold.
			row("10008", d(11, 8), "保留商事", "木村", "h@example.jp", "なし", "", "あり", "鈴木", d(11, 28), nil, "support_2@example.com"),
		}},
		{Name: "セッション", Rows: [][]sheet.Value{sessionsHeader,
			row("10005", d(11, 19), "田中", "", "", "", "", "完了", "", "", "", "", "", "", ""),
			row("10007", d(9, 10), "田中", "", "", "", "", "", "完了", "完了", "完了", "", "", "", ""),
			row("10008", d(11, 10), "鈴木", "", "", "", "", "完了", "保留", "", "", "", "", "", "管理者権限が付与できず"),
		}},
		{Name: "サポートアカウント", Rows: [][]sheet.Value{
			row("メールアドレス", "LINEビジネスID作成済", "エルメアカウント作成済", "割当クライアントID", "割当日"),
			row("support_1@example.com", "済", "済", "10001", d(11, 2)),
			row("support_2@example.com", "済", "", "10003", d(11, 3)),
		}},
	}}
}

func build(t *testing.T, b *sheet.Book, templates string, days int) []prep.Session {
	t.Helper()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	run, err := job.Compute(t.Context(), memsheet.FromBook("test", b), job.Config{Matrix: m, Now: today.Time(time.UTC).Add(9 * time.Hour), StallDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	in, err := prep.LoadInstructions(templates)
	if err != nil {
		t.Fatal(err)
	}
	return prep.Build(run.Sheet.Matrix, run.Out, run.Sheet.PoolRows, in, prep.Options{Today: today, Days: days})
}

func byID(ss []prep.Session, id string) *prep.Session {
	for i := range ss {
		if ss[i].ClientID == id {
			return &ss[i]
		}
	}
	return nil
}

func TestWhichSessionsInWhatOrder(t *testing.T) {
	got := build(t, book(), "", 7)
	var order []string
	for _, s := range got {
		order = append(order, s.Date+" "+s.Operator+" "+s.ClientID)
	}
	want := []string{"2026/11/20 田中 10004", "2026/11/26 佐藤 10003", "2026/11/27 田中 10001", "2026/11/27 鈴木 10002", "2026/11/28 鈴木 10008"}
	if !slices.Equal(order, want) {
		t.Errorf("sessions\n got %v\nwant %v", order, want)
	}
	if s := byID(got, "10004"); s == nil || !s.Overdue || !strings.Contains(strings.Join(s.Cautions, " "), "予定日を過ぎています") {
		t.Errorf("10004 should be overdue: %+v", s)
	}
	if s := byID(got, "10001"); s == nil || s.Overdue {
		t.Errorf("10001: %+v", s)
	}
	// A longer window reaches 12/10.
	if got := build(t, book(), "", 15); byID(got, "10006") == nil {
		t.Error("10006 (12/10) is missing from a 15-day window")
	}
}

func TestWorksAndFormValues(t *testing.T) {
	got := build(t, book(), "", 7)
	s := byID(got, "10001") // OA exists and is used: ③ ④ are 確認
	if s == nil {
		t.Fatal("10001 missing")
	}
	if s.Support != "support_1@example.com" || !s.SupportReady || s.SupportText() != "support_1@example.com（作成済）" {
		t.Errorf("support %q ready %v", s.Support, s.SupportReady)
	}
	if !slices.Equal(s.Conditions, []string{"LINE公式アカウント: あり", "既存アカウントで検証: あり", "LINEビジネスID: あり"}) {
		t.Errorf("conditions %v", s.Conditions)
	}
	if len(s.Works) != 3 || !strings.HasPrefix(s.Works[0], "③ Messaging API: まず") || !strings.HasPrefix(s.Works[1], "④ LINEログイン: まず") ||
		!strings.HasPrefix(s.Works[2], "⑤ エルメアカウント:") {
		t.Fatalf("works %q", s.Works)
	}
	if !strings.Contains(s.Works[0], "support_1@example.com") || !strings.Contains(s.Works[0], "「みなと商店」") {
		t.Errorf("③ lacks the support account or the company: %s", s.Works[0])
	}
	if !strings.HasPrefix(s.WorksText(), "1. ③ Messaging API") || strings.Count(s.WorksText(), "\n") != 2 {
		t.Errorf("works text %q", s.WorksText())
	}

	n := byID(got, "10002") // no OA, no business ID: all five, ② with the form values
	if n == nil || len(n.Works) != 5 {
		t.Fatalf("10002 works %+v", n)
	}
	if !strings.Contains(n.Works[1], "アカウント名「エルメ検証」") || !strings.Contains(n.Works[1], "会社・事業者名「青空工務店」") ||
		!strings.Contains(n.Works[1], "（管理メールアドレス未入力）") || !strings.Contains(n.Works[1], "（未割当）") {
		t.Errorf("② %s", n.Works[1])
	}
}

func TestCautions(t *testing.T) {
	got := build(t, book(), "", 7)
	for _, c := range []struct{ id, want string }{
		{"10002", "サポートアカウントがありません"},
		{"10002", "管理メールアドレスがありません"},
		{"10003", "サポートアカウントの準備"},
		{"10004", "条件が未入力か矛盾しています"},
		{"10008", "③ Messaging API は前回 保留（2026/11/10 のメモ: 管理者権限が付与できず）"},
	} {
		s := byID(got, c.id)
		if s == nil || !strings.Contains(strings.Join(s.Cautions, "\n"), c.want) {
			t.Errorf("%s: cautions %v lack %q", c.id, s, c.want)
		}
	}
	if s := byID(got, "10001"); len(s.Cautions) != 0 {
		t.Errorf("10001 has cautions %v", s.Cautions)
	}
}

// TestSixthWorkFromTemplates: a matrix tab with a sixth work gets its own
// text from a template folder, and the generic text without one.
func TestSixthWorkFromTemplates(t *testing.T) {
	b := book()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	table := m.Table()
	// A sixth work every column needs: ○ in each normal column.
	sixth := make([]string, len(table[0]))
	sixth[0], sixth[1], sixth[2], sixth[3] = "作業", "⑥", "リッチメニュー", "rich_menu"
	for i := 4; i < len(sixth); i++ {
		sixth[i] = "○"
		if strings.HasPrefix(table[0][i], "矛盾") {
			sixth[i] = ""
		}
	}
	table = append(table, sixth)
	mt := &sheet.Tab{Name: matrix.TabName}
	for _, r := range table {
		cells := make([]any, len(r))
		for i, c := range r {
			cells[i] = c
		}
		mt.Rows = append(mt.Rows, row(cells...))
	}
	b.Tabs = append(b.Tabs, mt)
	b.Tabs[1].Rows[0] = append(b.Tabs[1].Rows[0], sheet.TextValue("リッチメニュー"))

	generic := byID(build(t, b, "", 7), "10001")
	if last := generic.Works[len(generic.Works)-1]; last != "⑥ リッチメニュー: 作成し、サポートアカウント（support_1@example.com）に管理者権限を付与する" {
		t.Errorf("generic text: %q", last)
	}

	dir := t.TempDir()
	js, err := os.ReadFile(filepath.Join("..", "..", "templates", prep.TemplateName))
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(string(js), `"works": {`, `"works": {
    "リッチメニュー": {"do": "{work}: 「{company}」のリッチメニューを作る", "check": "{work}: 既存を確認"},`, 1)
	if err := os.WriteFile(filepath.Join(dir, prep.TemplateName), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	s := byID(build(t, b, dir, 7), "10001")
	if last := s.Works[len(s.Works)-1]; last != "⑥ リッチメニュー: 「みなと商店」のリッチメニューを作る" {
		t.Errorf("template text: %q", last)
	}
}

func TestInstructionsTypoIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, prep.TemplateName), []byte(`{"generic": {"do": "x", "chek": "y"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := prep.LoadInstructions(dir); err == nil || !strings.Contains(err.Error(), "chek") {
		t.Errorf("got %v, want an error naming the unknown field", err)
	}
}
