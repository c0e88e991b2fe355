package keys_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gocloud.dev/secrets"
	"gocloud.dev/secrets/localsecrets"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/keys"
)

// t0 is where test clocks start.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// defaultPostgresURL is the test PostgreSQL when TRUSTEE_TEST_POSTGRES_URL is
// not set.
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// newRoot returns a root keeper with a random key.
func newRoot(t testing.TB) *secrets.Keeper {
	t.Helper()
	k, err := localsecrets.NewRandomKey()
	if err != nil {
		t.Fatal(err)
	}
	r := localsecrets.NewKeeper(k)
	t.Cleanup(func() { r.Close() })
	return r
}

// dialect is a key-store backend under test: url opens a fresh, empty key
// store (the same one every time it is opened again).
type dialect struct {
	name string
	url  func(t testing.TB) string
}

// sqliteURL makes a fresh SQLite key store URL.
func sqliteURL(t testing.TB) string {
	return "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "keys", "keys.db"))
}

// postgresURL makes a fresh schema in the test PostgreSQL and returns a URL
// whose search_path selects it; the schema is dropped when t ends. It skips
// t when PostgreSQL does not answer, or with -short.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TRUSTEE_TEST_POSTGRES_URL")
	if base == "" {
		base = defaultPostgresURL
	}
	if testing.Short() {
		t.Skip("PostgreSQL tests skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL not reachable at %s: set TRUSTEE_TEST_POSTGRES_URL (%v)", redactURL(base), err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "trustee_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema) // becomes a pgx RuntimeParam
	u.RawQuery = q.Encode()
	return u.String()
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

var dialects = []dialect{
	{"sqlite", sqliteURL},
	{"postgres", postgresURL},
}

// eachDialect runs test once per key-store dialect, as subtests.
func eachDialect(t *testing.T, test func(t *testing.T, storeURL string)) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			test(t, d.url(t))
		})
	}
}

// openStore opens the key store at storeURL, closed when t ends.
func openStore(t testing.TB, storeURL string) keys.KeyStore {
	t.Helper()
	ks, err := keys.OpenKeyStore(context.Background(), storeURL)
	if err != nil {
		t.Fatalf("OpenKeyStore: %v", err)
	}
	t.Cleanup(func() { ks.Close() })
	return ks
}

// fixture is a Manager on a fresh key store, with a fake clock and one
// provisioned tenant.
type fixture struct {
	url   string
	root  *secrets.Keeper
	store keys.KeyStore
	clk   *clock.Fake
	m     *keys.Manager
}

const tenantA, tenantB = "tenant-a", "tenant-b"

func newFixture(t testing.TB, storeURL string, opts ...keys.Option) *fixture {
	t.Helper()
	f := &fixture{url: storeURL, root: newRoot(t), clk: clock.NewFake(t0)}
	f.store = openStore(t, storeURL)
	f.m = keys.NewManager(f.root, f.store, f.clk, opts...)
	for _, tn := range []string{tenantA, tenantB} {
		if err := f.m.EnsureTenant(context.Background(), tn); err != nil {
			t.Fatalf("EnsureTenant(%s): %v", tn, err)
		}
	}
	return f
}

// another returns a second Manager (another node) on a second connection to
// the same key store and root key.
func (f *fixture) another(t testing.TB, opts ...keys.Option) *keys.Manager {
	t.Helper()
	return keys.NewManager(f.root, openStore(t, f.url), f.clk, opts...)
}
