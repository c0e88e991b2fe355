package retention_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/retention"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// benchSubjects is how many subjects the benchmarks spread records over.
const benchSubjects = 1000

// benchVault opens a SQLite vault with tenant t1 and its subjects.
func benchVault(b *testing.B) *vault.Vault {
	ctx := context.Background()
	v := openVault(b, "sqlite", clock.NewFake(now))
	if _, err := v.CreateTenant(ctx, "bench", store.Tenant{ID: "t1", Name: "Bench", Kind: store.KindController}); err != nil {
		b.Fatal(err)
	}
	err := v.Store().Write(ctx, func(tx store.Tx) error {
		for i := range benchSubjects {
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "s" + strconv.Itoa(i)}); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "bench", Action: "subject.create", ObjectType: "subject"})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// seedRecords stores n cloud_video records collected 8 days before now,
// round-robin over the subjects, straight into the store (the sweep never
// opens a value, so the ciphertext is a placeholder).
func seedRecords(b *testing.B, v *vault.Vault, n int) {
	ctx := context.Background()
	at := now.AddDate(0, 0, -8)
	for done := 0; done < n; {
		k := min(n-done, 10_000)
		recs := make([]store.Record, k)
		for i := range recs {
			recs[i] = store.Record{Tenant: "t1", ID: uuid.Must(uuid.NewV7()).String(), Subject: "s" + strconv.Itoa((done+i)%benchSubjects),
				Field: "cloud_video", Purpose: "cloud_storage", CollectedAt: at, Ciphertext: []byte("sealed-placeholder-32-bytes-long")}
		}
		err := v.Store().Write(ctx, func(tx store.Tx) error {
			if err := tx.InsertRecords(ctx, recs); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "bench", Action: "record.create", ObjectType: "record"})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		done += k
	}
}

// benchDecl is a declaration with one rule: cloud_video kept 7 days.
func benchDecl() *policy.Declaration {
	return &policy.Declaration{
		Fields:    []policy.Field{{ID: "cloud_video", Category: "surveillance_video"}},
		Retention: []policy.RetentionRule{{ID: "cloud-video-7-days", Fields: []string{"cloud_video"}, Duration: policy.Period{N: 7, Unit: policy.Days}, Trigger: policy.TriggerCollected, Action: "delete"}},
	}
}

// BenchmarkSweepSQLite measures sweep throughput (plan included) over
// 100,000 due records per iteration, in batches of 5,000.
func BenchmarkSweepSQLite(b *testing.B) {
	const n = 100_000
	v := benchVault(b)
	decl := benchDecl()
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		seedRecords(b, v, n)
		b.StartTimer()
		start := time.Now()
		res, err := retention.Sweep(context.Background(), v, decl, "t1", now, retention.DefaultBatch)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deleted != n {
			b.Fatalf("deleted %d, want %d", res.Deleted, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "records/s")
}

// BenchmarkPlan1M measures a dry run over 1,000,000 due records on SQLite.
func BenchmarkPlan1M(b *testing.B) {
	const n = 1_000_000
	v := benchVault(b)
	seedRecords(b, v, n)
	decl := benchDecl()
	for b.Loop() {
		items, err := retention.Plan(context.Background(), v.Store(), decl, "t1", now)
		if err != nil {
			b.Fatal(err)
		}
		if len(items) != benchSubjects {
			b.Fatalf("%d items, want one per subject", len(items))
		}
	}
}
