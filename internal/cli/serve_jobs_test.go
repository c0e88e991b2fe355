package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to read River's tables

	"github.com/trustee-dev/trustee/internal/store/pgtest"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeRunsJobs runs trustee serve until its periodic
// vault.reconcile_shreds job has completed, then stops it: the runner
// starts with the server and stops cleanly before the vault closes.
func TestServeRunsJobs(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup returns serve's extra flags and how to reach River's tables.
		setup func(t *testing.T, dir string) (args []string, driver, dsn string)
	}{
		{"sqlite", func(t *testing.T, dir string) ([]string, string, string) {
			// River's own file, beside the store's database.
			return nil, "sqlite", "file:" + filepath.Join(dir, "db", "jobs.db") + "?_pragma=busy_timeout(10000)"
		}},
		{"postgres", func(t *testing.T, dir string) ([]string, string, string) {
			u := pgtest.Schema(t)
			return []string{"--database", u}, "pgx", u
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			extra, driver, dsn := tc.setup(t, dir)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr syncBuffer
			args := append([]string{"--data-dir", dir, "serve", "--listen", "127.0.0.1:0", "--log-level", "warn"}, extra...)
			done := make(chan error, 1)
			go func() {
				done <- Execute(ctx, args, strings.NewReader(""), &bytes.Buffer{}, &stderr, func(string) string { return "" })
			}()

			deadline := time.Now().Add(60 * time.Second)
			for state := ""; state != "completed"; {
				select {
				case err := <-done:
					t.Fatalf("serve exited: %v\n%s", err, stderr.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("vault.reconcile_shreds is %q, not completed, after 60s\n%s", state, stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
				state = jobState(t, driver, dsn, "vault.reconcile_shreds")
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve: %v\n%s", err, stderr.String())
				}
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not stop")
			}
			if s := stderr.String(); strings.Contains(s, "level=ERROR") {
				t.Errorf("serve logged errors:\n%s", s)
			}
		})
	}
}

// jobState returns the state of the newest job of kind, or "" when there
// is none yet (or River's tables are not made yet).
func jobState(t *testing.T, driver, dsn, kind string) string {
	t.Helper()
	if driver == "sqlite" {
		if _, err := os.Stat(strings.TrimPrefix(strings.Split(dsn, "?")[0], "file:")); err != nil {
			return ""
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var state string
	q := "SELECT state FROM river_job WHERE kind = $1 ORDER BY id DESC LIMIT 1"
	if driver == "sqlite" {
		q = strings.Replace(q, "$1", "?", 1)
	}
	if err := db.QueryRow(q, kind).Scan(&state); err != nil {
		return ""
	}
	return state
}
