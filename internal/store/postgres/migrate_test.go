package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/migrations"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func TestMigrations(t *testing.T) {
	url := pgtest.Schema(t)
	storetest.RunMigrations(t, storetest.Migrations{
		Open: func(t testing.TB, clk clock.Clock) store.Store {
			s, err := postgres.Open(context.Background(), url, clk)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Migrate: func(t testing.TB, version int64) {
			if err := postgres.Migrate(context.Background(), rawDB(t, url), version); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	s, err := postgres.Open(ctx, url, clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, url)
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)", migrations.Latest+1); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, url, clock.Real{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
}

func TestOpenMissingSchema(t *testing.T) {
	url := pgtest.Schema(t)
	url = strings.Replace(url, "search_path=trustee_t_", "search_path=no_such_", 1)
	_, err := postgres.Open(context.Background(), url, clock.Real{})
	if err == nil {
		t.Fatal("Open with a search_path naming no schema: no error")
	}
	if !errors.Is(err, postgres.ErrNoSchema) {
		t.Fatalf("error does not say what is wrong: %v", err)
	}
}

func rawDB(t testing.TB, url string) *sql.DB {
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
