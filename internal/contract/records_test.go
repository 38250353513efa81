package contract

import (
	"reflect"
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/example"
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
		for _, p := range s.LocateAll(a.Problems) {
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
	for _, p := range s.LocateAll(ses.Problems) {
		got = append(got, p.Message)
		if p.Tab != "セッション" || p.Row != 2 {
			t.Errorf("problem placed at %s row %d", p.Tab, p.Row)
		}
	}
	if strings.Join(got, "|") != "LINEログイン: 「済み?」は 完了/既存あり/不要/保留/未完了 のどれかで入力してください|ITリテラシー: 「とても高い」は 高/中/低 のどれかで入力してください" {
		t.Errorf("session problems: %v", got)
	}
	if p := s.LocateAll(s.SessionRows[1].Problems); len(p) != 1 || p[0].Message != "実施日: 入力してください" || !p[0].Blocking {
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

// TestErrorValuesInEveryColumn puts a spreadsheet error value into every
// column the job reads, of every tab: each is a blocking problem naming
// its cell, and never data (no record field holds it).
func TestErrorValuesInEveryColumn(t *testing.T) {
	m, _ := matrix.Default("")
	codes := []string{"#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#N/A", "#REF!", " #n/a "}
	n := 0
	for _, spec := range Tabs(m) {
		for _, col := range spec.Columns {
			if col.Owner == Job {
				continue
			}
			code := codes[n%len(codes)]
			n++
			b := example.Generate(example.Config{Clients: 4, Seed: 1, Today: example.ExampleToday})
			probe, err := Read(b, m)
			if err != nil {
				t.Fatal(err)
			}
			l := map[string]*Layout{TabApplications: probe.Apps, TabSessions: probe.Sessions, TabPool: probe.Pool}[spec.Key]
			c := l.Col(col.Key)
			if c < 1 {
				t.Fatalf("%s: the example has no column %s", spec.Name, col.Name)
			}
			tab := b.Tab(l.Name)
			for len(tab.Rows[2]) < c {
				tab.Rows[2] = append(tab.Rows[2], sheet.Value{})
			}
			tab.Rows[2][c-1] = sheet.TextValue(code)
			s, err := Read(b, m)
			if err != nil {
				t.Fatal(err)
			}
			var rec any
			var problems []onboarding.Problem
			switch spec.Key {
			case TabApplications:
				rec, problems = s.Applications[1], s.Applications[1].Problems
				if !s.Applications[1].SupportAccountTyped && col.Key == KeySupportAccount {
					t.Errorf("サポートアカウント %q: not seen as typed, so it would be filled", code)
				}
			case TabSessions:
				rec, problems = s.SessionRows[1], s.SessionRows[1].Problems
			case TabPool:
				rec, problems = s.PoolRows[1], s.PoolRows[1].Problems
			}
			found := false
			for _, p := range s.LocateAll(problems) {
				if p.Row == 3 && p.Col == c && p.Blocking && strings.Contains(p.Message, strings.ToUpper(strings.TrimSpace(code))) &&
					strings.HasPrefix(p.Message, l.HeaderText(col.Key)+": ") && strings.Contains(p.Message, "エラー値") {
					found = true
				} else if p.Col == c {
					t.Errorf("%s!%s %q: a second problem on the cell: %s", l.Name, sheet.CellName(3, c), code, p.Message)
				}
			}
			if !found {
				t.Errorf("%s!%s (%s) %q: no error-value problem in %+v", l.Name, sheet.CellName(3, c), col.Name, code, problems)
			}
			if f, ok := holds(reflect.ValueOf(rec), strings.TrimSpace(code)); ok {
				t.Errorf("%s!%s %q taken as data in %s", l.Name, sheet.CellName(3, c), code, f)
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d columns probed", n)
	}
}

// holds reports the field of a record that holds s (case-insensitively).
func holds(v reflect.Value, s string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return "", strings.EqualFold(v.String(), s)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if f, ok := holds(v.Field(i), s); ok {
				return v.Type().Field(i).Name + f, true
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if f, ok := holds(v.Index(i), s); ok {
				return "[]" + f, true
			}
		}
	}
	return "", false
}

// TestSupportAccountTyped: a サポートアカウント cell holding anything but
// an address (or blanks) is a problem naming the column, and typed, so
// the job never fills it.
func TestSupportAccountTyped(t *testing.T) {
	m, _ := matrix.Default("")
	for _, c := range []struct {
		cell  string
		typed bool
		addr  string
	}{
		{"", false, ""}, {"  ", false, ""}, {"s@x.jp", true, "s@x.jp"}, {"abc", true, ""}, {"=1+1", true, ""},
		{"サポートアカウント", true, ""}, {"#DIV/0!", true, ""}, {"support_10001@", true, ""},
	} {
		b := book([][]string{appHeader, {"10001", "2026/11/01", "さくら商店", "なし", "", "なし", "", c.cell}}, [][]string{sessionHeader})
		s, err := Read(b, m)
		if err != nil {
			t.Fatal(err)
		}
		a := s.Applications[0]
		if a.SupportAccountTyped != c.typed || a.SupportAccount != c.addr {
			t.Errorf("%q: typed %v account %q", c.cell, a.SupportAccountTyped, a.SupportAccount)
		}
		ps := s.LocateAll(a.Problems)
		named := len(ps) == 1 && ps[0].Col == 8 && strings.HasPrefix(ps[0].Message, "サポートアカウント: ") && ps[0].Blocking
		if c.typed && c.addr == "" && !named || (!c.typed || c.addr != "") && len(a.Problems) != 0 {
			t.Errorf("%q: problems %+v", c.cell, a.Problems)
		}
	}
}

// TestClientIDWithControlCharacters: an ID holding a control character
// is a problem, not an ID (the pool could never name it back).
func TestClientIDWithControlCharacters(t *testing.T) {
	m, _ := matrix.Default("")
	for _, id := range []string{"行\x1f区切り", "100\x0001", "\x07"} {
		b := book([][]string{appHeader, {id, "2026/11/01", "さくら商店", "なし", "", "なし", "", ""}}, [][]string{sessionHeader, {id, "2026/11/02"}})
		s, err := Read(b, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, ps := range [][]Located{s.LocateAll(s.Applications[0].Problems), s.LocateAll(s.SessionRows[0].Problems)} {
			if len(ps) != 1 || ps[0].Col != 1 || !ps[0].Blocking || !strings.Contains(ps[0].Message, "制御文字") {
				t.Errorf("%q: %+v", id, ps)
			}
		}
		if s.Applications[0].ClientID != "" || s.SessionRows[0].ClientID != "" {
			t.Errorf("%q read as ID %q / %q", id, s.Applications[0].ClientID, s.SessionRows[0].ClientID)
		}
	}
}

// The sheet keeps, of a contract tab, only what the write-back plan
// compares with: every row's key, and the cells of the job's and the
// filled columns, as read. A manager's own columns, however many, are not
// kept; asking for one says so.
func TestSheetKeepsOnlyWhatThePlanCompares(t *testing.T) {
	m, _ := matrix.Default("")
	header := append(append([]string{}, appHeader...), "ステータス", "メモ1", "メモ2")
	b := book(
		[][]string{header,
			{"１０００１", "2026/11/01", "さくら商店", "あり", "", "", "", "a@example.jp", "完了", "長いメモ", "x"},
			{},
			{"", "", "もみじ堂", "なし", "", "", "", "", "", "", ""},
		},
		[][]string{sessionHeader, {"10001", "2026/11/10"}})
	s, err := Read(b, m)
	if err != nil {
		t.Fatal(err)
	}
	apps := b.Tab("申込")
	if got := s.Rows(TabApplications); got != len(apps.Rows) {
		t.Errorf("rows %d, want %d", got, len(apps.Rows))
	}
	for r := 1; r <= len(apps.Rows)+1; r++ {
		if got, want := s.RowKey(TabApplications, r), rowKeyOf(s.Apps, apps, r); got != want {
			t.Errorf("row %d: key %q, want %q", r, got, want)
		}
		for col := 1; col <= len(header)+1; col++ {
			v, ok := s.Cell(TabApplications, r, col)
			owner := Manager
			for _, c := range s.Apps.Spec.Columns {
				if s.Apps.Col(c.Key) == col {
					owner = c.Owner
				}
			}
			if ok != (owner != Manager) {
				t.Errorf("%s: kept %v, owner %d", sheet.CellName(r, col), ok, owner)
			}
			if ok && !v.Equal(apps.Cell(r, col)) {
				t.Errorf("%s: %v, read %v", sheet.CellName(r, col), v, apps.Cell(r, col))
			}
		}
	}
	if v, ok := s.Cell(TabApplications, 2, s.Apps.Col(KeySupportAccount)); !ok || v.String() != "a@example.jp" {
		t.Errorf("サポートアカウント (filled by the job): %v %v", v, ok)
	}
	if v, ok := s.Cell(TabApplications, 2, s.Apps.Col(KeyStatus)); !ok || v.String() != "完了" {
		t.Errorf("ステータス: %v %v", v, ok)
	}
	if _, ok := s.Cell(TabPool, 2, 1); ok || s.Rows(TabPool) != 0 {
		t.Error("a tab the sheet lacks keeps nothing")
	}
}

func rowKeyOf(l *Layout, tab *sheet.Tab, r int) string {
	if r < 2 || r > len(tab.Rows) {
		return ""
	}
	return l.RowKey(tab.Rows[r-1])
}
