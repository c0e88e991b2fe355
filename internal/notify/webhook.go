package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/clock"
)

// Defaults of [Webhooks]' retry policy.
const (
	DefaultMaxAttempts  = 5
	DefaultMaxElapsed   = 2 * time.Minute
	DefaultInitialDelay = 1 * time.Second
	DefaultMaxDelay     = 30 * time.Second
)

// Webhooks delivers signed webhooks (Standard Webhooks) and retries them.
// It is safe for concurrent use.
type Webhooks struct {
	client       *http.Client
	clk          clock.Clock
	sleep        func(context.Context, time.Duration) error
	maxAttempts  int
	maxElapsed   time.Duration
	initialDelay time.Duration
	maxDelay     time.Duration
	userAgent    string
}

// WebhookOption configures [Webhooks].
type WebhookOption func(*Webhooks)

// WithMaxAttempts bounds the requests made for one delivery (default
// DefaultMaxAttempts); n < 1 means 1.
func WithMaxAttempts(n int) WebhookOption {
	return func(w *Webhooks) { w.maxAttempts = max(n, 1) }
}

// WithMaxElapsed bounds the time from a delivery's first attempt to the
// start of its last (default DefaultMaxElapsed), measured on the clock: no
// retry is started, and no Retry-After is waited for, past it.
func WithMaxElapsed(d time.Duration) WebhookOption {
	return func(w *Webhooks) { w.maxElapsed = d }
}

// WithBackoff sets the delay before the first retry and the cap on later
// ones (defaults DefaultInitialDelay and DefaultMaxDelay). The delay doubles
// at each retry; each wait is drawn uniformly from its upper half (jitter),
// so receivers recovering from an outage are not hit in step.
func WithBackoff(initial, maxDelay time.Duration) WebhookOption {
	return func(w *Webhooks) { w.initialDelay, w.maxDelay = initial, max(maxDelay, initial) }
}

// WithSleep replaces the wait between attempts. sleep must return early
// with an error when ctx ends. Tests pass one that records the delay and
// advances a fake clock.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) WebhookOption {
	return func(w *Webhooks) { w.sleep = sleep }
}

// WithUserAgent sets the User-Agent header (default "trustee-webhooks/1").
func WithUserAgent(ua string) WebhookOption {
	return func(w *Webhooks) { w.userAgent = ua }
}

// NewWebhooks returns a deliverer using client (nil: a client with a 30
// second timeout that does not follow redirects) and clk (nil: [clock.Real]).
func NewWebhooks(client *http.Client, clk clock.Clock, opts ...WebhookOption) *Webhooks {
	if client == nil {
		client = &http.Client{
			Timeout: 30 * time.Second,
			// A redirected POST becomes a GET: report the 3xx instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if clk == nil {
		clk = clock.Real{}
	}
	w := &Webhooks{
		client:       client,
		clk:          clk,
		sleep:        sleepContext,
		maxAttempts:  DefaultMaxAttempts,
		maxElapsed:   DefaultMaxElapsed,
		initialDelay: DefaultInitialDelay,
		maxDelay:     DefaultMaxDelay,
		userAgent:    "trustee-webhooks/1",
	}
	for _, o := range opts {
		o(w)
	}
	return w
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Event is one webhook to deliver.
type Event struct {
	// ID is the webhook-id, the same at every attempt so that receivers can
	// drop duplicates. A job that retries a delivery later must reuse it.
	ID string
	// Type names the event, full-stop delimited ("request.forwarded").
	Type string
	// Time is when the event happened.
	Time time.Time
	// Data is the event's payload, marshalled as JSON.
	Data any
}

// envelope is the body sent, the shape the specification recommends.
type envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// Deliver posts payload as a new event of eventType to endpoint, signed
// with secret. See [Webhooks.DeliverEvent].
func (w *Webhooks) Deliver(ctx context.Context, endpoint, secret, eventType string, payload any) (Delivery, error) {
	return w.DeliverEvent(ctx, endpoint, secret, Event{
		ID:   "msg_" + uuid.NewString(),
		Type: eventType,
		Time: w.clk.Now(),
		Data: payload,
	})
}

// DeliverEvent posts ev to endpoint as JSON {"type", "timestamp", "data"},
// with the Standard Webhooks headers signed with secret.
//
// Any 2xx is success. Network errors, 408, 429 and 5xx are retried after
// exponential backoff with jitter, or after the Retry-After the receiver
// asks for, until the attempts or the total time run out ([ErrUnavailable]).
// Any other status is final: 401 and 403 give [ErrAuth], the rest
// [ErrRejected]. Errors are [*Error]s naming the webhook-id and never the
// endpoint (its query may hold a token) nor the payload.
func (w *Webhooks) DeliverEvent(ctx context.Context, endpoint, secret string, ev Event) (Delivery, error) {
	d := Delivery{Channel: ChannelWebhook, ID: ev.ID, At: w.clk.Now()}
	fail := func(op string, err error) (Delivery, error) {
		return d, &Error{Channel: ChannelWebhook, DeliveryID: d.ID, Op: op, Err: err}
	}
	if ev.ID == "" || ev.Type == "" {
		return fail("validate", fmt.Errorf("%w: event without id or type", ErrInvalidMessage))
	}
	if _, err := newSigner(secret); err != nil {
		return fail("validate", err)
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fail("validate", fmt.Errorf("%w: endpoint is not an http(s) URL", ErrConfig))
	}
	body, err := json.Marshal(envelope{Type: ev.Type, Timestamp: ev.Time.UTC(), Data: ev.Data})
	if err != nil {
		return fail("validate", fmt.Errorf("%w: payload does not marshal as JSON: %T", ErrInvalidMessage, ev.Data))
	}

	start := w.clk.Now()
	for {
		d.At = w.clk.Now()
		d.Attempts++
		status, retryAfter, err := w.post(ctx, endpoint, secret, ev.ID, body)
		if err == nil && status/100 == 2 {
			return d, nil
		}
		e := &Error{Channel: ChannelWebhook, DeliveryID: d.ID, Op: "post", Code: status, Attempts: d.Attempts}
		switch {
		case ctx.Err() != nil:
			e.Err, e.temporary = context.Cause(ctx), true
			return d, e
		case err != nil:
			e.Err, e.temporary = err, true
		case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
			e.Err, e.temporary = ErrUnavailable, true
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			e.Err = ErrAuth
			return d, e
		default:
			e.Err = ErrRejected
			return d, e
		}
		if d.Attempts >= w.maxAttempts {
			return d, e
		}
		wait := w.backoff(d.Attempts)
		if retryAfter >= 0 {
			wait = retryAfter
		}
		if w.clk.Now().Add(wait).Sub(start) > w.maxElapsed {
			return d, e
		}
		if err := w.sleep(ctx, wait); err != nil {
			e.Err = err
			return d, e
		}
	}
}

// post makes one signed attempt. It returns the status, the Retry-After the
// response asks for (-1 if none), and a network error stripped of the URL.
func (w *Webhooks) post(ctx context.Context, endpoint, secret, id string, body []byte) (int, time.Duration, error) {
	now := w.clk.Now()
	sig, err := Sign(secret, id, now, body)
	if err != nil {
		return 0, -1, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, -1, fmt.Errorf("%w: endpoint is not a valid URL", ErrConfig)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.userAgent)
	req.Header.Set(HeaderWebhookID, id)
	req.Header.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderWebhookSignature, sig)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, -1, stripURL(err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; the body is never
	// read into errors.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, retryAfter(resp.Header.Get("Retry-After"), now), nil
}

// stripURL removes the *url.Error wrapper, whose text quotes the URL.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// retryAfter parses a Retry-After value (seconds or an HTTP date) relative
// to now; -1 when absent or malformed.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 || s > int64(24*time.Hour/time.Second) {
			return -1
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

// backoff returns the wait after the given attempt: initialDelay doubled
// per earlier retry, capped at maxDelay, drawn from [d/2, d].
func (w *Webhooks) backoff(attempt int) time.Duration {
	d := w.initialDelay
	for i := 1; i < attempt && d < w.maxDelay; i++ {
		d *= 2
	}
	d = min(d, w.maxDelay)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
