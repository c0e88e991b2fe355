package drp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// Standard Webhooks header names, which status callbacks are signed with.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// Callback errors, for errors.Is.
var (
	// ErrNotDRP: the request did not come through DRP; there is no agent
	// to tell.
	ErrNotDRP = errors.New("drp: the request did not come through DRP")
	// ErrNoCallback: the agent registered no callback URL.
	ErrNoCallback = errors.New("drp: the agent registered no status callback URL")
	// ErrCallbackRejected: the agent's endpoint did not answer 2xx.
	ErrCallbackRejected = errors.New("drp: the agent's status callback did not answer 2xx")
	// ErrCallbackSignature: a callback's signature headers are missing,
	// malformed, out of time or do not verify.
	ErrCallbackSignature = errors.New("drp: status callback signature does not verify")
)

func (h *Handler) client() *http.Client {
	if h.HTTP != nil {
		return h.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// Callback POSTs the request's current status (3.03) to the status
// callback its agent registered (2.03), signed as the package
// documentation describes. Call it after a DRP request changes state; it
// returns ErrNotDRP for other requests, ErrNoCallback when the agent has
// no callback URL, and an error wrapping ErrCallbackRejected when the
// agent does not answer 2xx, which the caller may retry.
func (h *Handler) Callback(ctx context.Context, tenant, requestID string) error {
	if len(h.Key) != ed25519.PrivateKeySize {
		return errNoKey
	}
	var req store.Request
	err := h.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		req, err = rd.GetRequest(ctx, tenant, requestID)
		return err
	})
	if err != nil {
		return err
	}
	det, err := rights.DetailOf(req)
	if err != nil {
		return err
	}
	agentID, _, ok := parseChannel(det.Channel)
	if !ok {
		return ErrNotDRP
	}
	a, err := h.agent(ctx, tenant, agentID)
	if err != nil {
		return fmt.Errorf("drp: callback for agent %s: %w", agentID, err)
	}
	if a.callbackURL == "" {
		return ErrNoCallback
	}
	u, err := url.Parse(a.callbackURL)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback(u.Hostname())) {
		return fmt.Errorf("drp: agent %s's callback URL must be https (or http to a loopback host): register it again", agentID)
	}
	st, err := statusOf(req)
	if err != nil {
		return err
	}
	body, err := json.Marshal(st)
	if err != nil {
		return err
	}
	msgID, err := uuid.NewV7()
	if err != nil {
		return err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/json")
	SignCallback(hreq.Header, h.Key, "msg_"+msgID.String(), h.now(), body)
	resp, err := h.client().Do(hreq)
	if err != nil {
		// The error text holds the URL, which is the agent's, not the
		// user's: fine to return.
		return fmt.Errorf("drp: callback for request %s: %w", requestID, err)
	}
	defer resp.Body.Close()
	// 2.03.1: the response body is not for parsing; drain a little for
	// connection reuse.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%w: request %s, status %d", ErrCallbackRejected, requestID, resp.StatusCode)
	}
	h.log().LogAttrs(ctx, slog.LevelInfo, "drp callback", slog.String("agent", agentID), slog.String("request", requestID), slog.String("status", st.Status))
	return nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// signedContent is what a Standard Webhooks signature covers.
func signedContent(id string, ts int64, body []byte) []byte {
	return append([]byte(id+"."+strconv.FormatInt(ts, 10)+"."), body...)
}

// SignCallback sets Standard Webhooks headers on hdr: webhook-id id,
// webhook-timestamp at (Unix seconds) and webhook-signature "v1a," and
// the base64 Ed25519 signature by key of "id.timestamp.body".
func SignCallback(hdr http.Header, key ed25519.PrivateKey, id string, at time.Time, body []byte) {
	ts := at.Unix()
	sig := ed25519.Sign(key, signedContent(id, ts, body))
	hdr.Set(HeaderWebhookID, id)
	hdr.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
	hdr.Set(HeaderWebhookSignature, "v1a,"+base64.StdEncoding.EncodeToString(sig))
}

// VerifyCallback is the agent's check of a status callback: the Standard
// Webhooks headers are present, the timestamp is within tolerance of now
// (5 minutes when tolerance is not positive), and one of the
// space-separated v1a signatures verifies with pub, the verify_key of the
// business's discovery document. body must be the raw request body.
func VerifyCallback(pub ed25519.PublicKey, hdr http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: the verify key is not a %d-byte Ed25519 public key", ErrCallbackSignature, ed25519.PublicKeySize)
	}
	if tolerance <= 0 {
		tolerance = 5 * time.Minute
	}
	id, tsText, sigs := hdr.Get(HeaderWebhookID), hdr.Get(HeaderWebhookTimestamp), hdr.Get(HeaderWebhookSignature)
	if id == "" || tsText == "" || sigs == "" {
		return fmt.Errorf("%w: webhook-id, webhook-timestamp and webhook-signature are required", ErrCallbackSignature)
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: webhook-timestamp is not a Unix time", ErrCallbackSignature)
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: webhook-timestamp is %s from now, tolerance %s", ErrCallbackSignature, skew.Round(time.Second), tolerance)
	}
	content := signedContent(id, ts, body)
	for _, s := range strings.Fields(sigs) {
		b64, ok := strings.CutPrefix(s, "v1a,")
		if !ok {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && ed25519.Verify(pub, content, sig) {
			return nil
		}
	}
	return fmt.Errorf("%w: no v1a signature matches", ErrCallbackSignature)
}
