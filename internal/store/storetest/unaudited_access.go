package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/trustee-dev/trustee/internal/store"
)

// unauditedAccessSetup prepares tenant t1 (with subject alice) for
// [accessMutations] in one audited write, and returns the number of audit
// entries it appended.
func unauditedAccessSetup(t testing.TB, s store.Store) int64 {
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "carol"}); err != nil {
			return err
		}
		if _, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "alice", Guardian: "carol"}); err != nil {
			return err
		}
		if _, err := tx.PutDeclaration(ctx, decl("t1", "1.0")); err != nil {
			return err
		}
		if _, err := tx.CreateAPIKey(ctx, store.APIKey{ID: "k1", Tenant: "t1", Name: "k1", Hash: keyHash("k1"), Scopes: []string{"admin"}}); err != nil {
			return err
		}
		_, err := tx.CreateTenant(ctx, store.Tenant{ID: "proc", Name: "Processor", Kind: store.KindProcessor})
		return err
	})
	return 1
}

// accessMutations are the changing calls of schema version 4, each of
// which must be rolled back without an audit entry.
func accessMutations(ctx context.Context) map[string]func(tx store.Tx) error {
	return map[string]func(tx store.Tx) error{
		"SetSubjectProfile": func(tx store.Tx) error {
			_, err := tx.SetSubjectProfile(ctx, "t1", "alice", 18, "DE")
			return err
		},
		"LinkGuardian": func(tx store.Tx) error {
			_, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "carol", Guardian: "alice"})
			return err
		},
		"UnlinkGuardian": func(tx store.Tx) error { return tx.UnlinkGuardian(ctx, "t1", "alice", "carol") },
		"SetPermissionStates": func(tx store.Tx) error {
			return tx.SetPermissionStates(ctx, []store.PermissionState{{Tenant: "t1", Subject: "alice", Device: "d1", Permission: "camera"}})
		},
		"CreateAPIKey": func(tx store.Tx) error {
			_, err := tx.CreateAPIKey(ctx, store.APIKey{ID: "k2", Tenant: "t1", Name: "k2", Hash: keyHash("k2"), Scopes: []string{"admin"}})
			return err
		},
		"RevokeAPIKey": func(tx store.Tx) error {
			_, err := tx.RevokeAPIKey(ctx, "t1", "k1")
			return err
		},
		"PutDeclaration": func(tx store.Tx) error {
			_, err := tx.PutDeclaration(ctx, decl("t1", "2.0"))
			return err
		},
		"ActivateDeclaration": func(tx store.Tx) error {
			_, err := tx.ActivateDeclaration(ctx, "t1", 1)
			return err
		},
		"LinkTenants": func(tx store.Tx) error {
			_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "proc", Controller: "t1"})
			return err
		},
	}
}

// checkMutationsCovered fails t unless mutations names every method of
// Tx beyond Reader's, but Audit.
func checkMutationsCovered(t testing.TB, mutations map[string]func(tx store.Tx) error) {
	t.Helper()
	reader := reflect.TypeFor[store.Reader]()
	for m := range reflect.TypeFor[store.Tx]().Methods() {
		if _, ok := reader.MethodByName(m.Name); ok || m.Name == "Audit" {
			continue
		}
		if mutations[m.Name] == nil {
			t.Errorf("the unaudited test does not try %s: add it", m.Name)
		}
	}
}

// checkUnauditedAccess fails t if an unaudited mutation left a trace
// outside tenant t1's view.
func checkUnauditedAccess(t testing.TB, s store.Store) {
	t.Helper()
	read(t, s, func(r store.Reader) error {
		ls, err := r.ListControllers(context.Background(), "proc")
		eq(t, "links of an unaudited transaction", len(ls), 0)
		return err
	})
}
