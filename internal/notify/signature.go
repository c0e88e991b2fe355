package notify

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Standard Webhooks header names (https://www.standardwebhooks.com).
const (
	HeaderWebhookID        = standardwebhooks.HeaderWebhookID
	HeaderWebhookTimestamp = standardwebhooks.HeaderWebhookTimestamp
	HeaderWebhookSignature = standardwebhooks.HeaderWebhookSignature
)

// DefaultTolerance is how far a webhook's timestamp may be from the
// receiver's clock, either way, when [Verify] is given no tolerance; the
// specification's reference libraries use the same five minutes.
const DefaultTolerance = 5 * time.Minute

const secretPrefix = "whsec_"

// Signature errors, tested with errors.Is.
var (
	// ErrInvalidSecret: the secret is not "whsec_" followed by base64, or
	// its key is shorter than 24 or longer than 64 bytes, as the
	// specification bounds it.
	ErrInvalidSecret = errors.New("notify: webhook secret must be whsec_ and the base64 of 24 to 64 bytes")
	// ErrMissingHeaders: a webhook request lacks webhook-id,
	// webhook-timestamp or webhook-signature.
	ErrMissingHeaders = errors.New("notify: webhook headers missing")
	// ErrInvalidHeaders: webhook-timestamp is not a Unix time in seconds.
	ErrInvalidHeaders = errors.New("notify: webhook-timestamp is not a Unix time")
	// ErrTimestampOutOfRange: the webhook's timestamp is further from now
	// than the tolerance: a replay, or a badly set clock.
	ErrTimestampOutOfRange = errors.New("notify: webhook timestamp outside tolerance")
	// ErrSignatureMismatch: no v1 signature in webhook-signature matches.
	ErrSignatureMismatch = errors.New("notify: webhook signature does not match")
)

// GenerateSecret returns a new signing secret: "whsec_" and the base64 of 32
// random bytes. Give it to the receiver once; it signs every delivery.
func GenerateSecret() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

func newSigner(secret string) (*standardwebhooks.Webhook, error) {
	b64, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, ErrInvalidSecret
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, ErrInvalidSecret
	}
	return standardwebhooks.NewWebhookRaw(key)
}

// Sign returns the webhook-signature header value for payload sent as
// message msgID at ts: "v1," and the base64 of HMAC-SHA256 over
// msgID.ts.payload, keyed with the secret's decoded bytes.
func Sign(secret, msgID string, ts time.Time, payload []byte) (string, error) {
	wh, err := newSigner(secret)
	if err != nil {
		return "", err
	}
	if msgID == "" {
		return "", fmt.Errorf("notify: webhook message id is empty")
	}
	return wh.Sign(msgID, ts, payload)
}

// Verify checks a received webhook: the headers are present, the timestamp
// is within tolerance of now (DefaultTolerance if tolerance is not
// positive), and one of the space-separated v1 signatures matches payload,
// compared in constant time. payload must be the raw request body.
func Verify(secret string, headers http.Header, payload []byte, now time.Time, tolerance time.Duration) error {
	wh, err := newSigner(secret)
	if err != nil {
		return err
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	id, tsText, sig := headers.Get(HeaderWebhookID), headers.Get(HeaderWebhookTimestamp), headers.Get(HeaderWebhookSignature)
	if id == "" || tsText == "" || sig == "" {
		return ErrMissingHeaders
	}
	unix, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrInvalidHeaders
	}
	ts := time.Unix(unix, 0)
	if skew := now.Sub(ts); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: %s is %s from now, tolerance %s", ErrTimestampOutOfRange, tsText, skew.Round(time.Second), tolerance)
	}
	// The timestamp is checked above against the injected clock; the
	// library's own check would read the wall clock.
	if err := wh.VerifyIgnoringTimestamp(payload, headers); err != nil {
		switch {
		case errors.Is(err, standardwebhooks.ErrNoMatchingSignature):
			return ErrSignatureMismatch
		case errors.Is(err, standardwebhooks.ErrInvalidHeaders):
			return ErrInvalidHeaders
		case errors.Is(err, standardwebhooks.ErrRequiredHeaders):
			return ErrMissingHeaders
		}
		return fmt.Errorf("%w: %v", ErrSignatureMismatch, err)
	}
	return nil
}
