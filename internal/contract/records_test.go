package contract

import (
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

func book(apps, sessions [][]string) *sheet.Book {
	toTab := func(name string, rows [][]string) *sheet.Tab {
		t := &sheet.Tab{Name: name}
		for _, r := range rows {
			row := make([]sheet.Value, len(r))
			for i, s := range r {
				row[i] = sheet.TextValue(s)
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	return &sheet.Book{Tabs: []*sheet.Tab{toTab("申込", apps), toTab("セッション", sessions)}}
}

var (
	appHeader     = []string{"クライアントID", "申込日", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "担当作業完了日", "サポートアカウント"}
	sessionHeader = []string{"クライアントID", "実施日", "確認:LINE公式アカウント", "LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント", "ITリテラシー"}
)

func TestReadProblemsNameTabRowColumn(t *testing.T) {
	m, _ := matrix.Default("")
	long := strings.Repeat("あ", 50000)
	b := book(
		[][]string{appHeader,
			{"１０００１", "2026/11/01", "さくら商店", "あり", "使用", "", "", ""},
			{"10002", "来週", "=1+1", "たぶん", "", "なし", "", "support@"},
			{},
			{"", "", long, "なし", "", "なし", "", ""},
		},
		[][]string{sessionHeader,
			{"10001", "2026/11/10", "あり", "", "", "既存あり", "済み?", "完了", "とても高い"},
			{"10001", "", "", "完了"},
		})
	s, err := Read(b, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Applications) != 3 {
		t.Fatalf("applications: %d (the blank row is skipped)", len(s.Applications))
	}
	a := s.Applications[0]
	if a.ClientID != "10001" || a.AppliedOn != civil.New(2026, 11, 1) || !a.Conditions[0].Value || !a.Conditions[1].Value || a.Conditions[2].Set || len(a.Problems) != 0 {
		t.Errorf("row 2: %+v", a)
	}
	want := map[int][]string{
		3: {"申込!B3 申込日: 「来週」は日付（例: 2026/11/24）で入力してください",
			"申込!C3 事業者名: 「=1+1」は数式のように見えますが、文字として扱います",
			"申込!D3 LINE公式アカウント: 「たぶん」は あり/なし で入力してください",
			"申込!H3 サポートアカウント: 「support@」はメールアドレスの形ではありません"},
		5: {"申込!A5 クライアントID: 入力してください",
			"申込!C5 事業者名: 「ああああああああああああああああああああ…」が長すぎます（50000文字）: 5000文字以内にしてください"},
	}
	for _, a := range s.Applications[1:] {
		var got []string
		for _, p := range a.Problems {
			got = append(got, p.Tab+"!"+sheet.CellName(p.Row, p.Col)+" "+p.Message)
		}
		if strings.Join(got, "\n") != strings.Join(want[a.Row], "\n") {
			t.Errorf("row %d problems:\n%s\nwant:\n%s", a.Row, strings.Join(got, "\n"), strings.Join(want[a.Row], "\n"))
		}
	}
	if len(s.Applications[2].Company) != 5000*3 {
		t.Errorf("long text is cut to 5000 characters, got %d bytes", len(s.Applications[2].Company))
	}
	ses := s.SessionRows[0]
	if ses.Results[2] != onboarding.Existing || ses.Results[4] != onboarding.Done || !ses.Confirmed[0].Set {
		t.Errorf("session: %+v", ses)
	}
	var got []string
	for _, p := range ses.Problems {
		got = append(got, p.Message)
		if p.Tab != "セッション" || p.Row != 2 {
			t.Errorf("problem placed at %s row %d", p.Tab, p.Row)
		}
	}
	if strings.Join(got, "|") != "LINEログイン: 「済み?」は 完了/既存あり/不要/保留/未完了 のどれかで入力してください|ITリテラシー: 「とても高い」は 高/中/低 のどれかで入力してください" {
		t.Errorf("session problems: %v", got)
	}
	if p := s.SessionRows[1].Problems; len(p) != 1 || p[0].Message != "実施日: 入力してください" || !p[0].Blocking {
		t.Errorf("missing date: %v", p)
	}
}

func TestReadMissingTab(t *testing.T) {
	m, _ := matrix.Default("")
	b := book([][]string{appHeader}, nil)
	b.Tabs = b.Tabs[:1]
	_, err := Read(b, m)
	if !IsLayout(err) || !strings.Contains(err.Error(), `tab "セッション" (sessions) is missing`) {
		t.Errorf("got %v", err)
	}
}

// TestPlainEmailAgreesWithParse: every address plainEmail lets through is
// one parse.Email reads as itself, so the shortcut changes no result.
func TestPlainEmailAgreesWithParse(t *testing.T) {
	check := func(s string) {
		if !plainEmail(s) {
			return
		}
		addr, set, ok := parse.Email(sheet.TextValue(s))
		if addr != s || !set || !ok {
			t.Errorf("plainEmail(%q) but parse.Email gives %q, %v, %v", s, addr, set, ok)
		}
	}
	for _, s := range []string{"support_10001@uetaya.com", "info10001@example.jp", "a@b", "a.b@c.d", "a+tag@x-y.jp",
		".a@b", "a.@b", "a..b@c", "a@.b", "a@b.", "a@b..c", "@b", "a@", "a@b@c", "A@b", "a@b_c", "a@b+c", "a b@c", "ａ@b"} {
		check(s)
	}
	want := map[string]bool{"support_10001@uetaya.com": true, "a+tag@x-y.jp": true, "a..b@c": false, "A@b": false, "a@b_c": false, ".a@b": false}
	for s, w := range want {
		if plainEmail(s) != w {
			t.Errorf("plainEmail(%q) = %v, want %v", s, !w, w)
		}
	}
	// Every short string over the characters that matter.
	const alphabet = "a0._+-@A "
	var walk func(prefix string, n int)
	walk = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			walk(prefix+alphabet[i:i+1], n-1)
		}
	}
	walk("", 6)
}

func FuzzPlainEmail(f *testing.F) {
	f.Add("support_10001@uetaya.com")
	f.Add("a..b@c")
	f.Fuzz(func(t *testing.T, s string) {
		if !plainEmail(s) {
			return
		}
		if addr, set, ok := parse.Email(sheet.TextValue(s)); addr != s || !set || !ok {
			t.Errorf("plainEmail(%q) but parse.Email gives %q, %v, %v", s, addr, set, ok)
		}
	})
}
