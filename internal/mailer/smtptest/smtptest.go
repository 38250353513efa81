// Package smtptest is a real SMTP server on loopback for tests, built on
// github.com/emersion/go-smtp: STARTTLS with a throwaway certificate, AUTH
// PLAIN, and every accepted message kept for the test to read back.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
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
}

// Start listens on 127.0.0.1 with a random port (or addr when given, to
// restart on the same port).
func Start(addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cert, certPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &Server{certPEM: certPEM}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.AllowInsecureAuth = false
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		return nil, err
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

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	msg  Message
	auth string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != se.s.Username || pass != se.s.Password {
			return errors.New("invalid credentials")
		}
		se.auth = user
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.Username != "" && se.auth == "" {
		return smtp.ErrAuthRequired
	}
	se.msg = Message{From: from, Auth: se.auth}
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.msg.To = append(se.msg.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	time.Sleep(se.s.Delay)
	if se.s.Reject != nil {
		return se.s.Reject
	}
	se.msg.Data = bytes.Clone(b)
	se.s.mu.Lock()
	se.s.messages = append(se.s.messages, se.msg)
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.msg = Message{} }
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
