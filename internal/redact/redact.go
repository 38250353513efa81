// Package redact keeps credentials out of every output: logs, error lines,
// alert mails, ping bodies and state files. A server or a library may echo
// a credential in any encoding (SMTP AUTH PLAIN and AUTH LOGIN send it in
// base64, URLs carry it percent-encoded, log handlers quote it), so each
// secret is searched for in all of them.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Mask replaces a secret in redacted text.
const Mask = "[REDACTED]"

// minCore is the shortest base64 core searched for at an unknown
// alignment: shorter ones would match ordinary base64 by chance.
const minCore = 6

// Secrets is a set of credentials to redact. The zero value and nil redact
// nothing; it is safe for concurrent use.
type Secrets struct {
	mu sync.RWMutex
	// literal forms are replaced as they are; cores are base64 fragments
	// whose whole base64 token is replaced.
	literal []string
	cores   []string
}

// New returns the set of the given secrets (empty ones are ignored).
func New(secrets ...string) *Secrets {
	s := &Secrets{}
	for _, v := range secrets {
		s.Add(v)
	}
	return s
}

// Credentials is the set for a username and password pair: the password in
// every encoding, and the base64 forms an SMTP AUTH exchange puts on the
// wire (the AUTH PLAIN "\x00user\x00pass" blob, AUTH LOGIN's separate
// base64 username and password). The plain username stays readable: it
// names the account in error messages and is not a secret.
func Credentials(username, password string) *Secrets {
	s := New(password)
	if password == "" {
		return s
	}
	s.addBase64(username + "\x00" + username + "\x00" + password)
	s.addBase64("\x00" + username + "\x00" + password)
	if username != "" {
		s.addBase64(username)
	}
	return s
}

// Add registers a secret in its plain, quoted, JSON-escaped, URL-encoded
// and base64 forms.
func (s *Secrets) Add(secret string) {
	if s == nil || secret == "" {
		return
	}
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), strings.ReplaceAll(url.QueryEscape(secret), "+", "%20")}
	q := strconv.Quote(secret)
	forms = append(forms, q[1:len(q)-1])
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	s.mu.Lock()
	for _, f := range forms {
		s.addLiteral(f)
	}
	s.mu.Unlock()
	s.addBase64(secret)
}

func (s *Secrets) addLiteral(f string) {
	if f == "" {
		return
	}
	for _, have := range s.literal {
		if have == f {
			return
		}
	}
	s.literal = append(s.literal, f)
	// Longest first, so a form containing another is replaced whole.
	for i := len(s.literal) - 1; i > 0 && len(s.literal[i]) > len(s.literal[i-1]); i-- {
		s.literal[i], s.literal[i-1] = s.literal[i-1], s.literal[i]
	}
}

// addBase64 registers the base64 forms of b (standard and URL alphabets)
// at each of the three byte alignments it can take inside a longer encoded
// text: the characters that do not depend on the neighbouring bytes.
func (s *Secrets) addBase64(b string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		// The whole encoding, padding included, as a token of its own.
		s.addLiteral(enc.EncodeToString([]byte(b)))
		for off := 0; off < 3; off++ {
			encoded := enc.WithPadding(base64.NoPadding).EncodeToString([]byte(strings.Repeat("\x00", off) + b))
			// Characters before this one mix in the preceding bytes; the
			// last one or two mix in the following bytes.
			first := (off*8 + 5) / 6
			last := ((off + len(b)) * 8) / 6
			if last-first < minCore {
				continue
			}
			core := encoded[first:last]
			dup := false
			for _, c := range s.cores {
				dup = dup || c == core
			}
			if !dup {
				s.cores = append(s.cores, core)
			}
		}
	}
}

// String returns text with every registered secret replaced by Mask.
func (s *Secrets) String(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, core := range s.cores {
		text = replaceToken(text, core)
	}
	for _, f := range s.literal {
		text = strings.ReplaceAll(text, f, Mask)
	}
	return text
}

// replaceToken replaces every base64 token (a run of base64 characters)
// that contains core.
func replaceToken(text, core string) string {
	for {
		i := strings.Index(text, core)
		if i < 0 {
			return text
		}
		start, end := i, i+len(core)
		for start > 0 && isBase64(text[start-1]) {
			start--
		}
		for end < len(text) && isBase64(text[end]) {
			end++
		}
		text = text[:start] + Mask + text[end:]
	}
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("+/=-_", c) >= 0
}

// Error returns err with its message redacted; errors.Is and errors.As
// still see the original chain.
func (s *Secrets) Error(err error) error {
	if err == nil || s == nil {
		return err
	}
	msg := s.String(err.Error())
	if msg == err.Error() {
		return err
	}
	return &redacted{msg: msg, err: err}
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// Writer returns w with every write redacted. Each write is redacted on
// its own: a log record or an error line is one write.
func (s *Secrets) Writer(w io.Writer) io.Writer {
	if s == nil {
		return w
	}
	return &writer{s: s, w: w}
}

type writer struct {
	s *Secrets
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	out := w.s.String(string(p))
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}
