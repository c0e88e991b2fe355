package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/trustee-dev/trustee/internal/store"
)

// LookupIndex is the fast path of [store.Reader.FindRecordsByIndex]: one
// prepared statement on a read connection, outside a transaction (a single
// SELECT reads one snapshot), for lookups by blind index at a high rate.
// It checks its arguments as [store.Reader] does and returns, by ID, the
// tenant's records of field whose blind index equals index, with Tenant,
// ID, Subject and Field set: never the ciphertext or the index.
func (s *Store) LookupIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	return store.GuardReader(indexLookup{s: s}).FindRecordsByIndex(ctx, tenant, field, index, p)
}

// lookupIndexSQL always has the id condition ("" sorts first) so that one
// prepared statement serves every page.
const lookupIndexSQL = "SELECT id, subject FROM records WHERE tenant = ? AND field = ? AND blind_index = ? AND id > ? ORDER BY id LIMIT ?"

// lookupStmts caches each Store's prepared lookup statement: preparing it
// costs three times what running it does. The cache holds the Store weakly
// and drops the statement when the Store is collected, so that it needs no
// field in Store; Close closing the read pool closes the statement's
// connections.
var lookupStmts sync.Map // weak.Pointer[Store] → *sql.Stmt

func (s *Store) lookupStmt(ctx context.Context) (*sql.Stmt, error) {
	key := weak.Make(s)
	if st, ok := lookupStmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.r.PrepareContext(ctx, lookupIndexSQL)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare lookup: %w", err)
	}
	if prev, loaded := lookupStmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	runtime.AddCleanup(s, func(key weak.Pointer[Store]) {
		if st, ok := lookupStmts.LoadAndDelete(key); ok {
			st.(*sql.Stmt).Close()
		}
	}, key)
	return st, nil
}

// indexLookup lets [store.GuardReader] check the arguments of LookupIndex;
// only FindRecordsByIndex is ever called on it.
type indexLookup struct {
	store.Reader
	s *Store
}

func (l indexLookup) FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	st, err := l.s.lookupStmt(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, err := st.QueryContext(ctx, tenant, field, index, p.After, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: lookup index: %w", err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Tenant: tenant, Field: field}
		if err := rows.Scan(&r.ID, &r.Subject); err != nil {
			return nil, "", fmt.Errorf("sqlite: lookup index: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: lookup index: %w", err)
	}
	if len(out) > p.Limit {
		out = out[:p.Limit]
		return out, out[p.Limit-1].ID, nil
	}
	return out, "", nil
}
