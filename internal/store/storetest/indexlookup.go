package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// IndexLookup is the optional fast path of FindRecordsByIndex that both
// backends offer outside a transaction.
type IndexLookup interface {
	store.Store
	LookupIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error)
}

// RunIndexLookup checks a backend's LookupIndex the fast path against the transactional reader:
// the same records, in the same pages, scoped to the tenant, and the same
// argument checks.
func RunIndexLookup(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t, clock.NewFake(Epoch))
	s, ok := st.(IndexLookup)
	if !ok {
		t.Skipf("%T has no LookupIndex fast path", st)
	}
	idx, other := []byte("0123456789abcdef"), []byte("fedcba9876543210")
	var want []string
	err := s.Write(ctx, func(tx store.Tx) error {
		for _, tn := range []string{"t1", "t2"} {
			if _, err := tx.CreateTenant(ctx, store.Tenant{ID: tn, Name: tn, Kind: store.KindController}); err != nil {
				return err
			}
			for _, sub := range []string{"alice", "bob"} {
				if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: tn, ID: sub}); err != nil {
					return err
				}
			}
		}
		var recs []store.Record
		for i := range 7 {
			id := uuid.Must(uuid.NewV7()).String()
			r := store.Record{Tenant: "t1", ID: id, Subject: []string{"alice", "bob"}[i%2], Field: "email", Purpose: "login",
				Ciphertext: []byte("sealed"), Index: idx}
			switch i {
			case 3:
				r.Index = other
			case 4:
				r.Field = "phone"
			case 5:
				r.Tenant = "t2"
			default:
				want = append(want, id)
			}
			recs = append(recs, r)
		}
		if err := tx.InsertRecords(ctx, recs); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Actor: "system:test", Action: "test.seed"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	var p store.Page
	for {
		rs, next, err := s.LookupIndex(ctx, "t1", "email", idx, store.Page{After: p.After, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		var fromReader []store.Record
		var nextReader string
		err = s.Read(ctx, func(r store.Reader) error {
			var err error
			fromReader, nextReader, err = r.FindRecordsByIndex(ctx, "t1", "email", idx, store.Page{After: p.After, Limit: 2})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if next != nextReader || len(rs) != len(fromReader) {
			t.Fatalf("page after %q: fast path %d records, next %q; reader %d, next %q", p.After, len(rs), next, len(fromReader), nextReader)
		}
		for i, r := range rs {
			w := fromReader[i]
			if r.ID != w.ID || r.Subject != w.Subject || r.Tenant != "t1" || r.Field != "email" || r.Ciphertext != nil || r.Index != nil {
				t.Errorf("record %d: %+v, reader %+v", i, r, w)
			}
			got = append(got, r.ID)
		}
		if next == "" {
			break
		}
		p.After = next
	}
	if !slices.Equal(got, want) {
		t.Errorf("found %v, want %v", got, want)
	}
	if rs, _, err := s.LookupIndex(ctx, "t2", "phone", idx, store.Page{}); err != nil || len(rs) != 0 {
		t.Errorf("t2 phone: %d, %v", len(rs), err)
	}
	for _, c := range []struct {
		tenant string
		index  []byte
		p      store.Page
	}{
		{"", idx, store.Page{}},
		{"t1", nil, store.Page{}},
		{"t1", make([]byte, store.MaxIndexLen+1), store.Page{}},
		{"t1", idx, store.Page{After: "not-a-uuid"}},
		{"t1", idx, store.Page{Limit: store.MaxLimit + 1}},
	} {
		if _, _, err := s.LookupIndex(ctx, c.tenant, "email", c.index, c.p); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("LookupIndex(%q, %d-byte index, %+v): %v, want ErrInvalid", c.tenant, len(c.index), c.p, err)
		}
	}
}
