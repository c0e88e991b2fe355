package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustee-dev/trustee/internal/store"
)

// The entities of schema version 5: trusted keys, legal holds and webhook
// endpoints.

// Trusted keys

const trustedKeyCols = "tenant, id, kind, name, algorithm, public_key, callback_url, created_at, revoked_at"

func scanTrustedKey(r interface{ Scan(...any) error }) (store.TrustedKey, error) {
	var k store.TrustedKey
	var at int64
	var revoked sql.NullInt64
	err := r.Scan(&k.Tenant, &k.ID, &k.Kind, &k.Name, &k.Algorithm, &k.PublicKey, &k.CallbackURL, &at, &revoked)
	k.CreatedAt, k.RevokedAt = fromMicros(at), fromOptMicros(revoked)
	return k, err
}

func (t *tx) CreateTrustedKey(ctx context.Context, k store.TrustedKey) (store.TrustedKey, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO trusted_keys ("+trustedKeyCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
		k.Tenant, k.ID, k.Kind, k.Name, k.Algorithm, k.PublicKey, k.CallbackURL, micros(k.CreatedAt))
	if err != nil {
		return store.TrustedKey{}, mapErr(err, "create trusted key "+quote(k.ID))
	}
	return k, nil
}

// RevokeTrustedKey stamps revoked_at once; revoking a revoked key returns
// it unchanged.
func (t *tx) RevokeTrustedKey(ctx context.Context, tenant, id string) (store.TrustedKey, error) {
	k, err := scanTrustedKey(t.sqlTx.QueryRowContext(ctx,
		"UPDATE trusted_keys SET revoked_at = coalesce(revoked_at, ?) WHERE tenant = ? AND id = ? RETURNING "+trustedKeyCols,
		micros(t.now), tenant, id))
	return k, one(err, "trusted key", tenant, id)
}

func (r *reader) GetTrustedKey(ctx context.Context, tenant, id string) (store.TrustedKey, error) {
	k, err := scanTrustedKey(r.q.QueryRowContext(ctx,
		"SELECT "+trustedKeyCols+" FROM trusted_keys WHERE tenant = ? AND id = ?", tenant, id))
	return k, one(err, "trusted key", tenant, id)
}

func (r *reader) ListTrustedKeys(ctx context.Context, tenant, kind string, p store.Page) ([]store.TrustedKey, string, error) {
	q := newQuery("SELECT "+trustedKeyCols+" FROM trusted_keys WHERE tenant = ?", tenant)
	q.and(kind != "", "kind = ?", kind)
	q.page("id", p)
	ks, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.TrustedKey, error) { return scanTrustedKey(rs) },
		func(k store.TrustedKey) string { return k.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list trusted keys: %w", err)
	}
	return ks, next, nil
}

// Legal holds: Target is stored in subject or category, by scope, so that
// a subject hold's subject is a foreign key.

const holdCols = "tenant, id, scope, coalesce(subject, category, ''), reason, placed_by, placed_at, coalesce(released_by, ''), released_at"

func scanHold(r interface{ Scan(...any) error }) (store.Hold, error) {
	var h store.Hold
	var at int64
	var released sql.NullInt64
	err := r.Scan(&h.Tenant, &h.ID, &h.Scope, &h.Target, &h.Reason, &h.PlacedBy, &at, &h.ReleasedBy, &released)
	h.PlacedAt, h.ReleasedAt = fromMicros(at), fromOptMicros(released)
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
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO holds (tenant, id, scope, subject, category, reason, placed_by, placed_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		h.Tenant, h.ID, h.Scope, subject, category, h.Reason, h.PlacedBy, micros(h.PlacedAt))
	if err != nil {
		return store.Hold{}, mapErr(err, "place hold "+quote(h.ID))
	}
	return h, nil
}

// ReleaseHold releases an active hold; a released one is a conflict, so
// that the first release's time and releaser stand.
func (t *tx) ReleaseHold(ctx context.Context, tenant, id, by string) (store.Hold, error) {
	h, err := scanHold(t.sqlTx.QueryRowContext(ctx,
		"UPDATE holds SET released_by = ?, released_at = ? WHERE tenant = ? AND id = ? AND released_at IS NULL RETURNING "+holdCols,
		by, micros(t.now), tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := t.GetHold(ctx, tenant, id); err != nil {
			return store.Hold{}, err
		}
		return store.Hold{}, fmt.Errorf("sqlite: release hold %q in tenant %q: released already: %w", id, tenant, store.ErrConflict)
	}
	return h, one(err, "hold", tenant, id)
}

func (r *reader) GetHold(ctx context.Context, tenant, id string) (store.Hold, error) {
	h, err := scanHold(r.q.QueryRowContext(ctx, "SELECT "+holdCols+" FROM holds WHERE tenant = ? AND id = ?", tenant, id))
	return h, one(err, "hold", tenant, id)
}

func (r *reader) ListHolds(ctx context.Context, tenant string, f store.HoldFilter, p store.Page) ([]store.Hold, string, error) {
	q := newQuery("SELECT "+holdCols+" FROM holds WHERE tenant = ?", tenant)
	q.and(f.Scope != "", "scope = ?", f.Scope)
	switch f.Scope {
	case store.HoldSubject:
		q.and(f.Target != "", "subject = ?", f.Target)
	case store.HoldCategory:
		q.and(f.Target != "", "category = ?", f.Target)
	}
	if f.ActiveOnly {
		q.b.WriteString(" AND released_at IS NULL")
	}
	q.page("id", p)
	hs, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.Hold, error) { return scanHold(rs) },
		func(h store.Hold) string { return h.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list holds: %w", err)
	}
	return hs, next, nil
}

// activeHoldsSQL reads the tenant's active holds that are no subject's,
// then the subject's, each with the partial index holds_active.
const activeHoldsSQL = "SELECT " + holdCols + " FROM holds WHERE tenant = ? AND subject IS NULL AND released_at IS NULL " +
	"UNION ALL SELECT " + holdCols + " FROM holds WHERE tenant = ? AND subject = ? AND released_at IS NULL ORDER BY id"

func (r *reader) ActiveHolds(ctx context.Context, tenant, subject string) ([]store.Hold, error) {
	out, err := all(ctx, r.q, activeHoldsSQL, []any{tenant, tenant, subject},
		func(rs *sql.Rows) (store.Hold, error) { return scanHold(rs) })
	if err != nil {
		return nil, fmt.Errorf("sqlite: active holds: %w", err)
	}
	return out, nil
}

// Webhook endpoints

const webhookCols = "tenant, id, url, secret, events, created_at, disabled_at"

func scanWebhook(r interface{ Scan(...any) error }) (store.WebhookEndpoint, error) {
	var w store.WebhookEndpoint
	var events string
	var at int64
	var disabled sql.NullInt64
	if err := r.Scan(&w.Tenant, &w.ID, &w.URL, &w.Secret, &events, &at, &disabled); err != nil {
		return w, err
	}
	w.CreatedAt, w.DisabledAt = fromMicros(at), fromOptMicros(disabled)
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return w, fmt.Errorf("webhook endpoint %q: events: %w", w.ID, err)
	}
	if len(w.Events) == 0 {
		w.Events = nil
	}
	return w, nil
}

func (t *tx) CreateWebhookEndpoint(ctx context.Context, w store.WebhookEndpoint) (store.WebhookEndpoint, error) {
	events := []byte("[]")
	if len(w.Events) > 0 {
		var err error
		if events, err = json.Marshal(w.Events); err != nil {
			return store.WebhookEndpoint{}, fmt.Errorf("sqlite: create webhook endpoint: %w", err)
		}
	}
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO webhook_endpoints ("+webhookCols+") VALUES (?, ?, ?, ?, ?, ?, NULL)",
		w.Tenant, w.ID, w.URL, w.Secret, string(events), micros(w.CreatedAt))
	if err != nil {
		return store.WebhookEndpoint{}, mapErr(err, "create webhook endpoint "+quote(w.ID))
	}
	return w, nil
}

// DisableWebhookEndpoint stamps disabled_at once; disabling a disabled
// endpoint returns it unchanged.
func (t *tx) DisableWebhookEndpoint(ctx context.Context, tenant, id string) (store.WebhookEndpoint, error) {
	w, err := scanWebhook(t.sqlTx.QueryRowContext(ctx,
		"UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, ?) WHERE tenant = ? AND id = ? RETURNING "+webhookCols,
		micros(t.now), tenant, id))
	return w, one(err, "webhook endpoint", tenant, id)
}

func (r *reader) GetWebhookEndpoint(ctx context.Context, tenant, id string) (store.WebhookEndpoint, error) {
	w, err := scanWebhook(r.q.QueryRowContext(ctx,
		"SELECT "+webhookCols+" FROM webhook_endpoints WHERE tenant = ? AND id = ?", tenant, id))
	return w, one(err, "webhook endpoint", tenant, id)
}

func (r *reader) ListWebhookEndpoints(ctx context.Context, tenant string, p store.Page) ([]store.WebhookEndpoint, string, error) {
	q := newQuery("SELECT "+webhookCols+" FROM webhook_endpoints WHERE tenant = ?", tenant)
	q.page("id", p)
	ws, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.WebhookEndpoint, error) { return scanWebhook(rs) },
		func(w store.WebhookEndpoint) string { return w.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list webhook endpoints: %w", err)
	}
	return ws, next, nil
}
