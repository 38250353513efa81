package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// unitFile parses a systemd unit: key → values in order, continuation
// lines joined, comments dropped.
func unitFile(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q", path, line)
		}
		keys[k] = append(keys[k], strings.TrimSpace(v))
	}
	return keys
}

// TestSystemdUnits: the shipped service and timer pass systemd-analyze
// verify, start on a plain Debian host (optional paths marked "-", the
// state folder made by StateDirectory=), hold no addresses, name only
// what the binary has, and the ExecStart line runs as the unit would.
func TestSystemdUnits(t *testing.T) {
	const service, timer = "../../deploy/systemd/onboard.service", "../../deploy/systemd/onboard.timer"
	unit := unitFile(t, service)
	raw, _ := os.ReadFile(service)
	if regexp.MustCompile(`[\w.-]+@[\w-]+\.[\w.]+`).Match(raw) {
		t.Error("onboard.service holds an e-mail address: addresses belong in the environment file")
	}
	stateDir := unit["StateDirectory"]
	if len(stateDir) != 1 || unit["User"] == nil {
		t.Fatalf("StateDirectory=%q User=%q", stateDir, unit["User"])
	}
	for _, rw := range unit["ReadWritePaths"] {
		for _, p := range strings.Fields(rw) {
			if !strings.HasPrefix(p, "-") && !under(p, "/var/lib/"+stateDir[0]) {
				t.Errorf("ReadWritePaths=%s fails the unit (226/NAMESPACE) on a host without it: prefix it with -", p)
			}
		}
	}
	readme, _ := os.ReadFile("../../README.md")
	if user := unit["User"][0]; !strings.Contains(string(readme), "useradd --system") || !strings.Contains(string(readme), " "+user+"\n") {
		t.Errorf("the README does not show how to create the %s user", user)
	}
	exec0 := strings.Fields(unit["ExecStart"][0])
	if exec0[0] != "/usr/local/bin/onboard" || exec0[1] != "run" {
		t.Fatalf("ExecStart=%q", exec0)
	}
	for _, a := range exec0[2:] {
		if strings.HasPrefix(a, "--") {
			checkFlag(t, "onboard.service ExecStart", a)
			if v, ok := flagValue(exec0, strings.TrimPrefix(a, "--")); ok && strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "${CREDENTIALS_DIRECTORY}/") {
				t.Errorf("ExecStart %s %s: a fixed path; the state folder comes from StateDirectory=", a, v)
			}
		}
	}
	for _, lc := range unit["LoadCredential"] {
		name, _, _ := strings.Cut(lc, ":")
		if !strings.Contains(unit["ExecStart"][0], "${CREDENTIALS_DIRECTORY}/"+name) {
			t.Errorf("LoadCredential=%s is not used by ExecStart", lc)
		}
	}
	envExample, _ := os.ReadFile("../../deploy/systemd/onboard.env.example")
	vars, optional, rest := envLines(t, string(envExample))
	if len(rest) > 0 {
		t.Errorf("onboard.env.example: lines that are not NAME=value: %q", rest)
	}
	for name := range vars {
		checkEnvName(t, "onboard.env.example", name)
	}
	for _, name := range optional {
		checkEnvName(t, "onboard.env.example (commented)", name)
	}
	if vars["ONBOARD_ALERT_TO"] == "" {
		t.Error("onboard.env.example does not show ONBOARD_ALERT_TO")
	}

	bin := binDir(t, binary)
	t.Run("systemd-analyze verify", func(t *testing.T) {
		if _, err := exec.LookPath("systemd-analyze"); err != nil {
			t.Skip("systemd-analyze is not installed: scripts/install-deps.sh installs Debian's systemd package as root")
		}
		dir := worldDir(t, 0)
		for _, f := range []string{service, timer} {
			b, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		}
		// verify checks that ExecStart's binary exists: provide it where the unit says.
		r := namespaceRun(t, []string{"PATH=/usr/bin:/bin", "SYSTEMD_LOG_COLOR=0"},
			`mount --bind "$1" /usr/local/bin; exec systemd-analyze verify "$2/onboard.service" "$2/onboard.timer"`, bin, dir)
		t.Logf("systemd-analyze verify onboard.service onboard.timer: exit %d %s%s", r.code, r.stdout, r.stderr)
		if r.code != 0 || strings.TrimSpace(r.stdout+r.stderr) != "" {
			t.Errorf("systemd-analyze verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})

	// ExecStart as systemd runs it: User=, the EnvironmentFile's variables,
	// $STATE_DIRECTORY made by StateDirectory= (owned by the user, mode
	// StateDirectoryMode=), $CREDENTIALS_DIRECTORY holding the credentials.
	const svc = 65534
	e, srv, id := googleEnv(t)
	e.srv.Username, e.srv.Password = vars["ONBOARD_SMTP_USERNAME"], "systemd-Pa55"
	work := worldDir(t, 0)
	state := filepath.Join(work, "var-lib-onboard")
	os.Mkdir(state, 0o750)
	os.Chown(state, svc, svc)
	creds := filepath.Join(work, "credentials")
	os.Mkdir(creds, 0o500)
	os.Chown(creds, svc, svc)
	os.WriteFile(filepath.Join(creds, "smtp-password"), []byte(e.srv.Password), 0o400)
	os.Chown(filepath.Join(creds, "smtp-password"), svc, svc)
	serviceAccountKey(t, filepath.Join(creds, "service-account.json"), svc)
	os.Chown(filepath.Join(creds, "service-account.json"), svc, svc)
	ca := filepath.Join(work, "ca.pem")
	os.WriteFile(ca, e.srv.CertPEM(), 0o644)

	env := map[string]string{"PATH": "/usr/bin:/bin", "STATE_DIRECTORY": state, "CREDENTIALS_DIRECTORY": creds}
	for k, v := range vars {
		env[k] = v
	}
	for k, v := range map[string]string{"ONBOARD_SHEET": id, "ONBOARD_SHEETS_ENDPOINT": srv.URL(), "ONBOARD_SMTP_HOST": "127.0.0.1",
		"ONBOARD_SMTP_PORT": strconv.Itoa(e.srv.Port()), "ONBOARD_SMTP_CA_FILE": ca, "ONBOARD_NOW": "2026-11-25T09:00:00+09:00"} {
		env[k] = v
	}
	args := strings.ReplaceAll(strings.Join(exec0, " "), "${CREDENTIALS_DIRECTORY}", creds)
	r := namespaceRun(t, sortedEnv(env), `mount --bind "$1" /usr/local/bin; shift
exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@"`, append([]string{bin}, strings.Fields(args)...)...)
	t.Logf("ExecStart=%s\n(env: onboard.env.example; the test's Sheets API, SMTP server and clock)\nexit %d\n%s%s", unit["ExecStart"][0], r.code, r.stdout, r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := googleSent(srv, id); strings.Join(got, ",") != "2026-W47" || len(e.srv.Messages()) != 1 {
		t.Errorf("送信履歴 %v, %d mails", got, len(e.srv.Messages()))
	}
	if m := e.srv.Messages(); len(m) == 1 && len(m[0].To) != len(strings.Split(vars["ONBOARD_MAIL_TO"], ",")) {
		t.Errorf("mailed to %v, want ONBOARD_MAIL_TO %s", m[0].To, vars["ONBOARD_MAIL_TO"])
	}
	wantFile(t, filepath.Join(state, "onboard.lock"), svc, 0o644)
	wantFile(t, filepath.Join(state, "onboard-state.json"), svc, 0)
	wantFile(t, filepath.Join(state, "reports", "onboard-weekly-2026-W47.xlsx"), svc, 0)
}
