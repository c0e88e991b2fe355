package verify

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/notify"
)

// Method is a way of verifying identity: one of the declaration's
// rights.verification values that this package carries out.
type Method string

// Methods this package carries out. The declaration's other values
// (account_login, written_request, developer_confirmation) are done by
// people or by the tenant's own systems.
const (
	MethodEmail Method = "email_code"
	MethodSMS   Method = "sms_code"
	MethodApp   Method = "app_assertion"
)

// Defaults of a [Verifier]'s limits.
const (
	DefaultTTL         = 10 * time.Minute
	DefaultMaxAttempts = 5
	DefaultMaxSends    = 3
	// MinKeyLen is the shortest [Verifier.Key] accepted.
	MinKeyLen = 32
	// CodeDigits is a code's length.
	CodeDigits = 6
)

// Challenge is the verification state of one request. It is stored in the
// request's Detail, so it holds no personal data: no code and no address,
// only a keyed hash of the code. Methods of [Verifier] change it in place;
// a zero Challenge is a request not yet sent a code (staff restart a locked
// verification by storing a zero Challenge, and auditing that they did).
type Challenge struct {
	// Method is how the request is being, or was, verified.
	Method Method `json:"method,omitempty"`
	// CodeHash is HMAC-SHA256(Verifier.Key, tenant, request id, code) of
	// the code last sent; cleared once verified or locked.
	CodeHash []byte `json:"code_hash,omitempty"`
	// ExpiresAt is when the code last sent stops being accepted.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Attempts counts wrong codes, across all codes sent.
	Attempts int `json:"attempts,omitempty"`
	// Sends counts the messages sent (those that reached the channel,
	// failed or not).
	Sends int `json:"sends,omitempty"`
	// Locked is set after the last allowed wrong code.
	Locked bool `json:"locked,omitempty"`
	// VerifiedAt is when identity was verified; zero until then.
	VerifiedAt time.Time `json:"verified_at,omitzero"`
}

var _ slog.LogValuer = Challenge{}

// LogValue logs the challenge's state without its code hash.
func (c Challenge) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("method", string(c.Method)),
		slog.Bool("code_pending", len(c.CodeHash) > 0),
		slog.Time("expires_at", c.ExpiresAt),
		slog.Int("attempts", c.Attempts),
		slog.Int("sends", c.Sends),
		slog.Bool("locked", c.Locked),
		slog.Time("verified_at", c.VerifiedAt),
	)
}

// Verified reports whether identity has been verified.
func (c *Challenge) Verified() bool { return c != nil && !c.VerifiedAt.IsZero() }

// KeyFunc returns the public key of the tenant's active app key keyID. When
// the tenant has no such key, or it is revoked, or not an app key, it
// returns an error wrapping [ErrUnknownKey]; any other error is taken as a
// failure to look up and passed on.
type KeyFunc func(ctx context.Context, tenant, keyID string) (ed25519.PublicKey, error)

// Verifier sends and checks one-time codes and checks app assertions.
// Fields are set before first use and not changed after; zero limits take
// the defaults.
type Verifier struct {
	// Email sends email_code messages (a *notify.SMTP); SMS sends sms_code
	// messages (a *notify.SMS). Either may be nil when the method is not
	// offered.
	Email notify.Sender
	SMS   notify.Sender
	// Clock tells the time; nil means clock.Real.
	Clock clock.Clock
	// Key keys the code hashes: at least [MinKeyLen] secret bytes, derived
	// by the caller from trustee's key material and stable across restarts
	// (a new key invalidates codes in flight, nothing more).
	Key []byte
	// Keys looks up app keys for assertions; nil when app_assertion is not
	// offered.
	Keys KeyFunc
	// TTL is how long a code is valid (default 10 minutes).
	TTL time.Duration
	// MaxAttempts is how many wrong codes a request gets in total
	// (default 5).
	MaxAttempts int
	// MaxSends is how many codes a request can be sent (default 3).
	MaxSends int
}

func (v *Verifier) now() time.Time {
	var c clock.Clock = clock.Real{}
	if v.Clock != nil {
		c = v.Clock
	}
	// The store's precision, so a time read back equals the one set.
	return c.Now().UTC().Truncate(time.Microsecond)
}

func (v *Verifier) ttl() time.Duration {
	if v.TTL <= 0 {
		return DefaultTTL
	}
	return v.TTL
}

func (v *Verifier) maxAttempts() int {
	if v.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return v.MaxAttempts
}

func (v *Verifier) maxSends() int {
	if v.MaxSends <= 0 {
		return DefaultMaxSends
	}
	return v.MaxSends
}

// TriesLeft returns how many wrong codes ch can still take before it
// locks.
func (v *Verifier) TriesLeft(ch *Challenge) int {
	if ch == nil {
		return v.maxAttempts()
	}
	if ch.Locked {
		return 0
	}
	return max(0, v.maxAttempts()-ch.Attempts)
}

// SendsLeft returns how many more codes ch can be sent.
func (v *Verifier) SendsLeft(ch *Challenge) int {
	if ch == nil {
		return v.maxSends()
	}
	return max(0, v.maxSends()-ch.Sends)
}

func (v *Verifier) checkKey() error {
	if len(v.Key) < MinKeyLen {
		return fmt.Errorf("%w: Verifier.Key has %d bytes, needs at least %d secret bytes", ErrConfig, len(v.Key), MinKeyLen)
	}
	return nil
}

func checkIDs(tenant, requestID string) error {
	if tenant == "" || requestID == "" {
		return fmt.Errorf("%w: tenant and request id are required", ErrConfig)
	}
	return nil
}

// CodeRequest says which request a code verifies and where it goes.
type CodeRequest struct {
	// Tenant and RequestID name the rights request.
	Tenant    string
	RequestID string
	// Method is MethodEmail or MethodSMS.
	Method Method
	// To is the email address or E.164 phone number the tenant holds for
	// the subject. Personal data: it is used to send and then forgotten.
	To string
	// Lang chooses the message's language: "zh" (and "zh-CN", "zh-Hans",
	// ...) for Chinese, anything else for English.
	Lang string
	// Product is the tenant's product name as people know it, named in
	// the message so they recognise it (up to 100 characters, one line).
	Product string
}

// Send sends a new code for the request by email or SMS and records it in
// ch, replacing any code sent before. It returns the delivery for the
// caller to record.
//
// It refuses a verified challenge ([ErrAlreadyVerified]), a locked one
// ([ErrLocked]) and one that has had [Verifier.MaxSends] messages
// ([ErrTooManySends]), without sending. When sending fails, the error
// wraps the *notify.Error, ch keeps the previous code, and ch.Sends still
// counts the attempt if it reached the channel, so a failing channel
// cannot be used to send without limit.
func (v *Verifier) Send(ctx context.Context, ch *Challenge, r CodeRequest) (notify.Delivery, error) {
	var none notify.Delivery
	if err := v.checkKey(); err != nil {
		return none, err
	}
	if err := checkIDs(r.Tenant, r.RequestID); err != nil {
		return none, err
	}
	var sender notify.Sender
	switch r.Method {
	case MethodEmail:
		sender = v.Email
	case MethodSMS:
		sender = v.SMS
	default:
		return none, fmt.Errorf("%w: Send takes %s or %s, not %q", ErrMethod, MethodEmail, MethodSMS, r.Method)
	}
	if sender == nil {
		return none, fmt.Errorf("%w: %s is not offered (Verifier has no sender for it)", ErrNoSender, r.Method)
	}
	if err := checkProduct(r.Product); err != nil {
		return none, err
	}
	switch {
	case ch == nil:
		return none, fmt.Errorf("%w: Send needs the request's Challenge (a zero one for a first code)", ErrConfig)
	case ch.Verified():
		return none, ErrAlreadyVerified
	case ch.Locked:
		return none, ErrLocked
	case ch.Sends >= v.maxSends():
		return none, fmt.Errorf("%w (%d of %d)", ErrTooManySends, ch.Sends, v.maxSends())
	}

	code, err := newCode()
	if err != nil {
		return none, err
	}
	now := v.now()
	ttl := v.ttl()
	m := message(r.Method, language(r.Lang), r.Product, code, ttl)
	m.To = r.To
	d, err := sender.Send(ctx, m)
	if d.Attempts > 0 {
		ch.Sends++
	}
	if err != nil {
		return d, fmt.Errorf("verify: sending the %s code: %w", r.Method, err)
	}
	ch.Method = r.Method
	ch.CodeHash = v.hash(r.Tenant, r.RequestID, code)
	ch.ExpiresAt = now.Add(ttl)
	return d, nil
}

// Check checks a code the requester typed for the request. On success it
// sets ch.VerifiedAt, which the caller passes to rights.Service.Verified,
// and clears the code so it cannot be used again.
//
// Errors: [ErrNoCode], [ErrAlreadyVerified], [ErrLocked], [ErrExpired] and
// [ErrMalformedCode] leave ch as it was; a wrong code counts a try and
// returns [ErrWrongCode], or [ErrLocked] for the last allowed one.
func (v *Verifier) Check(ch *Challenge, tenant, requestID, code string) error {
	if err := v.checkKey(); err != nil {
		return err
	}
	if err := checkIDs(tenant, requestID); err != nil {
		return err
	}
	switch {
	case ch == nil:
		return ErrNoCode
	case ch.Verified():
		return ErrAlreadyVerified
	case ch.Locked:
		return ErrLocked
	case len(ch.CodeHash) == 0 || (ch.Method != MethodEmail && ch.Method != MethodSMS):
		return ErrNoCode
	case !v.now().Before(ch.ExpiresAt):
		return ErrExpired
	}
	c, ok := normalize(code)
	if !ok {
		return ErrMalformedCode
	}
	if !hmac.Equal(v.hash(tenant, requestID, c), ch.CodeHash) {
		ch.Attempts++
		if ch.Attempts >= v.maxAttempts() {
			ch.Locked = true
			ch.CodeHash = nil
			return fmt.Errorf("%w (that was the last of %d tries)", ErrLocked, v.maxAttempts())
		}
		return fmt.Errorf("%w: %d of %d tries left", ErrWrongCode, v.TriesLeft(ch), v.maxAttempts())
	}
	ch.VerifiedAt = v.now()
	ch.CodeHash = nil
	return nil
}

// hash is HMAC-SHA256 over a length-prefixed encoding of a domain label,
// the tenant, the request id and the code, so no two inputs collide.
func (v *Verifier) hash(tenant, requestID, code string) []byte {
	mac := hmac.New(sha256.New, v.Key)
	var buf []byte
	for _, s := range [...]string{"trustee/verify/code/v1", tenant, requestID, code} {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	mac.Write(buf)
	return mac.Sum(nil)
}

var codeSpace = big.NewInt(1_000_000) // 10^CodeDigits

// newCode draws a code uniformly from 000000..999999.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, codeSpace)
	if err != nil {
		return "", fmt.Errorf("verify: drawing a code: %w", err)
	}
	return fmt.Sprintf("%0*d", CodeDigits, n.Int64()), nil
}

// normalize turns what a person typed into a code: full-width digits
// (typed with a Chinese input method) narrowed, spaces and hyphens
// removed. It reports whether the result is CodeDigits ASCII digits.
func normalize(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	s = width.Narrow.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
	if len(s) != CodeDigits {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

func checkProduct(p string) error {
	switch {
	case strings.TrimSpace(p) == "":
		return fmt.Errorf("%w: product name is required (it tells people who sent the code)", ErrConfig)
	case len([]rune(p)) > 100:
		return fmt.Errorf("%w: product name is longer than 100 characters", ErrConfig)
	case strings.IndexFunc(p, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: product name has a line break or control character", ErrConfig)
	}
	return nil
}
