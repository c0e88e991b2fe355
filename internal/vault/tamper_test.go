package vault_test

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
)

// TestTamper edits the audit log directly in the database, as an attacker
// with database access would (dropping the append-only triggers first),
// and checks that Verify finds each edit and names where it is.
func TestTamper(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		for _, c := range []struct {
			name   string
			tamper func(t *testing.T, f *fixture, es []audit.StoredEntry, seq int64)
			kinds  []audit.ProblemKind
		}{
			{"edit", func(t *testing.T, f *fixture, _ []audit.StoredEntry, seq int64) {
				f.raw.exec(t, "UPDATE audit_entries SET actor = 'apikey:someone-else' WHERE seq = ?", seq)
			}, []audit.ProblemKind{audit.Altered}},
			{"delete", func(t *testing.T, f *fixture, _ []audit.StoredEntry, seq int64) {
				f.raw.exec(t, "DELETE FROM audit_entries WHERE seq = ?", seq)
			}, []audit.ProblemKind{audit.Removed}},
			{"swap", func(t *testing.T, f *fixture, _ []audit.StoredEntry, seq int64) {
				f.raw.exec(t, "UPDATE audit_entries SET seq = -1 WHERE seq = ?", seq)
				f.raw.exec(t, "UPDATE audit_entries SET seq = ? WHERE seq = ?", seq, seq+1)
				f.raw.exec(t, "UPDATE audit_entries SET seq = ? WHERE seq = -1", seq+1)
			}, []audit.ProblemKind{audit.Reordered, audit.Altered}},
			{"edit and rehash", func(t *testing.T, f *fixture, es []audit.StoredEntry, seq int64) {
				e := es[seq].Entry
				e.Actor = "apikey:someone-else"
				leaf := e.LeafHash()
				f.raw.exec(t, "UPDATE audit_entries SET actor = ?, leaf = ? WHERE seq = ?", e.Actor, leaf[:], seq)
			}, []audit.ProblemKind{audit.RootMismatch}},
		} {
			t.Run(c.name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixture(t, b)
				for range 3 {
					f.put(t, "t1", "alice", values(4, "nickname")...)
				}
				if _, err := f.all(t, "t1", "alice"); err != nil {
					t.Fatal(err)
				}
				verifyOK(t, f.v) // checkpoint
				f.put(t, "t1", "bob", values(2, "nickname")...)
				es := entries(t, f.v)
				const seq = 5 // covered by the checkpoint
				if int64(len(es)) < seq+3 {
					t.Fatalf("only %d entries", len(es))
				}

				// The store refuses the edit until its triggers are gone.
				db := f.raw.open(t)
				if _, err := db.Exec(f.raw.rebind("UPDATE audit_entries SET actor = 'x' WHERE seq = ?"), seq); err == nil {
					t.Fatal("audit_entries accepted an UPDATE")
				}
				if _, err := db.Exec(f.raw.rebind("DELETE FROM audit_entries WHERE seq = ?"), seq); err == nil {
					t.Fatal("audit_entries accepted a DELETE")
				}
				f.raw.disableAuditTriggers(t)
				c.tamper(t, f, es, seq)

				rep, err := f.v.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK || rep.Problem == nil {
					t.Fatalf("Verify after %s: %v", c.name, rep)
				}
				p := rep.Problem
				ok := false
				for _, k := range c.kinds {
					ok = ok || p.Kind == k
				}
				if !ok {
					t.Errorf("problem %s, want one of %v", p.Kind, c.kinds)
				}
				if p.Kind == audit.RootMismatch {
					if seq < p.From || seq > p.To {
						t.Errorf("root mismatch over %d..%d, does not cover %d", p.From, p.To, seq)
					}
				} else if p.Seq != seq {
					t.Errorf("problem at seq %d, want %d: %v", p.Seq, seq, p)
				}
				if rep.Entries != seq && p.Kind != audit.RootMismatch {
					t.Errorf("report counts %d good entries, want %d", rep.Entries, seq)
				}
				t.Logf("%s: %v (leaf %s…)", c.name, rep, hex.EncodeToString(es[seq].Leaf[:4]))
			})
		}
	})
}
