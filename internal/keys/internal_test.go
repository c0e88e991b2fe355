package keys

import (
	"context"
	"net/url"
	"path/filepath"
	"testing"
)

func TestLRU(t *testing.T) {
	c := newLRU[string, int](2)
	c.put("a", 1, nil)
	c.put("b", 2, nil)
	c.get("a") // b is now the least recently used
	c.put("c", 3, nil)
	if _, ok := c.get("b"); ok {
		t.Error("b not evicted")
	}
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Error("a evicted")
	}
	if got := c.put("a", 9, func(old int) bool { return old == 1 }); got != 1 {
		t.Errorf("keep ignored: %d", got)
	}
	c.remove("a")
	if c.len() != 1 {
		t.Errorf("len %d, want 1", c.len())
	}
}

func TestMigrateDownUp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.db")
	s, err := openSQLite(ctx, &url.URL{Scheme: "sqlite", Path: filepath.ToSlash(path)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := newMigrator(s.db, "sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if v, err := p.GetDBVersion(ctx); err != nil || v != 1 {
		t.Errorf("version %d, %v", v, err)
	}
}
