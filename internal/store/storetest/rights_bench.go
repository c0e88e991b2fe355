package storetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// BenchActiveHolds measures ActiveHolds, the check before every deletion,
// in a tenant of 2,000 subjects holding 1,000 subject holds (half of them
// released), 20 category holds and one tenant hold: each iteration is one
// Read with one call. It reports checks/s.
func BenchActiveHolds(b *testing.B, open Opener) {
	ctx := context.Background()
	s := open(b, clock.NewFake(Epoch))
	const subjects = 2000
	ids := make([]string, subjects)
	for i := range ids {
		ids[i] = "s" + strconv.Itoa(i)
	}
	seed(b, s, "t1", ids...)
	write(b, s, func(tx store.Tx) error {
		holds := []store.Hold{{Tenant: "t1", ID: "tenant", Scope: store.HoldTenant, PlacedBy: "u"}}
		for i := range 20 {
			holds = append(holds, store.Hold{Tenant: "t1", ID: "c" + strconv.Itoa(i), Scope: store.HoldCategory,
				Target: "cat" + strconv.Itoa(i), PlacedBy: "u"})
		}
		for i := 0; i < subjects; i += 2 {
			holds = append(holds, store.Hold{Tenant: "t1", ID: "h" + strconv.Itoa(i), Scope: store.HoldSubject,
				Target: ids[i], PlacedBy: "u"})
		}
		for _, h := range holds {
			if _, err := tx.PlaceHold(ctx, h); err != nil {
				return err
			}
		}
		for i := 0; i < subjects; i += 4 {
			if _, err := tx.ReleaseHold(ctx, "t1", "h"+strconv.Itoa(i), "u"); err != nil {
				return err
			}
		}
		return nil
	})
	i := 0
	for b.Loop() {
		subject := ids[i%subjects]
		var n int
		err := s.Read(ctx, func(r store.Reader) error {
			hs, err := r.ActiveHolds(ctx, "t1", subject)
			n = len(hs)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if want := 21 + boolInt(i%subjects%4 == 2); n != want {
			b.Fatalf("ActiveHolds(%s) returned %d holds, want %d", subject, n, want)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "checks/s")
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
