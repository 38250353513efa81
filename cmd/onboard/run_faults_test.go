package main_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/lock"
	"onboard/internal/mailer/smtptest"
)

// acceptedWeeks lists the weeks of the report mails the server accepted.
func acceptedWeeks(t *testing.T, s *smtptest.Server) []string {
	t.Helper()
	week := regexp.MustCompile(`\d{4}-W\d{2}`)
	var out []string
	for _, m := range s.Messages() {
		if m.To[0] == "oncall@example.jp" {
			continue
		}
		p, err := smtptest.Parse(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, week.FindString(p.Subject))
	}
	return out
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return strconv.Itoa(port)
}

// TestRunAcrossSMTPFaults runs the built binary again and again, as cron
// would, against a real SMTP server that fails in every way: every week
// arrives exactly once, 送信履歴 never holds a week the server did not
// accept, and every run ends within --timeout.
func TestRunAcrossSMTPFaults(t *testing.T) {
	e := newMailEnv(t)
	const timeout = 2 * time.Second
	w47, w48 := "2026-11-25T09:00:00+09:00", "2026-12-02T09:00:00+09:00"
	stall := 30 * time.Second
	runs := []struct {
		name  string
		now   string
		fault *smtptest.Fault
		extra []string
		code  int
		want  string // in stderr
	}{
		{"connection refused", w47, nil, []string{"--smtp-port", closedPort(t)}, 1, "cannot connect to 127.0.0.1:"},
		{"4xx at MAIL", w47, &smtptest.Fault{At: smtptest.AtMail, Code: 451}, nil, 1, "at MAIL FROM"},
		{"5xx at RCPT", w47, &smtptest.Fault{At: smtptest.AtRcpt, Code: 550}, nil, 1, "at RCPT TO"},
		{"4xx at DATA", w47, &smtptest.Fault{At: smtptest.AtData, Code: 451}, nil, 1, "at the end of DATA"},
		{"5xx at DATA", w47, &smtptest.Fault{At: smtptest.AtData, Code: 554}, nil, 1, "at the end of DATA"},
		{"close mid-DATA", w47, &smtptest.Fault{At: smtptest.CloseInData}, nil, 1, "lost the connection at"},
		{"slow server past --timeout", w47, &smtptest.Fault{At: smtptest.StallInData, Stall: stall}, nil, 1, "--timeout 2s reached"},
		{"QUIT fails after 250", w47, &smtptest.Fault{At: smtptest.CloseAfterAccept}, nil, 0, "the message counts as sent"},
		{"cron retries the same day", w47, nil, nil, 0, ""},
		{"QUIT unanswered after 250", w48, &smtptest.Fault{At: smtptest.StallAfterAccept, Stall: stall}, nil, 0, "the message counts as sent"},
		{"the next run", w48, nil, nil, 0, ""},
	}
	for _, r := range runs {
		if r.fault != nil {
			e.srv.Inject(*r.fault)
		}
		start := time.Now()
		res := run(t, e.baseEnv, e.args(r.now, append([]string{"--timeout", timeout.String()}, r.extra...)...)...)
		took := time.Since(start)
		if res.code != r.code || !strings.Contains(res.stderr, r.want) {
			t.Fatalf("%s: exit %d, want %d with %q\n%s", r.name, res.code, r.code, r.want, res.stderr)
		}
		if took > timeout+time.Second {
			t.Errorf("%s: the run took %v with --timeout %v", r.name, took, timeout)
		}
		if e.srv.Pending() != 0 {
			t.Fatalf("%s: the fault was never reached\n%s", r.name, res.stderr)
		}
		accepted := acceptedWeeks(t, e.srv)
		if recorded := sentWeeks(t, e.sheet); !slices.Equal(recorded, accepted) {
			t.Fatalf("%s: 送信履歴 %v, server accepted %v\n%s", r.name, recorded, accepted, res.stderr)
		}
	}
	if got := acceptedWeeks(t, e.srv); !slices.Equal(got, []string{"2026-W47", "2026-W48"}) {
		t.Errorf("weeks delivered %v, want W47 and W48 once each", got)
	}
}

// TestRunStopsCleanlyOnSIGTERM stops a run held by a slow SMTP server: it
// exits 143 within a few seconds, logs the stop, sends the fail ping and
// the alert, leaves no temp file, releases the lock, records nothing, and
// the next run sends the week once.
func TestRunStopsCleanlyOnSIGTERM(t *testing.T) {
	e := newMailEnv(t)
	ps := newPingServer(t)
	e.srv.Inject(smtptest.Fault{At: smtptest.StallInData, Stall: time.Minute})
	out := filepath.Join(e.dir, "out")
	cmd := exec.Command(binary, e.monitorArgs("2026-11-25T09:00:00+09:00", e.sheet, "--ping-url", ps.URL+"/p")...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, e.baseEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The report is written before it is mailed: once it is there, the
	// run is inside the slow SMTP exchange.
	report := filepath.Join(out, "onboard-weekly-2026-W47.xlsx")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(report); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the run never wrote its report\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Fatalf("exit %v, want 143\n%s", err, stderr.String())
	}
	if took := time.Since(stopped); took > 6*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if !strings.Contains(stderr.String(), `msg="run stopped by a signal"`) || !strings.Contains(stderr.String(), "stopped by SIGTERM") {
		t.Errorf("no stop in the log:\n%s", stderr.String())
	}
	pings := ps.take()
	if len(pings) != 2 || pings[1].path != "POST /p/fail" || !strings.Contains(pings[1].body, "(exit 143)") || !strings.Contains(pings[1].body, "stopped by SIGTERM") {
		t.Errorf("pings %+v", pings)
	}
	got := alerts(t, e.srv)
	if len(got) != 1 || !strings.Contains(got[0].Body, "stopped by SIGTERM") || !strings.Contains(got[0].Body, "ジョブが停止されました") {
		t.Errorf("alerts: %d %+v", len(got), got)
	}
	for _, dir := range []string{out, e.dir, filepath.Dir(e.sheet)} {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if strings.Contains(en.Name(), ".tmp") || strings.HasPrefix(en.Name(), ".") {
				t.Errorf("left behind in %s: %s", dir, en.Name())
			}
		}
	}
	held, err := lock.Acquire(e.lock)
	if err != nil {
		t.Fatalf("the lock was not released: %v", err)
	}
	held.Release()
	if w := sentWeeks(t, e.sheet); len(w) != 0 || len(acceptedWeeks(t, e.srv)) != 0 {
		t.Fatalf("a stopped run recorded %v", w)
	}
	if r := run(t, e.baseEnv, e.args("2026-11-25T09:10:00+09:00")...); r.code != 0 || !slices.Equal(acceptedWeeks(t, e.srv), []string{"2026-W47"}) || !slices.Equal(sentWeeks(t, e.sheet), []string{"2026-W47"}) {
		t.Errorf("the next run: exit %d, accepted %v\n%s", r.code, acceptedWeeks(t, e.srv), r.stderr)
	}
}

// TestRunDryRunNeedsNoSMTP: the README's first try works with no mail
// settings at all, and a state folder that does not exist is created.
func TestRunDryRunNeedsNoSMTP(t *testing.T) {
	sheet := exampleCopy(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state", "onboard")
	r := run(t, nil, "run", "--dry-run", "--sheet", sheet, "--now", "2026-11-25T09:00:00+09:00", "--out", filepath.Join(dir, "out"),
		"--lock-file", filepath.Join(dir, "onboard.lock"), "--state-dir", state)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"(dry run: not sent)", "would mail 2026-W47 to nobody yet (set --mail-to): 【オンボーディング週次】2026-W47", "837 changes not written"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "--smtp-host is required") || strings.Contains(r.stderr, "not saved") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(state, "onboard-state.json")); err != nil {
		t.Errorf("state not saved in a new folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "onboard-weekly-2026-W47.xlsx")); err != nil {
		t.Error(err)
	}
	// With the recipients given it says to whom; nothing is recorded.
	r = run(t, nil, "run", "--dry-run", "--sheet", sheet, "--now", "2026-11-25T09:00:00+09:00", "--out", filepath.Join(dir, "out"),
		"--lock-file", filepath.Join(dir, "onboard.lock"), "--mail-to", "a@example.jp,b@example.jp")
	if r.code != 0 || !strings.Contains(r.stdout, "would mail 2026-W47 to a@example.jp, b@example.jp: ") || len(sentWeeks(t, sheet)) != 0 {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestNoSecretsWhenTheServerEchoesTheAuthBlob: a relay that quotes the
// base64 AUTH PLAIN blob in its refusals, at login or at RCPT, never gets
// the password, in any encoding, into stderr, the alert mail, the state
// file or the ping body.
func TestNoSecretsWhenTheServerEchoesTheAuthBlob(t *testing.T) {
	e := newMailEnv(t)
	ps := newPingServer(t)
	forms := []string{smtpPassword, url.QueryEscape(smtpPassword),
		base64.StdEncoding.EncodeToString([]byte("\x00onboard\x00" + smtpPassword)),
		strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(smtpPassword)), "=")}
	var outputs []string
	// At RCPT: the report is refused, the alert mail goes through.
	e.srv.Inject(smtptest.Fault{At: smtptest.AtRcpt, Code: 550, Message: "relay denied for " + smtptest.EchoAuthBlob})
	r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:00:00+09:00", e.sheet, "--ping-url", ps.URL+"/p", "--log-format", "json")...)
	if r.code != 1 || !strings.Contains(r.stderr, "[REDACTED]") {
		t.Fatalf("exit %d: the echo did not happen?\n%s", r.code, r.stderr)
	}
	outputs = append(outputs, r.stdout, r.stderr)
	got := alerts(t, e.srv)
	if len(got) != 1 || !strings.Contains(got[0].Body, "[REDACTED]") {
		t.Fatalf("alerts %d", len(got))
	}
	outputs = append(outputs, got[0].Subject, got[0].Body)
	// At AUTH: nothing can be mailed.
	e.srv.EchoAuth = true
	r = run(t, e.baseEnv, e.monitorArgs("2026-12-02T09:00:00+09:00", e.sheet, "--ping-url", ps.URL+"/p")...)
	if r.code != 1 || !strings.Contains(r.stderr, "[REDACTED]") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	outputs = append(outputs, r.stdout, r.stderr)
	for _, p := range ps.take() {
		outputs = append(outputs, p.body)
	}
	// A ping URL that fails: the HTTP error quotes the URL, not its token.
	const token = "5f1c0a3e-0d6b-4c55-9a7e-2b8f4e1d9c30"
	e.srv.EchoAuth = false
	r = run(t, e.baseEnv, e.monitorArgs("2026-12-02T09:10:00+09:00", e.sheet, "--ping-url", "http://127.0.0.1:"+closedPort(t)+"/ping/"+token)...)
	if !strings.Contains(r.stderr, "health-check ping failed") || strings.Contains(r.stderr, token) {
		t.Errorf("ping token in the log:\n%s", r.stderr)
	}
	state, err := os.ReadFile(filepath.Join(e.dir, "onboard-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(state))
	for i, o := range outputs {
		for _, f := range forms {
			if strings.Contains(o, f) {
				t.Errorf("output %d holds %q:\n%s", i, f, o)
			}
		}
	}
}
