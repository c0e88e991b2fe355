package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/trustee-dev/trustee/internal/store"
)

// The entities of schema version 4: subject profiles, guardians,
// permission states, API keys, declaration versions and tenant links.

func (t *tx) SetSubjectProfile(ctx context.Context, tenant, id string, ageFloor int, region string) (store.Subject, error) {
	s, err := scanSubject(t.sqlTx.QueryRowContext(ctx,
		"UPDATE subjects SET age_floor = ?, region = ?, updated_at = ? WHERE tenant = ? AND id = ? RETURNING "+subjectCols,
		ageFloor, region, micros(t.now), tenant, id))
	return s, one(err, "subject", tenant, id)
}

// Guardians

const guardianCols = "tenant, minor, guardian, created_at"

func scanGuardian(r interface{ Scan(...any) error }) (store.Guardian, error) {
	var g store.Guardian
	var at int64
	err := r.Scan(&g.Tenant, &g.Minor, &g.Guardian, &at)
	g.CreatedAt = fromMicros(at)
	return g, err
}

func (t *tx) LinkGuardian(ctx context.Context, g store.Guardian) (store.Guardian, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO guardians ("+guardianCols+") VALUES (?, ?, ?, ?)",
		g.Tenant, g.Minor, g.Guardian, micros(g.CreatedAt))
	if err != nil {
		return store.Guardian{}, mapErr(err, "link guardian "+quote(g.Guardian)+" to "+quote(g.Minor))
	}
	return g, nil
}

func (t *tx) UnlinkGuardian(ctx context.Context, tenant, minor, guardian string) error {
	res, err := t.sqlTx.ExecContext(ctx, "DELETE FROM guardians WHERE tenant = ? AND minor = ? AND guardian = ?",
		tenant, minor, guardian)
	if err != nil {
		return fmt.Errorf("sqlite: unlink guardian: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound("guardian link", tenant, minor+" → "+guardian)
	}
	return nil
}

func (r *reader) ListGuardians(ctx context.Context, tenant, minor string) ([]store.Guardian, error) {
	return r.guardians(ctx, "SELECT "+guardianCols+" FROM guardians WHERE tenant = ? AND minor = ? ORDER BY guardian", tenant, minor)
}

func (r *reader) ListWards(ctx context.Context, tenant, guardian string) ([]store.Guardian, error) {
	return r.guardians(ctx, "SELECT "+guardianCols+" FROM guardians WHERE tenant = ? AND guardian = ? ORDER BY minor", tenant, guardian)
}

func (r *reader) guardians(ctx context.Context, q string, args ...any) ([]store.Guardian, error) {
	out, err := all(ctx, r.q, q, args, func(rs *sql.Rows) (store.Guardian, error) { return scanGuardian(rs) })
	if err != nil {
		return nil, fmt.Errorf("sqlite: list guardians: %w", err)
	}
	return out, nil
}

// all runs q and scans every row.
func all[T any](ctx context.Context, db *sql.Tx, q string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Permission states

const permissionCols = "tenant, subject, device, permission, granted, updated_at"

// SetPermissionStates upserts each state inside one savepoint; a state
// observed before the stored one does not replace it.
func (t *tx) SetPermissionStates(ctx context.Context, states []store.PermissionState) error {
	err := t.savepoint(ctx, func() error {
		st, err := t.sqlTx.PrepareContext(ctx, "INSERT INTO permission_states ("+permissionCols+") VALUES (?, ?, ?, ?, ?, ?) "+
			"ON CONFLICT (tenant, subject, device, permission) DO UPDATE SET granted = excluded.granted, "+
			"updated_at = excluded.updated_at WHERE excluded.updated_at >= permission_states.updated_at")
		if err != nil {
			return err
		}
		defer st.Close()
		for _, s := range states {
			if _, err := st.ExecContext(ctx, s.Tenant, s.Subject, s.Device, s.Permission, s.Granted, micros(s.UpdatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return mapErr(err, "set permission states")
	}
	return nil
}

func (r *reader) ListPermissionStates(ctx context.Context, tenant, subject string) ([]store.PermissionState, error) {
	out, err := all(ctx, r.q, "SELECT "+permissionCols+" FROM permission_states WHERE tenant = ? AND subject = ? ORDER BY device, permission",
		[]any{tenant, subject}, func(rs *sql.Rows) (store.PermissionState, error) {
			var s store.PermissionState
			var at int64
			err := rs.Scan(&s.Tenant, &s.Subject, &s.Device, &s.Permission, &s.Granted, &at)
			s.UpdatedAt = fromMicros(at)
			return s, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list permission states: %w", err)
	}
	return out, nil
}

// API keys

const (
	apiKeyCols   = "id, tenant, name, hash, scopes, created_at, revoked_at"
	getAPIKeySQL = "SELECT " + apiKeyCols + " FROM api_keys WHERE id = ?"
)

func scanAPIKey(r interface{ Scan(...any) error }) (store.APIKey, error) {
	var k store.APIKey
	var tenant sql.NullString
	var scopes string
	var at int64
	var revoked sql.NullInt64
	if err := r.Scan(&k.ID, &tenant, &k.Name, &k.Hash, &scopes, &at, &revoked); err != nil {
		return k, err
	}
	k.Tenant, k.CreatedAt, k.RevokedAt = tenant.String, fromMicros(at), fromOptMicros(revoked)
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return k, fmt.Errorf("API key %q: scopes: %w", k.ID, err)
	}
	return k, nil
}

func (t *tx) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	scopes, err := json.Marshal(k.Scopes)
	if err != nil {
		return store.APIKey{}, fmt.Errorf("sqlite: create API key: %w", err)
	}
	_, err = t.sqlTx.ExecContext(ctx, "INSERT INTO api_keys ("+apiKeyCols+") VALUES (?, ?, ?, ?, ?, ?, NULL)",
		k.ID, nullString(k.Tenant), k.Name, k.Hash, string(scopes), micros(k.CreatedAt))
	if err != nil {
		return store.APIKey{}, mapErr(err, "create API key "+quote(k.ID))
	}
	return k, nil
}

// RevokeAPIKey stamps revoked_at once; revoking a revoked key returns it
// unchanged.
func (t *tx) RevokeAPIKey(ctx context.Context, tenant, id string) (store.APIKey, error) {
	k, err := scanAPIKey(t.sqlTx.QueryRowContext(ctx,
		"UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND tenant IS ? RETURNING "+apiKeyCols,
		micros(t.now), id, nullString(tenant)))
	return k, one(err, "API key", tenant, id)
}

// GetAPIKey is the authentication lookup: by id alone, in every tenant.
func (r *reader) GetAPIKey(ctx context.Context, id string) (store.APIKey, error) {
	k, err := scanAPIKey(r.queryRow(ctx, getAPIKeySQL, id))
	return k, one(err, "API key", "", id)
}

func (r *reader) ListAPIKeys(ctx context.Context, tenant string, p store.Page) ([]store.APIKey, string, error) {
	q := newQuery("SELECT "+apiKeyCols+" FROM api_keys WHERE tenant IS ?", nullString(tenant))
	q.page("id", p)
	ks, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.APIKey, error) { return scanAPIKey(rs) },
		func(k store.APIKey) string { return k.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list API keys: %w", err)
	}
	return ks, next, nil
}

// Declarations

const (
	declarationCols = "tenant, seq, policy_id, version, source, sha256, uploaded_at, active"
	// declarationListCols leaves the source out of listings.
	declarationListCols = "tenant, seq, policy_id, version, NULL, sha256, uploaded_at, active"
)

func scanDeclaration(r interface{ Scan(...any) error }) (store.DeclarationVersion, error) {
	var d store.DeclarationVersion
	var at int64
	err := r.Scan(&d.Tenant, &d.Seq, &d.PolicyID, &d.Version, &d.Source, &d.SHA256, &at, &d.Active)
	d.UploadedAt = fromMicros(at)
	return d, err
}

// PutDeclaration numbers the version from the tenant's highest; the writer
// is the only connection, so two uploads cannot take the same number.
func (t *tx) PutDeclaration(ctx context.Context, d store.DeclarationVersion) (store.DeclarationVersion, error) {
	err := t.sqlTx.QueryRowContext(ctx, "INSERT INTO declarations ("+declarationCols+") "+
		"SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, 0 FROM declarations WHERE tenant = ? RETURNING seq",
		d.Tenant, d.PolicyID, d.Version, d.Source, d.SHA256, micros(d.UploadedAt), d.Tenant).Scan(&d.Seq)
	if err != nil {
		return store.DeclarationVersion{}, mapErr(err, "put declaration "+quote(d.Version))
	}
	return d, nil
}

// ActivateDeclaration deactivates the tenant's active version, then
// activates seq, in two statements: the partial unique index
// declarations_one_active is checked row by row.
func (t *tx) ActivateDeclaration(ctx context.Context, tenant string, seq int64) (store.DeclarationVersion, error) {
	var exists int
	err := t.sqlTx.QueryRowContext(ctx, "SELECT 1 FROM declarations WHERE tenant = ? AND seq = ?", tenant, seq).Scan(&exists)
	if err != nil {
		return store.DeclarationVersion{}, one(err, "declaration", tenant, strconv.FormatInt(seq, 10))
	}
	var d store.DeclarationVersion
	err = t.savepoint(ctx, func() error {
		if _, err := t.sqlTx.ExecContext(ctx, "UPDATE declarations SET active = 0 WHERE tenant = ? AND active = 1 AND seq <> ?",
			tenant, seq); err != nil {
			return err
		}
		var err error
		d, err = scanDeclaration(t.sqlTx.QueryRowContext(ctx,
			"UPDATE declarations SET active = 1 WHERE tenant = ? AND seq = ? RETURNING "+declarationCols, tenant, seq))
		return err
	})
	if err != nil {
		return store.DeclarationVersion{}, mapErr(err, "activate declaration "+strconv.FormatInt(seq, 10))
	}
	return d, nil
}

func (r *reader) GetDeclaration(ctx context.Context, tenant string, seq int64) (store.DeclarationVersion, error) {
	d, err := scanDeclaration(r.q.QueryRowContext(ctx,
		"SELECT "+declarationCols+" FROM declarations WHERE tenant = ? AND seq = ?", tenant, seq))
	return d, one(err, "declaration", tenant, strconv.FormatInt(seq, 10))
}

func (r *reader) ActiveDeclaration(ctx context.Context, tenant string) (store.DeclarationVersion, error) {
	d, err := scanDeclaration(r.q.QueryRowContext(ctx,
		"SELECT "+declarationCols+" FROM declarations WHERE tenant = ? AND active = 1", tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("no active declaration in tenant %q: %w", tenant, store.ErrNotFound)
	}
	return d, one(err, "declaration", tenant, "active")
}

func (r *reader) ListDeclarations(ctx context.Context, tenant string, p store.Page) ([]store.DeclarationVersion, string, error) {
	q := newQuery("SELECT "+declarationListCols+" FROM declarations WHERE tenant = ?", tenant)
	if p.After != "" {
		after, _ := strconv.ParseInt(p.After, 10, 64) // checked by the guard
		q.and(true, "seq > ?", after)
	}
	q.b.WriteString(" ORDER BY seq LIMIT " + strconv.Itoa(p.Limit+1))
	ds, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.DeclarationVersion, error) { return scanDeclaration(rs) },
		func(d store.DeclarationVersion) string { return strconv.FormatInt(d.Seq, 10) })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list declarations: %w", err)
	}
	return ds, next, nil
}

// Tenant links

const tenantLinkCols = "processor, controller, created_at"

func (t *tx) LinkTenants(ctx context.Context, l store.TenantLink) (store.TenantLink, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO tenant_links ("+tenantLinkCols+") VALUES (?, ?, ?)",
		l.Processor, l.Controller, micros(l.CreatedAt))
	if err != nil {
		return store.TenantLink{}, mapErr(err, "link processor "+quote(l.Processor)+" to controller "+quote(l.Controller))
	}
	return l, nil
}

func (r *reader) ListControllers(ctx context.Context, processor string) ([]store.TenantLink, error) {
	out, err := all(ctx, r.q, "SELECT "+tenantLinkCols+" FROM tenant_links WHERE processor = ? ORDER BY controller",
		[]any{processor}, func(rs *sql.Rows) (store.TenantLink, error) {
			var l store.TenantLink
			var at int64
			err := rs.Scan(&l.Processor, &l.Controller, &at)
			l.CreatedAt = fromMicros(at)
			return l, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list controllers: %w", err)
	}
	return out, nil
}
