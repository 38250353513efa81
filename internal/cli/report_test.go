package cli_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/cli"
)

const example = "../../examples/onboarding.xlsx"

type outcome struct {
	code           int
	stdout, stderr string
}

func runCLI(env map[string]string, args ...string) outcome {
	var out, errb bytes.Buffer
	code := cli.Main(args, &out, &errb, func(k string) string { return env[k] })
	return outcome{code, out.String(), errb.String()}
}

func TestReportWritesTheWeekAndPrintsThePath(t *testing.T) {
	before := fileSum(t, example)
	out := filepath.Join(t.TempDir(), "reports", "weekly") // created when missing
	r := runCLI(nil, "report", "--sheet", example, "--now", "2026-11-25T09:00:00+09:00", "--out", out, "--log-level", "error")
	want := filepath.Join(out, "onboard-weekly-2026-W47.xlsx")
	if r.code != cli.ExitOK || r.stdout != want+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want %s", r.code, r.stdout, r.stderr, want)
	}
	if fi, err := os.Stat(want); err != nil || fi.Size() == 0 {
		t.Errorf("report not written: %v", err)
	}
	if fileSum(t, example) != before {
		t.Errorf("report changed the sheet it reads")
	}
}

func TestReportDefaultWeek(t *testing.T) {
	for _, tc := range []struct {
		now, zone, want string
	}{
		{"2026-11-22T23:59:59+09:00", "", "2026-W46"}, // Sunday night: W47 is not over
		{"2026-11-23T00:00:00+09:00", "", "2026-W47"}, // Monday midnight: it is
		// The same instant, read in another zone, is still Sunday.
		{"2026-11-22T15:00:00Z", "", "2026-W47"},
		{"2026-11-22T15:00:00Z", "UTC", "2026-W46"},
		{"2027-01-04T00:00:00+09:00", "", "2026-W53"},
	} {
		args := []string{"report", "--sheet", example, "--now", tc.now, "--out", t.TempDir(), "--log-level", "error"}
		if tc.zone != "" {
			args = append(args, "--timezone", tc.zone)
		}
		r := runCLI(nil, args...)
		if r.code != cli.ExitOK || !strings.HasSuffix(strings.TrimSpace(r.stdout), "onboard-weekly-"+tc.want+".xlsx") {
			t.Errorf("now %s zone %q: exit %d, %q %q; want week %s", tc.now, tc.zone, r.code, r.stdout, r.stderr, tc.want)
		}
	}
}

func TestReportWeekFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(map[string]string{"ONBOARD_WEEK": "2026-W45", "ONBOARD_OUT": dir},
		"report", "--sheet", example, "--now", "2026-11-25T09:00:00+09:00", "--log-level", "error")
	if r.code != cli.ExitOK || r.stdout != filepath.Join(dir, "onboard-weekly-2026-W45.xlsx")+"\n" {
		t.Errorf("exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// Week errors are one clear line and exit code 2, before anything is read
// or written.
func TestReportWeekErrors(t *testing.T) {
	for week, want := range map[string]string{
		"2026-47":  `--week: "2026-47" is not an ISO week: use YEAR-Wnn, e.g. 2026-W47`,
		"2027-W53": `--week: "2027-W53": ISO year 2027 has weeks W01 to W52`,
		"W47":      `--week: "W47" is not an ISO week`,
		"2026-W49": "--week 2026-W49 starts on 2026/11/30, after today (2026/11/25): nothing to report yet",
	} {
		out := filepath.Join(t.TempDir(), "out")
		r := runCLI(nil, "report", "--sheet", example, "--now", "2026-11-25T09:00:00+09:00", "--week", week, "--out", out)
		if r.code != cli.ExitUsage || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) || r.stdout != "" {
			t.Errorf("--week %s: exit %d, stderr %q; want exit 2 and one line containing %q", week, r.code, r.stderr, want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--week %s: the output folder was created", week)
		}
	}
	// The current week may be reported (it says it is not over yet).
	r := runCLI(nil, "report", "--sheet", example, "--now", "2026-11-25T09:00:00+09:00", "--week", "2026-W48", "--out", t.TempDir())
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "not over yet") {
		t.Errorf("current week: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestReportOtherErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no sheet", []string{"report"}, cli.ExitUsage, "--sheet is required"},
		{"missing sheet", []string{"report", "--sheet", "nope.xlsx"}, cli.ExitFailed, "nope.xlsx"},
		{"broken layout", []string{"report", "--sheet", example, "--templates", "testdata/badlayout"}, cli.ExitUsage, "report layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(nil, append(tc.args, "--out", t.TempDir(), "--now", "2026-11-25T09:00:00+09:00")...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
}

func TestHelpListsReport(t *testing.T) {
	r := runCLI(nil, "help")
	if !strings.Contains(r.stdout, "report") {
		t.Errorf("help does not list report:\n%s", r.stdout)
	}
	r = runCLI(nil, "report", "--help")
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "--week") || !strings.Contains(r.stdout, "--out") {
		t.Errorf("report --help: %d\n%s", r.code, r.stdout)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestReportServiceLevelFlags: the targets come from the flags or their
// ONBOARD_* variables and reach the リードタイム tab; a target under one
// day is a usage error.
func TestReportServiceLevelFlags(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       map[string]string
		args      []string
		wantFirst string
		wantHand  string
	}{
		{"defaults", nil, nil, "初回セッション（申込から14日以内）", "引き渡し（全作業完了から7日以内）"},
		{"flags", nil, []string{"--sla-first-session-days", "3", "--sla-handover-days", "2"}, "初回セッション（申込から3日以内）", "引き渡し（全作業完了から2日以内）"},
		{"environment", map[string]string{"ONBOARD_SLA_FIRST_SESSION_DAYS": "21", "ONBOARD_SLA_HANDOVER_DAYS": "10"}, nil,
			"初回セッション（申込から21日以内）", "引き渡し（全作業完了から10日以内）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"report", "--sheet", example, "--now", "2026-11-25T09:00:00+09:00", "--out", out, "--log-level", "error"}, tc.args...)
			r := runCLI(tc.env, args...)
			if r.code != cli.ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			f, err := excelize.OpenFile(filepath.Join(out, "onboard-weekly-2026-W47.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("リードタイム")
			if err != nil {
				t.Fatal(err)
			}
			found := map[string]bool{}
			for _, row := range rows {
				if len(row) > 1 {
					found[row[0]] = true
				}
			}
			if !found[tc.wantFirst] || !found[tc.wantHand] {
				t.Errorf("リードタイム has no rows %q and %q", tc.wantFirst, tc.wantHand)
			}
		})
	}
	for _, args := range [][]string{{"--sla-first-session-days", "0"}, {"--sla-handover-days", "-1"}} {
		r := runCLI(nil, append([]string{"report", "--sheet", example, "--out", t.TempDir()}, args...)...)
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "must be at least 1") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, r.code, r.stderr)
		}
	}
}
