package keys_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
)

func BenchmarkSeal(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, sqliteURL(b))
	ref := keys.Ref{Tenant: tenantA, Subject: "s", Field: "phone", RecordID: "0123456789abcdef"}
	value := []byte("+8613800138000")
	if _, err := f.m.Seal(ctx, ref, value); err != nil { // create the key outside the loop
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.m.Seal(ctx, ref, value); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seals/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.m.Seal(ctx, ref, value); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seals/s")
	})
	b.Run("batch100", func(b *testing.B) {
		vals := make([]keys.Value, 100)
		for i := range vals {
			vals[i] = keys.Value{Field: "phone", RecordID: fmt.Sprint(i), Plaintext: value}
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.m.SealBatch(ctx, tenantA, "s", vals); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(vals))/b.Elapsed().Seconds(), "seals/s")
	})
}

func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, sqliteURL(b))
	ref := keys.Ref{Tenant: tenantA, Subject: "s", Field: "phone", RecordID: "0123456789abcdef"}
	sealed, err := f.m.Seal(ctx, ref, []byte("+8613800138000"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.m.Open(ctx, ref, sealed); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "opens/s")
}

func BenchmarkBlindIndex(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, sqliteURL(b), keys.WithPhoneRegion("CN"))
	for _, c := range []struct {
		name  string
		kind  keys.Normalization
		value string
	}{
		{"email", keys.NormEmail, " Li.Lei@Example.com"},
		{"phone", keys.NormPhone, "+86 138 0013 8000"},
		{"identifier", keys.NormIdentifier, "aa:bb:cc:dd:ee:ff"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := f.m.BlindIndex(ctx, tenantA, c.name, c.kind, c.value); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}

// BenchmarkShred shreds subjects holding 10, 10k and 100k sealed records.
// The records stand for the data database's rows; Shred never touches them,
// so its cost must be the same for all three.
func BenchmarkShred(b *testing.B) {
	ctx := context.Background()
	for _, records := range []int{10, 10_000, 100_000} {
		b.Run(fmt.Sprintf("records=%d", records), func(b *testing.B) {
			f := newFixture(b, sqliteURL(b))
			vals := make([]keys.Value, records)
			for i := range vals {
				vals[i] = keys.Value{Field: "f", RecordID: fmt.Sprint(i), Plaintext: []byte("some value")}
			}
			var data [][]byte // the "data database"
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				subject := fmt.Sprintf("s%d", i)
				sealed, err := f.m.SealBatch(ctx, tenantA, subject, vals)
				if err != nil {
					b.Fatal(err)
				}
				data = sealed
				runtime.GC() // collect the set-up's garbage outside the timer
				b.StartTimer()
				if err := f.m.Shred(ctx, tenantA, subject); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if _, err := f.m.Open(ctx, keys.Ref{Tenant: tenantA, Subject: fmt.Sprintf("s%d", b.N-1), Field: "f", RecordID: "0"}, data[0]); err == nil {
				b.Fatal("record opens after Shred")
			}
		})
	}
}
