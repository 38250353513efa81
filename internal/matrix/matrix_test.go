package matrix

import (
	"strings"
	"testing"
)

// designTable is the condition matrix of DESIGN.md, transcribed cell by cell:
// columns OA あり·既存を使用, OA あり·既存を不使用, OA なし·ビジネスIDあり,
// OA なし·ビジネスIDなし.
var designTable = []struct {
	symbol, work string
	cells        [4]string
}{
	{"①", "LINEビジネスID作成", [4]string{"×", "×", "×", "○"}},
	{"②", "LINE公式アカウント", [4]string{"×", "○", "○", "○"}},
	{"③", "Messaging API", [4]string{"確認", "○", "○", "○"}},
	{"④", "LINEログイン", [4]string{"確認", "○", "○", "○"}},
	{"⑤", "エルメアカウント", [4]string{"○", "○", "○", "○"}},
}

// designColumns are the conditions of each design column: has OA, uses the
// existing OA, has a Business ID.
var designColumns = [4][3]Known{
	{{Value: true, Set: true}, {Value: true, Set: true}, {}},
	{{Value: true, Set: true}, {Value: false, Set: true}, {}},
	{{Value: false, Set: true}, {}, {Value: true, Set: true}},
	{{Value: false, Set: true}, {}, {Value: false, Set: true}},
}

func TestDefaultEqualsDesignTable(t *testing.T) {
	m, err := Default("")
	if err != nil {
		t.Fatal(err)
	}
	wantConds := []string{"LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID"}
	if len(m.Conditions) != len(wantConds) {
		t.Fatalf("conditions: got %d, want %d", len(m.Conditions), len(wantConds))
	}
	for i, c := range wantConds {
		if m.Conditions[i].Name != c {
			t.Errorf("condition %d: got %q, want %q", i, m.Conditions[i].Name, c)
		}
	}
	if len(m.Works) != len(designTable) {
		t.Fatalf("works: got %d, want %d", len(m.Works), len(designTable))
	}
	for col, conds := range designColumns {
		// Every completion of the design column's blank conditions must
		// resolve to a column whose cells equal the design's.
		res := m.Resolve(conds[:])
		if res.Column < 0 {
			t.Fatalf("design column %d does not resolve: %+v", col, res)
		}
		got := m.Columns[res.Column]
		for w, row := range designTable {
			if m.Works[w].Symbol != row.symbol || m.Works[w].Name != row.work {
				t.Errorf("work %d: got %s %s, want %s %s", w, m.Works[w].Symbol, m.Works[w].Name, row.symbol, row.work)
			}
			if g := got.Needs[w].String(); g != row.cells[col] {
				t.Errorf("%s %s in design column %d: got %s, want %s", row.symbol, row.work, col, g, row.cells[col])
			}
		}
	}
	// The fifth column is the contradiction: 既存を使用 without an OA.
	res := m.Resolve([]Known{{Value: false, Set: true}, {Value: true, Set: true}, {}})
	if res.Column != -1 || !strings.Contains(res.Contradiction, "LINE公式アカウント") {
		t.Errorf("OA なし + 既存を使用: got %+v, want a contradiction", res)
	}
}

func TestResolve(t *testing.T) {
	m, err := Default("")
	if err != nil {
		t.Fatal(err)
	}
	yes, no, unset := Known{Value: true, Set: true}, Known{Value: false, Set: true}, Known{}
	tests := []struct {
		name    string
		in      []Known
		column  int
		missing []int
		contra  bool
	}{
		{"OA, existing", []Known{yes, yes, unset}, 0, nil, false},
		{"OA, existing, ID said no (irrelevant)", []Known{yes, yes, no}, 0, nil, false},
		{"OA, not existing", []Known{yes, no, yes}, 1, nil, false},
		{"no OA, ID; use left blank", []Known{no, unset, yes}, 2, nil, false},
		{"no OA, no ID", []Known{no, no, no}, 3, nil, false},
		{"OA, use blank", []Known{yes, unset, yes}, -1, []int{1}, false},
		{"no OA, ID blank", []Known{no, unset, unset}, -1, []int{2}, false},
		{"nothing entered", []Known{unset, unset, unset}, -1, []int{0, 1, 2}, false},
		{"contradiction", []Known{no, yes, yes}, -1, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.Resolve(tt.in)
			if res.Column != tt.column || (res.Contradiction != "") != tt.contra || !equalInts(res.Missing, tt.missing) {
				t.Errorf("got %+v, want column %d missing %v contradiction %v", res, tt.column, tt.missing, tt.contra)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseRejects(t *testing.T) {
	base := `種別,記号,項目,英語名,A,B,C,矛盾:だめ
条件,,OA,oa,あり,あり,なし,なし
条件,,既存,use,あり,なし,なし,あり
作業,①,作業1,w1,○,×,確認,
`
	tests := []struct {
		name, csv, want string
	}{
		{"valid", base, ""},
		{"bad symbol", strings.Replace(base, "確認,", "△,", 1), "cell G4"},
		{"gap", strings.Replace(base, "use,あり,なし,なし,あり", "use,あり,あり,なし,あり", 1), "no column covers OA=あり, 既存=なし"},
		{"overlap", strings.Replace(base, "use,あり,なし,なし,あり", "use,-,なし,なし,あり", 1), "columns A (E1) and B (F1) both cover"},
		{"bad condition value", strings.Replace(base, "use,あり,なし,なし,あり", "use,あり,なし,?,あり", 1), "cell G3"},
		{"unknown kind", base + "手順,,x,x,○,○,○,\n", "cell A5"},
		{"duplicate work", base + "作業,②,作業1,w2,○,○,○,\n", "cell C5"},
		{"duplicate column", strings.Replace(base, ",C,", ",B,", 1), "cell G1"},
		{"no works", strings.Split(base, "作業")[0], "no 作業 rows"},
		{"value outside columns", base + "作業,②,作業2,w2,○,○,○,,○\n", "cell I5"},
		{"contradiction with works", `種別,記号,項目,英語名,A,B,矛盾:だめ
条件,,OA,oa,あり,なし,-
作業,①,作業1,w1,○,×,○
`, "cell G3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCSV([]byte(tt.csv), "test.csv")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestExtraConditionAndWork(t *testing.T) {
	// A team adds a fourth condition and a sixth work without code.
	csv := `種別,記号,項目,英語名,既存OA使用,新規OA·ID有,新規OA·ID無,OA·既存不使用,矛盾:既存アカウントで検証はLINE公式アカウントがある場合だけ
条件,,LINE公式アカウント,has_official_account,あり,なし,なし,あり,なし
条件,,既存アカウントで検証,use_existing_account,あり,なし,なし,なし,あり
条件,,LINEビジネスID,has_business_id,-,あり,なし,-,-
条件,,LINEショップ連携,has_shop,-,-,-,-,-
作業,①,LINEビジネスID作成,create_business_id,×,×,○,×,
作業,②,LINE公式アカウント,official_account,×,○,○,○,
作業,③,Messaging API,messaging_api,確認,○,○,○,
作業,④,LINEログイン,line_login,確認,○,○,○,
作業,⑤,エルメアカウント,lmessage_account,○,○,○,○,
作業,⑥,リッチメニュー,rich_menu,○,○,○,○,
`
	m, err := ParseCSV([]byte(csv), "extended.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Conditions) != 4 || len(m.Works) != 6 {
		t.Fatalf("got %d conditions, %d works", len(m.Conditions), len(m.Works))
	}
	res := m.Resolve([]Known{{Value: true, Set: true}, {Value: false, Set: true}, {}, {}})
	if res.Column != 3 || m.Columns[3].Needs[5] != Do {
		t.Errorf("got %+v", res)
	}
}

func FuzzParseCSV(f *testing.F) {
	b, _, _ := openDefault()
	f.Add(string(b))
	f.Add("種別,記号,項目,英語名,A\n条件,,x,x,-\n作業,①,y,y,○\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseCSV([]byte(s), "fuzz.csv")
		if err != nil {
			return
		}
		// A matrix that loads must resolve every full combination.
		if len(m.Conditions) > 6 {
			return
		}
		known := make([]Known, len(m.Conditions))
		for combo := 0; combo < 1<<len(known); combo++ {
			for i := range known {
				known[i] = Known{Value: combo&(1<<i) != 0, Set: true}
			}
			res := m.Resolve(known)
			if res.Column < 0 && res.Contradiction == "" {
				t.Fatalf("combination %b unresolved in a valid matrix", combo)
			}
		}
	})
}

func TestTableRoundTrips(t *testing.T) {
	m, err := Default("")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(m.Table(), "table")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Columns) != len(m.Columns) || len(again.Works) != len(m.Works) || len(again.Conditions) != len(m.Conditions) {
		t.Fatal("shape differs")
	}
	for i, c := range m.Columns {
		a := again.Columns[i]
		if a.Name != c.Name && a.Contradiction != c.Contradiction {
			t.Errorf("column %d: %q vs %q", i, a.Name, c.Name)
		}
		for w := range c.Needs {
			if a.Needs[w] != c.Needs[w] {
				t.Errorf("column %d work %d differs", i, w)
			}
		}
		for k := range c.Conds {
			if a.Conds[k] != c.Conds[k] {
				t.Errorf("column %d condition %d differs", i, k)
			}
		}
	}
}
