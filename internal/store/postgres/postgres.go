// Package postgres is the [store.Store] for scale: PostgreSQL through pgx
// (native protocol, pgxpool). Many stateless trustee nodes can share one
// database.
//
// # Transactions
//
// [Store.Write] runs at READ COMMITTED. Inside it, GetSubject and
// GetRequest read with SELECT ... FOR NO KEY UPDATE, so a read-modify-write
// of a subject's status or of a request in one transaction is safe against
// concurrent writers (tenants, records and blobs are never updated). Appending to the audit log locks the one row
// of audit_head until commit: transactions that audit take turns from their
// first append to their commit, which is what numbers the log without gaps
// in commit order. Append audit entries last to keep that window short.
// [Store.Read] runs at REPEATABLE READ, read only: one snapshot.
//
// Each mutating statement runs inside a savepoint, so that a duplicate id
// or a missing subject ([store.ErrConflict], [store.ErrNotFound]) leaves
// the transaction usable, as the store promises; in the common case the
// savepoint costs no extra round trip (it is pipelined with the statement).
// [store.Tx.InsertRecords] uses COPY.
//
// # Schema
//
// Migrations are embedded (see package migrations) and run at [Open],
// under a session advisory lock keyed by the schema, so nodes starting
// together migrate once. The URL's search_path selects the schema, which
// is how tests get a private one (see package pgtest). Key columns are
// text COLLATE "C", so that keyset pagination orders bytewise exactly as in
// SQLite.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/migrations"
)

// Store is a [store.Store] on a PostgreSQL database. It is safe for
// concurrent use.
type Store struct {
	clk  clock.Clock
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; search_path in it selects the schema), migrates it to
// the latest schema and returns the store. clk stamps the times the store
// sets.
func Open(ctx context.Context, url string, clk clock.Clock) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	err = Migrate(ctx, db, migrations.Latest)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{clk: clk, pool: pool}, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Read runs fn in a read-only REPEATABLE READ transaction: one snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Reader) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: begin read: %w", err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	return fn(store.GuardReader(&reader{q: pgTx}))
}

// Write runs fn in one read-write transaction; see [store.Store.Write].
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	now := store.Norm(s.clk.Now())
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			pgTx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	t := &tx{reader: reader{q: pgTx, lock: " FOR NO KEY UPDATE"}, pgTx: pgTx, now: now}
	if err := store.GuardWrite(ctx, t, now, fn); err != nil {
		return err
	}
	if err := pgTx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	committed = true
	return nil
}

// AuditSize returns the number of entries in the audit log.
func (s *Store) AuditSize(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT next_seq FROM audit_head WHERE id = 1").Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: audit size: %w", err)
	}
	return n, nil
}

// AuditEntries calls fn for each stored entry with from <= Seq < to, in
// Seq order, from one snapshot.
func (s *Store) AuditEntries(ctx context.Context, from, to int64, fn func(audit.StoredEntry) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: begin read: %w", err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	rows, err := pgTx.Query(ctx, "SELECT "+auditCols+" FROM audit_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq", from, to)
	if err != nil {
		return fmt.Errorf("postgres: audit entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		se, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(se); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: audit entries: %w", err)
	}
	return nil
}

// Checkpoints returns the stored checkpoints by ascending size.
func (s *Store) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.pool.Query(ctx, "SELECT size, note, at FROM audit_checkpoints ORDER BY size, id")
	if err != nil {
		return nil, fmt.Errorf("postgres: checkpoints: %w", err)
	}
	cps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Checkpoint, error) {
		var c audit.Checkpoint
		err := r.Scan(&c.Size, &c.Note, &c.At)
		c.At = c.At.UTC()
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: checkpoints: %w", err)
	}
	if len(cps) == 0 {
		return nil, nil
	}
	return cps, nil
}

// PutCheckpoint stores a signed checkpoint; At is stamped from the clock
// when zero.
func (s *Store) PutCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	c, err := store.CheckCheckpoint(c, s.clk.Now())
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "INSERT INTO audit_checkpoints (size, note, at) VALUES ($1, $2, $3)",
		c.Size, c.Note, c.At); err != nil {
		return fmt.Errorf("postgres: put checkpoint: %w", err)
	}
	return nil
}

// ErrNoSchema is returned by [Open] and [Migrate] when the URL's
// search_path names no existing schema.
var ErrNoSchema = errors.New("postgres: the URL's search_path names no existing schema")
