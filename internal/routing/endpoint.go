package routing

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/store"
)

// Event types an endpoint may subscribe to.
const (
	// EventRequestCreated tells a controller that a request was forwarded
	// to it by a processor.
	EventRequestCreated = "request.created"
	// EventRequestStatus tells a processor that the controller's answer
	// changed the state of a request it forwarded.
	EventRequestStatus = "request.status"
	// EventRequestDueSoon reminds a tenant's staff that a request's
	// deadline is near (the rights sweep sends it once per request).
	EventRequestDueSoon = "request.due_soon"
)

// Events lists the event types, sorted.
var Events = []string{EventRequestCreated, EventRequestDueSoon, EventRequestStatus}

// MaxURLLen is the longest endpoint URL accepted, in bytes.
const MaxURLLen = 2048

// secretSubject is the key-store subject whose data key seals a tenant's
// webhook secrets. It starts with a control character, which the store
// refuses in every id ([store.Tenant], [store.Subject]...), so no data
// subject can ever have it: shredding a data subject (an erasure request)
// can never destroy the tenant's webhook secrets, and no subject's data
// shares a key with them. A readable id such as "_webhooks" would not be
// safe: it is a valid subject id.
const secretSubject = "\x1fwebhooks"

// secretField is the field the secrets are sealed under.
const secretField = "webhook.secret"

// SecretRef is where the signing secret of a tenant's endpoint is sealed:
// a reserved key-store subject no data subject can have, the field
// "webhook.secret" and the endpoint id as record, so a sealed secret copied
// to another endpoint or tenant does not open.
func SecretRef(tenant, endpoint string) keys.Ref {
	return keys.Ref{Tenant: tenant, Subject: secretSubject, Field: secretField, RecordID: endpoint}
}

// CheckURL accepts an absolute https URL, or an http URL whose host is a
// loopback address (localhost, 127.0.0.0/8, ::1: a receiver on the same
// machine). Credentials in the URL and fragments are refused. Errors wrap
// [ErrURL] and never quote the URL, whose query may hold a token.
func CheckURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("%w: url is required", ErrURL)
	}
	if len(raw) > MaxURLLen {
		return fmt.Errorf("%w: url is longer than %d bytes", ErrURL, MaxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%w: url is not an absolute URL with a host", ErrURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: url holds credentials; remove them (deliveries are authenticated by their signature)", ErrURL)
	}
	if u.Fragment != "" || strings.HasSuffix(raw, "#") {
		return fmt.Errorf("%w: url has a fragment; remove it", ErrURL)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if loopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%w: plain http is allowed to a loopback host only; use https", ErrURL)
	}
	return fmt.Errorf("%w: scheme must be https", ErrURL)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckEvents returns events sorted without repeats, or an error wrapping
// [ErrEvents] when one is not in [Events]. No events (nil) subscribes to
// all, now and to come.
func CheckEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, nil
	}
	out := slices.Clone(events)
	for i, e := range out {
		if !slices.Contains(Events, e) {
			return nil, fmt.Errorf("%w: events[%d] is not a known event", ErrEvents, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// CreateEndpoint registers a webhook endpoint of tenant and returns it with
// its signing secret ("whsec_..."), which is shown this once: only its
// sealed form is stored (at [SecretRef]). url must pass [CheckURL], events
// [CheckEvents] (none: every event). The creation is audited as "webhook.create" with the
// endpoint id and events, never the URL.
func (r *Router) CreateEndpoint(ctx context.Context, actor, tenant, rawURL string, events []string) (store.WebhookEndpoint, string, error) {
	if r.Store == nil || r.Keys == nil {
		return store.WebhookEndpoint{}, "", fmt.Errorf("%w: Store and Keys are required", ErrConfig)
	}
	if err := CheckURL(rawURL); err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	events, err := CheckEvents(events)
	if err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	// The tenant must exist before keys are made for it.
	if err := r.Store.Read(ctx, func(rd store.Reader) error {
		_, err := rd.GetTenant(ctx, tenant)
		return err
	}); err != nil {
		return store.WebhookEndpoint{}, "", fmt.Errorf("routing: tenant %q: %w", tenant, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	secret := notify.GenerateSecret()
	if err := r.Keys.EnsureTenant(ctx, tenant); err != nil {
		return store.WebhookEndpoint{}, "", fmt.Errorf("routing: tenant keys: %w", err)
	}
	sealed, err := r.Keys.Seal(ctx, SecretRef(tenant, id.String()), []byte(secret))
	if err != nil {
		return store.WebhookEndpoint{}, "", fmt.Errorf("routing: seal webhook secret: %w", err)
	}
	now := store.Norm(r.clock().Now())
	ep := store.WebhookEndpoint{Tenant: tenant, ID: id.String(), URL: rawURL, Secret: sealed, Events: events, CreatedAt: now}
	err = r.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		if ep, err = tx.CreateWebhookEndpoint(ctx, ep); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{
			Tenant: tenant, At: now, Actor: actor, Action: "webhook.create",
			ObjectType: "webhook_endpoint", ObjectID: ep.ID,
			Details: map[string]string{"events": strings.Join(ep.Events, ",")},
		})
		return err
	})
	if err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	return ep, secret, nil
}

// DisableEndpoint stops deliveries to a tenant's endpoint, audited as
// "webhook.disable". Deliveries already enqueued for it are cancelled when
// their job runs.
func (r *Router) DisableEndpoint(ctx context.Context, actor, tenant, id string) (store.WebhookEndpoint, error) {
	if r.Store == nil {
		return store.WebhookEndpoint{}, fmt.Errorf("%w: Store is required", ErrConfig)
	}
	now := store.Norm(r.clock().Now())
	var ep store.WebhookEndpoint
	err := r.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		if ep, err = tx.DisableWebhookEndpoint(ctx, tenant, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{
			Tenant: tenant, At: now, Actor: actor, Action: "webhook.disable",
			ObjectType: "webhook_endpoint", ObjectID: ep.ID,
		})
		return err
	})
	return ep, err
}

// openSecret opens an endpoint's sealed secret.
func openSecret(ctx context.Context, km *keys.Manager, ep store.WebhookEndpoint) (string, error) {
	b, err := km.Open(ctx, SecretRef(ep.Tenant, ep.ID), ep.Secret)
	if err != nil {
		return "", fmt.Errorf("routing: open secret of endpoint %s: %w", ep.ID, err)
	}
	return string(b), nil
}
