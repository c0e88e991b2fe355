package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/clock"
)

// SMS sends [Message]s as text messages through an HTTP SMS gateway:
//
//	POST <endpoint>
//	Authorization: Bearer <token>
//	Idempotency-Key: <delivery id>
//	Content-Type: application/json
//
//	{"to": "+8613800138000", "text": "..."}
//
// Any 2xx means the gateway accepted the message; if the response is a JSON
// object with a string "id", that becomes the [Delivery.ID], otherwise the
// Idempotency-Key does. It is safe for concurrent use, and never prints its
// token.
type SMS struct {
	endpoint string
	token    string
	client   *http.Client
	clk      clock.Clock
}

var (
	_ Sender         = (*SMS)(nil)
	_ slog.LogValuer = (*SMS)(nil)
)

// SMSOption configures an [SMS] sender.
type SMSOption func(*SMS)

// WithSMSClock sets the clock that dates deliveries; the default is
// [clock.Real].
func WithSMSClock(c clock.Clock) SMSOption {
	return func(s *SMS) { s.clk = c }
}

// NewSMSGateway returns a sender posting to endpoint with token as bearer
// token, through client (nil: a client with a 30 second timeout).
func NewSMSGateway(endpoint, token string, client *http.Client, opts ...SMSOption) *SMS {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	s := &SMS{endpoint: endpoint, token: token, client: client, clk: clock.Real{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// LogValue logs the gateway's host; never its token or the path and query,
// which may hold credentials.
func (s *SMS) LogValue() slog.Value { return slog.StringValue(s.String()) }

// String names the gateway's host.
func (s *SMS) String() string {
	host := "?"
	if u, err := url.Parse(s.endpoint); err == nil {
		host = u.Host
	}
	return "sms gateway " + host
}

// GoString is String.
func (s *SMS) GoString() string { return s.String() }

type smsRequest struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// Send posts m.Text to m.To, which must be an E.164 number ("+" and 7 to 15
// digits; normalise numbers with the phonenumbers package when collecting
// them). It makes one attempt: errors are [*Error]s with
// [ErrInvalidMessage], [ErrAuth] (401, 403), [ErrUnavailable] (408, 429,
// 5xx, Temporary), [ErrRejected] (other statuses), or a network error.
func (s *SMS) Send(ctx context.Context, m Message) (Delivery, error) {
	d := Delivery{Channel: ChannelSMS, ID: "sms_" + uuid.NewString(), At: s.clk.Now()}
	fail := func(op string, code int, err error, temporary bool) (Delivery, error) {
		return d, &Error{Channel: ChannelSMS, DeliveryID: d.ID, Op: op, Code: code, Attempts: d.Attempts, Err: err, temporary: temporary}
	}
	switch {
	case !isE164(m.To):
		return fail("validate", 0, fmt.Errorf("%w: recipient is not an E.164 phone number", ErrInvalidMessage), false)
	case m.Text == "":
		return fail("validate", 0, fmt.Errorf("%w: no text", ErrInvalidMessage), false)
	}
	body, err := json.Marshal(smsRequest{To: m.To, Text: m.Text})
	if err != nil {
		return fail("validate", 0, fmt.Errorf("%w: %v", ErrInvalidMessage, err), false)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return fail("validate", 0, fmt.Errorf("%w: gateway endpoint is not a valid URL", ErrConfig), false)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Idempotency-Key", d.ID)
	d.Attempts = 1
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fail("post", 0, context.Cause(ctx), true)
		}
		return fail("post", 0, stripURL(err), true)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c/100 == 2:
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		return fail("post", c, ErrAuth, false)
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return fail("post", c, ErrUnavailable, true)
	default:
		return fail("post", c, ErrRejected, false)
	}
	var accepted struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &accepted) == nil && accepted.ID != "" {
		d.ID = accepted.ID
	}
	return d, nil
}

// isE164 reports whether s is "+" and 7 to 15 digits, the first not 0.
func isE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
