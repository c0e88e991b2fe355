package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/trustee-dev/trustee/internal/clock"
)

// TLS modes of an smtp:// URL's starttls parameter.
const (
	// StartTLSRequire upgrades with STARTTLS and fails with
	// [ErrTLSUnavailable] when the server does not offer it. The default.
	StartTLSRequire = "require"
	// StartTLSOpportunistic upgrades when the server offers STARTTLS and
	// carries on in clear otherwise (credentials are still never sent in
	// clear to a remote host).
	StartTLSOpportunistic = "opportunistic"
	// StartTLSNone never upgrades; for a relay on the same host or network.
	StartTLSNone = "none"
)

// SMTP sends [Message]s as email through one SMTP server, one connection
// per message. It is safe for concurrent use.
//
// It never prints its password: String, GoString and LogValue show the URL
// with the password redacted.
type SMTP struct {
	addr      string // host:port
	host      string
	user      string
	pass      string
	auth      bool
	from      *mail.Address
	mode      string // a StartTLS constant, or "implicit" for smtps
	helo      string
	tlsConfig *tls.Config
	clk       clock.Clock
	dialer    net.Dialer
	redacted  string
}

var (
	_ Sender         = (*SMTP)(nil)
	_ slog.LogValuer = (*SMTP)(nil)
)

// SMTPOption configures an [SMTP] sender.
type SMTPOption func(*SMTP)

// WithTLSConfig sets the TLS configuration used for STARTTLS and smtps
// (for example a private CA's roots). ServerName defaults to the URL's host.
func WithTLSConfig(c *tls.Config) SMTPOption {
	return func(s *SMTP) { s.tlsConfig = c.Clone() }
}

// WithSMTPClock sets the clock that dates messages and deliveries; the
// default is [clock.Real].
func WithSMTPClock(c clock.Clock) SMTPOption {
	return func(s *SMTP) { s.clk = c }
}

const implicitTLS = "implicit"

// NewSMTP returns a sender for the server that rawURL names:
//
//	smtp://user:pass@host:port?from=privacy@example.com&starttls=require
//	smtps://user:pass@host:465?from=Privacy%20Team%20%3Cprivacy@example.com%3E
//
// Parameters: from (required) is the sender, a bare address or "Name
// <address>"; starttls is require (the default), opportunistic or none
// (smtp:// only; smtps:// uses TLS from the first byte); helo is the name
// given in EHLO (default "localhost"). The port defaults to 587 for smtp://
// and 465 for smtps://. User and password are optional; when present they
// are sent with AUTH PLAIN (or LOGIN if that is all the server offers), and
// only over TLS or to the loopback interface.
func NewSMTP(rawURL string, opts ...SMTPOption) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse quotes the whole URL, password included: say less.
		return nil, fmt.Errorf("notify: SMTP URL: %w: malformed URL (are user and password percent-encoded?)", ErrConfig)
	}
	s := &SMTP{clk: clock.Real{}, helo: "localhost", redacted: u.Redacted()}
	bad := func(format string, args ...any) (*SMTP, error) {
		return nil, fmt.Errorf("notify: SMTP URL %s: %w: %s", s.redacted, ErrConfig, fmt.Sprintf(format, args...))
	}
	port := ""
	switch u.Scheme {
	case "smtp":
		port, s.mode = "587", StartTLSRequire
	case "smtps":
		port, s.mode = "465", implicitTLS
	default:
		return bad("scheme must be smtp or smtps, not %q", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return bad("no host")
	}
	if p := u.Port(); p != "" {
		port = p
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.Path != "" && u.Path != "/" {
		return bad("unexpected path %q", u.Path)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		s.auth = s.user != ""
	}
	q := u.Query()
	for k, v := range q {
		if len(v) != 1 {
			return bad("parameter %q given %d times", k, len(v))
		}
		switch k {
		case "from":
			from, err := mail.ParseAddress(v[0])
			if err != nil {
				return bad("from %q is not an email address", v[0])
			}
			s.from = from
		case "starttls":
			if u.Scheme == "smtps" {
				return bad("starttls does not apply to smtps, which is TLS throughout")
			}
			switch v[0] {
			case StartTLSRequire, StartTLSOpportunistic, StartTLSNone:
				s.mode = v[0]
			default:
				return bad("starttls must be require, opportunistic or none, not %q", v[0])
			}
		case "helo":
			if v[0] == "" || strings.ContainsAny(v[0], " \r\n") {
				return bad("helo %q is not a host name", v[0])
			}
			s.helo = v[0]
		default:
			return bad("unknown parameter %q (known: from, starttls, helo)", k)
		}
	}
	if s.from == nil {
		return bad("missing from parameter")
	}
	if s.auth && s.mode == StartTLSNone && !isLoopback(s.host) {
		return nil, fmt.Errorf("notify: SMTP URL %s: %w: starttls=none to remote host %s", s.redacted, ErrInsecureAuth, s.host)
	}
	for _, o := range opts {
		o(s)
	}
	if s.tlsConfig == nil {
		s.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = s.host
	}
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LogValue logs the server URL with its password redacted.
func (s *SMTP) LogValue() slog.Value { return slog.StringValue(s.redacted) }

// String returns the server URL with its password redacted.
func (s *SMTP) String() string { return s.redacted }

// GoString is String.
func (s *SMTP) GoString() string { return "notify.SMTP(" + s.redacted + ")" }

// Send sends m as one email. The returned [Delivery.ID] is the email's
// Message-ID. Errors are [*Error]s: [ErrInvalidMessage] before any
// connection, [ErrAuth], [ErrRecipientRefused], [ErrRejected],
// [ErrUnavailable] (SMTP 4xx), [ErrTLSUnavailable], [ErrInsecureAuth], or a
// network or context error.
func (s *SMTP) Send(ctx context.Context, m Message) (Delivery, error) {
	now := s.clk.Now()
	d := Delivery{Channel: ChannelEmail, ID: newMessageID(s.from.Address), At: now}
	rcpt, body, err := composeEmail(s.from, m, d.ID, now)
	if err != nil {
		return d, &Error{Channel: ChannelEmail, DeliveryID: d.ID, Op: "validate", Err: err}
	}
	d.Attempts = 1
	if err := s.send(ctx, rcpt, body); err != nil {
		err.Channel, err.DeliveryID, err.Attempts = ChannelEmail, d.ID, 1
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// The connection was closed under the exchange.
			err.Err, err.Reply, err.temporary = context.Cause(ctx), "", true
		}
		return d, err
	}
	return d, nil
}

// session is one SMTP conversation. Its fail method turns the client's
// errors into [*Error]s, keeping the server's reply text only until the
// recipient has been sent.
type session struct {
	rcptSent bool
}

func (s *SMTP) send(ctx context.Context, rcpt string, body []byte) *Error {
	// Connections close when this context ends: on return at the latest,
	// which also releases their context.AfterFunc registrations.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, tlsOn, e := s.connect(ctx)
	if e != nil {
		return e
	}
	defer c.Close()
	sess := &session{}

	if s.auth {
		if !tlsOn && !isLoopback(s.host) {
			return &Error{Op: "auth", Err: ErrInsecureAuth}
		}
		var mech sasl.Client
		switch {
		case c.SupportsAuth(sasl.Plain):
			mech = sasl.NewPlainClient("", s.user, s.pass)
		case c.SupportsAuth(sasl.Login):
			mech = sasl.NewLoginClient(s.user, s.pass)
		default:
			return &Error{Op: "auth", Err: fmt.Errorf("%w: server offers neither AUTH PLAIN nor LOGIN", ErrAuth)}
		}
		if err := c.Auth(mech); err != nil {
			return sess.fail("auth", err)
		}
	}
	var mopts *smtp.MailOptions
	if !isASCII(rcpt) || !isASCII(s.from.Address) {
		mopts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(s.from.Address, mopts); err != nil {
		return sess.fail("mail", err)
	}
	sess.rcptSent = true
	if err := c.Rcpt(rcpt, nil); err != nil {
		return sess.fail("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return sess.fail("data", err)
	}
	if _, err := w.Write(body); err != nil {
		w.Close()
		return sess.fail("data", err)
	}
	if err := w.Close(); err != nil {
		return sess.fail("data", err)
	}
	// The message is accepted once DATA is; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// connect dials the server, greets it and sets up TLS as configured. It
// reports whether the session is encrypted.
//
// go-smtp's client can upgrade a connection only as it opens it
// (NewClientStartTLS), not after looking at the server's extensions. So
// require mode upgrades at once, and opportunistic mode first looks on one
// connection and, when STARTTLS is offered, upgrades on a second.
func (s *SMTP) connect(ctx context.Context) (*smtp.Client, bool, *Error) {
	conn, e := s.dial(ctx)
	if e != nil {
		return nil, false, e
	}
	switch s.mode {
	case implicitTLS, StartTLSNone:
		c := smtp.NewClient(conn)
		if err := c.Hello(s.helo); err != nil {
			c.Close()
			return nil, false, (&session{}).fail("hello", err)
		}
		return c, s.mode == implicitTLS, nil
	case StartTLSOpportunistic:
		c := smtp.NewClient(conn)
		if err := c.Hello(s.helo); err != nil {
			c.Close()
			return nil, false, (&session{}).fail("hello", err)
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return c, false, nil
		}
		_ = c.Quit()
		c.Close()
		if conn, e = s.dial(ctx); e != nil {
			return nil, false, e
		}
	}
	c, err := smtp.NewClientStartTLS(conn, s.tlsConfig)
	if err != nil {
		e := (&session{}).fail("starttls", err)
		if e.Code == 0 && !e.temporary {
			// Neither a reply nor a network error: go-smtp's own
			// "server doesn't support STARTTLS".
			e.Err = fmt.Errorf("%w (%v)", ErrTLSUnavailable, err)
		}
		return nil, false, e
	}
	// NewClientStartTLS said EHLO as "localhost"; after the upgrade the
	// client says it again, now under the configured name. This is also
	// where the TLS handshake happens.
	if err := c.Hello(s.helo); err != nil {
		c.Close()
		return nil, false, (&session{}).fail("starttls", err)
	}
	return c, true, nil
}

// dial opens a TCP (or, for smtps, TLS) connection that closes when ctx ends:
// go-smtp sets its own per-command deadlines, so a cancelled or expired
// context ends the exchange by closing the connection under it.
func (s *SMTP) dial(ctx context.Context) (net.Conn, *Error) {
	var conn net.Conn
	var err error
	if s.mode == implicitTLS {
		td := tls.Dialer{NetDialer: &s.dialer, Config: s.tlsConfig}
		conn, err = td.DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = s.dialer.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return nil, (&session{}).fail("dial", err)
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	return conn, nil
}

// fail converts a client error into an [*Error].
func (sess *session) fail(op string, err error) *Error {
	e := &Error{Op: op}
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		var ne net.Error
		var ce *tls.CertificateVerificationError
		var ae tls.AlertError
		var ue x509.UnknownAuthorityError
		var he x509.HostnameError
		switch {
		case errors.As(err, &ce), errors.As(err, &ae), errors.As(err, &ue), errors.As(err, &he):
			// A TLS failure: it names certificates and hosts, and trying
			// again will not help.
			e.Err = err
		case errors.As(err, &ne), errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			e.Err, e.temporary = err, true
		case sess.rcptSent:
			// The client's own complaints about the recipient or the
			// message (a line break in an address) are replaced.
			e.Err = fmt.Errorf("%w: refused by the SMTP client", ErrInvalidMessage)
		default:
			e.Err = err
		}
		return e
	}
	e.Code = se.Code
	if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode != smtp.NoEnhancedCode {
		e.Enhanced = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	if !sess.rcptSent {
		e.Reply = capReply(se.Message)
	}
	e.temporary = se.Code/100 == 4
	switch {
	case op == "auth" && !e.temporary:
		e.Err = ErrAuth
	case op == "rcpt":
		e.Err = ErrRecipientRefused
	case e.temporary:
		e.Err = ErrUnavailable
	default:
		e.Err = ErrRejected
	}
	return e
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// composeEmail validates m and renders it as a MIME message. It returns the
// envelope recipient and the message bytes.
func composeEmail(from *mail.Address, m Message, id string, now time.Time) (string, []byte, error) {
	to, err := parseRecipient(m.To)
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := writeEmail(&buf, from, to, m, id, now); err != nil {
		return "", nil, err
	}
	return to.Address, buf.Bytes(), nil
}
