package rights_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

var cst = time.FixedZone("CST", 8*3600)

func loadExample(t testing.TB) *policy.Declaration {
	t.Helper()
	path := filepath.Join("..", "..", "examples", "xiaoying-kankan.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

// variant returns a copy of d changed by fn (slices in Rights replaced, not
// mutated).
func variant(d *policy.Declaration, fn func(*policy.Declaration)) *policy.Declaration {
	c := *d
	fn(&c)
	return &c
}

func mustPeriod(t testing.TB, s string) policy.Period {
	t.Helper()
	p, err := policy.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTransitions(t *testing.T) {
	allowed := map[[2]string]bool{}
	for _, p := range [][2]string{
		{"received", "verifying"}, {"received", "refused"}, {"received", "withdrawn"}, {"received", "expired"},
		{"verifying", "verified"}, {"verifying", "refused"}, {"verifying", "withdrawn"}, {"verifying", "expired"},
		{"verified", "in_progress"}, {"verified", "refused"}, {"verified", "withdrawn"}, {"verified", "expired"},
		{"in_progress", "fulfilled"}, {"in_progress", "refused"}, {"in_progress", "withdrawn"}, {"in_progress", "expired"},
	} {
		allowed[p] = true
	}
	// Every pair of states: the allowed ones pass, every other fails with
	// a TransitionError naming both.
	for _, from := range rights.States {
		for _, to := range rights.States {
			err := rights.CheckTransition(from, to)
			if allowed[[2]string{from, to}] {
				if err != nil {
					t.Errorf("%s → %s: %v", from, to, err)
				}
				continue
			}
			var te *rights.TransitionError
			if !errors.As(err, &te) || te.From != from || te.To != to || !errors.Is(err, rights.ErrTransition) {
				t.Errorf("%s → %s: got %v, want a TransitionError", from, to, err)
			} else if !strings.Contains(err.Error(), from) || !strings.Contains(err.Error(), to) {
				t.Errorf("error %q does not name both states", err)
			}
		}
	}
	for _, s := range []string{"fulfilled", "refused", "withdrawn", "expired"} {
		if !rights.Final(s) {
			t.Errorf("%s not final", s)
		}
	}
	// Types are taxonomy rights.
	for _, typ := range rights.Types {
		if _, ok := taxonomy.LookupRight(typ); !ok {
			t.Errorf("type %q is not a taxonomy right", typ)
		}
	}
}

func TestDeadlines(t *testing.T) {
	base := loadExample(t)
	fromVerification := variant(base, func(d *policy.Declaration) { d.Rights.DeadlineFrom = "verification" })
	endOf := func(y int, m time.Month, day int, loc *time.Location) time.Time {
		return time.Date(y, m, day, 23, 59, 59, 0, loc)
	}
	received := time.Date(2025, 9, 20, 10, 0, 0, 0, cst)

	t.Run("national day", func(t *testing.T) {
		verified := time.Date(2025, 9, 26, 18, 30, 0, 0, cst) // Friday
		due, err := rights.Deadline(fromVerification, "", rights.TypeAccess, verified, received)
		if err != nil {
			t.Fatal(err)
		}
		if !due.At.Equal(endOf(2025, 10, 23, cst)) {
			t.Errorf("due %v, want end of Thu 2025-10-23", due.At)
		}
		if due.Rule != "15 working days after identity verification (CN calendar)" {
			t.Errorf("rule %q", due.Rule)
		}
	})
	t.Run("spring festival", func(t *testing.T) {
		verified := time.Date(2026, 2, 13, 9, 0, 0, 0, cst) // Friday before 春节
		due, err := rights.Deadline(fromVerification, "pipl", rights.TypeDelete, verified, verified)
		if err != nil {
			t.Fatal(err)
		}
		// 14 Feb (adjusted) =1, 15-23 off, 24-27 =2..5, 28 Feb (adjusted) =6,
		// 2-6 Mar =7..11, 9-12 Mar =12..15.
		if !due.At.Equal(endOf(2026, 3, 12, cst)) {
			t.Errorf("due %v, want end of Thu 2026-03-12", due.At)
		}
	})
	t.Run("not verified", func(t *testing.T) {
		if _, err := rights.Deadline(fromVerification, "", rights.TypeAccess, time.Time{}, received); !errors.Is(err, rights.ErrNotVerified) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("cancel account 10 working days", func(t *testing.T) {
		// From receipt, as the example declares: Fri 2025-09-26 + 10
		// working days = 28 Sep, 29, 30 Sep, 9, 10, 11 (Sat adjusted), 13,
		// 14, 15, 16 Oct.
		at := time.Date(2025, 9, 26, 12, 0, 0, 0, cst)
		due, err := rights.Deadline(base, "", rights.TypeCancelAccount, time.Time{}, at)
		if err != nil {
			t.Fatal(err)
		}
		if !due.At.Equal(endOf(2025, 10, 16, cst)) {
			t.Errorf("due %v, want end of Thu 2025-10-16", due.At)
		}
		if due.Rule != "10 working days after receipt of the request (CN calendar)" {
			t.Errorf("rule %q", due.Rule)
		}
	})
	t.Run("gdpr month caps a longer declared deadline", func(t *testing.T) {
		d := variant(base, func(d *policy.Declaration) {
			d.Laws = []string{"gdpr"}
			d.Rights.Calendar = "EU"
			d.Rights.Deadline = mustPeriod(t, "2 months")
			d.Rights.Items = nil
		})
		rec := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
		due, err := rights.Deadline(d, "", rights.TypeAccess, time.Time{}, rec)
		if err != nil {
			t.Fatal(err)
		}
		eu, _ := calendar.Load("EU")
		if !due.At.Equal(endOf(2026, 2, 28, eu.Location())) || due.RuleID != calendar.GDPRMonth().ID {
			t.Errorf("due %v rule %s", due, due.RuleID)
		}
		ext, err := rights.Extension(d, due.RuleID, rec)
		if err != nil {
			t.Fatal(err)
		}
		if !ext.At.Equal(endOf(2026, 4, 30, eu.Location())) || !ext.Extended {
			t.Errorf("extended %+v", ext)
		}
		if _, err := rights.Extension(d, ext.RuleID, rec); !errors.Is(err, rights.ErrNoExtension) {
			t.Errorf("second extension: %v", err)
		}
	})
	t.Run("declared deadline shorter than gdpr wins, not extendable", func(t *testing.T) {
		d := variant(base, func(d *policy.Declaration) { d.Laws = []string{"pipl", "gdpr"} })
		rec := time.Date(2025, 9, 26, 12, 0, 0, 0, cst)
		due, err := rights.Deadline(d, "", rights.TypeAccess, time.Time{}, rec)
		if err != nil {
			t.Fatal(err)
		}
		if due.RuleID == calendar.GDPRMonth().ID {
			t.Fatalf("GDPR month chosen over 15 working days: %+v", due)
		}
		if _, err := rights.Extension(d, due.RuleID, rec); !errors.Is(err, rights.ErrNoExtension) {
			t.Errorf("extension of a declared deadline: %v", err)
		}
	})
	t.Run("ccpa", func(t *testing.T) {
		d := variant(base, func(d *policy.Declaration) {
			d.Laws = []string{"ccpa"}
			d.Rights.Calendar = "US"
			d.Rights.Deadline = mustPeriod(t, "60 days")
			d.Rights.Items = nil
		})
		rec := time.Date(2025, 11, 20, 15, 0, 0, 0, time.UTC) // Thursday
		due, err := rights.Deadline(d, "", rights.TypeDelete, time.Time{}, rec)
		if err != nil {
			t.Fatal(err)
		}
		if due.RuleID != calendar.CCPAResponse().ID {
			t.Fatalf("rule %s", due.RuleID)
		}
		us, _ := calendar.Load("US")
		want, _ := calendar.Deadline(calendar.CCPAResponse(), rec, us)
		if !due.At.Equal(want.At) || due.At.Sub(rec) > 46*24*time.Hour || due.At.Sub(rec) < 44*24*time.Hour {
			t.Errorf("due %v, want about 45 days after %v", due.At, rec)
		}
		ack, ok, err := rights.Acknowledge(d, rec)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		// 10 business days from Thu 20 Nov 2025: Thanksgiving (27 Nov) is
		// off, so the 10th is Fri 5 Dec.
		if y, m, dd := ack.At.In(us.Location()).Date(); y != 2025 || m != 12 || dd != 5 {
			t.Errorf("acknowledge by %v, want 2025-12-05", ack.At)
		}
		ext, err := rights.Extension(d, due.RuleID, rec)
		if err != nil {
			t.Fatal(err)
		}
		if d := ext.At.Sub(rec); d < 89*24*time.Hour || d > 91*24*time.Hour {
			t.Errorf("extended to %v", ext.At)
		}
		if _, ok, _ := rights.Acknowledge(base, rec); ok {
			t.Error("acknowledgement under PIPL alone")
		}
	})
}

// opener opens a store at the given clock.
type opener func(t *testing.T, clk clock.Clock) store.Store

func TestServiceSQLite(t *testing.T) {
	serviceTests(t, func(t *testing.T, clk clock.Clock) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestServicePostgres(t *testing.T) {
	serviceTests(t, func(t *testing.T, clk clock.Clock) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.Schema(t), clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

type env struct {
	svc  *rights.Service
	clk  *clock.Fake
	st   store.Store
	decl *policy.Declaration
}

func newEnv(t *testing.T, open opener, d *policy.Declaration, start time.Time) *env {
	t.Helper()
	clk := clock.NewFake(start)
	st := open(t, clk)
	ctx := context.Background()
	err := st.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "Tenant", Kind: store.KindController}); err != nil {
			return err
		}
		for _, s := range []string{"s1", "s2"} {
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: s}); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "setup"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{clk: clk, st: st, decl: d}
	e.svc = &rights.Service{Store: st, Clock: clk, Metrics: rights.NewMetrics(),
		Declaration: func(context.Context, string) (*policy.Declaration, error) { return e.decl, nil }}
	return e
}

// entries returns the audit entries for request id.
func (e *env) entries(t *testing.T, id string) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	log := e.st.(audit.Log)
	n, err := log.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	err = log.AuditEntries(ctx, 0, n, func(se audit.StoredEntry) error {
		if se.ObjectID == id {
			out = append(out, se.Entry)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(es []audit.Entry) []string {
	var a []string
	for _, e := range es {
		a = append(a, e.Action)
	}
	return a
}

func serviceTests(t *testing.T, open opener) {
	ctx := context.Background()
	base := loadExample(t)
	fromVerification := variant(base, func(d *policy.Declaration) { d.Rights.DeadlineFrom = "verification" })

	t.Run("lifecycle across national day", func(t *testing.T) {
		e := newEnv(t, open, fromVerification, time.Date(2025, 9, 25, 2, 0, 0, 0, time.UTC))
		r, err := e.svc.Create(ctx, "apikey:k1", "t1", "s1", rights.TypeAccess, "app")
		if err != nil {
			t.Fatal(err)
		}
		if r.State != rights.StateReceived || !r.DueAt.IsZero() {
			t.Fatalf("created %+v", r)
		}
		e.clk.Advance(time.Hour)
		if r, err = e.svc.StartVerification(ctx, "apikey:k1", "t1", r.ID); err != nil {
			t.Fatal(err)
		}
		verified := time.Date(2025, 9, 26, 18, 0, 0, 0, cst)
		e.clk.Set(verified)
		if r, err = e.svc.Verified(ctx, "apikey:k1", "t1", r.ID, verified); err != nil {
			t.Fatal(err)
		}
		want := time.Date(2025, 10, 23, 23, 59, 59, 0, cst)
		if !r.DueAt.Equal(want) {
			t.Errorf("due %v, want %v", r.DueAt, want)
		}
		det, err := rights.DetailOf(r)
		if err != nil {
			t.Fatal(err)
		}
		if det.Rule != "15 working days after identity verification (CN calendar)" || det.Channel != "app" || !slices.Equal(det.Laws, []string{"pipl"}) {
			t.Errorf("detail %+v", det)
		}
		// Illegal: fulfil before starting.
		var te *rights.TransitionError
		if _, err := e.svc.Fulfil(ctx, "apikey:k1", "t1", r.ID); !errors.As(err, &te) || te.From != "verified" || te.To != "fulfilled" {
			t.Errorf("fulfil from verified: %v", err)
		}
		// PIPL deadlines may not be extended.
		if _, err := e.svc.Extend(ctx, "apikey:k1", "t1", r.ID, "busy"); !errors.Is(err, rights.ErrNoExtension) {
			t.Errorf("extend under PIPL: %v", err)
		}
		if _, err = e.svc.Start(ctx, "apikey:k1", "t1", r.ID); err != nil {
			t.Fatal(err)
		}
		// Not overdue on the deadline's last second, overdue after it.
		if od, err := e.svc.Overdue(ctx, "t1", want); err != nil || len(od) != 0 {
			t.Errorf("overdue at deadline: %v %v", od, err)
		}
		if od, err := e.svc.Overdue(ctx, "t1", want.Add(time.Second)); err != nil || len(od) != 1 || od[0].ID != r.ID {
			t.Errorf("overdue after deadline: %v %v", od, err)
		}
		e.clk.Set(time.Date(2025, 10, 23, 20, 0, 0, 0, cst))
		if r, err = e.svc.Fulfil(ctx, "apikey:k1", "t1", r.ID); err != nil || r.State != rights.StateFulfilled {
			t.Fatal(r, err)
		}
		if od, _ := e.svc.Overdue(ctx, "t1", want.Add(time.Hour)); len(od) != 0 {
			t.Errorf("fulfilled request overdue")
		}
		if got := counter(t, e.svc.Metrics.Met.WithLabelValues("access")); got != 1 {
			t.Errorf("met %v", got)
		}
		// Final: nothing more.
		if _, err := e.svc.Withdraw(ctx, "apikey:k1", "t1", r.ID); !errors.Is(err, rights.ErrTransition) {
			t.Errorf("withdraw fulfilled: %v", err)
		}
		es := e.entries(t, r.ID)
		wantActions := []string{"request.create", "request.verifying", "request.verify", "request.start", "request.fulfil"}
		if !slices.Equal(actions(es), wantActions) {
			t.Errorf("audit %v, want %v", actions(es), wantActions)
		}
		last := es[len(es)-1]
		if last.Details["state"] != "fulfilled" || last.Details["type"] != "access" || last.Details["due_at"] != "2025-10-23T15:59:59Z" || last.Subject != "s1" {
			t.Errorf("audit entry %+v", last)
		}
	})

	t.Run("cancel account from receipt", func(t *testing.T) {
		rec := time.Date(2025, 9, 26, 12, 0, 0, 0, cst)
		e := newEnv(t, open, base, rec)
		r, err := e.svc.Create(ctx, "apikey:k1", "t1", "s1", rights.TypeCancelAccount, "app")
		if err != nil {
			t.Fatal(err)
		}
		if !r.DueAt.Equal(time.Date(2025, 10, 16, 23, 59, 59, 0, cst)) {
			t.Errorf("due %v", r.DueAt)
		}
		// Expired unanswered: a missed deadline.
		e.clk.Set(time.Date(2025, 10, 20, 0, 0, 0, 0, cst))
		if r, err = e.svc.Expire(ctx, "system:deadlines", "t1", r.ID); err != nil || r.State != rights.StateExpired {
			t.Fatal(r, err)
		}
		if got := counter(t, e.svc.Metrics.Missed.WithLabelValues("cancel_account")); got != 1 {
			t.Errorf("missed %v", got)
		}
		if a := actions(e.entries(t, r.ID)); !slices.Equal(a, []string{"request.create", "request.expire"}) {
			t.Errorf("audit %v", a)
		}
	})

	t.Run("withdraw and expire early", func(t *testing.T) {
		e := newEnv(t, open, fromVerification, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
		r1, _ := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeDelete, "email")
		r2, _ := e.svc.Create(ctx, "a", "t1", "s2", rights.TypeCopy, "email")
		if _, err := e.svc.Withdraw(ctx, "a", "t1", r1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.StartVerification(ctx, "a", "t1", r2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Expire(ctx, "a", "t1", r2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Start(ctx, "a", "t1", r2.ID); !errors.Is(err, rights.ErrTransition) {
			t.Errorf("start expired: %v", err)
		}
		if a := actions(e.entries(t, r2.ID)); !slices.Equal(a, []string{"request.create", "request.verifying", "request.expire"}) {
			t.Errorf("audit %v", a)
		}
	})

	t.Run("refusal", func(t *testing.T) {
		e := newEnv(t, open, base, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
		r, _ := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeDelete, "email")
		// trade_secrets is a taxonomy reason the example does not declare.
		_, err := e.svc.Refuse(ctx, "a", "t1", r.ID, "trade_secrets", "x")
		var re *rights.RefusalError
		if !errors.As(err, &re) || re.Reason != "trade_secrets" || !strings.Contains(err.Error(), "trade_secrets") {
			t.Errorf("undeclared reason: %v", err)
		}
		if _, err := e.svc.Refuse(ctx, "a", "t1", r.ID, "no_such_reason", "x"); !errors.Is(err, rights.ErrRefusal) {
			t.Errorf("unknown reason: %v", err)
		}
		const secret = "Retained under tax law for the invoice of Zhang San"
		r, err = e.svc.Refuse(ctx, "a", "t1", r.ID, "legal_obligation", secret)
		if err != nil {
			t.Fatal(err)
		}
		det, _ := rights.DetailOf(r)
		rr, _ := taxonomy.LookupRefusalReason("legal_obligation")
		if det.Refusal == nil || det.Refusal.Reason != "legal_obligation" || det.Refusal.Explanation != rr.Explanation ||
			det.Refusal.Explanation.EN == "" || det.Refusal.Explanation.ZH == "" || det.Refusal.Note != secret {
			t.Errorf("refusal %+v", det.Refusal)
		}
		es := e.entries(t, r.ID)
		if a := actions(es); !slices.Equal(a, []string{"request.create", "request.refuse"}) {
			t.Errorf("audit %v", a)
		}
		for _, en := range es {
			for k, v := range en.Details {
				if strings.Contains(v, "Zhang") || strings.Contains(v, "tax law") {
					t.Errorf("audit detail %s holds the explanation", k)
				}
			}
		}
		if es[1].Details["reason"] != "legal_obligation" {
			t.Errorf("reason not audited: %+v", es[1])
		}
	})

	repeat := func(action string) *policy.Declaration {
		return variant(base, func(d *policy.Declaration) {
			d.Rights.Fees = policy.Fees{RepeatLimit: 2, RepeatWindow: mustPeriod(t, "1 months"), RepeatAction: action}
		})
	}
	t.Run("repeated requests charged", func(t *testing.T) {
		e := newEnv(t, open, repeat("charge"), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
		var got []bool
		for i := range 4 {
			r, err := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeCopy, "email")
			if err != nil {
				t.Fatal(err)
			}
			det, _ := rights.DetailOf(r)
			got = append(got, det.Fee)
			if r.State != rights.StateReceived {
				t.Errorf("request %d %s", i, r.State)
			}
			if i == 2 {
				if e.entries(t, r.ID)[0].Details["fee"] != "true" {
					t.Error("fee not audited")
				}
			}
			e.clk.Advance(24 * time.Hour)
		}
		if !slices.Equal(got, []bool{false, false, true, true}) {
			t.Errorf("fees %v", got)
		}
		// Another type, another subject: free.
		r, _ := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeAccess, "email")
		r2, _ := e.svc.Create(ctx, "a", "t1", "s2", rights.TypeCopy, "email")
		for _, x := range []store.Request{r, r2} {
			if det, _ := rights.DetailOf(x); det.Fee {
				t.Errorf("charged %s %s", x.Subject, x.Type)
			}
		}
		// After the window the count starts again.
		e.clk.Set(time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))
		r, _ = e.svc.Create(ctx, "a", "t1", "s1", rights.TypeCopy, "email")
		if det, _ := rights.DetailOf(r); det.Fee {
			t.Error("charged after the window")
		}
	})
	t.Run("repeated requests refused", func(t *testing.T) {
		e := newEnv(t, open, repeat("refuse"), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
		var states []string
		var last store.Request
		for range 3 {
			r, err := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeCopy, "email")
			if err != nil {
				t.Fatal(err)
			}
			states = append(states, r.State)
			last = r
		}
		if !slices.Equal(states, []string{"received", "received", "refused"}) {
			t.Errorf("states %v", states)
		}
		det, _ := rights.DetailOf(last)
		if det.Refusal == nil || det.Refusal.Reason != "repeated_requests" || det.Refusal.Explanation.ZH == "" || det.Fee {
			t.Errorf("detail %+v", det)
		}
		if got := counter(t, e.svc.Metrics.Met.WithLabelValues("copy")); got != 1 {
			t.Errorf("met %v", got)
		}
		if a := actions(e.entries(t, last.ID)); !slices.Equal(a, []string{"request.create", "request.refuse"}) {
			t.Errorf("audit %v", a)
		}
	})

	t.Run("gdpr extension", func(t *testing.T) {
		d := variant(base, func(d *policy.Declaration) {
			d.Laws = []string{"gdpr"}
			d.Rights.Calendar = "EU"
			d.Rights.Deadline = mustPeriod(t, "2 months")
			d.Rights.Items = nil
		})
		rec := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
		e := newEnv(t, open, d, rec)
		r, err := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeAccess, "web")
		if err != nil {
			t.Fatal(err)
		}
		eu, _ := calendar.Load("EU")
		if !r.DueAt.Equal(time.Date(2026, 2, 28, 23, 59, 59, 0, eu.Location())) {
			t.Errorf("due %v", r.DueAt)
		}
		if _, err := e.svc.Extend(ctx, "a", "t1", r.ID, ""); !errors.Is(err, rights.ErrReasonNeeded) {
			t.Errorf("extend without reason: %v", err)
		}
		e.clk.Advance(48 * time.Hour)
		const why = "complex request involving many records"
		r, err = e.svc.Extend(ctx, "a", "t1", r.ID, why)
		if err != nil {
			t.Fatal(err)
		}
		if !r.DueAt.Equal(time.Date(2026, 4, 30, 23, 59, 59, 0, eu.Location())) {
			t.Errorf("extended due %v", r.DueAt)
		}
		det, _ := rights.DetailOf(r)
		if len(det.Extensions) != 1 || det.Extensions[0].Reason != why || det.RuleID != calendar.GDPRExtension().ID {
			t.Errorf("detail %+v", det)
		}
		if _, err := e.svc.Extend(ctx, "a", "t1", r.ID, why); !errors.Is(err, rights.ErrNoExtension) {
			t.Errorf("second extension: %v", err)
		}
		es := e.entries(t, r.ID)
		if a := actions(es); !slices.Equal(a, []string{"request.create", "request.extend"}) {
			t.Errorf("audit %v", a)
		}
		for _, v := range es[1].Details {
			if strings.Contains(v, "complex") {
				t.Error("extension reason audited")
			}
		}
	})

	t.Run("ccpa acknowledge", func(t *testing.T) {
		d := variant(base, func(d *policy.Declaration) {
			d.Laws = []string{"ccpa"}
			d.Rights.Calendar = "US"
		})
		e := newEnv(t, open, d, time.Date(2025, 11, 20, 15, 0, 0, 0, time.UTC))
		r, err := e.svc.Create(ctx, "a", "t1", "s1", rights.TypeDelete, "web")
		if err != nil {
			t.Fatal(err)
		}
		det, _ := rights.DetailOf(r)
		us, _ := calendar.Load("US")
		if y, m, dd := det.AckDueAt.In(us.Location()).Date(); y != 2025 || m != 12 || dd != 5 {
			t.Errorf("ack due %v", det.AckDueAt)
		}
	})
}

func counter(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
