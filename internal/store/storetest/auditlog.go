package storetest

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// testPagination walks pages of 7 over 50 records (and subjects, blobs,
// requests, consent events): every item exactly once, in ascending order.
func testPagination(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	const n = 50
	var want []string
	recs := make([]store.Record, n)
	for i := range recs {
		recs[i] = rec(t, "t1", "alice", "phone", "same")
		want = append(want, recs[i].ID)
	}
	// Inserted in reverse, listed by id (creation order).
	write(t, s, func(tx store.Tx) error {
		for i := n - 1; i >= 0; i-- {
			if err := tx.InsertRecords(ctx, recs[i:i+1]); err != nil {
				return err
			}
		}
		for i := range n {
			id := fmt.Sprintf("s-%02d", n-1-i)
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: id}); err != nil {
				return err
			}
			if _, err := tx.CreateBlob(ctx, store.BlobMeta{Tenant: "t1", ID: id, Subject: id, Field: "f", Purpose: "p", ObjectKey: id}); err != nil {
				return err
			}
			if _, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: id, Subject: id, Type: "access", State: "new"}); err != nil {
				return err
			}
			if _, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: id, Purpose: "p",
				DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant}); err != nil {
				return err
			}
		}
		return nil
	})

	walk := func(name string, want []string, list func(p store.Page) ([]string, string, error)) {
		t.Helper()
		var got []string
		p := store.Page{Limit: 7}
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatalf("%s: pagination does not end", name)
			}
			ids, next, err := list(p)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(ids) > 7 {
				t.Fatalf("%s: page of %d items, limit 7", name, len(ids))
			}
			got = append(got, ids...)
			if next == "" {
				break
			}
			p.After = next
		}
		if want != nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: walked %v\nwant %v", name, got, want)
		}
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] && name != "consent" {
				t.Fatalf("%s: %q after %q", name, got[i], got[i-1])
			}
		}
		if len(got) != n && name != "subjects" {
			t.Fatalf("%s: walked %d items, want %d", name, len(got), n)
		}
	}
	var subjects []string
	for i := range n {
		subjects = append(subjects, fmt.Sprintf("s-%02d", i))
	}
	read(t, s, func(r store.Reader) error {
		walk("records", want, func(p store.Page) ([]string, string, error) {
			rs, next, err := r.ListRecords(ctx, "t1", store.RecordFilter{}, p)
			return ids(rs, func(r store.Record) string { return r.ID }), next, err
		})
		walk("records of alice", want, func(p store.Page) ([]string, string, error) {
			rs, next, err := r.ListRecords(ctx, "t1", store.RecordFilter{Subject: "alice"}, p)
			return ids(rs, func(r store.Record) string { return r.ID }), next, err
		})
		walk("records by index", want, func(p store.Page) ([]string, string, error) {
			rs, next, err := r.FindRecordsByIndex(ctx, "t1", "phone", []byte("same"), p)
			return ids(rs, func(r store.Record) string { return r.ID }), next, err
		})
		walk("subjects", append([]string{"alice"}, subjects...), func(p store.Page) ([]string, string, error) {
			ss, next, err := r.ListSubjects(ctx, "t1", store.SubjectFilter{}, p)
			return ids(ss, func(s store.Subject) string { return s.ID }), next, err
		})
		walk("blobs", subjects, func(p store.Page) ([]string, string, error) {
			bs, next, err := r.ListBlobs(ctx, "t1", "", p)
			return ids(bs, func(b store.BlobMeta) string { return b.ID }), next, err
		})
		walk("requests", subjects, func(p store.Page) ([]string, string, error) {
			rs, next, err := r.ListRequests(ctx, "t1", store.RequestFilter{}, p)
			return ids(rs, func(r store.Request) string { return r.ID }), next, err
		})
		var lastSeq int64 = -1
		walk("consent", nil, func(p store.Page) ([]string, string, error) {
			es, next, err := r.ListConsentEvents(ctx, "t1", "", p)
			for _, e := range es {
				if e.Seq <= lastSeq {
					t.Fatalf("consent: Seq %d after %d", e.Seq, lastSeq)
				}
				lastSeq = e.Seq
			}
			return ids(es, func(e store.ConsentEvent) string { return e.Subject }), next, err
		})
		// Exactly one full page: no next.
		rs, next, err := r.ListRecords(ctx, "t1", store.RecordFilter{}, store.Page{Limit: n})
		eq(t, "full page", len(rs), n)
		eq(t, "next after a full last page", next, "")
		return err
	})
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// testAuditLog: entries come back exactly as appended, in order, with
// their leaf hashes; ranges select by Seq; checkpoints come back by size.
func testAuditLog(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	eq(t, "empty log size", auditSize(t, s), 0)
	var appended []audit.Entry
	for i := range 5 {
		clk.Advance(time.Second)
		err := s.Write(ctx, func(tx store.Tx) error {
			es := []audit.Entry{
				{Tenant: "t1", Actor: "apikey:k1", Action: "record.create", ObjectType: "record",
					ObjectID: fmt.Sprint("r", i), Subject: "alice", Fields: []string{"phone", "email"},
					Details: map[string]string{"purpose": "service", "count": "2"}},
				{Actor: "operator", Action: "key.rotate", At: time.Date(2026, 1, 1, 0, 0, 0, 999, time.UTC)},
				{Actor: "system:retention", Action: "sweep", Fields: []string{}, Details: map[string]string{}},
			}
			got, err := tx.Audit(ctx, es[:i%3+1]...)
			appended = append(appended, got...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range appended {
		eq(t, "Seq", e.Seq, int64(i))
		if e.At.IsZero() || e.At != store.Norm(e.At) {
			t.Fatalf("entry %d: At %v not stamped at the store's precision", i, e.At)
		}
	}
	eq(t, "size", auditSize(t, s), int64(len(appended)))
	es := checkContiguous(t, s)
	for i, se := range es {
		if !reflect.DeepEqual(se.Entry, appended[i]) {
			t.Fatalf("stored entry %d = %+v\nappended  %+v", i, se.Entry, appended[i])
		}
	}
	var ranged []int64
	if err := s.AuditEntries(ctx, 2, 5, func(se audit.StoredEntry) error {
		ranged = append(ranged, se.Seq)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eq(t, "AuditEntries(2, 5)", fmt.Sprint(ranged), "[2 3 4]")
	stop := fmt.Errorf("stop")
	if err := s.AuditEntries(ctx, 0, 100, func(audit.StoredEntry) error { return stop }); err != stop {
		t.Fatalf("AuditEntries did not pass on fn's error: %v", err)
	}

	cps, err := s.Checkpoints(ctx)
	if err != nil || len(cps) != 0 {
		t.Fatalf("Checkpoints of a new log = %v, %v", cps, err)
	}
	for _, size := range []int64{4, 1, 9, 4} {
		c := audit.Checkpoint{Size: size, Note: []byte(fmt.Sprintf("note %d\n", size)), At: clk.Advance(time.Minute)}
		if err := s.PutCheckpoint(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cps, err = s.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, c := range cps {
		sizes = append(sizes, c.Size)
		eq(t, "note", string(c.Note), fmt.Sprintf("note %d\n", c.Size))
		if c.At != store.Norm(c.At) || c.At.IsZero() {
			t.Fatalf("checkpoint At %v", c.At)
		}
	}
	eq(t, "checkpoint sizes", fmt.Sprint(sizes), "[1 4 4 9]")
	if cps[1].At.After(cps[2].At) {
		t.Error("checkpoints of equal size not in the order stored")
	}
	mustInvalid(t, s.PutCheckpoint(ctx, audit.Checkpoint{Size: 1}), "checkpoint.note", "PutCheckpoint without note")
}

// testAuditVerify: the audit package signs and verifies the store's log.
func testAuditVerify(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	signer, err := audit.LoadOrCreateSigner(filepath.Join(t.TempDir(), "audit.key"), "trustee.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s, "t1", "alice", "bob")
	if _, err := audit.SignCheckpoint(ctx, s, signer, clk); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		write(t, s, func(tx store.Tx) error {
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "operator", Action: "record.read",
				Subject: "alice", Fields: []string{"phone"}, Details: map[string]string{"i": fmt.Sprint(i)}})
			return err
		})
	}
	if _, err := audit.SignCheckpoint(ctx, s, signer, clk); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, s, signer.VerifierKey())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	eq(t, "verified checkpoints", rep.Checkpoints, 2)
}
