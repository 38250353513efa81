package main_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/internal/fakesheets"
	"onboard/internal/xlsxbook"
)

// lastLine is the line a failed run ends with, the one for the user.
func lastLine(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	return lines[len(lines)-1]
}

const adcFix = "`gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets,https://www.googleapis.com/auth/cloud-platform`"

// TestGoogleScopeRefusalNamesTheFix: against cmd/fakesheets --auth
// granting the scopes of a login without --scopes, or read-only ones,
// sync fails in one line naming the gcloud login with the scopes the job
// needs or a service-account key, never the sheet's sharing; check,
// which only reads, works with read-only scopes.
func TestGoogleScopeRefusalNamesTheFix(t *testing.T) {
	for _, c := range []struct{ name, grant, call string }{
		{"login without --scopes", "https://www.googleapis.com/auth/cloud-platform,openid", "Google Sheets list tabs:"},
		{"read-only scopes", "https://www.googleapis.com/auth/spreadsheets.readonly", "Google Sheets write:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := filepath.Join(t.TempDir(), "key.json")
			url, id := startFake(t, "--auth", "--credentials-out", key, "--grant-scopes", c.grant)
			args := []string{"--sheet", id, "--sheets-endpoint", url, "--credentials", key, now}
			r := run(t, nil, append([]string{"sync"}, args...)...)
			line := lastLine(r.stderr)
			if r.code != 1 || !strings.Contains(line, c.call) || !strings.Contains(line, "ACCESS_TOKEN_SCOPE_INSUFFICIENT") ||
				!strings.Contains(line, adcFix) || !strings.Contains(line, "service-account key") {
				t.Errorf("exit %d, want 1 and the fix in one line:\n%s", r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "not shared") || strings.Contains(r.stderr, "閲覧者") {
				t.Errorf("sends the user to the sharing, the wrong fix:\n%s", r.stderr)
			}
			if strings.Contains(c.grant, "readonly") {
				if r := run(t, nil, append([]string{"check"}, args...)...); r.code != 3 {
					t.Errorf("check with read-only scopes: exit %d, want 3 (the example's problems)\n%s", r.code, r.stderr)
				}
			}
		})
	}
}

// authEnv is the fake in this process, checking tokens with a clock a
// test can move ahead, seeded from the example, and its key's path.
func authEnv(t *testing.T, skew *atomic.Int64) (*fakesheets.Server, string, string) {
	t.Helper()
	srv := fakesheets.NewServer(fakesheets.WithAuth(fakesheets.Auth{TokenTTL: 2 * time.Minute,
		Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }}))
	t.Cleanup(srv.Close)
	book, err := xlsxbook.Open("../../examples/onboarding.xlsx").Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(book, 0)...)
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, srv.ServiceAccountKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, id, key
}

func unauthorized(srv *fakesheets.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusUnauthorized {
			n++
		}
	}
	return n
}

// TestGoogleRefusedTokenIsRenewedOnce: when Google refuses the run's token
// midway (its clock past the token's lifetime, or the token revoked), the
// binary fetches exactly one new token, sends the refused call again and
// finishes the sync.
func TestGoogleRefusedTokenIsRenewedOnce(t *testing.T) {
	for _, c := range []struct {
		name  string
		after func(srv *fakesheets.Server, skew *atomic.Int64)
	}{
		{"expired (token TTL)", func(_ *fakesheets.Server, skew *atomic.Int64) { skew.Add(int64(2 * time.Minute)) }},
		{"revoked", func(srv *fakesheets.Server, _ *atomic.Int64) { srv.RevokeTokens() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var skew atomic.Int64
			srv, id, key := authEnv(t, &skew)
			var once sync.Once
			srv.SetHook(func(*http.Request) { once.Do(func() { c.after(srv, &skew) }) })
			r := run(t, nil, "sync", "--sheet", id, "--sheets-endpoint", srv.URL(), "--credentials", key, now)
			if r.code != 0 || !strings.Contains(r.stdout, "cells to Google spreadsheet") {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := srv.TokensIssued(); n != 2 {
				t.Errorf("%d tokens issued, want the first and exactly one new one", n)
			}
			if n := unauthorized(srv); n != 1 {
				t.Errorf("%d answers 401, want 1", n)
			}
			if !strings.Contains(r.stderr, "retrying once with a new one") {
				t.Errorf("the renewal is not logged:\n%s", r.stderr)
			}
		})
	}
}

// TestGoogleTokenRefusedTwiceFails: a key whose token endpoint grants
// tokens Google does not accept fails after one renewal, in one line
// saying to check the credentials.
func TestGoogleTokenRefusedTwiceFails(t *testing.T) {
	var skew atomic.Int64
	srv, id, _ := authEnv(t, &skew)
	var tokenCalls atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"ya29.issued-elsewhere","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(tokens.Close)
	key := filepath.Join(t.TempDir(), "other.json")
	b := strings.Replace(string(srv.ServiceAccountKey()), srv.TokenURL(), tokens.URL+"/token", 1)
	if err := os.WriteFile(key, []byte(b), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "sync", "--sheet", id, "--sheets-endpoint", srv.URL(), "--credentials", key, now)
	line := lastLine(r.stderr)
	if r.code != 1 || !strings.Contains(line, "(401 ACCESS_TOKEN_TYPE_UNSUPPORTED), also with a new access token: check the credentials") {
		t.Errorf("exit %d, want 1 and one line saying to check the credentials:\n%s", r.code, r.stderr)
	}
	if n := tokenCalls.Load(); n != 2 {
		t.Errorf("%d token requests, want 2 (the first and one renewal)", n)
	}
	if n := unauthorized(srv); n != 2 || len(srv.Requests()) != 2 {
		t.Errorf("%d answers 401 of %d, want exactly 2", n, len(srv.Requests()))
	}
}

// TestGoogleQuotaOutlastsTimeout: with the per-user read quota used up
// for longer than --timeout, the binary stops within --timeout, exit 1,
// in one line naming the quota as the cause and what lifts it.
func TestGoogleQuotaOutlastsTimeout(t *testing.T) {
	var skew atomic.Int64
	srv, id, key := authEnv(t, &skew)
	q := fakesheets.DefaultQuota()
	q.ReadPerUser, q.Window = 1, time.Hour
	srv.SetQuota(&q)
	const timeout = 3 * time.Second
	start := time.Now()
	r := run(t, nil, "sync", "--sheet", id, "--sheets-endpoint", srv.URL(), "--credentials", key, "--timeout", timeout.String(), now)
	took := time.Since(start)
	line := lastLine(r.stderr)
	for _, want := range []string{`quota "Read requests per minute per user" (1)`, "until --timeout ran out (429 RESOURCE_EXHAUSTED)", "--spread", "higher quota"} {
		if !strings.Contains(line, want) {
			t.Errorf("last line lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || took > timeout+2*time.Second {
		t.Errorf("exit %d after %s, want 1 within --timeout %s", r.code, took.Round(time.Millisecond), timeout)
	}
}
