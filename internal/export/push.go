package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/notify"
)

// Push errors, tested with errors.Is; [Push] wraps them in a [*PushError].
var (
	// ErrPushURL: the URL is not https, nor http to a loopback address
	// (127.0.0.0/8, ::1, localhost). Nothing was sent.
	ErrPushURL = errors.New("push URL must be https://, or http:// to a loopback address (127.0.0.1, ::1, localhost)")
	// ErrPushRejected: the receiver answered with a status that retrying
	// will not change (a 3xx, as redirects are not followed, or a 4xx
	// other than 408 and 429), or the secret is not a valid Standard
	// Webhooks secret.
	ErrPushRejected = errors.New("receiver refused the export")
	// ErrPushUnavailable: the receiver could not be reached or answered
	// 408, 429 or 5xx. Retry later with the same Export: it carries the
	// same webhook-id, so the receiver can drop a duplicate.
	ErrPushUnavailable = errors.New("receiver unavailable")
)

// PushError is a failed push. Its text names the webhook-id, the stage
// and the HTTP status, never the URL (its query may hold a token), the
// body or the receiver's reply.
type PushError struct {
	// ID is the webhook-id of the push ([Export.PushID]).
	ID string
	// Op is the stage that failed: "validate" (nothing sent) or "post".
	Op string
	// Status is the receiver's HTTP status; 0 when it gave none.
	Status int
	// Err is [ErrPushURL], [ErrPushRejected] or [ErrPushUnavailable],
	// joined with the cause when there is one (a network or context error,
	// an invalid secret).
	Err error
}

func (e *PushError) Error() string {
	s := "export: push " + e.ID + ": " + e.Op
	if e.Status != 0 {
		s += ": HTTP " + strconv.Itoa(e.Status)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *PushError) Unwrap() error { return e.Err }

// Temporary reports whether retrying the push later may succeed.
func (e *PushError) Temporary() bool { return errors.Is(e.Err, ErrPushUnavailable) }

// pushNS is the namespace of push ids.
var pushNS = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://trustee.dev/export-push"))

// PushID returns the webhook-id [Push] sends the export with: "msg_" and a
// UUID derived from the tenant, the subject and GeneratedAt, so that the
// same export pushed twice has the same id and a receiver can drop the
// duplicate, while a later export of the same subject has another.
func (e *Export) PushID() string {
	name := e.Tenant + "\x00" + e.Subject + "\x00" + e.GeneratedAt.UTC().Format(time.RFC3339Nano)
	return "msg_" + uuid.NewSHA1(pushNS, []byte(name)).String()
}

// Push sends e to another controller (data portability, PIPL Art. 45(3);
// GDPR Art. 20(2)): one POST of the JSON export ([Export.WriteJSON]) to
// rawURL, with Content-Type application/json and the Standard Webhooks
// headers webhook-id ([Export.PushID]), webhook-timestamp (now) and
// webhook-signature ([notify.Sign] with secret, "whsec_..."), so that the
// receiver can check with [notify.Verify] that the data comes from
// trustee, unaltered.
//
// rawURL must be https, or http to a loopback address; redirects are not
// followed (a redirect could lead to plain http). client nil means a
// client with a one-minute timeout. Any 2xx is success. Push makes one
// attempt and is safe to retry with the same Export; the error, a
// [*PushError], says whether a retry may help ([PushError.Temporary]).
func Push(ctx context.Context, client *http.Client, rawURL, secret string, e *Export, now time.Time) error {
	id := e.PushID()
	fail := func(op string, status int, err error) error {
		return &PushError{ID: id, Op: op, Status: status, Err: err}
	}
	if err := checkPushURL(rawURL); err != nil {
		return fail("validate", 0, err)
	}
	var body bytes.Buffer
	if err := e.WriteJSON(&body); err != nil {
		return fail("validate", 0, err)
	}
	sig, err := notify.Sign(secret, id, now, body.Bytes())
	if err != nil {
		return fail("validate", 0, errors.Join(ErrPushRejected, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, &body)
	if err != nil {
		return fail("validate", 0, ErrPushURL)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "trustee-export/1")
	req.Header.Set(notify.HeaderWebhookID, id)
	req.Header.Set(notify.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(notify.HeaderWebhookSignature, sig)

	c := http.Client{Timeout: time.Minute}
	if client != nil {
		c = *client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fail("post", 0, errors.Join(ErrPushUnavailable, context.Cause(ctx)))
		}
		return fail("post", 0, errors.Join(ErrPushUnavailable, stripURL(err)))
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; the reply is never
	// read into errors.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch s := resp.StatusCode; {
	case s/100 == 2:
		return nil
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
		return fail("post", s, ErrPushUnavailable)
	default:
		return fail("post", s, ErrPushRejected)
	}
}

// checkPushURL accepts https URLs, and http URLs to a loopback address.
func checkPushURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return ErrPushURL
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if strings.EqualFold(host, "localhost") {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return ErrPushURL
}

// stripURL removes the *url.Error wrapper, whose text quotes the URL.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
