package main_test

// Tests of the shipped deploy files themselves (deploy/): every flag and
// environment variable they name exists in the binary, every path the job
// writes is writable where it runs, and each target's command line runs
// as written, as the service user, in a mount namespace that provides the
// paths the file names (/usr/local/bin/onboard, /var/lib/onboard, a
// read-only root for Kubernetes). The test environment swaps only the
// endpoints: the sheet (a local workbook or the fake Sheets API), the SMTP
// server (loopback) and the clock.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	runHelpOnce sync.Once
	runHelpText string
	runFlagSet  map[string]bool
)

// runHelp is `onboard run --help` and the flags it lists: the binary is the
// authority on what a deploy file may name.
func runHelp(t *testing.T) (string, map[string]bool) {
	t.Helper()
	runHelpOnce.Do(func() {
		out, err := exec.Command(binary, "run", "--help").Output()
		if err != nil {
			return
		}
		runHelpText = string(out)
		runFlagSet = map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`).FindAllStringSubmatch(runHelpText, -1) {
			runFlagSet[m[1]] = true
		}
	})
	if len(runFlagSet) < 10 {
		t.Fatalf("onboard run --help lists %d flags", len(runFlagSet))
	}
	return runHelpText, runFlagSet
}

// checkFlag fails when --name is not a flag of onboard run.
func checkFlag(t *testing.T, where, arg string) {
	t.Helper()
	name, _, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
	if _, flags := runHelp(t); !flags[name] {
		t.Errorf("%s: --%s is not a flag of onboard run", where, name)
	}
}

// checkEnvName fails when an environment variable a deploy file sets is
// neither ONBOARD_<flag> of onboard run nor a variable its help names
// (ONBOARD_SMTP_PASSWORD, GOOGLE_APPLICATION_CREDENTIALS, STATE_DIRECTORY...).
func checkEnvName(t *testing.T, where, name string) {
	t.Helper()
	help, flags := runHelp(t)
	if strings.HasPrefix(name, "ONBOARD_") {
		flag := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "ONBOARD_"), "_", "-"))
		if flags[flag] {
			return
		}
	}
	if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(help) {
		t.Errorf("%s: %s is neither ONBOARD_<flag> of onboard run nor named in its help", where, name)
	}
}

// flagValue finds --name VALUE or --name=VALUE in args.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// writtenPaths are the files and folders a run writes, from its args and
// environment, with the binary's defaults: the state folder (which must
// be given: the default depends on HOME and the uid), the lock, the
// reports, the metrics file.
func writtenPaths(t *testing.T, where string, args []string, env map[string]string) map[string]string {
	t.Helper()
	get := func(flag string) string {
		if v, ok := flagValue(args, flag); ok {
			return v
		}
		return env["ONBOARD_"+strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))]
	}
	paths := map[string]string{}
	state := get("state-dir")
	if state == "" {
		t.Fatalf("%s: no --state-dir / ONBOARD_STATE_DIR: the default would depend on the user's HOME", where)
	}
	paths["state folder"] = state
	paths["lock file"] = filepath.Join(state, "onboard.lock")
	if v := get("lock-file"); v != "" {
		paths["lock file"] = v
	}
	paths["reports"] = filepath.Join(state, "reports")
	if v := get("out"); v != "" {
		paths["reports"] = v
	}
	if v := get("metrics-file"); v != "" {
		paths["metrics file"] = v
	}
	return paths
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// cronField checks one field of a cron schedule: *, N, N-M, lists, steps,
// and month or weekday names.
func cronField(field string, lo, hi int, names []string) error {
	value := func(s string) (int, error) {
		for i, n := range names {
			if strings.EqualFold(s, n) {
				return lo + i, nil
			}
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not in %d-%d", s, lo, hi)
		}
		return n, nil
	}
	for _, part := range strings.Split(field, ",") {
		rng, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n < 1 {
				return fmt.Errorf("step %q", step)
			}
		}
		if rng == "*" {
			continue
		}
		a, b, isRange := strings.Cut(rng, "-")
		x, err := value(a)
		if err != nil {
			return err
		}
		if isRange {
			y, err := value(b)
			if err != nil {
				return err
			}
			if y < x {
				return fmt.Errorf("range %q runs backwards", rng)
			}
		} else if hasStep {
			return fmt.Errorf("%q: a step needs * or a range", part)
		}
	}
	return nil
}

// cronSchedule checks the five fields of a schedule.
func cronSchedule(fields []string) error {
	if len(fields) != 5 {
		return fmt.Errorf("%d fields, want 5", len(fields))
	}
	months := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	specs := []struct {
		lo, hi int
		names  []string
	}{{0, 59, nil}, {0, 23, nil}, {1, 31, nil}, {1, 12, months}, {0, 7, days}}
	for i, f := range fields {
		if err := cronField(f, specs[i].lo, specs[i].hi, specs[i].names); err != nil {
			return fmt.Errorf("field %d %q: %v", i+1, f, err)
		}
	}
	return nil
}

func TestCronSyntaxChecker(t *testing.T) {
	for _, ok := range []string{"*/30 * * * *", "0,30 8-20 * * 1-5", "15 9 1 jan mon", "0 0 * * 7"} {
		if err := cronSchedule(strings.Fields(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"*/30 * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "5/2 * * * *", "* 20-8 * * *", "*/0 * * * *", "* * * foo *"} {
		if err := cronSchedule(strings.Fields(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// namespaceRun runs script with sh in a private mount namespace (as root),
// with extra positional arguments, and returns the outcome.
func namespaceRun(t *testing.T, env []string, script string, args ...string) result {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_SYS_ADMIN) for a mount namespace that provides the deploy file's paths")
	}
	cmd := exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-euc", script, "sh"}, args...)...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// binDir is a folder (every user may enter) holding the binary as
// "onboard", to bind-mount on /usr/local/bin.
func binDir(t *testing.T, bin string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "onboard-bin")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "onboard"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// worldDir is a folder every user may enter, owned by uid.
func worldDir(t *testing.T, uid int) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "onboard-deploy")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	os.Chown(dir, uid, uid)
	return dir
}

// serviceAccountKey writes a service-account key whose token_uri is a
// local token server, so the real OAuth flow runs against loopback.
func serviceAccountKey(t *testing.T, path string, uid int) {
	t.Helper()
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"ya29.deploy-test","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(tokens.Close)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	cred, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "onboard-test", "private_key_id": "0123456789abcdef",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": "onboard@onboard-test.iam.gserviceaccount.com", "client_id": "1",
		"token_uri": tokens.URL + "/token", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
	})
	if err := os.WriteFile(path, cred, 0o440); err != nil {
		t.Fatal(err)
	}
	os.Chown(path, 0, uid)
}

// envLines parses NAME=value lines (a crontab's or an EnvironmentFile's);
// commented-out assignments are returned too, as optional.
func envLines(t *testing.T, text string) (set map[string]string, optional []string, rest []string) {
	t.Helper()
	set = map[string]string{}
	assign := regexp.MustCompile(`^([A-Z_][A-Z0-9_]*)=(.*)$`)
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if c, ok := strings.CutPrefix(line, "#"); ok {
			if m := assign.FindStringSubmatch(strings.TrimSpace(c)); m != nil {
				optional = append(optional, m[1])
			}
			continue
		}
		if line == "" {
			continue
		}
		if m := assign.FindStringSubmatch(line); m != nil {
			set[m[1]] = m[2]
			continue
		}
		rest = append(rest, line)
	}
	return set, optional, rest
}

func sortedEnv(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}
