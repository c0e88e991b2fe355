package keys_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
)

// TestRotateWhileSealing rotates a tenant while other nodes create data keys:
// once the rotation has returned, no data key of the tenant is left under
// the old KEK, whatever the interleaving.
func TestRotateWhileSealing(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		nodes := []*keys.Manager{f.another(t), f.another(t)}
		var stop atomic.Bool
		var wg sync.WaitGroup
		for n, m := range nodes {
			wg.Go(func() {
				// Bounded, so SQLite's busy handler cannot starve the
				// rotation for long (separate stores stand for separate
				// processes here, each a writer of its own).
				for i := 0; i < 300 && !stop.Load(); i++ {
					ref := keys.Ref{Tenant: tenantA, Subject: fmt.Sprintf("n%d-s%d", n, i), Field: "f"}
					if _, err := m.Seal(ctx, ref, []byte("x")); err != nil {
						t.Errorf("Seal during rotation: %v", err)
						return
					}
				}
			})
		}
		var version int
		for range 3 {
			v, err := f.m.RotateTenant(ctx, tenantA)
			if err != nil {
				t.Fatalf("RotateTenant: %v", err)
			}
			version = v
		}
		stop.Store(true)
		wg.Wait()
		// Keys created after the last rotation returned are under it too,
		// because a stale node's insert is refused and retried.
		if below, err := f.store.SubjectKeysBelow(ctx, tenantA, version, 10); err != nil || len(below) != 0 {
			t.Errorf("%d data keys under an old KEK after rotation (%v)", len(below), err)
		}
	})
}

// TestShredWhileSealing shreds a subject while other nodes try to create its
// key: afterwards the subject is shredded and its key is nowhere in the store.
func TestShredWhileSealing(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		for round := range 20 {
			subject := fmt.Sprintf("s%d", round)
			ref := keys.Ref{Tenant: tenantA, Subject: subject, Field: "f"}
			var wg sync.WaitGroup
			for range 3 {
				m := f.another(t)
				wg.Go(func() {
					if _, err := m.Seal(ctx, ref, []byte("x")); err != nil && !errors.Is(err, keys.ErrShredded) {
						t.Errorf("Seal: %v", err)
					}
				})
			}
			wg.Go(func() {
				if err := f.m.Shred(ctx, tenantA, subject); err != nil {
					t.Errorf("Shred: %v", err)
				}
			})
			wg.Wait()
		}
		left, err := f.store.SubjectKeysBelow(ctx, tenantA, math.MaxInt32, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Errorf("%d data keys of shredded subjects left in the store", len(left))
		}
	})
}
