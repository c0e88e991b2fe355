package rights_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// start is a Monday in Beijing, away from holidays.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, cst)

func TestFulfilDelete(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		const email, nick = "alice@example.com", "Alice Zhang"
		if err := w.collectEmail("s1", email); err != nil {
			t.Fatal(err)
		}
		if _, err := w.v.PutRecords(ctx, staff, tenant, "s1", []vault.Value{
			{Field: "nickname", Purpose: "profile", Plain: []byte(nick)},
			{Field: "registered_region", Purpose: "account", Plain: []byte("Hangzhou")},
		}); err != nil {
			t.Fatal(err)
		}
		if err := w.collectEmail("s2", "bob@example.com"); err != nil {
			t.Fatal(err)
		}
		r := w.verified(t, "s1", rights.TypeDelete)
		r, err := w.f.FulfilDelete(ctx, staff, tenant, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != rights.StateFulfilled {
			t.Fatalf("state %s", r.State)
		}
		det := detail(t, r)
		if o := det.Outcome; o == nil || o.Status != "erased" || o.StatusBefore != "active" || o.Action != "delete" || o.Records != 3 {
			t.Errorf("outcome %+v", det.Outcome)
		}
		if det.Held || det.Notice == nil || det.Notice.EN == "" || det.Notice.ZH == "" {
			t.Errorf("detail %+v", det)
		}
		// Unreadable through the vault, for any reason; no row left.
		for _, reason := range []vault.Reason{vault.ReasonProcessing, vault.ReasonLegalObligation} {
			if recs, err := w.readAll("s1", reason); !errors.Is(err, vault.ErrErased) || len(recs) != 0 {
				t.Errorf("read %s after delete: %d records, %v", reason, len(recs), err)
			}
		}
		if s := w.subject(t, "s1"); s.Status != store.StatusErased {
			t.Errorf("status %s", s.Status)
		}
		err = w.st.Read(ctx, func(rd store.Reader) error {
			n, err := rd.CountRecords(ctx, tenant, store.RecordFilter{Subject: "s1"})
			if err == nil && n != 0 {
				t.Errorf("%d rows left", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The gate refuses the erased subject; s2 is untouched.
		refusedFor(t, w.collectEmail("s1", email), consent.ReasonSubjectErased)
		if recs, err := w.readAll("s2", vault.ReasonProcessing); err != nil || len(recs) != 1 {
			t.Errorf("s2: %d records, %v", len(recs), err)
		}
		// The proof: the request's entries and the vault's, no values.
		es := w.log(t)
		if got, want := requestActions(es, r.ID), []string{"request.create", "request.verifying", "request.verify", "request.start", "request.fulfil"}; !slices.Equal(got, want) {
			t.Errorf("request audit %v, want %v", got, want)
		}
		if got := subjectActions(es, "s1"); !slices.Contains(got, "subject.shred") || !slices.Contains(got, "subject.purge") {
			t.Errorf("subject audit %v", got)
		}
		last := lastFor(es, r.ID)
		if last.Action != "request.fulfil" || last.Details["records"] != "3" || last.Details["status"] != "erased" {
			t.Errorf("fulfil entry %+v", last)
		}
		noValues(t, es, email, nick, "Hangzhou")
		// Done is done.
		if _, err := w.f.FulfilDelete(ctx, staff, tenant, r.ID); !errors.Is(err, rights.ErrTransition) {
			t.Errorf("again: %v", err)
		}
	})
}

func TestFulfilDeleteUnderHold(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		if err := w.collectEmail("s1", "alice@example.com"); err != nil {
			t.Fatal(err)
		}
		w.placeHold(t, "h1", store.HoldSubject, "s1")
		w.placeHold(t, "h0", store.HoldSubject, "s2") // another subject's: irrelevant
		r := w.verified(t, "s1", rights.TypeDelete)
		r, err := w.f.FulfilDelete(ctx, staff, tenant, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		det := detail(t, r)
		if r.State != rights.StateFulfilled || !det.Held || !slices.Equal(det.HoldIDs, []string{"h1"}) {
			t.Fatalf("request %s, detail %+v", r.State, det)
		}
		if det.Notice == nil || !strings.Contains(det.Notice.EN, "PIPL Art. 47") || !strings.Contains(det.Notice.ZH, "第四十七条") {
			t.Errorf("notice %+v", det.Notice)
		}
		if o := det.Outcome; o == nil || o.Status != "restricted" || o.StatusBefore != "active" {
			t.Errorf("outcome %+v", det.Outcome)
		}
		// Kept, stored, not processed: readable for a legal obligation only.
		if s := w.subject(t, "s1"); s.Status != store.StatusRestricted {
			t.Errorf("status %s", s.Status)
		}
		if _, err := w.readAll("s1", vault.ReasonProcessing); !errors.Is(err, vault.ErrRestricted) {
			t.Errorf("processing read: %v", err)
		}
		if recs, err := w.readAll("s1", vault.ReasonLegalObligation); err != nil || len(recs) != 1 {
			t.Errorf("legal read: %d, %v", len(recs), err)
		}
		refusedFor(t, w.collectEmail("s1", "alice@example.com"), consent.ReasonSubjectRestricted)
		es := w.log(t)
		if got := subjectActions(es, "s1"); slices.Contains(got, "subject.shred") || !slices.Contains(got, "subject.status") {
			t.Errorf("subject audit %v", got)
		}
		last := lastFor(es, r.ID)
		if last.Details["held"] != "true" || last.Details["holds"] != "h1" {
			t.Errorf("fulfil entry %+v", last)
		}
		noValues(t, es, "alice@example.com", "case 2026-17")
		// Staff cannot lift a restriction that stands for a held erasure.
		if _, err := w.f.LiftRestriction(ctx, staff, tenant, "s1"); !errors.Is(err, rights.ErrErasurePending) {
			t.Errorf("lift: %v", err)
		}
	})
}

// lastFor returns the last entry about request id.
func lastFor(es []audit.Entry, id string) audit.Entry {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].ObjectType == "request" && es[i].ObjectID == id {
			return es[i]
		}
	}
	return audit.Entry{}
}

func TestFulfilRestrict(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		for _, typ := range []string{rights.TypeRestrict, rights.TypeObject} {
			r := w.verified(t, "s1", typ)
			r, err := w.f.FulfilRestrict(ctx, staff, tenant, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o := detail(t, r).Outcome; r.State != rights.StateFulfilled || o == nil || o.Status != "restricted" {
				t.Fatalf("%s: %s %+v", typ, r.State, o)
			}
			refusedFor(t, w.collectEmail("s1", "alice@example.com"), consent.ReasonSubjectRestricted)
			s, err := w.f.LiftRestriction(ctx, staff, tenant, "s1")
			if err != nil || s.Status != store.StatusActive {
				t.Fatalf("lift: %v %v", s.Status, err)
			}
			if err := w.collectEmail("s1", "alice@example.com"); err != nil {
				t.Errorf("after lift: %v", err)
			}
		}
		if _, err := w.f.LiftRestriction(ctx, staff, tenant, "s1"); !errors.Is(err, rights.ErrNotRestricted) {
			t.Errorf("lift active: %v", err)
		}
		var last audit.Entry
		for _, e := range w.log(t) {
			if e.Action == "subject.status" {
				last = e
			}
		}
		if last.Details["reason"] != "restriction_lifted" || last.Details["to"] != "active" {
			t.Errorf("lift entry %+v", last)
		}
	})
}

func TestFulfilWithdrawConsent(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		for _, p := range []string{"profile", "screenshot_sync", "device_sharing"} {
			if _, _, err := w.ledger.Grant(ctx, staff, tenant, consent.Act{Subject: "s1", Purpose: p, Kind: "consent", Channel: "app"}); err != nil {
				t.Fatal(err)
			}
		}
		nick := func() error {
			_, err := w.gate.Collect(ctx, staff, tenant, "s1", []collect.Item{{Field: "nickname", Purpose: "profile", Value: "Alice"}}, false)
			return err
		}
		if err := nick(); err != nil {
			t.Fatal(err)
		}
		// An undeclared purpose: nothing is withdrawn.
		r := w.verified(t, "s1", rights.TypeWithdrawConsent)
		var inv *store.InvalidError
		if _, err := w.f.FulfilWithdrawConsent(ctx, staff, tenant, r.ID, []string{"profile", "mining"}); !errors.As(err, &inv) || inv.Field != "purposes[1]" {
			t.Fatalf("unknown purpose: %v", err)
		}
		if err := nick(); err != nil {
			t.Fatalf("a failed withdrawal withdrew: %v", err)
		}
		// Listed purposes only.
		r, err := w.f.FulfilWithdrawConsent(ctx, staff, tenant, r.ID, []string{"profile", "device_control"})
		if err != nil {
			t.Fatal(err)
		}
		if o := detail(t, r).Outcome; r.State != rights.StateFulfilled || o == nil || !slices.Equal(o.Withdrawn, []string{"profile"}) {
			t.Fatalf("%s %+v", r.State, o)
		}
		refusedFor(t, nick(), consent.ReasonConsentWithdrawn)
		// Not retroactive: what was collected (twice) stays.
		if recs, err := w.readAll("s1", vault.ReasonProcessing); err != nil || len(recs) != 2 {
			t.Errorf("records %d %v", len(recs), err)
		}
		// Every purpose granted.
		r = w.verified(t, "s1", rights.TypeWithdrawConsent)
		if r, err = w.f.FulfilWithdrawConsent(ctx, staff, tenant, r.ID, nil); err != nil {
			t.Fatal(err)
		}
		if o := detail(t, r).Outcome; !slices.Equal(o.Withdrawn, []string{"device_sharing", "screenshot_sync"}) {
			t.Errorf("withdrawn %v", o.Withdrawn)
		}
		st, err := consent.NewStoreSource(w.st).SubjectState(ctx, tenant, "s1")
		if err != nil {
			t.Fatal(err)
		}
		for p, c := range st.Consents {
			if c.Granted {
				t.Errorf("%s still granted", p)
			}
		}
		es := w.log(t)
		if last := lastFor(es, r.ID); last.Details["purposes"] != "device_sharing,screenshot_sync" {
			t.Errorf("fulfil entry %+v", last)
		}
	})
}

func TestFulfilCorrection(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		old, err := w.v.PutRecords(ctx, staff, tenant, "s1", []vault.Value{{Field: "nickname", Purpose: "profile", Plain: []byte("Alise")}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := w.v.PutRecords(ctx, staff, tenant, "s2", []vault.Value{{Field: "nickname", Purpose: "profile", Plain: []byte("Bob")}})
		if err != nil {
			t.Fatal(err)
		}
		fixed := []vault.Value{{Field: "nickname", Purpose: "profile", Plain: []byte("Alice")}}
		r := w.verified(t, "s1", rights.TypeCorrect)
		var inv *store.InvalidError
		for _, bad := range []struct {
			supersedes []string
			values     []vault.Value
			field      string
		}{
			{other, fixed, "supersedes[0]"},                    // another subject's record
			{[]string{"nope"}, fixed, "supersedes[0]"},         // no such record
			{[]string{old[0], old[0]}, fixed, "supersedes[1]"}, // twice
			{nil, fixed, "supersedes"},                         // a correction replaces something
			{old, []vault.Value{{Field: "email", Purpose: "account", Plain: []byte("a@example.com")}}, "supersedes[0]"},
			{old, nil, "values"},
		} {
			if _, err := w.f.FulfilCorrection(ctx, staff, tenant, r.ID, bad.values, bad.supersedes); !errors.As(err, &inv) || inv.Field != bad.field {
				t.Errorf("%v: %v, want invalid %s", bad.supersedes, err, bad.field)
			}
		}
		if recs, _ := w.readAll("s1", vault.ReasonProcessing); len(recs) != 1 || string(recs[0].Plain) != "Alise" {
			t.Fatalf("bad input changed the records: %v", recs)
		}
		if r, err = w.f.FulfilCorrection(ctx, staff, tenant, r.ID, fixed, old); err != nil {
			t.Fatal(err)
		}
		o := detail(t, r).Outcome
		if r.State != rights.StateFulfilled || o == nil || !slices.Equal(o.Corrected, old) || len(o.Written) != 1 {
			t.Fatalf("%s %+v", r.State, o)
		}
		recs, err := w.readAll("s1", vault.ReasonProcessing)
		if err != nil || len(recs) != 1 || string(recs[0].Plain) != "Alice" || recs[0].ID != o.Written[0] {
			t.Errorf("after correction: %v %v", recs, err)
		}
		// A supplement adds.
		s := w.verified(t, "s1", rights.TypeSupplement)
		if _, err := w.f.FulfilCorrection(ctx, staff, tenant, s.ID, fixed, old); !errors.As(err, &inv) || inv.Field != "supersedes" {
			t.Errorf("supplement superseding: %v", err)
		}
		if s, err = w.f.FulfilCorrection(ctx, staff, tenant, s.ID, []vault.Value{{Field: "registered_region", Purpose: "account", Plain: []byte("Suzhou")}}, nil); err != nil {
			t.Fatal(err)
		}
		if recs, _ := w.readAll("s1", vault.ReasonProcessing); len(recs) != 2 {
			t.Errorf("after supplement: %d records", len(recs))
		}
		es := w.log(t)
		var deleted bool
		for _, e := range es {
			if e.Action == "record.delete" {
				deleted = e.Details["count"] == "1" && e.Details["ids_sha256"] == vault.IDsDigest(old) && e.Details["request"] == r.ID
			}
		}
		if !deleted {
			t.Error("no record.delete entry for the superseded record")
		}
		noValues(t, es, "Alise", "Alice", "Suzhou")
	})
}

func TestFulfilOthers(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		var inv *store.InvalidError

		t.Run("explain", func(t *testing.T) {
			r := w.verified(t, "s1", rights.TypeExplain)
			if _, err := w.f.FulfilExplanation(ctx, staff, tenant, r.ID, "why did you do that?"); !errors.As(err, &inv) || inv.Field != "reference" {
				t.Errorf("free text: %v", err)
			}
			r, err := w.f.FulfilExplanation(ctx, staff, tenant, r.ID, "explain:xiaoying-kankan/2026-04-10")
			if err != nil || r.State != rights.StateFulfilled || detail(t, r).Outcome.Reference != "explain:xiaoying-kankan/2026-04-10" {
				t.Fatalf("%v %v", r.State, err)
			}
		})
		t.Run("adm review", func(t *testing.T) {
			r := w.verified(t, "s1", rights.TypeADMReview)
			for _, bad := range []struct {
				rv    rights.Review
				field string
			}{
				{rights.Review{Decision: "ai-event-description", Outcome: "maybe", Reason: "x"}, "outcome"},
				{rights.Review{Decision: "ai-event-description", Outcome: rights.ReviewChanged, Reason: "the model was wrong"}, "reason"},
				{rights.Review{Decision: "credit-score", Outcome: rights.ReviewChanged, Reason: "model_error"}, "decision"},
			} {
				if _, err := w.f.FulfilReview(ctx, "user:reviewer-7", tenant, r.ID, bad.rv); !errors.As(err, &inv) || inv.Field != bad.field {
					t.Errorf("%+v: %v", bad.rv, err)
				}
			}
			const note = "Our model misread the footage; the alert is withdrawn."
			r, err := w.f.FulfilReview(ctx, "user:reviewer-7", tenant, r.ID,
				rights.Review{Decision: "ai-event-description", Outcome: rights.ReviewChanged, Reason: "model_error", Note: note})
			if err != nil {
				t.Fatal(err)
			}
			if rv := detail(t, r).Outcome.Review; r.State != rights.StateFulfilled || rv.Outcome != "changed" || rv.Note != note {
				t.Errorf("%s %+v", r.State, rv)
			}
			es := w.log(t)
			last := lastFor(es, r.ID)
			if last.Actor != "user:reviewer-7" || last.Details["outcome"] != "changed" || last.Details["reason"] != "model_error" {
				t.Errorf("entry %+v", last)
			}
			noValues(t, es, note)
		})
		t.Run("export", func(t *testing.T) {
			for _, typ := range []string{rights.TypeAccess, rights.TypeCopy, rights.TypePortability} {
				r := w.verified(t, "s1", typ)
				if _, err := w.f.FulfilExport(ctx, staff, tenant, r.ID, rights.Export{Format: "json", Bytes: 0}); !errors.As(err, &inv) || inv.Field != "bytes" {
					t.Errorf("empty export: %v", err)
				}
				if _, err := w.f.FulfilExport(ctx, staff, tenant, r.ID, rights.Export{Format: "json", Bytes: 10, SHA256: "ABC"}); !errors.As(err, &inv) || inv.Field != "sha256" {
					t.Errorf("bad digest: %v", err)
				}
				sum := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
				r, err := w.f.FulfilExport(ctx, staff, tenant, r.ID, rights.Export{Format: "zip", Bytes: 4096, SHA256: sum})
				if err != nil {
					t.Fatal(err)
				}
				if ex := detail(t, r).Outcome.Export; r.State != rights.StateFulfilled || ex.Format != "zip" || ex.Bytes != 4096 || ex.SHA256 != sum {
					t.Errorf("%s: %s %+v", typ, r.State, ex)
				}
			}
		})
		t.Run("wrong type and state", func(t *testing.T) {
			r := w.verified(t, "s1", rights.TypeDelete)
			if _, err := w.f.FulfilExport(ctx, staff, tenant, r.ID, rights.Export{Format: "json", Bytes: 1}); !errors.Is(err, rights.ErrWrongType) {
				t.Errorf("export of a delete request: %v", err)
			}
			if _, err := w.f.FulfilRestrict(ctx, staff, tenant, r.ID); !errors.Is(err, rights.ErrWrongType) {
				t.Errorf("restrict a delete request: %v", err)
			}
			r, err := w.f.Create(ctx, staff, tenant, "s1", rights.TypeAccess, "app")
			if err != nil {
				t.Fatal(err)
			}
			var te *rights.TransitionError
			if _, err := w.f.FulfilExport(ctx, staff, tenant, r.ID, rights.Export{Format: "json", Bytes: 1}); !errors.As(err, &te) || te.From != "received" {
				t.Errorf("unverified: %v", err)
			}
			if s := w.subject(t, "s1"); s.Status != store.StatusActive {
				t.Errorf("a refused step changed the subject: %s", s.Status)
			}
		})
	})
}

func TestExpireUnverified(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		stale, err := w.f.Create(ctx, staff, tenant, "s1", rights.TypeAccess, "app")
		if err != nil {
			t.Fatal(err)
		}
		verifying, err := w.f.Create(ctx, staff, tenant, "s2", rights.TypeCopy, "app")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.f.StartVerification(ctx, staff, tenant, verifying.ID); err != nil {
			t.Fatal(err)
		}
		done := w.verified(t, "s1", rights.TypeDelete)
		after := 7 * 24 * time.Hour
		if got, err := w.f.ExpireUnverified(ctx, tenant, start.Add(after-time.Second), after); err != nil || len(got) != 0 {
			t.Fatalf("too early: %v %v", got, err)
		}
		got, err := w.f.ExpireUnverified(ctx, tenant, start.Add(after), after)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			if r.State != rights.StateExpired {
				t.Errorf("%s %s", r.ID, r.State)
			}
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		want := []string{stale.ID, verifying.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("expired %v, want %v", ids, want)
		}
		if again, err := w.f.ExpireUnverified(ctx, tenant, start.Add(2*after), after); err != nil || len(again) != 0 {
			t.Errorf("re-run: %v %v", again, err)
		}
		var r store.Request
		_ = w.st.Read(ctx, func(rd store.Reader) error { r, err = rd.GetRequest(ctx, tenant, done.ID); return err })
		if err != nil || r.State != rights.StateVerified {
			t.Errorf("verified request: %s %v", r.State, err)
		}
		es := w.log(t)
		if last := lastFor(es, stale.ID); last.Action != "request.expire" || last.Details["reason"] != "unverified" {
			t.Errorf("entry %+v", last)
		}
	})
}

func TestRemind(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		r := w.verified(t, "s1", rights.TypeAccess) // 15 working days from receipt on Mon 2 Mar 2026: Mon 23 Mar
		if want := time.Date(2026, 3, 23, 23, 59, 59, 0, cst); !r.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", r.DueAt, want)
		}
		answered := w.verified(t, "s2", rights.TypeAccess)
		if _, err := w.f.FulfilExport(ctx, staff, tenant, answered.ID, rights.Export{Format: "json", Bytes: 10}); err != nil {
			t.Fatal(err)
		}
		before := 3 * 24 * time.Hour
		now := time.Date(2026, 3, 20, 23, 0, 0, 0, cst) // 3 days and 59 minutes before
		if got, err := w.f.Remind(ctx, tenant, now, before); err != nil || len(got) != 0 {
			t.Fatalf("too early: %v %v", got, err)
		}
		now = now.Add(time.Hour)
		got, err := w.f.Remind(ctx, tenant, now, before)
		if err != nil || len(got) != 1 || got[0].ID != r.ID {
			t.Fatalf("remind: %v %v", got, err)
		}
		if at := detail(t, got[0]).RemindedAt; !at.Equal(now) {
			t.Errorf("reminded at %v, want %v", at, now)
		}
		for _, later := range []time.Time{now.Add(time.Hour), r.DueAt.Add(time.Hour)} {
			if got, err := w.f.Remind(ctx, tenant, later, before); err != nil || len(got) != 0 {
				t.Errorf("reminded twice at %v: %v %v", later, got, err)
			}
		}
		if n := slices.Index(requestActions(w.log(t), r.ID), "request.remind"); n < 0 {
			t.Error("no request.remind entry")
		}
	})
}

// BenchmarkFulfilDelete measures erasing a subject with 100 records on
// SQLite: the hold check, the shred (key destroyed, rows purged) and the
// request's fulfilment.
func BenchmarkFulfilDelete(b *testing.B) {
	ctx := context.Background()
	w := newWorld(b, vaultBackends[0].opts, start)
	vals := make([]vault.Value, 100)
	for i := range vals {
		vals[i] = vault.Value{Field: "nickname", Purpose: "profile", Plain: []byte("value")}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		s := "b" + strconv.Itoa(i)
		if _, err := w.v.CreateSubject(ctx, staff, store.Subject{Tenant: tenant, ID: s}); err != nil {
			b.Fatal(err)
		}
		if _, err := w.v.PutRecords(ctx, staff, tenant, s, vals); err != nil {
			b.Fatal(err)
		}
		r := w.verified(b, s, rights.TypeDelete)
		b.StartTimer()
		if _, err := w.f.FulfilDelete(ctx, staff, tenant, r.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinishCancellationsIdle measures the periodic job's scan when
// 1,000 cancellations are in their cooling-off and none is due.
func BenchmarkFinishCancellationsIdle(b *testing.B) {
	ctx := context.Background()
	w := newWorld(b, vaultBackends[0].opts, start)
	for i := range 1000 {
		s := "c" + strconv.Itoa(i)
		if _, err := w.v.CreateSubject(ctx, staff, store.Subject{Tenant: tenant, ID: s}); err != nil {
			b.Fatal(err)
		}
		if _, err := w.f.CancelAccount(ctx, staff, tenant, w.verified(b, s, rights.TypeCancelAccount).ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := w.f.FinishCancellations(ctx, tenant, start.Add(time.Hour))
		if err != nil || len(got) != 0 {
			b.Fatal(got, err)
		}
	}
}

// TestFulfilDeleteBackgroundPurge: with a Purge hook the erasure returns
// once the data is unreadable, and the rows go when the purge runs.
func TestFulfilDeleteBackgroundPurge(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, start)
		if err := w.collectEmail("s1", "alice@example.com"); err != nil {
			t.Fatal(err)
		}
		var queued []string
		w.f.Purge = func(_ context.Context, tn, subject string) error {
			queued = append(queued, tn+"/"+subject)
			return nil
		}
		r := w.verified(t, "s1", rights.TypeDelete)
		r, err := w.f.FulfilDelete(ctx, staff, tenant, r.ID)
		if err != nil || r.State != rights.StateFulfilled {
			t.Fatalf("FulfilDelete: %s, %v", r.State, err)
		}
		if !slices.Equal(queued, []string{tenant + "/s1"}) {
			t.Errorf("purges queued: %v", queued)
		}
		if o := detail(t, r).Outcome; o == nil || !strings.Contains(o.Note, "background") {
			t.Errorf("outcome %+v: want a note that the purge runs in the background", o)
		}
		if recs, err := w.readAll("s1", vault.ReasonLegalObligation); !errors.Is(err, vault.ErrErased) || len(recs) != 0 {
			t.Errorf("read after erase: %d records, %v", len(recs), err)
		}
		count := func() int64 {
			var n int64
			if err := w.st.Read(ctx, func(rd store.Reader) error {
				var err error
				n, err = rd.CountRecords(ctx, tenant, store.RecordFilter{Subject: "s1"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count() == 0 {
			t.Error("rows purged before the background purge ran")
		}
		if res, err := w.v.Purge(ctx, "system:purge", tenant, "s1"); err != nil || res.Records != 1 {
			t.Errorf("Purge: %+v, %v", res, err)
		}
		if n := count(); n != 0 {
			t.Errorf("%d rows left after the purge", n)
		}
	})
}
