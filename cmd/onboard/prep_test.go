package main_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPrep runs onboard prep on the example: the next day with sessions
// with the overdue ones, one operator's day as JSON, and a bad date.
func TestPrep(t *testing.T) {
	path := exampleCopy(t)
	r := run(t, nil, "prep", "--sheet", path, now)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"セッション準備 2026/11/26（予定日超過を含む）", "■ 2026/11/24（予定日超過）", "■ 2026/11/26 田中（オペ）　クライアント 10048",
		"ログイン: サポートアカウント support_10040@uetaya.com（作成済）", "最初に条件を再確認: LINE公式アカウント: なし", "アカウント名「エルメ検証」"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = run(t, nil, "prep", "--sheet", path, now, "--date", "2026-11-30", "--operator", "高橋（オペ）", "--format", "json")
	var out struct {
		Date     string `json:"date"`
		Sessions []struct {
			ClientID string   `json:"client_id"`
			Operator string   `json:"operator"`
			Works    []string `json:"works"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("json (exit %d, %v): %s %s", r.code, err, r.stdout, r.stderr)
	}
	if out.Date != "2026/11/30" || len(out.Sessions) != 2 {
		t.Fatalf("got %+v", out)
	}
	for _, s := range out.Sessions {
		if s.Operator != "高橋（オペ）" || len(s.Works) == 0 {
			t.Errorf("session %+v", s)
		}
	}

	if r := run(t, nil, "prep", "--sheet", path, now, "--date", "12/03"); r.code != 2 || !strings.Contains(r.stderr, "--date") {
		t.Errorf("bad date: exit %d, %s", r.code, r.stderr)
	}
}
