// Package mailer sends onboard's mail over SMTP with github.com/wneessen/go-mail:
// STARTTLS required by default, implicit TLS, or plain SMTP on loopback only.
package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes.
const (
	StartTLS = "starttls" // STARTTLS, required: no plaintext fallback
	TLS      = "tls"      // implicit TLS (SMTPS, usually port 465)
	NoTLS    = "none"     // plain SMTP: accepted for a loopback relay only
)

// XLSXType is the MIME type of an .xlsx attachment.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Config says how and to whom mail goes. Password never appears in logs or
// errors.
type Config struct {
	Host     string
	Port     int
	TLSMode  string
	Username string
	Password string
	From     string
	To       []string
	// RootCAs, when set, replaces the system roots (a company relay with a
	// private CA; tests).
	RootCAs *x509.CertPool
	Timeout time.Duration
}

// Validate checks the settings before anything is built or sent.
func (c Config) Validate() error {
	if c.Host == "" {
		return errors.New("--smtp-host is required to send mail")
	}
	switch c.TLSMode {
	case StartTLS, TLS:
	case NoTLS:
		if !isLoopback(c.Host) {
			return fmt.Errorf("--smtp-tls none sends the password and the report in clear text: it is accepted only for a loopback relay, not %q", c.Host)
		}
	default:
		return fmt.Errorf("--smtp-tls %q: use starttls, tls or none", c.TLSMode)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("--smtp-port %d is not a port", c.Port)
	}
	if (c.Username == "") != (c.Password == "") {
		return errors.New("SMTP username and password go together: set both ONBOARD_SMTP_USERNAME and ONBOARD_SMTP_PASSWORD (or --smtp-password-file), or neither")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("--mail-from %q: %v", c.From, err)
	}
	if len(c.To) == 0 {
		return errors.New("--mail-to is required: at least one recipient")
	}
	for _, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("--mail-to %q: %v", to, err)
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Message is one mail to send.
type Message struct {
	Subject string
	Body    string
	// Attachment is a file to attach, named AttachmentName (ASCII, so
	// every Japanese mail client keeps it).
	Attachment     string
	AttachmentName string
	AttachmentType string
}

// Send delivers the message and returns its Message-ID once the server
// has accepted it.
func Send(ctx context.Context, c Config, m Message) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	if err := msg.From(c.From); err != nil {
		return "", fmt.Errorf("mail from %q: %w", c.From, err)
	}
	if err := msg.To(c.To...); err != nil {
		return "", fmt.Errorf("mail to %v: %w", c.To, err)
	}
	msg.Subject(m.Subject) // go-mail encodes it (RFC 2047)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.Attachment != "" {
		if _, err := os.Stat(m.Attachment); err != nil {
			return "", fmt.Errorf("attachment: %w", err)
		}
		name := m.AttachmentName
		if name == "" {
			name = filepath.Base(m.Attachment)
		}
		typ := m.AttachmentType
		if typ == "" {
			typ = XLSXType
		}
		msg.AttachFile(m.Attachment, gomail.WithFileName(name), gomail.WithFileContentType(gomail.ContentType(typ)))
	}

	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout), gomail.WithHELO(helo())}
	if c.Port != 0 {
		opts = append(opts, gomail.WithPort(c.Port))
	}
	tlsConf := &tls.Config{ServerName: c.Host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}
	switch c.TLSMode {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsConf))
		if c.Port == 0 {
			opts = append(opts, gomail.WithPort(587))
		}
	case TLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tlsConf))
		if c.Port == 0 {
			opts = append(opts, gomail.WithPort(465))
		}
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	client, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return "", fmt.Errorf("smtp client for %s: %w", c.Host, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return "", fmt.Errorf("send mail via %s (%s): %s", c.Host, c.TLSMode, redact(err.Error(), c.Password))
	}
	return strings.Trim(msg.GetMessageID(), "<>"), nil
}

func helo() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// redact removes a secret from a message, in case a server echoes it.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}
