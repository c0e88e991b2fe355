package client

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The kinds of trusted key.
const (
	// TrustedKeyApp is the tenant's app: it signs identity assertions for
	// subjects it authenticated.
	TrustedKeyApp = "app"
	// TrustedKeyAgent is an authorized agent's request-signing key (DRP).
	TrustedKeyAgent = "agent"
)

// TrustedKey is an Ed25519 public key the tenant trusts to sign for it.
type TrustedKey struct {
	// ID is chosen by the tenant, unique within it.
	ID string `json:"id"`
	// Kind is [TrustedKeyApp] or [TrustedKeyAgent].
	Kind string `json:"kind"`
	// Name is a label for staff.
	Name string `json:"name"`
	// Algorithm is "Ed25519", set by the server.
	Algorithm string `json:"algorithm,omitempty"`
	// PublicKey is the raw 32-byte key (an ed25519.PublicKey); it travels
	// as standard base64.
	PublicKey []byte `json:"public_key"`
	// CallbackURL is, for an agent key, where status callbacks go.
	CallbackURL string     `json:"callback_url,omitempty"`
	CreatedAt   time.Time  `json:"created_at,omitzero"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// CreateTrustedKey adds a public key the tenant trusts (admin scope) and
// returns it as stored. k.ID, k.Kind, k.Name and k.PublicKey (the raw 32
// bytes of an ed25519.PublicKey) are required; k.CallbackURL is for agent
// keys only (https, or http to a loopback host). The other fields are set
// by the server. A taken id is [ErrConflict]; bad input a *[Problem]
// naming the field, such as body.public_key.
func (c *Client) CreateTrustedKey(ctx context.Context, k TrustedKey) (*TrustedKey, error) {
	in := struct {
		ID          string `json:"id"`
		Kind        string `json:"kind"`
		Name        string `json:"name"`
		PublicKey   []byte `json:"public_key"`
		CallbackURL string `json:"callback_url,omitempty"`
	}{k.ID, k.Kind, k.Name, k.PublicKey, k.CallbackURL}
	var out TrustedKey
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/trusted-keys", path: "/v1/trusted-keys",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// TrustedKeyQuery narrows ListTrustedKeys; zero fields match everything.
type TrustedKeyQuery struct {
	// Kind is [TrustedKeyApp] or [TrustedKeyAgent]; "" lists both.
	Kind string
	// After is the Next of the previous page; "" starts at the beginning.
	After string
	// Limit bounds the page; 0 is the server's default (100).
	Limit int
}

// TrustedKeyPage is one page of trusted keys.
type TrustedKeyPage struct {
	TrustedKeys []TrustedKey `json:"trusted_keys"`
	// Next is the After of the next page, "" after the last.
	Next string `json:"next"`
}

// ListTrustedKeys lists one page of the tenant's trusted keys, revoked
// ones included, by id (admin scope).
func (c *Client) ListTrustedKeys(ctx context.Context, q TrustedKeyQuery) (*TrustedKeyPage, error) {
	v := pageValues(q.After, q.Limit)
	if q.Kind != "" {
		v.Set("kind", q.Kind)
	}
	var out TrustedKeyPage
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/trusted-keys", path: "/v1/trusted-keys", query: v,
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeTrustedKey revokes the tenant's trusted key id and returns it with
// its RevokedAt (admin scope): signatures made with it are no longer
// accepted. Revoking a revoked key changes nothing. An unknown id is
// [ErrNotFound].
func (c *Client) RevokeTrustedKey(ctx context.Context, id string) (*TrustedKey, error) {
	var out TrustedKey
	err := c.do(ctx, call{method: http.MethodDelete, route: "DELETE /v1/trusted-keys/{id}", path: "/v1/trusted-keys/" + seg(id),
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Event types a webhook endpoint may subscribe to.
const (
	// EventRequestCreated: a processor forwarded a rights request to the
	// tenant.
	EventRequestCreated = "request.created"
	// EventRequestStatus: a request the tenant forwarded changed state.
	EventRequestStatus = "request.status"
	// EventRequestDueSoon: a request's deadline is within three days.
	EventRequestDueSoon = "request.due_soon"
)

// WebhookSecret is an endpoint's signing secret, whsec_...: verify
// deliveries with it (Standard Webhooks). It prints and logs as REDACTED;
// string(s) is the secret itself.
type WebhookSecret string

// String implements fmt.Stringer without revealing the secret.
func (s WebhookSecret) String() string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// GoString is String.
func (s WebhookSecret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer without revealing the secret.
func (s WebhookSecret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Webhook is an endpoint receiving the tenant's events. Its Secret is
// returned once, by [Client.CreateWebhook].
type Webhook struct {
	ID string `json:"id"`
	// URL is where events are posted. It may hold a token, so
	// [Webhook.LogValue] leaves it out.
	URL string `json:"url"`
	// Events are the event types it receives; empty for all.
	Events     []string      `json:"events"`
	CreatedAt  time.Time     `json:"created_at,omitzero"`
	DisabledAt *time.Time    `json:"disabled_at,omitempty"`
	Secret     WebhookSecret `json:"secret,omitempty"`
}

// LogValue logs the endpoint's id, events and state: never its URL or
// secret.
func (w Webhook) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", w.ID), slog.Any("events", w.Events), slog.Bool("disabled", w.DisabledAt != nil))
}

// CreateWebhook registers an endpoint at rawURL (https, or http to a
// loopback host) for events ([EventRequestCreated], [EventRequestStatus];
// none for all, present and future) and returns it with its signing
// secret (admin scope). The secret is shown only this once: store it now.
// A server that runs no job runner answers 503 with code no_job_runner.
func (c *Client) CreateWebhook(ctx context.Context, rawURL string, events ...string) (*Webhook, error) {
	in := struct {
		URL    string   `json:"url"`
		Events []string `json:"events,omitempty"`
	}{rawURL, events}
	var out Webhook
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/webhooks", path: "/v1/webhooks",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// WebhookPage is one page of webhook endpoints.
type WebhookPage struct {
	Webhooks []Webhook `json:"webhooks"`
	// Next is the after of the next page, "" after the last.
	Next string `json:"next"`
}

// ListWebhooks lists one page of the tenant's endpoints, disabled ones
// included, by id, never with their secrets (admin scope). after is the
// Next of the previous page ("" for the first); limit 0 is the server's
// default (100).
func (c *Client) ListWebhooks(ctx context.Context, after string, limit int) (*WebhookPage, error) {
	var out WebhookPage
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/webhooks", path: "/v1/webhooks", query: pageValues(after, limit),
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DisableWebhook stops deliveries to the tenant's endpoint id and returns
// it with its DisabledAt (admin scope). An unknown id is [ErrNotFound].
func (c *Client) DisableWebhook(ctx context.Context, id string) (*Webhook, error) {
	var out Webhook
	err := c.do(ctx, call{method: http.MethodDelete, route: "DELETE /v1/webhooks/{id}", path: "/v1/webhooks/" + seg(id),
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// The scopes of a legal hold.
const (
	// HoldTenant covers all of the tenant's data.
	HoldTenant = "tenant"
	// HoldSubject covers one subject's data; the target is its id.
	HoldSubject = "subject"
	// HoldCategory covers one data category of every subject; the target
	// is the category id.
	HoldCategory = "category"
)

// Hold is a legal hold: while it is active, the deletion of what it covers
// is suspended (PIPL Art. 47; GDPR Art. 17(3)(e)).
type Hold struct {
	// ID is set by the server (a UUIDv7).
	ID string `json:"id"`
	// Scope is [HoldTenant], [HoldSubject] or [HoldCategory].
	Scope string `json:"scope"`
	// Target is the subject or category id; "" for a tenant hold.
	Target string `json:"target,omitempty"`
	// Reason is why the hold was placed, for staff. [Hold.LogValue]
	// leaves it out.
	Reason     string     `json:"reason"`
	PlacedBy   string     `json:"placed_by,omitempty"`
	PlacedAt   time.Time  `json:"placed_at,omitzero"`
	ReleasedBy string     `json:"released_by,omitempty"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
}

// LogValue logs the hold's id, scope, target and state, never its reason.
func (h Hold) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", h.ID), slog.String("scope", h.Scope), slog.String("target", h.Target),
		slog.Bool("released", h.ReleasedAt != nil))
}

// PlaceHold places a legal hold (admin scope) of h.Scope on h.Target (a
// subject id, a category id, or "" for the whole tenant) for h.Reason,
// which is required and kept for staff, never audited; the other fields
// are set by the server. While the hold is active, retention sweeps and
// erasure requests do not delete what it covers (PIPL Art. 47). A subject
// that does not exist is [ErrNotFound].
func (c *Client) PlaceHold(ctx context.Context, h Hold) (*Hold, error) {
	in := struct {
		Scope  string `json:"scope"`
		Target string `json:"target,omitempty"`
		Reason string `json:"reason"`
	}{h.Scope, h.Target, h.Reason}
	var out Hold
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/holds", path: "/v1/holds",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// HoldQuery narrows ListHolds; zero fields match everything.
type HoldQuery struct {
	// Scope is [HoldTenant], [HoldSubject] or [HoldCategory].
	Scope string
	// Target is a subject or category id; it needs Scope.
	Target string
	// ActiveOnly leaves released holds out.
	ActiveOnly bool
	// After is the Next of the previous page; "" starts at the beginning.
	After string
	// Limit bounds the page; 0 is the server's default (100).
	Limit int
}

// HoldPage is one page of holds.
type HoldPage struct {
	Holds []Hold `json:"holds"`
	// Next is the After of the next page, "" after the last.
	Next string `json:"next"`
}

// ListHolds lists one page of the tenant's legal holds, by id (admin
// scope).
func (c *Client) ListHolds(ctx context.Context, q HoldQuery) (*HoldPage, error) {
	v := pageValues(q.After, q.Limit)
	if q.Scope != "" {
		v.Set("scope", q.Scope)
	}
	if q.Target != "" {
		v.Set("target", q.Target)
	}
	if q.ActiveOnly {
		v.Set("active", "true")
	}
	var out HoldPage
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/holds", path: "/v1/holds", query: v,
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReleaseHold releases the tenant's hold id and returns it with its
// ReleasedAt and ReleasedBy (admin scope): the deletion it suspended
// resumes unless another hold covers the data. A hold released already is
// [ErrConflict] (code already_released); an unknown id [ErrNotFound].
func (c *Client) ReleaseHold(ctx context.Context, id string) (*Hold, error) {
	var out Hold
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/holds/{id}/release", path: "/v1/holds/" + seg(id) + "/release",
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// pageValues are the after and limit query parameters of a listing.
func pageValues(after string, limit int) url.Values {
	v := url.Values{}
	if after != "" {
		v.Set("after", after)
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	return v
}
