package mailer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/mailer"
	"onboard/internal/mailer/smtptest"
)

func server(t *testing.T) *smtptest.Server {
	t.Helper()
	s, err := smtptest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSendStartTLSWithAttachment(t *testing.T) {
	s := server(t)
	s.Username, s.Password = "onboard", "s3cret-パス"
	file := filepath.Join(t.TempDir(), "onboard-weekly-2026-W47.xlsx")
	content := bytes.Repeat([]byte("PK\x03\x04 binary \x00\xff"), 500)
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mailer.Config{Host: s.Host(), Port: s.Port(), TLSMode: mailer.StartTLS, Username: s.Username, Password: s.Password,
		From: "onboard@example.jp", To: []string{"manager1@example.jp", "manager2@example.jp"}, RootCAs: s.RootCAs()}
	subject := "【オンボーディング週次】2026-W47（11/16〜11/22）新規申込 5件・要確認 3件"
	body := "皆さま\n\n今週の数字です。\n新規申込: 5件\n"
	id, err := mailer.Send(context.Background(), cfg, mailer.Message{Subject: subject, Body: body, Attachment: file})
	if err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.Auth != "onboard" || m.From != "onboard@example.jp" || strings.Join(m.To, ",") != "manager1@example.jp,manager2@example.jp" {
		t.Errorf("envelope %+v", m)
	}
	p, err := smtptest.Parse(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != subject {
		t.Errorf("subject %q", p.Subject)
	}
	if !strings.HasPrefix(p.RawSubject, "=?UTF-8?") {
		t.Errorf("subject is not RFC 2047 encoded: %q", p.RawSubject)
	}
	if strings.ReplaceAll(p.Body, "\r\n", "\n") != body {
		t.Errorf("body %q", p.Body)
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Name != "onboard-weekly-2026-W47.xlsx" || p.Attachments[0].ContentType != mailer.XLSXType || !bytes.Equal(p.Attachments[0].Data, content) {
		t.Errorf("attachment %+v", p.Attachments)
	}
	if id == "" || !strings.Contains(p.Header.Get("Message-Id"), id) {
		t.Errorf("message id %q vs header %q", id, p.Header.Get("Message-Id"))
	}
}

func TestSendFailures(t *testing.T) {
	s := server(t)
	s.Username, s.Password = "onboard", "right"
	base := mailer.Config{Host: s.Host(), Port: s.Port(), TLSMode: mailer.StartTLS, From: "a@example.jp", To: []string{"b@example.jp"}, RootCAs: s.RootCAs()}

	wrong := base
	wrong.Username, wrong.Password = "onboard", "wrong-password-123"
	_, err := mailer.Send(context.Background(), wrong, mailer.Message{Subject: "x", Body: "y"})
	if err == nil || strings.Contains(err.Error(), "wrong-password-123") {
		t.Errorf("bad password: %v", err)
	}

	untrusted := base
	untrusted.RootCAs = nil // the system roots do not know the test certificate
	untrusted.Username, untrusted.Password = "onboard", "right"
	if _, err := mailer.Send(context.Background(), untrusted, mailer.Message{Subject: "x", Body: "y"}); err == nil {
		t.Error("an untrusted certificate was accepted")
	}

	down := base
	down.Port = 1 // nothing listens
	if _, err := mailer.Send(context.Background(), down, mailer.Message{Subject: "x", Body: "y"}); err == nil {
		t.Error("no error with the server down")
	}
	if len(s.Messages()) != 0 {
		t.Error("a message was accepted")
	}
}

func TestValidate(t *testing.T) {
	ok := mailer.Config{Host: "smtp.example.jp", TLSMode: mailer.StartTLS, From: "a@example.jp", To: []string{"b@example.jp"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		edit func(c *mailer.Config)
		want string
	}{
		{func(c *mailer.Config) { c.TLSMode = mailer.NoTLS }, "accepted only for a loopback relay"},
		{func(c *mailer.Config) { c.TLSMode = "ssl" }, `--smtp-tls "ssl"`},
		{func(c *mailer.Config) { c.To = nil }, "--mail-to is required"},
		{func(c *mailer.Config) { c.From = "not an address" }, "--mail-from"},
		{func(c *mailer.Config) { c.Username = "u" }, "go together"},
		{func(c *mailer.Config) { c.Host = "" }, "--smtp-host"},
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
	loop := ok
	loop.Host, loop.TLSMode = "127.0.0.1", mailer.NoTLS
	if err := loop.Validate(); err != nil {
		t.Errorf("loopback none: %v", err)
	}
}
