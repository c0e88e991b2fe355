package vault_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// benchBackends runs body on every backend; PostgreSQL skips when it does
// not answer.
func benchBackends(b *testing.B, body func(b *testing.B, be backend)) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { body(b, be) })
	}
}

// mixedBatch returns a batch of n values starting at serial: 90% not
// indexed (a 32-byte note), 5% e-mail addresses and 5% phone numbers,
// each indexed, all distinct.
func mixedBatch(n, serial int) []vault.Value {
	vals := make([]vault.Value, n)
	for i := range vals {
		k := serial + i
		switch i % 20 {
		case 0:
			vals[i] = vault.Value{Field: "email", Purpose: "login", Plain: fmt.Appendf(nil, "user%d@example.com", k), Lookup: keys.NormEmail}
		case 10:
			vals[i] = vault.Value{Field: "phone", Purpose: "login", Plain: fmt.Appendf(nil, "+86139%08d", k%100_000_000), Lookup: keys.NormPhone}
		default:
			vals[i] = vault.Value{Field: "note", Purpose: "service", Plain: fmt.Appendf(nil, "a note of thirty-two bytes %06d", k%1_000_000)}
		}
	}
	return vals
}

// BenchmarkPutRecords stores batches of 1000 encrypted records (90% not
// indexed, 10% with a blind index), each batch one transaction with its
// audit entry. It reports records/s.
func BenchmarkPutRecords(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		ctx := context.Background()
		f := newFixture(b, be)
		const batch = 1000
		serial := 0
		for b.Loop() {
			b.StopTimer()
			vals := mixedBatch(batch, serial)
			serial += batch
			b.StartTimer()
			if _, err := f.v.PutRecords(ctx, actor, "t1", "alice", vals); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkFindByIndex looks up e-mail addresses among 20,000 indexed
// records: normalise, blind index, one query. It reports lookups/s, from
// one goroutine and from 4×GOMAXPROCS.
func BenchmarkFindByIndex(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		ctx := context.Background()
		f := newFixture(b, be)
		const total = 20_000
		for start := 0; start < total; start += 1000 {
			vals := make([]vault.Value, 1000)
			for i := range vals {
				vals[i] = vault.Value{Field: "email", Purpose: "login", Plain: fmt.Appendf(nil, "user%d@example.com", start+i), Lookup: keys.NormEmail}
			}
			f.put(b, "t1", []string{"alice", "bob"}[start/1000%2], vals...)
		}
		find := func(i int) {
			ms, _, err := f.v.FindByIndex(ctx, "t1", "email", keys.NormEmail, fmt.Sprintf("User%d@Example.com", i), store.Page{Limit: 10})
			if err != nil || len(ms) != 1 {
				b.Fatalf("found %d, %v", len(ms), err)
			}
		}
		b.Run("serial", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i = (i + 7919) % total
				find(i)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
		b.Run("parallel", func(b *testing.B) {
			b.SetParallelism(4) // 4×GOMAXPROCS goroutines: PostgreSQL's round trips overlap
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i = (i + 7919) % total
					find(i)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
	})
}

// BenchmarkShred measures the time to unreadable: the transaction that
// marks the subject erased, with its audit entry, and the destruction of
// its data key; not the purge that follows. Each iteration first stores
// the subject's records (not timed: the benchmark's own timer covers the
// erasure only, and ns/op reports it; p50-ns/op is its median, steadier on
// a busy machine), so that each shred really has 10, 10,000 or 100,000
// records behind it. Run it with -benchtime=10x: each iteration of the
// largest stores 100,000 records first.
func BenchmarkShred(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		for _, n := range []int{10, 10_000, 100_000} {
			b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
				ctx := context.Background()
				f := newFixture(b, be)
				vals := mixedBatch(min(n, 10_000), 0)
				var erase time.Duration
				var each []time.Duration
				i := 0
				for b.Loop() {
					subject := fmt.Sprintf("s%d", i)
					i++
					if _, err := f.v.CreateSubject(ctx, actor, store.Subject{Tenant: "t1", ID: subject}); err != nil {
						b.Fatal(err)
					}
					for stored := 0; stored < n; stored += len(vals) {
						f.put(b, "t1", subject, vals...)
					}
					settle(b, f, subject+"-warm")
					start := time.Now()
					if err := f.v.Erase(ctx, actor, "t1", subject); err != nil {
						b.Fatal(err)
					}
					d := time.Since(start)
					erase += d
					each = append(each, d)
				}
				slices.Sort(each)
				b.ReportMetric(float64(erase.Nanoseconds())/float64(b.N), "ns/op")
				b.ReportMetric(float64(each[len(each)/2].Nanoseconds()), "p50-ns/op")
			})
		}
	})
}

// settle lets the machine catch up with the set-up's writes before the
// erasure is timed, so that the figure is the erasure's own cost and not
// the tail of the 10,000 or 100,000 inserts just before it: the database
// checkpoints its WAL (SQLite: a long WAL slows every page lookup until
// the next checkpoint), dirty pages are written back (the key store
// commits with fsync, which on ext4 also waits for other files' pending
// data), the set-up's garbage is collected, and a throwaway subject is
// created and erased first, so that the first writes after all this (on
// the data database and on the key store) are not the ones timed.
func settle(b *testing.B, f *fixture, warm string) {
	if f.raw.name == "sqlite" {
		f.raw.exec(b, "PRAGMA wal_checkpoint(TRUNCATE)")
	} else {
		f.raw.exec(b, "CHECKPOINT")
	}
	syscall.Sync()
	runtime.GC()
	ctx := context.Background()
	if _, err := f.v.CreateSubject(ctx, actor, store.Subject{Tenant: "t1", ID: warm}); err != nil {
		b.Fatal(err)
	}
	if err := f.v.Erase(ctx, actor, "t1", warm); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAuditAppend appends audit entries in transactions of 100 (and
// of 1, for comparison) through the vault's store. It reports entries/s.
func BenchmarkAuditAppend(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		for _, batch := range []int{100, 1} {
			b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
				ctx := context.Background()
				o, _ := be.setup(b)
				v := openVault(b, o)
				es := make([]audit.Entry, batch)
				for i := range es {
					es[i] = audit.Entry{Tenant: "t1", Actor: "apikey:k1", Action: "record.read", ObjectType: "record",
						Subject: "alice", Fields: []string{"email", "phone"},
						Details: map[string]string{"reason": "support", "count": "2", "ids_sha256": vault.IDsDigest([]string{"a", "b"})}}
				}
				for b.Loop() {
					err := v.Store().Write(ctx, func(tx store.Tx) error {
						_, err := tx.Audit(ctx, es...)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	})
}
