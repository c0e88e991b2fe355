package store

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WebhookEndpoint is where a tenant receives event notifications (requests
// routed to it, status changes), signed with Standard Webhooks. Neither
// [WebhookEndpoint.LogValue] nor [WebhookEndpoint.String] prints Secret or
// URL (a webhook URL often carries a token in its path or query).
type WebhookEndpoint struct {
	Tenant string
	// ID is chosen by the caller, unique within the tenant.
	ID string
	// URL is https, or http to a loopback host.
	URL string
	// Secret is the signing secret, sealed by the caller: opaque bytes to
	// the store, at most [MaxWebhookSecretLen].
	Secret []byte
	// Events are the event types the endpoint subscribes to ("request.created",
	// "request.status"), stored sorted; empty subscribes to all.
	Events []string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
	// DisabledAt is when the endpoint was disabled; zero while it is
	// active.
	DisabledAt time.Time
}

// MaxWebhookSecretLen is the longest sealed webhook secret, in bytes.
const MaxWebhookSecretLen = 1024

// MaxWebhookEvents is the most event types one endpoint subscribes to.
const MaxWebhookEvents = 64

// Active reports whether the endpoint has not been disabled.
func (w WebhookEndpoint) Active() bool { return w.DisabledAt.IsZero() }

// LogValue logs the endpoint's tenant, id, events and state: never its
// secret nor its URL.
func (w WebhookEndpoint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("tenant", w.Tenant),
		slog.String("id", w.ID),
		slog.Any("events", w.Events),
		slog.Bool("disabled", !w.Active()),
	)
}

// String describes the endpoint as LogValue does, so that %v and %+v do
// not print the secret or the URL either.
func (w WebhookEndpoint) String() string {
	return fmt.Sprintf("WebhookEndpoint{Tenant:%q ID:%q Events:%v Disabled:%t}", w.Tenant, w.ID, w.Events, !w.Active())
}

func (w *WebhookEndpoint) check(now time.Time) error {
	if err := checkID("webhook.tenant", w.Tenant); err != nil {
		return err
	}
	if err := checkID("webhook.id", w.ID); err != nil {
		return err
	}
	if err := checkURL("webhook.url", w.URL); err != nil {
		return err
	}
	switch {
	case len(w.Secret) == 0:
		return invalid("webhook.secret", "required")
	case len(w.Secret) > MaxWebhookSecretLen:
		return invalid("webhook.secret", "longer than "+strconv.Itoa(MaxWebhookSecretLen)+" bytes")
	}
	if len(w.Events) > MaxWebhookEvents {
		return invalid("webhook.events", "more than "+strconv.Itoa(MaxWebhookEvents)+" event types")
	}
	for i, e := range w.Events {
		if err := checkName("webhook.events["+strconv.Itoa(i)+"]", e); err != nil {
			return err
		}
	}
	if len(w.Events) == 0 {
		w.Events = nil
	} else {
		w.Events = slices.Clone(w.Events)
		slices.Sort(w.Events)
		if len(slices.Compact(slices.Clone(w.Events))) != len(w.Events) {
			return invalid("webhook.events", "lists an event type twice")
		}
	}
	if !w.DisabledAt.IsZero() {
		return invalid("webhook.disabled_at", "must be zero: an endpoint is disabled with DisableWebhookEndpoint")
	}
	w.Secret = slices.Clone(w.Secret)
	var err error
	w.CreatedAt, err = stamp("webhook.created_at", w.CreatedAt, now)
	return err
}

// checkURL accepts an absolute https URL, or an http URL to a loopback
// host (localhost, 127.0.0.0/8, ::1), without user information or
// fragment, of at most [MaxTextLen] bytes. Its reasons never repeat the
// URL, which may carry a token.
func checkURL(field, s string) error {
	if s == "" {
		return invalid(field, "required")
	}
	if err := checkText(field, s, MaxTextLen); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return invalid(field, "not a URL")
	}
	switch {
	case u.Scheme == "" || u.Opaque != "" || u.Host == "":
		return invalid(field, "must be an absolute URL such as https://example.com/hooks")
	case u.User != nil:
		return invalid(field, "must not carry a user name or password")
	case u.Fragment != "" || strings.HasSuffix(s, "#"):
		return invalid(field, "must not have a fragment (#...)")
	case u.Hostname() == "":
		return invalid(field, "has no host")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return invalid(field, "must use https (http only to a loopback host: localhost, 127.0.0.1, ::1)")
		}
	default:
		return invalid(field, "must use https (http only to a loopback host)")
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (g *guard) CreateWebhookEndpoint(ctx context.Context, w WebhookEndpoint) (WebhookEndpoint, error) {
	if err := g.writable(); err != nil {
		return WebhookEndpoint{}, err
	}
	if err := w.check(g.now); err != nil {
		return WebhookEndpoint{}, err
	}
	w, err := g.tx.CreateWebhookEndpoint(ctx, w)
	if err == nil {
		g.mutate("CreateWebhookEndpoint")
	}
	return w, g.leave(err)
}

func (g *guard) DisableWebhookEndpoint(ctx context.Context, tenant, id string) (WebhookEndpoint, error) {
	if err := g.writable(); err != nil {
		return WebhookEndpoint{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return WebhookEndpoint{}, err
	}
	w, err := g.tx.DisableWebhookEndpoint(ctx, tenant, id)
	if err == nil {
		g.mutate("DisableWebhookEndpoint")
	}
	return w, g.leave(err)
}

func (g *guard) GetWebhookEndpoint(ctx context.Context, tenant, id string) (WebhookEndpoint, error) {
	if err := g.enter(); err != nil {
		return WebhookEndpoint{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return WebhookEndpoint{}, err
	}
	w, err := g.r.GetWebhookEndpoint(ctx, tenant, id)
	return w, g.leave(err)
}

func (g *guard) ListWebhookEndpoints(ctx context.Context, tenant string, p Page) ([]WebhookEndpoint, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	ws, next, err := g.r.ListWebhookEndpoints(ctx, tenant, p)
	return ws, next, g.leave(err)
}
