package keys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // driver "sqlite"
)

// sqliteStore is the SQLite [KeyStore]. SQLite has one writer at a time, so
// writes go through a pool of one connection (waiting their turn in Go, in
// order, rather than in SQLite's busy handler, which lets a busy writer
// starve the others); reads use their own pool and run alongside (WAL).
type sqliteStore struct {
	db  *sql.DB // the writer
	rdb *sql.DB // readers
}

var _ KeyStore = (*sqliteStore)(nil)

// sqliteTime is how instants are stored in SQLite: UTC, fixed width, so text
// order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000000Z"

func toSQLiteTime(t time.Time) string { return t.UTC().Format(sqliteTime) }

func fromSQLiteTime(s string) (time.Time, error) {
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("keys: key store holds a malformed time: %w", err)
	}
	return t, nil
}

// openSQLite opens (creating if needed) the SQLite key store at u's path.
func openSQLite(ctx context.Context, u *url.URL) (*sqliteStore, error) {
	path := u.Path
	if u.Opaque != "" {
		path = u.Opaque
	}
	if path == "" || (u.Host != "" && u.Host != "localhost") {
		return nil, fmt.Errorf("keys: SQLite key store URL: want sqlite:///absolute/path/keys.db")
	}
	path = filepath.FromSlash(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("keys: create key store directory: %w", err)
	}
	// Create the file ourselves so it is private; SQLite gives its -wal and
	// -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("keys: open key store: %w", err)
	}
	f.Close()

	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "secure_delete(1)")
	q.Set("_txlock", "immediate")
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("keys: open key store: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("keys: open key store: %w", err)
	}
	if err := migrate(ctx, db, goose.DialectSQLite3); err != nil {
		db.Close()
		return nil, err
	}
	q.Add("_pragma", "query_only(1)")
	rdb, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}).String())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("keys: open key store: %w", err)
	}
	return &sqliteStore{db: db, rdb: rdb}, nil
}

// Close closes the database.
func (s *sqliteStore) Close() error { return errors.Join(s.rdb.Close(), s.db.Close()) }

// inTx runs fn in a write transaction (BEGIN IMMEDIATE, from the DSN).
func (s *sqliteStore) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("keys: key store: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("keys: key store commit: %w", err)
	}
	return nil
}

func (s *sqliteStore) CreateTenant(ctx context.Context, kek TenantKEK, idx IndexKey) error {
	if kek.Tenant == "" || kek.Tenant != idx.Tenant || kek.Version != 1 {
		return fmt.Errorf("keys: CreateTenant wants version 1 keys of one named tenant")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tenant_keks (tenant, version, wrapped, created, active)
			SELECT ?1, 1, ?2, ?3, 1 WHERE NOT EXISTS (SELECT 1 FROM tenant_keks WHERE tenant = ?1)`,
			kek.Tenant, kek.Wrapped, toSQLiteTime(kek.Created))
		if err != nil {
			return fmt.Errorf("keys: store tenant KEK: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO index_keys (tenant, wrapped, created) VALUES (?, ?, ?)
			ON CONFLICT (tenant) DO NOTHING`, idx.Tenant, idx.Wrapped, toSQLiteTime(idx.Created))
		if err != nil {
			return fmt.Errorf("keys: store tenant index key: %w", err)
		}
		return nil
	})
}

// scanKEK reads one tenant_keks row.
func scanKEK(row interface{ Scan(...any) error }, tenant string) (TenantKEK, error) {
	k := TenantKEK{Tenant: tenant}
	var created string
	err := row.Scan(&k.Version, &k.Wrapped, &created, &k.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return TenantKEK{}, fmt.Errorf("%w: %q", ErrNoTenantKey, tenant)
	}
	if err != nil {
		return TenantKEK{}, fmt.Errorf("keys: read tenant KEK: %w", err)
	}
	k.Created, err = fromSQLiteTime(created)
	return k, err
}

func (s *sqliteStore) ActiveKEK(ctx context.Context, tenant string) (TenantKEK, error) {
	return scanKEK(s.rdb.QueryRowContext(ctx,
		`SELECT version, wrapped, created, active FROM tenant_keks WHERE tenant = ? AND active = 1`, tenant), tenant)
}

func (s *sqliteStore) KEK(ctx context.Context, tenant string, version int) (TenantKEK, error) {
	return scanKEK(s.rdb.QueryRowContext(ctx,
		`SELECT version, wrapped, created, active FROM tenant_keks WHERE tenant = ? AND version = ?`, tenant, version), tenant)
}

func (s *sqliteStore) AddKEK(ctx context.Context, kek TenantKEK) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var highest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM tenant_keks WHERE tenant = ?`, kek.Tenant).Scan(&highest); err != nil {
			return fmt.Errorf("keys: read tenant KEK versions: %w", err)
		}
		if !highest.Valid {
			return fmt.Errorf("%w: %q", ErrNoTenantKey, kek.Tenant)
		}
		if int64(kek.Version) != highest.Int64+1 {
			return fmt.Errorf("%w: tenant %q KEK version %d, highest is %d", ErrKeyConflict, kek.Tenant, kek.Version, highest.Int64)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tenant_keks SET active = 0 WHERE tenant = ? AND active = 1`, kek.Tenant); err != nil {
			return fmt.Errorf("keys: deactivate tenant KEK: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_keks (tenant, version, wrapped, created, active) VALUES (?, ?, ?, ?, 1)`,
			kek.Tenant, kek.Version, kek.Wrapped, toSQLiteTime(kek.Created)); err != nil {
			return fmt.Errorf("keys: store tenant KEK: %w", err)
		}
		return nil
	})
}

func (s *sqliteStore) IndexKey(ctx context.Context, tenant string) (IndexKey, error) {
	k := IndexKey{Tenant: tenant}
	var created string
	err := s.rdb.QueryRowContext(ctx, `SELECT wrapped, created FROM index_keys WHERE tenant = ?`, tenant).Scan(&k.Wrapped, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return IndexKey{}, fmt.Errorf("%w: %q", ErrNoTenantKey, tenant)
	}
	if err != nil {
		return IndexKey{}, fmt.Errorf("keys: read index key: %w", err)
	}
	k.Created, err = fromSQLiteTime(created)
	return k, err
}

func (s *sqliteStore) RootWrappedKeys(ctx context.Context, after RootKeyID, limit int) ([]RootWrapped, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT kind, tenant, version, wrapped FROM (
			SELECT 'index' AS kind, tenant, 1 AS version, wrapped FROM index_keys
			UNION ALL
			SELECT 'kek' AS kind, tenant, version, wrapped FROM tenant_keks
		) WHERE (kind, tenant, version) > (?, ?, ?) ORDER BY kind, tenant, version LIMIT ?`,
		string(after.Kind), after.Tenant, after.Version, limit)
	if err != nil {
		return nil, fmt.Errorf("keys: list root-wrapped keys: %w", err)
	}
	defer rows.Close()
	var out []RootWrapped
	for rows.Next() {
		var k RootWrapped
		var kind string
		if err := rows.Scan(&kind, &k.Tenant, &k.Version, &k.Wrapped); err != nil {
			return nil, fmt.Errorf("keys: list root-wrapped keys: %w", err)
		}
		k.Kind = RootKeyKind(kind)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys: list root-wrapped keys: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) RewrapRootKeys(ctx context.Context, rewraps []RootRewrap) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, r := range rewraps {
			var res sql.Result
			var err error
			switch r.Kind {
			case RootKEK:
				res, err = tx.ExecContext(ctx, `UPDATE tenant_keks SET wrapped = ? WHERE tenant = ? AND version = ? AND wrapped = ?`,
					r.New, r.Tenant, r.Version, r.Old)
			case RootIndexKey:
				res, err = tx.ExecContext(ctx, `UPDATE index_keys SET wrapped = ? WHERE tenant = ? AND wrapped = ?`,
					r.New, r.Tenant, r.Old)
			default:
				return fmt.Errorf("keys: unknown root-wrapped key kind %q", r.Kind)
			}
			if err != nil {
				return fmt.Errorf("keys: re-wrap root-wrapped key: %w", err)
			}
			c, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("keys: re-wrap root-wrapped key: %w", err)
			}
			n += int(c)
		}
		return nil
	})
	return n, err
}

func (s *sqliteStore) SubjectKey(ctx context.Context, tenant, subject string) (SubjectDEK, error) {
	return sqliteSubjectKey(ctx, s.rdb, tenant, subject)
}

// sqliteSubjectKey reads a subject's key or marker in one query.
func sqliteSubjectKey(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, tenant, subject string) (SubjectDEK, error) {
	rows, err := q.QueryContext(ctx, `SELECT 1, 0, NULL, destroyed_at FROM destroyed_subjects WHERE tenant = ?1 AND subject = ?2
		UNION ALL
		SELECT 0, kek_version, wrapped, created FROM subject_keys WHERE tenant = ?1 AND subject = ?2`, tenant, subject)
	if err != nil {
		return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
	}
	defer rows.Close()
	k := SubjectDEK{Tenant: tenant, Subject: subject}
	found := false
	for rows.Next() {
		var destroyed bool
		var created string
		var wrapped []byte
		var version int
		if err := rows.Scan(&destroyed, &version, &wrapped, &created); err != nil {
			return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
		}
		if destroyed {
			return SubjectDEK{}, ErrShredded
		}
		k.KEKVersion, k.Wrapped, found = version, wrapped, true
		if k.Created, err = fromSQLiteTime(created); err != nil {
			return SubjectDEK{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return SubjectDEK{}, fmt.Errorf("keys: read subject key: %w", err)
	}
	if !found {
		return SubjectDEK{}, ErrNoSubjectKey
	}
	return k, nil
}

func (s *sqliteStore) AddSubjectKey(ctx context.Context, dek SubjectDEK) (SubjectDEK, error) {
	var out SubjectDEK
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// BEGIN IMMEDIATE holds the write lock: nothing changes between the
		// checks and the insert.
		k, err := sqliteSubjectKey(ctx, tx, dek.Tenant, dek.Subject)
		if err == nil || !errors.Is(err, ErrNoSubjectKey) {
			out = k
			return err
		}
		var active int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM tenant_keks WHERE tenant = ? AND version = ? AND active = 1`,
			dek.Tenant, dek.KEKVersion).Scan(&active)
		if err != nil {
			return fmt.Errorf("keys: read tenant KEK: %w", err)
		}
		if active == 0 {
			return ErrKEKNotActive
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subject_keys (tenant, subject, kek_version, wrapped, created) VALUES (?, ?, ?, ?, ?)`,
			dek.Tenant, dek.Subject, dek.KEKVersion, dek.Wrapped, toSQLiteTime(dek.Created)); err != nil {
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

func (s *sqliteStore) SubjectKeysBelow(ctx context.Context, tenant string, version, limit int) ([]SubjectDEK, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT subject, kek_version, wrapped, created FROM subject_keys
		WHERE tenant = ? AND kek_version < ? ORDER BY kek_version, subject LIMIT ?`, tenant, version, limit)
	if err != nil {
		return nil, fmt.Errorf("keys: list subject keys: %w", err)
	}
	defer rows.Close()
	var out []SubjectDEK
	for rows.Next() {
		k := SubjectDEK{Tenant: tenant}
		var created string
		if err := rows.Scan(&k.Subject, &k.KEKVersion, &k.Wrapped, &created); err != nil {
			return nil, fmt.Errorf("keys: list subject keys: %w", err)
		}
		if k.Created, err = fromSQLiteTime(created); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys: list subject keys: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) RewrapSubjectKeys(ctx context.Context, rewraps []SubjectRewrap) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		stmt, err := tx.PrepareContext(ctx, `UPDATE subject_keys SET kek_version = ?, wrapped = ?
			WHERE tenant = ? AND subject = ? AND kek_version = ?`)
		if err != nil {
			return fmt.Errorf("keys: re-wrap subject keys: %w", err)
		}
		defer stmt.Close()
		for _, r := range rewraps {
			res, err := stmt.ExecContext(ctx, r.ToVersion, r.Wrapped, r.Tenant, r.Subject, r.FromVersion)
			if err != nil {
				return fmt.Errorf("keys: re-wrap subject keys: %w", err)
			}
			c, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("keys: re-wrap subject keys: %w", err)
			}
			n += int(c)
		}
		return nil
	})
	return n, err
}

func (s *sqliteStore) Shred(ctx context.Context, tenant, subject string, at time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_keys WHERE tenant = ? AND subject = ?`, tenant, subject); err != nil {
			return fmt.Errorf("keys: shred subject key: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO destroyed_subjects (tenant, subject, destroyed_at) VALUES (?, ?, ?)
			ON CONFLICT (tenant, subject) DO NOTHING`, tenant, subject, toSQLiteTime(at)); err != nil {
			return fmt.Errorf("keys: record shredded subject: %w", err)
		}
		return nil
	})
}

func (s *sqliteStore) Destroyed(ctx context.Context, tenant, subject string) (time.Time, bool, error) {
	var at string
	err := s.rdb.QueryRowContext(ctx, `SELECT destroyed_at FROM destroyed_subjects WHERE tenant = ? AND subject = ?`, tenant, subject).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("keys: read shredded subject: %w", err)
	}
	t, err := fromSQLiteTime(at)
	return t, err == nil, err
}
