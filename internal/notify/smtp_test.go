package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/notify"
)

var epoch = time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC)

// parsedMail is a received message read back with go-message.
type parsedMail struct {
	From, To        []*gomail.Address
	Subject         string
	MessageID       string
	Date            time.Time
	Lang, AutoSub   string
	Parts           map[string]string // content type → decoded body
	TransferEncoded []string
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading message: %v\n%s", err, data)
	}
	var p parsedMail
	if p.From, err = r.Header.AddressList("From"); err != nil {
		t.Fatal(err)
	}
	if p.To, err = r.Header.AddressList("To"); err != nil {
		t.Fatal(err)
	}
	if p.Subject, err = r.Header.Subject(); err != nil {
		t.Fatal(err)
	}
	if p.MessageID, err = r.Header.MessageID(); err != nil {
		t.Fatal(err)
	}
	if p.Date, err = r.Header.Date(); err != nil {
		t.Fatal(err)
	}
	p.Lang, p.AutoSub = r.Header.Get("Content-Language"), r.Header.Get("Auto-Submitted")
	p.Parts = map[string]string{}
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		h, ok := part.Header.(*gomail.InlineHeader)
		if !ok {
			t.Fatalf("unexpected attachment")
		}
		ct, params, err := h.ContentType()
		if err != nil {
			t.Fatal(err)
		}
		if params["charset"] != "utf-8" {
			t.Errorf("%s charset = %q, want utf-8", ct, params["charset"])
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatal(err)
		}
		p.Parts[ct] = string(body)
		p.TransferEncoded = append(p.TransferEncoded, h.Get("Content-Transfer-Encoding"))
	}
	return p
}

func smtpURL(addr, user, pass, query string) string {
	u := url.URL{Scheme: "smtp", Host: addr, RawQuery: query}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	return u.String()
}

func TestSMTPSendsEnglishAndChinese(t *testing.T) {
	srv := &mailServer{user: "trustee", pass: "p@ss:word/1"}
	addr := startMailServer(t, srv, serverOpts{})
	clk := clock.NewFake(epoch)
	from := url.QueryEscape("隐私团队 <privacy@example.com>")
	s, err := notify.NewSMTP(smtpURL(addr, srv.user, srv.pass, "from="+from+"&starttls=none&helo=trustee.example.com"), notify.WithSMTPClock(clk))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		msg   notify.Message
		rcpt  string
		rname string
	}{{
		name: "english text",
		msg: notify.Message{
			To:      "alice@example.org",
			Subject: "Your access request is complete",
			Text:    "Hello,\r\n\r\nYour copy of your data is ready. It is a long line that goes on and on so that quoted-printable must fold it somewhere past seventy-six characters.\r\n",
			Lang:    "en",
		},
		rcpt: "alice@example.org",
	}, {
		name: "chinese text and html",
		msg: notify.Message{
			To:      "张三 <zhangsan@example.cn>",
			Subject: "您的个人信息查阅请求已处理完毕（请求编号 R-0001）",
			Text:    "您好：\r\n我们已在15个工作日内完成您的查阅请求。如有疑问，请联系我们。\r\n",
			HTML:    "<p>您好：</p><p>我们已在15个工作日内完成您的查阅请求。</p>",
			Lang:    "zh-CN",
		},
		rcpt:  "zhangsan@example.cn",
		rname: "张三",
	}}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Send(context.Background(), tt.msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if d.Channel != notify.ChannelEmail || d.Attempts != 1 || !d.At.Equal(epoch) || !strings.HasSuffix(d.ID, "@example.com") {
				t.Errorf("delivery = %+v", d)
			}
			got := srv.received()
			if len(got) != i+1 {
				t.Fatalf("server holds %d messages, want %d", len(got), i+1)
			}
			rm := got[i]
			if rm.From != "privacy@example.com" || len(rm.To) != 1 || rm.To[0] != tt.rcpt {
				t.Errorf("envelope from %q to %q", rm.From, rm.To)
			}
			if rm.Helo != "trustee.example.com" {
				t.Errorf("EHLO name %q", rm.Helo)
			}
			for _, c := range rm.Data {
				if c >= 0x80 {
					t.Fatalf("message is not 7-bit:\n%s", rm.Data)
				}
			}
			p := parseMail(t, rm.Data)
			if len(p.From) != 1 || p.From[0].Address != "privacy@example.com" || p.From[0].Name != "隐私团队" {
				t.Errorf("From = %v", p.From)
			}
			if len(p.To) != 1 || p.To[0].Address != tt.rcpt || p.To[0].Name != tt.rname {
				t.Errorf("To = %v", p.To)
			}
			if p.Subject != tt.msg.Subject {
				t.Errorf("Subject = %q, want %q", p.Subject, tt.msg.Subject)
			}
			if p.MessageID != d.ID {
				t.Errorf("Message-ID %q, delivery ID %q", p.MessageID, d.ID)
			}
			if !p.Date.Equal(epoch) {
				t.Errorf("Date = %v", p.Date)
			}
			if p.Lang != tt.msg.Lang || p.AutoSub != "auto-generated" {
				t.Errorf("Content-Language %q, Auto-Submitted %q", p.Lang, p.AutoSub)
			}
			if p.Parts["text/plain"] != tt.msg.Text {
				t.Errorf("text body = %q, want %q", p.Parts["text/plain"], tt.msg.Text)
			}
			if p.Parts["text/html"] != tt.msg.HTML {
				t.Errorf("html body = %q, want %q", p.Parts["text/html"], tt.msg.HTML)
			}
			for _, enc := range p.TransferEncoded {
				if enc != "quoted-printable" {
					t.Errorf("Content-Transfer-Encoding %q", enc)
				}
			}
		})
	}
}

func TestSMTPHTMLOnly(t *testing.T) {
	srv := &mailServer{}
	addr := startMailServer(t, srv, serverOpts{})
	s, err := notify.NewSMTP(smtpURL(addr, "", "", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Message{To: "bob@example.org", Subject: "Hi", HTML: "<p>Hi</p>"}
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, srv.received()[0].Data)
	// SMTP ends the data with a line break if the message does not.
	if len(p.Parts) != 1 || strings.TrimSuffix(p.Parts["text/html"], "\r\n") != m.HTML {
		t.Errorf("parts = %q", p.Parts)
	}
}

// assertNoPersonalData fails if err's text holds any of the secrets.
func assertNoPersonalData(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q reveals %q", err, s)
		}
	}
}

func TestSMTPAuthFailure(t *testing.T) {
	srv := &mailServer{user: "trustee", pass: "right"}
	addr := startMailServer(t, srv, serverOpts{})
	s, err := notify.NewSMTP(smtpURL(addr, "trustee", "wrong", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Message{To: "carol@example.org", Subject: "code 123456", Text: "Your code is 123456"}
	d, err := s.Send(context.Background(), m)
	if !errors.Is(err, notify.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	var e *notify.Error
	if !errors.As(err, &e) || e.Op != "auth" || e.Code != 535 || e.Enhanced != "5.7.8" || e.Temporary() || e.DeliveryID != d.ID {
		t.Errorf("error = %#v", e)
	}
	if !strings.Contains(err.Error(), d.ID) {
		t.Errorf("error %q does not name delivery %s", err, d.ID)
	}
	assertNoPersonalData(t, err, "carol", "123456", "wrong")
	if n := len(srv.received()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSMTPRecipientRefused(t *testing.T) {
	srv := &mailServer{refuse: "nobody@example.org"}
	addr := startMailServer(t, srv, serverOpts{})
	s, err := notify.NewSMTP(smtpURL(addr, "", "", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Send(context.Background(), notify.Message{To: "Nobody Here <nobody@example.org>", Subject: "Breach notice", Text: "Your data was exposed."})
	if !errors.Is(err, notify.ErrRecipientRefused) {
		t.Fatalf("err = %v, want ErrRecipientRefused", err)
	}
	var e *notify.Error
	if !errors.As(err, &e) || e.Op != "rcpt" || e.Code != 550 || e.Enhanced != "5.1.1" || e.Reply != "" || e.Temporary() {
		t.Errorf("error = %#v", e)
	}
	if !strings.Contains(err.Error(), d.ID) {
		t.Errorf("error %q does not name delivery %s", err, d.ID)
	}
	assertNoPersonalData(t, err, "nobody", "Nobody Here", "Breach notice", "exposed")
}

func TestSMTPTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	tests := []struct {
		name     string
		scheme   string
		mode     string
		offer    bool // server offers STARTTLS
		implicit bool
		wantTLS  bool
		wantErr  error
	}{
		{name: "require upgrades", scheme: "smtp", mode: "require", offer: true, wantTLS: true},
		{name: "default is require", scheme: "smtp", mode: "", offer: true, wantTLS: true},
		{name: "require without offer fails", scheme: "smtp", mode: "require", wantErr: notify.ErrTLSUnavailable},
		{name: "opportunistic upgrades", scheme: "smtp", mode: "opportunistic", offer: true, wantTLS: true},
		{name: "opportunistic falls back", scheme: "smtp", mode: "opportunistic", wantTLS: false},
		{name: "none stays in clear", scheme: "smtp", mode: "none", offer: true, wantTLS: false},
		{name: "smtps", scheme: "smtps", implicit: true, wantTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &mailServer{user: "trustee", pass: "secret"}
			var o serverOpts
			if tt.offer || tt.implicit {
				o = serverOpts{tls: serverTLS, implicit: tt.implicit}
			}
			addr := startMailServer(t, srv, o)
			q := "from=privacy@example.com&helo=trustee.example.com"
			if tt.mode != "" {
				q += "&starttls=" + tt.mode
			}
			u := url.URL{Scheme: tt.scheme, User: url.UserPassword("trustee", "secret"), Host: addr, RawQuery: q}
			s, err := notify.NewSMTP(u.String(), notify.WithTLSConfig(clientTLS))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Send(context.Background(), notify.Message{To: "dave@example.org", Subject: "s", Text: "t"})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := srv.received()
			if len(got) != 1 || got[0].TLS != tt.wantTLS {
				t.Fatalf("received %+v, want one message with TLS=%v", got, tt.wantTLS)
			}
			if got[0].Helo != "trustee.example.com" {
				t.Errorf("EHLO name %q", got[0].Helo)
			}
		})
	}
}

func TestSMTPUntrustedCertificate(t *testing.T) {
	serverTLS, _ := selfSigned(t)
	srv := &mailServer{}
	addr := startMailServer(t, srv, serverOpts{tls: serverTLS})
	s, err := notify.NewSMTP(smtpURL(addr, "", "", "from=privacy@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), notify.Message{To: "erin@example.org", Text: "t"})
	var e *notify.Error
	if !errors.As(err, &e) || e.Op != "starttls" || e.Temporary() {
		t.Fatalf("err = %v, want a final starttls error", err)
	}
	assertNoPersonalData(t, err, "erin")
}

func TestSMTPContextEndsHungExchange(t *testing.T) {
	// A server that accepts and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s, err := notify.NewSMTP(smtpURL(ln.Addr().String(), "", "", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Send(ctx, notify.Message{To: "frank@example.org", Text: "t"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Send returned after %v", el)
	}
	var e *notify.Error
	if !errors.As(err, &e) || !e.Temporary() {
		t.Errorf("error %#v should be temporary", e)
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := notify.NewSMTP(smtpURL(addr, "", "", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), notify.Message{To: "gina@example.org", Text: "t"})
	var e *notify.Error
	if !errors.As(err, &e) || e.Op != "dial" || !e.Temporary() {
		t.Fatalf("err = %v, want a temporary dial error", err)
	}
	assertNoPersonalData(t, err, "gina")
}

func TestSMTPInvalidMessage(t *testing.T) {
	srv := &mailServer{}
	addr := startMailServer(t, srv, serverOpts{})
	s, err := notify.NewSMTP(smtpURL(addr, "", "", "from=privacy@example.com&starttls=none"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]notify.Message{
		"no recipient":        {Text: "t"},
		"not an address":      {To: "harry at example dot org", Text: "t"},
		"two addresses":       {To: "harry@example.org, ivy@example.org", Text: "t"},
		"no body":             {To: "harry@example.org", Subject: "s"},
		"line break in title": {To: "harry@example.org", Subject: "s\r\nBcc: evil@example.net", Text: "t"},
		"bad language":        {To: "harry@example.org", Text: "t", Lang: "en\r\nX: y"},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := s.Send(context.Background(), m)
			if !errors.Is(err, notify.ErrInvalidMessage) {
				t.Fatalf("err = %v, want ErrInvalidMessage", err)
			}
			if d.Attempts != 0 {
				t.Errorf("attempts = %d", d.Attempts)
			}
			assertNoPersonalData(t, err, "harry", "ivy")
		})
	}
	if n := len(srv.received()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	tests := map[string]struct {
		url  string
		want error
	}{
		"no from":             {"smtp://mx.example.com", notify.ErrConfig},
		"bad from":            {"smtp://mx.example.com?from=nobody", notify.ErrConfig},
		"bad scheme":          {"http://mx.example.com?from=a@example.com", notify.ErrConfig},
		"no host":             {"smtp://?from=a@example.com", notify.ErrConfig},
		"unknown parameter":   {"smtp://mx.example.com?from=a@example.com&tls=yes", notify.ErrConfig},
		"bad starttls":        {"smtp://mx.example.com?from=a@example.com&starttls=maybe", notify.ErrConfig},
		"starttls with smtps": {"smtps://mx.example.com?from=a@example.com&starttls=none", notify.ErrConfig},
		"repeated parameter":  {"smtp://mx.example.com?from=a@example.com&from=b@example.com", notify.ErrConfig},
		"clear credentials":   {"smtp://u:hunter2@mx.example.com?from=a@example.com&starttls=none", notify.ErrInsecureAuth},
		"malformed":           {"smtp://u:hun%zzter2@mx.example.com?from=a@example.com", notify.ErrConfig},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := notify.NewSMTP(tt.url)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			assertNoPersonalData(t, err, "hunter2", "hun%zzter2")
		})
	}

	s, err := notify.NewSMTP("smtp://trustee:hunter2@mx.example.com?from=a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{s.String(), fmt.Sprintf("%v %+v %#v", s, s, s), s.LogValue().String()} {
		if strings.Contains(out, "hunter2") || !strings.Contains(out, "mx.example.com") {
			t.Errorf("printed as %q", out)
		}
	}
	// Credentials in clear to the loopback interface are allowed.
	if _, err := notify.NewSMTP("smtp://u:p@127.0.0.1:2525?from=a@example.com&starttls=none"); err != nil {
		t.Errorf("loopback: %v", err)
	}
}
