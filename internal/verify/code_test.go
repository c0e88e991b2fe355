package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/notify/smtptest"
	"github.com/trustee-dev/trustee/internal/verify"
)

var epoch = time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC)

const (
	tenant    = "acme"
	requestID = "0192a6c4-7d1e-7c3a-9f00-000000000001"
	product   = "Acme 阅读"
	gwToken   = "gw-secret-token"
)

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// gateway is an HTTP SMS gateway speaking notify.SMS's protocol: it checks
// the bearer token and the JSON strictly and keeps what it accepts.
type gateway struct {
	mu   sync.Mutex
	msgs []smsMsg
}

type smsMsg struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want a JSON POST", http.StatusUnsupportedMediaType)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+gwToken {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Idempotency-Key") == "" {
		http.Error(w, "no Idempotency-Key", http.StatusBadRequest)
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	var m smsMsg
	if err := dec.Decode(&m); err != nil || m.To == "" || m.Text == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.msgs = append(g.msgs, m)
	n := len(g.msgs)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, `{"id":"gw-%d"}`, n)
}

func (g *gateway) last(t *testing.T) smsMsg {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.msgs) == 0 {
		t.Fatal("the gateway received no message")
	}
	return g.msgs[len(g.msgs)-1]
}

type rig struct {
	v    *verify.Verifier
	mail *smtptest.Server
	gw   *gateway
	clk  *clock.Fake
}

// newRig returns a Verifier sending email through a real SMTP server and
// SMS through an HTTP gateway, on a fake clock.
func newRig(t testing.TB) *rig {
	t.Helper()
	clk := clock.NewFake(epoch)
	mail := smtptest.Start(t, smtptest.Options{Username: "trustee", Password: "smtp-pass",
		Recipient: func(to string) error {
			if strings.HasPrefix(to, "gone@") {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + "> unknown"}
			}
			return nil
		}})
	email, err := notify.NewSMTP(mail.URL("Acme Privacy <privacy@acme.example>"), notify.WithSMTPClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	gw := &gateway{}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	return &rig{
		v: &verify.Verifier{
			Email: email,
			SMS:   notify.NewSMSGateway(srv.URL+"/v1/messages", gwToken, srv.Client(), notify.WithSMSClock(clk)),
			Clock: clk,
			Key:   bytes.Repeat([]byte{0x5a}, 32),
		},
		mail: mail, gw: gw, clk: clk,
	}
}

func emailReq(to, lang string) verify.CodeRequest {
	return verify.CodeRequest{Tenant: tenant, RequestID: requestID, Method: verify.MethodEmail, To: to, Lang: lang, Product: product}
}

func smsReq(to, lang string) verify.CodeRequest {
	return verify.CodeRequest{Tenant: tenant, RequestID: requestID, Method: verify.MethodSMS, To: to, Lang: lang, Product: product}
}

// sendEmail sends a code by email and reads it back from the server.
func (r *rig) sendEmail(t *testing.T, ch *verify.Challenge, to, lang string) (code string, m *smtptest.Message) {
	t.Helper()
	if _, err := r.v.Send(t.Context(), ch, emailReq(to, lang)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	m = r.mail.WaitFor(t, to)
	codes := codeRE.FindAllString(m.Text, -1)
	if len(codes) != 1 {
		t.Fatalf("want one code in the body, found %q:\n%s", codes, m.Text)
	}
	return codes[0], m
}

func TestEmailCode(t *testing.T) {
	tests := []struct {
		lang, wantLang      string
		subject             string
		bodyHas             []string
		validity            string
		ttl                 time.Duration
		wantTTLInExpiration time.Duration
	}{
		{"en", "en", "Acme 阅读: verification code for your privacy request",
			[]string{"You made a request to Acme 阅读", "enter this code"}, "valid for 10 minutes", 0, 10 * time.Minute},
		{"zh-CN", "zh", "Acme 阅读：个人信息权利请求验证码",
			[]string{"您向Acme 阅读提交了一项个人信息权利请求", "请勿将验证码告诉任何人"}, "验证码 15 分钟内有效", 15 * time.Minute, 15 * time.Minute},
		{"fr", "en", "Acme 阅读: verification code for your privacy request",
			[]string{"If you did not make this request"}, "valid for 1 minute.", 30 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := newRig(t)
			r.v.TTL = tt.ttl
			var ch verify.Challenge
			code, m := r.sendEmail(t, &ch, "lilei@example.cn", tt.lang)

			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if strings.Contains(m.Subject, code) {
				t.Errorf("the code is in the subject line")
			}
			for _, s := range append(tt.bodyHas, tt.validity) {
				if !strings.Contains(m.Text, s) {
					t.Errorf("body lacks %q:\n%s", s, m.Text)
				}
			}
			if got := m.Header.Get("Content-Language"); got != tt.wantLang {
				t.Errorf("Content-Language = %q, want %q", got, tt.wantLang)
			}
			if !m.Auth {
				t.Errorf("the message was sent without SMTP AUTH")
			}
			if ch.Method != verify.MethodEmail || ch.Sends != 1 || !ch.ExpiresAt.Equal(epoch.Add(tt.wantTTLInExpiration)) {
				t.Errorf("challenge = %+v", ch)
			}
			if err := r.v.Check(&ch, tenant, requestID, code); err != nil {
				t.Fatalf("Check(right code) = %v", err)
			}
			if !ch.Verified() || !ch.VerifiedAt.Equal(epoch) || ch.CodeHash != nil {
				t.Errorf("after Check: %+v", ch)
			}
			if err := r.v.Check(&ch, tenant, requestID, code); !errors.Is(err, verify.ErrAlreadyVerified) {
				t.Errorf("Check again = %v, want ErrAlreadyVerified", err)
			}
			if _, err := r.v.Send(t.Context(), &ch, emailReq("lilei@example.cn", tt.lang)); !errors.Is(err, verify.ErrAlreadyVerified) {
				t.Errorf("Send after verified = %v, want ErrAlreadyVerified", err)
			}
		})
	}
}

func TestSMSCode(t *testing.T) {
	for _, tt := range []struct{ lang, prefix, validity string }{
		{"zh", "【Acme 阅读】您的个人信息权利请求验证码为 ", "10 分钟内有效"},
		{"en", "Acme 阅读: your verification code", "valid for 10 minutes"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			r := newRig(t)
			var ch verify.Challenge
			d, err := r.v.Send(t.Context(), &ch, smsReq("+8613800138000", tt.lang))
			if err != nil {
				t.Fatal(err)
			}
			if d.Channel != notify.ChannelSMS || d.ID != "gw-1" {
				t.Errorf("delivery = %+v", d)
			}
			got := r.gw.last(t)
			if got.To != "+8613800138000" || !strings.HasPrefix(got.Text, tt.prefix) || !strings.Contains(got.Text, tt.validity) {
				t.Errorf("SMS = %+v", got)
			}
			code := codeRE.FindString(got.Text)
			if err := r.v.Check(&ch, tenant, requestID, code); err != nil {
				t.Fatalf("Check = %v", err)
			}
		})
	}
}

func TestCodeIsBoundToTenantAndRequest(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	code, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	if err := r.v.Check(&ch, tenant, "another-request", code); !errors.Is(err, verify.ErrWrongCode) {
		t.Errorf("other request: %v", err)
	}
	if err := r.v.Check(&ch, "other-tenant", requestID, code); !errors.Is(err, verify.ErrWrongCode) {
		t.Errorf("other tenant: %v", err)
	}
	other := *r.v
	other.Key = bytes.Repeat([]byte{0xa5}, 32)
	if err := other.Check(&ch, tenant, requestID, code); !errors.Is(err, verify.ErrWrongCode) {
		t.Errorf("other key: %v", err)
	}
	if err := r.v.Check(&ch, tenant, requestID, code); err != nil {
		t.Errorf("right code after 3 wrong: %v", err)
	}
}

func TestWrongCodesLock(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	code, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	for i := 1; i < verify.DefaultMaxAttempts; i++ {
		err := r.v.Check(&ch, tenant, requestID, wrong)
		if !errors.Is(err, verify.ErrWrongCode) {
			t.Fatalf("try %d: %v, want ErrWrongCode", i, err)
		}
		if want := fmt.Sprintf("%d of 5 tries left", 5-i); !strings.Contains(err.Error(), want) {
			t.Errorf("try %d: %q does not say %q", i, err, want)
		}
		if ch.Attempts != i || r.v.TriesLeft(&ch) != 5-i {
			t.Errorf("try %d: Attempts %d, TriesLeft %d", i, ch.Attempts, r.v.TriesLeft(&ch))
		}
	}
	if err := r.v.Check(&ch, tenant, requestID, wrong); !errors.Is(err, verify.ErrLocked) {
		t.Fatalf("last try: %v, want ErrLocked", err)
	}
	if !ch.Locked || ch.CodeHash != nil || r.v.TriesLeft(&ch) != 0 {
		t.Errorf("after lock: %+v", ch)
	}
	// Locked: even the right code fails, and no new code can be sent.
	if err := r.v.Check(&ch, tenant, requestID, code); !errors.Is(err, verify.ErrLocked) {
		t.Errorf("right code after lock: %v", err)
	}
	if _, err := r.v.Send(t.Context(), &ch, emailReq("a@example.com", "en")); !errors.Is(err, verify.ErrLocked) {
		t.Errorf("Send after lock: %v", err)
	}
	if n := len(r.mail.Messages()); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
}

// Tries are counted across resends: a new code does not restore them.
func TestAttemptsSurviveResend(t *testing.T) {
	r := newRig(t)
	r.v.MaxAttempts = 3
	var ch verify.Challenge
	first, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	wrong := fmt.Sprintf("%06d", (atoi(first)+1)%1_000_000)
	for range 2 {
		if err := r.v.Check(&ch, tenant, requestID, wrong); !errors.Is(err, verify.ErrWrongCode) {
			t.Fatal(err)
		}
	}
	second, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	if second == first {
		// One chance in a million; the old code must be dead either way.
		t.Log("the same code was drawn twice")
	} else if err := r.v.Check(&ch, tenant, requestID, first); !errors.Is(err, verify.ErrLocked) {
		t.Fatalf("old code after resend, third wrong try: %v, want ErrLocked", err)
	}
}

func TestResendReplacesCode(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	first, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	second, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	if first != second {
		if err := r.v.Check(&ch, tenant, requestID, first); !errors.Is(err, verify.ErrWrongCode) {
			t.Errorf("first code after resend: %v, want ErrWrongCode", err)
		}
	}
	if err := r.v.Check(&ch, tenant, requestID, second); err != nil {
		t.Errorf("second code: %v", err)
	}
}

func TestSendLimit(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	for i := range verify.DefaultMaxSends {
		if i == 1 {
			// Switching channel shares the quota.
			if _, err := r.v.Send(t.Context(), &ch, smsReq("+8613800138000", "zh")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r.sendEmail(t, &ch, "a@example.com", "en")
	}
	if r.v.SendsLeft(&ch) != 0 {
		t.Errorf("SendsLeft = %d", r.v.SendsLeft(&ch))
	}
	_, err := r.v.Send(t.Context(), &ch, emailReq("a@example.com", "en"))
	if !errors.Is(err, verify.ErrTooManySends) {
		t.Fatalf("fourth Send: %v, want ErrTooManySends", err)
	}
	if n := len(r.mail.Messages()); n != 2 {
		t.Errorf("%d emails sent, want 2", n)
	}
}

func TestExpiry(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	code, _ := r.sendEmail(t, &ch, "a@example.com", "en")
	r.clk.Advance(10*time.Minute - time.Microsecond)
	c2 := ch
	if err := r.v.Check(&c2, tenant, requestID, code); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
	r.clk.Advance(time.Microsecond)
	if err := r.v.Check(&ch, tenant, requestID, code); !errors.Is(err, verify.ErrExpired) {
		t.Fatalf("at expiry: %v, want ErrExpired", err)
	}
	if ch.Attempts != 0 {
		t.Errorf("an expired code counted a try")
	}
	code, _ = r.sendEmail(t, &ch, "a@example.com", "en")
	if err := r.v.Check(&ch, tenant, requestID, code); err != nil {
		t.Errorf("new code after expiry: %v", err)
	}
}

func TestTypedCodes(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge
	code, _ := r.sendEmail(t, &ch, "a@example.com", "zh")
	fullWidth := strings.Map(func(c rune) rune { return c - '0' + '０' }, code)
	for _, typed := range []string{
		code[:3] + " " + code[3:],
		" " + code[:3] + "-" + code[3:] + "\n",
		fullWidth,
	} {
		c := ch
		if err := r.v.Check(&c, tenant, requestID, typed); err != nil {
			t.Errorf("Check(%q) = %v", typed, err)
		}
	}
	for _, typed := range []string{"", "12345", "1234567", "12345a", "一二三四五六", strings.Repeat("1", 100), "١٢٣٤٥٦"} {
		c := ch
		if err := r.v.Check(&c, tenant, requestID, typed); !errors.Is(err, verify.ErrMalformedCode) {
			t.Errorf("Check(%q) = %v, want ErrMalformedCode", typed, err)
		}
		if c.Attempts != 0 {
			t.Errorf("Check(%q) counted a try", typed)
		}
	}
}

// The code appears neither in errors nor in the stored challenge; the
// address appears in no error.
func TestNoCodeOrAddressLeaks(t *testing.T) {
	r := newRig(t)
	r.v.MaxAttempts = 2
	var ch verify.Challenge
	const addr = "leak-check@example.com"
	code, _ := r.sendEmail(t, &ch, addr, "en")
	var errs []error
	wrong := fmt.Sprintf("%06d", (atoi(code)+7)%1_000_000)
	errs = append(errs, r.v.Check(&ch, tenant, requestID, wrong))
	stored := ch
	js, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	logged := fmt.Sprintf("%v %+v", ch.LogValue(), ch.LogValue())
	errs = append(errs, r.v.Check(&ch, tenant, requestID, wrong)) // locks
	_, err = r.v.Send(t.Context(), &ch, emailReq(addr, "en"))
	errs = append(errs, err)

	var ch2 verify.Challenge
	_, err = r.v.Send(t.Context(), &ch2, emailReq("gone@example.com", "en")) // refused by the server
	errs = append(errs, err)
	_, err = r.v.Send(t.Context(), &ch2, smsReq("not a number", "en"))
	errs = append(errs, err)

	for _, e := range errs {
		if e == nil {
			t.Fatal("want an error")
		}
		for _, secret := range []string{code, wrong, addr, "gone@example.com", "not a number"} {
			if strings.Contains(e.Error(), secret) {
				t.Errorf("error %q holds %q", e, secret)
			}
		}
	}
	for _, secret := range []string{code, addr} {
		if strings.Contains(string(js), secret) || strings.Contains(logged, secret) {
			t.Errorf("challenge JSON or log holds %q: %s / %s", secret, js, logged)
		}
	}
	if strings.Contains(logged, "code_hash") || !strings.Contains(logged, "code_pending=true") {
		t.Errorf("LogValue = %s; want the hash left out", logged)
	}
	// The JSON round-trips, as it will through the request's Detail, and
	// the code still checks against the copy.
	var back verify.Challenge
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, stored) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, stored)
	}
	if err := r.v.Check(&back, tenant, requestID, code); err != nil {
		t.Errorf("right code on the decoded copy: %v", err)
	}
}

func TestSendFailures(t *testing.T) {
	r := newRig(t)
	var ch verify.Challenge

	// Refused by the server: the attempt reached the channel and counts,
	// and no code is recorded.
	_, err := r.v.Send(t.Context(), &ch, emailReq("gone@example.com", "en"))
	if !errors.Is(err, notify.ErrRecipientRefused) {
		t.Fatalf("refused recipient: %v", err)
	}
	if ch.Sends != 1 || ch.CodeHash != nil || ch.Method != "" {
		t.Errorf("after a refused send: %+v", ch)
	}
	// Refused before any connection: not counted.
	_, err = r.v.Send(t.Context(), &ch, smsReq("13800138000", "zh"))
	if !errors.Is(err, notify.ErrInvalidMessage) || ch.Sends != 1 {
		t.Errorf("invalid number: %v, Sends %d", err, ch.Sends)
	}
	if err := r.v.Check(&ch, tenant, requestID, "123456"); !errors.Is(err, verify.ErrNoCode) {
		t.Errorf("Check with no code sent: %v", err)
	}

	for name, tc := range map[string]struct {
		mod  func(v *verify.Verifier, q *verify.CodeRequest)
		want error
	}{
		"short key":     {func(v *verify.Verifier, _ *verify.CodeRequest) { v.Key = v.Key[:31] }, verify.ErrConfig},
		"no tenant":     {func(_ *verify.Verifier, q *verify.CodeRequest) { q.Tenant = "" }, verify.ErrConfig},
		"no product":    {func(_ *verify.Verifier, q *verify.CodeRequest) { q.Product = " " }, verify.ErrConfig},
		"product lines": {func(_ *verify.Verifier, q *verify.CodeRequest) { q.Product = "A\r\nBcc: x" }, verify.ErrConfig},
		"app method":    {func(_ *verify.Verifier, q *verify.CodeRequest) { q.Method = verify.MethodApp }, verify.ErrMethod},
		"no sms sender": {func(v *verify.Verifier, q *verify.CodeRequest) { v.SMS = nil; q.Method = verify.MethodSMS }, verify.ErrNoSender},
	} {
		v := *r.v
		q := emailReq("a@example.com", "en")
		tc.mod(&v, &q)
		var c verify.Challenge
		if _, err := v.Send(context.Background(), &c, q); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if c.Sends != 0 {
			t.Errorf("%s: counted a send", name)
		}
	}
	if _, err := r.v.Send(t.Context(), nil, emailReq("a@example.com", "en")); !errors.Is(err, verify.ErrConfig) {
		t.Errorf("nil challenge: %v", err)
	}
	if err := r.v.Check(nil, tenant, requestID, "123456"); !errors.Is(err, verify.ErrNoCode) {
		t.Errorf("Check(nil) = %v", err)
	}
}

// Codes are six digits and spread over the whole range: over 2000 draws,
// leading digits take every value (a draw that skipped some range would
// fail this with overwhelming probability; a uniform one passes unless
// one digit of ten is missed 2000 times, p < 10^-90).
func TestCodesSpread(t *testing.T) {
	r := newRig(t)
	r.v.Email = nil
	first := map[byte]int{}
	last := map[byte]int{}
	seen := map[string]bool{}
	var sms recordSender
	r.v.SMS = &sms
	r.v.MaxSends = 1 << 20
	var ch verify.Challenge
	for range 2000 {
		if _, err := r.v.Send(t.Context(), &ch, smsReq("+8613800138000", "en")); err != nil {
			t.Fatal(err)
		}
		c := codeRE.FindString(sms.last.Text)
		if len(c) != 6 {
			t.Fatalf("code %q", c)
		}
		first[c[0]]++
		last[c[5]]++
		seen[c] = true
	}
	if len(first) != 10 || len(last) != 10 {
		t.Errorf("leading digits %v, trailing digits %v", first, last)
	}
	if len(seen) < 1900 {
		t.Errorf("only %d distinct codes in 2000 draws", len(seen))
	}
}

// recordSender keeps the last message; for the statistical test only,
// where 2000 real deliveries would only slow it down.
type recordSender struct{ last notify.Message }

func (s *recordSender) Send(_ context.Context, m notify.Message) (notify.Delivery, error) {
	s.last = m
	return notify.Delivery{Channel: notify.ChannelSMS, ID: "x", Attempts: 1}, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestOutcomeAndAuditDetails(t *testing.T) {
	for err, want := range map[error]string{
		nil: "ok",
		fmt.Errorf("%w: 3 left", verify.ErrWrongCode): "wrong_code",
		verify.ErrLocked:                         "locked",
		fmt.Errorf("x: %w", verify.ErrSignature): "assertion_signature",
		verify.ErrNotYetValid:                    "assertion_not_yet_valid",
		errors.New("network down"):               "error",
	} {
		if got := verify.Outcome(err); got != want {
			t.Errorf("Outcome(%v) = %q, want %q", err, got, want)
		}
	}
	ch := verify.Challenge{Method: verify.MethodSMS, CodeHash: []byte{1}, Attempts: 2, Sends: 1, Locked: true}
	got := ch.AuditDetails()
	want := map[string]string{"method": "sms_code", "attempts": "2", "sends": "1", "locked": "true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AuditDetails = %v, want %v", got, want)
	}
}
