package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// tenantView is everything one tenant can see, for comparing before and
// after another tenant's attempts.
type tenantView struct {
	Subjects []store.Subject
	Records  []store.Record
	Blobs    []store.BlobMeta
	Consents []store.ConsentEvent
	Requests []store.Request

	Guardians    []store.Guardian
	Permissions  []store.PermissionState
	APIKeys      []store.APIKey
	Declarations []store.DeclarationVersion // with their sources
	Controllers  []store.TenantLink         // the tenant's, as a processor

	TrustedKeys []store.TrustedKey
	Holds       []store.Hold
	Webhooks    []store.WebhookEndpoint
}

func viewOf(t testing.TB, s store.Store, tenant string) tenantView {
	t.Helper()
	ctx := context.Background()
	var v tenantView
	read(t, s, func(r store.Reader) error {
		var err error
		if v.Subjects, _, err = r.ListSubjects(ctx, tenant, store.SubjectFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if v.Records, _, err = r.ListRecords(ctx, tenant, store.RecordFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if v.Blobs, _, err = r.ListBlobs(ctx, tenant, "", store.Page{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if v.Consents, _, err = r.ListConsentEvents(ctx, tenant, "", store.Page{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if v.Requests, _, err = r.ListRequests(ctx, tenant, store.RequestFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if err := viewAccess(ctx, r, tenant, &v); err != nil {
			return err
		}
		return viewRights(ctx, r, tenant, &v)
	})
	return v
}

var errRollback = errors.New("storetest: roll back")

// testTenantIsolation: tenant A can never read, list, count, find, change
// or delete tenant B's data, through any Reader or Tx method, even when the
// two use the same subject ids and the same blind index bytes.
func testTenantIsolation(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	const A, B = "tenant-a", "tenant-b"
	seed(t, s, A, "shared")
	seed(t, s, B, "shared", "b-only")
	idx := []byte("same-index-bytes")

	aRec := rec(t, A, "shared", "phone", string(idx))
	bRecs := []store.Record{rec(t, B, "shared", "phone", string(idx)), rec(t, B, "b-only", "phone", string(idx))}
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertRecords(ctx, append([]store.Record{aRec}, bRecs...)); err != nil {
			return err
		}
		for _, b := range []store.BlobMeta{
			{Tenant: A, ID: "blob-a", Subject: "shared", Field: "video", Purpose: "p", ObjectKey: "a"},
			{Tenant: B, ID: "blob-b", Subject: "b-only", Field: "video", Purpose: "p", ObjectKey: "b"},
		} {
			if _, err := tx.CreateBlob(ctx, b); err != nil {
				return err
			}
		}
		for _, e := range []store.ConsentEvent{
			{Tenant: A, Subject: "shared", Purpose: "ads", DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant},
			{Tenant: B, Subject: "shared", Purpose: "ads", DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant},
			{Tenant: B, Subject: "b-only", Purpose: "ads", DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentGrant},
		} {
			if _, err := tx.AppendConsent(ctx, e); err != nil {
				return err
			}
		}
		for _, r := range []store.Request{
			{Tenant: A, ID: "req-a", Subject: "shared", Type: "access", State: "new"},
			{Tenant: B, ID: "req-b", Subject: "b-only", Type: "delete", State: "new"},
			{Tenant: B, ID: "req-shared", Subject: "shared", Type: "delete", State: "new"},
		} {
			if _, err := tx.CreateRequest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	seedAccessIsolation(t, s, A, B)
	seedRightsIsolation(t, s, A, B)
	bBefore := viewOf(t, s, B)
	aBefore := viewOf(t, s, A)

	covered := map[string]bool{
		// Instance-wide: tenants are not data of a tenant, and the audit
		// log is read through store.Store by auditors and operators.
		"GetTenant": true, "ListTenants": true, "CreateTenant": true, "Audit": true,
	}
	onlyA := func(what string, tenants ...string) {
		t.Helper()
		for _, tn := range tenants {
			if tn != A {
				t.Errorf("%s from tenant A returned an item of tenant %q", what, tn)
			}
		}
	}
	notFound := func(method string, err error) {
		t.Helper()
		covered[method] = true
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s across tenants: got %v, want ErrNotFound", method, err)
		}
	}

	probeReads := func(r store.Reader) error {
		_, err := r.GetSubject(ctx, A, "b-only")
		notFound("GetSubject", err)
		if sub, err := r.GetSubject(ctx, A, "shared"); err != nil || sub.Tenant != A {
			t.Errorf("GetSubject(A, shared) = %+v, %v", sub, err)
		}
		subs, _, err := r.ListSubjects(ctx, A, store.SubjectFilter{}, store.Page{})
		covered["ListSubjects"] = true
		for _, x := range subs {
			onlyA("ListSubjects", x.Tenant)
		}
		eq(t, "ListSubjects(A)", len(subs), 1)
		n, err := r.CountSubjects(ctx, A, store.SubjectFilter{})
		covered["CountSubjects"] = true
		eq(t, "CountSubjects(A)", n, 1)

		for _, b := range bRecs {
			_, err = r.GetRecord(ctx, A, b.ID)
			notFound("GetRecord", err)
		}
		for _, f := range []store.RecordFilter{{}, {Subject: "shared"}, {Subject: "b-only"}, {Field: "phone"}} {
			recs, _, err := r.ListRecords(ctx, A, f, store.Page{})
			if err != nil {
				return err
			}
			for _, x := range recs {
				onlyA("ListRecords", x.Tenant)
			}
			n, err := r.CountRecords(ctx, A, f)
			if err != nil {
				return err
			}
			eq(t, "CountRecords(A) = len(ListRecords(A))", n, int64(len(recs)))
			if f.Subject == "b-only" {
				eq(t, "ListRecords(A, b-only)", len(recs), 0)
			} else {
				eq(t, "ListRecords(A)", len(recs), 1)
			}
		}
		covered["ListRecords"], covered["CountRecords"] = true, true
		found, _, err := r.FindRecordsByIndex(ctx, A, "phone", idx, store.Page{})
		if err != nil {
			return err
		}
		covered["FindRecordsByIndex"] = true
		eq(t, "FindRecordsByIndex(A)", fmtIDs(found, func(r store.Record) string { return r.ID }), "["+aRec.ID+"]")

		_, err = r.GetBlob(ctx, A, "blob-b")
		notFound("GetBlob", err)
		for _, sub := range []string{"", "b-only"} {
			bs, _, err := r.ListBlobs(ctx, A, sub, store.Page{})
			if err != nil {
				return err
			}
			for _, x := range bs {
				onlyA("ListBlobs", x.Tenant)
			}
			if sub == "b-only" && len(bs) != 0 {
				t.Errorf("ListBlobs(A, b-only) = %v", bs)
			}
		}
		covered["ListBlobs"] = true

		for _, sub := range []string{"", "shared", "b-only"} {
			es, _, err := r.ListConsentEvents(ctx, A, sub, store.Page{})
			if err != nil {
				return err
			}
			for _, x := range es {
				onlyA("ListConsentEvents", x.Tenant)
			}
			want := 1
			if sub == "b-only" {
				want = 0
			}
			eq(t, "ListConsentEvents(A, "+sub+")", len(es), want)
		}
		covered["ListConsentEvents"] = true

		_, err = r.GetRequest(ctx, A, "req-b")
		notFound("GetRequest", err)
		for _, f := range []store.RequestFilter{{}, {Subject: "b-only"}, {Type: "delete"}} {
			rs, _, err := r.ListRequests(ctx, A, f, store.Page{})
			if err != nil {
				return err
			}
			for _, x := range rs {
				onlyA("ListRequests", x.Tenant)
			}
			if f.Subject != "" || f.Type != "" {
				eq(t, "ListRequests(A, B's filter)", len(rs), 0)
			}
		}
		covered["ListRequests"] = true
		if err := probeAccessReads(t, r, A, B, covered, notFound); err != nil {
			return err
		}
		return probeRightsReads(t, r, A, B, covered, notFound)
	}
	read(t, s, probeReads)

	// Every write A attempts against B's data, in one transaction that is
	// then rolled back; the reads are probed again inside it.
	err := s.Write(ctx, func(tx store.Tx) error {
		if err := probeReads(tx); err != nil {
			return err
		}
		_, err := tx.SetSubjectStatus(ctx, A, "b-only", store.StatusBanned)
		notFound("SetSubjectStatus", err)
		err = tx.InsertRecords(ctx, []store.Record{rec(t, A, "b-only", "phone", "")})
		notFound("InsertRecords", err)
		n, err := tx.DeleteRecords(ctx, A, []string{bRecs[0].ID, bRecs[1].ID})
		covered["DeleteRecords"] = true
		eq(t, "DeleteRecords(A, B's ids)", n, 0)
		if err != nil {
			return err
		}
		n, err = tx.DeleteSubjectRecords(ctx, A, "b-only")
		covered["DeleteSubjectRecords"] = true
		eq(t, "DeleteSubjectRecords(A, b-only)", n, 0)
		if err != nil {
			return err
		}
		_, err = tx.CreateBlob(ctx, store.BlobMeta{Tenant: A, ID: "blob-x", Subject: "b-only", Field: "f", Purpose: "p", ObjectKey: "k"})
		notFound("CreateBlob", err)
		notFound("DeleteBlob", tx.DeleteBlob(ctx, A, "blob-b"))
		_, err = tx.AppendConsent(ctx, store.ConsentEvent{Tenant: A, Subject: "b-only", Purpose: "ads",
			DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: store.ConsentWithdraw})
		notFound("AppendConsent", err)
		_, err = tx.CreateRequest(ctx, store.Request{Tenant: A, ID: "req-x", Subject: "b-only", Type: "access", State: "new"})
		notFound("CreateRequest", err)
		_, err = tx.UpdateRequest(ctx, store.Request{Tenant: A, ID: "req-b", Type: "delete", State: "done"})
		notFound("UpdateRequest", err)
		probeAccessWrites(t, tx, A, B, covered, notFound)
		probeRightsWrites(t, tx, A, B, covered, notFound)
		// Ids are per tenant: A may use a subject id B also uses.
		_, err = tx.CreateSubject(ctx, store.Subject{Tenant: A, ID: "b-only"})
		covered["CreateSubject"] = true
		if err != nil {
			t.Errorf("CreateSubject(A, id used by B): %v", err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Write: %v", err)
	}
	if !reflect.DeepEqual(viewOf(t, s, A), aBefore) {
		t.Error("tenant A's data changed in a rolled-back transaction")
	}

	// A purges its own subject "shared": B's "shared" keeps its records.
	write(t, s, func(tx store.Tx) error {
		n, err := tx.DeleteSubjectRecords(ctx, A, "shared")
		eq(t, "DeleteSubjectRecords(A, shared)", n, 1)
		return err
	})
	if after := viewOf(t, s, B); !reflect.DeepEqual(after, bBefore) {
		t.Errorf("tenant B's data changed:\nbefore %+v\nafter  %+v", bBefore, after)
	}

	// Every method of Tx (and so of Reader) was tried across tenants.
	for m := range reflect.TypeFor[store.Tx]().Methods() {
		if !covered[m.Name] {
			t.Errorf("tenant isolation test does not try %s: add it", m.Name)
		}
	}
}
