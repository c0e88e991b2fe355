package rights_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/vault"
)

// vaultBackends are the databases a Fulfiller's vault runs on.
var vaultBackends = []struct {
	name string
	opts func(t testing.TB, clk clock.Clock) vault.Options
}{
	{"sqlite", func(t testing.TB, clk clock.Clock) vault.Options {
		return vault.Options{DataDir: filepath.Join(t.TempDir(), "data"), Clock: clk}
	}},
	{"postgres", func(t testing.TB, clk clock.Clock) vault.Options {
		dir := t.TempDir()
		data, ks := pgtest.Schema(t), pgtest.Schema(t) // skips when unreachable
		return vault.Options{
			DataDir:  filepath.Join(dir, "data"),
			Database: data,
			RootKey:  "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key")),
			KeyStore: ks,
			Clock:    clk,
		}
	}},
}

// onBoth runs body on every vault backend.
func onBoth(t *testing.T, body func(t *testing.T, open func(t *testing.T, start time.Time) *world)) {
	for _, b := range vaultBackends {
		t.Run(b.name, func(t *testing.T) {
			body(t, func(t *testing.T, start time.Time) *world { return newWorld(t, b.opts, start) })
		})
	}
}

// world is a vault with tenant t1, subjects s1 and s2, the example
// declaration active, the decision engine, the consent ledger, the gate
// and a Fulfiller, all on a fake clock.
type world struct {
	clk    *clock.Fake
	v      *vault.Vault
	st     store.Store
	engine *consent.Engine
	ledger *consent.Ledger
	gate   *collect.Gate
	f      *rights.Fulfiller
	// decl is what the Service sees; tests vary it.
	decl *policy.Declaration
}

const (
	staff  = "apikey:staff"
	tenant = "t1"
)

func newWorld(t testing.TB, opts func(testing.TB, clock.Clock) vault.Options, start time.Time) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{clk: clock.NewFake(start)}
	v, err := vault.Open(ctx, opts(t, w.clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	w.v, w.st = v, v.Store()
	if _, err := v.CreateTenant(ctx, staff, store.Tenant{ID: tenant, Name: "Tenant", Kind: store.KindController}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"s1", "s2"} {
		if _, err := v.CreateSubject(ctx, staff, store.Subject{Tenant: tenant, ID: s}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("..", "..", "examples", "xiaoying-kankan.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	w.decl = doc.Decl
	err = w.st.Write(ctx, func(tx store.Tx) error {
		dv, err := tx.PutDeclaration(ctx, store.DeclarationVersion{Tenant: tenant, PolicyID: doc.Decl.ID, Version: doc.Decl.Version, Source: src})
		if err != nil {
			return err
		}
		if _, err := tx.ActivateDeclaration(ctx, tenant, dv.Seq); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: staff, Action: "declaration.activate", ObjectType: "declaration", ObjectID: "1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	src2 := consent.NewStoreSource(w.st)
	w.engine = consent.NewEngine(src2)
	w.ledger = &consent.Ledger{Store: w.st, Source: src2, Engine: w.engine}
	w.gate = &collect.Gate{Engine: w.engine, Vault: v}
	svc := &rights.Service{Store: w.st, Clock: w.clk, Metrics: rights.NewMetrics(),
		Declaration: func(context.Context, string) (*policy.Declaration, error) { return w.decl, nil }}
	w.f = &rights.Fulfiller{Service: svc, Vault: v, Ledger: w.ledger, Invalidate: w.engine.Invalidate}
	return w
}

// verified creates a request of typ for subject and takes it to verified.
func (w *world) verified(t testing.TB, subject, typ string) store.Request {
	t.Helper()
	ctx := context.Background()
	r, err := w.f.Create(ctx, staff, tenant, subject, typ, "app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.f.StartVerification(ctx, staff, tenant, r.ID); err != nil {
		t.Fatal(err)
	}
	if r, err = w.f.Verified(ctx, staff, tenant, r.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return r
}

// collectEmail offers the subject's e-mail for the account purpose
// through the gate.
func (w *world) collectEmail(subject, email string) error {
	_, err := w.gate.Collect(context.Background(), staff, tenant, subject,
		[]collect.Item{{Field: "email", Purpose: "account", Value: email}}, false)
	return err
}

// refusedFor checks that err is the gate's refusal for reason.
func refusedFor(t *testing.T, err error, reason consent.Reason) {
	t.Helper()
	var ref *collect.Refusal
	if !errors.As(err, &ref) || ref.Decision.Reason != reason {
		t.Fatalf("gate: %v, want a refusal %s", err, reason)
	}
}

// readAll reads every value of a subject for reason.
func (w *world) readAll(subject string, reason vault.Reason) ([]vault.Record, error) {
	var out []vault.Record
	p := store.Page{Limit: store.MaxLimit}
	for {
		rs, next, err := w.v.Records(context.Background(), staff, tenant, subject, reason, p)
		if err != nil {
			return out, err
		}
		out = append(out, rs...)
		if next == "" {
			return out, nil
		}
		p.After = next
	}
}

// subject returns a subject as stored.
func (w *world) subject(t *testing.T, id string) store.Subject {
	t.Helper()
	var s store.Subject
	err := w.st.Read(context.Background(), func(r store.Reader) error {
		var err error
		s, err = r.GetSubject(context.Background(), tenant, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// log returns the whole audit log.
func (w *world) log(t *testing.T) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	n, err := w.v.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	if err := w.v.AuditEntries(ctx, 0, n, func(e audit.StoredEntry) error { out = append(out, e.Entry); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// requestActions lists the actions of the entries about request id.
func requestActions(es []audit.Entry, id string) []string {
	var out []string
	for _, e := range es {
		if e.ObjectType == "request" && e.ObjectID == id {
			out = append(out, e.Action)
		}
	}
	return out
}

// subjectActions lists the subject actions of the entries about subject.
func subjectActions(es []audit.Entry, subject string) []string {
	var out []string
	for _, e := range es {
		if e.ObjectType == "subject" && e.Subject == subject {
			out = append(out, e.Action)
		}
	}
	return out
}

// noValues fails t if an audit entry holds one of secrets, in any form.
func noValues(t *testing.T, es []audit.Entry, secrets ...string) {
	t.Helper()
	for _, e := range es {
		s := fmt.Sprintf("%v|%+v|%x", e, e, fmt.Sprint(e))
		for _, v := range secrets {
			if strings.Contains(s, v) || strings.Contains(s, fmt.Sprintf("%x", v)) {
				t.Errorf("audit entry %s holds %q", e.Action, v)
			}
		}
	}
}

// placeHold places a legal hold, audited as the hold API would.
func (w *world) placeHold(t *testing.T, id, scope, target string) {
	t.Helper()
	ctx := context.Background()
	err := w.st.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.PlaceHold(ctx, store.Hold{Tenant: tenant, ID: id, Scope: scope, Target: target,
			Reason: "case 2026-17", PlacedBy: staff}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: staff, Action: "hold.place", ObjectType: "hold", ObjectID: id})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func detail(t *testing.T, r store.Request) rights.Detail {
	t.Helper()
	d, err := rights.DetailOf(r)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
