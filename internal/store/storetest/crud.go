package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

func testTenants(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	var created store.Tenant
	write(t, s, func(tx store.Tx) error {
		var err error
		created, err = tx.CreateTenant(ctx, store.Tenant{ID: "acme", Name: "Acme 有限公司", Kind: store.KindProcessor})
		return err
	})
	want := store.Tenant{ID: "acme", Name: "Acme 有限公司", Kind: store.KindProcessor, CreatedAt: store.Norm(Epoch)}
	if created != want {
		t.Fatalf("CreateTenant returned %+v, want %+v", created, want)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.GetTenant(ctx, "acme")
		if err != nil {
			return err
		}
		if got != want {
			t.Errorf("GetTenant = %+v, want %+v", got, want)
		}
		_, err = r.GetTenant(ctx, "nobody")
		mustErr(t, err, store.ErrNotFound, "GetTenant(missing)")
		return nil
	})

	// A caller-set CreatedAt is kept, at the store's precision.
	at := time.Date(2020, 1, 2, 3, 4, 5, 999999999, time.FixedZone("CST", 8*3600))
	write(t, s, func(tx store.Tx) error {
		got, err := tx.CreateTenant(ctx, store.Tenant{ID: "beta", Name: "Beta", Kind: store.KindController, CreatedAt: at})
		eq(t, "CreatedAt", got.CreatedAt, at.UTC().Truncate(time.Microsecond))
		return err
	})

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.CreateTenant(ctx, store.Tenant{ID: "acme", Name: "Again", Kind: store.KindController})
		mustErr(t, err, store.ErrConflict, "CreateTenant(duplicate)")
		// The transaction stays usable after ErrConflict.
		_, err = tx.GetTenant(ctx, "acme")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	read(t, s, func(r store.Reader) error {
		ts, next, err := r.ListTenants(ctx, store.Page{})
		if err != nil {
			return err
		}
		eq(t, "tenants", fmtIDs(ts, func(t store.Tenant) string { return t.ID }), "[acme beta]")
		eq(t, "next", next, "")
		ts, next, err = r.ListTenants(ctx, store.Page{Limit: 1})
		if err != nil {
			return err
		}
		eq(t, "first page", fmtIDs(ts, func(t store.Tenant) string { return t.ID }), "[acme]")
		eq(t, "next", next, "acme")
		ts, next, err = r.ListTenants(ctx, store.Page{After: next, Limit: 1})
		if err != nil {
			return err
		}
		eq(t, "second page", fmtIDs(ts, func(t store.Tenant) string { return t.ID }), "[beta]")
		eq(t, "next", next, "")
		return nil
	})
}

func testSubjects(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	var made store.Subject
	write(t, s, func(tx store.Tx) error {
		var err error
		if made, err = tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "u-1"}); err != nil {
			return err
		}
		_, err = tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "u-2", Status: store.StatusRestricted})
		return err
	})
	want := store.Subject{Tenant: "t1", ID: "u-1", Status: store.StatusActive, CreatedAt: store.Norm(Epoch), UpdatedAt: store.Norm(Epoch)}
	eq(t, "CreateSubject", made, want)

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "u-1"})
		mustErr(t, err, store.ErrConflict, "CreateSubject(duplicate)")
		_, err = tx.CreateSubject(ctx, store.Subject{Tenant: "no-such-tenant", ID: "u-1"})
		mustErr(t, err, store.ErrNotFound, "CreateSubject(missing tenant)")
		_, err = tx.SetSubjectStatus(ctx, "t1", "u-404", store.StatusBanned)
		mustErr(t, err, store.ErrNotFound, "SetSubjectStatus(missing)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	later := clk.Advance(90 * time.Minute)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.SetSubjectStatus(ctx, "t1", "u-1", store.StatusCancelled)
		if err != nil {
			return err
		}
		want.Status, want.UpdatedAt = store.StatusCancelled, store.Norm(later)
		eq(t, "SetSubjectStatus", got, want)
		return nil
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.GetSubject(ctx, "t1", "u-1")
		if err != nil {
			return err
		}
		eq(t, "GetSubject", got, want)
		_, err = r.GetSubject(ctx, "t1", "u-404")
		mustErr(t, err, store.ErrNotFound, "GetSubject(missing)")

		n, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		if err != nil {
			return err
		}
		eq(t, "CountSubjects", n, 2)
		n, err = r.CountSubjects(ctx, "t1", store.SubjectFilter{Status: store.StatusRestricted})
		if err != nil {
			return err
		}
		eq(t, "CountSubjects(restricted)", n, 1)
		ss, _, err := r.ListSubjects(ctx, "t1", store.SubjectFilter{Status: store.StatusCancelled}, store.Page{})
		if err != nil {
			return err
		}
		eq(t, "ListSubjects(cancelled)", fmtIDs(ss, func(s store.Subject) string { return s.ID }), "[u-1]")
		return nil
	})
}

func testRecords(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	a1 := rec(t, "t1", "alice", "phone", "idx-phone-a")
	a2 := rec(t, "t1", "alice", "email", "")
	a2.Purpose, a2.Device, a2.Region = "marketing", "", ""
	a2.CollectedAt = Epoch.Add(-48 * time.Hour)
	b1 := rec(t, "t1", "bob", "phone", "idx-phone-b")
	b2 := rec(t, "t1", "bob", "phone", "idx-phone-a") // same index as a1: a collision or a shared value
	write(t, s, func(tx store.Tx) error { return tx.InsertRecords(ctx, []store.Record{a1, a2, b1, b2}) })

	// What the store returns: CollectedAt stamped when zero, at precision.
	norm := func(r store.Record) store.Record {
		if r.CollectedAt.IsZero() {
			r.CollectedAt = Epoch
		}
		r.CollectedAt = store.Norm(r.CollectedAt)
		return r
	}
	ids := func(rs []store.Record) string {
		names := map[string]string{a1.ID: "a1", a2.ID: "a2", b1.ID: "b1", b2.ID: "b2"}
		return fmtIDs(rs, func(r store.Record) string { return names[r.ID] })
	}
	read(t, s, func(r store.Reader) error {
		for _, want := range []store.Record{a1, a2, b1, b2} {
			got, err := r.GetRecord(ctx, "t1", want.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, norm(want)) {
				t.Errorf("GetRecord = %+v\nwant %+v", got, norm(want))
			}
		}
		_, err := r.GetRecord(ctx, "t1", newID(t))
		mustErr(t, err, store.ErrNotFound, "GetRecord(missing)")

		for _, c := range []struct {
			f    store.RecordFilter
			want string
		}{
			{store.RecordFilter{}, "[a1 a2 b1 b2]"},
			{store.RecordFilter{Subject: "alice"}, "[a1 a2]"},
			{store.RecordFilter{Field: "phone"}, "[a1 b1 b2]"},
			{store.RecordFilter{Purpose: "marketing"}, "[a2]"},
			{store.RecordFilter{Subject: "bob", Field: "phone", Purpose: "service"}, "[b1 b2]"},
			{store.RecordFilter{CollectedBefore: Epoch.Add(-time.Hour)}, "[a2]"},
			{store.RecordFilter{Subject: "carol"}, "[]"},
		} {
			rs, next, err := r.ListRecords(ctx, "t1", c.f, store.Page{})
			if err != nil {
				return err
			}
			eq(t, "ListRecords next", next, "")
			eq(t, "ListRecords ids", ids(rs), c.want)
			n, err := r.CountRecords(ctx, "t1", c.f)
			if err != nil {
				return err
			}
			eq(t, "CountRecords", n, int64(len(rs)))
		}

		rs, _, err := r.FindRecordsByIndex(ctx, "t1", "phone", []byte("idx-phone-a"), store.Page{})
		if err != nil {
			return err
		}
		eq(t, "FindRecordsByIndex", ids(rs), "[a1 b2]")
		if len(rs) > 0 && !reflect.DeepEqual(rs[0], norm(a1)) {
			t.Errorf("FindRecordsByIndex returned %+v, want %+v", rs[0], norm(a1))
		}
		rs, _, err = r.FindRecordsByIndex(ctx, "t1", "email", []byte("idx-phone-a"), store.Page{})
		if err != nil {
			return err
		}
		eq(t, "FindRecordsByIndex(other field)", ids(rs), "[]")
		return nil
	})

	write(t, s, func(tx store.Tx) error {
		n, err := tx.DeleteRecords(ctx, "t1", []string{a2.ID, newID(t)})
		eq(t, "DeleteRecords", n, 1)
		return err
	})
	write(t, s, func(tx store.Tx) error {
		n, err := tx.DeleteSubjectRecords(ctx, "t1", "bob")
		eq(t, "DeleteSubjectRecords", n, 2)
		return err
	})
	read(t, s, func(r store.Reader) error {
		rs, _, err := r.ListRecords(ctx, "t1", store.RecordFilter{}, store.Page{})
		eq(t, "after deletes", ids(rs), "[a1]")
		return err
	})
}

// testRecordBatchAtomic: a batch with one bad record stores none of them,
// and the transaction stays usable.
func testRecordBatchAtomic(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	first := rec(t, "t1", "alice", "phone", "")
	write(t, s, func(tx store.Tx) error { return tx.InsertRecords(ctx, []store.Record{first}) })

	batch := make([]store.Record, 0, 300)
	for range 299 {
		batch = append(batch, rec(t, "t1", "alice", "phone", ""))
	}
	dup := append(slices.Clone(batch), first) // the duplicate comes last
	ghost := append(slices.Clone(batch), rec(t, "t1", "ghost", "phone", ""))
	write(t, s, func(tx store.Tx) error {
		mustErr(t, tx.InsertRecords(ctx, dup), store.ErrConflict, "InsertRecords(duplicate id)")
		mustErr(t, tx.InsertRecords(ctx, ghost), store.ErrNotFound, "InsertRecords(missing subject)")
		n, err := tx.CountRecords(ctx, "t1", store.RecordFilter{})
		eq(t, "records after failed batches, same tx", n, 1)
		if err != nil {
			return err
		}
		// The transaction is still usable.
		return tx.InsertRecords(ctx, batch[:10])
	})
	read(t, s, func(r store.Reader) error {
		n, err := r.CountRecords(ctx, "t1", store.RecordFilter{})
		eq(t, "records", n, 11)
		return err
	})
}

func testBlobs(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	b := store.BlobMeta{Tenant: "t1", ID: "blob-1", Subject: "alice", Field: "cloud_video", Purpose: "storage",
		ObjectKey: "t1/blob-1", Size: 1 << 20, ContentType: "video/mp4"}
	var got store.BlobMeta
	write(t, s, func(tx store.Tx) error {
		var err error
		if got, err = tx.CreateBlob(ctx, b); err != nil {
			return err
		}
		_, err = tx.CreateBlob(ctx, store.BlobMeta{Tenant: "t1", ID: "blob-2", Subject: "bob", Field: "voice",
			Purpose: "service", ObjectKey: "t1/blob-2", Size: 10})
		return err
	})
	b.CreatedAt = store.Norm(Epoch)
	eq(t, "CreateBlob", got, b)
	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.CreateBlob(ctx, b)
		mustErr(t, err, store.ErrConflict, "CreateBlob(duplicate)")
		missing := b
		missing.ID, missing.Subject = "blob-3", "ghost"
		_, err = tx.CreateBlob(ctx, missing)
		mustErr(t, err, store.ErrNotFound, "CreateBlob(missing subject)")
		mustErr(t, tx.DeleteBlob(ctx, "t1", "blob-404"), store.ErrNotFound, "DeleteBlob(missing)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		g, err := r.GetBlob(ctx, "t1", "blob-1")
		if err != nil {
			return err
		}
		eq(t, "GetBlob", g, b)
		bs, _, err := r.ListBlobs(ctx, "t1", "", store.Page{})
		eq(t, "ListBlobs", fmtIDs(bs, func(b store.BlobMeta) string { return b.ID }), "[blob-1 blob-2]")
		if err != nil {
			return err
		}
		bs, _, err = r.ListBlobs(ctx, "t1", "bob", store.Page{})
		eq(t, "ListBlobs(bob)", fmtIDs(bs, func(b store.BlobMeta) string { return b.ID }), "[blob-2]")
		return err
	})
	write(t, s, func(tx store.Tx) error { return tx.DeleteBlob(ctx, "t1", "blob-1") })
	read(t, s, func(r store.Reader) error {
		_, err := r.GetBlob(ctx, "t1", "blob-1")
		mustErr(t, err, store.ErrNotFound, "GetBlob(deleted)")
		return nil
	})
}

func testRequests(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	due := Epoch.Add(15 * 24 * time.Hour)
	r1 := store.Request{Tenant: "t1", ID: "req-1", Subject: "alice", Type: "access", State: "received",
		DueAt: due, Detail: json.RawMessage(`{ "channel": "web",  "verify": ["sms"] }`)}
	r2 := store.Request{Tenant: "t1", ID: "req-2", Type: "delete", State: "unverified"} // no subject yet
	var got1 store.Request
	write(t, s, func(tx store.Tx) error {
		var err error
		if got1, err = tx.CreateRequest(ctx, r1); err != nil {
			return err
		}
		_, err = tx.CreateRequest(ctx, r2)
		return err
	})
	want1 := r1
	want1.CreatedAt, want1.UpdatedAt, want1.DueAt = store.Norm(Epoch), store.Norm(Epoch), store.Norm(due)
	want1.Detail = json.RawMessage(`{"channel":"web","verify":["sms"]}`)
	if !reflect.DeepEqual(got1, want1) {
		t.Fatalf("CreateRequest = %+v\nwant %+v", got1, want1)
	}

	later := clk.Advance(2 * time.Hour)
	write(t, s, func(tx store.Tx) error {
		cur, err := tx.GetRequest(ctx, "t1", "req-2")
		if err != nil {
			return err
		}
		cur.Subject, cur.State, cur.DueAt = "alice", "verified", due.Add(time.Hour)
		cur.Detail = json.RawMessage(`{"verified_by":"sms"}`)
		got, err := tx.UpdateRequest(ctx, cur)
		if err != nil {
			return err
		}
		want := cur
		want.UpdatedAt, want.DueAt = store.Norm(later), store.Norm(due.Add(time.Hour))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UpdateRequest = %+v\nwant %+v", got, want)
		}
		return nil
	})
	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.CreateRequest(ctx, r1)
		mustErr(t, err, store.ErrConflict, "CreateRequest(duplicate)")
		ghost := r1
		ghost.ID = "req-404"
		_, err = tx.UpdateRequest(ctx, ghost)
		mustErr(t, err, store.ErrNotFound, "UpdateRequest(missing)")
		ghost.ID, ghost.Subject = "req-3", "ghost"
		_, err = tx.CreateRequest(ctx, ghost)
		mustErr(t, err, store.ErrNotFound, "CreateRequest(missing subject)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		g, err := r.GetRequest(ctx, "t1", "req-1")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(g, want1) {
			t.Errorf("GetRequest = %+v\nwant %+v", g, want1)
		}
		for _, c := range []struct {
			f    store.RequestFilter
			want string
		}{
			{store.RequestFilter{}, "[req-1 req-2]"},
			{store.RequestFilter{Subject: "alice", Type: "delete"}, "[req-2]"},
			{store.RequestFilter{State: "received"}, "[req-1]"},
			{store.RequestFilter{DueBefore: due.Add(time.Minute)}, "[req-1]"},
			{store.RequestFilter{DueBefore: due}, "[]"},
		} {
			rs, _, err := r.ListRequests(ctx, "t1", c.f, store.Page{})
			if err != nil {
				return err
			}
			eq(t, "ListRequests", fmtIDs(rs, func(r store.Request) string { return r.ID }), c.want)
		}
		return nil
	})
}
