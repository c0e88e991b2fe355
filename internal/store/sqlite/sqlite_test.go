package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

// open opens a fresh store in t's temporary directory.
func open(t testing.TB, clk clock.Clock) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db", "trustee.db"), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "trustee")
	path := filepath.Join(dir, "trustee.db")
	s, err := sqlite.Open(context.Background(), path, clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600, path + "-wal": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := sqlite.Open(ctx, "", clock.Real{}); err == nil {
		t.Error("Open(\"\"): no error")
	}
	if _, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "x.db"), clock.Real{}, sqlite.OpenOptions{Synchronous: "OFF"}); err == nil {
		t.Error("Open with synchronous OFF: no error")
	}
}
