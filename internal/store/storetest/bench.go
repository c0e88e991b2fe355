package storetest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// BenchInsertRecords measures InsertRecords: each iteration is one
// transaction storing batch records of 64-byte ciphertext (each with a
// distinct 16-byte blind index when indexed), plus its audit entry. It
// reports records/s.
func BenchInsertRecords(b *testing.B, open Opener, batch int, indexed bool) {
	ctx := context.Background()
	s := open(b, clock.NewFake(Epoch))
	seed(b, s, "t1", "alice")
	ct := make([]byte, 64)
	rand.Read(ct)
	recs := make([]store.Record, batch)
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i := range recs {
			recs[i] = store.Record{Tenant: "t1", ID: newID(b), Subject: "alice", Field: "phone", Purpose: "service",
				Ciphertext: ct, Region: "cn-north"}
			if indexed {
				recs[i].Index = blindIndex(n + i)
			}
		}
		b.StartTimer()
		err := s.Write(ctx, func(tx store.Tx) error {
			if err := tx.InsertRecords(ctx, recs); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "system:bench", Action: "record.create",
				Details: map[string]string{"count": fmt.Sprint(len(recs))}})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchFindByIndex measures FindRecordsByIndex over 20,000 indexed
// records: each iteration is one Read with one lookup. It reports
// lookups/s.
func BenchFindByIndex(b *testing.B, open Opener) {
	ctx := context.Background()
	s := open(b, clock.NewFake(Epoch))
	seed(b, s, "t1", "alice")
	const total = 20000
	ct := make([]byte, 64)
	for start := 0; start < total; start += 1000 {
		recs := make([]store.Record, 1000)
		for i := range recs {
			recs[i] = store.Record{Tenant: "t1", ID: newID(b), Subject: "alice", Field: "phone", Purpose: "service",
				Ciphertext: ct, Index: blindIndex(start + i)}
		}
		write(b, s, func(tx store.Tx) error { return tx.InsertRecords(ctx, recs) })
	}
	i := 0
	for b.Loop() {
		i = (i + 7919) % total
		err := s.Read(ctx, func(r store.Reader) error {
			rs, _, err := r.FindRecordsByIndex(ctx, "t1", "phone", blindIndex(i), store.Page{Limit: 10})
			if err == nil && len(rs) != 1 {
				err = fmt.Errorf("found %d records", len(rs))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchAuditAppend measures Tx.Audit: each iteration is one transaction
// appending batch entries. It reports entries/s.
func BenchAuditAppend(b *testing.B, open Opener, batch int) {
	ctx := context.Background()
	s := open(b, clock.NewFake(Epoch))
	es := make([]audit.Entry, batch)
	for i := range es {
		es[i] = audit.Entry{Tenant: "t1", Actor: "apikey:k1", Action: "record.read", ObjectType: "record",
			ObjectID: "0190f5c2-8e4b-7c3a-9d2e-4f5a6b7c8d9e", Subject: "alice", Fields: []string{"phone"},
			Details: map[string]string{"purpose": "service"}}
	}
	for b.Loop() {
		err := s.Write(ctx, func(tx store.Tx) error {
			_, err := tx.Audit(ctx, es...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "entries/s")
}

// blindIndex returns a distinct 16-byte index for i.
func blindIndex(i int) []byte {
	out := make([]byte, 16)
	binary.BigEndian.PutUint64(out, uint64(i)*0x9E3779B97F4A7C15)
	binary.BigEndian.PutUint64(out[8:], uint64(i))
	return out
}
