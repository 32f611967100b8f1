// Package notifytest runs real receivers on loopback for tests of digest
// delivery: an SMTP server (github.com/emersion/go-smtp) with STARTTLS or
// implicit TLS and PLAIN authentication, and an HTTP webhook receiver that
// verifies signatures. Both record what they accept and can be told to fail.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/storyline/storyline/notify/webhook"
)

// Mail is one message an SMTPServer accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	TLS  bool   // the session was encrypted
	User string // who authenticated, "" for nobody
}

// SMTPOptions configure an SMTPServer.
type SMTPOptions struct {
	Implicit bool // TLS from the first byte (port 465 style) instead of STARTTLS
	NoTLS    bool // plain SMTP only
	// Username and Password, when set, are required (AUTH PLAIN).
	Username, Password string
}

// SMTPServer is a real SMTP server on 127.0.0.1.
type SMTPServer struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	opts SMTPOptions
	mu   sync.Mutex
	mail []Mail
	fail []*smtp.SMTPError // answers to the next DATA commands
}

// NewSMTPServer starts a server that t's cleanup stops.
func NewSMTPServer(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &SMTPServer{opts: opts, ClientTLS: &tls.Config{RootCAs: pool}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = opts.NoTLS // a loopback relay without TLS
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if !opts.NoTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(l) }()
	// Close only closes the listeners Serve has registered: one closed
	// before Serve began would leave it accepting forever, so close ours too.
	t.Cleanup(func() { srv.Close(); l.Close(); <-done })
	return s
}

// FailNext makes the next n messages fail at DATA with code (4xx is
// temporary, 5xx permanent).
func (s *SMTPServer) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "told to fail"})
	}
}

// Messages returns what the server accepted so far.
func (s *SMTPServer) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

type session struct {
	s    *SMTPServer
	c    *smtp.Conn
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fail) > 0 {
		err := s.fail[0]
		s.fail = s.fail[1:]
		return err
	}
	_, isTLS := ss.c.TLSConnectionState()
	s.mail = append(s.mail, Mail{From: ss.from, To: ss.to, Data: b, TLS: isTLS, User: ss.user})
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost and a pool
// that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "notifytest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Request is one request a Receiver answered.
type Request struct {
	Header http.Header
	Body   []byte
	Status int   // what the receiver answered
	SigErr error // signature verification, when the receiver has a secret
}

// Receiver is a webhook endpoint on loopback. With a secret it refuses
// (401) requests whose signature does not verify.
type Receiver struct {
	*httptest.Server
	Secret string

	mu     sync.Mutex
	reqs   []Request
	script []response
	hold   chan struct{} // when set, each request waits for it to close before its answer
	held   chan struct{} // signalled when a request has been read and is held
}

// Hold makes requests wait, once read whole, until release is called: a
// slow receiver. Held reports each request so held.
func (r *Receiver) Hold() (held <-chan struct{}, release func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hold, r.held = make(chan struct{}), make(chan struct{}, 16)
	h := r.hold
	var once sync.Once
	return r.held, func() { once.Do(func() { close(h) }) }
}

type response struct {
	status     int
	retryAfter string
}

// NewReceiver starts a receiver that t's cleanup stops.
func NewReceiver(t testing.TB, secret string) *Receiver {
	r := &Receiver{Secret: secret}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

// FailNext answers the next n requests with status (and a Retry-After
// header when retryAfter is not empty).
func (r *Receiver) FailNext(n, status int, retryAfter string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.script = append(r.script, response{status, retryAfter})
	}
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	hold, held := r.hold, r.held
	r.mu.Unlock()
	if hold != nil {
		held <- struct{}{}
		<-hold
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := Request{Header: req.Header.Clone(), Body: body, Status: http.StatusNoContent}
	if r.Secret != "" {
		rec.SigErr = webhook.Verify(r.Secret, req.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute)
	}
	switch {
	case len(r.script) > 0:
		resp := r.script[0]
		r.script = r.script[1:]
		if resp.retryAfter != "" {
			w.Header().Set("Retry-After", resp.retryAfter)
		}
		rec.Status = resp.status
	case rec.SigErr != nil:
		rec.Status = http.StatusUnauthorized
	}
	r.reqs = append(r.reqs, rec)
	w.WriteHeader(rec.Status)
}

// Requests returns every request so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// Accepted returns the requests answered with a 2xx.
func (r *Receiver) Accepted() []Request {
	var out []Request
	for _, q := range r.Requests() {
		if q.Status >= 200 && q.Status < 300 {
			out = append(out, q)
		}
	}
	return out
}
