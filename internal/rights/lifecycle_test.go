package rights_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

var lifeStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// lifecycle returns a Lifecycle over the world, reading the active
// declaration from the store as the API does.
func (w *world) lifecycle() *rights.Lifecycle {
	return &rights.Lifecycle{Vault: w.v, Declaration: consent.NewStoreSource(w.st).ActiveDeclaration, Invalidate: w.engine.Invalidate}
}

// activate makes examples/file the tenant's active declaration.
func (w *world) activate(t *testing.T, file string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join("..", "..", "examples", file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	err = w.st.Write(ctx, func(tx store.Tx) error {
		dv, err := tx.PutDeclaration(ctx, store.DeclarationVersion{Tenant: tenant, PolicyID: doc.Decl.ID, Version: doc.Decl.Version, Source: src})
		if err != nil {
			return err
		}
		if _, err := tx.ActivateDeclaration(ctx, tenant, dv.Seq); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: staff, Action: "declaration.activate", ObjectType: "declaration", ObjectID: "2"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.decl = doc.Decl
	w.engine.InvalidateTenant(tenant)
}

// put stores values for subject straight into the vault, one per device
// ("" for none), and returns their ids.
func (w *world) put(t *testing.T, subject string, devices ...string) []string {
	t.Helper()
	vals := make([]vault.Value, len(devices))
	for i, d := range devices {
		vals[i] = vault.Value{Field: "email", Purpose: "account", Plain: []byte("secret-" + subject + "-" + d), Device: d}
	}
	ids, err := w.v.PutRecords(context.Background(), staff, tenant, subject, vals)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// stored returns the ids of the subject's records by device.
func (w *world) stored(t *testing.T, subject string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := w.st.Read(context.Background(), func(r store.Reader) error {
		recs, _, err := r.ListRecords(context.Background(), tenant, store.RecordFilter{Subject: subject}, store.Page{Limit: store.MaxLimit})
		for _, rec := range recs {
			out[rec.Device] = append(out[rec.Device], rec.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// collectSopi offers a username through the gate under seed 003's
// declaration.
func (w *world) collectSopi(subject string) error {
	_, err := w.gate.Collect(context.Background(), staff, tenant, subject,
		[]collect.Item{{Field: "username", Purpose: "service_provision", Value: "kid-name"}}, false)
	return err
}

func lastOf(es []audit.Entry, action string) (audit.Entry, bool) {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Action == action {
			return es[i], true
		}
	}
	return audit.Entry{}, false
}

func TestUnbindDevice(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		w := open(t, lifeStart)
		ctx := context.Background()
		l := w.lifecycle()
		for _, d := range []string{"cam-a", "cam-b", "cam-c"} {
			b, err := l.BindDevice(ctx, staff, tenant, "s1", d)
			if err != nil || !b.Bound || b.Device != d {
				t.Fatalf("bind %s: %+v, %v", d, b, err)
			}
		}
		if _, err := l.BindDevice(ctx, staff, tenant, "s2", "cam-a"); err != nil {
			t.Fatal(err)
		}
		a := w.put(t, "s1", "cam-a", "cam-b", "", "cam-a")
		other := w.put(t, "s2", "cam-a")
		w.put(t, "s1", "cam-c")

		w.clk.Advance(time.Hour)
		u, err := l.UnbindDevice(ctx, staff, tenant, "s1", "cam-a")
		if err != nil {
			t.Fatal(err)
		}
		if u.Deleted != 2 || u.Kept != 0 || u.Bound || !u.At.Equal(lifeStart.Add(time.Hour)) {
			t.Fatalf("unbind = %+v", u)
		}
		left := w.stored(t, "s1")
		if len(left["cam-a"]) != 0 || !slices.Equal(left["cam-b"], []string{a[1]}) || !slices.Equal(left[""], []string{a[2]}) || len(left["cam-c"]) != 1 {
			t.Fatalf("left after unbind: %v", left)
		}
		if got := w.stored(t, "s2")["cam-a"]; !slices.Equal(got, other) {
			t.Fatalf("s2's records of the same device id: %v, want %v", got, other)
		}
		log := w.log(t)
		del, ok := lastOf(log, "record.delete")
		if !ok || del.Subject != "s1" || del.Details["count"] != "2" || del.Details["reason"] != rights.UnbindReason ||
			del.Details["ids_sha256"] != vault.IDsDigest([]string{a[0], a[3]}) {
			t.Fatalf("record.delete entry = %+v", del)
		}
		if e, ok := lastOf(log, "device.unbind"); !ok || e.ObjectID != "cam-a" || e.Details["deleted"] != "2" {
			t.Fatalf("device.unbind entry = %+v", e)
		}
		noValues(t, log, "secret-")

		// Again: nothing left to delete, the unbinding time stands.
		w.clk.Advance(time.Hour)
		size := len(log)
		if u, err = l.UnbindDevice(ctx, staff, tenant, "s1", "cam-a"); err != nil || u.Deleted != 0 || !u.At.Equal(lifeStart.Add(time.Hour)) {
			t.Fatalf("second unbind = %+v, %v", u, err)
		}
		if n := len(w.log(t)); n != size {
			t.Fatalf("second unbind appended %d entries", n-size)
		}
		if _, err := l.UnbindDevice(ctx, staff, tenant, "s1", "never"); !errors.Is(err, rights.ErrNotBound) || !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unbind of an unbound device: %v", err)
		}

		// A legal hold on the subject keeps the device's records.
		w.placeHold(t, "h1", store.HoldSubject, "s1")
		if u, err = l.UnbindDevice(ctx, staff, tenant, "s1", "cam-c"); err != nil || u.Deleted != 0 || u.Kept != 1 || !slices.Equal(u.HoldIDs, []string{"h1"}) || u.Bound {
			t.Fatalf("held unbind = %+v, %v", u, err)
		}
		if n := len(w.stored(t, "s1")["cam-c"]); n != 1 {
			t.Fatalf("held records: %d left, want 1", n)
		}
		bs, err := l.Bindings(ctx, tenant, "s1")
		if err != nil || len(bs) != 3 || !bs[1].Bound || bs[0].Bound || bs[2].Bound {
			t.Fatalf("bindings = %+v, %v", bs, err)
		}
	})
}

func TestBan(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		w := open(t, lifeStart)
		ctx := context.Background()
		l := w.lifecycle()
		if err := w.collectEmail("s1", "a@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Ban(ctx, staff, tenant, "s1", "because I said so"); err == nil {
			t.Fatal("a free-text reason was accepted")
		}
		s, err := l.Ban(ctx, staff, tenant, "s1", rights.BanFraud)
		if err != nil || s.Status != store.StatusBanned {
			t.Fatalf("ban = %+v, %v", s, err)
		}
		refusedFor(t, w.collectEmail("s1", "b@example.com"), consent.ReasonSubjectBanned)
		if _, err := l.BindDevice(ctx, staff, tenant, "s1", "cam"); !errors.Is(err, rights.ErrBanned) {
			t.Fatalf("bind for a banned subject: %v", err)
		}
		if _, err := l.Ban(ctx, staff, tenant, "s1", rights.BanFraud); !errors.Is(err, rights.ErrBanned) || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second ban: %v", err)
		}
		// Nothing was deleted.
		if n := len(w.stored(t, "s1")[""]); n != 1 {
			t.Fatalf("records of the banned subject: %d, want 1", n)
		}
		e, ok := lastOf(w.log(t), "subject.ban")
		if !ok || e.Subject != "s1" || e.Details["reason"] != rights.BanFraud || e.Details["from"] != "active" {
			t.Fatalf("subject.ban entry = %+v", e)
		}
		if s, err = l.Unban(ctx, staff, tenant, "s1"); err != nil || s.Status != store.StatusActive {
			t.Fatalf("unban = %+v, %v", s, err)
		}
		if err := w.collectEmail("s1", "c@example.com"); err != nil {
			t.Fatalf("collect after unban: %v", err)
		}
		if _, err := l.Unban(ctx, staff, tenant, "s1"); !errors.Is(err, rights.ErrNotBanned) {
			t.Fatalf("unban of an active subject: %v", err)
		}
		if _, err := w.v.SetSubjectStatus(ctx, staff, tenant, "s2", store.StatusRestricted); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Ban(ctx, staff, tenant, "s2", rights.BanSecurity); !errors.Is(err, rights.ErrNotActive) {
			t.Fatalf("ban of a restricted subject: %v", err)
		}
		if _, err := l.Ban(ctx, staff, tenant, "nobody", rights.BanSecurity); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ban of an unknown subject: %v", err)
		}
		noValues(t, w.log(t), "@example.com")
	})
}

// guardianGrant appends a guardian's consent for subject to the ledger.
func (w *world) guardianGrant(t *testing.T, subject, purpose string) {
	t.Helper()
	ctx := context.Background()
	err := w.st.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: tenant, Subject: subject, Purpose: purpose,
			DeclarationVersion: w.decl.Version, Kind: store.ConsentGuardian, Action: store.ConsentGrant, Channel: "app"}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: staff, Action: "consent.grant", ObjectType: "consent", Subject: subject})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMinorDiscoveredAdultsOnly: seed 003 (sopi, 18+, delete_and_block).
func TestMinorDiscoveredAdultsOnly(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		w := open(t, lifeStart)
		ctx := context.Background()
		w.activate(t, "sopi.yaml")
		l := w.lifecycle()
		for _, s := range []string{"s3", "s4"} {
			if _, err := w.v.CreateSubject(ctx, staff, store.Subject{Tenant: tenant, ID: s}); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []string{"s1", "s2", "s3", "s4"} {
			w.put(t, s, "", "phone-1")
		}

		// An adult: nothing happens.
		o, err := l.MinorDiscovered(ctx, staff, tenant, "s4", 18)
		if err != nil || o.Action != rights.MinorNone || o.Subject.Status != store.StatusActive || len(w.stored(t, "s4")) != 2 {
			t.Fatalf("adult: %+v, %v", o, err)
		}

		// No guardian consent: banned, then erased.
		o, err = l.MinorDiscovered(ctx, staff, tenant, "s1", 16)
		if err != nil {
			t.Fatal(err)
		}
		if o.Action != rights.MinorErased || o.MinimumAge != 18 || o.GuardianConsent || o.Records != 2 || o.Subject.Status != store.StatusErased {
			t.Fatalf("minor without guardian consent: %+v", o)
		}
		if s := w.subject(t, "s1"); s.Status != store.StatusErased || s.AgeFloor != 16 {
			t.Fatalf("s1 = %+v", s)
		}
		if n := len(w.stored(t, "s1")); n != 0 {
			t.Fatalf("s1 has records of %d devices left", n)
		}
		refusedFor(t, w.collectSopi("s1"), consent.ReasonSubjectErased)
		acts := subjectActions(w.log(t), "s1")
		for _, want := range []string{"subject.profile", "subject.ban", "subject.minor_discovered", "subject.shred", "subject.purge"} {
			if !slices.Contains(acts, want) {
				t.Errorf("s1's audit lacks %s: %v", want, acts)
			}
		}

		// A guardian's consent: the data stays, the account is blocked
		// all the same (the product refuses minors outright).
		w.guardianGrant(t, "s2", w.decl.Purposes[0].ID)
		o, err = l.MinorDiscovered(ctx, staff, tenant, "s2", store.AgeUnder13)
		if err != nil || o.Action != rights.MinorBlocked || !o.GuardianConsent || o.Subject.Status != store.StatusBanned || len(w.stored(t, "s2")) != 2 {
			t.Fatalf("minor with guardian consent: %+v, %v", o, err)
		}
		refusedFor(t, w.collectSopi("s2"), consent.ReasonSubjectBanned)

		// A legal hold: blocked, nothing deleted.
		w.placeHold(t, "h-minor", store.HoldSubject, "s3")
		o, err = l.MinorDiscovered(ctx, staff, tenant, "s3", 13)
		if err != nil || o.Action != rights.MinorBlocked || !slices.Equal(o.HoldIDs, []string{"h-minor"}) || o.Subject.Status != store.StatusBanned || len(w.stored(t, "s3")) != 2 {
			t.Fatalf("held minor: %+v, %v", o, err)
		}
		// Lifting the ban leaves the age gate shut.
		if _, err := l.Unban(ctx, staff, tenant, "s3"); err != nil {
			t.Fatal(err)
		}
		refusedFor(t, w.collectSopi("s3"), consent.ReasonUnderMinimumAge)

		if _, err := l.MinorDiscovered(ctx, staff, tenant, "s4", 17); err == nil {
			t.Fatal("age floor 17 was accepted")
		}
		noValues(t, w.log(t), "secret-", "kid-name")
	})
}

// TestMinorDiscoveredGuardianProduct: a product open to children with a
// guardian's consent (sobot: guardian consent under 14, on_discovery
// delete).
func TestMinorDiscoveredGuardianProduct(t *testing.T) {
	onBoth(t, func(t *testing.T, open func(*testing.T, time.Time) *world) {
		w := open(t, lifeStart)
		ctx := context.Background()
		w.activate(t, "sobot-sdk.yaml")
		l := w.lifecycle()
		w.put(t, "s1", "", "phone-1")
		w.put(t, "s2", "", "phone-1")

		o, err := l.MinorDiscovered(ctx, staff, tenant, "s1", 13)
		if err != nil || o.Action != rights.MinorDeleted || o.Records != 2 || o.Subject.Status != store.StatusActive {
			t.Fatalf("child without guardian consent: %+v, %v", o, err)
		}
		if n := len(w.stored(t, "s1")); n != 0 {
			t.Fatalf("s1 has records of %d devices left", n)
		}
		if e, ok := lastOf(w.log(t), "record.delete"); !ok || e.Subject != "s1" || e.Details["reason"] != rights.MinorReason || e.Details["count"] != "2" {
			t.Fatalf("record.delete entry = %+v", e)
		}

		w.guardianGrant(t, "s2", w.decl.Purposes[0].ID)
		o, err = l.MinorDiscovered(ctx, staff, tenant, "s2", 13)
		if err != nil || o.Action != rights.MinorKept || !o.GuardianConsent || o.Subject.Status != store.StatusActive || len(w.stored(t, "s2")) != 2 {
			t.Fatalf("child with guardian consent: %+v, %v", o, err)
		}
	})
}

// BenchmarkUnbindDevice unbinds a device of a subject holding 1,000
// records, half of them from the device, on SQLite: one transaction that
// lists the subject's records, deletes the device's and audits it. Each
// iteration uses a new subject, set up off the clock.
func BenchmarkUnbindDevice(b *testing.B) {
	w := newWorld(b, vaultBackends[0].opts, lifeStart)
	ctx := context.Background()
	l := w.lifecycle()
	vals := make([]vault.Value, 1000)
	for i := range vals {
		dev := "cam-keep"
		if i%2 == 0 {
			dev = "cam-drop"
		}
		vals[i] = vault.Value{Field: "email", Purpose: "account", Plain: []byte("v"), Device: dev}
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		subject := "bench-" + strconv.Itoa(n)
		if _, err := l.BindDevice(ctx, staff, tenant, subject, "cam-drop"); err != nil {
			b.Fatal(err)
		}
		if _, err := w.v.PutRecords(ctx, staff, tenant, subject, vals); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		u, err := l.UnbindDevice(ctx, staff, tenant, subject, "cam-drop")
		if err != nil || u.Deleted != 500 {
			b.Fatalf("unbind = %+v, %v", u, err)
		}
	}
	b.ReportMetric(float64(500*n)/b.Elapsed().Seconds(), "records_deleted/s")
}
