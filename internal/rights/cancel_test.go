package rights_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// withCancellation returns d with its rights.cancellation changed by fn.
func withCancellation(d *policy.Declaration, fn func(*policy.Cancellation)) *policy.Declaration {
	return variant(d, func(d *policy.Declaration) {
		c := *d.Rights.Cancellation
		fn(&c)
		d.Rights.Cancellation = &c
	})
}

func TestCancellationDates(t *testing.T) {
	d := loadExample(t)
	cn := d.Rights.Cancellation
	// Seed 004 as declared: 7 days' cooling-off, then 10 working days.
	if cn.CoolingOff.String() != "7 days" || cn.Deadline.String() != "10 working days" || cn.Resume != "login" || cn.Action != "delete" {
		t.Fatalf("example's rights.cancellation changed: %+v", cn)
	}
	// Cancelled Mon 29 Sep 2025: the cooling-off ends with Mon 6 Oct
	// (National Day holiday); counting on the CN calendar 9, 10, 11 (a
	// Saturday made a working day), 13-17, 20 and 21 Oct.
	at := time.Date(2025, 9, 29, 10, 0, 0, 0, cst)
	ends, due, err := rights.CancellationDates(d, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 10, 6, 23, 59, 59, 0, cst); !ends.Equal(want) {
		t.Errorf("cooling-off ends %v, want %v", ends, want)
	}
	if want := time.Date(2025, 10, 21, 23, 59, 59, 0, cst); !due.At.Equal(want) {
		t.Errorf("delete by %v, want %v", due.At, want)
	}
	if due.Rule != "10 working days after the end of the cooling-off (CN calendar)" {
		t.Errorf("rule %q", due.Rule)
	}
	// No cooling-off: at once, and the deadline runs from the cancellation.
	none := withCancellation(d, func(c *policy.Cancellation) { c.CoolingOff = policy.Period{} })
	ends, due, err = rights.CancellationDates(none, at)
	if err != nil || !ends.Equal(at) || !due.At.Equal(time.Date(2025, 10, 20, 23, 59, 59, 0, cst)) || !strings.Contains(due.Rule, "after cancellation") {
		t.Errorf("no cooling-off: %v %+v %v", ends, due, err)
	}
	if _, _, err := rights.CancellationDates(variant(d, func(d *policy.Declaration) { d.Rights.Cancellation = nil }), at); !errors.Is(err, rights.ErrNoCancellationD) {
		t.Errorf("no cancellation declared: %v", err)
	}
}

func TestCancelAccount(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		w := open(t, time.Date(2025, 9, 26, 12, 0, 0, 0, cst)) // Friday
		const email = "alice@example.com"
		if err := w.collectEmail("s1", email); err != nil {
			t.Fatal(err)
		}

		// Cancel: the gate refuses the account at once.
		r1 := w.verified(t, "s1", rights.TypeCancelAccount)
		r1, err := w.f.CancelAccount(ctx, "user:s1", tenant, r1.ID)
		if err != nil {
			t.Fatal(err)
		}
		det := detail(t, r1)
		if r1.State != rights.StateInProgress || !det.CoolingOffEnds.Equal(time.Date(2025, 10, 3, 23, 59, 59, 0, cst)) {
			t.Fatalf("cancelled: %s, cooling-off ends %v", r1.State, det.CoolingOffEnds)
		}
		if det.Notice == nil || !strings.Contains(det.Notice.EN, "log in again") || !strings.Contains(det.Notice.ZH, "重新登录") {
			t.Errorf("notice %+v", det.Notice)
		}
		if s := w.subject(t, "s1"); s.Status != store.StatusCancelled {
			t.Fatalf("status %s", s.Status)
		}
		refusedFor(t, w.collectEmail("s1", email), consent.ReasonSubjectCancelled)
		size, _ := w.v.AuditSize(ctx)
		if again, err := w.f.CancelAccount(ctx, "user:s1", tenant, r1.ID); err != nil || again.State != rights.StateInProgress {
			t.Errorf("cancel again: %v %v", again.State, err)
		}
		if n, _ := w.v.AuditSize(ctx); n != size {
			t.Errorf("cancelling again wrote %d entries", n-size)
		}

		// Log in again during the cooling-off: active, request withdrawn.
		w.clk.Set(time.Date(2025, 9, 28, 9, 0, 0, 0, cst))
		r1, err = w.f.Resume(ctx, "user:s1", tenant, "s1")
		if err != nil {
			t.Fatal(err)
		}
		if r1.State != rights.StateWithdrawn || w.subject(t, "s1").Status != store.StatusActive {
			t.Fatalf("resumed: %s %s", r1.State, w.subject(t, "s1").Status)
		}
		if err := w.collectEmail("s1", email); err != nil {
			t.Errorf("gate after resume: %v", err)
		}
		if _, err := w.f.Resume(ctx, "user:s1", tenant, "s1"); !errors.Is(err, rights.ErrNoCancellation) {
			t.Errorf("resume twice: %v", err)
		}

		// Cancel again; the cooling-off and the deadline run on the CN
		// calendar across National Day.
		w.clk.Set(time.Date(2025, 9, 29, 10, 0, 0, 0, cst))
		r2 := w.verified(t, "s1", rights.TypeCancelAccount)
		if r2, err = w.f.CancelAccount(ctx, "user:s1", tenant, r2.ID); err != nil {
			t.Fatal(err)
		}
		det = detail(t, r2)
		coolEnd := time.Date(2025, 10, 6, 23, 59, 59, 0, cst)
		deleteBy := time.Date(2025, 10, 21, 23, 59, 59, 0, cst)
		if !det.CoolingOffEnds.Equal(coolEnd) || !det.DeleteBy.Equal(deleteBy) || !r2.DueAt.Equal(deleteBy) {
			t.Fatalf("cooling-off ends %v, delete by %v, due %v", det.CoolingOffEnds, det.DeleteBy, r2.DueAt)
		}
		if det.Rule != "10 working days after the end of the cooling-off (CN calendar)" {
			t.Errorf("rule %q", det.Rule)
		}
		// Not yet.
		w.clk.Set(coolEnd.Add(-time.Second))
		if got, err := w.f.FinishCancellations(ctx, tenant, w.clk.Now()); err != nil || len(got) != 0 {
			t.Fatalf("finished during the cooling-off: %v %v", got, err)
		}
		if recs, err := w.readAll("s1", vault.ReasonLegalObligation); err != nil || len(recs) != 2 {
			t.Fatalf("records during the cooling-off: %d %v", len(recs), err)
		}
		// The cooling-off is over: no resuming; the job erases.
		w.clk.Set(coolEnd.Add(time.Second))
		if _, err := w.f.Resume(ctx, "user:s1", tenant, "s1"); !errors.Is(err, rights.ErrCoolingOffOver) {
			t.Errorf("resume after the cooling-off: %v", err)
		}
		w.clk.Set(time.Date(2025, 10, 9, 3, 0, 0, 0, cst)) // the job's next run, first working day
		got, err := w.f.FinishCancellations(ctx, tenant, w.clk.Now())
		if err != nil || len(got) != 1 || got[0].ID != r2.ID {
			t.Fatalf("finish: %v %v", got, err)
		}
		r2 = got[0]
		if r2.State != rights.StateFulfilled || r2.UpdatedAt.After(deleteBy) {
			t.Errorf("fulfilled %s at %v, deadline %v", r2.State, r2.UpdatedAt, deleteBy)
		}
		det = detail(t, r2)
		if o := det.Outcome; o == nil || o.Status != "erased" || o.StatusBefore != "active" || o.Action != "delete" || o.Records != 2 || o.Note != "" {
			t.Errorf("outcome %+v", det.Outcome)
		}
		if det.Notice == nil || !strings.Contains(det.Notice.EN, "cancelled and its personal information deleted") {
			t.Errorf("notice %+v", det.Notice)
		}
		if _, err := w.readAll("s1", vault.ReasonLegalObligation); !errors.Is(err, vault.ErrErased) {
			t.Errorf("read after finish: %v", err)
		}
		refusedFor(t, w.collectEmail("s1", email), consent.ReasonSubjectErased)
		if got := counter(t, w.f.Metrics.Met.WithLabelValues(rights.TypeCancelAccount)); got != 1 {
			t.Errorf("deadlines met: %v", got)
		}

		// Running the job again is harmless.
		size, _ = w.v.AuditSize(ctx)
		w.clk.Set(deleteBy.Add(time.Hour))
		if got, err := w.f.FinishCancellations(ctx, tenant, w.clk.Now()); err != nil || len(got) != 0 {
			t.Errorf("re-run: %v %v", got, err)
		}
		if n, _ := w.v.AuditSize(ctx); n != size {
			t.Errorf("re-run wrote %d entries", n-size)
		}

		es := w.log(t)
		if got, want := requestActions(es, r1.ID), []string{"request.create", "request.verifying", "request.verify", "request.start", "request.cancel_account", "request.withdraw"}; !slices.Equal(got, want) {
			t.Errorf("first request's audit %v, want %v", got, want)
		}
		if got, want := requestActions(es, r2.ID), []string{"request.create", "request.verifying", "request.verify", "request.start", "request.cancel_account", "request.fulfil"}; !slices.Equal(got, want) {
			t.Errorf("second request's audit %v, want %v", got, want)
		}
		if got := subjectActions(es, "s1"); !slices.Contains(got, "subject.shred") || !slices.Contains(got, "subject.purge") {
			t.Errorf("subject audit %v", got)
		}
		if last := lastFor(es, r2.ID); last.Actor != "system:finish-cancellations" || last.Details["records"] != "2" {
			t.Errorf("fulfil entry %+v", last)
		}
		noValues(t, es, email)
	})
}

func TestCancelAccountVariants(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		ctx := context.Background()
		at := time.Date(2025, 9, 29, 10, 0, 0, 0, cst)

		t.Run("no resume", func(t *testing.T) {
			w := open(t, at)
			w.decl = withCancellation(w.decl, func(c *policy.Cancellation) { c.Resume = "none" })
			r := w.verified(t, "s1", rights.TypeCancelAccount)
			r, err := w.f.CancelAccount(ctx, "user:s1", tenant, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n := detail(t, r).Notice; n == nil || strings.Contains(n.EN, "log in again") {
				t.Errorf("notice %+v", n)
			}
			w.clk.Advance(time.Hour)
			if _, err := w.f.Resume(ctx, "user:s1", tenant, "s1"); !errors.Is(err, rights.ErrNoResume) {
				t.Errorf("resume: %v", err)
			}
			if s := w.subject(t, "s1"); s.Status != store.StatusCancelled {
				t.Errorf("status %s", s.Status)
			}
		})

		t.Run("no cooling-off", func(t *testing.T) {
			w := open(t, at)
			w.decl = withCancellation(w.decl, func(c *policy.Cancellation) { c.CoolingOff = policy.Period{} })
			if err := w.collectEmail("s1", "alice@example.com"); err != nil {
				t.Fatal(err)
			}
			r := w.verified(t, "s1", rights.TypeCancelAccount)
			r, err := w.f.CancelAccount(ctx, "user:s1", tenant, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.State != rights.StateFulfilled || w.subject(t, "s1").Status != store.StatusErased {
				t.Fatalf("%s %s", r.State, w.subject(t, "s1").Status)
			}
			if _, err := w.f.Resume(ctx, "user:s1", tenant, "s1"); !errors.Is(err, rights.ErrNoCancellation) {
				t.Errorf("resume: %v", err)
			}
		})

		t.Run("anonymize, hold and crash", func(t *testing.T) {
			w := open(t, at)
			w.decl = withCancellation(w.decl, func(c *policy.Cancellation) { c.Action = "anonymize" })
			var reqs []store.Request
			for _, s := range []string{"s1", "s2"} {
				if err := w.collectEmail(s, s+"@example.com"); err != nil {
					t.Fatal(err)
				}
				r, err := w.f.CancelAccount(ctx, "user:"+s, tenant, w.verified(t, s, rights.TypeCancelAccount).ID)
				if err != nil {
					t.Fatal(err)
				}
				reqs = append(reqs, r)
			}
			// s3 restricted processing, then cancelled, then resumed: the
			// restriction stays.
			if _, err := w.v.CreateSubject(ctx, staff, store.Subject{Tenant: tenant, ID: "s3"}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.f.FulfilRestrict(ctx, staff, tenant, w.verified(t, "s3", rights.TypeRestrict).ID); err != nil {
				t.Fatal(err)
			}
			if _, err := w.f.CancelAccount(ctx, "user:s3", tenant, w.verified(t, "s3", rights.TypeCancelAccount).ID); err != nil {
				t.Fatal(err)
			}
			w.clk.Advance(time.Hour)
			if _, err := w.f.Resume(ctx, "user:s3", tenant, "s3"); err != nil {
				t.Fatal(err)
			}
			if s := w.subject(t, "s3"); s.Status != store.StatusRestricted {
				t.Errorf("s3 resumed to %s, want restricted", s.Status)
			}

			w.placeHold(t, "h1", store.HoldSubject, "s1")
			// A crash after s2's shred, before its request was fulfilled.
			if _, err := w.v.Shred(ctx, "system:finish-cancellations", tenant, "s2"); err != nil {
				t.Fatal(err)
			}
			w.clk.Set(time.Date(2025, 10, 9, 3, 0, 0, 0, cst))
			got, err := w.f.FinishCancellations(ctx, tenant, w.clk.Now())
			if err != nil || len(got) != 2 {
				t.Fatalf("finish: %v %v", got, err)
			}
			held, done := detail(t, got[0]), detail(t, got[1])
			if got[0].ID != reqs[0].ID {
				held, done = done, held
			}
			if !held.Held || !slices.Equal(held.HoldIDs, []string{"h1"}) || held.Outcome.Status != "restricted" || held.Outcome.StatusBefore != "active" {
				t.Errorf("held: %+v %+v", held, held.Outcome)
			}
			if s := w.subject(t, "s1"); s.Status != store.StatusRestricted {
				t.Errorf("held subject %s", s.Status)
			}
			if recs, err := w.readAll("s1", vault.ReasonLegalObligation); err != nil || len(recs) != 1 {
				t.Errorf("held records: %d %v", len(recs), err)
			}
			if o := done.Outcome; done.Held || o.Status != "erased" || o.Action != "anonymize" || !strings.Contains(o.Note, "anonymize") {
				t.Errorf("anonymized: %+v", o)
			}
			if _, err := w.readAll("s2", vault.ReasonLegalObligation); !errors.Is(err, vault.ErrErased) {
				t.Errorf("s2 read: %v", err)
			}
			if again, err := w.f.FinishCancellations(ctx, tenant, w.clk.Now()); err != nil || len(again) != 0 {
				t.Errorf("re-run: %v %v", again, err)
			}
		})

		t.Run("no cancellation declared", func(t *testing.T) {
			w := open(t, at)
			w.decl = variant(w.decl, func(d *policy.Declaration) { d.Rights.Cancellation = nil })
			r := w.verified(t, "s1", rights.TypeCancelAccount)
			if _, err := w.f.CancelAccount(ctx, "user:s1", tenant, r.ID); !errors.Is(err, rights.ErrNoCancellationD) {
				t.Errorf("cancel: %v", err)
			}
			if s := w.subject(t, "s1"); s.Status != store.StatusActive {
				t.Errorf("status %s", s.Status)
			}
		})
	})
}

func ExampleCancellationDates() {
	path := filepath.Join("..", "..", "examples", "xiaoying-kankan.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	doc, err := policy.Parse(path, src)
	if err != nil {
		panic(err)
	}
	beijing := time.FixedZone("CST", 8*3600)
	cancelled := time.Date(2025, 9, 29, 10, 0, 0, 0, beijing)
	coolingOffEnds, deleteBy, err := rights.CancellationDates(doc.Decl, cancelled)
	if err != nil {
		panic(err)
	}
	fmt.Println("resume by logging in until", coolingOffEnds.In(beijing).Format(time.DateTime))
	fmt.Println("delete by", deleteBy.At.In(beijing).Format(time.DateTime), "—", deleteBy.Rule)
	// Output:
	// resume by logging in until 2025-10-06 23:59:59
	// delete by 2025-10-21 23:59:59 — 10 working days after the end of the cooling-off (CN calendar)
}
