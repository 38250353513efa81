package main_test

import (
	"strings"
	"testing"
)

// TestFlagErrorsSayWhatToDo: a mistyped flag, a bad value or a missing
// value exits 2 with one line on stderr naming the flag and the way out,
// for every command (a silent exit 2 in cron is an empty log).
func TestFlagErrorsSayWhatToDo(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"sync", "--shet", "x.xlsx"}, []string{"unknown flag --shet (did you mean --sheet?)", "run 'onboard sync --help'"}},
		{[]string{"sync", "--stall-days", "abc"}, []string{`--stall-days "abc": want a whole number`, "run 'onboard sync --help'"}},
		{[]string{"sync", "--sheet"}, []string{"--sheet needs a value", "run 'onboard sync --help'"}},
		{[]string{"check", "--dry-run"}, []string{"unknown flag --dry-run", "run 'onboard check --help'"}},
		{[]string{"check", "-x"}, []string{"unknown flag -x", "run 'onboard check --help'"}},
		{[]string{"report", "--timeout", "5"}, []string{`--timeout "5": want a duration such as 30s, 5m or 24h`, "run 'onboard report --help'"}},
		{[]string{"report", "--wek", "2026-W47"}, []string{"unknown flag --wek (did you mean --week?)"}},
		{[]string{"init", "--dry-run=perhaps"}, []string{`--dry-run "perhaps": want true or false`, "run 'onboard init --help'"}},
		{[]string{"run", "--smtp-prot", "25"}, []string{"unknown flag --smtp-prot (did you mean --smtp-port?)", "run 'onboard run --help'"}},
		{[]string{"run", "--catch-up", "many"}, []string{`--catch-up "many": want a whole number, e.g. 4`}},
		{[]string{"run", "--sheet", "x.xlsx", "extra"}, []string{`unexpected argument "extra"`, "run 'onboard run --help'"}},
		{[]string{"version", "--short"}, []string{"unknown flag --short", "run 'onboard version --help'"}},
		// The password never goes on the command line, and is never echoed.
		{[]string{"run", "--smtp-password", "hunter2"}, []string{"there is no --smtp-password flag", "ONBOARD_SMTP_PASSWORD", "--smtp-password-file"}},
		{[]string{"run", "--smtp-password=hunter2"}, []string{"there is no --smtp-password flag", "ONBOARD_SMTP_PASSWORD"}},
		{[]string{"report", "--send", "--smtp-password", "hunter2"}, []string{"there is no --smtp-password flag", "--smtp-password-file"}},
	}
	for _, c := range cases {
		r := run(t, nil, c.args...)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 2 || len(lines) != 1 || r.stdout != "" {
			t.Errorf("%q: exit %d, want 2 and one line on stderr, nothing on stdout\nstdout: %q\nstderr: %q", c.args, r.code, r.stdout, r.stderr)
			continue
		}
		if !strings.HasPrefix(lines[0], "onboard "+c.args[0]+": ") {
			t.Errorf("%q: the line does not name the command: %q", c.args, lines[0])
		}
		for _, w := range c.want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%q: stderr %q lacks %q", c.args, lines[0], w)
			}
		}
		if strings.Contains(r.stderr, "hunter2") {
			t.Errorf("%q: the password is echoed: %q", c.args, r.stderr)
		}
	}
}

// TestEnvironmentValueErrors: the same for ONBOARD_* variables, which name
// the variable instead of the flag.
func TestEnvironmentValueErrors(t *testing.T) {
	for _, c := range []struct{ env, want string }{
		{"ONBOARD_STALL_DAYS=abc", `environment ONBOARD_STALL_DAYS="abc": want a whole number`},
		{"ONBOARD_TIMEOUT=5", `environment ONBOARD_TIMEOUT="5": want a duration`},
		{"ONBOARD_DRY_RUN=perhaps", `environment ONBOARD_DRY_RUN="perhaps": want true or false`},
	} {
		r := run(t, []string{c.env}, "sync", "--sheet", "x.xlsx")
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.env, r.code, r.stderr, c.want)
		}
	}
}
