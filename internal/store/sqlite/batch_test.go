package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

// TestInsertRecordsOneStatementAtomic covers the batches InsertRecords
// writes as one statement, without a savepoint (every size up to 32, and
// 64 and 128): one bad record, first, in the middle or last, stores none
// of the batch, and the transaction stays usable. Sizes written as several
// statements are covered by the conformance tests.
func TestInsertRecordsOneStatementAtomic(t *testing.T) {
	ctx := context.Background()
	s := open(t, clock.NewFake(storetest.Epoch))
	if err := s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "T1", Kind: store.KindController}); err != nil {
			return err
		}
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "alice"}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "test.seed"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seq := 0
	rec := func(subject string) store.Record {
		seq++
		id := fmt.Sprintf("00000000-0000-7000-8000-%012d", seq)
		return store.Record{Tenant: "t1", ID: id, Subject: subject, Field: "email", Purpose: "service",
			Ciphertext: []byte("sealed:" + id), Index: []byte("ix")}
	}
	var stored []store.Record
	if err := s.Write(ctx, func(tx store.Tx) error {
		stored = []store.Record{rec("alice")}
		if err := tx.InsertRecords(ctx, stored); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "record.create"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := 1
	for _, n := range []int{1, 2, 3, 7, 31, 32, 64, 128} {
		for _, at := range []int{0, n / 2, n - 1} {
			for _, bad := range []struct {
				name string
				rec  func() store.Record
				want error
			}{
				{"duplicate id", func() store.Record { return stored[0] }, store.ErrConflict},
				{"missing subject", func() store.Record { return rec("ghost") }, store.ErrNotFound},
			} {
				batch := make([]store.Record, n)
				for i := range batch {
					batch[i] = rec("alice")
				}
				batch[at] = bad.rec()
				err := s.Write(ctx, func(tx store.Tx) error {
					if err := tx.InsertRecords(ctx, batch); !errors.Is(err, bad.want) {
						t.Errorf("%d records, %s at %d: InsertRecords = %v, want %v", n, bad.name, at, err, bad.want)
					}
					got, err := tx.CountRecords(ctx, "t1", store.RecordFilter{})
					if err != nil {
						return err
					}
					if got != int64(want) {
						t.Errorf("%d records, %s at %d: %d records in the transaction after the failed batch, want %d", n, bad.name, at, got, want)
					}
					// The transaction is still usable.
					if err := tx.InsertRecords(ctx, []store.Record{rec("alice")}); err != nil {
						return err
					}
					_, err = tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "record.create"})
					return err
				})
				if err != nil {
					t.Fatalf("%d records, %s at %d: %v", n, bad.name, at, err)
				}
				want++
			}
		}
	}
	if err := s.Read(ctx, func(r store.Reader) error {
		got, err := r.CountRecords(ctx, "t1", store.RecordFilter{})
		if err == nil && got != int64(want) {
			t.Errorf("%d records stored, want %d", got, want)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
