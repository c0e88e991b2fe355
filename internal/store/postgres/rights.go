package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/trustee-dev/trustee/internal/store"
)

// The entities of schema version 5: trusted keys, legal holds and webhook
// endpoints.

// Trusted keys

const trustedKeyCols = "tenant, id, kind, name, algorithm, public_key, callback_url, created_at, revoked_at"

func scanTrustedKey(r pgx.Row) (store.TrustedKey, error) {
	var k store.TrustedKey
	var revoked *time.Time
	err := r.Scan(&k.Tenant, &k.ID, &k.Kind, &k.Name, &k.Algorithm, &k.PublicKey, &k.CallbackURL, &k.CreatedAt, &revoked)
	k.CreatedAt, k.RevokedAt = utc(k.CreatedAt), optTime(revoked)
	return k, err
}

func (t *tx) CreateTrustedKey(ctx context.Context, k store.TrustedKey) (store.TrustedKey, error) {
	err := t.protected(ctx, "INSERT INTO trusted_keys ("+trustedKeyCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
		[]any{k.Tenant, k.ID, k.Kind, k.Name, k.Algorithm, k.PublicKey, k.CallbackURL, k.CreatedAt}, nil)
	if err != nil {
		return store.TrustedKey{}, mapErr(err, fmt.Sprintf("create trusted key %q", k.ID))
	}
	return k, nil
}

// RevokeTrustedKey stamps revoked_at once; revoking a revoked key returns
// it unchanged.
func (t *tx) RevokeTrustedKey(ctx context.Context, tenant, id string) (store.TrustedKey, error) {
	k, err := scanTrustedKey(t.pgTx.QueryRow(ctx,
		"UPDATE trusted_keys SET revoked_at = coalesce(revoked_at, $1) WHERE tenant = $2 AND id = $3 RETURNING "+trustedKeyCols,
		t.now, tenant, id))
	return k, one(err, "trusted key", tenant, id)
}

func (r *reader) GetTrustedKey(ctx context.Context, tenant, id string) (store.TrustedKey, error) {
	k, err := scanTrustedKey(r.q.QueryRow(ctx,
		"SELECT "+trustedKeyCols+" FROM trusted_keys WHERE tenant = $1 AND id = $2", tenant, id))
	return k, one(err, "trusted key", tenant, id)
}

func (r *reader) ListTrustedKeys(ctx context.Context, tenant, kind string, p store.Page) ([]store.TrustedKey, string, error) {
	q := newQuery("SELECT "+trustedKeyCols+" FROM trusted_keys WHERE tenant = $1", tenant)
	q.and(kind != "", "kind", "=", kind)
	q.page("id", p.After, p)
	ks, next, err := list(ctx, r.q, q, p.Limit, scanTrustedKey, func(k store.TrustedKey) string { return k.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list trusted keys: %w", err)
	}
	return ks, next, nil
}

// Legal holds: Target is stored in subject or category, by scope, so that
// a subject hold's subject is a foreign key.

const holdCols = "tenant, id, scope, coalesce(subject, category, ''), reason, placed_by, placed_at, coalesce(released_by, ''), released_at"

func scanHold(r pgx.Row) (store.Hold, error) {
	var h store.Hold
	var released *time.Time
	err := r.Scan(&h.Tenant, &h.ID, &h.Scope, &h.Target, &h.Reason, &h.PlacedBy, &h.PlacedAt, &h.ReleasedBy, &released)
	h.PlacedAt, h.ReleasedAt = utc(h.PlacedAt), optTime(released)
	return h, err
}

// holdTarget returns the subject and category columns of a scope's target.
func holdTarget(scope, target string) (subject, category any) {
	switch scope {
	case store.HoldSubject:
		return target, nil
	case store.HoldCategory:
		return nil, target
	}
	return nil, nil
}

func (t *tx) PlaceHold(ctx context.Context, h store.Hold) (store.Hold, error) {
	subject, category := holdTarget(h.Scope, h.Target)
	err := t.protected(ctx, "INSERT INTO holds (tenant, id, scope, subject, category, reason, placed_by, placed_at) "+
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		[]any{h.Tenant, h.ID, h.Scope, subject, category, h.Reason, h.PlacedBy, h.PlacedAt}, nil)
	if err != nil {
		return store.Hold{}, mapErr(err, fmt.Sprintf("place hold %q", h.ID))
	}
	return h, nil
}

// ReleaseHold releases an active hold; a released one is a conflict, so
// that the first release's time and releaser stand. Of two racing
// releases, the second waits for the first's row lock and then finds the
// hold released.
func (t *tx) ReleaseHold(ctx context.Context, tenant, id, by string) (store.Hold, error) {
	h, err := scanHold(t.pgTx.QueryRow(ctx,
		"UPDATE holds SET released_by = $1, released_at = $2 WHERE tenant = $3 AND id = $4 AND released_at IS NULL RETURNING "+holdCols,
		by, t.now, tenant, id))
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := t.GetHold(ctx, tenant, id); err != nil {
			return store.Hold{}, err
		}
		return store.Hold{}, fmt.Errorf("postgres: release hold %q in tenant %q: released already: %w", id, tenant, store.ErrConflict)
	}
	return h, one(err, "hold", tenant, id)
}

func (r *reader) GetHold(ctx context.Context, tenant, id string) (store.Hold, error) {
	h, err := scanHold(r.q.QueryRow(ctx, "SELECT "+holdCols+" FROM holds WHERE tenant = $1 AND id = $2", tenant, id))
	return h, one(err, "hold", tenant, id)
}

func (r *reader) ListHolds(ctx context.Context, tenant string, f store.HoldFilter, p store.Page) ([]store.Hold, string, error) {
	q := newQuery("SELECT "+holdCols+" FROM holds WHERE tenant = $1", tenant)
	q.and(f.Scope != "", "scope", "=", f.Scope)
	switch f.Scope {
	case store.HoldSubject:
		q.and(f.Target != "", "subject", "=", f.Target)
	case store.HoldCategory:
		q.and(f.Target != "", "category", "=", f.Target)
	}
	if f.ActiveOnly {
		q.b.WriteString(" AND released_at IS NULL")
	}
	q.page("id", p.After, p)
	hs, next, err := list(ctx, r.q, q, p.Limit, scanHold, func(h store.Hold) string { return h.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list holds: %w", err)
	}
	return hs, next, nil
}

// activeHoldsSQL reads the tenant's active holds that are no subject's,
// then the subject's, each with the partial index holds_active.
const activeHoldsSQL = "SELECT " + holdCols + " FROM holds WHERE tenant = $1 AND subject IS NULL AND released_at IS NULL " +
	"UNION ALL SELECT " + holdCols + " FROM holds WHERE tenant = $1 AND subject = $2 AND released_at IS NULL ORDER BY id"

func (r *reader) ActiveHolds(ctx context.Context, tenant, subject string) ([]store.Hold, error) {
	out, err := all(ctx, r.q, activeHoldsSQL, []any{tenant, subject}, scanHold)
	if err != nil {
		return nil, fmt.Errorf("postgres: active holds: %w", err)
	}
	return out, nil
}

// Webhook endpoints

const webhookCols = "tenant, id, url, secret, events, created_at, disabled_at"

func scanWebhook(r pgx.Row) (store.WebhookEndpoint, error) {
	var w store.WebhookEndpoint
	var disabled *time.Time
	err := r.Scan(&w.Tenant, &w.ID, &w.URL, &w.Secret, &w.Events, &w.CreatedAt, &disabled)
	w.CreatedAt, w.DisabledAt = utc(w.CreatedAt), optTime(disabled)
	if len(w.Events) == 0 {
		w.Events = nil
	}
	return w, err
}

func (t *tx) CreateWebhookEndpoint(ctx context.Context, w store.WebhookEndpoint) (store.WebhookEndpoint, error) {
	events := w.Events
	if events == nil {
		events = []string{} // NOT NULL: the empty array subscribes to all
	}
	err := t.protected(ctx, "INSERT INTO webhook_endpoints ("+webhookCols+") VALUES ($1, $2, $3, $4, $5, $6, NULL)",
		[]any{w.Tenant, w.ID, w.URL, w.Secret, events, w.CreatedAt}, nil)
	if err != nil {
		return store.WebhookEndpoint{}, mapErr(err, fmt.Sprintf("create webhook endpoint %q", w.ID))
	}
	return w, nil
}

// DisableWebhookEndpoint stamps disabled_at once; disabling a disabled
// endpoint returns it unchanged.
func (t *tx) DisableWebhookEndpoint(ctx context.Context, tenant, id string) (store.WebhookEndpoint, error) {
	w, err := scanWebhook(t.pgTx.QueryRow(ctx,
		"UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, $1) WHERE tenant = $2 AND id = $3 RETURNING "+webhookCols,
		t.now, tenant, id))
	return w, one(err, "webhook endpoint", tenant, id)
}

func (r *reader) GetWebhookEndpoint(ctx context.Context, tenant, id string) (store.WebhookEndpoint, error) {
	w, err := scanWebhook(r.q.QueryRow(ctx,
		"SELECT "+webhookCols+" FROM webhook_endpoints WHERE tenant = $1 AND id = $2", tenant, id))
	return w, one(err, "webhook endpoint", tenant, id)
}

func (r *reader) ListWebhookEndpoints(ctx context.Context, tenant string, p store.Page) ([]store.WebhookEndpoint, string, error) {
	q := newQuery("SELECT "+webhookCols+" FROM webhook_endpoints WHERE tenant = $1", tenant)
	q.page("id", p.After, p)
	ws, next, err := list(ctx, r.q, q, p.Limit, scanWebhook, func(w store.WebhookEndpoint) string { return w.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list webhook endpoints: %w", err)
	}
	return ws, next, nil
}
