// Package mailer sends onboard's mail over SMTP with github.com/wneessen/go-mail:
// STARTTLS required by default, implicit TLS, or plain SMTP on loopback only.
package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"onboard/internal/redact"
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
	// FromName is the sender's display name (--mail-from-name), e.g.
	// オンボーディング週次レポート; go-mail encodes it (RFC 2047).
	FromName string
	To       []string
	// RootCAs, when set, replaces the system roots (a company relay with a
	// private CA; tests).
	RootCAs *x509.CertPool
	// Timeout bounds each SMTP command (default 30 s); the context bounds
	// the whole exchange.
	Timeout time.Duration
	// ConnectTimeout bounds the TCP connect, the TLS handshake and the
	// server's greeting (default 10 s), so a wrong port fails fast.
	ConnectTimeout time.Duration
	// Log, when set, is told about a failure after the server accepted the
	// message (the message counts as sent).
	Log *slog.Logger
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

// Send delivers the message and returns its Message-ID once the server has
// accepted it. Accepted means the server answered the end of DATA with
// 250: from then on the message is sent, and a later failure (QUIT
// refused, the connection dropped) is logged, never returned, so the
// caller records it and never sends it twice. Every error names what
// failed and what to check, and holds no credential in any encoding.
// The context bounds the whole exchange: connect, every command and the
// message transfer.
func Send(ctx context.Context, c Config, m Message) (string, error) {
	id, err := send(ctx, c, m)
	return id, redact.Credentials(c.Username, c.Password).Error(err)
}

func send(ctx context.Context, c Config, m Message) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	msg, err := build(c, m)
	if err != nil {
		return "", err
	}
	if c.Port == 0 {
		c.Port = DefaultPort(c.TLSMode)
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 10 * time.Second
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	tlsConf := &tls.Config{ServerName: c.Host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}
	// stopped turns an error into the context's cause once the run's
	// deadline passed or the run was stopped: that, not "use of closed
	// network connection", is what happened.
	stopped := func(step string, err error) error {
		if ctxEnded(ctx) {
			return fmt.Errorf("mail via %s stopped at %s: %w", addr, step, context.Cause(ctx))
		}
		return err
	}

	conn, err := dial(ctx, c, addr, tlsConf)
	if err != nil {
		return "", stopped("connect", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(c.ConnectTimeout)); err != nil {
		return "", err
	}
	client, err := smtp.NewClient(conn, c.Host) // reads the greeting
	if err != nil {
		if isTimeout(err) && !ctxEnded(ctx) {
			hint := "check --smtp-port"
			if c.TLSMode == StartTLS {
				hint = "if it is a port that expects TLS from the start (usually 465), use --smtp-tls tls; else check --smtp-port"
			}
			return "", fmt.Errorf("%s accepted the connection but sent no SMTP greeting within %s: %s", addr, c.ConnectTimeout, hint)
		}
		return "", stopped("greeting", fmt.Errorf("%s: no SMTP greeting: %w", addr, err))
	}
	if err := client.UpdateDeadline(c.Timeout); err != nil {
		return "", err
	}
	if err := client.Hello(helo()); err != nil {
		return "", stopped("EHLO", fmt.Errorf("%s refused EHLO: %w", addr, err))
	}
	if c.TLSMode == StartTLS {
		if ok, _ := client.Extension("STARTTLS"); !ok {
			return "", fmt.Errorf("%s does not offer STARTTLS, and --smtp-tls starttls never sends the password or the report in clear text: "+
				"use --smtp-tls tls if the server expects TLS from the start (usually port 465), or --smtp-tls none only for a relay on this machine (127.0.0.1)", addr)
		}
		if err := client.StartTLS(tlsConf); err != nil {
			return "", stopped("STARTTLS", fmt.Errorf("STARTTLS with %s failed: %w%s", addr, err, certHint(err)))
		}
	}
	if c.Username != "" {
		if err := client.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host, false)); err != nil {
			return "", stopped("AUTH", fmt.Errorf("%s refused the login as %s: %w: check ONBOARD_SMTP_USERNAME and the password (ONBOARD_SMTP_PASSWORD or --smtp-password-file)",
				addr, c.Username, err))
		}
	}
	// go-mail writes the message on the connection set up above: one
	// message per connection, so no NOOP before it and no RSET after it.
	sender, err := gomail.NewClient(c.Host, gomail.WithTimeout(c.Timeout), gomail.WithoutNoop(), gomail.WithoutRset())
	if err != nil {
		return "", fmt.Errorf("smtp client for %s: %w", c.Host, err)
	}
	if err := sender.SendWithSMTPClient(client, msg); err != nil && !msg.IsDelivered() {
		return "", stopped("the message transfer", sendError(addr, err))
	}
	id := strings.Trim(msg.GetMessageID(), "<>")
	// The message is sent: a QUIT that hangs may not hold the run.
	_ = client.UpdateDeadline(min(c.Timeout, 5*time.Second))
	if err := client.Quit(); err != nil && c.Log != nil {
		c.Log.Warn("the SMTP server accepted the message; closing the connection failed (the message counts as sent)",
			"server", addr, "message_id", id, "err", redact.Credentials(c.Username, c.Password).String(err.Error()))
	}
	return id, nil
}

// DefaultPort is the usual port of a TLS mode.
func DefaultPort(mode string) int {
	if mode == TLS {
		return 465
	}
	return 587
}

func build(c Config, m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	from := msg.From
	if c.FromName != "" {
		from = func(addr string) error { return msg.FromFormat(c.FromName, addr) }
	}
	if err := from(c.From); err != nil {
		return nil, fmt.Errorf("mail from %q: %w", c.From, err)
	}
	if err := msg.To(c.To...); err != nil {
		return nil, fmt.Errorf("mail to %v: %w", c.To, err)
	}
	msg.Subject(m.Subject) // go-mail encodes it (RFC 2047)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.Attachment != "" {
		if _, err := os.Stat(m.Attachment); err != nil {
			return nil, fmt.Errorf("attachment: %w", err)
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
	return msg, nil
}

// dial connects within ConnectTimeout (and the context), completes the TLS
// handshake for implicit TLS, and returns a connection bound to ctx.
func dial(ctx context.Context, c Config, addr string, tlsConf *tls.Config) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, c.ConnectTimeout)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s: %w: check --smtp-host and --smtp-port (587 for --smtp-tls starttls, 465 for tls) "+
			"and that a firewall lets this machine reach it", addr, err)
	}
	conn := bind(ctx, raw)
	if c.TLSMode != TLS {
		return conn, nil
	}
	tc := tls.Client(conn, tlsConf)
	if err := tc.HandshakeContext(dctx); err != nil {
		conn.Close()
		hint := certHint(err)
		if hint == "" {
			hint = ": if the port speaks plain SMTP first (usually 587), use --smtp-tls starttls"
		}
		return nil, fmt.Errorf("TLS handshake with %s failed: %w%s", addr, err, hint)
	}
	return tc, nil
}

func certHint(err error) string {
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknown) || errors.As(err, &verify) {
		return ": the server's certificate is not trusted; give its CA with --smtp-ca-file"
	}
	return ""
}

// sendError says at which step the server refused the message.
func sendError(addr string, err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return fmt.Errorf("send mail via %s: %w", addr, err)
	}
	step := map[gomail.SendErrReason]string{
		gomail.ErrSMTPMailFrom: "MAIL FROM", gomail.ErrSMTPRcptTo: "RCPT TO", gomail.ErrSMTPData: "DATA",
		gomail.ErrWriteContent: "the message transfer", gomail.ErrSMTPDataClose: "the end of DATA",
	}[se.Reason]
	if step == "" {
		step = se.Reason.String()
	}
	kind := "refused the message"
	switch {
	case se.ErrorCode() == 0: // no SMTP reply: the connection broke
		kind = "lost the connection"
	case se.IsTemp():
		kind = "refused the message for now (temporary)"
	}
	return fmt.Errorf("%s %s at %s: %w", addr, kind, step, err)
}

// ctxEnded reports whether a failure came from the context's end. An I/O
// deadline clamped to the context's deadline can fire a moment before the
// context notices (and go-mail's SendError hides the timeout): once the
// deadline has passed, wait for the context.
func ctxEnded(ctx context.Context) bool {
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		<-ctx.Done()
	}
	return ctx.Err() != nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ctxConn is a connection that the context ends: closed when the context
// is done, and with no I/O deadline past the context's.
type ctxConn struct {
	net.Conn
	deadline time.Time
	stop     func() bool
}

func bind(ctx context.Context, raw net.Conn) net.Conn {
	c := &ctxConn{Conn: raw}
	c.deadline, _ = ctx.Deadline()
	c.stop = context.AfterFunc(ctx, func() { raw.Close() })
	return c
}

func (c *ctxConn) clamp(t time.Time) time.Time {
	if !c.deadline.IsZero() && (t.IsZero() || t.After(c.deadline)) {
		return c.deadline
	}
	return t
}

func (c *ctxConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *ctxConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *ctxConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }
func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

func helo() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}
