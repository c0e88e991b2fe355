// Package smtptest runs a real SMTP server for tests.
//
// [Start] listens on 127.0.0.1 at a free port with go-smtp's server, keeps
// every message it accepts in memory, and parses each with go-message, so a
// test reads back the decoded subject and text body that a person's mail
// program would show:
//
//	srv := smtptest.Start(t, smtptest.Options{})
//	sender, _ := notify.NewSMTP(srv.URL("privacy@example.com"))
//	// ... code under test sends to ada@example.org ...
//	m := srv.WaitFor(t, "ada@example.org")
//	if !strings.Contains(m.Text, "验证码") { ... }
//
// The server can require AUTH PLAIN, offer STARTTLS or speak TLS from the
// first byte ([SelfSigned] makes a matching pair of TLS configurations), and
// refuse chosen recipients as a real server would. It is the server side of
// the wire protocol, not a mock of the client: what reaches it went through
// SMTP, dot-stuffing, MIME encoding and all.
//
// # Reading messages
//
// [Server.Next] and [Server.WaitFor] return the messages sent to one
// address in the order they arrived, each once: a test that expects two
// messages to the same address calls WaitFor twice. [Server.Messages]
// returns everything received, read or not.
//
// A Server is safe for concurrent use.
package smtptest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configures a [Server]. The zero value is a server without
// authentication or TLS that accepts every recipient.
type Options struct {
	// Username and Password, when Username is set, make the server offer
	// AUTH PLAIN and refuse MAIL until a client has authenticated with
	// them. Authentication is allowed in clear: the server listens on the
	// loopback interface only.
	Username, Password string
	// TLS, when set, makes the server offer STARTTLS with this
	// configuration, or speak TLS from the first byte (smtps) when
	// ImplicitTLS is set too.
	TLS         *tls.Config
	ImplicitTLS bool
	// Recipient, when set, is asked about every RCPT TO address; a non-nil
	// error refuses the recipient. Return an *smtp.SMTPError to choose the
	// reply (a 550 5.1.1 for an unknown user, a 450 for a temporary
	// failure); any other error is sent as a 550.
	Recipient func(address string) error
	// Domain is the name the server greets with; default "mx.test".
	Domain string
	// MaxMessageBytes caps a message's size; default 10 MiB.
	MaxMessageBytes int64
}

// Server is a running SMTP server that keeps what it receives in memory.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	opts Options

	mu      sync.Mutex
	msgs    []*Message
	read    map[readKey]bool // messages Next returned, per address
	arrived chan struct{}    // closed and replaced when a message arrives
	closed  bool
}

type readKey struct {
	msg     int
	address string
}

// WaitTimeout bounds how long [Server.WaitFor] waits for a message before
// failing the test. It guards against a test hanging when nothing is sent;
// it measures nothing.
const WaitTimeout = 30 * time.Second

// Start starts a server on 127.0.0.1 at a free port and stops it when tb
// ends. It fails tb if it cannot listen.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	s, err := Listen(o)
	if err != nil {
		tb.Fatalf("smtptest: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Listen starts a server on 127.0.0.1 at a free port, for callers without
// a testing.TB (a TestMain, a development command). The caller closes it.
func Listen(o Options) (*Server, error) {
	if o.ImplicitTLS && o.TLS == nil {
		return nil, errors.New("ImplicitTLS needs Options.TLS (see SelfSigned)")
	}
	if o.Domain == "" {
		o.Domain = "mx.test"
	}
	if o.MaxMessageBytes == 0 {
		o.MaxMessageBytes = 10 << 20
	}
	s := &Server{opts: o, read: map[readKey]bool{}, arrived: make(chan struct{})}
	srv := smtp.NewServer(s)
	srv.Domain = o.Domain
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = o.MaxMessageBytes
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are expected in tests
	if !o.ImplicitTLS {
		srv.TLSConfig = o.TLS
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	if o.ImplicitTLS {
		ln = tls.NewListener(ln, o.TLS)
	}
	s.srv, s.ln = srv, ln
	go srv.Serve(ln)
	return s, nil
}

// Addr returns the server's address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns an smtp:// (or, with ImplicitTLS, smtps://) URL for
// notify.NewSMTP that reaches this server with the configured credentials
// and from as the sender. Without Options.TLS it asks for starttls=none;
// with it, for starttls=require, and the client needs the server's
// certificate trusted (notify.WithTLSConfig with SelfSigned's client
// configuration).
func (s *Server) URL(from string) string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	q := url.Values{"from": {from}}
	switch {
	case s.opts.ImplicitTLS:
		u.Scheme = "smtps"
	case s.opts.TLS != nil:
		q.Set("starttls", "require")
	default:
		q.Set("starttls", "none")
	}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Close stops the server and closes open connections. Messages received
// stay readable. Close is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.arrived) // wake waiters; they see closed
	s.mu.Unlock()
	return s.srv.Close()
}

// ErrClosed is returned by [Server.Next] when the server is closed before a
// message arrives.
var ErrClosed = errors.New("smtptest: server closed")

// Messages returns every message received so far, in arrival order.
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Message(nil), s.msgs...)
}

// Next returns the earliest message to address (an envelope recipient,
// compared without regard to case) that Next has not returned before,
// waiting for one to arrive until ctx ends or the server closes.
func (s *Server) Next(ctx context.Context, address string) (*Message, error) {
	for {
		s.mu.Lock()
		for i, m := range s.msgs {
			k := readKey{i, strings.ToLower(address)}
			if !s.read[k] && m.sentTo(address) {
				s.read[k] = true
				s.mu.Unlock()
				return m, nil
			}
		}
		if s.closed {
			s.mu.Unlock()
			return nil, ErrClosed
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return nil, fmt.Errorf("smtptest: no message to that address: %w", context.Cause(ctx))
		}
	}
}

// WaitFor is [Server.Next] for tests: it waits up to [WaitTimeout] (or
// until tb's context ends) and fails tb when no message comes, or when the
// message could not be parsed as MIME.
func (s *Server) WaitFor(tb testing.TB, address string) *Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), WaitTimeout)
	defer cancel()
	m, err := s.Next(ctx, address)
	if err != nil {
		tb.Fatalf("smtptest: waiting for a message to %s: %v", address, err)
	}
	if m.ParseErr != nil {
		tb.Fatalf("smtptest: message to %s is not valid MIME: %v\n%s", address, m.ParseErr, m.Raw)
	}
	return m
}

func (s *Server) add(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	if !s.closed {
		close(s.arrived)
		s.arrived = make(chan struct{})
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, c: c}, nil
}

type session struct {
	s      *Server
	c      *smtp.Conn
	authed bool
	from   string
	to     []string
}

var (
	_ smtp.Backend     = (*Server)(nil)
	_ smtp.AuthSession = (*session)(nil)
)

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.s.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := ss.s.opts.Recipient; f != nil {
		if err := f(to); err != nil {
			var se *smtp.SMTPError
			if errors.As(err, &se) {
				return se
			}
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: err.Error()}
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.c.TLSConnectionState()
	m := &Message{
		From: ss.from,
		To:   append([]string(nil), ss.to...),
		Raw:  raw,
		TLS:  isTLS,
		Helo: ss.c.Hostname(),
		Auth: ss.authed,
	}
	m.ParseErr = m.parse()
	ss.s.add(m)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// sentTo reports whether address is one of m's envelope recipients.
func (m *Message) sentTo(address string) bool {
	for _, to := range m.To {
		if strings.EqualFold(to, address) {
			return true
		}
	}
	return false
}
