package vault_test

import (
	"context"
	"testing"

	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// TestPutRecordsCachedKey covers PutRecords skipping its subject read when
// the subject's data key is cached: a node that cached alice's key before
// another node erased her is still refused with ErrErased and stores
// nothing, because the write transaction checks the subject again; and a
// subject that does not exist still gets no data key.
func TestPutRecordsCachedKey(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		nodeB := openVault(t, f.o)
		f.put(t, "t1", "alice", values(1, "nickname")...)
		if _, err := nodeB.PutRecords(ctx, actor, "t1", "alice", values(1, "nickname")); err != nil {
			t.Fatal(err) // caches alice's key on node B
		}
		if !nodeB.Keys().HasSubjectKey("t1", "alice") {
			t.Fatal("node B did not cache alice's key")
		}
		if _, err := f.v.Shred(ctx, actor, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		before := len(entries(t, f.v))
		_, err := nodeB.PutRecords(ctx, actor, "t1", "alice", values(2, "nickname"))
		wantErr(t, err, vault.ErrErased)
		if c := count(t, f.v, "t1", "alice"); c != 0 {
			t.Errorf("%d records stored for an erased subject", c)
		}
		if after := len(entries(t, f.v)); after != before {
			t.Errorf("the refused put appended %d audit entries", after-before)
		}

		// Unknown subject: refused before any key is made.
		_, err = nodeB.PutRecords(ctx, actor, "t1", "nobody", values(1, "nickname"))
		wantErr(t, err, store.ErrNotFound)
		if nodeB.Keys().HasSubjectKey("t1", "nobody") {
			t.Error("a data key was made for a subject that does not exist")
		}
		if ok, err := nodeB.Keys().Shredded(ctx, "t1", "nobody"); err != nil || ok {
			t.Errorf("Shredded(nobody) = %v, %v", ok, err)
		}
		verifyOK(t, f.v)
	})
}
