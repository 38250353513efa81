package cli

import (
	"crypto/x509"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"onboard/internal/mailer"
	"onboard/internal/redact"
)

// DefaultFromName is the sender's name on every mail the job sends.
const DefaultFromName = "オンボーディング週次レポート"

// mailFlags are the SMTP settings of report --send and run. There is no
// password flag on purpose: flags show in ps.
type mailFlags struct {
	host, tlsMode, username, passwordFile, caFile, from, fromName string
	port                                                          int
	to                                                            []string
}

func (m *mailFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.host, "smtp-host", "", "SMTP server")
	fs.IntVar(&m.port, "smtp-port", 587, "SMTP port (587 for starttls, 465 for tls)")
	fs.StringVar(&m.tlsMode, "smtp-tls", mailer.StartTLS, "starttls (required, the default), tls (implicit), or none (loopback relays only)")
	fs.StringVar(&m.username, "smtp-username", "", "SMTP user (or ONBOARD_SMTP_USERNAME)")
	fs.StringVar(&m.passwordFile, "smtp-password-file", "", "file holding the SMTP password (else ONBOARD_SMTP_PASSWORD); there is no password flag")
	fs.StringVar(&m.caFile, "smtp-ca-file", "", "PEM file of CA certificates to trust for the SMTP server instead of the system's")
	fs.StringVar(&m.from, "mail-from", "", "sender address, e.g. onboard@example.jp")
	fs.StringVar(&m.fromName, "mail-from-name", DefaultFromName, "the sender's name the recipients see (empty: the address alone)")
	fs.StringArrayVar(&m.to, "mail-to", nil, "recipient (repeat the flag, or comma-separate in ONBOARD_MAIL_TO)")
}

// config builds and validates the mailer settings, reading the password
// from the file or the environment.
func (m *mailFlags) config(env Env) (mailer.Config, error) {
	c, err := m.configLoose(env)
	if err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, usageErr("%v", err)
	}
	return c, nil
}

// configLoose builds the settings without validating the recipients, for
// alerts, which go to --alert-to and must try even when the report's mail
// settings are what broke.
func (m *mailFlags) configLoose(env Env) (mailer.Config, error) {
	c := mailer.Config{Host: m.host, Port: m.port, TLSMode: m.tlsMode, Username: m.username, From: m.from, FromName: m.fromName}
	for _, t := range m.to {
		for _, a := range strings.Split(t, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.To = append(c.To, a)
			}
		}
	}
	switch {
	case m.passwordFile != "":
		b, err := os.ReadFile(m.passwordFile)
		if err != nil {
			return c, usageErr("--smtp-password-file: %v", err)
		}
		c.Password = strings.TrimRight(string(b), "\r\n")
	default:
		c.Password = env("ONBOARD_SMTP_PASSWORD")
	}
	if m.caFile != "" {
		b, err := os.ReadFile(m.caFile)
		if err != nil {
			return c, usageErr("--smtp-ca-file: %v", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(b) {
			return c, usageErr("--smtp-ca-file %s: no PEM certificate in it", m.caFile)
		}
	}
	return c, nil
}

// secrets is the SMTP credential as the redactor must know it: the
// password from the file or the environment, with the username for the
// AUTH encodings. A file that cannot be read holds nothing to redact.
func (m *mailFlags) secrets(env Env) *redact.Secrets {
	password := env("ONBOARD_SMTP_PASSWORD")
	if m.passwordFile != "" {
		if b, err := os.ReadFile(m.passwordFile); err == nil {
			password = strings.TrimRight(string(b), "\r\n")
		}
	}
	s := redact.Credentials(m.username, password)
	if env("ONBOARD_SMTP_PASSWORD") != password {
		s.Add(env("ONBOARD_SMTP_PASSWORD"))
	}
	return s
}
