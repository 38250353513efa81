package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/redact"
)

const user, pass = "onboard", "pa55-ワード-!x"

// leaks lists the encodings of the password the output must not hold.
func leaks(out, username, password string) []string {
	var found []string
	forms := map[string]string{
		"plain":        password,
		"query":        url.QueryEscape(password),
		"path":         url.PathEscape(password),
		"quoted":       strings.Trim(strconv.Quote(password), `"`),
		"base64":       strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(password)), "="),
		"base64url":    strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(password)), "="),
		"auth plain":   base64.StdEncoding.EncodeToString([]byte("\x00" + username + "\x00" + password)),
		"auth plain 2": base64.StdEncoding.EncodeToString([]byte(username + "\x00" + username + "\x00" + password)),
	}
	for name, f := range forms {
		if f != "" && strings.Contains(out, f) {
			found = append(found, name)
		}
	}
	return found
}

func TestCredentialsEveryEncoding(t *testing.T) {
	s := redact.Credentials(user, pass)
	plainBlob := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	jsonPass, _ := json.Marshal(pass + `"q`)
	tests := []struct{ name, in string }{
		{"plain", "535 authentication failed for " + pass},
		{"AUTH PLAIN echo", "535 5.7.8 bad credentials: AUTH PLAIN " + plainBlob},
		{"AUTH PLAIN with identity", "echo " + base64.StdEncoding.EncodeToString([]byte(user+"\x00"+user+"\x00"+pass))},
		{"AUTH LOGIN password", "334 UGFzc3dvcmQ6 then " + base64.StdEncoding.EncodeToString([]byte(pass))},
		{"base64 URL alphabet", base64.URLEncoding.EncodeToString([]byte(pass))},
		{"raw base64", base64.RawStdEncoding.EncodeToString([]byte(pass))},
		{"base64 inside a longer blob", base64.StdEncoding.EncodeToString([]byte("prefix:" + pass + ":suffix"))},
		{"query escaped", "GET /ping?pw=" + url.QueryEscape(pass)},
		{"path escaped", "https://h/" + url.PathEscape(pass) + "/x"},
		{"quoted by a log handler", fmt.Sprintf("err=%q", "bad "+pass)},
		{"JSON", string(jsonPass)},
	}
	for _, tt := range tests {
		out := s.String(tt.in)
		if l := leaks(out, user, pass); len(l) > 0 {
			t.Errorf("%s: %q leaks %v", tt.name, out, l)
		}
		if !strings.Contains(out, redact.Mask) {
			t.Errorf("%s: nothing redacted in %q", tt.name, out)
		}
	}
	// AUTH LOGIN sends the username in base64 on its own line too.
	if out := s.String("334 " + base64.StdEncoding.EncodeToString([]byte(user))); strings.Contains(out, base64.StdEncoding.EncodeToString([]byte(user))) {
		t.Errorf("base64 username kept: %q", out)
	}
}

func TestOrdinaryTextIsKept(t *testing.T) {
	s := redact.Credentials(user, pass)
	for _, in := range []string{
		"send mail via smtp.example.jp (starttls): 550 5.1.1 user unknown",
		"week 2026-W47: the report is kept at /var/lib/onboard/out/onboard-weekly-2026-W47.xlsx",
		"auth as onboard failed", // the plain username names the account
		base64.StdEncoding.EncodeToString([]byte("an unrelated attachment body, long enough to look like data")),
	} {
		if out := s.String(in); out != in {
			t.Errorf("%q became %q", in, out)
		}
	}
	var nilSet *redact.Secrets
	if nilSet.String("x") != "x" || redact.New("").String("abc") != "abc" {
		t.Error("an empty set changed text")
	}
}

// TestRandomSecretsNeverLeak embeds random passwords, in every encoding and
// at every offset, in random text.
func TestRandomSecretsNeverLeak(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	alphabet := []rune("abcXYZ0129-_.!@#%&+/= \"\\日本語パス\x00\t")
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for i := 0; i < 500; i++ {
		u, p := word(3+rng.IntN(8)), word(8+rng.IntN(24))
		s := redact.Credentials(u, p)
		prefix := word(rng.IntN(7))
		encoded := []string{
			p,
			url.QueryEscape(p),
			url.PathEscape(p),
			strconv.Quote(p),
			base64.StdEncoding.EncodeToString([]byte(prefix + p + word(rng.IntN(5)))),
			base64.URLEncoding.EncodeToString([]byte(prefix + p)),
			base64.StdEncoding.EncodeToString([]byte("\x00" + u + "\x00" + p)),
		}
		in := word(rng.IntN(10)) + " " + encoded[rng.IntN(len(encoded))] + " " + word(rng.IntN(10))
		out := s.String(in)
		if l := leaks(out, u, p); len(l) > 0 {
			t.Fatalf("case %d: user %q password %q: %q leaks %v", i, u, p, out, l)
		}
		if strings.Contains(base64Decode(out), p) {
			t.Fatalf("case %d: a base64 token in %q still decodes to the password", i, out)
		}
	}
}

// base64Decode decodes every base64-looking token at every alignment.
func base64Decode(s string) string {
	var b bytes.Buffer
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
		return !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_", r)
	}) {
		for skip := 0; skip < 4 && skip < len(tok); skip++ {
			t := tok[skip:]
			t = t[:len(t)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if d, err := enc.DecodeString(t); err == nil {
					b.Write(d)
					b.WriteByte(' ')
				}
			}
		}
	}
	return b.String()
}

func TestErrorKeepsTheChain(t *testing.T) {
	s := redact.New("hunter2-long")
	err := fmt.Errorf("dial: %w: password hunter2-long rejected", fs.ErrPermission)
	r := s.Error(err)
	if strings.Contains(r.Error(), "hunter2-long") || !errors.Is(r, fs.ErrPermission) {
		t.Errorf("%v", r)
	}
	clean := errors.New("nothing secret")
	if s.Error(clean) != clean || s.Error(nil) != nil {
		t.Error("an error without secrets was changed")
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := redact.Credentials(user, pass).Writer(&b)
	line := "level=ERROR msg=\"run failed\" err=\"535 " + base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+pass)) + "\"\n"
	if n, err := w.Write([]byte(line)); err != nil || n != len(line) {
		t.Fatalf("wrote %d, %v", n, err)
	}
	if l := leaks(b.String(), user, pass); len(l) > 0 || !strings.Contains(b.String(), "run failed") {
		t.Errorf("%q leaks %v", b.String(), l)
	}
}
