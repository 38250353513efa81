package job_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// extendedMatrix is the default matrix plus a fourth condition
// (LINEショップ連携) and a sixth work (⑥ リッチメニュー, only with a shop).
func extendedMatrix() [][]string {
	base := [][]string{
		{"種別", "記号", "項目", "英語名"},
		{"条件", "", "LINE公式アカウント", "has_official_account"},
		{"条件", "", "既存アカウントで検証", "use_existing_account"},
		{"条件", "", "LINEビジネスID", "has_business_id"},
		{"条件", "", "LINEショップ連携", "has_shop"},
		{"作業", "①", "LINEビジネスID作成", "create_business_id"},
		{"作業", "②", "LINE公式アカウント", "official_account"},
		{"作業", "③", "Messaging API", "messaging_api"},
		{"作業", "④", "LINEログイン", "line_login"},
		{"作業", "⑤", "エルメアカウント", "lmessage_account"},
		{"作業", "⑥", "リッチメニュー", "rich_menu"},
	}
	cols := []struct {
		name  string
		conds [3]string
		needs [5]string
	}{
		{"OAあり・既存を使用", [3]string{"あり", "あり", "-"}, [5]string{"×", "×", "確認", "確認", "○"}},
		{"OAあり・既存を不使用", [3]string{"あり", "なし", "-"}, [5]string{"×", "○", "○", "○", "○"}},
		{"OAなし・ビジネスIDあり", [3]string{"なし", "なし", "あり"}, [5]string{"×", "○", "○", "○", "○"}},
		{"OAなし・ビジネスIDなし", [3]string{"なし", "なし", "なし"}, [5]string{"○", "○", "○", "○", "○"}},
	}
	for _, c := range cols {
		for _, shop := range []string{"あり", "なし"} {
			base[0] = append(base[0], c.name+"・ショップ"+shop)
			for i := 0; i < 3; i++ {
				base[1+i] = append(base[1+i], c.conds[i])
			}
			base[4] = append(base[4], shop)
			for w := 0; w < 5; w++ {
				base[5+w] = append(base[5+w], c.needs[w])
			}
			rich := "×"
			if shop == "あり" {
				rich = "○"
			}
			base[10] = append(base[10], rich)
		}
	}
	base[0] = append(base[0], "矛盾:既存アカウントで検証はLINE公式アカウントがある場合だけ選べます")
	base[1] = append(base[1], "なし")
	base[2] = append(base[2], "あり")
	base[3] = append(base[3], "-")
	base[4] = append(base[4], "-")
	for w := 5; w <= 10; w++ {
		base[w] = append(base[w], "")
	}
	return base
}

func setTab(b *sheet.Book, name string, rows [][]string) {
	t := b.Tab(name)
	t.Rows = nil
	for _, r := range rows {
		row := make([]sheet.Value, len(r))
		for i, s := range r {
			row[i] = sheet.TextValue(s)
		}
		t.Rows = append(t.Rows, row)
	}
}

// TestMatrixTabDrivesSync: a team adds a condition and a work in the
// 条件マトリクス tab (and their columns in 申込 and セッション); sync and check
// follow without a code change.
func TestMatrixTabDrivesSync(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	setTab(b, matrix.TabName, extendedMatrix())
	apps, sessions := b.Tab("申込"), b.Tab("セッション")
	apps.Rows[0] = append(apps.Rows[0], sheet.TextValue("LINEショップ連携"))
	for r := 1; r < len(apps.Rows); r++ {
		if len(apps.Rows[r]) == 0 {
			continue // the example's blank row stays blank
		}
		v := "なし"
		if r%2 == 0 {
			v = "あり"
		}
		apps.Rows[r] = append(apps.Rows[r], make([]sheet.Value, len(apps.Rows[0])-1-len(apps.Rows[r]))...)
		apps.Rows[r] = append(apps.Rows[r], sheet.TextValue(v))
	}
	sessions.Rows[0] = append(sessions.Rows[0], sheet.TextValue("確認:LINEショップ連携"), sheet.TextValue("リッチメニュー"))
	path := writeBook(t, b)

	cfg := config(t)
	run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Sheet.Matrix.Works) != 6 || len(run.Sheet.Matrix.Conditions) != 4 || run.Sheet.Matrix.Source != "tab 条件マトリクス" {
		t.Fatalf("matrix in use: %s, %d works", run.Sheet.Matrix.Source, len(run.Sheet.Matrix.Works))
	}
	book := readBook(t, path)
	s, err := contract.Read(book, run.Sheet.Matrix)
	if err != nil {
		t.Fatal(err)
	}
	tab := book.Tab(s.Apps.Name)
	withShop, withoutShop := 0, 0
	for r := 2; r <= len(tab.Rows); r++ {
		req := tab.Cell(r, s.Apps.Col(contract.KeyRequiredWork)).String()
		shop := tab.Cell(r, s.Apps.Col(contract.CondKey(3))).String()
		if req == "" {
			continue // 要確認 rows have no required works
		}
		switch shop {
		case "あり":
			withShop++
			if !strings.HasSuffix(req, "⑥") {
				t.Errorf("row %d with a shop: 必要作業 %q lacks ⑥", r, req)
			}
			if rem := tab.Cell(r, s.Apps.Col(contract.KeyRemainingWork)).String(); !strings.Contains(rem, "⑥") {
				t.Errorf("row %d: ⑥ is not recorded in any session, so it remains: %q", r, rem)
			}
		case "なし":
			withoutShop++
			if strings.Contains(req, "⑥") {
				t.Errorf("row %d without a shop: 必要作業 %q has ⑥", r, req)
			}
		}
	}
	if withShop < 10 || withoutShop < 10 {
		t.Errorf("rows with shop %d, without %d", withShop, withoutShop)
	}
	// check: the new condition's and work's cells are read like the others.
	ev, err := job.Evaluate(context.Background(), xlsxbook.Open(path), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Changes) != 0 {
		t.Errorf("evaluate after sync: %d changes", len(ev.Changes))
	}
	for _, p := range ev.Lint(cfg) {
		if strings.Contains(p.Message, "リッチメニュー") || strings.Contains(p.Message, "LINEショップ連携") {
			t.Errorf("check flags the new column: %s", p.Message)
		}
	}
	// The report: the sixth work has its line in the per-work completion.
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	m := report.Build(ev, report.Options{Week: report.LastComplete(cfg.Now), Now: cfg.Now, StallDays: cfg.StallDays, Source: path})
	out, err := report.WriteFile(t.TempDir(), m, layout)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("サマリー")
	found := false
	for _, r := range rows {
		if len(r) >= 3 && r[0] == "⑥ リッチメニュー" {
			found = true
			if r[1] != strconv.Itoa(withShop) || r[2] != "0" {
				t.Errorf("⑥ in the report: required %s done %s, want %d and 0", r[1], r[2], withShop)
			}
		}
	}
	if !found {
		t.Error("the report has no line for ⑥ リッチメニュー")
	}
}

func TestBrokenMatrixTabStopsTheRun(t *testing.T) {
	tests := []struct {
		name string
		edit func(rows [][]string)
		want string
	}{
		{"bad symbol", func(rows [][]string) { rows[5][4] = "△" }, `matrix tab 条件マトリクス cell E6: "△" is not one of ○ × 確認`},
		{"gap", func(rows [][]string) { rows[2][5] = "あり" }, "no column covers"},
		{"overlap", func(rows [][]string) { rows[2][4] = "-" }, "both cover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := matrix.Default("")
			rows := m.Table()
			tt.edit(rows)
			b := example.Generate(example.ExampleConfig())
			setTab(b, matrix.TabName, rows)
			path := writeBook(t, b)
			before, _ := os.ReadFile(path)
			_, err := job.Sync(context.Background(), xlsxbook.Open(path), config(t), false)
			if err == nil || !contract.IsLayout(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a layout error with %q", err, tt.want)
			}
			if after, _ := os.ReadFile(path); string(before) != string(after) {
				t.Error("the workbook changed")
			}
		})
	}
}

func TestWorkWithoutSessionColumnNamesTheMatrixCell(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	setTab(b, matrix.TabName, extendedMatrix())
	b.Tab("申込").Rows[0] = append(b.Tab("申込").Rows[0], sheet.TextValue("LINEショップ連携"))
	path := writeBook(t, b)
	_, err := job.Sync(context.Background(), xlsxbook.Open(path), config(t), false)
	want := `tab "セッション": required header "リッチメニュー" (rich_menu) (defined in matrix tab 条件マトリクス cell C11) is missing from row 1`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}
