package gsheets_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/sheet"
)

var (
	keyOnce sync.Once
	keyPEM  string
)

// testKey is a real RSA key in the PKCS#8 PEM a downloaded key holds.
func testKey(t *testing.T) string {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic(err)
		}
		keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	})
	return keyPEM
}

// tokenServer plays Google's token endpoint and records the scope each
// JWT asked for.
type tokenServer struct {
	*httptest.Server
	mu     sync.Mutex
	scopes []string
	status int
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{status: 200}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		parts := strings.Split(r.PostForm.Get("assertion"), ".")
		var claims struct {
			Scope string `json:"scope"`
		}
		if len(parts) == 3 {
			b, _ := base64.RawURLEncoding.DecodeString(parts[1])
			_ = json.Unmarshal(b, &claims)
		}
		ts.mu.Lock()
		ts.scopes = append(ts.scopes, claims.Scope)
		status := ts.status
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if status != 200 {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`))
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"test-token","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// writeKey writes a service-account key like credentials.example.json's,
// with a real key and the token endpoint of the test.
func writeKey(t *testing.T, tokenURI string, mode os.FileMode) string {
	t.Helper()
	var fields map[string]string
	b, err := os.ReadFile("../../credentials.example.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	fields["private_key"] = testKey(t)
	fields["token_uri"] = tokenURI
	fields["client_email"] = "onboard-test@example-project.iam.gserviceaccount.com"
	out, _ := json.Marshal(fields)
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, out, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func openWith(t *testing.T, endpoint, id string, o gsheets.Options) (*gsheets.Spreadsheet, error) {
	t.Helper()
	o.Endpoint = endpoint
	o.Retry = fast
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	return gsheets.Open(context.Background(), id, o)
}

// TestExampleCredentialsHaveEveryField: the example key has the fields a
// real key has, and the backend refuses its placeholder key in one line.
func TestExampleCredentialsHaveEveryField(t *testing.T) {
	b, err := os.ReadFile("../../credentials.example.json")
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"type", "project_id", "private_key_id", "private_key", "client_email", "client_id",
		"auth_uri", "token_uri", "auth_provider_x509_cert_url", "client_x509_cert_url", "universe_domain"} {
		if s, _ := fields[f].(string); s == "" {
			t.Errorf("field %s missing", f)
		}
	}
	_, err = openWith(t, "", "1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", gsheets.Options{CredentialsFile: "../../credentials.example.json"})
	if err == nil || !strings.Contains(err.Error(), "placeholder") {
		t.Errorf("example key: %v", err)
	}
}

// TestServiceAccountKey: the key signs a JWT for the right scope (read-only
// for check and report), the calls are authenticated, a 403 names the
// service account to share the sheet with, and a world-readable key is
// used with a warning.
func TestServiceAccountKey(t *testing.T) {
	srv := newFake(t)
	id := exampleSheet(t, srv)
	tokens := newTokenServer(t)
	var auth []string
	srv.SetHook(func(r *http.Request) { auth = append(auth, r.Header.Get("Authorization")) })
	var logs bytes.Buffer
	key := writeKey(t, tokens.URL, 0o644)
	ctx := context.Background()

	for _, ro := range []bool{false, true} {
		o := gsheets.Options{CredentialsFile: key, ReadOnly: ro}
		withLog(&logs)(&o)
		ss, err := openWith(t, srv.URL(), id, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ss.Read(ctx, []string{"申込"}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/spreadsheets.readonly"}
	if strings.Join(tokens.scopes, " ") != strings.Join(want, " ") {
		t.Errorf("scopes %v, want %v", tokens.scopes, want)
	}
	if len(auth) != 2 || auth[0] != "Bearer test-token" {
		t.Errorf("Authorization headers %v", auth)
	}
	if n := strings.Count(logs.String(), "readable by every user"); n != 2 {
		t.Errorf("%d warnings for a world-readable key:\n%s", n, logs.String())
	}

	if err := srv.DenyAccess(id); err != nil {
		t.Fatal(err)
	}
	ss, err := openWith(t, srv.URL(), id, gsheets.Options{CredentialsFile: key})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ss.Read(ctx, []string{"申込"})
	if !errors.Is(err, sheet.ErrPermission) || !strings.Contains(err.Error(), "add onboard-test@example-project.iam.gserviceaccount.com as 編集者 (Editor)") {
		t.Errorf("403: %v", err)
	}

	// A key Google no longer accepts.
	tokens.status = 400
	ss, err = openWith(t, srv.URL(), id, gsheets.Options{Getenv: func(k string) string {
		if k == "GOOGLE_APPLICATION_CREDENTIALS" {
			return writeKey(t, tokens.URL, 0o600)
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ss.Read(ctx, []string{"申込"})
	if !errors.Is(err, sheet.ErrPermission) || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), "\n") {
		t.Errorf("rejected key: %v", err)
	}
}

// TestCredentialFileProblems: each usual mistake is one line naming the
// file and what to do.
func TestCredentialFileProblems(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte("not json"), 0o600)
	user := filepath.Join(dir, "user.json")
	_ = os.WriteFile(user, []byte(`{"type":"authorized_user","client_id":"x","client_secret":"y","refresh_token":"z"}`), 0o600)
	unreadable := filepath.Join(dir, "unreadable.json")
	_ = os.WriteFile(unreadable, []byte("{}"), 0o000)
	cases := map[string]struct{ file, want string }{
		"missing":   {filepath.Join(dir, "nope.json"), "does not exist"},
		"directory": {dir, "is a directory"},
		"not json":  {bad, "is not a JSON key"},
		"user key":  {user, "takes a service-account key"},
	}
	if os.Geteuid() != 0 { // root reads any file
		cases["unreadable"] = struct{ file, want string }{unreadable, "cannot be read"}
	}
	for name, c := range cases {
		_, err := openWith(t, "", "1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", gsheets.Options{CredentialsFile: c.file})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseID(t *testing.T) {
	const id = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
	for in, want := range map[string]string{
		id: id,
		"https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=0":     id,
		"https://docs.google.com/spreadsheets/u/1/d/" + id + "/edit?usp=x": id,
		" " + id + "\n":   id,
		"onboarding.xlsx": "",
		"short":           "",
		"./dir/" + id:     "",
	} {
		got, ok := gsheets.ParseID(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseID(%q) = %q, %v", in, got, ok)
		}
	}
}

// TestFakeServiceAccountToken: with the fake checking credentials, a run's
// calls share one access token (the backend does not sign a JWT per call),
// and a 403 names the account the fake's key belongs to.
func TestFakeServiceAccountToken(t *testing.T) {
	const email = "onboard-job@team-project.iam.gserviceaccount.com"
	srv := fakesheets.NewServer(fakesheets.WithAuth(fakesheets.Auth{}), fakesheets.WithCallerEmail(email))
	t.Cleanup(srv.Close)
	id := exampleSheet(t, srv)
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, srv.ServiceAccountKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	ss, err := openWith(t, srv.URL(), id, gsheets.Options{CredentialsFile: key})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 3 {
		if _, err := ss.Read(ctx, []string{"申込"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ss.Titles(ctx); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 1 {
		t.Errorf("%d tokens issued for one run's calls, want 1", n)
	}
	if err := srv.DenyAccess(id); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Read(ctx, []string{"申込"}); !errors.Is(err, sheet.ErrPermission) || !strings.Contains(err.Error(), email) {
		t.Errorf("403: %v", err)
	}
}
