package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/migrations"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trustee.db")
	storetest.RunMigrations(t, storetest.Migrations{
		Open: func(t testing.TB, clk clock.Clock) store.Store {
			s, err := sqlite.Open(context.Background(), path, clk)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Migrate: func(t testing.TB, version int64) {
			db := rawDB(t, path)
			if err := sqlite.Migrate(context.Background(), db, version); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "trustee.db")
	s, err := sqlite.Open(ctx, path, clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)", migrations.Latest+1); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(ctx, path, clock.Real{})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
	if err := sqlite.Migrate(ctx, db, migrations.Latest+1); err == nil {
		t.Fatal("Migrate beyond the latest version: no error")
	}
}

func rawDB(t testing.TB, path string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
