// Package smtptest is a real SMTP server on loopback for tests, built on
// github.com/emersion/go-smtp: STARTTLS with a throwaway certificate, AUTH
// PLAIN, and every accepted message kept for the test to read back. Faults
// can be injected per mail transaction: refusals at MAIL, RCPT and DATA, a
// connection dropped halfway through the message or right after the 250
// that accepts it, and stalls.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
	// Auth is the username the client authenticated as, if any.
	Auth string
}

// Server is a running SMTP server.
type Server struct {
	srv      *smtp.Server
	ln       net.Listener
	certPEM  []byte
	mu       sync.Mutex
	messages []Message
	// Username and Password, when set, are required (AUTH PLAIN).
	Username, Password string
	// Reject, when set, fails every DATA with this error.
	Reject error
	// Delay holds every DATA this long (a slow relay).
	Delay time.Duration
	// EchoAuth refuses every AUTH with a reply that quotes the client's
	// AUTH PLAIN blob in base64, as some broken relays do.
	EchoAuth bool

	faults []Fault
	done   chan struct{}
}

// Step is where a fault strikes in a mail transaction.
type Step string

// The steps a fault can strike at.
const (
	// AtMail, AtRcpt and AtData refuse with Fault.Code (4xx or 5xx); at
	// DATA the refusal is the reply to the end of the message, which is
	// then not kept.
	AtMail Step = "MAIL"
	AtRcpt Step = "RCPT"
	AtData Step = "DATA"
	// CloseInData drops the connection halfway through the message: not
	// kept, no reply.
	CloseInData Step = "CLOSE-IN-DATA"
	// StallInData holds the message for Fault.Stall before answering 250
	// (a slow relay); the message is kept only if the answer is sent.
	StallInData Step = "STALL-IN-DATA"
	// CloseAfterAccept answers 250 (the message is kept), then drops the
	// connection: the client's QUIT fails.
	CloseAfterAccept Step = "CLOSE-AFTER-ACCEPT"
	// StallAfterAccept answers 250 (kept), then reads nothing for
	// Fault.Stall: the client's QUIT gets no answer.
	StallAfterAccept Step = "STALL-AFTER-ACCEPT"
)

// EchoAuthBlob in a Fault's Message is replaced by the base64 AUTH PLAIN
// blob the client logged in with.
const EchoAuthBlob = "{AUTH}"

// Fault is one misbehaviour, for one mail transaction.
type Fault struct {
	At      Step
	Code    int           // reply code for AtMail, AtRcpt, AtData
	Message string        // reply text; may hold EchoAuthBlob
	Stall   time.Duration // for the stalls
}

// Inject queues faults: each new mail transaction (MAIL FROM) takes the
// next one; once the queue is empty the server behaves.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

func (s *Server) nextFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f
}

// Pending is the number of queued faults not yet used.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Start listens on 127.0.0.1 with a random port (or addr when given, to
// restart on the same port).
func Start(addr string) (*Server, error) {
	return start(addr, "starttls")
}

// StartWithoutTLS starts a server that offers no STARTTLS (a plain relay)
// and accepts AUTH in clear text.
func StartWithoutTLS(addr string) (*Server, error) {
	return start(addr, "none")
}

// StartImplicitTLS starts a server that speaks TLS from the first byte
// (SMTPS, as on port 465).
func StartImplicitTLS(addr string) (*Server, error) {
	return start(addr, "tls")
}

func start(addr, mode string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cert, certPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &Server{certPEM: certPEM, done: make(chan struct{})}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch mode {
	case "starttls":
		s.srv.TLSConfig = tlsConf
	case "none":
		s.srv.AllowInsecureAuth = true
	}
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		return nil, err
	}
	if mode == "tls" {
		s.ln = tls.NewListener(s.ln, tlsConf)
	}
	go s.srv.Serve(s.ln) //nolint:errcheck // ends with Close
	return s, nil
}

// Host and Port of the listener.
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host(), strconv.Itoa(s.Port())) }

// CertPEM is the server certificate, for a client's trusted roots.
func (s *Server) CertPEM() []byte { return s.certPEM }

// RootCAs is a pool trusting the server.
func (s *Server) RootCAs() *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(s.certPEM)
	return p
}

// Messages returns the accepted messages.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Close stops the server and ends every stall.
func (s *Server) Close() error {
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.mu.Unlock()
	return s.srv.Close()
}

// sleep waits d or until the server closes; false when it closed.
func (s *Server) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s     *Server
	conn  *smtp.Conn
	msg   Message
	auth  string
	blob  string // base64 AUTH PLAIN blob, for EchoAuthBlob
	fault Fault
	// accepted is set once a 250 to DATA is due: the next Reset (which
	// go-smtp runs right after writing it) applies an after-accept fault.
	accepted bool
}

func (se *session) refusal() error {
	msg := se.fault.Message
	if msg == "" {
		msg = "injected fault at " + string(se.fault.At)
	}
	msg = strings.ReplaceAll(msg, EchoAuthBlob, se.blob)
	code := se.fault.Code
	if code == 0 {
		code = 451
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		blob := base64.StdEncoding.EncodeToString([]byte(identity + "\x00" + user + "\x00" + pass))
		if se.s.EchoAuth {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed for AUTH PLAIN " + blob}
		}
		if user != se.s.Username || pass != se.s.Password {
			return errors.New("invalid credentials")
		}
		se.auth, se.blob = user, blob
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.Username != "" && se.auth == "" {
		return smtp.ErrAuthRequired
	}
	se.msg = Message{From: from, Auth: se.auth}
	se.fault = se.s.nextFault()
	if se.fault.At == AtMail {
		return se.refusal()
	}
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.fault.At == AtRcpt {
		return se.refusal()
	}
	se.msg.To = append(se.msg.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	if se.fault.At == CloseInData {
		// Take part of the message, then hang up.
		io.ReadFull(r, make([]byte, 64)) //nolint:errcheck // the connection goes anyway
		se.conn.Conn().Close()
		return errors.New("connection dropped by the test")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if !se.s.sleep(se.s.Delay) {
		return errors.New("server closed")
	}
	if se.fault.At == StallInData && !se.s.sleep(se.fault.Stall) {
		return errors.New("server closed")
	}
	if se.fault.At == AtData {
		return se.refusal()
	}
	if se.s.Reject != nil {
		return se.s.Reject
	}
	se.msg.Data = bytes.Clone(b)
	se.s.mu.Lock()
	se.s.messages = append(se.s.messages, se.msg)
	se.s.mu.Unlock()
	se.accepted = true
	return nil
}

func (se *session) Reset() {
	if se.accepted {
		se.accepted = false
		switch se.fault.At {
		case CloseAfterAccept:
			se.conn.Conn().Close()
		case StallAfterAccept:
			se.s.sleep(se.fault.Stall)
		}
	}
	se.msg, se.fault = Message{}, Fault{}
}
func (se *session) Logout() error { return nil }

func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPEM, err
}
