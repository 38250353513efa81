package gsheets_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
)

// authFake is a fake that checks tokens as Google does, seeded with the
// example, and the path of its service-account key.
func authFake(t *testing.T, a fakesheets.Auth) (*fakesheets.Server, string, string) {
	t.Helper()
	srv := fakesheets.NewServer(fakesheets.WithAuth(a))
	t.Cleanup(srv.Close)
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, srv.ServiceAccountKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, exampleSheet(t, srv), key
}

func withKey(key string) openOpt { return func(o *gsheets.Options) { o.CredentialsFile = key } }

// statuses counts the fake's answers by HTTP status.
func statuses(srv *fakesheets.Server) map[int]int {
	n := map[int]int{}
	for _, r := range srv.Requests() {
		n[r.Status]++
	}
	return n
}

const scopeFix = "`gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets,https://www.googleapis.com/auth/cloud-platform`"

// TestScopeRefusalNamesTheFix: a token without the Sheets scope (ADC made
// by a login without --scopes) fails in one line that names the login
// with the scopes the job needs, or a service-account key, on a read as
// on a write after a read; a sheet not shared still says to share it.
func TestScopeRefusalNamesTheFix(t *testing.T) {
	for _, c := range []struct {
		name   string
		grant  []string
		share  bool
		want   []string
		wrong  []string
		status int
	}{
		{"read-only login, the write refused", []string{"https://www.googleapis.com/auth/spreadsheets.readonly"}, true,
			[]string{"Google Sheets write:", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", scopeFix, "service-account key"}, []string{"not shared", "閲覧者"}, 403},
		{"login without --scopes, the read refused", []string{"https://www.googleapis.com/auth/cloud-platform", "openid"}, true,
			[]string{"Google Sheets read:", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", scopeFix, "service-account key"}, []string{"not shared", "閲覧者"}, 403},
		{"every scope, the sheet not shared", nil, false,
			[]string{"not shared with the service account", "fakesheets@fakesheets.iam.gserviceaccount.com as 編集者"}, []string{"--scopes", "SCOPE"}, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, id, key := authFake(t, fakesheets.Auth{GrantScopes: c.grant})
			if !c.share {
				if err := srv.DenyAccess(id); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(srv, id)
			_, err := job.Sync(context.Background(), open(t, srv, id, withKey(key)), config(t), false)
			msg := fmtErr(err)
			if !errors.Is(err, sheet.ErrPermission) || strings.Contains(msg, "\n") {
				t.Fatalf("want one line of sheet.ErrPermission, got %q", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			for _, w := range c.wrong {
				if strings.Contains(msg, w) {
					t.Errorf("message says %q, the wrong fix:\n%s", w, msg)
				}
			}
			if n := statuses(srv)[c.status]; n != 1 {
				t.Errorf("%d answers %d, want 1: a refusal is not retried", n, c.status)
			}
			if c.share && !reflect.DeepEqual(before, snapshot(srv, id)) {
				t.Error("the refused run changed the sheet")
			}
		})
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestRefusedTokenIsRenewedOnce: a token Google refuses (401) before the
// expiry it came with, because Google's clock ran past it or it was
// revoked, is replaced by exactly one new token, and the refused call is
// sent once more; the sync then finishes as without the refusal.
func TestRefusedTokenIsRenewedOnce(t *testing.T) {
	for _, c := range []struct {
		name string
		// after runs once, after the first call the fake took.
		after func(srv *fakesheets.Server, clock *atomic.Int64)
	}{
		{"expired by Google's clock (--token-ttl)", func(_ *fakesheets.Server, clock *atomic.Int64) { clock.Add(int64(2 * time.Minute)) }},
		{"revoked", func(srv *fakesheets.Server, _ *atomic.Int64) { srv.RevokeTokens() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var skew atomic.Int64 // how far the fake's clock runs ahead
			srv, id, key := authFake(t, fakesheets.Auth{TokenTTL: 2 * time.Minute,
				Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
			var once sync.Once
			srv.SetHook(func(*http.Request) { once.Do(func() { c.after(srv, &skew) }) })
			var logs bytes.Buffer
			run := syncOnce(t, open(t, srv, id, withKey(key), withLog(&logs)), config(t))
			if !run.Outcome.Verified {
				t.Fatalf("outcome %+v", run.Outcome)
			}
			if n := srv.TokensIssued(); n != 2 {
				t.Errorf("%d tokens issued, want the first and exactly one new one", n)
			}
			if n := statuses(srv)[http.StatusUnauthorized]; n != 1 {
				t.Errorf("%d answers 401, want 1", n)
			}
			if n := strings.Count(logs.String(), "retrying once with a new one"); n != 1 {
				t.Errorf("%d renewals logged, want 1:\n%s", n, logs.String())
			}
			dry, err := job.Sync(context.Background(), open(t, srv, id, withKey(key)), config(t), true)
			if err != nil || len(dry.Changes) != 0 {
				t.Errorf("after the sync: %v, %d changes left", err, len(dry.Changes))
			}
		})
	}
}

// TestTokenRefusedTwiceFails: when the new token is refused too (here the
// key's token endpoint grants tokens the API does not know), the run
// fails in one line saying to check the credentials, after one renewal.
func TestTokenRefusedTwiceFails(t *testing.T) {
	srv, id, _ := authFake(t, fakesheets.Auth{})
	tokens := newTokenServer(t)
	key := writeKey(t, tokens.URL, 0o600)
	_, err := job.Sync(context.Background(), open(t, srv, id, withKey(key)), config(t), false)
	msg := fmtErr(err)
	for _, want := range []string{"Google Sheets read:", "(401 ACCESS_TOKEN_TYPE_UNSUPPORTED), also with a new access token", "check the credentials", "onboard-test@example-project.iam.gserviceaccount.com"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !errors.Is(err, sheet.ErrPermission) || strings.Contains(msg, "\n") {
		t.Errorf("want one line of sheet.ErrPermission: %q", msg)
	}
	if n := len(tokens.scopes); n != 2 {
		t.Errorf("%d token requests, want 2 (the first and one renewal)", n)
	}
	if got := statuses(srv); got[http.StatusUnauthorized] != 2 || len(srv.Requests()) != 2 {
		t.Errorf("answers %v, want exactly two 401s", got)
	}
}
