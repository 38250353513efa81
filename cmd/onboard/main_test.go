package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"onboard/internal/example"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

var binary string

func TestMain(m *testing.M) {
	if makeBenchWorkbook() {
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "onboard-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "onboard")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const now = "--now=2026-11-25T09:00:00+09:00"

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	return runCommand(t, cmd)
}

// runCommand runs cmd and returns its exit code and output.
func runCommand(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func exampleCopy(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/onboarding.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "onboarding.xlsx")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSyncThenNothingToDo(t *testing.T) {
	path := exampleCopy(t)
	r := run(t, nil, "sync", "--sheet", path, now)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"clients:   61 (未着手", "要確認", "problems:", "support accounts:", "cells to " + path} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	st1, _ := os.Stat(path)
	r = run(t, nil, "sync", "--sheet", path, now)
	st2, _ := os.Stat(path)
	if r.code != 0 || !strings.Contains(r.stdout, "written:   nothing changed") || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("second sync: exit %d, mtime changed %v:\n%s", r.code, !st1.ModTime().Equal(st2.ModTime()), r.stdout)
	}
	r = run(t, nil, "sync", "--sheet", path, now, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "0 changes (dry run: nothing written)") {
		t.Errorf("dry run after sync: exit %d\n%s", r.code, r.stdout)
	}
}

func TestDryRunListsEveryChange(t *testing.T) {
	path := exampleCopy(t)
	before, _ := os.ReadFile(path)
	r := run(t, []string{"ONBOARD_SHEET=" + path, "ONBOARD_DRY_RUN=true"}, "sync", now)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("dry run changed the file")
	}
	line := regexp.MustCompile(`^(申込|セッション|サポートアカウント|セッション準備|ステータス履歴)![A-Z]+\d+  row \d+  \S+: (""|".*") → ".*"$`)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	n := 0
	for _, l := range lines {
		if line.MatchString(l) {
			n++
		}
	}
	m := regexp.MustCompile(`(\d+) changes \(dry run: nothing written\)`).FindStringSubmatch(r.stdout)
	if m == nil || m[1] == "0" || m[1] != itoa(n) {
		t.Errorf("%d change lines, summary %v\n%s", n, m, r.stdout[:min(2000, len(r.stdout))])
	}
	if !strings.Contains(r.stdout, `申込!M1  row 1  必要作業: "" → "必要作業"`) {
		t.Error("the added header is not listed")
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestCheck(t *testing.T) {
	path := exampleCopy(t)
	before, _ := os.ReadFile(path)
	r := run(t, nil, "check", "--sheet", path, now)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"(row 40, column LINE公式アカウント, client 10038) [要確認] LINE公式アカウント: 「たぶん」は あり/なし で入力してください",
		"(row 8, column 担当作業完了日, client 10006) [要確認] 担当作業完了日: 残作業",
		"[要確認] クライアントID: 「10",
		"セッション!A101 (row 101, column クライアントID, client 10999) [お知らせ] クライアントID: 「10999」は申込にありません",
		"申込 row 30 (client 10028) [お知らせ] 停滞: ",
		path + ": 21 findings: 13 problems in the チェック cells (要確認 9 · お知らせ 4) + 8 stalled clients (お知らせ)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("check wrote to the file")
	}
	// sync counts the same data problems with the same words.
	s := run(t, nil, "sync", "--sheet", path, now, "--dry-run")
	if want := "problems:  13 in the チェック cells (要確認 9 · お知らせ 4), stalled clients: 8"; !strings.Contains(s.stdout, want) {
		t.Errorf("sync's summary lacks %q:\n%s", want, s.stdout[strings.LastIndex(s.stdout, "changes (dry run"):])
	}

	clean := filepath.Join(t.TempDir(), "clean.xlsx")
	if err := xlsxbook.Create(clean, example.Generate(example.Config{Clients: 8, Seed: 5, Today: example.ExampleToday})); err != nil {
		t.Fatal(err)
	}
	if r := run(t, nil, "check", "--sheet", clean, now, "--pool-warn", "0"); r.code != 0 || !strings.Contains(r.stdout, "no problems") {
		t.Errorf("clean sheet: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestLayoutErrorExit2(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	b.Tabs[0].Rows[0][0] = sheet.TextValue("顧客番号")
	path := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := xlsxbook.Create(path, b); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	r := run(t, nil, "sync", "--sheet", path, now)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `tab "申込": required header "クライアントID" (client_id) is missing`) {
		t.Errorf("stderr: %q", r.stderr)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the file changed")
	}
}

func TestUsageAndFailures(t *testing.T) {
	if r := run(t, nil, "sync", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Example:\n  onboard sync --sheet onboarding.xlsx --dry-run") || !strings.Contains(r.stdout, "75  another run holds the lock") || !strings.Contains(r.stdout, "ONBOARD_DRY_RUN") {
		t.Errorf("sync --help: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, nil, "help"); r.code != 0 || !strings.Contains(r.stdout, "onboard check --sheet onboarding.xlsx") {
		t.Errorf("help: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, nil, "sync", "--no-such-flag"); r.code != 2 {
		t.Errorf("unknown flag: exit %d", r.code)
	}
	if r := run(t, nil, "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "sync"); r.code != 2 || !strings.Contains(r.stderr, "--sheet is required") {
		t.Errorf("no sheet: exit %d %s", r.code, r.stderr)
	}
	missing := filepath.Join(t.TempDir(), "missing.xlsx")
	if r := run(t, nil, "sync", "--sheet", missing); r.code != 1 || !strings.Contains(r.stderr, "spreadsheet not found") {
		t.Errorf("missing file: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, []string{"ONBOARD_STALL_DAYS=abc"}, "sync", "--sheet", missing); r.code != 2 || !strings.Contains(r.stderr, "ONBOARD_STALL_DAYS") {
		t.Errorf("bad env: exit %d %s", r.code, r.stderr)
	}
	bad := filepath.Join(t.TempDir(), "matrix.csv")
	os.WriteFile(bad, []byte("種別,記号,項目,英語名,A\n条件,,x,x,あり\n作業,①,y,y,○\n"), 0o644)
	if r := run(t, nil, "check", "--sheet", missing, "--matrix", bad); r.code != 2 || !strings.Contains(r.stderr, "no column covers x=なし") {
		t.Errorf("broken matrix: exit %d %s", r.code, r.stderr)
	}
}

func TestJSONLogs(t *testing.T) {
	path := exampleCopy(t)
	r := run(t, nil, "sync", "--sheet", path, now, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	found := false
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		if rec["msg"] == "sync finished" && rec["clients"] == float64(61) {
			found = true
		}
	}
	if !found {
		t.Errorf("no summary record:\n%s", r.stderr)
	}
}

func TestCheckLintJSON(t *testing.T) {
	b := example.Generate(example.ExampleConfig())
	// A session dated in the future, and a pool with one free account left.
	sessions := b.Tab("セッション")
	sessions.Rows[3][1] = sheet.TextValue("2026/12/24")
	pool := b.Tab("サポートアカウント")
	pool.Rows = pool.Rows[:len(pool.Rows)-19]
	path := filepath.Join(t.TempDir(), "lint.xlsx")
	if err := xlsxbook.Create(path, b); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "check", "--sheet", path, now, "--format", "json", "--log-level", "error")
	if r.code != 3 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Count  int
		Counts struct{ Data, Blocking, Notes, Stalled, Pool int }
		// Problems keeps its name for the readers of the first format.
		Problems []struct {
			Tab, Column, Cell, Message string
			ClientID                   string `json:"client_id"`
			Kind, Source               string
			Row                        int
			Blocking                   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if out.Count != len(out.Problems) || out.Count < 15 {
		t.Fatalf("count %d, problems %d", out.Count, len(out.Problems))
	}
	c := out.Counts
	if c.Data != c.Blocking+c.Notes || c.Data+c.Stalled+c.Pool != out.Count || c.Blocking == 0 || c.Notes == 0 || c.Stalled == 0 || c.Pool != 1 {
		t.Errorf("counts %+v do not add up to %d", c, out.Count)
	}
	sources := map[string]int{}
	for _, p := range out.Problems {
		sources[p.Source]++
		if want := map[bool]string{true: "要確認", false: "お知らせ"}[p.Blocking]; p.Kind != want {
			t.Errorf("%s row %d: kind %q, blocking %v", p.Tab, p.Row, p.Kind, p.Blocking)
		}
		// Every problem on a 申込 or セッション row names its client, as
		// the report's データの問題 does.
		if (p.Tab == "申込" || p.Tab == "セッション") && p.Row > 1 && !regexp.MustCompile(`^\d{5}$`).MatchString(p.ClientID) {
			t.Errorf("%s row %d: client_id %q (%s)", p.Tab, p.Row, p.ClientID, p.Message)
		}
	}
	if sources["data"] != c.Data || sources["stalled"] != c.Stalled || sources["pool"] != c.Pool {
		t.Errorf("sources %v, counts %+v", sources, c)
	}
	var future, stalled, pooled bool
	for _, p := range out.Problems {
		switch {
		case p.Tab == "セッション" && p.Cell == "B4" && strings.Contains(p.Message, "「2026/12/24」は未来の日付です"):
			future = true
		case p.Tab == "申込" && strings.HasPrefix(p.Message, "停滞: ") && p.Row > 1:
			stalled = true
		case p.Tab == "サポートアカウント" && strings.Contains(p.Message, "準備済みの空きサポートアカウントが残り"):
			pooled = true
		}
	}
	if !future || !stalled || !pooled {
		t.Errorf("future session %v, stalled %v, pool low %v\n%s", future, stalled, pooled, r.stdout)
	}
	if r := run(t, nil, "check", "--sheet", path, now, "--format", "xml"); r.code != 2 {
		t.Errorf("--format xml: exit %d", r.code)
	}
}
