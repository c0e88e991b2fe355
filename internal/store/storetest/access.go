package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// keyHash returns a recognisable 32-byte hash.
func keyHash(seed string) []byte {
	h := sha256.Sum256([]byte(seed))
	return h[:]
}

func keyIDs(ks []store.APIKey) string { return fmtIDs(ks, func(k store.APIKey) string { return k.ID }) }

func eqKey(t testing.TB, what string, got, want store.APIKey) {
	t.Helper()
	if !reflect.DeepEqual(got, want) || !bytes.Equal(got.Hash, want.Hash) {
		t.Fatalf("%s: got %+v (hash %x, created %v, revoked %v), want %+v (hash %x, created %v, revoked %v)",
			what, got, got.Hash, got.CreatedAt, got.RevokedAt, want, want.Hash, want.CreatedAt, want.RevokedAt)
	}
}

// testAPIKeys: keys of tenants and of the operator are created, found by
// id alone, listed per tenant and revoked once.
func testAPIKeys(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	seed(t, s, "t2")
	k1 := store.APIKey{ID: "k1", Tenant: "t1", Name: "ci deploy", Hash: keyHash("k1"), Scopes: []string{"requests", "collect"}}
	op := store.APIKey{ID: "op", Name: "operator", Hash: keyHash("op"), Scopes: []string{"admin"}}
	write(t, s, func(tx store.Tx) error {
		got, err := tx.CreateAPIKey(ctx, k1)
		if err != nil {
			return err
		}
		k1.Scopes, k1.CreatedAt = []string{"collect", "requests"}, store.Norm(Epoch)
		eqKey(t, "CreateAPIKey", got, k1)
		if _, err := tx.CreateAPIKey(ctx, store.APIKey{ID: "k0", Tenant: "t1", Name: "console", Hash: keyHash("k0"),
			Scopes: []string{"audit"}}); err != nil {
			return err
		}
		if _, err := tx.CreateAPIKey(ctx, store.APIKey{ID: "k2", Tenant: "t2", Name: "other", Hash: keyHash("k2"),
			Scopes: []string{"admin"}}); err != nil {
			return err
		}
		op.CreatedAt = store.Norm(Epoch)
		_, err = tx.CreateAPIKey(ctx, op)
		return err
	})

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.CreateAPIKey(ctx, store.APIKey{ID: "k1", Tenant: "t2", Name: "x", Hash: keyHash("x"), Scopes: []string{"admin"}})
		mustErr(t, err, store.ErrConflict, "CreateAPIKey(id taken in another tenant)")
		_, err = tx.CreateAPIKey(ctx, store.APIKey{ID: "k9", Tenant: "no-such-tenant", Name: "x", Hash: keyHash("x"), Scopes: []string{"admin"}})
		mustErr(t, err, store.ErrNotFound, "CreateAPIKey(missing tenant)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	read(t, s, func(r store.Reader) error {
		got, err := r.GetAPIKey(ctx, "k1")
		if err != nil {
			return err
		}
		eqKey(t, "GetAPIKey", got, k1)
		if !got.Active() {
			t.Error("new key is not active")
		}
		got, err = r.GetAPIKey(ctx, "op")
		if err != nil {
			return err
		}
		eqKey(t, "GetAPIKey(operator)", got, op)
		_, err = r.GetAPIKey(ctx, "k404")
		mustErr(t, err, store.ErrNotFound, "GetAPIKey(missing)")

		ks, next, err := r.ListAPIKeys(ctx, "t1", store.Page{Limit: 1})
		if err != nil {
			return err
		}
		eq(t, "ListAPIKeys(t1) first page", keyIDs(ks)+" "+next, "[k0] k0")
		ks, next, err = r.ListAPIKeys(ctx, "t1", store.Page{After: next, Limit: 1})
		if err != nil {
			return err
		}
		eq(t, "ListAPIKeys(t1) second page", keyIDs(ks)+" "+next, "[k1] ")
		if len(ks) == 1 {
			eqKey(t, "listed key", ks[0], k1)
		}
		ks, _, err = r.ListAPIKeys(ctx, "", store.Page{})
		eq(t, "ListAPIKeys(operator)", keyIDs(ks), "[op]")
		return err
	})

	// Revocation is stamped once.
	revokedAt := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.RevokeAPIKey(ctx, "t1", "k1")
		k1.RevokedAt = store.Norm(revokedAt)
		eqKey(t, "RevokeAPIKey", got, k1)
		return err
	})
	clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.RevokeAPIKey(ctx, "t1", "k1")
		eqKey(t, "RevokeAPIKey(again)", got, k1)
		return err
	})
	err = s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.RevokeAPIKey(ctx, "t2", "k1")
		mustErr(t, err, store.ErrNotFound, "RevokeAPIKey(other tenant)")
		_, err = tx.RevokeAPIKey(ctx, "", "k1")
		mustErr(t, err, store.ErrNotFound, "RevokeAPIKey(tenant key as operator key)")
		_, err = tx.RevokeAPIKey(ctx, "t1", "op")
		mustErr(t, err, store.ErrNotFound, "RevokeAPIKey(operator key as tenant key)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	write(t, s, func(tx store.Tx) error {
		got, err := tx.RevokeAPIKey(ctx, "", "op")
		if got.Active() {
			t.Error("operator key still active after RevokeAPIKey")
		}
		return err
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.GetAPIKey(ctx, "k1")
		eqKey(t, "GetAPIKey(revoked)", got, k1)
		if got.Active() {
			t.Error("revoked key is active")
		}
		return err
	})
}

// decl returns a declaration version of tenant with a small source.
func decl(tenant, version string) store.DeclarationVersion {
	return store.DeclarationVersion{Tenant: tenant, PolicyID: "acme-app", Version: version,
		Source: []byte("policy: acme-app\nversion: " + version + "\n")}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func declStates(ds []store.DeclarationVersion) string {
	return fmtIDs(ds, func(d store.DeclarationVersion) string {
		s := strconv.FormatInt(d.Seq, 10) + ":" + d.Version
		if d.Active {
			s += "*"
		}
		return s
	})
}

func listDecls(t testing.TB, s store.Store, tenant string) []store.DeclarationVersion {
	t.Helper()
	var ds []store.DeclarationVersion
	read(t, s, func(r store.Reader) error {
		var err error
		ds, _, err = r.ListDeclarations(context.Background(), tenant, store.Page{Limit: store.MaxLimit})
		return err
	})
	return ds
}

// testDeclarations: versions are numbered per tenant, found with their
// source, listed without it, and exactly one is active once any was
// activated.
func testDeclarations(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	seed(t, s, "t2")
	read(t, s, func(r store.Reader) error {
		_, err := r.ActiveDeclaration(ctx, "t1")
		mustErr(t, err, store.ErrNotFound, "ActiveDeclaration(none)")
		return nil
	})

	d1 := decl("t1", "1.0")
	var got1 store.DeclarationVersion
	write(t, s, func(tx store.Tx) error {
		var err error
		if got1, err = tx.PutDeclaration(ctx, d1); err != nil {
			return err
		}
		clk.Advance(time.Minute) // within one transaction, time stands still
		d2 := decl("t1", "1.1")
		d2.SHA256 = sha(d2.Source) // given: checked
		got2, err := tx.PutDeclaration(ctx, d2)
		eq(t, "second Seq", got2.Seq, 2)
		return err
	})
	d1.Seq, d1.SHA256, d1.UploadedAt = 1, sha(d1.Source), store.Norm(Epoch)
	if !reflect.DeepEqual(got1, d1) {
		t.Fatalf("PutDeclaration = %+v, want %+v", got1, d1)
	}
	// Numbering is per tenant.
	write(t, s, func(tx store.Tx) error {
		got, err := tx.PutDeclaration(ctx, decl("t2", "1.0"))
		eq(t, "t2's first Seq", got.Seq, 1)
		return err
	})
	write(t, s, func(tx store.Tx) error {
		got, err := tx.PutDeclaration(ctx, decl("t1", "2.0"))
		eq(t, "t1's third Seq", got.Seq, 3)
		return err
	})
	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.PutDeclaration(ctx, decl("t1", "1.0"))
		mustErr(t, err, store.ErrConflict, "PutDeclaration(version taken)")
		_, err = tx.PutDeclaration(ctx, decl("no-such-tenant", "1.0"))
		mustErr(t, err, store.ErrNotFound, "PutDeclaration(missing tenant)")
		_, err = tx.ActivateDeclaration(ctx, "t1", 9)
		mustErr(t, err, store.ErrNotFound, "ActivateDeclaration(missing)")
		_, err = tx.ActivateDeclaration(ctx, "t2", 2)
		mustErr(t, err, store.ErrNotFound, "ActivateDeclaration(another tenant's Seq)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "after uploads", declStates(listDecls(t, s, "t1")), "[1:1.0 2:1.1 3:2.0]")

	// Activate 1, then 2: only 2 is active.
	write(t, s, func(tx store.Tx) error {
		got, err := tx.ActivateDeclaration(ctx, "t1", 1)
		want := d1
		want.Active = true
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ActivateDeclaration = %+v, want %+v", got, want)
		}
		return err
	})
	eq(t, "after activating 1", declStates(listDecls(t, s, "t1")), "[1:1.0* 2:1.1 3:2.0]")
	write(t, s, func(tx store.Tx) error {
		got, err := tx.ActivateDeclaration(ctx, "t1", 2)
		eq(t, "activated", got.Seq, 2)
		return err
	})
	eq(t, "after activating 2", declStates(listDecls(t, s, "t1")), "[1:1.0 2:1.1* 3:2.0]")
	write(t, s, func(tx store.Tx) error { _, err := tx.ActivateDeclaration(ctx, "t1", 2); return err })
	eq(t, "after activating 2 again", declStates(listDecls(t, s, "t1")), "[1:1.0 2:1.1* 3:2.0]")
	eq(t, "t2 untouched", declStates(listDecls(t, s, "t2")), "[1:1.0]")

	read(t, s, func(r store.Reader) error {
		a, err := r.ActiveDeclaration(ctx, "t1")
		if err != nil {
			return err
		}
		eq(t, "ActiveDeclaration", a.Seq, 2)
		eq(t, "ActiveDeclaration source", string(a.Source), string(decl("t1", "1.1").Source))
		_, err = r.ActiveDeclaration(ctx, "t2")
		mustErr(t, err, store.ErrNotFound, "ActiveDeclaration(t2, none activated)")

		g, err := r.GetDeclaration(ctx, "t1", 1)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(g, d1) {
			t.Errorf("GetDeclaration = %+v, want %+v", g, d1)
		}
		_, err = r.GetDeclaration(ctx, "t2", 3)
		mustErr(t, err, store.ErrNotFound, "GetDeclaration(missing)")

		ds, next, err := r.ListDeclarations(ctx, "t1", store.Page{Limit: 2})
		if err != nil {
			return err
		}
		eq(t, "first page", declStates(ds)+" "+next, "[1:1.0 2:1.1*] 2")
		for _, d := range ds {
			if d.Source != nil {
				t.Errorf("ListDeclarations returned the source of %d", d.Seq)
			}
			eq(t, "listed SHA256", d.SHA256, sha(decl("t1", d.Version).Source))
		}
		ds, next, err = r.ListDeclarations(ctx, "t1", store.Page{After: next, Limit: 2})
		eq(t, "second page", declStates(ds)+" "+next, "[3:2.0] ")
		return err
	})
}

// testDeclarationRace: concurrent uploads get distinct, gapless numbers
// per tenant, and concurrent activations all succeed and leave exactly
// one version active (on PostgreSQL they take turns on the tenant's row;
// the partial unique index backs the rule up).
func testDeclarationRace(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	seed(t, s, "t2")
	const n = 8
	run := func(fn func(i int) func(tx store.Tx) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range 2 * n {
			wg.Go(func() {
				errs <- s.Write(ctx, func(tx store.Tx) error {
					if err := fn(i)(tx); err != nil {
						return err
					}
					_, err := tx.Audit(ctx, testAudit("declaration.race"))
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// Uploads to two tenants at once.
	run(func(i int) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			_, err := tx.PutDeclaration(ctx, decl([]string{"t1", "t2"}[i%2], "v"+strconv.Itoa(i)))
			return err
		}
	})
	for _, tn := range []string{"t1", "t2"} {
		ds := listDecls(t, s, tn)
		seqs := make([]int64, len(ds))
		for i, d := range ds {
			seqs[i] = d.Seq
		}
		eq(t, tn+" Seqs", fmt.Sprint(seqs), "[1 2 3 4 5 6 7 8]")
	}
	// Activations of every version of t1 at once.
	run(func(i int) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			_, err := tx.ActivateDeclaration(ctx, "t1", int64(i%n)+1)
			return err
		}
	})
	ds := listDecls(t, s, "t1")
	active := slices.IndexFunc(ds, func(d store.DeclarationVersion) bool { return d.Active })
	count := 0
	for _, d := range ds {
		if d.Active {
			count++
		}
	}
	eq(t, "active versions after racing activations", count, 1)
	read(t, s, func(r store.Reader) error {
		a, err := r.ActiveDeclaration(ctx, "t1")
		if active >= 0 {
			eq(t, "ActiveDeclaration", a.Seq, ds[active].Seq)
		}
		return err
	})
}

// testTenantLinks: a processor is linked to the controllers it processes
// for; both must exist and the processor must be one.
func testTenantLinks(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		for _, tn := range []store.Tenant{
			{ID: "sdk", Name: "SDK vendor", Kind: store.KindProcessor},
			{ID: "sdk2", Name: "Other vendor", Kind: store.KindProcessor},
			{ID: "app1", Name: "App 1", Kind: store.KindController},
			{ID: "app2", Name: "App 2", Kind: store.KindController},
		} {
			if _, err := tx.CreateTenant(ctx, tn); err != nil {
				return err
			}
		}
		return nil
	})
	var made store.TenantLink
	write(t, s, func(tx store.Tx) error {
		var err error
		if made, err = tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "app2"}); err != nil {
			return err
		}
		_, err = tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "app1"})
		return err
	})
	eq(t, "LinkTenants", made, store.TenantLink{Processor: "sdk", Controller: "app2", CreatedAt: store.Norm(Epoch)})

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "app1"})
		mustErr(t, err, store.ErrConflict, "LinkTenants(twice)")
		_, err = tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "nobody"})
		mustErr(t, err, store.ErrNotFound, "LinkTenants(missing controller)")
		_, err = tx.LinkTenants(ctx, store.TenantLink{Processor: "nobody", Controller: "app1"})
		mustErr(t, err, store.ErrNotFound, "LinkTenants(missing processor)")
		_, err = tx.LinkTenants(ctx, store.TenantLink{Processor: "app1", Controller: "app2"})
		mustInvalid(t, err, "tenant_link.processor", "LinkTenants(processor of kind controller)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		ls, err := r.ListControllers(ctx, "sdk")
		if err != nil {
			return err
		}
		eq(t, "ListControllers(sdk)", fmtIDs(ls, func(l store.TenantLink) string { return l.Controller }), "[app1 app2]")
		if len(ls) == 2 {
			eq(t, "listed link", ls[1], made)
		}
		ls, err = r.ListControllers(ctx, "sdk2")
		eq(t, "ListControllers(sdk2)", len(ls), 0)
		if err != nil {
			return err
		}
		ls, err = r.ListControllers(ctx, "app1")
		eq(t, "ListControllers(controller)", len(ls), 0)
		return err
	})
}
