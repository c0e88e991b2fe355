package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// testConcurrentWriters: 8 goroutines × 200 transactions, each creating a
// subject and a record and auditing both: everything is stored, and the
// audit log is numbered 0..N-1 without gaps or repeats.
func testConcurrentWriters(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	base := auditSize(t, s)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%03d", w, i)
				r := rec(t, "t1", id, "phone", "")
				err := s.Write(ctx, func(tx store.Tx) error {
					if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: id}); err != nil {
						return err
					}
					if err := tx.InsertRecords(ctx, []store.Record{r}); err != nil {
						return err
					}
					e1, e2 := testAudit("subject.create"), testAudit("record.create")
					e1.Tenant, e1.Subject, e2.Tenant, e2.Subject, e2.ObjectID = "t1", id, "t1", id, r.ID
					got, err := tx.Audit(ctx, e1, e2)
					if err == nil && got[1].Seq != got[0].Seq+1 {
						err = fmt.Errorf("one Audit call got Seq %d then %d", got[0].Seq, got[1].Seq)
					}
					return err
				})
				if err != nil {
					errs <- fmt.Errorf("worker %d, write %d: %w", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		n, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		eq(t, "subjects", n, workers*each)
		if err != nil {
			return err
		}
		n, err = r.CountRecords(ctx, "t1", store.RecordFilter{})
		eq(t, "records", n, workers*each)
		return err
	})
	es := checkContiguous(t, s)
	eq(t, "audit entries", int64(len(es)), base+2*workers*each)
	// The two entries of each transaction are adjacent.
	for i := int(base); i < len(es); i += 2 {
		if es[i].Action != "subject.create" || es[i+1].Action != "record.create" || es[i].Subject != es[i+1].Subject {
			t.Fatalf("entries %d and %d are not one transaction's pair: %+v %+v", i, i+1, es[i].Entry, es[i+1].Entry)
		}
	}
}

// testAtomicity: a transaction whose function fails (or panics) after
// inserting data and appending audit entries leaves nothing behind: no
// data, no entries, and the next entry takes the sequence number the
// failed one would have had.
func testAtomicity(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	size := auditSize(t, s)
	before := viewOf(t, s, "t1")
	boom := errors.New("boom")

	fill := func(tx store.Tx) {
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "bob"}); err != nil {
			t.Fatal(err)
		}
		recs := make([]store.Record, 100)
		for i := range recs {
			recs[i] = rec(t, "t1", "bob", "phone", "x")
		}
		if err := tx.InsertRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: "bob", Purpose: "ads",
			DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant}); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.SetSubjectStatus(ctx, "t1", "alice", store.StatusErased); err != nil {
			t.Fatal(err)
		}
		got, err := tx.Audit(ctx, testAudit("a"), testAudit("b"), testAudit("c"))
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "first Seq inside the transaction", got[0].Seq, size)
		n, err := tx.CountRecords(ctx, "t1", store.RecordFilter{})
		eq(t, "records seen inside the transaction", n, 100)
		if err != nil {
			t.Fatal(err)
		}
	}

	err := s.Write(ctx, func(tx store.Tx) error {
		fill(tx)
		return boom
	})
	mustErr(t, err, boom, "Write returning an error")

	func() {
		defer func() {
			if r := recover(); r != "panic in fn" {
				t.Fatalf("recovered %v, want the function's panic", r)
			}
		}()
		s.Write(ctx, func(tx store.Tx) error {
			fill(tx)
			panic("panic in fn")
		})
	}()

	eq(t, "audit size", auditSize(t, s), size)
	if after := viewOf(t, s, "t1"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("data changed by failed transactions:\nbefore %+v\nafter  %+v", before, after)
	}
	write(t, s, func(tx store.Tx) error { return nil }) // appends one entry
	es := checkContiguous(t, s)
	eq(t, "next Seq", es[len(es)-1].Seq, size)
}

// testUnaudited: a transaction that changes data without an audit entry is
// rolled back with ErrUnaudited, whatever changed and even if fn returns
// nil; one that only reads or audits is fine.
func testUnaudited(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	size := auditSize(t, s)
	r := rec(t, "t1", "alice", "phone", "")
	write(t, s, func(tx store.Tx) error { return tx.InsertRecords(ctx, []store.Record{r}) })
	blob := store.BlobMeta{Tenant: "t1", ID: "b1", Subject: "alice", Field: "video", Purpose: "p", ObjectKey: "k"}
	write(t, s, func(tx store.Tx) error { _, err := tx.CreateBlob(ctx, blob); return err })
	req := store.Request{Tenant: "t1", ID: "r1", Subject: "alice", Type: "access", State: "new"}
	write(t, s, func(tx store.Tx) error { _, err := tx.CreateRequest(ctx, req); return err })
	size += 3
	size += unauditedAccessSetup(t, s)
	size += unauditedRightsSetup(t, s)
	before := viewOf(t, s, "t1")

	mutations := map[string]func(tx store.Tx) error{
		"CreateTenant": func(tx store.Tx) error {
			_, err := tx.CreateTenant(ctx, store.Tenant{ID: "t2", Name: "x", Kind: store.KindController})
			return err
		},
		"CreateSubject": func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "bob"})
			return err
		},
		"SetSubjectStatus": func(tx store.Tx) error {
			_, err := tx.SetSubjectStatus(ctx, "t1", "alice", store.StatusErased)
			return err
		},
		"InsertRecords": func(tx store.Tx) error {
			return tx.InsertRecords(ctx, []store.Record{rec(t, "t1", "alice", "phone", "")})
		},
		"DeleteRecords": func(tx store.Tx) error {
			_, err := tx.DeleteRecords(ctx, "t1", []string{r.ID})
			return err
		},
		"DeleteSubjectRecords": func(tx store.Tx) error {
			_, err := tx.DeleteSubjectRecords(ctx, "t1", "alice")
			return err
		},
		"CreateBlob": func(tx store.Tx) error {
			b := blob
			b.ID = "b2"
			_, err := tx.CreateBlob(ctx, b)
			return err
		},
		"DeleteBlob": func(tx store.Tx) error { return tx.DeleteBlob(ctx, "t1", "b1") },
		"AppendConsent": func(tx store.Tx) error {
			_, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: "alice", Purpose: "ads",
				DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant})
			return err
		},
		"CreateRequest": func(tx store.Tx) error {
			q := req
			q.ID = "r2"
			_, err := tx.CreateRequest(ctx, q)
			return err
		},
		"UpdateRequest": func(tx store.Tx) error {
			q := req
			q.State = "done"
			_, err := tx.UpdateRequest(ctx, q)
			return err
		},
	}
	maps.Copy(mutations, accessMutations(ctx))
	maps.Copy(mutations, rightsMutations(ctx))
	checkMutationsCovered(t, mutations)
	for name, m := range mutations {
		err := s.Write(ctx, func(tx store.Tx) error { return m(tx) })
		mustErr(t, err, store.ErrUnaudited, name+" without audit")
	}
	eq(t, "audit size", auditSize(t, s), size)
	if after := viewOf(t, s, "t1"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("unaudited transactions changed data:\nbefore %+v\nafter  %+v", before, after)
	}
	read(t, s, func(r store.Reader) error {
		_, err := r.GetTenant(ctx, "t2")
		mustErr(t, err, store.ErrNotFound, "tenant of an unaudited transaction")
		return nil
	})
	checkUnauditedAccess(t, s)

	// Reading, failing to find, deleting nothing: no change, no audit needed.
	err := s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.GetSubject(ctx, "t1", "alice"); err != nil {
			return err
		}
		if err := tx.DeleteBlob(ctx, "t1", "no-such-blob"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("DeleteBlob(missing) = %v", err)
		}
		n, err := tx.DeleteSubjectRecords(ctx, "t1", "nobody")
		if n != 0 {
			return fmt.Errorf("deleted %d", n)
		}
		return err
	})
	if err != nil {
		t.Fatalf("read-only Write: %v", err)
	}
	// Auditing a read alone is allowed.
	err = s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.Audit(ctx, testAudit("record.read"))
		return err
	})
	if err != nil {
		t.Fatalf("audit-only Write: %v", err)
	}
	eq(t, "audit size", auditSize(t, s), size+1)
}

// testBrokenTx: after an error the transaction cannot survive (here, its
// context is cancelled), every later call fails and Write rolls back even
// if fn ignores the error and returns nil.
func testBrokenTx(t *testing.T, s store.Store, clk *clock.Fake) {
	seed(t, s, "t1")
	size := auditSize(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "alice"}); err != nil {
			return err
		}
		if _, err := tx.Audit(ctx, testAudit("subject.create")); err != nil {
			return err
		}
		cancel()
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "bob"}); err == nil {
			t.Error("CreateSubject on a cancelled context succeeded")
		}
		_, err := tx.GetSubject(context.Background(), "t1", "alice")
		mustErr(t, err, store.ErrTxBroken, "call after a breaking error")
		return nil // ignore the errors: Write must not commit
	})
	if err == nil {
		t.Fatal("Write committed a broken transaction")
	}
	eq(t, "audit size", auditSize(t, s), size)
	read(t, s, func(r store.Reader) error {
		_, err := r.GetSubject(context.Background(), "t1", "alice")
		mustErr(t, err, store.ErrNotFound, "subject of a broken transaction")
		return nil
	})

	// A Tx kept past its function is refused.
	var kept store.Tx
	write(t, s, func(tx store.Tx) error { kept = tx; return nil })
	if _, err := kept.GetTenant(context.Background(), "t1"); err == nil {
		t.Error("Tx used after Write returned: no error")
	}
}

// testReadOnly: the Reader given to Read cannot write, even through a type
// assertion.
func testReadOnly(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	err := s.Read(ctx, func(r store.Reader) error {
		tx, ok := r.(store.Tx)
		if !ok {
			return nil
		}
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "x", Name: "x", Kind: store.KindController}); err == nil {
			t.Error("CreateTenant through a Read succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		_, err := r.GetTenant(ctx, "x")
		mustErr(t, err, store.ErrNotFound, "tenant written in Read")
		return nil
	})
}

// testReadSnapshot: a Read sees one snapshot, unaffected by a write that
// commits while it runs.
func testReadSnapshot(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	read(t, s, func(r store.Reader) error {
		n1, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		if err != nil {
			return err
		}
		seed(t, s, "t1", "bob") // commits meanwhile
		n2, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		if err != nil {
			return err
		}
		eq(t, "count within one Read", n2, n1)
		return nil
	})
	read(t, s, func(r store.Reader) error {
		n, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		eq(t, "count after", n, 2)
		return err
	})
}

// testReadModifyWrite: concurrent transactions that each read a request,
// increment a counter in its detail and write it back lose no update.
func testReadModifyWrite(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	write(t, s, func(tx store.Tx) error {
		_, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: "r1", Subject: "alice", Type: "access",
			State: "new", Detail: []byte(`{"n":0}`)})
		return err
	})
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				err := s.Write(ctx, func(tx store.Tx) error {
					r, err := tx.GetRequest(ctx, "t1", "r1")
					if err != nil {
						return err
					}
					var d struct{ N int }
					if err := json.Unmarshal(r.Detail, &d); err != nil {
						return err
					}
					r.Detail = []byte(fmt.Sprintf(`{"n":%d}`, d.N+1))
					if _, err := tx.UpdateRequest(ctx, r); err != nil {
						return err
					}
					_, err = tx.Audit(ctx, testAudit("request.update"))
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		req, err := r.GetRequest(ctx, "t1", "r1")
		eq(t, "counter", string(req.Detail), fmt.Sprintf(`{"n":%d}`, workers*each))
		return err
	})
}
