package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/trustee-dev/trustee/internal/store/migrations"
)

// Migrate moves the schema of db, a PostgreSQL database whose search_path
// selects the schema, to version: up or down, one migration at a time, each
// in its own transaction, under a session advisory lock keyed by the schema
// name. Version 0 is the empty schema; [migrations.Latest] is what [Open]
// migrates to. It refuses a database whose schema is newer than this code
// knows.
func Migrate(ctx context.Context, db *sql.DB, version int64) error {
	if version < 0 || version > migrations.Latest {
		return fmt.Errorf("postgres: migrate: version %d outside 0..%d", version, migrations.Latest)
	}
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if !schema.Valid {
		return ErrNoSchema
	}
	h := fnv.New64a()
	h.Write([]byte("trustee migrations " + schema.String))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() >> 1)))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Postgres(), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	switch {
	case current > migrations.Latest:
		return fmt.Errorf("postgres: database schema version %d is newer than this program's (%d)", current, migrations.Latest)
	case current < version:
		_, err = p.UpTo(ctx, version)
	case current > version:
		_, err = p.DownTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("postgres: migrate from version %d to %d: %w", current, version, err)
	}
	return nil
}
