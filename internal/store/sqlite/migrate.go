package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/trustee-dev/trustee/internal/store/migrations"
)

// Migrate moves the schema of db, a SQLite database, to version: up or
// down, one migration at a time, each in its own transaction. Version 0 is
// the empty schema; [migrations.Latest] is what [Open] migrates to. It
// refuses a database whose schema is newer than this code knows.
func Migrate(ctx context.Context, db *sql.DB, version int64) error {
	if version < 0 || version > migrations.Latest {
		return fmt.Errorf("sqlite: migrate: version %d outside 0..%d", version, migrations.Latest)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.SQLite())
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	switch {
	case current > migrations.Latest:
		return fmt.Errorf("sqlite: database schema version %d is newer than this program's (%d)", current, migrations.Latest)
	case current < version:
		_, err = p.UpTo(ctx, version)
	case current > version:
		_, err = p.DownTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate from version %d to %d: %w", current, version, err)
	}
	return nil
}
