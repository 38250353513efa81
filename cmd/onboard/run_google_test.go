package main_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"onboard/internal/fakesheets"
	"onboard/internal/mailer/smtptest"
	"onboard/internal/xlsxbook"
)

// googleEnv is the run environment on the Google backend: the fake Sheets
// API in this process, seeded from the bundled example.
func googleEnv(t *testing.T) (*mailEnv, *fakesheets.Server, string) {
	t.Helper()
	e := newMailEnv(t)
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	book, err := xlsxbook.Open("../../examples/onboarding.xlsx").Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(book, 0)...)
	e.sheet = id
	return e, srv, id
}

func googleArgs(e *mailEnv, srv *fakesheets.Server, now string, extra ...string) []string {
	return e.args(now, append([]string{"--sheets-endpoint", srv.URL()}, extra...)...)
}

func googleSent(srv *fakesheets.Server, id string) []string {
	var weeks []string
	for i, row := range srv.Values(id, "送信履歴") {
		if i > 0 && len(row) > 0 && row[0] != nil {
			weeks = append(weeks, fmt.Sprint(row[0]))
		}
	}
	return weeks
}

// TestRunOnGoogleSheets repeats the mail guarantees on the Google backend:
// once per week, the report kept when mail fails and sent by the next run,
// missed weeks caught up, the record in the spreadsheet's 送信履歴 tab.
func TestRunOnGoogleSheets(t *testing.T) {
	e, srv, id := googleEnv(t)
	r := run(t, e.baseEnv, googleArgs(e, srv, "2026-11-25T09:00:00+09:00")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("%d messages", n)
	}
	p, _ := smtptest.Parse(e.srv.Messages()[0].Data)
	onDisk, _ := os.ReadFile(filepath.Join(e.dir, "out", "onboard-weekly-2026-W47.xlsx"))
	if len(p.Attachments) != 1 || string(p.Attachments[0].Data) != string(onDisk) {
		t.Error("attachment differs from the file on disk")
	}
	if r := run(t, e.baseEnv, googleArgs(e, srv, "2026-11-25T09:10:00+09:00")...); r.code != 0 || len(e.srv.Messages()) != 1 {
		t.Fatalf("retry: exit %d, %d messages", r.code, len(e.srv.Messages()))
	}
	e.srv.Close()
	r = run(t, e.baseEnv, googleArgs(e, srv, "2026-12-02T09:00:00+09:00")...)
	if r.code != 1 || !strings.Contains(r.stderr, "the report is kept at") {
		t.Fatalf("SMTP down: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "out", "onboard-weekly-2026-W48.xlsx")); err != nil {
		t.Error("the report was not kept")
	}
	e.restart(t)
	if r := run(t, e.baseEnv, googleArgs(e, srv, "2026-12-02T10:00:00+09:00")...); r.code != 0 || len(e.srv.Messages()) != 1 {
		t.Fatalf("server back: exit %d, %d messages\n%s", r.code, len(e.srv.Messages()), r.stderr)
	}
	if r := run(t, e.baseEnv, googleArgs(e, srv, "2026-12-16T09:00:00+09:00")...); r.code != 0 || len(e.srv.Messages()) != 3 {
		t.Fatalf("catch-up: exit %d, %d messages\n%s", r.code, len(e.srv.Messages()), r.stderr)
	}
	if got := strings.Join(googleSent(srv, id), ","); got != "2026-W47,2026-W48,2026-W49,2026-W50" {
		t.Errorf("送信履歴 %s", got)
	}
}

// TestNoSecretsWithGoogleCredentials runs onboard run at debug level with
// a service-account key (a real RSA key), an OAuth token from a local token
// server, and a known SMTP password, and finds none of them in the output,
// the mail, the pings or the metrics.
func TestNoSecretsWithGoogleCredentials(t *testing.T) {
	e, srv, _ := googleEnv(t)
	const token = "ya29.TEST-ACCESS-TOKEN-3f9a2c"
	var tokenCalls, authed atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, token)
	}))
	t.Cleanup(tokens.Close)
	srv.SetHook(func(r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+token {
			authed.Add(1)
		}
	})
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	cred, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "onboard-test", "private_key_id": "0123456789abcdef",
		"private_key": keyPEM, "client_email": "onboard@onboard-test.iam.gserviceaccount.com", "client_id": "1",
		"token_uri": tokens.URL + "/token", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
	})
	credFile := filepath.Join(e.dir, "key.json")
	if err := os.WriteFile(credFile, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	ps := newPingServer(t)
	metrics := filepath.Join(e.dir, "onboard.prom")
	extra := []string{"--credentials", credFile, "--log-level", "debug", "--ping-url", ps.URL + "/p", "--metrics-file", metrics,
		"--alert-to", "oncall@example.jp", "--state-dir", e.dir}
	var outputs []string
	r := run(t, e.baseEnv, googleArgs(e, srv, "2026-11-25T09:00:00+09:00", extra...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	outputs = append(outputs, r.stdout, r.stderr)
	if tokenCalls.Load() == 0 || authed.Load() == 0 {
		t.Fatalf("the run did not authenticate: %d token calls, %d authorised requests", tokenCalls.Load(), authed.Load())
	}
	// A failing run too (the fake refuses access: 403).
	srv.SetHook(nil)
	if err := srv.DenyAccess(e.sheet); err != nil {
		t.Fatal(err)
	}
	r = run(t, e.baseEnv, googleArgs(e, srv, "2026-11-25T09:30:00+09:00", extra...)...)
	if r.code != 1 || !strings.Contains(r.stderr, "onboard@onboard-test.iam.gserviceaccount.com") {
		t.Errorf("403: exit %d\n%s", r.code, r.stderr)
	}
	outputs = append(outputs, r.stdout, r.stderr)
	for _, m := range e.srv.Messages() {
		p, _ := smtptest.Parse(m.Data)
		outputs = append(outputs, p.Subject, p.Body)
	}
	for _, p := range ps.take() {
		outputs = append(outputs, p.path, p.body)
	}
	b, _ := os.ReadFile(metrics)
	outputs = append(outputs, string(b))
	keyLines := strings.Split(strings.TrimSpace(keyPEM), "\n")
	secrets := map[string]string{"SMTP password": smtpPassword, "access token": token, "private key line": keyLines[3], "key header": "PRIVATE KEY"}
	for i, o := range outputs {
		for what, s := range secrets {
			if strings.Contains(o, s) {
				t.Errorf("output %d holds the %s", i, what)
			}
		}
	}
	if len(e.srv.Messages()) < 2 {
		t.Errorf("expected the report and an alert, got %d mails", len(e.srv.Messages()))
	}
}
