package keys_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/keys"
)

func TestSealOpen(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		ref := keys.Ref{Tenant: tenantA, Subject: "s1", Field: "phone", RecordID: "r1"}
		for _, pt := range [][]byte{[]byte("+8613800138000"), {}, bytes.Repeat([]byte{0xAB}, 10000)} {
			sealed, err := f.m.Seal(ctx, ref, pt)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			if len(sealed) != len(pt)+1+12+16 {
				t.Errorf("sealed length %d, want %d", len(sealed), len(pt)+29)
			}
			if len(pt) > 4 && bytes.Contains(sealed, pt) {
				t.Error("sealed value contains the plaintext")
			}
			got, err := f.m.Open(ctx, ref, sealed)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, pt) {
				t.Errorf("Open = %x, want %x", got, pt)
			}
			// Another node opens it too.
			got, err = f.another(t).Open(ctx, ref, sealed)
			if err != nil || !bytes.Equal(got, pt) {
				t.Errorf("other Manager Open = %x, %v", got, err)
			}
		}

		// Two seals of one value differ (random nonce).
		a, _ := f.m.Seal(ctx, ref, []byte("x"))
		b, _ := f.m.Seal(ctx, ref, []byte("x"))
		if bytes.Equal(a, b) {
			t.Error("two seals of one value are equal")
		}

		// SealBatch seals as Seal does.
		vals := []keys.Value{{Field: "email", RecordID: "r2", Plaintext: []byte("a@example.com")}, {Field: "name", RecordID: "r3", Plaintext: []byte("Li Lei")}}
		out, err := f.m.SealBatch(ctx, tenantA, "s2", vals)
		if err != nil {
			t.Fatalf("SealBatch: %v", err)
		}
		for i, v := range vals {
			got, err := f.m.Open(ctx, keys.Ref{Tenant: tenantA, Subject: "s2", Field: v.Field, RecordID: v.RecordID}, out[i])
			if err != nil || !bytes.Equal(got, v.Plaintext) {
				t.Errorf("batch value %d: Open = %q, %v", i, got, err)
			}
		}

		// Garbage and truncated values fail with ErrDecrypt.
		for _, bad := range [][]byte{nil, {1}, a[:len(a)-1], append([]byte{2}, a[1:]...)} {
			if _, err := f.m.Open(ctx, ref, bad); !errors.Is(err, keys.ErrDecrypt) {
				t.Errorf("Open(%x) error = %v, want ErrDecrypt", bad, err)
			}
		}
		// A subject that never sealed anything has nothing to open.
		if _, err := f.m.Open(ctx, keys.Ref{Tenant: tenantA, Subject: "nobody", Field: "phone"}, a); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("Open for a subject without key: %v, want ErrDecrypt", err)
		}
	})
}

func TestAADSwap(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		ref := keys.Ref{Tenant: tenantA, Subject: "s1", Field: "phone", RecordID: "r1"}
		sealed, err := f.m.Seal(ctx, ref, []byte("secret value"))
		if err != nil {
			t.Fatal(err)
		}
		// Make sure the other subjects have keys, so the failure is the AAD's.
		for _, r := range []keys.Ref{{Tenant: tenantB, Subject: "s1", Field: "phone"}, {Tenant: tenantA, Subject: "s2", Field: "phone"}} {
			if _, err := f.m.Seal(ctx, r, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name string
			ref  keys.Ref
		}{
			{"tenant", keys.Ref{Tenant: tenantB, Subject: "s1", Field: "phone", RecordID: "r1"}},
			{"subject", keys.Ref{Tenant: tenantA, Subject: "s2", Field: "phone", RecordID: "r1"}},
			{"field", keys.Ref{Tenant: tenantA, Subject: "s1", Field: "email", RecordID: "r1"}},
			{"record id", keys.Ref{Tenant: tenantA, Subject: "s1", Field: "phone", RecordID: "r2"}},
			{"empty record id", keys.Ref{Tenant: tenantA, Subject: "s1", Field: "phone"}},
			// Length prefixes keep parts from sliding into each other.
			{"shifted boundary", keys.Ref{Tenant: tenantA, Subject: "s1", Field: "phoner", RecordID: "1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := f.m.Open(ctx, tt.ref, sealed); !errors.Is(err, keys.ErrDecrypt) {
					t.Errorf("Open with another %s: %v, want ErrDecrypt", tt.name, err)
				}
			})
		}
	})
}

func TestNoTenantKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		ref := keys.Ref{Tenant: "unknown", Subject: "s", Field: "f"}
		if _, err := f.m.Seal(ctx, ref, []byte("x")); !errors.Is(err, keys.ErrNoTenantKey) {
			t.Errorf("Seal: %v, want ErrNoTenantKey", err)
		}
		if _, err := f.m.BlindIndex(ctx, "unknown", "email", keys.NormEmail, "a@b.c"); !errors.Is(err, keys.ErrNoTenantKey) {
			t.Errorf("BlindIndex: %v, want ErrNoTenantKey", err)
		}
		if _, err := f.m.RotateTenant(ctx, "unknown"); !errors.Is(err, keys.ErrNoTenantKey) {
			t.Errorf("RotateTenant: %v, want ErrNoTenantKey", err)
		}
		// EnsureTenant is idempotent and does not replace keys.
		sealed, err := f.m.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "s", Field: "f"}, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		before, _ := f.store.ActiveKEK(ctx, tenantA)
		if err := f.m.EnsureTenant(ctx, tenantA); err != nil {
			t.Fatal(err)
		}
		after, _ := f.store.ActiveKEK(ctx, tenantA)
		if !bytes.Equal(before.Wrapped, after.Wrapped) || after.Version != 1 {
			t.Error("EnsureTenant replaced an existing KEK")
		}
		if _, err := f.another(t).Open(ctx, keys.Ref{Tenant: tenantA, Subject: "s", Field: "f"}, sealed); err != nil {
			t.Errorf("Open after EnsureTenant: %v", err)
		}
	})
}

func TestShred(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		victim := keys.Ref{Tenant: tenantA, Subject: "victim", Field: "phone", RecordID: "r1"}
		bystander := keys.Ref{Tenant: tenantA, Subject: "bystander", Field: "phone", RecordID: "r1"}
		backup, err := f.m.Seal(ctx, victim, []byte("13800138000")) // a copy of the data taken before the shred
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.m.Seal(ctx, bystander, []byte("13900139000"))
		if err != nil {
			t.Fatal(err)
		}
		// The same subject id in another tenant is another subject.
		otherTenant := victim
		otherTenant.Tenant = tenantB
		otherSealed, err := f.m.Seal(ctx, otherTenant, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}

		if err := f.m.Shred(ctx, tenantA, "victim"); err != nil {
			t.Fatalf("Shred: %v", err)
		}
		if err := f.m.Shred(ctx, tenantA, "victim"); err != nil {
			t.Fatalf("Shred again (idempotent): %v", err)
		}
		if _, err := f.m.Open(ctx, victim, backup); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("Open after Shred: %v, want ErrShredded", err)
		}
		if _, err := f.m.Seal(ctx, victim, []byte("new")); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("Seal after Shred: %v, want ErrShredded", err)
		}
		if _, err := f.m.SealBatch(ctx, tenantA, "victim", []keys.Value{{Field: "f", Plaintext: []byte("x")}}); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("SealBatch after Shred: %v, want ErrShredded", err)
		}
		if ok, err := f.m.Shredded(ctx, tenantA, "victim"); err != nil || !ok {
			t.Errorf("Shredded = %v, %v; want true", ok, err)
		}
		if ok, err := f.m.Shredded(ctx, tenantA, "bystander"); err != nil || ok {
			t.Errorf("Shredded(bystander) = %v, %v; want false", ok, err)
		}

		// Not just the cache: a fresh Manager on the same key store.
		m2 := f.another(t)
		if _, err := m2.Open(ctx, victim, backup); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("new Manager: Open after Shred: %v, want ErrShredded", err)
		}
		if _, err := m2.Seal(ctx, victim, []byte("new")); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("new Manager: Seal after Shred: %v, want ErrShredded", err)
		}
		if ok, err := m2.Shredded(ctx, tenantA, "victim"); err != nil || !ok {
			t.Errorf("new Manager: Shredded = %v, %v; want true", ok, err)
		}
		// The key is gone from the store and the marker is there.
		if _, err := f.store.SubjectKey(ctx, tenantA, "victim"); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("store SubjectKey: %v, want ErrShredded", err)
		}
		at, ok, err := f.store.Destroyed(ctx, tenantA, "victim")
		if err != nil || !ok || !at.Equal(t0) {
			t.Errorf("store Destroyed = %v, %v, %v; want %v", at, ok, err, t0)
		}

		// Others are untouched.
		for _, c := range []struct {
			ref    keys.Ref
			sealed []byte
		}{{bystander, other}, {otherTenant, otherSealed}} {
			if _, err := m2.Open(ctx, c.ref, c.sealed); err != nil {
				t.Errorf("Open(%+v) after another subject's Shred: %v", c.ref, err)
			}
		}

		// A subject that never had a key can be shredded, and then never gets one.
		if err := f.m.Shred(ctx, tenantA, "never-seen"); err != nil {
			t.Fatal(err)
		}
		if _, err := m2.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "never-seen", Field: "f"}, []byte("x")); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("Seal for a pre-emptively shredded subject: %v, want ErrShredded", err)
		}
	})
}

// TestShredOtherNode checks the documented bound on other nodes' caches: a
// node that cached the key sees the shred once its entry is older than the
// TTL.
func TestShredOtherNode(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		nodeB := f.another(t, keys.WithCacheTTL(10*time.Second))
		ref := keys.Ref{Tenant: tenantA, Subject: "s", Field: "f"}
		sealed, err := f.m.Seal(ctx, ref, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nodeB.Open(ctx, ref, sealed); err != nil { // caches the key
			t.Fatal(err)
		}
		if err := f.m.Shred(ctx, tenantA, "s"); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(11 * time.Second)
		if _, err := nodeB.Open(ctx, ref, sealed); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("other node after TTL: %v, want ErrShredded", err)
		}
	})
}

// TestHasSubjectKey checks the cache-only answer the vault uses to skip
// its subject read: true only for a key this Manager holds, unshredded,
// within the TTL; never from the key store.
func TestHasSubjectKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		if f.m.HasSubjectKey(tenantA, "s") {
			t.Fatal("HasSubjectKey before any key was made: true")
		}
		if _, err := f.m.SealBatch(ctx, tenantA, "s", []keys.Value{{Field: "f", Plaintext: []byte("x")}}); err != nil {
			t.Fatal(err)
		}
		if !f.m.HasSubjectKey(tenantA, "s") {
			t.Error("HasSubjectKey after SealBatch: false")
		}
		if f.m.HasSubjectKey(tenantB, "s") {
			t.Error("HasSubjectKey of the same subject id in another tenant: true")
		}
		// Another node has the key in its store but not in its cache.
		nodeB := f.another(t)
		if nodeB.HasSubjectKey(tenantA, "s") {
			t.Error("HasSubjectKey on a node that never loaded the key: true")
		}
		if err := f.m.Shred(ctx, tenantA, "s"); err != nil {
			t.Fatal(err)
		}
		if f.m.HasSubjectKey(tenantA, "s") {
			t.Error("HasSubjectKey after Shred: true")
		}
		if _, err := f.m.SealBatch(ctx, tenantA, "t", []keys.Value{{Field: "f", Plaintext: []byte("x")}}); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(time.Hour) // past any TTL
		if f.m.HasSubjectKey(tenantA, "t") {
			t.Error("HasSubjectKey past the cache TTL: true")
		}
	})
}

// TestConcurrentCreate checks that many goroutines and nodes sealing for a
// new subject at once end up with one data key.
func TestConcurrentCreate(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		nodes := []*keys.Manager{f.m, f.another(t), f.another(t)}
		var wg sync.WaitGroup
		sealed := make([][]byte, 12)
		errs := make([]error, len(sealed))
		for i := range sealed {
			wg.Go(func() {
				sealed[i], errs[i] = nodes[i%len(nodes)].Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "new", Field: "f"}, fmt.Appendf(nil, "v%d", i))
			})
		}
		wg.Wait()
		check := f.another(t)
		for i := range sealed {
			if errs[i] != nil {
				t.Fatalf("Seal %d: %v", i, errs[i])
			}
			if got, err := check.Open(ctx, keys.Ref{Tenant: tenantA, Subject: "new", Field: "f"}, sealed[i]); err != nil || string(got) != fmt.Sprintf("v%d", i) {
				t.Errorf("Open %d = %q, %v", i, got, err)
			}
		}
	})
}

func TestRotateTenant(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		type item struct {
			ref    keys.Ref
			pt     []byte
			sealed []byte
		}
		var items []item
		for i := range 1200 { // more than one re-wrap batch
			ref := keys.Ref{Tenant: tenantA, Subject: fmt.Sprintf("s%04d", i), Field: "f", RecordID: "r"}
			pt := fmt.Appendf(nil, "value %d", i)
			s, err := f.m.Seal(ctx, ref, pt)
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, item{ref, pt, bytes.Clone(s)})
		}
		bRef := keys.Ref{Tenant: tenantB, Subject: "s0000", Field: "f"}
		bSealed, _ := f.m.Seal(ctx, bRef, []byte("b"))
		before, _ := f.store.SubjectKey(ctx, tenantA, "s0000")
		bBefore, _ := f.store.SubjectKey(ctx, tenantB, "s0000")
		idx1, _ := f.m.BlindIndex(ctx, tenantA, "email", keys.NormEmail, "a@example.com")

		v, err := f.m.RotateTenant(ctx, tenantA)
		if err != nil {
			t.Fatalf("RotateTenant: %v", err)
		}
		if v != 2 {
			t.Errorf("new version %d, want 2", v)
		}
		active, _ := f.store.ActiveKEK(ctx, tenantA)
		old, _ := f.store.KEK(ctx, tenantA, 1)
		if active.Version != 2 || !active.Active || old.Active {
			t.Errorf("active KEK %d (%v), v1 active=%v", active.Version, active.Active, old.Active)
		}
		after, _ := f.store.SubjectKey(ctx, tenantA, "s0000")
		if after.KEKVersion != 2 || bytes.Equal(after.Wrapped, before.Wrapped) {
			t.Errorf("subject key not re-wrapped: version %d", after.KEKVersion)
		}
		if below, _ := f.store.SubjectKeysBelow(ctx, tenantA, 2, 10); len(below) != 0 {
			t.Errorf("%d data keys still under the old KEK", len(below))
		}
		if bAfter, _ := f.store.SubjectKey(ctx, tenantB, "s0000"); bAfter.KEKVersion != 1 || !bytes.Equal(bAfter.Wrapped, bBefore.Wrapped) {
			t.Error("rotating tenant A touched tenant B")
		}

		// Everything sealed before opens, on this node and on a fresh one;
		// the sealed bytes are what they were (data is not re-encrypted).
		fresh := f.another(t)
		for _, it := range items {
			for _, m := range []*keys.Manager{f.m, fresh} {
				got, err := m.Open(ctx, it.ref, it.sealed)
				if err != nil || !bytes.Equal(got, it.pt) {
					t.Fatalf("Open(%s) after rotation = %q, %v", it.ref.Subject, got, err)
				}
			}
		}
		if _, err := fresh.Open(ctx, bRef, bSealed); err != nil {
			t.Errorf("tenant B after A's rotation: %v", err)
		}
		// New subjects get keys under the new KEK; blind indexes are unchanged.
		if _, err := fresh.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "newcomer", Field: "f"}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if k, _ := f.store.SubjectKey(ctx, tenantA, "newcomer"); k.KEKVersion != 2 {
			t.Errorf("new subject under KEK %d, want 2", k.KEKVersion)
		}
		idx2, _ := fresh.BlindIndex(ctx, tenantA, "email", keys.NormEmail, "a@example.com")
		if !bytes.Equal(idx1, idx2) {
			t.Error("blind index changed with the tenant rotation")
		}

		// A node that still believes v2 is active learns of v3 from the store.
		stale := f.another(t)
		if _, err := stale.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "warm", Field: "f"}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if v, err := f.m.RotateTenant(ctx, tenantA); err != nil || v != 3 {
			t.Fatalf("second rotation = %d, %v", v, err)
		}
		if _, err := stale.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "late", Field: "f"}, []byte("x")); err != nil {
			t.Fatalf("Seal on a node with a stale active KEK: %v", err)
		}
		if k, _ := f.store.SubjectKey(ctx, tenantA, "late"); k.KEKVersion != 3 {
			t.Errorf("late subject under KEK %d, want 3", k.KEKVersion)
		}
	})
}

func TestRotateRoot(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		ref := keys.Ref{Tenant: tenantA, Subject: "s", Field: "f", RecordID: "r"}
		sealed, err := f.m.Seal(ctx, ref, []byte("before"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.m.RotateTenant(ctx, tenantA); err != nil { // two KEK versions
			t.Fatal(err)
		}
		idx1, _ := f.m.BlindIndex(ctx, tenantA, "email", keys.NormEmail, "a@example.com")
		kekBefore, _ := f.store.KEK(ctx, tenantA, 1)
		subjBefore, _ := f.store.SubjectKey(ctx, tenantA, "s")

		newRoot := newRoot(t)
		n, err := f.m.RotateRoot(ctx, newRoot)
		if err != nil {
			t.Fatalf("RotateRoot: %v", err)
		}
		if n != 5 { // A: KEK v1, v2, index; B: KEK v1, index
			t.Errorf("re-wrapped %d keys, want 5", n)
		}
		kekAfter, _ := f.store.KEK(ctx, tenantA, 1)
		if bytes.Equal(kekBefore.Wrapped, kekAfter.Wrapped) {
			t.Error("KEK row not re-wrapped")
		}
		if subjAfter, _ := f.store.SubjectKey(ctx, tenantA, "s"); !bytes.Equal(subjBefore.Wrapped, subjAfter.Wrapped) {
			t.Error("root rotation changed a data key's wrapping")
		}
		// Running it again with the root in use re-wraps nothing.
		if n, err := f.m.RotateRoot(ctx, newRoot); err != nil || n != 0 {
			t.Errorf("second RotateRoot = %d, %v; want 0, nil", n, err)
		}
		// Another node still on the old root resumes an interrupted
		// rotation: it skips what the new root already unwraps.
		if n, err := keys.NewManager(f.root, openStore(t, storeURL), f.clk).RotateRoot(ctx, newRoot); err != nil || n != 0 {
			t.Errorf("resumed RotateRoot = %d, %v; want 0, nil", n, err)
		}

		// A node with the new root reads everything; one with the old root
		// and a cold cache does not.
		fresh := keys.NewManager(newRoot, openStore(t, storeURL), f.clk)
		if got, err := fresh.Open(ctx, ref, sealed); err != nil || string(got) != "before" {
			t.Errorf("Open with the new root = %q, %v", got, err)
		}
		if idx2, err := fresh.BlindIndex(ctx, tenantA, "email", keys.NormEmail, "a@example.com"); err != nil || !bytes.Equal(idx1, idx2) {
			t.Errorf("blind index after root rotation changed (%v)", err)
		}
		if _, err := fresh.Seal(ctx, keys.Ref{Tenant: tenantB, Subject: "n", Field: "f"}, []byte("x")); err != nil {
			t.Errorf("Seal with the new root: %v", err)
		}
		oldNode := keys.NewManager(f.root, openStore(t, storeURL), f.clk)
		if _, err := oldNode.Open(ctx, ref, sealed); err == nil {
			t.Error("old root still unwraps after rotation")
		}
		// The rotating Manager itself carries on with the new root.
		if err := f.m.EnsureTenant(ctx, "tenant-c"); err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.Seal(ctx, keys.Ref{Tenant: "tenant-c", Subject: "n", Field: "f"}, []byte("x")); err != nil {
			t.Errorf("tenant created after rotation, new root: %v", err)
		}
	})
}

func TestKeyStoreContract(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		ks := openStore(t, storeURL)
		kek := keys.TenantKEK{Tenant: "t", Version: 1, Wrapped: []byte("kek1"), Created: t0, Active: true}
		idx := keys.IndexKey{Tenant: "t", Wrapped: []byte("idx"), Created: t0}
		if _, err := ks.ActiveKEK(ctx, "t"); !errors.Is(err, keys.ErrNoTenantKey) {
			t.Errorf("ActiveKEK of unknown tenant: %v", err)
		}
		if err := ks.AddKEK(ctx, keys.TenantKEK{Tenant: "t", Version: 2, Wrapped: []byte("x"), Created: t0}); !errors.Is(err, keys.ErrNoTenantKey) {
			t.Errorf("AddKEK without a first KEK: %v, want ErrNoTenantKey", err)
		}
		if err := ks.CreateTenant(ctx, kek, idx); err != nil {
			t.Fatal(err)
		}
		// A second CreateTenant keeps the first keys.
		if err := ks.CreateTenant(ctx, keys.TenantKEK{Tenant: "t", Version: 1, Wrapped: []byte("other"), Created: t0}, keys.IndexKey{Tenant: "t", Wrapped: []byte("other"), Created: t0}); err != nil {
			t.Fatal(err)
		}
		got, err := ks.ActiveKEK(ctx, "t")
		if err != nil || string(got.Wrapped) != "kek1" || got.Version != 1 || !got.Active || !got.Created.Equal(t0) {
			t.Errorf("ActiveKEK = %+v, %v", got, err)
		}
		if gi, err := ks.IndexKey(ctx, "t"); err != nil || string(gi.Wrapped) != "idx" {
			t.Errorf("IndexKey = %+v, %v", gi, err)
		}
		if err := ks.AddKEK(ctx, keys.TenantKEK{Tenant: "t", Version: 3, Wrapped: []byte("x"), Created: t0}); !errors.Is(err, keys.ErrKeyConflict) {
			t.Errorf("AddKEK skipping a version: %v, want ErrKeyConflict", err)
		}

		dek := keys.SubjectDEK{Tenant: "t", Subject: "s", KEKVersion: 1, Wrapped: []byte("dek"), Created: t0}
		if _, err := ks.SubjectKey(ctx, "t", "s"); !errors.Is(err, keys.ErrNoSubjectKey) {
			t.Errorf("SubjectKey before AddSubjectKey: %v", err)
		}
		if s, err := ks.AddSubjectKey(ctx, dek); err != nil || string(s.Wrapped) != "dek" {
			t.Fatalf("AddSubjectKey = %+v, %v", s, err)
		}
		// A second insert returns the first key.
		dup := dek
		dup.Wrapped = []byte("dup")
		if s, err := ks.AddSubjectKey(ctx, dup); err != nil || string(s.Wrapped) != "dek" {
			t.Errorf("second AddSubjectKey = %+v, %v; want the first key", s, err)
		}

		if err := ks.AddKEK(ctx, keys.TenantKEK{Tenant: "t", Version: 2, Wrapped: []byte("kek2"), Created: t0}); err != nil {
			t.Fatal(err)
		}
		if err := ks.AddKEK(ctx, keys.TenantKEK{Tenant: "t", Version: 2, Wrapped: []byte("again"), Created: t0}); !errors.Is(err, keys.ErrKeyConflict) {
			t.Errorf("AddKEK of an existing version: %v, want ErrKeyConflict", err)
		}
		stale := keys.SubjectDEK{Tenant: "t", Subject: "s2", KEKVersion: 1, Wrapped: []byte("x"), Created: t0}
		if _, err := ks.AddSubjectKey(ctx, stale); !errors.Is(err, keys.ErrKEKNotActive) {
			t.Errorf("AddSubjectKey under an inactive KEK: %v, want ErrKEKNotActive", err)
		}
		below, err := ks.SubjectKeysBelow(ctx, "t", 2, 10)
		if err != nil || len(below) != 1 || below[0].Subject != "s" {
			t.Errorf("SubjectKeysBelow = %+v, %v", below, err)
		}
		n, err := ks.RewrapSubjectKeys(ctx, []keys.SubjectRewrap{
			{Tenant: "t", Subject: "s", FromVersion: 1, ToVersion: 2, Wrapped: []byte("dek2")},
			{Tenant: "t", Subject: "s", FromVersion: 1, ToVersion: 2, Wrapped: []byte("lost race")}, // no longer at v1
		})
		if err != nil || n != 1 {
			t.Errorf("RewrapSubjectKeys = %d, %v; want 1", n, err)
		}
		if s, _ := ks.SubjectKey(ctx, "t", "s"); s.KEKVersion != 2 || string(s.Wrapped) != "dek2" {
			t.Errorf("after re-wrap: %+v", s)
		}

		// Root-wrapped keys, paged.
		if err := ks.CreateTenant(ctx, keys.TenantKEK{Tenant: "u", Version: 1, Wrapped: []byte("ukek"), Created: t0}, keys.IndexKey{Tenant: "u", Wrapped: []byte("uidx"), Created: t0}); err != nil {
			t.Fatal(err)
		}
		var all []keys.RootWrapped
		var after keys.RootKeyID
		for {
			page, err := ks.RootWrappedKeys(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			all = append(all, page...)
			after = page[len(page)-1].RootKeyID
		}
		var names []string
		for _, k := range all {
			names = append(names, fmt.Sprintf("%s/%s/%d=%s", k.Kind, k.Tenant, k.Version, k.Wrapped))
		}
		want := "index/t/1=idx index/u/1=uidx kek/t/1=kek1 kek/t/2=kek2 kek/u/1=ukek"
		if got := strings.Join(names, " "); got != want {
			t.Errorf("RootWrappedKeys:\n got %s\nwant %s", got, want)
		}
		n, err = ks.RewrapRootKeys(ctx, []keys.RootRewrap{
			{RootKeyID: keys.RootKeyID{Kind: keys.RootKEK, Tenant: "t", Version: 2}, Old: []byte("kek2"), New: []byte("kek2'")},
			{RootKeyID: keys.RootKeyID{Kind: keys.RootIndexKey, Tenant: "u", Version: 1}, Old: []byte("uidx"), New: []byte("uidx'")},
			{RootKeyID: keys.RootKeyID{Kind: keys.RootKEK, Tenant: "t", Version: 1}, Old: []byte("stale"), New: []byte("no")},
		})
		if err != nil || n != 2 {
			t.Errorf("RewrapRootKeys = %d, %v; want 2", n, err)
		}

		// Shred deletes the key and leaves a marker; the key never comes back.
		if err := ks.Shred(ctx, "t", "s", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ks.Shred(ctx, "t", "s", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if at, ok, err := ks.Destroyed(ctx, "t", "s"); err != nil || !ok || !at.Equal(t0.Add(time.Hour)) {
			t.Errorf("Destroyed = %v, %v, %v; want the first instant", at, ok, err)
		}
		if _, err := ks.SubjectKey(ctx, "t", "s"); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("SubjectKey after Shred: %v", err)
		}
		again := keys.SubjectDEK{Tenant: "t", Subject: "s", KEKVersion: 2, Wrapped: []byte("new"), Created: t0}
		if _, err := ks.AddSubjectKey(ctx, again); !errors.Is(err, keys.ErrShredded) {
			t.Errorf("AddSubjectKey after Shred: %v, want ErrShredded", err)
		}
		if _, ok, err := ks.Destroyed(ctx, "u", "s"); err != nil || ok {
			t.Errorf("Destroyed in another tenant = %v, %v", ok, err)
		}
	})
}

func TestRedaction(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqliteURL(t))
	if _, err := f.m.Seal(ctx, keys.Ref{Tenant: tenantA, Subject: "s", Field: "f"}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		if got := fmt.Sprintf(verb, f.m); !strings.Contains(got, "REDACTED") || len(got) > 40 {
			t.Errorf("Sprintf(%s, manager) = %q", verb, got)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "manager", f.m,
		"value", keys.Value{Field: "phone", Plaintext: []byte("13800138000")})
	if s := buf.String(); !strings.Contains(s, `"manager":"REDACTED"`) || strings.Contains(s, "13800138000") {
		t.Errorf("slog output %s", s)
	}
	var w bytes.Buffer
	ew, err := f.m.EncryptStream(ctx, keys.Ref{Tenant: tenantA, Subject: "s", Field: "blob"}, &w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%+v", ew); got != "REDACTED" {
		t.Errorf("stream writer prints %q", got)
	}
}
