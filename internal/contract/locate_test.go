package contract

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
)

func TestProblemText(t *testing.T) {
	p := func(msg string) onboarding.Problem { return onboarding.Problem{Message: msg} }
	long := strings.Repeat("長い問題", 600) // 2,400 runes
	for _, tc := range []struct {
		name string
		in   []onboarding.Problem
		want string
	}{
		{"none", nil, ""},
		{"one", []onboarding.Problem{p("a")}, "【お知らせ】a"},
		{"each once, in order", []onboarding.Problem{p("b"), p("a"), p("b")}, "【お知らせ】b; 【お知らせ】a"},
		{"cut", []onboarding.Problem{p(long)}, string([]rune("【お知らせ】" + long)[:MaxProblemRunes-1]) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := (&Sheet{}).ProblemText(tc.in)
			if got != tc.want {
				t.Errorf("got %q…, want %q…", got[:min(len(got), 40)], tc.want[:min(len(tc.want), 40)])
			}
			if n := utf8.RuneCountInString(got); n > MaxProblemRunes {
				t.Errorf("%d runes", n)
			}
		})
	}
}

func TestProblemTextTagged(t *testing.T) {
	block := onboarding.Problem{Message: "LINE公式アカウント: 「たぶん」は あり/なし で入力してください", Blocking: true}
	note := onboarding.Problem{Message: "事業者名: 「=A1」は数式のように見えますが、文字として扱います"}
	for _, tc := range []struct {
		name string
		ps   []onboarding.Problem
		want string
	}{
		{"none", nil, ""},
		{"blocking", []onboarding.Problem{block}, "【要確認】" + block.Message},
		{"note", []onboarding.Problem{note}, "【お知らせ】" + note.Message},
		{"both in order", []onboarding.Problem{note, block}, "【お知らせ】" + note.Message + "; 【要確認】" + block.Message},
		{"a repeat once", []onboarding.Problem{block, note, block}, "【要確認】" + block.Message + "; 【お知らせ】" + note.Message},
		{"same words, other kind", []onboarding.Problem{block, {Message: block.Message}}, "【要確認】" + block.Message + "; 【お知らせ】" + block.Message},
	} {
		if got := (&Sheet{}).ProblemText(tc.ps); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// located lists problems as a manager finds them: cell (or row) and text.
func located(s *Sheet, ps []onboarding.Problem) []string {
	var out []string
	for _, l := range s.LocateAll(ps) {
		where := l.Tab + " row " + strconv.Itoa(l.Row)
		if l.Col > 0 {
			where = l.Tab + "!" + sheet.CellName(l.Row, l.Col) + " (" + l.Header + ")"
		}
		out = append(out, where+" "+l.Message)
	}
	return out
}

// TestLocateComputedProblems: the problems the domain finds name only a
// record and a field key; located through the contract they name the tab,
// cell and header as in the sheet, and read as they always have, the
// header in front.
func TestLocateComputedProblems(t *testing.T) {
	m, _ := matrix.Default("")
	b := book(
		[][]string{appHeader,
			{"10001", "2026/11/01", "A商店", "なし", "", "なし", "", ""},
			{"10001", "2026/11/02", "B商店", "なし", "", "なし", "", ""},
			{"10002", "2026/11/03", "C商店", "なし", "", "なし", "2026/11/20", ""},
			{"10003", "2026/11/04", "D商店", "", "", "", "", ""},
		},
		[][]string{sessionHeader,
			{"10999", "2026/11/10"},
			{"10002", "2026/11/10", "", "", "", "", "済み?"},
			{"10002", "2026/12/24"},
		})
	b.Tabs = append(b.Tabs, &sheet.Tab{Name: "サポートアカウント", Rows: [][]sheet.Value{
		{sheet.TextValue("メールアドレス"), sheet.TextValue("LINEビジネスID作成済"), sheet.TextValue("エルメアカウント作成済"), sheet.TextValue("割当クライアントID")},
		{sheet.TextValue("s1@x.jp"), sheet.TextValue("なし"), sheet.TextValue("なし")},
		{sheet.TextValue("s1@x.jp"), sheet.TextValue("なし"), sheet.TextValue("なし")},
	}})
	s, err := Read(b, m)
	if err != nil {
		t.Fatal(err)
	}
	out := onboarding.Compute(onboarding.Input{Matrix: s.Matrix, Applications: s.Applications, Sessions: s.SessionRows,
		Pool: s.PoolRows, Today: civil.New(2026, 11, 25)})
	var got []string
	for i := range out.Clients {
		got = append(got, located(s, out.Clients[i].Problems)...)
	}
	for i := range s.SessionRows {
		got = append(got, located(s, out.SessionProblems[i])...)
	}
	for i := range s.PoolRows {
		got = append(got, located(s, out.PoolProblems[i])...)
	}
	want := []string{
		"申込!A2 (クライアントID) クライアントID: 「10001」が 2行目・3行目 で重複しています",
		"申込!A3 (クライアントID) クライアントID: 「10001」が 2行目・3行目 で重複しています",
		"申込 row 4 セッション 3行目 LINEログイン: 「済み?」は 完了/既存あり/不要/保留/未完了 のどれかで入力してください",
		"申込!G4 (担当作業完了日) 担当作業完了日: 残作業（① ② ③ ④ ⑤）があるのに入力されています",
		"申込!H4 (サポートアカウント) サポートアカウント: 準備済みの空きアカウントがありません（サポートアカウント表に追加してください）",
		"申込!D5 (LINE公式アカウント) 条件が未入力: LINE公式アカウント・既存アカウントで検証・LINEビジネスID を入力してください",
		"申込!H5 (サポートアカウント) サポートアカウント: 準備済みの空きアカウントがありません（サポートアカウント表に追加してください）",
		"セッション!A2 (クライアントID) クライアントID: 「10999」は申込にありません",
		"セッション!G3 (LINEログイン) LINEログイン: 「済み?」は 完了/既存あり/不要/保留/未完了 のどれかで入力してください",
		"セッション!B4 (実施日) 実施日: 「2026/12/24」は未来の日付です: その日までこの行の結果は数えません（予定は申込のセッション予定日へ）",
		"サポートアカウント!A3 (メールアドレス) メールアドレス: 「s1@x.jp」は 2行目にもあります",
	}
	if !slices.Equal(got, want) {
		t.Errorf("located:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLocateNamesColumns: a problem with what a cell holds names the
// column by its header as written (an alias, here); the domain's own
// problems by the contract's name; both placed in the column the header
// is in, on the tab as the sheet names it.
func TestLocateNamesColumns(t *testing.T) {
	m, _ := matrix.Default("")
	header := []string{"client_id", "applied_on", "company", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", " handover_on ", "support_account"}
	b := book([][]string{header, {"10001", "2026/11/01", "A商店", "なし", "", "なし", "2026/11/20", "たぶん"}}, [][]string{sessionHeader})
	b.Tabs[0].Name = "Applications"
	s, err := Read(b, m)
	if err != nil {
		t.Fatal(err)
	}
	out := onboarding.Compute(onboarding.Input{Matrix: s.Matrix, Applications: s.Applications, Today: civil.New(2026, 11, 25)})
	got := located(s, out.Clients[0].Problems)
	want := []string{
		"Applications!H2 (support_account) support_account: 「たぶん」はメールアドレスの形ではありません",
		"Applications!G2 (担当作業完了日) 担当作業完了日: 残作業（① ② ③ ④ ⑤）があるのに入力されています",
	}
	if !slices.Equal(got, want) {
		t.Errorf("located:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
