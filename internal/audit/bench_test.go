package audit

import (
	"context"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
)

// BenchmarkLeafHash measures the hashing the store does on every append.
func BenchmarkLeafHash(b *testing.B) {
	e := testEntry(12345)
	e.Seq = 12345
	var sink [32]byte
	for b.Loop() {
		sink = e.LeafHash()
	}
	_ = sink
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkRoot measures the tree over stored leaf hashes.
func BenchmarkRoot(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int64
	}{{"100k", 100_000}, {"1M", 1_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			log := leafLog{n: bc.n}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Root(ctx, log, bc.n); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(bc.n)*float64(b.N)/b.Elapsed().Seconds(), "leaves/s")
		})
	}
}

// BenchmarkVerify measures a full verification: every entry re-hashed from
// its content, and two checkpoints checked.
func BenchmarkVerify(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s := newTestSigner(b)
	log := filledLog(n / 2)
	if _, err := SignCheckpoint(ctx, log, s, clock.NewFake(testEpoch)); err != nil {
		b.Fatal(err)
	}
	for i := n / 2; i < n; i++ {
		log.append(testEntry(i))
	}
	if _, err := SignCheckpoint(ctx, log, s, clock.NewFake(testEpoch)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Verify(ctx, log, s.VerifierKey())
		if err != nil || !rep.OK {
			b.Fatal(rep, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
