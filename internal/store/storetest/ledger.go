package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

func testConsentLedger(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	ev := func(subject, purpose string, kind store.ConsentKind, action store.ConsentAction) store.ConsentEvent {
		return store.ConsentEvent{Tenant: "t1", Subject: subject, Purpose: purpose, DeclarationVersion: "v3",
			Kind: kind, Action: action, Channel: "app", TextHash: "sha256:9f86d08188"}
	}
	inputs := []store.ConsentEvent{
		ev("alice", "marketing", store.ConsentOrdinary, store.ConsentGrant),
		ev("bob", "face_login", store.ConsentSeparate, store.ConsentGrant),
		ev("alice", "marketing", store.ConsentOrdinary, store.ConsentWithdraw),
		ev("alice", "minor_chat", store.ConsentGuardian, store.ConsentGrant),
	}
	var appended []store.ConsentEvent
	for i, in := range inputs {
		at := clk.Advance(time.Minute)
		write(t, s, func(tx store.Tx) error {
			e, err := tx.AppendConsent(ctx, in)
			if err != nil {
				return err
			}
			want := in
			want.Seq, want.At = e.Seq, store.Norm(at)
			eq(t, "AppendConsent", e, want)
			if i > 0 && e.Seq <= appended[i-1].Seq {
				t.Errorf("Seq %d after %d: not ascending", e.Seq, appended[i-1].Seq)
			}
			appended = append(appended, e)
			return nil
		})
	}
	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.AppendConsent(ctx, ev("ghost", "marketing", store.ConsentOrdinary, store.ConsentGrant))
		mustErr(t, err, store.ErrNotFound, "AppendConsent(missing subject)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read(t, s, func(r store.Reader) error {
		all, next, err := r.ListConsentEvents(ctx, "t1", "", store.Page{})
		if err != nil {
			return err
		}
		eq(t, "next", next, "")
		if !reflect.DeepEqual(all, appended) {
			t.Errorf("ListConsentEvents = %+v\nwant %+v", all, appended)
		}
		alice, _, err := r.ListConsentEvents(ctx, "t1", "alice", store.Page{})
		if err != nil {
			return err
		}
		want := []store.ConsentEvent{appended[0], appended[2], appended[3]}
		if !reflect.DeepEqual(alice, want) {
			t.Errorf("ListConsentEvents(alice) = %+v\nwant %+v", alice, want)
		}
		page, next, err := r.ListConsentEvents(ctx, "t1", "alice", store.Page{Limit: 2})
		if err != nil {
			return err
		}
		eq(t, "page 1", len(page), 2)
		page, next, err = r.ListConsentEvents(ctx, "t1", "alice", store.Page{After: next, Limit: 2})
		if err != nil {
			return err
		}
		if len(page) != 1 || page[0] != appended[3] || next != "" {
			t.Errorf("page 2 = %+v, next %q", page, next)
		}
		return nil
	})

	// The ledger is append-only by construction: no method changes or
	// removes an event.
	for _, iface := range []reflect.Type{reflect.TypeFor[store.Tx](), reflect.TypeFor[store.Store]()} {
		for m := range iface.Methods() {
			if strings.Contains(m.Name, "Consent") && m.Name != "AppendConsent" && m.Name != "ListConsentEvents" {
				t.Errorf("%v has method %s: the consent ledger must be append-only", iface, m.Name)
			}
		}
	}
}

// testInvalidInput: bad input gets an *InvalidError naming the field, and
// nothing is stored.
func testInvalidInput(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	good := rec(t, "t1", "alice", "phone", "")
	v4 := "0b6c6f2e-3c1e-4a8b-9d1c-2f1e6b3a4c5d"
	cases := []struct {
		name  string
		field string
		fn    func(tx store.Tx) error
	}{
		{"tenant without id", "tenant.id", func(tx store.Tx) error {
			_, err := tx.CreateTenant(ctx, store.Tenant{Name: "x", Kind: store.KindController})
			return err
		}},
		{"tenant kind", "tenant.kind", func(tx store.Tx) error {
			_, err := tx.CreateTenant(ctx, store.Tenant{ID: "x", Name: "x", Kind: "owner"})
			return err
		}},
		{"subject id with control character", "subject.id", func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "a\nb"})
			return err
		}},
		{"subject status", "subject.status", func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "x", Status: "gone"})
			return err
		}},
		{"status", "status", func(tx store.Tx) error {
			_, err := tx.SetSubjectStatus(ctx, "t1", "alice", "")
			return err
		}},
		{"record id not v7", "record[1].id", func(tx store.Tx) error {
			bad := rec(t, "t1", "alice", "phone", "")
			bad.ID = v4
			return tx.InsertRecords(ctx, []store.Record{good, bad})
		}},
		{"record id upper case", "record[0].id", func(tx store.Tx) error {
			bad := rec(t, "t1", "alice", "phone", "")
			bad.ID = strings.ToUpper(bad.ID)
			return tx.InsertRecords(ctx, []store.Record{bad})
		}},
		{"record without ciphertext", "record[0].ciphertext", func(tx store.Tx) error {
			bad := rec(t, "t1", "alice", "phone", "")
			bad.Ciphertext = nil
			return tx.InsertRecords(ctx, []store.Record{bad})
		}},
		{"record field name", "record[0].field", func(tx store.Tx) error {
			bad := rec(t, "t1", "alice", "phone number", "")
			return tx.InsertRecords(ctx, []store.Record{bad})
		}},
		{"record index too long", "record[0].index", func(tx store.Tx) error {
			bad := rec(t, "t1", "alice", "phone", strings.Repeat("x", store.MaxIndexLen+1))
			return tx.InsertRecords(ctx, []store.Record{bad})
		}},
		{"delete record id", "ids[0]", func(tx store.Tx) error {
			_, err := tx.DeleteRecords(ctx, "t1", []string{"not-a-uuid"})
			return err
		}},
		{"blob size", "blob.size", func(tx store.Tx) error {
			_, err := tx.CreateBlob(ctx, store.BlobMeta{Tenant: "t1", ID: "b", Subject: "alice", Field: "f",
				Purpose: "p", ObjectKey: "k", Size: -1})
			return err
		}},
		{"consent kind", "consent.kind", func(tx store.Tx) error {
			_, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: "alice", Purpose: "p",
				DeclarationVersion: "1", Kind: "implied", Action: store.ConsentGrant})
			return err
		}},
		{"consent action", "consent.action", func(tx store.Tx) error {
			_, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: "alice", Purpose: "p",
				DeclarationVersion: "1", Kind: store.ConsentOrdinary, Action: "revoke"})
			return err
		}},
		{"request detail", "request.detail", func(tx store.Tx) error {
			_, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: "r", Type: "access", State: "new",
				Detail: []byte("{not json")})
			return err
		}},
		{"request state", "request.state", func(tx store.Tx) error {
			_, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: "r", Type: "access"})
			return err
		}},
		{"audit actor", "audit[2].actor", func(tx store.Tx) error {
			_, err := tx.Audit(ctx, testAudit("ok"), testAudit("ok2"), audit.Entry{Action: "no.actor"})
			return err
		}},
		{"page limit", "page.limit", func(tx store.Tx) error {
			_, _, err := tx.ListSubjects(ctx, "t1", store.SubjectFilter{}, store.Page{Limit: store.MaxLimit + 1})
			return err
		}},
		{"record page after", "page.after", func(tx store.Tx) error {
			_, _, err := tx.ListRecords(ctx, "t1", store.RecordFilter{}, store.Page{After: "zzz"})
			return err
		}},
		{"consent page after", "page.after", func(tx store.Tx) error {
			_, _, err := tx.ListConsentEvents(ctx, "t1", "", store.Page{After: "-1"})
			return err
		}},
		{"empty tenant", "tenant", func(tx store.Tx) error {
			_, err := tx.CountRecords(ctx, "", store.RecordFilter{})
			return err
		}},
		{"empty blind index", "index", func(tx store.Tx) error {
			_, _, err := tx.FindRecordsByIndex(ctx, "t1", "phone", nil, store.Page{})
			return err
		}},
	}
	before := auditSize(t, s)
	for _, c := range cases {
		err := s.Write(ctx, func(tx store.Tx) error {
			mustInvalid(t, c.fn(tx), c.field, c.name)
			// Nothing was changed, so no audit entry is needed, and the
			// transaction is still usable.
			_, err := tx.GetSubject(ctx, "t1", "alice")
			return err
		})
		if err != nil {
			t.Fatalf("%s: Write: %v", c.name, err)
		}
	}
	eq(t, "audit size", auditSize(t, s), before)
	read(t, s, func(r store.Reader) error {
		n, err := r.CountRecords(ctx, "t1", store.RecordFilter{})
		eq(t, "records", n, 0)
		return err
	})
}
