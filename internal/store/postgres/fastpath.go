package postgres

import (
	"context"
	"fmt"

	"github.com/trustee-dev/trustee/internal/store"
)

// LookupIndex is the fast path of [store.Reader.FindRecordsByIndex]: one
// statement on a pooled connection, outside a transaction (a single SELECT
// reads one snapshot), prepared once per connection by pgx's statement
// cache, for lookups by blind index at a high rate. It checks its
// arguments as [store.Reader] does and returns, by ID, the tenant's
// records of field whose blind index equals index, with Tenant, ID,
// Subject and Field set: never the ciphertext or the index.
func (s *Store) LookupIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	return store.GuardReader(indexLookup{s: s}).FindRecordsByIndex(ctx, tenant, field, index, p)
}

const (
	lookupIndexSQL      = "SELECT id::text, subject FROM records WHERE tenant = $1 AND field = $2 AND blind_index = $3 ORDER BY id LIMIT $4"
	lookupIndexAfterSQL = "SELECT id::text, subject FROM records WHERE tenant = $1 AND field = $2 AND blind_index = $3 AND id > $5::uuid ORDER BY id LIMIT $4"
)

// indexLookup lets [store.GuardReader] check the arguments of LookupIndex;
// only FindRecordsByIndex is ever called on it.
type indexLookup struct {
	store.Reader
	s *Store
}

func (l indexLookup) FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	q, args := lookupIndexSQL, []any{tenant, field, index, p.Limit + 1}
	if p.After != "" {
		q, args = lookupIndexAfterSQL, append(args, p.After)
	}
	rows, err := l.s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: lookup index: %w", err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Tenant: tenant, Field: field}
		if err := rows.Scan(&r.ID, &r.Subject); err != nil {
			return nil, "", fmt.Errorf("postgres: lookup index: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("postgres: lookup index: %w", err)
	}
	if len(out) > p.Limit {
		out = out[:p.Limit]
		return out, out[p.Limit-1].ID, nil
	}
	return out, "", nil
}
