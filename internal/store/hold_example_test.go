package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// Before deleting a subject's data, a deletion asks which active holds may
// cover the subject; category holds come back for every subject, and the
// caller decides which of the data it would delete they cover.
func ExampleReader_ActiveHolds() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "trustee-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	s, err := sqlite.Open(ctx, filepath.Join(dir, "trustee.db"), clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	// Staff place holds; every mutation is audited in its transaction.
	err = s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "acme", Name: "Acme", Kind: store.KindController}); err != nil {
			return err
		}
		for _, id := range []string{"alice", "bob"} {
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "acme", ID: id}); err != nil {
				return err
			}
		}
		for _, h := range []store.Hold{
			{Tenant: "acme", ID: "case-17", Scope: store.HoldSubject, Target: "alice", Reason: "court order 17", PlacedBy: "user:dpo"},
			{Tenant: "acme", ID: "tax-2026", Scope: store.HoldCategory, Target: "financial", PlacedBy: "user:dpo"},
		} {
			if _, err := tx.PlaceHold(ctx, h); err != nil {
				return err
			}
			if _, err := tx.Audit(ctx, audit.Entry{Tenant: "acme", Actor: "user:dpo", Action: "hold.place",
				ObjectType: "hold", ObjectID: h.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}

	err = s.Read(ctx, func(r store.Reader) error {
		for _, subject := range []string{"alice", "bob"} {
			holds, err := r.ActiveHolds(ctx, "acme", subject)
			if err != nil {
				return err
			}
			for _, h := range holds {
				fmt.Printf("%s: %s hold %s on %q\n", subject, h.Scope, h.ID, h.Target)
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// alice: subject hold case-17 on "alice"
	// alice: category hold tax-2026 on "financial"
	// bob: category hold tax-2026 on "financial"
}
