package mailer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"onboard/internal/mailer"
	"onboard/internal/mailer/smtptest"
)

func configFor(s *smtptest.Server) mailer.Config {
	return mailer.Config{Host: s.Host(), Port: s.Port(), TLSMode: mailer.StartTLS, Username: s.Username, Password: s.Password,
		From: "onboard@example.jp", To: []string{"manager1@example.jp", "manager2@example.jp"}, RootCAs: s.RootCAs()}
}

// TestSendFaults: whatever the server does, Send succeeds exactly when the
// server accepted the message (250 at the end of DATA), and returns within
// the context's deadline.
func TestSendFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    smtptest.Fault
		accepted bool
		want     string // in the error
	}{
		{"4xx at MAIL", smtptest.Fault{At: smtptest.AtMail, Code: 451}, false, "for now (temporary) at MAIL FROM"},
		{"5xx at MAIL", smtptest.Fault{At: smtptest.AtMail, Code: 550}, false, "refused the message at MAIL FROM"},
		{"4xx at RCPT", smtptest.Fault{At: smtptest.AtRcpt, Code: 450}, false, "at RCPT TO"},
		{"5xx at RCPT", smtptest.Fault{At: smtptest.AtRcpt, Code: 550}, false, "at RCPT TO"},
		{"4xx at DATA", smtptest.Fault{At: smtptest.AtData, Code: 452}, false, "for now (temporary) at the end of DATA"},
		{"5xx at DATA", smtptest.Fault{At: smtptest.AtData, Code: 554}, false, "at the end of DATA"},
		{"close mid-DATA", smtptest.Fault{At: smtptest.CloseInData}, false, "lost the connection at"},
		{"slow DATA past the deadline", smtptest.Fault{At: smtptest.StallInData, Stall: 5 * time.Second}, false, "context deadline exceeded"},
		{"connection dropped after 250", smtptest.Fault{At: smtptest.CloseAfterAccept}, true, ""},
		{"QUIT unanswered after 250", smtptest.Fault{At: smtptest.StallAfterAccept, Stall: 5 * time.Second}, true, ""},
		{"no fault", smtptest.Fault{}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server(t)
			s.Username, s.Password = "onboard", "s3cret-long-password"
			s.Inject(tt.fault)
			var logs bytes.Buffer
			cfg := configFor(s)
			cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			id, err := mailer.Send(ctx, cfg, mailer.Message{Subject: "週次", Body: strings.Repeat("本文\n", 2000)})
			took := time.Since(start)
			kept := len(s.Messages())
			if (err == nil) != tt.accepted || kept != map[bool]int{true: 1, false: 0}[tt.accepted] {
				t.Fatalf("err %v, %d messages kept; want accepted=%v", err, kept, tt.accepted)
			}
			if err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if err == nil && id == "" {
				t.Error("no message id")
			}
			if took > 1500*time.Millisecond {
				t.Errorf("took %v with a 1 s deadline", took)
			}
			if tt.accepted && tt.fault.At != "" && !strings.Contains(logs.String(), "the message counts as sent") {
				t.Errorf("the failed close was not logged: %q", logs.String())
			}
		})
	}
}

func TestSendConnectProblemsSayWhatToCheck(t *testing.T) {
	s := server(t)
	base := configFor(s)
	base.ConnectTimeout = 300 * time.Millisecond

	// Nothing listens: refused at once.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	refused := base
	refused.Port = closed
	start := time.Now()
	_, err := mailer.Send(context.Background(), refused, mailer.Message{Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "cannot connect to 127.0.0.1:") || !strings.Contains(err.Error(), "--smtp-port") || time.Since(start) > time.Second {
		t.Errorf("refused: %v after %v", err, time.Since(start))
	}

	// A port that accepts and says nothing (an SMTPS port, a wrong service).
	silent, _ := net.Listen("tcp", "127.0.0.1:0")
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	quiet := base
	quiet.Port = silent.Addr().(*net.TCPAddr).Port
	start = time.Now()
	_, err = mailer.Send(context.Background(), quiet, mailer.Message{Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "sent no SMTP greeting within 300ms") || !strings.Contains(err.Error(), "--smtp-tls tls") || time.Since(start) > 2*time.Second {
		t.Errorf("silent port: %v after %v", err, time.Since(start))
	}

	// A relay without STARTTLS: the hint names the --smtp-tls values.
	plain, err := smtptest.StartWithoutTLS("")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	noStartTLS := base
	noStartTLS.Port = plain.Port()
	_, err = mailer.Send(context.Background(), noStartTLS, mailer.Message{Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") || !strings.Contains(err.Error(), "--smtp-tls tls") || !strings.Contains(err.Error(), "--smtp-tls none") {
		t.Errorf("no STARTTLS: %v", err)
	}
	// The same relay on loopback with --smtp-tls none works.
	none := noStartTLS
	none.TLSMode = mailer.NoTLS
	if _, err := mailer.Send(context.Background(), none, mailer.Message{Subject: "x", Body: "y"}); err != nil || len(plain.Messages()) != 1 {
		t.Errorf("none on loopback: %v, %d messages", err, len(plain.Messages()))
	}

	// Implicit TLS against a STARTTLS port.
	wrongMode := base
	wrongMode.TLSMode = mailer.TLS
	_, err = mailer.Send(context.Background(), wrongMode, mailer.Message{Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "TLS handshake with") || !strings.Contains(err.Error(), "--smtp-tls starttls") {
		t.Errorf("tls on a starttls port: %v", err)
	}

	// Untrusted certificate: the hint names --smtp-ca-file.
	untrusted := base
	untrusted.RootCAs = nil
	if _, err := mailer.Send(context.Background(), untrusted, mailer.Message{Subject: "x", Body: "y"}); err == nil || !strings.Contains(err.Error(), "--smtp-ca-file") {
		t.Errorf("untrusted: %v", err)
	}
	if len(s.Messages()) != 0 {
		t.Error("a message was accepted")
	}
}

func TestSendImplicitTLS(t *testing.T) {
	s, err := smtptest.StartImplicitTLS("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Username, s.Password = "onboard", "pw-implicit"
	cfg := configFor(s)
	cfg.TLSMode = mailer.TLS
	if _, err := mailer.Send(context.Background(), cfg, mailer.Message{Subject: "x", Body: "y"}); err != nil || len(s.Messages()) != 1 || s.Messages()[0].Auth != "onboard" {
		t.Fatalf("implicit TLS: %v, %+v", err, s.Messages())
	}
}

func TestSendStopsWhenTheContextIsCanceled(t *testing.T) {
	s := server(t)
	s.Inject(smtptest.Fault{At: smtptest.StallInData, Stall: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := mailer.Send(ctx, configFor(s), mailer.Message{Subject: "x", Body: "y"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second || len(s.Messages()) != 0 {
		t.Errorf("%v after %v", err, time.Since(start))
	}
}

// TestSendRedactsAnEchoedAuthBlob: a server that quotes the AUTH PLAIN
// blob in its refusal, at login or later, never puts the password in an
// error, in any encoding.
func TestSendRedactsAnEchoedAuthBlob(t *testing.T) {
	const pw = "pa55-ワード-!x-long"
	blob := base64.StdEncoding.EncodeToString([]byte("\x00onboard\x00" + pw))
	check := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		for _, leak := range []string{pw, blob, strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(pw)), "=")} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: %q holds %q", name, err, leak)
			}
		}
		if !strings.Contains(err.Error(), "[REDACTED]") {
			t.Errorf("%s: nothing was redacted, so nothing was echoed: %v", name, err)
		}
	}
	s := server(t)
	s.Username, s.Password = "onboard", pw
	s.EchoAuth = true
	_, err := mailer.Send(context.Background(), configFor(s), mailer.Message{Subject: "x", Body: "y"})
	check("at AUTH", err)
	s.EchoAuth = false
	s.Inject(smtptest.Fault{At: smtptest.AtRcpt, Code: 550, Message: "no relay for " + smtptest.EchoAuthBlob})
	_, err = mailer.Send(context.Background(), configFor(s), mailer.Message{Subject: "x", Body: "y"})
	check("at RCPT", err)
}
