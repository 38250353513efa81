package main_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestExplain runs onboard explain on the example: text for a person,
// JSON for a script, exit 2 with the closest IDs for an unknown one, and
// the sheet left as it was.
func TestExplain(t *testing.T) {
	path := exampleCopy(t)
	r := run(t, nil, "explain", "10004", "--sheet", path, now)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"クライアント 10004", "■ 条件（実効値と出どころ）", "※ 申込は", "■ 作業", "■ 次のアクション"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = run(t, nil, "explain", "--format", "json", "--sheet", path, now, "１０００４")
	var out struct {
		Clients []struct {
			ClientID string `json:"client_id"`
			Status   string `json:"status"`
		} `json:"clients"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || len(out.Clients) != 1 || out.Clients[0].ClientID != "10004" {
		t.Errorf("json (exit %d, %v): %s", r.code, err, r.stdout)
	}

	r = run(t, nil, "explain", "1000４0", "--sheet", path, now)
	if r.code != 2 || !strings.Contains(r.stderr, `no application row has client ID "1000４0"; closest: `) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("unknown ID: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, nil, "explain", "--sheet", path, now)
	if r.code != 2 || !strings.Contains(r.stderr, "give one client ID") {
		t.Errorf("no ID: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, nil, "sync", "--sheet", path, now, "--dry-run"); r.code != 0 {
		t.Fatalf("sync: %s", r.stderr)
	}
}
