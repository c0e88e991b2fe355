package keys

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrationsFS embed.FS

// migrationTable is the key store's own goose version table, so it can share
// a database with other goose-migrated schemas without clashing.
const migrationTable = "trustee_keys_migrations"

// migrationLockID is the PostgreSQL advisory lock that serialises key-store
// migrations across nodes starting at once ("trkeys" in ASCII).
const migrationLockID int64 = 0x7472_6b65_7973

// newMigrator returns the goose provider for the dialect's embedded
// migrations.
func newMigrator(db *sql.DB, dialect goose.Dialect) (*goose.Provider, error) {
	dir := "migrations/sqlite"
	opts := []goose.ProviderOption{goose.WithTableName(migrationTable), goose.WithDisableGlobalRegistry(true)}
	if dialect == goose.DialectPostgres {
		dir = "migrations/postgres"
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID))
		if err != nil {
			return nil, fmt.Errorf("keys: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("keys: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("keys: migrations: %w", err)
	}
	return p, nil
}

// migrate brings the key store's schema up to date.
func migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect) error {
	p, err := newMigrator(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("keys: migrate key store: %w", err)
	}
	return nil
}
