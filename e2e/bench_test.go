package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
)

// Load benchmark targets (issue 5), reported against, never asserted:
// single-record collection on the embedded default at ≥ 10,000 req/s with
// p99 < 10 ms; batch collection at ≥ 100,000 records/s.
const (
	benchSubjects    = 64   // subjects the requests rotate over
	benchClients     = 16   // concurrent clients per GOMAXPROCS, single
	benchBatchSize   = 1000 // records per request, batch
	benchBatchClient = 2    // concurrent clients per GOMAXPROCS, batch
)

// BenchmarkCollectHTTP loads POST /v1/subjects/{subject}/records of a
// real `trustee serve` over loopback through package client, on SQLite
// and on PostgreSQL: single sends one record per request from many
// concurrent clients, batch sends 1000 records per request. Each reports
// req/s, records/s and the p50 and p99 latency of a request.
//
//	go test ./e2e/ -run '^$' -bench CollectHTTP -benchtime 5s
func BenchmarkCollectHTTP(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			be := sqliteBackend
			if name == "postgres" {
				be = postgresBackend(b)
			}
			env := newBenchEnv(b, be)
			b.Run("single", func(b *testing.B) {
				rec := []client.NewRecord{{Field: "email", Purpose: "account", Value: "bench@example.com"}}
				env.run(b, benchClients, rec)
			})
			b.Run("batch", func(b *testing.B) {
				recs := make([]client.NewRecord, benchBatchSize)
				for i := range recs {
					recs[i] = client.NewRecord{Field: "email", Purpose: "account", Value: fmt.Sprintf("user-%04d@example.com", i)}
				}
				env.run(b, benchBatchClient, recs)
			})
		})
	}
}

// benchEnv is a running node with a tenant whose subjects are ready.
type benchEnv struct {
	c        *client.Client
	subjects []string
}

func newBenchEnv(b *testing.B, be backend) *benchEnv {
	ctx := context.Background()
	d := newDeployment(b, be)
	opToken := d.operatorKey()
	n := d.start("bench", nodeOptions{logLevel: "warn"})
	c, _ := newTenant(ctx, b, n, n.client(opToken), "bench", testDecl(b))
	env := &benchEnv{c: c}
	for i := range benchSubjects {
		id := fmt.Sprintf("bench-%02d", i)
		if _, err := c.PutSubject(ctx, id, client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
			b.Fatalf("PutSubject: %v", err)
		}
		// The first record of a subject makes its data key: not part of
		// the steady state measured.
		if _, err := c.Collect(ctx, id, []client.NewRecord{{Field: "email", Purpose: "account", Value: "warm@example.com"}}); err != nil {
			b.Fatalf("Collect (warm-up): %v", err)
		}
		env.subjects = append(env.subjects, id)
	}
	return env
}

// run sends b.N requests of recs from parallelism×GOMAXPROCS concurrent
// clients and reports throughput and latency.
func (env *benchEnv) run(b *testing.B, parallelism int, recs []client.NewRecord) {
	ctx := context.Background()
	var (
		mu   sync.Mutex
		lats []time.Duration
		next atomic.Int64
	)
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 4096)
		defer func() {
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}()
		for pb.Next() {
			subj := env.subjects[int(next.Add(1))%len(env.subjects)]
			start := time.Now()
			ids, err := env.c.Collect(ctx, subj, recs)
			local = append(local, time.Since(start))
			if err != nil {
				b.Errorf("Collect: %v", err)
				return
			}
			if len(ids) != len(recs) {
				b.Errorf("Collect returned %d ids for %d records", len(ids), len(recs))
				return
			}
		}
	})
	b.StopTimer()
	reportLoad(b, b.Elapsed(), lats, len(recs))
}

// reportLoad reports req/s, records/s and latency percentiles.
func reportLoad(b *testing.B, elapsed time.Duration, lats []time.Duration, perReq int) {
	if len(lats) == 0 || elapsed <= 0 {
		return
	}
	slices.Sort(lats)
	sec := elapsed.Seconds()
	b.ReportMetric(float64(len(lats))/sec, "req/s")
	b.ReportMetric(float64(len(lats)*perReq)/sec, "records/s")
	b.ReportMetric(ms(percentile(lats, 0.50)), "p50_ms")
	b.ReportMetric(ms(percentile(lats, 0.99)), "p99_ms")
}

// percentile returns the p-quantile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
