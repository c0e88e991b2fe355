package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/trustee-dev/trustee/internal/store"
)

// viewAccess adds to v what the tenant sees of guardians, permission
// states, API keys, declarations and tenant links; v.Subjects is filled.
func viewAccess(ctx context.Context, r store.Reader, tenant string, v *tenantView) error {
	for _, s := range v.Subjects {
		gs, err := r.ListGuardians(ctx, tenant, s.ID)
		if err != nil {
			return err
		}
		v.Guardians = append(v.Guardians, gs...)
		ps, err := r.ListPermissionStates(ctx, tenant, s.ID)
		if err != nil {
			return err
		}
		v.Permissions = append(v.Permissions, ps...)
	}
	var err error
	if v.APIKeys, _, err = r.ListAPIKeys(ctx, tenant, store.Page{Limit: store.MaxLimit}); err != nil {
		return err
	}
	if v.Declarations, _, err = r.ListDeclarations(ctx, tenant, store.Page{Limit: store.MaxLimit}); err != nil {
		return err
	}
	for i, d := range v.Declarations {
		// The listing leaves the source out: compare it too.
		if v.Declarations[i], err = r.GetDeclaration(ctx, tenant, d.Seq); err != nil {
			return err
		}
	}
	v.Controllers, err = r.ListControllers(ctx, tenant)
	return err
}

// seedAccessIsolation gives tenant b (and the instance) one of everything
// of schema version 4, and tenant a one API key.
func seedAccessIsolation(t testing.TB, s store.Store, a, b string) {
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.SetSubjectProfile(ctx, b, "b-only", 13, "CN"); err != nil {
			return err
		}
		if _, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: b, Minor: "shared", Guardian: "b-only"}); err != nil {
			return err
		}
		if err := tx.SetPermissionStates(ctx, []store.PermissionState{
			{Tenant: b, Subject: "shared", Device: "dev-1", Permission: "camera", Granted: true},
		}); err != nil {
			return err
		}
		for _, k := range []store.APIKey{
			{ID: "key-a", Tenant: a, Name: "a", Hash: keyHash("a"), Scopes: []string{"admin"}},
			{ID: "key-b", Tenant: b, Name: "b", Hash: keyHash("b"), Scopes: []string{"admin"}},
			{ID: "key-op", Name: "operator", Hash: keyHash("op"), Scopes: []string{"admin"}},
		} {
			if _, err := tx.CreateAPIKey(ctx, k); err != nil {
				return err
			}
		}
		for _, v := range []string{"1.0", "2.0"} {
			if _, err := tx.PutDeclaration(ctx, decl(b, v)); err != nil {
				return err
			}
		}
		if _, err := tx.ActivateDeclaration(ctx, b, 2); err != nil {
			return err
		}
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "proc", Name: "Processor", Kind: store.KindProcessor}); err != nil {
			return err
		}
		_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "proc", Controller: b})
		return err
	})
}

// probeAccessReads tries, as tenant a, to read b's data of schema version
// 4; notFound records a method and checks it failed with ErrNotFound.
func probeAccessReads(t testing.TB, r store.Reader, a, b string, covered map[string]bool, notFound func(string, error)) error {
	t.Helper()
	ctx := context.Background()
	gs, err := r.ListGuardians(ctx, a, "shared")
	if err != nil {
		return err
	}
	covered["ListGuardians"] = true
	eq(t, "ListGuardians(A, minor linked in B)", len(gs), 0)
	ws, err := r.ListWards(ctx, a, "b-only")
	if err != nil {
		return err
	}
	covered["ListWards"] = true
	eq(t, "ListWards(A, B's guardian)", len(ws), 0)
	ps, err := r.ListPermissionStates(ctx, a, "shared")
	if err != nil {
		return err
	}
	covered["ListPermissionStates"] = true
	eq(t, "ListPermissionStates(A, shared)", len(ps), 0)

	// GetAPIKey is the documented exception: the authentication lookup
	// finds a key by id in any tenant, and reports the key's tenant, which
	// is what the caller then scopes every request by.
	k, err := r.GetAPIKey(ctx, "key-b")
	if err != nil {
		return err
	}
	covered["GetAPIKey"] = true
	eq(t, "GetAPIKey(key-b).Tenant", k.Tenant, b)
	ks, _, err := r.ListAPIKeys(ctx, a, store.Page{})
	if err != nil {
		return err
	}
	covered["ListAPIKeys"] = true
	eq(t, "ListAPIKeys(A)", keyIDs(ks), "[key-a]")
	ks, _, err = r.ListAPIKeys(ctx, "", store.Page{})
	if err != nil {
		return err
	}
	eq(t, "ListAPIKeys(operator)", keyIDs(ks), "[key-op]")

	_, err = r.GetDeclaration(ctx, a, 1)
	notFound("GetDeclaration", err)
	_, err = r.ActiveDeclaration(ctx, a)
	notFound("ActiveDeclaration", err)
	ds, _, err := r.ListDeclarations(ctx, a, store.Page{})
	if err != nil {
		return err
	}
	covered["ListDeclarations"] = true
	eq(t, "ListDeclarations(A)", len(ds), 0)

	ls, err := r.ListControllers(ctx, a)
	if err != nil {
		return err
	}
	covered["ListControllers"] = true
	eq(t, "ListControllers(A)", len(ls), 0)
	ls, err = r.ListControllers(ctx, "proc")
	eq(t, "ListControllers(proc)", fmtIDs(ls, func(l store.TenantLink) string { return l.Controller }), "["+b+"]")
	return err
}

// probeAccessWrites tries, as tenant a, to change b's data of schema
// version 4, in a transaction the caller rolls back.
func probeAccessWrites(t testing.TB, tx store.Tx, a, b string, covered map[string]bool, notFound func(string, error)) {
	t.Helper()
	ctx := context.Background()
	_, err := tx.SetSubjectProfile(ctx, a, "b-only", 18, "DE")
	notFound("SetSubjectProfile", err)
	_, err = tx.LinkGuardian(ctx, store.Guardian{Tenant: a, Minor: "shared", Guardian: "b-only"})
	notFound("LinkGuardian", err)
	notFound("UnlinkGuardian", tx.UnlinkGuardian(ctx, a, "shared", "b-only"))
	notFound("SetPermissionStates", tx.SetPermissionStates(ctx, []store.PermissionState{
		{Tenant: a, Subject: "b-only", Device: "dev-1", Permission: "camera"},
	}))

	// Key ids are unique in the instance: A cannot take over B's key id.
	_, err = tx.CreateAPIKey(ctx, store.APIKey{ID: "key-b", Tenant: a, Name: "x", Hash: keyHash("x"), Scopes: []string{"admin"}})
	covered["CreateAPIKey"] = true
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateAPIKey(A, B's key id): got %v, want ErrConflict", err)
	}
	_, err = tx.RevokeAPIKey(ctx, a, "key-b")
	notFound("RevokeAPIKey", err)
	_, err = tx.RevokeAPIKey(ctx, a, "key-op")
	notFound("RevokeAPIKey", err)

	_, err = tx.ActivateDeclaration(ctx, a, 2)
	notFound("ActivateDeclaration", err)
	// A's numbering does not continue B's, and activating A's version
	// leaves B's active one alone.
	d, err := tx.PutDeclaration(ctx, decl(a, "2.0"))
	covered["PutDeclaration"] = true
	if err != nil {
		t.Errorf("PutDeclaration(A): %v", err)
	}
	eq(t, "A's first Seq", d.Seq, 1)
	if _, err := tx.ActivateDeclaration(ctx, a, 1); err != nil {
		t.Errorf("ActivateDeclaration(A, 1): %v", err)
	}
	if active, err := tx.ActiveDeclaration(ctx, b); err != nil || active.Seq != 2 {
		t.Errorf("B's active declaration after A activated its own: %+v, %v", active, err)
	}

	// A controller cannot make itself B's processor; linking A to a
	// processor does not show B's links to A.
	_, err = tx.LinkTenants(ctx, store.TenantLink{Processor: a, Controller: b})
	covered["LinkTenants"] = true
	var ie *store.InvalidError
	if !errors.As(err, &ie) || ie.Field != "tenant_link.processor" {
		t.Errorf("LinkTenants(A as B's processor): got %v, want an invalid tenant_link.processor", err)
	}
	if _, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "proc", Controller: a}); err != nil {
		t.Errorf("LinkTenants(proc, A): %v", err)
	}
	if ls, err := tx.ListControllers(ctx, a); err != nil || len(ls) != 0 {
		t.Errorf("ListControllers(A) = %+v, %v", ls, err)
	}
}
