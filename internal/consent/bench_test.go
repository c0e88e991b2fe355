package consent

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

const benchSubjects = 10_000

// benchEngine returns a warm engine and queries on the allowed path that
// pass every rule: a consent-based purpose, a permission-gated field, a
// device and a region.
func benchEngine(b *testing.B) (*Engine, []Query) {
	b.Helper()
	src := fixture(b)
	qs := make([]Query, benchSubjects)
	for i := range qs {
		s := fmt.Sprintf("subject-%d", i)
		src.setSubject(tMin, s, SubjectState{Status: StatusActive, AgeFloor: 18, Region: "CN",
			Consents:    map[string]ConsentState{"nearby": grant("consent", "1.0")},
			Permissions: map[string]map[string]bool{"device-1": {"location": true}}})
		qs[i] = Query{Tenant: tMin, Subject: s, Field: "gps", Purpose: "nearby", Device: "device-1", Region: "CN"}
	}
	e := NewEngine(src, WithMaxSubjects(2*benchSubjects))
	ctx := context.Background()
	for _, q := range qs {
		if d, err := e.Decide(ctx, q); err != nil || !d.Allowed {
			b.Fatalf("%+v %v", d, err)
		}
	}
	return e, qs
}

func BenchmarkDecide(b *testing.B) {
	e, qs := benchEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if d, _ := e.Decide(ctx, qs[i%len(qs)]); !d.Allowed {
			b.Fatal(d)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkDecideRefused measures a refusal late in the rules (permission
// off), which builds its Detail.
func BenchmarkDecideRefused(b *testing.B) {
	e, qs := benchEngine(b)
	ctx := context.Background()
	for i := range qs {
		qs[i].Device = "device-2"
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if d, _ := e.Decide(ctx, qs[i%len(qs)]); d.Reason != ReasonPermissionOff {
			b.Fatal(d)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkDecideLatency times 1,000,000 single decisions and reports their
// percentiles. The timer's own cost (tens of ns) is included.
func BenchmarkDecideLatency(b *testing.B) {
	e, qs := benchEngine(b)
	ctx := context.Background()
	const n = 1_000_000
	lat := make([]time.Duration, n)
	for b.Loop() {
		for i := range lat {
			q := qs[i%len(qs)]
			t0 := time.Now()
			d, _ := e.Decide(ctx, q)
			lat[i] = time.Since(t0)
			if !d.Allowed {
				b.Fatal(d)
			}
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(n-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(pct(0.999), "p99.9-ns")
	b.ReportMetric(float64(lat[n-1].Nanoseconds()), "max-ns")
}

func BenchmarkDecideParallel(b *testing.B) {
	e, qs := benchEngine(b)
	ctx := context.Background()
	var seed atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(7919))
		for pb.Next() {
			if d, _ := e.Decide(ctx, qs[i%len(qs)]); !d.Allowed {
				b.Error(d)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}
