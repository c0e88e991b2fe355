package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// TestOneActiveDeclarationIndex: the schema itself refuses a second active
// declaration version in a tenant, whatever the code does.
func TestOneActiveDeclarationIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "trustee.db")
	s, err := sqlite.Open(ctx, path, clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "T1", Kind: store.KindController}); err != nil {
			return err
		}
		for _, v := range []string{"1", "2"} {
			if _, err := tx.PutDeclaration(ctx, store.DeclarationVersion{Tenant: "t1", PolicyID: "p", Version: v, Source: []byte(v)}); err != nil {
				return err
			}
		}
		if _, err := tx.ActivateDeclaration(ctx, "t1", 1); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Actor: "system:test", Action: "declaration.activate"})
		return err
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec("UPDATE declarations SET active = 1 WHERE tenant = 't1' AND seq = 2"); err == nil {
		t.Fatal("a second active declaration version was stored")
	} else if !strings.Contains(strings.ToLower(err.Error()), "unique") {
		t.Fatalf("second active declaration version: %v, want a unique violation", err)
	}
}
