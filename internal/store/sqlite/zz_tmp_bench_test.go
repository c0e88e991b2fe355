package sqlite_test

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"testing"

	"github.com/google/uuid"
	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func bi(i int) []byte {
	out := make([]byte, 16)
	binary.BigEndian.PutUint64(out, uint64(i)*0x9E3779B97F4A7C15)
	binary.BigEndian.PutUint64(out[8:], uint64(i))
	return out
}

func BenchmarkTmpLookup(b *testing.B) {
	ctx := context.Background()
	s := open(b, clock.NewFake(storetest.Epoch)).(*sqlite.Store)
	s.Write(ctx, func(tx store.Tx) error {
		tx.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "t", Kind: store.KindController})
		tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "alice"})
		_, err := tx.Audit(ctx, audit.Entry{Actor: "x", Action: "y"})
		return err
	})
	ct := make([]byte, 64)
	rand.Read(ct)
	for start := 0; start < 20000; start += 1000 {
		recs := make([]store.Record, 1000)
		for i := range recs {
			recs[i] = store.Record{Tenant: "t1", ID: uuid.Must(uuid.NewV7()).String(), Subject: "alice", Field: "phone", Purpose: "service", Ciphertext: ct, Index: bi(start + i)}
		}
		if err := s.Write(ctx, func(tx store.Tx) error {
			if err := tx.InsertRecords(ctx, recs); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Actor: "x", Action: "y"})
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 7919) % 20000
			rs, _, err := s.LookupIndex(ctx, "t1", "phone", bi(i), store.Page{Limit: 10})
			if err != nil || len(rs) != 1 {
				b.Fatal(err, len(rs))
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i = (i + 7919) % 20000
				rs, _, err := s.LookupIndex(ctx, "t1", "phone", bi(i), store.Page{Limit: 10})
				if err != nil || len(rs) != 1 {
					b.Fatal(err, len(rs))
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}
