package main_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/mailer/smtptest"
)

// TestCrontab: deploy/crontab is valid for Debian's cron (which ignores
// CRON_TZ), names only what the binary has, writes only under the state
// folder, and its line runs as written as the service user.
func TestCrontab(t *testing.T) {
	b, err := os.ReadFile("../../deploy/crontab")
	if err != nil {
		t.Fatal(err)
	}
	vars, optional, entries := envLines(t, string(b))
	if _, ok := vars["CRON_TZ"]; ok {
		t.Error("CRON_TZ is ignored by Debian's cron: the schedule would run in the server's time zone")
	}
	for name := range vars {
		checkEnvName(t, "deploy/crontab", name)
	}
	for _, name := range optional {
		checkEnvName(t, "deploy/crontab (commented)", name)
	}
	if len(entries) != 1 {
		t.Fatalf("want one cron line, got %q", entries)
	}
	fields := strings.Fields(entries[0])
	if len(fields) < 6 {
		t.Fatalf("cron line %q", entries[0])
	}
	if err := cronSchedule(fields[:5]); err != nil {
		t.Fatalf("schedule %q: %v", strings.Join(fields[:5], " "), err)
	}
	if fields[1] != "*" || vars["ONBOARD_ACTIVE_HOURS"] == "" || vars["ONBOARD_TIMEZONE"] == "" {
		t.Errorf("the hour field %q is in the server's time zone: run every hour and set ONBOARD_ACTIVE_HOURS and ONBOARD_TIMEZONE", fields[1])
	}
	command := strings.TrimSpace(entries[0][strings.Index(entries[0], fields[5]):])
	if strings.Contains(strings.ReplaceAll(command, `\%`, ""), "%") {
		t.Errorf("cron turns an unescaped %% into a newline: %q", command)
	}
	if fields[5] != "/usr/local/bin/onboard" || fields[6] != "run" {
		t.Errorf("the line runs %q, want /usr/local/bin/onboard run", fields[5:7])
	}
	var args []string
	logFile := ""
	for _, tok := range fields[6:] {
		switch {
		case strings.HasPrefix(tok, ">>"):
			logFile = strings.TrimPrefix(tok, ">>")
		case tok == "2>&1":
		case strings.HasPrefix(tok, "--"):
			checkFlag(t, "deploy/crontab", tok)
			args = append(args, tok)
		default:
			args = append(args, tok)
		}
	}
	state := vars["ONBOARD_STATE_DIR"]
	for what, p := range writtenPaths(t, "deploy/crontab", args, vars) {
		if !under(p, state) {
			t.Errorf("the %s %s is outside the state folder %s, which is the only folder the README has you create", what, p, state)
		}
	}
	if logFile == "" || filepath.Dir(logFile) != state {
		t.Errorf("the output goes to %q; want a file in the state folder %s (the shell opens it before onboard can create a folder)", logFile, state)
	}

	// The line as written, as cron runs it: /bin/sh -c, as the crontab's
	// user (nobody stands in for onboard), the crontab's variables plus
	// cron's own (HOME, LOGNAME, SHELL, PATH).
	const svc = 65534
	srv, err := smtptest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.Username, srv.Password = vars["ONBOARD_SMTP_USERNAME"], "cron-Pa55"
	work := worldDir(t, svc)
	varLib := filepath.Join(work, "var-lib")
	home := filepath.Join(varLib, filepath.Base(state))
	if err := os.MkdirAll(home, 0o750); err != nil { // useradd --create-home --home-dir /var/lib/onboard
		t.Fatal(err)
	}
	os.Chmod(varLib, 0o755)
	os.Chown(home, svc, svc)
	book, _ := os.ReadFile(exampleCopy(t))
	sheet := filepath.Join(work, "onboarding.xlsx")
	os.WriteFile(sheet, book, 0o644)
	os.Chown(sheet, svc, svc)
	secret := filepath.Join(work, "smtp-password")
	os.WriteFile(secret, []byte(srv.Password+"\n"), 0o400)
	os.Chown(secret, svc, svc)
	ca := filepath.Join(work, "ca.pem")
	os.WriteFile(ca, srv.CertPEM(), 0o644)

	env := map[string]string{}
	for k, v := range vars {
		env[k] = v
	}
	for k, v := range map[string]string{"HOME": state, "LOGNAME": "onboard", "SHELL": "/bin/sh", "PATH": "/usr/bin:/bin",
		// The test's endpoints:
		"ONBOARD_SHEET": sheet, "ONBOARD_SMTP_HOST": "127.0.0.1", "ONBOARD_SMTP_PORT": strconv.Itoa(srv.Port()),
		"ONBOARD_SMTP_CA_FILE": ca, "ONBOARD_SMTP_PASSWORD_FILE": secret} {
		env[k] = v
	}
	bin := binDir(t, binary)
	script := `mount --bind "$1" /usr/local/bin
mount --bind "$2" /var/lib
exec setpriv --reuid 65534 --regid 65534 --clear-groups /bin/sh -c "$3"`
	cronRun := func(now string) result {
		env["ONBOARD_NOW"] = now
		return namespaceRun(t, sortedEnv(env), script, bin, varLib, command)
	}
	r := cronRun("2026-11-25T09:00:00+09:00")
	t.Logf("cron line as written: %s\n(env: deploy/crontab's variables; the test's sheet, SMTP server and clock)\nexit %d", command, r.code)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	log, _ := os.ReadFile(filepath.Join(home, "onboard.log"))
	if !strings.Contains(string(log), `"msg":"run finished"`) || len(srv.Messages()) != 1 {
		t.Errorf("the 09:00 run: %d mails, log:\n%s", len(srv.Messages()), log)
	}
	if _, err := os.Stat(filepath.Join(home, "reports", "onboard-weekly-2026-W47.xlsx")); err != nil {
		t.Errorf("the report is not in the state folder: %v", err)
	}
	wantFile(t, filepath.Join(home, "onboard.lock"), svc, 0o644)

	// 21:00 Tokyo: outside the window, whatever the server's time zone.
	if r = cronRun("2026-11-25T21:00:00+09:00"); r.code != 0 {
		t.Fatalf("21:00: exit %d\n%s", r.code, r.stderr)
	}
	log, _ = os.ReadFile(filepath.Join(home, "onboard.log"))
	if !strings.Contains(string(log), "outside --active-hours") || len(srv.Messages()) != 1 {
		t.Errorf("the 21:00 run: %d mails, log:\n%s", len(srv.Messages()), log)
	}
	t.Logf("onboard.log:\n%s", log)
}
