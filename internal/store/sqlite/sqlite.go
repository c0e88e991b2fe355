// Package sqlite is the embedded [store.Store]: one SQLite file, no set-up.
// It uses the pure-Go driver modernc.org/sqlite.
//
// # Connections and transactions
//
// The database runs in WAL mode. Writes go through one connection (a pool
// of one), in transactions started with BEGIN IMMEDIATE, so writers queue
// in Go rather than fail with SQLITE_BUSY, and the audit log's numbering is
// serialised for free. Reads use a separate pool of read-only connections;
// each [Store.Read] is one transaction and sees one snapshot, and readers
// never wait for the writer.
//
// # Durability
//
// The write connection runs with synchronous=NORMAL. In WAL mode a commit
// is then written to the WAL file before [Store.Write] returns, and is only
// fsynced at checkpoints: an acknowledged write survives the process being
// killed (SIGKILL, panic, OOM) — the conformance tests kill a writer
// mid-stream to prove it — but the last transactions before a power loss or
// kernel crash may be rolled back. The database stays consistent either
// way, and the audit log loses a suffix, never a middle. Use [OpenWith]
// with Synchronous "FULL" where every commit must reach the disk.
//
// # Files
//
// [Open] creates the database's directory (mode 0700) and file (0600); the
// WAL and shared-memory files SQLite adds beside it take the file's mode.
// The key file lives elsewhere, so that a copy of the database alone
// cannot be decrypted.
//
// # Schema
//
// Migrations are embedded (see package migrations) and run at [Open].
// Times are stored as INTEGER microseconds since the Unix epoch, UTC.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/migrations"
)

// Store is a [store.Store] on one SQLite file. It is safe for concurrent
// use.
type Store struct {
	clk clock.Clock
	w   *sql.DB // one connection: the writer
	r   *sql.DB // read-only connections

	// Multi-row INSERT statements prepared on the writer, by row count
	// (the sizes of batchSizes).
	insRecords map[int]*sql.Stmt
	insAudit   map[int]*sql.Stmt

	// The hot statements prepared on each pool; see stmtCache.
	wc, rc stmtCache
	ck     *checkpointer // background WAL checkpoints
}

var _ store.Store = (*Store)(nil)

// OpenOptions tunes [OpenWith]; the zero value is what [Open] uses.
type OpenOptions struct {
	// Synchronous is SQLite's synchronous setting for the writer:
	// "NORMAL" (the default) or "FULL".
	Synchronous string
	// ReadConns is the size of the read pool; default max(4, GOMAXPROCS).
	ReadConns int
}

// Open opens (creating it if needed) the database at path, migrates it to
// the latest schema and returns the store. clk stamps the times the store
// sets.
func Open(ctx context.Context, path string, clk clock.Clock) (*Store, error) {
	return OpenWith(ctx, path, clk, OpenOptions{})
}

// OpenWith is [Open] with options.
func OpenWith(ctx context.Context, path string, clk clock.Clock, o OpenOptions) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	sync := "NORMAL"
	switch o.Synchronous {
	case "", "NORMAL":
	case "FULL":
		sync = "FULL"
	default:
		return nil, fmt.Errorf("sqlite: synchronous %q: want NORMAL or FULL", o.Synchronous)
	}
	if o.ReadConns <= 0 {
		o.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if err := createFile(path); err != nil {
		return nil, err
	}

	// The writer gets a larger page cache (64 MiB) so that big batches do
	// not spill mid-transaction, checkpoints every 10,000 pages rather than
	// 1,000 so that pages rewritten by consecutive batches are copied back
	// once, and keeps statement journals in memory.
	w, err := openDB(path, "_txlock=immediate", "_pragma=synchronous("+sync+")",
		"_pragma=cache_size(-65536)", "_pragma=wal_autocheckpoint(10000)", "_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{clk: clk, w: w}
	if err := s.init(ctx); err != nil {
		w.Close()
		return nil, err
	}

	s.r, err = openDB(path, "_pragma=query_only(1)")
	if err != nil {
		s.Close()
		return nil, err
	}
	s.r.SetMaxOpenConns(o.ReadConns)
	s.r.SetMaxIdleConns(o.ReadConns)
	if err := s.r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if s.rc, err = prepareCache(ctx, s.r, readHot); err != nil {
		s.Close()
		return nil, err
	}
	if s.ck, err = startCheckpointer(path); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// init checks the journal mode, migrates and prepares statements.
func (s *Store) init(ctx context.Context) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("sqlite: journal mode is %q, not wal", mode)
	}
	if err := Migrate(ctx, s.w, migrations.Latest); err != nil {
		return err
	}
	var err error
	if s.insRecords, err = prepareBatches(ctx, s.w, insertRecordsSQL); err != nil {
		return err
	}
	if s.insAudit, err = prepareBatches(ctx, s.w, insertAuditSQL); err != nil {
		return err
	}
	if s.wc, err = prepareCache(ctx, s.w, readHot, writeHot); err != nil {
		return err
	}
	return nil
}

// createFile creates the database's directory (0700) and an empty file
// (0600), so that SQLite does not create it with the umask's mode.
func createFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return f.Close()
}

func openDB(path string, params ...string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		"_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"
	for _, p := range params {
		dsn += "&" + p
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	var errs []error
	for _, m := range []map[int]*sql.Stmt{s.insRecords, s.insAudit} {
		for _, st := range m {
			errs = append(errs, st.Close())
		}
	}
	errs = append(errs, s.ck.close(), s.wc.close(), s.rc.close())
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Read runs fn in a read-only transaction on one snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Reader) error) error {
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(store.GuardReader(&reader{q: sqlTx, c: s.rc}))
}

// Write runs fn in one read-write transaction; see [store.Store.Write].
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	now := store.Norm(s.clk.Now())
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
	}()
	t := &tx{reader: reader{q: sqlTx, c: s.wc}, s: s, sqlTx: sqlTx, now: now}
	if err := store.GuardWrite(ctx, t, now, fn); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	committed = true
	return nil
}

// AuditSize returns the number of entries in the audit log.
func (s *Store) AuditSize(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, "SELECT next_seq FROM audit_head WHERE id = 1").Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: audit size: %w", err)
	}
	return n, nil
}

// AuditEntries calls fn for each stored entry with from <= Seq < to, in
// Seq order, from one snapshot.
func (s *Store) AuditEntries(ctx context.Context, from, to int64, fn func(audit.StoredEntry) error) error {
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	rows, err := sqlTx.QueryContext(ctx,
		"SELECT "+auditCols+" FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq", from, to)
	if err != nil {
		return fmt.Errorf("sqlite: audit entries: %w", err)
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
		return fmt.Errorf("sqlite: audit entries: %w", err)
	}
	return nil
}

// Checkpoints returns the stored checkpoints by ascending size.
func (s *Store) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT size, note, at FROM audit_checkpoints ORDER BY size, id")
	if err != nil {
		return nil, fmt.Errorf("sqlite: checkpoints: %w", err)
	}
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var c audit.Checkpoint
		var at int64
		if err := rows.Scan(&c.Size, &c.Note, &at); err != nil {
			return nil, fmt.Errorf("sqlite: checkpoints: %w", err)
		}
		c.At = fromMicros(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: checkpoints: %w", err)
	}
	return out, nil
}

// PutCheckpoint stores a signed checkpoint; At is stamped from the clock
// when zero.
func (s *Store) PutCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	c, err := store.CheckCheckpoint(c, s.clk.Now())
	if err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO audit_checkpoints (size, note, at) VALUES (?, ?, ?)",
		c.Size, c.Note, micros(c.At)); err != nil {
		return fmt.Errorf("sqlite: put checkpoint: %w", err)
	}
	return nil
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// optMicros stores the zero time as NULL.
func optMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromOptMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMicros(n.Int64)
}
