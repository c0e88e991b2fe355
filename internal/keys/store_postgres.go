package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// pgStore is the PostgreSQL [KeyStore].
type pgStore struct {
	pool *pgxpool.Pool
}

var _ KeyStore = (*pgStore)(nil)

// openPostgres opens a pgx pool on rawURL and runs the migrations.
func openPostgres(ctx context.Context, rawURL string) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("keys: PostgreSQL key store URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("keys: open PostgreSQL key store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("keys: open PostgreSQL key store: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	err = migrate(ctx, db, goose.DialectPostgres)
	db.Close() // does not close the pool
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &pgStore{pool: pool}, nil
}

// Close closes the pool.
func (s *pgStore) Close() error {
	s.pool.Close()
	return nil
}

// inTx runs fn in a read-committed transaction.
func (s *pgStore) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// lockSubject takes a transaction-scoped advisory lock on (tenant, subject),
// so creating and shredding one subject's key never interleave.
func lockSubject(ctx context.Context, tx pgx.Tx, tenant, subject string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('trustee/keys/subject/' || length($1) || ':' || $1 || $2, 0))`, tenant, subject)
	if err != nil {
		return fmt.Errorf("keys: lock subject key: %w", err)
	}
	return nil
}

func (s *pgStore) CreateTenant(ctx context.Context, kek TenantKEK, idx IndexKey) error {
	if kek.Tenant == "" || kek.Tenant != idx.Tenant || kek.Version != 1 {
		return fmt.Errorf("keys: CreateTenant wants version 1 keys of one named tenant")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenant_keks (tenant, version, wrapped, created, active)
			VALUES ($1, 1, $2, $3, true) ON CONFLICT DO NOTHING`, kek.Tenant, kek.Wrapped, kek.Created)
		if err != nil {
			return fmt.Errorf("keys: store tenant KEK: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO index_keys (tenant, wrapped, created) VALUES ($1, $2, $3)
			ON CONFLICT (tenant) DO NOTHING`, idx.Tenant, idx.Wrapped, idx.Created)
		if err != nil {
			return fmt.Errorf("keys: store tenant index key: %w", err)
		}
		return nil
	})
}

// pgKEK reads one tenant_keks row.
func pgKEK(row pgx.Row, tenant string) (TenantKEK, error) {
	k := TenantKEK{Tenant: tenant}
	err := row.Scan(&k.Version, &k.Wrapped, &k.Created, &k.Active)
	if errors.Is(err, pgx.ErrNoRows) {
		return TenantKEK{}, fmt.Errorf("%w: %q", ErrNoTenantKey, tenant)
	}
	if err != nil {
		return TenantKEK{}, fmt.Errorf("keys: read tenant KEK: %w", err)
	}
	k.Created = k.Created.UTC()
	return k, nil
}

func (s *pgStore) ActiveKEK(ctx context.Context, tenant string) (TenantKEK, error) {
	return pgKEK(s.pool.QueryRow(ctx,
		`SELECT version, wrapped, created, active FROM tenant_keks WHERE tenant = $1 AND active`, tenant), tenant)
}

func (s *pgStore) KEK(ctx context.Context, tenant string, version int) (TenantKEK, error) {
	return pgKEK(s.pool.QueryRow(ctx,
		`SELECT version, wrapped, created, active FROM tenant_keks WHERE tenant = $1 AND version = $2`, tenant, version), tenant)
}

func (s *pgStore) AddKEK(ctx context.Context, kek TenantKEK) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		// Deactivating first locks the active row: a concurrent AddKEK
		// waits here, and so does AddSubjectKey, which holds the active
		// row FOR SHARE.
		if _, err := tx.Exec(ctx, `UPDATE tenant_keks SET active = false WHERE tenant = $1 AND active`, kek.Tenant); err != nil {
			return fmt.Errorf("keys: deactivate tenant KEK: %w", err)
		}
		var highest *int64
		if err := tx.QueryRow(ctx, `SELECT max(version) FROM tenant_keks WHERE tenant = $1`, kek.Tenant).Scan(&highest); err != nil {
			return fmt.Errorf("keys: read tenant KEK versions: %w", err)
		}
		if highest == nil {
			return fmt.Errorf("%w: %q", ErrNoTenantKey, kek.Tenant)
		}
		if int64(kek.Version) != *highest+1 {
			return fmt.Errorf("%w: tenant %q KEK version %d, highest is %d", ErrKeyConflict, kek.Tenant, kek.Version, *highest)
		}
		_, err := tx.Exec(ctx, `INSERT INTO tenant_keks (tenant, version, wrapped, created, active) VALUES ($1, $2, $3, $4, true)`,
			kek.Tenant, kek.Version, kek.Wrapped, kek.Created)
		if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == "23505" { // unique_violation
			return fmt.Errorf("%w: tenant %q KEK version %d", ErrKeyConflict, kek.Tenant, kek.Version)
		}
		if err != nil {
			return fmt.Errorf("keys: store tenant KEK: %w", err)
		}
		return nil
	})
}

func (s *pgStore) IndexKey(ctx context.Context, tenant string) (IndexKey, error) {
	k := IndexKey{Tenant: tenant}
	err := s.pool.QueryRow(ctx, `SELECT wrapped, created FROM index_keys WHERE tenant = $1`, tenant).Scan(&k.Wrapped, &k.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return IndexKey{}, fmt.Errorf("%w: %q", ErrNoTenantKey, tenant)
	}
	if err != nil {
		return IndexKey{}, fmt.Errorf("keys: read index key: %w", err)
	}
	k.Created = k.Created.UTC()
	return k, nil
}

func (s *pgStore) RootWrappedKeys(ctx context.Context, after RootKeyID, limit int) ([]RootWrapped, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, tenant, version, wrapped FROM (
			SELECT 'index'::text COLLATE "C" AS kind, tenant COLLATE "C" AS tenant, 1 AS version, wrapped FROM index_keys
			UNION ALL
			SELECT 'kek'::text COLLATE "C", tenant COLLATE "C", version, wrapped FROM tenant_keks
		) k WHERE (kind, tenant, version) > ($1::text COLLATE "C", $2::text COLLATE "C", $3::int)
		ORDER BY kind, tenant, version LIMIT $4`,
		string(after.Kind), after.Tenant, after.Version, limit)
	if err != nil {
		return nil, fmt.Errorf("keys: list root-wrapped keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RootWrapped, error) {
		var k RootWrapped
		var kind string
		err := r.Scan(&kind, &k.Tenant, &k.Version, &k.Wrapped)
		k.Kind = RootKeyKind(kind)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("keys: list root-wrapped keys: %w", err)
	}
	return out, nil
}

func (s *pgStore) RewrapRootKeys(ctx context.Context, rewraps []RootRewrap) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n = 0
		for _, r := range rewraps {
			var tag pgconn.CommandTag
			var err error
			switch r.Kind {
			case RootKEK:
				tag, err = tx.Exec(ctx, `UPDATE tenant_keks SET wrapped = $1 WHERE tenant = $2 AND version = $3 AND wrapped = $4`,
					r.New, r.Tenant, r.Version, r.Old)
			case RootIndexKey:
				tag, err = tx.Exec(ctx, `UPDATE index_keys SET wrapped = $1 WHERE tenant = $2 AND wrapped = $3`,
					r.New, r.Tenant, r.Old)
			default:
				return fmt.Errorf("keys: unknown root-wrapped key kind %q", r.Kind)
			}
			if err != nil {
				return fmt.Errorf("keys: re-wrap root-wrapped key: %w", err)
			}
			n += int(tag.RowsAffected())
		}
		return nil
	})
	return n, err
}

// pgQuerier is what pgSubjectKey needs: a pool or a transaction.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (s *pgStore) SubjectKey(ctx context.Context, tenant, subject string) (SubjectDEK, error) {
	return pgSubjectKey(ctx, s.pool, tenant, subject)
}

// pgSubjectKey reads a subject's key or marker in one query.
func pgSubjectKey(ctx context.Context, q pgQuerier, tenant, subject string) (SubjectDEK, error) {
	rows, err := q.Query(ctx, `SELECT true, 0, NULL::bytea, destroyed_at FROM destroyed_subjects WHERE tenant = $1 AND subject = $2
		UNION ALL
		SELECT false, kek_version, wrapped, created FROM subject_keys WHERE tenant = $1 AND subject = $2`, tenant, subject)
	if err != nil {
		return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
	}
	defer rows.Close()
	k := SubjectDEK{Tenant: tenant, Subject: subject}
	found, destroyed := false, false
	for rows.Next() {
		var d bool
		var created time.Time
		var wrapped []byte
		var version int
		if err := rows.Scan(&d, &version, &wrapped, &created); err != nil {
			return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
		}
		if d {
			destroyed = true
			continue
		}
		k.KEKVersion, k.Wrapped, k.Created, found = version, wrapped, created.UTC(), true
	}
	if err := rows.Err(); err != nil {
		return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
	}
	switch {
	case destroyed:
		return SubjectDEK{}, ErrShredded
	case !found:
		return SubjectDEK{}, ErrNoSubjectKey
	}
	return k, nil
}

func (s *pgStore) AddSubjectKey(ctx context.Context, dek SubjectDEK) (SubjectDEK, error) {
	var out SubjectDEK
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockSubject(ctx, tx, dek.Tenant, dek.Subject); err != nil {
			return err
		}
		k, err := pgSubjectKey(ctx, tx, dek.Tenant, dek.Subject)
		if err == nil || !errors.Is(err, ErrNoSubjectKey) {
			out = k
			return err
		}
		// FOR SHARE holds the active KEK row until commit: a rotation's
		// AddKEK waits for this insert, and then sees it when it lists the
		// keys to re-wrap.
		var one int
		err = tx.QueryRow(ctx, `SELECT 1 FROM tenant_keks WHERE tenant = $1 AND version = $2 AND active FOR SHARE`,
			dek.Tenant, dek.KEKVersion).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrKEKNotActive
		}
		if err != nil {
			return fmt.Errorf("keys: read tenant KEK: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO subject_keys (tenant, subject, kek_version, wrapped, created) VALUES ($1, $2, $3, $4, $5)`,
			dek.Tenant, dek.Subject, dek.KEKVersion, dek.Wrapped, dek.Created); err != nil {
			return fmt.Errorf("keys: store subject key: %w", err)
		}
		out = dek
		out.Created = dek.Created.UTC()
		return nil
	})
	if err != nil {
		return SubjectDEK{}, err
	}
	return out, nil
}

func (s *pgStore) SubjectKeysBelow(ctx context.Context, tenant string, version, limit int) ([]SubjectDEK, error) {
	rows, err := s.pool.Query(ctx, `SELECT subject, kek_version, wrapped, created FROM subject_keys
		WHERE tenant = $1 AND kek_version < $2 ORDER BY kek_version, subject LIMIT $3`, tenant, version, limit)
	if err != nil {
		return nil, fmt.Errorf("keys: list subject keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SubjectDEK, error) {
		k := SubjectDEK{Tenant: tenant}
		err := r.Scan(&k.Subject, &k.KEKVersion, &k.Wrapped, &k.Created)
		k.Created = k.Created.UTC()
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("keys: list subject keys: %w", err)
	}
	return out, nil
}

func (s *pgStore) RewrapSubjectKeys(ctx context.Context, rewraps []SubjectRewrap) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n = 0
		b := &pgx.Batch{}
		for _, r := range rewraps {
			b.Queue(`UPDATE subject_keys SET kek_version = $1, wrapped = $2 WHERE tenant = $3 AND subject = $4 AND kek_version = $5`,
				r.ToVersion, r.Wrapped, r.Tenant, r.Subject, r.FromVersion)
		}
		br := tx.SendBatch(ctx, b)
		for range rewraps {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return fmt.Errorf("keys: re-wrap subject keys: %w", err)
			}
			n += int(tag.RowsAffected())
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("keys: re-wrap subject keys: %w", err)
		}
		return nil
	})
	return n, err
}

func (s *pgStore) Shred(ctx context.Context, tenant, subject string, at time.Time) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockSubject(ctx, tx, tenant, subject); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM subject_keys WHERE tenant = $1 AND subject = $2`, tenant, subject); err != nil {
			return fmt.Errorf("keys: shred subject key: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO destroyed_subjects (tenant, subject, destroyed_at) VALUES ($1, $2, $3)
			ON CONFLICT (tenant, subject) DO NOTHING`, tenant, subject, at); err != nil {
			return fmt.Errorf("keys: record shredded subject: %w", err)
		}
		return nil
	})
}

func (s *pgStore) Destroyed(ctx context.Context, tenant, subject string) (time.Time, bool, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT destroyed_at FROM destroyed_subjects WHERE tenant = $1 AND subject = $2`, tenant, subject).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("keys: read shredded subject: %w", err)
	}
	return at.UTC(), true, nil
}
