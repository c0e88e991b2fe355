// Package pgtest gives tests a private PostgreSQL schema.
//
// Tests that need PostgreSQL call [Schema]: it returns the URL of a fresh,
// empty schema (its search_path set in the URL) and drops the schema when
// the test ends. Where no server answers, or under -short, the test is
// skipped with a message saying how to point it at one.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable that overrides [DefaultURL].
const EnvURL = "TRUSTEE_TEST_POSTGRES_URL"

// DefaultURL is the server tests use when [EnvURL] is not set: a local
// PostgreSQL with trust authentication and a database named test.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var probe struct {
	once sync.Once
	err  error
}

// BaseURL returns the URL of the test server: $TRUSTEE_TEST_POSTGRES_URL,
// or DefaultURL.
func BaseURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// Schema creates a schema named trustee_t_<random> on the test server and
// returns a URL whose connections use it (search_path=<schema>). The
// schema and everything in it is dropped when t ends. t is skipped if the
// server does not answer (checked once per process) or under -short.
func Schema(t testing.TB) (url string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the PostgreSQL half")
	}
	base := BaseURL()
	probe.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		probe.err = err
	})
	if probe.err != nil {
		t.Skipf("PostgreSQL not reachable at %s (set %s): skipping the PostgreSQL half (%v)",
			where(base), EnvURL, probe.err)
	}

	var b [8]byte
	rand.Read(b[:])
	schema := "trustee_t_" + hex.EncodeToString(b[:])
	exec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	u, err := withSearchPath(base, schema)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// withSearchPath returns base with search_path=schema in its query.
func withSearchPath(base, schema string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// where names the server of a URL (host:port), never its password.
func where(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "the configured server"
	}
	return u.Host
}
