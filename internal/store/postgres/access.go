package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/trustee-dev/trustee/internal/store"
)

// The entities of schema version 4: subject profiles, guardians,
// permission states, API keys, declaration versions and tenant links.

func (t *tx) SetSubjectProfile(ctx context.Context, tenant, id string, ageFloor int, region string) (store.Subject, error) {
	s, err := scanSubject(t.pgTx.QueryRow(ctx,
		"UPDATE subjects SET age_floor = $1, region = $2, updated_at = $3 WHERE tenant = $4 AND id = $5 RETURNING "+subjectCols,
		ageFloor, region, t.now, tenant, id))
	return s, one(err, "subject", tenant, id)
}

// Guardians

const guardianCols = "tenant, minor, guardian, created_at"

func scanGuardian(r pgx.Row) (store.Guardian, error) {
	var g store.Guardian
	err := r.Scan(&g.Tenant, &g.Minor, &g.Guardian, &g.CreatedAt)
	g.CreatedAt = utc(g.CreatedAt)
	return g, err
}

func (t *tx) LinkGuardian(ctx context.Context, g store.Guardian) (store.Guardian, error) {
	err := t.protected(ctx, "INSERT INTO guardians ("+guardianCols+") VALUES ($1, $2, $3, $4)",
		[]any{g.Tenant, g.Minor, g.Guardian, g.CreatedAt}, nil)
	if err != nil {
		return store.Guardian{}, mapErr(err, fmt.Sprintf("link guardian %q to %q", g.Guardian, g.Minor))
	}
	return g, nil
}

func (t *tx) UnlinkGuardian(ctx context.Context, tenant, minor, guardian string) error {
	tag, err := t.pgTx.Exec(ctx, "DELETE FROM guardians WHERE tenant = $1 AND minor = $2 AND guardian = $3",
		tenant, minor, guardian)
	if err != nil {
		return fmt.Errorf("postgres: unlink guardian: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("guardian link", tenant, minor+" → "+guardian)
	}
	return nil
}

func (r *reader) ListGuardians(ctx context.Context, tenant, minor string) ([]store.Guardian, error) {
	return r.guardians(ctx, "SELECT "+guardianCols+" FROM guardians WHERE tenant = $1 AND minor = $2 ORDER BY guardian", tenant, minor)
}

func (r *reader) ListWards(ctx context.Context, tenant, guardian string) ([]store.Guardian, error) {
	return r.guardians(ctx, "SELECT "+guardianCols+" FROM guardians WHERE tenant = $1 AND guardian = $2 ORDER BY minor", tenant, guardian)
}

func (r *reader) guardians(ctx context.Context, q string, args ...any) ([]store.Guardian, error) {
	out, err := all(ctx, r.q, q, args, scanGuardian)
	if err != nil {
		return nil, fmt.Errorf("postgres: list guardians: %w", err)
	}
	return out, nil
}

// all runs q and scans every row; nil when there are none.
func all[T any](ctx context.Context, db pgx.Tx, q string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// Permission states

const permissionCols = "tenant, subject, device, permission, granted, updated_at"

// SetPermissionStates upserts the batch in one statement (unnest), inside a
// savepoint; a state observed before the stored one does not replace it.
func (t *tx) SetPermissionStates(ctx context.Context, states []store.PermissionState) error {
	n := len(states)
	tenants, subjects, devices, perms := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	granted, at := make([]bool, n), make([]time.Time, n)
	for i, s := range states {
		tenants[i], subjects[i], devices[i], perms[i], granted[i], at[i] = s.Tenant, s.Subject, s.Device, s.Permission, s.Granted, s.UpdatedAt
	}
	err := t.protected(ctx, "INSERT INTO permission_states ("+permissionCols+") "+
		"SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[]) "+
		"ON CONFLICT (tenant, subject, device, permission) DO UPDATE SET granted = excluded.granted, "+
		"updated_at = excluded.updated_at WHERE excluded.updated_at >= permission_states.updated_at",
		[]any{tenants, subjects, devices, perms, granted, at}, nil)
	if err != nil {
		return mapErr(err, "set permission states")
	}
	return nil
}

func (r *reader) ListPermissionStates(ctx context.Context, tenant, subject string) ([]store.PermissionState, error) {
	out, err := all(ctx, r.q, "SELECT "+permissionCols+" FROM permission_states WHERE tenant = $1 AND subject = $2 ORDER BY device, permission",
		[]any{tenant, subject}, func(row pgx.Row) (store.PermissionState, error) {
			var s store.PermissionState
			err := row.Scan(&s.Tenant, &s.Subject, &s.Device, &s.Permission, &s.Granted, &s.UpdatedAt)
			s.UpdatedAt = utc(s.UpdatedAt)
			return s, err
		})
	if err != nil {
		return nil, fmt.Errorf("postgres: list permission states: %w", err)
	}
	return out, nil
}

// API keys

const apiKeyCols = "id, tenant, name, hash, scopes, created_at, revoked_at"

func scanAPIKey(r pgx.Row) (store.APIKey, error) {
	var k store.APIKey
	var tenant *string
	var revoked *time.Time
	err := r.Scan(&k.ID, &tenant, &k.Name, &k.Hash, &k.Scopes, &k.CreatedAt, &revoked)
	if tenant != nil {
		k.Tenant = *tenant
	}
	k.CreatedAt, k.RevokedAt = utc(k.CreatedAt), optTime(revoked)
	return k, err
}

func (t *tx) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	err := t.protected(ctx, "INSERT INTO api_keys ("+apiKeyCols+") VALUES ($1, $2, $3, $4, $5, $6, NULL)",
		[]any{k.ID, nullString(k.Tenant), k.Name, k.Hash, k.Scopes, k.CreatedAt}, nil)
	if err != nil {
		return store.APIKey{}, mapErr(err, fmt.Sprintf("create API key %q", k.ID))
	}
	return k, nil
}

// tenantIs is the condition on api_keys.tenant for tenant, "" being the
// operator (NULL), with its argument.
func tenantIs(tenant string, n int) (string, []any) {
	if tenant == "" {
		return "tenant IS NULL", nil
	}
	return "tenant = $" + strconv.Itoa(n), []any{tenant}
}

// RevokeAPIKey stamps revoked_at once; revoking a revoked key returns it
// unchanged.
func (t *tx) RevokeAPIKey(ctx context.Context, tenant, id string) (store.APIKey, error) {
	cond, args := tenantIs(tenant, 3)
	k, err := scanAPIKey(t.pgTx.QueryRow(ctx,
		"UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 AND "+cond+" RETURNING "+apiKeyCols,
		append([]any{t.now, id}, args...)...))
	return k, one(err, "API key", tenant, id)
}

// GetAPIKey is the authentication lookup: by id alone, in every tenant.
func (r *reader) GetAPIKey(ctx context.Context, id string) (store.APIKey, error) {
	k, err := scanAPIKey(r.q.QueryRow(ctx, "SELECT "+apiKeyCols+" FROM api_keys WHERE id = $1", id))
	return k, one(err, "API key", "", id)
}

func (r *reader) ListAPIKeys(ctx context.Context, tenant string, p store.Page) ([]store.APIKey, string, error) {
	cond, args := tenantIs(tenant, 1)
	q := newQuery("SELECT "+apiKeyCols+" FROM api_keys WHERE "+cond, args...)
	q.page("id", p.After, p)
	ks, next, err := list(ctx, r.q, q, p.Limit, scanAPIKey, func(k store.APIKey) string { return k.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list API keys: %w", err)
	}
	return ks, next, nil
}

// Declarations

const (
	declarationCols = "tenant, seq, policy_id, version, source, sha256, uploaded_at, active"
	// declarationListCols leaves the source out of listings.
	declarationListCols = "tenant, seq, policy_id, version, NULL::bytea, sha256, uploaded_at, active"
)

func scanDeclaration(r pgx.Row) (store.DeclarationVersion, error) {
	var d store.DeclarationVersion
	err := r.Scan(&d.Tenant, &d.Seq, &d.PolicyID, &d.Version, &d.Source, &d.SHA256, &d.UploadedAt, &d.Active)
	d.UploadedAt = utc(d.UploadedAt)
	return d, err
}

// lockTenant locks the tenant's row until the end of the transaction, so
// that the declaration changes of one tenant take turns: numbering and
// activation then see every earlier change committed. FOR NO KEY UPDATE
// does not block the inserts of other rows that refer to the tenant.
func (t *tx) lockTenant(ctx context.Context, tenant string) error {
	var one int
	err := t.pgTx.QueryRow(ctx, "SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE", tenant).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("tenant", "", tenant)
	}
	if err != nil {
		return fmt.Errorf("postgres: lock tenant: %w", err)
	}
	return nil
}

// PutDeclaration numbers the version from the tenant's highest, under the
// tenant's lock.
func (t *tx) PutDeclaration(ctx context.Context, d store.DeclarationVersion) (store.DeclarationVersion, error) {
	if err := t.lockTenant(ctx, d.Tenant); err != nil {
		return store.DeclarationVersion{}, err
	}
	err := t.protected(ctx, "INSERT INTO declarations ("+declarationCols+") "+
		"SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, false FROM declarations WHERE tenant = $1 RETURNING seq",
		[]any{d.Tenant, d.PolicyID, d.Version, d.Source, d.SHA256, d.UploadedAt},
		func(r pgx.Row) error { return r.Scan(&d.Seq) })
	if err != nil {
		return store.DeclarationVersion{}, mapErr(err, fmt.Sprintf("put declaration %q", d.Version))
	}
	return d, nil
}

// ActivateDeclaration, under the tenant's lock, deactivates the tenant's
// active version and then activates seq, in two statements inside a
// savepoint: the partial unique index declarations_one_active is checked
// row by row.
func (t *tx) ActivateDeclaration(ctx context.Context, tenant string, seq int64) (store.DeclarationVersion, error) {
	if err := t.lockTenant(ctx, tenant); err != nil {
		return store.DeclarationVersion{}, err
	}
	var exists int
	err := t.pgTx.QueryRow(ctx, "SELECT 1 FROM declarations WHERE tenant = $1 AND seq = $2", tenant, seq).Scan(&exists)
	if err != nil {
		return store.DeclarationVersion{}, one(err, "declaration", tenant, strconv.FormatInt(seq, 10))
	}
	sp, err := t.pgTx.Begin(ctx) // SAVEPOINT
	if err != nil {
		return store.DeclarationVersion{}, fmt.Errorf("postgres: activate declaration: %w", err)
	}
	var d store.DeclarationVersion
	_, err = sp.Exec(ctx, "UPDATE declarations SET active = false WHERE tenant = $1 AND active AND seq <> $2", tenant, seq)
	if err == nil {
		d, err = scanDeclaration(sp.QueryRow(ctx,
			"UPDATE declarations SET active = true WHERE tenant = $1 AND seq = $2 RETURNING "+declarationCols, tenant, seq))
	}
	if err != nil {
		if rerr := sp.Rollback(context.WithoutCancel(ctx)); rerr != nil {
			return store.DeclarationVersion{}, errors.Join(mapErr(err, "activate declaration"), rerr)
		}
		return store.DeclarationVersion{}, mapErr(err, "activate declaration")
	}
	if err := sp.Commit(ctx); err != nil { // RELEASE
		return store.DeclarationVersion{}, fmt.Errorf("postgres: activate declaration: %w", err)
	}
	return d, nil
}

func (r *reader) GetDeclaration(ctx context.Context, tenant string, seq int64) (store.DeclarationVersion, error) {
	d, err := scanDeclaration(r.q.QueryRow(ctx,
		"SELECT "+declarationCols+" FROM declarations WHERE tenant = $1 AND seq = $2", tenant, seq))
	return d, one(err, "declaration", tenant, strconv.FormatInt(seq, 10))
}

func (r *reader) ActiveDeclaration(ctx context.Context, tenant string) (store.DeclarationVersion, error) {
	d, err := scanDeclaration(r.q.QueryRow(ctx,
		"SELECT "+declarationCols+" FROM declarations WHERE tenant = $1 AND active", tenant))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("no active declaration in tenant %q: %w", tenant, store.ErrNotFound)
	}
	return d, one(err, "declaration", tenant, "active")
}

func (r *reader) ListDeclarations(ctx context.Context, tenant string, p store.Page) ([]store.DeclarationVersion, string, error) {
	q := newQuery("SELECT "+declarationListCols+" FROM declarations WHERE tenant = $1", tenant)
	after, _ := strconv.ParseInt(p.After, 10, 64) // checked by the guard
	q.page("seq", after, p)
	ds, next, err := list(ctx, r.q, q, p.Limit, scanDeclaration,
		func(d store.DeclarationVersion) string { return strconv.FormatInt(d.Seq, 10) })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list declarations: %w", err)
	}
	return ds, next, nil
}

// Tenant links

const tenantLinkCols = "processor, controller, created_at"

func (t *tx) LinkTenants(ctx context.Context, l store.TenantLink) (store.TenantLink, error) {
	err := t.protected(ctx, "INSERT INTO tenant_links ("+tenantLinkCols+") VALUES ($1, $2, $3)",
		[]any{l.Processor, l.Controller, l.CreatedAt}, nil)
	if err != nil {
		return store.TenantLink{}, mapErr(err, fmt.Sprintf("link processor %q to controller %q", l.Processor, l.Controller))
	}
	return l, nil
}

func (r *reader) ListControllers(ctx context.Context, processor string) ([]store.TenantLink, error) {
	out, err := all(ctx, r.q, "SELECT "+tenantLinkCols+" FROM tenant_links WHERE processor = $1 ORDER BY controller",
		[]any{processor}, func(row pgx.Row) (store.TenantLink, error) {
			var l store.TenantLink
			err := row.Scan(&l.Processor, &l.Controller, &l.CreatedAt)
			l.CreatedAt = utc(l.CreatedAt)
			return l, err
		})
	if err != nil {
		return nil, fmt.Errorf("postgres: list controllers: %w", err)
	}
	return out, nil
}
