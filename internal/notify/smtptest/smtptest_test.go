package smtptest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/notify/smtptest"
)

func send(t *testing.T, rawURL string, m notify.Message, opts ...notify.SMTPOption) error {
	t.Helper()
	s, err := notify.NewSMTP(rawURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(t.Context(), m)
	return err
}

func TestReadsBackDecodedMessage(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	err := send(t, srv.URL("Privacy <privacy@example.com>"), notify.Message{
		To:      "李雷 <lilei@example.cn>",
		Subject: "您的验证码",
		Text:    "您的验证码是 314159，10 分钟内有效。\n第二行 = 等号。",
		HTML:    "<p>您的验证码是 <b>314159</b></p>",
		Lang:    "zh",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "lilei@example.cn")
	if m.From != "privacy@example.com" || len(m.To) != 1 || m.To[0] != "lilei@example.cn" {
		t.Errorf("envelope = %q → %q", m.From, m.To)
	}
	if m.Subject != "您的验证码" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != "您的验证码是 314159，10 分钟内有效。\n第二行 = 等号。" { // CRLF on the wire
		t.Errorf("Text = %q", m.Text)
	}
	if m.HTML != "<p>您的验证码是 <b>314159</b></p>" {
		t.Errorf("HTML = %q", m.HTML)
	}
	if len(m.Parts) != 2 || m.Parts[0].ContentType != "text/plain" || m.Parts[1].ContentType != "text/html" {
		t.Errorf("Parts = %+v", m.Parts)
	}
	if got := m.Header.Get("Content-Language"); got != "zh" {
		t.Errorf("Content-Language = %q", got)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "李雷" {
		t.Errorf("To header = %v, %v", to, err)
	}
	// The raw bytes are encoded for 7-bit transport, so the decoding above
	// is the parser's work, not a copy.
	if strings.Contains(string(m.Raw), "验证码") {
		t.Errorf("raw message holds unencoded UTF-8; the test would not exercise decoding:\n%s", m.Raw)
	}
	if m.TLS || m.Auth || m.Helo != "localhost" {
		t.Errorf("TLS=%v Auth=%v Helo=%q", m.TLS, m.Auth, m.Helo)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("Messages() has %d, want 1", n)
	}
}

func TestNextReturnsEachMessageOncePerAddress(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	u := srv.URL("privacy@example.com")
	for i, to := range []string{"a@example.com", "b@example.com", "A@Example.com"} {
		if err := send(t, u, notify.Message{To: to, Subject: fmt.Sprint("n", i), Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.WaitFor(t, "b@example.com").Subject; got != "n1" {
		t.Errorf("b's first = %q, want n1", got)
	}
	if got := srv.WaitFor(t, "a@example.com").Subject; got != "n0" {
		t.Errorf("a's first = %q, want n0", got)
	}
	if got := srv.WaitFor(t, "a@example.com").Subject; got != "n2" {
		t.Errorf("a's second = %q, want n2 (addresses compare without case)", got)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if m, err := srv.Next(ctx, "a@example.com"); !errors.Is(err, context.Canceled) {
		t.Errorf("Next after all read = %v, %v; want context.Canceled", m, err)
	}
}

func TestNextWaitsForArrival(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	var wg sync.WaitGroup
	var got *smtptest.Message
	wg.Go(func() { got = srv.WaitFor(t, "late@example.com") })
	if err := send(t, srv.URL("privacy@example.com"), notify.Message{To: "late@example.com", Subject: "late", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got == nil || got.Subject != "late" {
		t.Fatalf("got %+v", got)
	}
}

func TestCloseWakesWaiters(t *testing.T) {
	srv, err := smtptest.Listen(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := srv.Next(t.Context(), "nobody@example.com")
		done <- err
	}()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, smtptest.ErrClosed) {
		t.Errorf("Next = %v, want ErrClosed", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestAuthAndTLS(t *testing.T) {
	serverTLS, clientTLS := smtptest.SelfSigned(t)
	tests := []struct {
		name    string
		opts    smtptest.Options
		wantTLS bool
	}{
		{"auth in clear on loopback", smtptest.Options{Username: "u", Password: "p w"}, false},
		{"starttls", smtptest.Options{Username: "u", Password: "p", TLS: serverTLS}, true},
		{"implicit tls", smtptest.Options{TLS: serverTLS, ImplicitTLS: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts)
			err := send(t, srv.URL("privacy@example.com"), notify.Message{To: "a@example.com", Subject: "s", Text: "t"}, notify.WithTLSConfig(clientTLS))
			if err != nil {
				t.Fatal(err)
			}
			m := srv.WaitFor(t, "a@example.com")
			if m.TLS != tt.wantTLS || m.Auth != (tt.opts.Username != "") {
				t.Errorf("TLS=%v Auth=%v", m.TLS, m.Auth)
			}
		})
	}
}

func TestAuthRefused(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "right"})
	u := strings.Replace(srv.URL("privacy@example.com"), ":right@", ":wrong@", 1)
	if err := send(t, u, notify.Message{To: "a@example.com", Subject: "s", Text: "t"}); !errors.Is(err, notify.ErrAuth) {
		t.Errorf("wrong password: %v, want ErrAuth", err)
	}
	noAuth := strings.Replace(srv.URL("privacy@example.com"), "u:right@", "", 1)
	if err := send(t, noAuth, notify.Message{To: "a@example.com", Subject: "s", Text: "t"}); !errors.Is(err, notify.ErrRejected) {
		t.Errorf("no credentials: %v, want ErrRejected (530)", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages accepted", n)
	}
}

func TestRecipientRefused(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Recipient: func(to string) error {
		switch to {
		case "gone@example.com":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + "> unknown"}
		case "full@example.com":
			return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "mailbox full"}
		}
		return nil
	}})
	u := srv.URL("privacy@example.com")
	err := send(t, u, notify.Message{To: "gone@example.com", Subject: "s", Text: "t"})
	if !errors.Is(err, notify.ErrRecipientRefused) {
		t.Errorf("gone: %v", err)
	}
	var ne *notify.Error
	if !errors.As(err, &ne) || ne.Code != 550 || ne.Enhanced != "5.1.1" {
		t.Errorf("gone: %#v", err)
	}
	err = send(t, u, notify.Message{To: "full@example.com", Subject: "s", Text: "t"})
	if !errors.As(err, &ne) || ne.Code != 452 || !ne.Temporary() {
		t.Errorf("full: %v", err)
	}
	if err := send(t, u, notify.Message{To: "ok@example.com", Subject: "s", Text: "t"}); err != nil {
		t.Errorf("ok: %v", err)
	}
}

// A message with an attachment and a GB 18030 body, sent with go-smtp's
// client as another mail program would.
func TestParsesCharsetsAndAttachments(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	raw := "From: a@example.com\r\n" +
		"To: b@example.com\r\n" +
		"Subject: =?GB18030?B?0enWpMLr?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=XX\r\n" +
		"\r\n" +
		"--XX\r\n" +
		"Content-Type: text/plain; charset=GB18030\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"0enWpMLr\r\n" +
		"--XX\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Disposition: attachment; filename=export.json\r\n" +
		"\r\n" +
		"{\"a\":1}\r\n" +
		"--XX--\r\n"
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("a@example.com", []string{"b@example.com"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "b@example.com")
	if m.Subject != "验证码" || m.Text != "验证码" {
		t.Errorf("Subject = %q, Text = %q; want 验证码 decoded from GB 18030", m.Subject, m.Text)
	}
	if len(m.Parts) != 2 || !m.Parts[1].Attachment || m.Parts[1].Filename != "export.json" || string(m.Parts[1].Body) != `{"a":1}` {
		t.Errorf("Parts = %+v", m.Parts)
	}
}

func TestParseError(t *testing.T) {
	m, err := smtptest.Parse([]byte("Content-Type: multipart/mixed\r\n\r\nno boundary"))
	if err == nil || m.ParseErr == nil {
		t.Errorf("Parse of a multipart without boundary = %v", err)
	}
}

func TestURL(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "user", Password: "p@ss word"})
	u := srv.URL("Privacy Team <privacy@example.com>")
	if !strings.HasPrefix(u, "smtp://user:p%40ss%20word@127.0.0.1:") || !strings.Contains(u, "starttls=none") {
		t.Errorf("URL = %s", u)
	}
	if _, err := notify.NewSMTP(u); err != nil {
		t.Errorf("NewSMTP(URL) = %v", err)
	}
}
