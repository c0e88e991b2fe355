package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmtCache holds the hot statements prepared once on a pool at Open. A
// transaction runs one through [sql.Tx.StmtContext], which reuses the
// statement already prepared on the transaction's connection (database/sql
// keeps one per connection), so SQLite parses each statement once per
// connection rather than on every call. The map is filled at Open and only
// read afterwards; SQL that is not in it runs unprepared.
//
// The statements are prepared at Open rather than on first use because
// preparing on a pool needs a free connection, and the writer's only
// connection is held by the transaction that would ask for it.
type stmtCache map[string]*sql.Stmt

// Hot statements, by pool.
var (
	// readHot runs on both pools (the writer's transactions read too).
	readHot = []string{
		getSubjectSQL,
		getRecordSQL,
		getAPIKeySQL,
		findByIndexSQL,
	}
	writeHot = []string{
		auditReserveSQL,
		"SAVEPOINT batch",
		"RELEASE batch",
	}
)

func prepareCache(ctx context.Context, db *sql.DB, qs ...[]string) (stmtCache, error) {
	c := stmtCache{}
	for _, list := range qs {
		for _, q := range list {
			st, err := db.PrepareContext(ctx, q)
			if err != nil {
				c.close()
				return nil, fmt.Errorf("sqlite: prepare: %w", err)
			}
			c[q] = st
		}
	}
	return c, nil
}

func (c stmtCache) close() error {
	var errs []error
	for _, st := range c {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// queryRow runs q on r's transaction, prepared when it is hot.
func (r *reader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st, ok := r.c[q]; ok {
		return r.q.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.q.QueryRowContext(ctx, q, args...)
}

// QueryContext runs q on r's transaction, prepared when it is hot.
func (r *reader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st, ok := r.c[q]; ok {
		return r.q.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.q.QueryContext(ctx, q, args...)
}

// exec runs q on t's transaction, prepared when it is hot.
func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st, ok := t.c[q]; ok {
		return t.sqlTx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.sqlTx.ExecContext(ctx, q, args...)
}
