package contract

import (
	"strings"
	"testing"

	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

func headerTab(name string, headers ...string) *sheet.Tab {
	row := make([]sheet.Value, len(headers))
	for i, h := range headers {
		row[i] = sheet.TextValue(h)
	}
	return &sheet.Tab{Name: name, Rows: [][]sheet.Value{row}}
}

func specs(t *testing.T) []Tab {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return Tabs(m)
}

func TestLayoutFindsHeadersByName(t *testing.T) {
	apps := &specs(t)[0]
	tab := headerTab("申込",
		"社内メモ", "ＬＩＮＥ公式アカウント", "company", "（クライアントＩＤ）", "既存 アカウントで 検証", "has_business_id", "", "Status")
	l, err := NewLayout(apps, tab)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{KeyClientID: 4, KeyCompany: 3, CondKey(0): 2, CondKey(1): 5, CondKey(2): 6, KeyStatus: 8} {
		if got := l.Col(key); got != want {
			t.Errorf("%s: column %d, want %d", key, got, want)
		}
	}
	// Job-owned and job-filled columns the sheet lacks go right of column H, in contract order.
	var added []string
	for i, a := range l.Added {
		if a.Col != 9+i {
			t.Errorf("added %s at %d, want %d", a.Column.Name, a.Col, 9+i)
		}
		added = append(added, a.Column.Name)
	}
	if got := strings.Join(added, ","); got != "サポートアカウント,必要作業,残作業,進捗,次のアクション,チェック,ステータス更新日" {
		t.Errorf("added: %s", got)
	}
}

func TestLayoutAddsRightOfDataBeyondHeaders(t *testing.T) {
	apps := &specs(t)[0]
	tab := headerTab("申込", "クライアントID", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID")
	// A manager typed into column H without a header.
	tab.Rows = append(tab.Rows, []sheet.Value{sheet.TextValue("1"), {}, {}, {}, {}, {}, {}, sheet.TextValue("メモ")})
	l, err := NewLayout(apps, tab)
	if err != nil {
		t.Fatal(err)
	}
	if l.Added[0].Col != 9 {
		t.Errorf("first added column %d, want 9 (right of H)", l.Added[0].Col)
	}
}

func TestLayoutErrors(t *testing.T) {
	apps := &specs(t)[0]
	tests := []struct {
		headers []string
		want    string
	}{
		{[]string{"事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID"}, `tab "申込": required header "クライアントID" (client_id) is missing`},
		{[]string{"クライアントID", "client_id", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID"}, `tab "申込": header "クライアントID" appears twice (A1 and B1)`},
		{[]string{"クライアントID", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "ステータス", "status"}, `header "ステータス" appears twice (F1 and G1)`},
	}
	for _, tt := range tests {
		_, err := NewLayout(apps, headerTab("申込", tt.headers...))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !IsLayout(err) {
			t.Errorf("headers %v: got %v, want %q", tt.headers, err, tt.want)
		}
	}
}

func TestFindTabByAlias(t *testing.T) {
	s := specs(t)
	book := &sheet.Book{Tabs: []*sheet.Tab{{Name: "Sessions"}, {Name: " 申込 "}}}
	for i, want := range []string{" 申込 ", "Sessions"} {
		tab, err := FindTab(book, &s[i])
		if err != nil || tab == nil || tab.Name != want {
			t.Errorf("%s: got %v %v", s[i].Name, tab, err)
		}
	}
	if tab, _ := FindTab(book, &s[2]); tab != nil {
		t.Errorf("pool: got %v, want none", tab.Name)
	}
}

func TestRowKeyNormalises(t *testing.T) {
	apps := &specs(t)[0]
	l, err := NewLayout(apps, headerTab("申込", "クライアントID", "事業者名", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID"))
	if err != nil {
		t.Fatal(err)
	}
	a := l.RowKey([]sheet.Value{sheet.TextValue("１０００１")})
	b := l.RowKey([]sheet.Value{sheet.NumberValue(10001)})
	if a != b || a != "10001" {
		t.Errorf("keys %q %q", a, b)
	}
}

// TestResolveTab is the one rule both backends find tabs by.
func TestResolveTab(t *testing.T) {
	apps := &specs(t)[0]
	for _, tc := range []struct {
		name   string
		titles []string
		want   string
		err    string
	}{
		{"exact", []string{"メモ", "申込"}, "申込", ""},
		{"English alias with a trailing space", []string{"Applications ", "sessions"}, "Applications ", ""},
		{"full width and brackets", []string{"【申込】"}, "【申込】", ""},
		{"full-width alias", []string{"ＡＰＰＬＩＣＡＴＩＯＮＳ"}, "ＡＰＰＬＩＣＡＴＩＯＮＳ", ""},
		{"exact wins over look-alikes, wherever it is", []string{"Applications", " 申込 ", "申込"}, "申込", ""},
		{"two look-alikes", []string{"Applications ", "【申込】"}, "", `tabs "Applications " and "【申込】" both look like the 申込 tab`},
		{"none", []string{"申込み一覧", "App"}, "", ""},
		{"no tabs", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveTab(tc.titles, apps)
			if tc.err != "" {
				if !IsLayout(err) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q, %v; want a layout error %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
