package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// client is what the Runner uses of a River client, whichever its
// driver's transaction type.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
	ID() string
}

var (
	_ client = (*river.Client[pgx.Tx])(nil)
	_ client = (*river.Client[*sql.Tx])(nil)
)

// backend is an open jobs database: how to make a River client on it, and
// how to close it.
type backend struct {
	name      string // "sqlite" or "postgres", for logs
	newClient func(*river.Config) (client, error)
	close     func() error
}

// schemaName is what River accepts as a schema (Config.Schema).
var schemaName = regexp.MustCompile(`\A[a-zA-Z_][a-zA-Z0-9_]*\z`)

// openSQLite opens (creating it 0600, its directory 0700) River's own
// SQLite file at path, in WAL mode with a busy timeout, on one connection
// as River's SQLite driver asks, and migrates it.
func openSQLite(ctx context.Context, path string, o Options) (*backend, error) {
	if !filepath.IsAbs(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("jobs: SQLite path %q: %w", path, err)
		}
		path = abs
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("jobs: create the jobs database's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("jobs: open the jobs database: %w", err)
	}
	f.Close()

	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)") // an inserted job survives a power cut
	q.Set("_txlock", "immediate")
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("jobs: open the jobs database %s: %w", path, err)
	}
	// River's SQLite driver runs its services in parallel; one connection
	// serialises them instead of failing with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	fail := func(err error) (*backend, error) {
		db.Close()
		return nil, err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(fmt.Errorf("jobs: open the jobs database %s: %w", path, err))
	}
	if mode != "wal" {
		return fail(fmt.Errorf("jobs: the jobs database %s is in journal mode %q, not wal: is it on a file system that supports WAL?", path, mode))
	}
	drv := riversqlite.New(db)
	if err := migrate(ctx, drv, "", o); err != nil {
		return fail(err)
	}
	return &backend{
		name: "sqlite",
		newClient: func(c *river.Config) (client, error) {
			return river.NewClient(drv, c)
		},
		close: db.Close,
	}, nil
}

// openPostgres connects to the database at rawURL, settles the schema
// River's tables live in (o.Schema, else the connection's current schema)
// and migrates it under an advisory lock.
func openPostgres(ctx context.Context, rawURL string, o Options) (_ *backend, schema string, err error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, "", errors.New("jobs: the PostgreSQL URL does not parse: want postgres://user@host:5432/db?sslmode=...")
	}
	// River holds one connection to LISTEN, and each worker may take one.
	cfg.MaxConns = max(cfg.MaxConns, int32(o.Workers)+4)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, "", fmt.Errorf("jobs: postgres: %w", err)
	}
	defer func() {
		if err != nil {
			pool.Close()
		}
	}()
	if err := pool.Ping(ctx); err != nil {
		return nil, "", fmt.Errorf("jobs: connect to PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
	}
	schema = o.Schema
	if schema == "" {
		var cur *string
		if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&cur); err != nil {
			return nil, "", fmt.Errorf("jobs: postgres: %w", err)
		}
		if cur == nil {
			return nil, "", errors.New("jobs: the connection has no current schema: set search_path in the URL or Options.Schema")
		}
		schema = *cur
	}
	if !schemaName.MatchString(schema) || len(schema) > 46 {
		return nil, "", fmt.Errorf("jobs: schema %q: River wants letters, digits and underscores, starting with a letter or underscore, at most 46 characters", schema)
	}
	drv := riverpgxv5.New(pool)
	if err := migrateLocked(ctx, pool, drv, schema, o); err != nil {
		return nil, "", err
	}
	return &backend{
		name: "postgres",
		newClient: func(c *river.Config) (client, error) {
			return river.NewClient(drv, c)
		},
		close: func() error { pool.Close(); return nil },
	}, schema, nil
}

// migrateLocked migrates River's tables in schema while holding a session
// advisory lock keyed by the schema, so that nodes starting at once take
// turns (River's migrator does not lock by itself).
func migrateLocked(ctx context.Context, pool *pgxpool.Pool, drv *riverpgxv5.Driver, schema string, o Options) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: postgres: %w", err)
	}
	defer conn.Release()
	h := fnv.New64a()
	h.Write([]byte("trustee river migrations " + schema))
	key := int64(h.Sum64() >> 1)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("jobs: lock River's migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return migrate(ctx, drv, schema, o)
}

// migrate runs River's outstanding migrations: none when the tables are
// current.
func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], schema string, o Options) error {
	// River's migrator logs each step at info; the summary below is enough.
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate River's tables: %w", err)
	}
	if len(res.Versions) > 0 {
		o.Log.Info("jobs: migrated River's tables", "database", drv.DatabaseName(), "schema", schema,
			"migrations", len(res.Versions), "version", res.Versions[len(res.Versions)-1].Version)
	}
	return nil
}
