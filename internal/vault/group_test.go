package vault_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// TestGroupCommit runs many small writes at once, so that they share
// transactions, with members that fail inside the shared transaction: one
// whose subject does not exist (left out of the group) and one whose
// record id is taken (the group is retried member by member). Each failing
// member gets its own error and leaves nothing; every other member is
// stored with its own audit entry, and the log verifies.
func TestGroupCommit(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		f := newFixture(t, b)
		ctx := context.Background()
		taken := f.put(t, "t1", "alice", mixedBatch(1, 0)...)[0]
		before := len(entries(t, f.v))

		const n = 200
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			subject, id := []string{"alice", "bob"}[i%2], fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
			switch i {
			case 17:
				subject = "ghost"
			case 101:
				id = taken
			}
			rec := store.Record{Tenant: "t1", ID: id, Subject: subject, Field: "note", Purpose: "service", Ciphertext: []byte("x")}
			entry := audit.Entry{Tenant: "t1", Actor: actor, Action: "record.create", ObjectType: "record", ObjectID: id, Subject: subject}
			wg.Go(func() { errs[i] = f.v.CommitRecords(ctx, "t1", subject, []store.Record{rec}, entry) })
		}
		wg.Wait()
		for i, err := range errs {
			switch i {
			case 17:
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("member of an unknown subject: %v, want ErrNotFound", err)
				}
			case 101:
				if !errors.Is(err, store.ErrConflict) {
					t.Errorf("member with a taken id: %v, want ErrConflict", err)
				}
			default:
				if err != nil {
					t.Errorf("member %d: %v", i, err)
				}
			}
		}
		if got := len(entries(t, f.v)) - before; got != n-2 {
			t.Errorf("%d audit entries, want %d", got, n-2)
		}
		var stored int
		if err := f.raw.queryRow(t, "SELECT count(*) FROM records WHERE tenant = ?", "t1").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if want := n - 2 + 1; stored != want { // + the taken one
			t.Errorf("%d records stored, want %d", stored, want)
		}
		verifyOK(t, f.v)
	})
}
