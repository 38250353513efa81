package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/report"
	"onboard/templates"
)

func defaultLayoutJSON(t *testing.T) string {
	b, err := templates.Default.ReadFile(report.TemplateName)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLayoutOverrideFromFolder(t *testing.T) {
	dir := t.TempDir()
	// A team renames the list tab and drops and reorders its columns.
	js := defaultLayoutJSON(t)
	start := strings.Index(js, `"clients": {`)
	end := start + strings.Index(js[start:], `"stalled_mark"`)
	js = js[:start] + `"clients": {
    "title": "顧客",
    "columns": [
      {"key": "status", "header": "状態"},
      {"key": "client_id", "header": "ID"}
    ],
    ` + js[end:]
	if err := os.WriteFile(filepath.Join(dir, report.TemplateName), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	layout, err := report.LoadLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := buildModel(t, []app{{id: "1", company: "A", applied: 1, cond: "bid"}}, nil, 9)
	path, err := report.WriteFile(t.TempDir(), m, layout)
	if err != nil {
		t.Fatal(err)
	}
	wb := readBack(t, path)
	got := wb.sheets["顧客"]
	if len(got) != 2 || got[0][0].String() != `s:"状態"` || got[0][1].String() != `s:"ID"` || got[1][1].String() != `s:"1"` {
		t.Errorf("the overridden tab reads %v", got)
	}

	// A folder without report.json falls back to the embedded layout.
	if l, err := report.LoadLayout(t.TempDir()); err != nil || l.Clients.Title != "クライアント一覧" {
		t.Errorf("fallback: %v, %v", l, err)
	}
}

func TestLayoutErrors(t *testing.T) {
	js := defaultLayoutJSON(t)
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown column key", `{"key": "memo", "header": "メモ"}`, `{"key": "memos", "header": "メモ"}`, `sessions.columns[6]: unknown key "memos"`},
		{"duplicate tab title", `"title": "残作業"`, `"title": "サマリー"`, `backlog.title "サマリー" is also summary's title`},
		{"bad colour", `"完了": "E2EFDA"`, `"完了": "green"`, `status_colors.完了: "green" is not a colour`},
		{"missing status colour", `"要確認": "F8CBAD"`, `"要確認x": "F8CBAD"`, "status_colors: no colour for 要確認"},
		{"title Excel forbids", `"title": "データの問題"`, `"title": "データ/問題"`, "problems.title"},
		{"typo in a field", `"date_format"`, `"date_fromat"`, `unknown field "date_fromat"`},
		{"missing figure label", `"label": "停滞（週末時点）"`, `"label": ""`, "summary.figures.stalled.label is required"},
		{"wrong header count", `"work_headers": ["作業", "必要なクライアント", "完了", "完了率"]`, `"work_headers": ["作業"]`, "summary.work_headers: give 4 headers, got 1"},
		{"wrap wider than the cap", `"wrap": 24`, `"wrap": 60`, "widths.wrap: 60 is wider than widths.max"},
		{"bad alignment", `"align": "right"`, `"align": "middle"`, `styles.figure.align: "middle"`},
		{"unknown breach column", `{"key": "over_days", "header": "超過日数"}`, `{"key": "overdue", "header": "超過日数"}`, `lead.breach_columns[1]: unknown key "overdue"`},
		{"missing stage label", `"apply_to_done":               "申込→完了"`, `"apply_to_end": "申込→完了"`, "lead.stages.apply_to_done: a label is required"},
		{"lead tab named as the summary", `"title": "リードタイム"`, `"title": "サマリー"`, `lead.title "サマリー" is also summary's title`},
		{"missing breach word", `"breach": "初回セッション未実施"`, `"breach": ""`, "lead.targets.first_session.breach is required"},
		{"wrong lead header count", `"level_section": "目標の達成状況",
    "level_headers": ["目標",`, `"level_section": "目標の達成状況",
    "level_headers": [`, "lead.level_headers: give 9 headers, got 8"},
		{"unknown summary lead figure", `"breaches":             {`, `"breach":             {`, "summary.lead_figures.breaches: a label is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(js, tc.from) {
				t.Fatalf("the default layout has no %s", tc.from)
			}
			_, err := report.ParseLayout([]byte(strings.Replace(js, tc.from, tc.to, 1)), "test.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test.json") {
				t.Errorf("error %v; want it to name test.json and say %q", err, tc.want)
			}
		})
	}
}
