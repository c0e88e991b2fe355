package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// The entities of schema version 5: trusted keys, legal holds and webhook
// endpoints.

// pubKey returns a recognisable 32-byte public key.
func pubKey(seed string) []byte {
	h := sha256.Sum256([]byte("public key " + seed))
	return h[:]
}

// deepEq fails t unless got and want are deeply equal; it prints them with
// %#v, which shows the fields their String methods hide.
func deepEq[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\ngot  %#v\nwant %#v", what, got, want)
	}
}

func trustedKeyIDs(ks []store.TrustedKey) string {
	return fmtIDs(ks, func(k store.TrustedKey) string { return k.ID })
}

func holdIDs(hs []store.Hold) string { return fmtIDs(hs, func(h store.Hold) string { return h.ID }) }

func webhookIDs(ws []store.WebhookEndpoint) string {
	return fmtIDs(ws, func(w store.WebhookEndpoint) string { return w.ID })
}

// testTrustedKeys: app and agent keys are created per tenant, found,
// listed by kind page by page, and revoked once.
func testTrustedKeys(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	seed(t, s, "t2")
	app := store.TrustedKey{Tenant: "t1", ID: "app-2026", Kind: store.TrustedKeyApp, Name: "iOS app",
		Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("app")}
	agent := store.TrustedKey{Tenant: "t1", ID: "agent-cr", Kind: store.TrustedKeyAgent, Name: "CR agent",
		Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("agent"), CallbackURL: "https://agent.example/drp/callback"}
	local := store.TrustedKey{Tenant: "t1", ID: "agent-local", Kind: store.TrustedKeyAgent, Name: "dev agent",
		Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("local"), CallbackURL: "http://127.0.0.1:8080/cb"}
	given := store.Norm(Epoch.Add(-time.Hour))
	write(t, s, func(tx store.Tx) error {
		got, err := tx.CreateTrustedKey(ctx, app)
		if err != nil {
			return err
		}
		app.CreatedAt = store.Norm(Epoch)
		deepEq(t, "CreateTrustedKey", got, app)
		agent.CreatedAt = given
		if got, err = tx.CreateTrustedKey(ctx, agent); err != nil {
			return err
		}
		deepEq(t, "CreateTrustedKey(given CreatedAt)", got, agent)
		if _, err := tx.CreateTrustedKey(ctx, local); err != nil {
			return err
		}
		local.CreatedAt = store.Norm(Epoch)
		// Ids are per tenant.
		other := app
		other.Tenant, other.CreatedAt = "t2", time.Time{}
		_, err = tx.CreateTrustedKey(ctx, other)
		return err
	})
	// The caller's slice is copied.
	if !bytes.Equal(app.PublicKey, pubKey("app")) {
		t.Fatal("CreateTrustedKey changed the caller's key")
	}

	err := s.Write(ctx, func(tx store.Tx) error {
		dup := agent
		dup.CreatedAt = time.Time{}
		_, err := tx.CreateTrustedKey(ctx, dup)
		mustErr(t, err, store.ErrConflict, "CreateTrustedKey(id taken in the tenant)")
		dup.Tenant = "no-such-tenant"
		_, err = tx.CreateTrustedKey(ctx, dup)
		mustErr(t, err, store.ErrNotFound, "CreateTrustedKey(missing tenant)")
		_, err = tx.RevokeTrustedKey(ctx, "t1", "no-such-key")
		mustErr(t, err, store.ErrNotFound, "RevokeTrustedKey(missing)")
		// The transaction survives those errors.
		_, err = tx.GetTrustedKey(ctx, "t1", "app-2026")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	read(t, s, func(r store.Reader) error {
		got, err := r.GetTrustedKey(ctx, "t1", "agent-cr")
		if err != nil {
			return err
		}
		deepEq(t, "GetTrustedKey", got, agent)
		if !got.Active() {
			t.Error("new trusted key is not active")
		}
		_, err = r.GetTrustedKey(ctx, "t1", "nope")
		mustErr(t, err, store.ErrNotFound, "GetTrustedKey(missing)")

		ks, next, err := r.ListTrustedKeys(ctx, "t1", "", store.Page{Limit: 2})
		if err != nil {
			return err
		}
		eq(t, "ListTrustedKeys(t1) first page", trustedKeyIDs(ks)+" "+next, "[agent-cr agent-local] agent-local")
		ks, next, err = r.ListTrustedKeys(ctx, "t1", "", store.Page{After: next, Limit: 2})
		if err != nil {
			return err
		}
		eq(t, "ListTrustedKeys(t1) second page", trustedKeyIDs(ks)+" "+next, "[app-2026] ")
		if len(ks) == 1 {
			deepEq(t, "listed key", ks[0], app)
		}
		ks, _, err = r.ListTrustedKeys(ctx, "t1", store.TrustedKeyAgent, store.Page{})
		if err != nil {
			return err
		}
		eq(t, "ListTrustedKeys(t1, agent)", trustedKeyIDs(ks), "[agent-cr agent-local]")
		ks, _, err = r.ListTrustedKeys(ctx, "t1", store.TrustedKeyApp, store.Page{})
		eq(t, "ListTrustedKeys(t1, app)", trustedKeyIDs(ks), "[app-2026]")
		return err
	})

	// Revocation is stamped once; revoked keys are still found and listed.
	revokedAt := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.RevokeTrustedKey(ctx, "t1", "agent-cr")
		agent.RevokedAt = store.Norm(revokedAt)
		deepEq(t, "RevokeTrustedKey", got, agent)
		return err
	})
	clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.RevokeTrustedKey(ctx, "t1", "agent-cr")
		deepEq(t, "RevokeTrustedKey(again)", got, agent)
		return err
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.GetTrustedKey(ctx, "t1", "agent-cr")
		deepEq(t, "GetTrustedKey(revoked)", got, agent)
		if got.Active() {
			t.Error("revoked trusted key is active")
		}
		ks, _, err2 := r.ListTrustedKeys(ctx, "t1", store.TrustedKeyAgent, store.Page{})
		eq(t, "ListTrustedKeys(t1, agent) after revocation", trustedKeyIDs(ks), "[agent-cr agent-local]")
		// t2's key of the same id is untouched.
		k2, err3 := r.GetTrustedKey(ctx, "t2", "app-2026")
		if !k2.Active() {
			t.Error("revoking t1's key revoked t2's")
		}
		return firstErr(err, err2, err3)
	})
}

// testHolds: holds are placed per tenant on the tenant, a subject or a
// category, found, filtered, paged, released once, and ActiveHolds
// returns exactly the active ones that may cover a subject.
func testHolds(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	seed(t, s, "t2", "alice")
	holds := []store.Hold{
		{Tenant: "t1", ID: "h1-tenant", Scope: store.HoldTenant, Reason: "litigation 2026-17", PlacedBy: "user:officer"},
		{Tenant: "t1", ID: "h2-alice", Scope: store.HoldSubject, Target: "alice", Reason: "police order", PlacedBy: "user:officer"},
		{Tenant: "t1", ID: "h3-bob", Scope: store.HoldSubject, Target: "bob", PlacedBy: "apikey:k1"},
		{Tenant: "t1", ID: "h4-health", Scope: store.HoldCategory, Target: "health", Reason: "audit", PlacedBy: "user:officer"},
		{Tenant: "t2", ID: "h1-tenant", Scope: store.HoldTenant, PlacedBy: "user:other"},
		{Tenant: "t2", ID: "h2-alice", Scope: store.HoldSubject, Target: "alice", PlacedBy: "user:other"},
	}
	write(t, s, func(tx store.Tx) error {
		for i, h := range holds {
			got, err := tx.PlaceHold(ctx, h)
			if err != nil {
				return err
			}
			holds[i].PlacedAt = store.Norm(Epoch)
			deepEq(t, "PlaceHold "+h.ID, got, holds[i])
		}
		return nil
	})

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h2-alice", Scope: store.HoldTenant, PlacedBy: "u"})
		mustErr(t, err, store.ErrConflict, "PlaceHold(id taken in the tenant)")
		_, err = tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h9", Scope: store.HoldSubject, Target: "nobody", PlacedBy: "u"})
		mustErr(t, err, store.ErrNotFound, "PlaceHold(missing subject)")
		_, err = tx.PlaceHold(ctx, store.Hold{Tenant: "no-such-tenant", ID: "h9", Scope: store.HoldTenant, PlacedBy: "u"})
		mustErr(t, err, store.ErrNotFound, "PlaceHold(missing tenant)")
		_, err = tx.ReleaseHold(ctx, "t1", "no-such-hold", "u")
		mustErr(t, err, store.ErrNotFound, "ReleaseHold(missing)")
		_, err = tx.GetHold(ctx, "t1", "h1-tenant")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	active := func(tenant, subject, want string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			hs, err := r.ActiveHolds(ctx, tenant, subject)
			eq(t, "ActiveHolds("+tenant+", "+subject+")", holdIDs(hs), want)
			for _, h := range hs {
				if !h.Active() || h.Tenant != tenant {
					t.Errorf("ActiveHolds(%s, %s) returned %#v", tenant, subject, h)
				}
			}
			return err
		})
	}
	active("t1", "alice", "[h1-tenant h2-alice h4-health]")
	active("t1", "bob", "[h1-tenant h3-bob h4-health]")
	active("t1", "nobody", "[h1-tenant h4-health]")
	active("t2", "alice", "[h1-tenant h2-alice]")
	active("t2", "bob", "[h1-tenant]")

	list := func(f store.HoldFilter, p store.Page) ([]store.Hold, string) {
		t.Helper()
		var hs []store.Hold
		var next string
		read(t, s, func(r store.Reader) error {
			var err error
			hs, next, err = r.ListHolds(ctx, "t1", f, p)
			return err
		})
		return hs, next
	}
	hs, next := list(store.HoldFilter{}, store.Page{Limit: 3})
	eq(t, "ListHolds(t1) first page", holdIDs(hs)+" "+next, "[h1-tenant h2-alice h3-bob] h3-bob")
	if len(hs) == 3 {
		deepEq(t, "listed hold", hs[1], holds[1])
	}
	hs, next = list(store.HoldFilter{}, store.Page{After: next, Limit: 3})
	eq(t, "ListHolds(t1) second page", holdIDs(hs)+" "+next, "[h4-health] ")
	hs, _ = list(store.HoldFilter{Scope: store.HoldSubject}, store.Page{})
	eq(t, "ListHolds(t1, subject)", holdIDs(hs), "[h2-alice h3-bob]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldSubject, Target: "bob"}, store.Page{})
	eq(t, "ListHolds(t1, subject bob)", holdIDs(hs), "[h3-bob]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldCategory, Target: "health"}, store.Page{})
	eq(t, "ListHolds(t1, category health)", holdIDs(hs), "[h4-health]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldCategory, Target: "alice"}, store.Page{})
	eq(t, "ListHolds(t1, category named like a subject)", holdIDs(hs), "[]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldTenant}, store.Page{})
	eq(t, "ListHolds(t1, tenant)", holdIDs(hs), "[h1-tenant]")

	// Release is stamped once: a second release is a conflict that
	// changes nothing and leaves the transaction usable.
	releasedAt := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.ReleaseHold(ctx, "t1", "h2-alice", "user:officer2")
		holds[1].ReleasedBy, holds[1].ReleasedAt = "user:officer2", store.Norm(releasedAt)
		deepEq(t, "ReleaseHold", got, holds[1])
		if got.Active() {
			t.Error("released hold is active")
		}
		return err
	})
	clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		_, err := tx.ReleaseHold(ctx, "t1", "h2-alice", "user:someone-else")
		mustErr(t, err, store.ErrConflict, "ReleaseHold(released already)")
		_, err = tx.ReleaseHold(ctx, "t2", "h4-health", "u")
		mustErr(t, err, store.ErrNotFound, "ReleaseHold(hold of another tenant)")
		got, err := tx.GetHold(ctx, "t1", "h2-alice")
		deepEq(t, "GetHold after a second release", got, holds[1])
		return err
	})
	active("t1", "alice", "[h1-tenant h4-health]")
	active("t2", "alice", "[h1-tenant h2-alice]")
	hs, _ = list(store.HoldFilter{ActiveOnly: true}, store.Page{})
	eq(t, "ListHolds(t1, active)", holdIDs(hs), "[h1-tenant h3-bob h4-health]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldSubject, Target: "alice", ActiveOnly: true}, store.Page{})
	eq(t, "ListHolds(t1, active on alice)", holdIDs(hs), "[]")
	hs, _ = list(store.HoldFilter{Scope: store.HoldSubject, Target: "alice"}, store.Page{})
	eq(t, "ListHolds(t1, on alice)", holdIDs(hs), "[h2-alice]")
	read(t, s, func(r store.Reader) error {
		got, err := r.GetHold(ctx, "t1", "h2-alice")
		deepEq(t, "GetHold(released)", got, holds[1])
		got, err2 := r.GetHold(ctx, "t2", "h2-alice")
		deepEq(t, "GetHold(t2's hold of the same id)", got, holds[5])
		_, err3 := r.GetHold(ctx, "t2", "h3-bob")
		mustErr(t, err3, store.ErrNotFound, "GetHold(id only another tenant uses)")
		return firstErr(err, err2)
	})

	// A released hold's id stays taken.
	err = s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h2-alice", Scope: store.HoldSubject, Target: "alice", PlacedBy: "u"})
		mustErr(t, err, store.ErrConflict, "PlaceHold(id of a released hold)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testWebhookEndpoints: endpoints are created per tenant with their events
// sorted, found, paged, and disabled once.
func testWebhookEndpoints(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	seed(t, s, "t2")
	var ws []store.WebhookEndpoint
	for i, events := range [][]string{{"request.status", "request.created"}, nil, {"request.created"}} {
		ws = append(ws, store.WebhookEndpoint{Tenant: "t1", ID: "wh" + strconv.Itoa(i),
			URL: "https://hooks.example/t1/" + strconv.Itoa(i) + "?token=abc", Secret: []byte("sealed-secret-" + strconv.Itoa(i)),
			Events: events})
	}
	ws[1].URL = "http://localhost:9000/hook"
	write(t, s, func(tx store.Tx) error {
		for i, w := range ws {
			got, err := tx.CreateWebhookEndpoint(ctx, w)
			if err != nil {
				return err
			}
			ws[i].CreatedAt = store.Norm(Epoch)
			if i == 0 {
				ws[i].Events = []string{"request.created", "request.status"}
			}
			deepEq(t, "CreateWebhookEndpoint "+w.ID, got, ws[i])
		}
		_, err := tx.CreateWebhookEndpoint(ctx, store.WebhookEndpoint{Tenant: "t2", ID: "wh0", URL: "https://t2.example/",
			Secret: []byte("s")})
		return err
	})

	err := s.Write(ctx, func(tx store.Tx) error {
		dup := ws[0]
		dup.CreatedAt = time.Time{}
		_, err := tx.CreateWebhookEndpoint(ctx, dup)
		mustErr(t, err, store.ErrConflict, "CreateWebhookEndpoint(id taken in the tenant)")
		dup.Tenant = "no-such-tenant"
		_, err = tx.CreateWebhookEndpoint(ctx, dup)
		mustErr(t, err, store.ErrNotFound, "CreateWebhookEndpoint(missing tenant)")
		_, err = tx.DisableWebhookEndpoint(ctx, "t1", "no-such-endpoint")
		mustErr(t, err, store.ErrNotFound, "DisableWebhookEndpoint(missing)")
		_, err = tx.GetWebhookEndpoint(ctx, "t1", "wh0")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	read(t, s, func(r store.Reader) error {
		for _, w := range ws {
			got, err := r.GetWebhookEndpoint(ctx, "t1", w.ID)
			if err != nil {
				return err
			}
			deepEq(t, "GetWebhookEndpoint "+w.ID, got, w)
		}
		_, err := r.GetWebhookEndpoint(ctx, "t1", "nope")
		mustErr(t, err, store.ErrNotFound, "GetWebhookEndpoint(missing)")
		got, next, err := r.ListWebhookEndpoints(ctx, "t1", store.Page{Limit: 2})
		if err != nil {
			return err
		}
		eq(t, "ListWebhookEndpoints(t1) first page", webhookIDs(got)+" "+next, "[wh0 wh1] wh1")
		if len(got) == 2 {
			deepEq(t, "listed endpoint", got[1], ws[1])
		}
		got, next, err = r.ListWebhookEndpoints(ctx, "t1", store.Page{After: next, Limit: 2})
		eq(t, "ListWebhookEndpoints(t1) second page", webhookIDs(got)+" "+next, "[wh2] ")
		return err
	})

	disabledAt := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.DisableWebhookEndpoint(ctx, "t1", "wh0")
		ws[0].DisabledAt = store.Norm(disabledAt)
		deepEq(t, "DisableWebhookEndpoint", got, ws[0])
		if got.Active() {
			t.Error("disabled endpoint is active")
		}
		return err
	})
	clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.DisableWebhookEndpoint(ctx, "t1", "wh0")
		deepEq(t, "DisableWebhookEndpoint(again)", got, ws[0])
		return err
	})
	read(t, s, func(r store.Reader) error {
		got, _, err := r.ListWebhookEndpoints(ctx, "t1", store.Page{})
		eq(t, "ListWebhookEndpoints(t1) after disabling", webhookIDs(got), "[wh0 wh1 wh2]")
		if len(got) == 3 {
			deepEq(t, "listed disabled endpoint", got[0], ws[0])
		}
		w2, err2 := r.GetWebhookEndpoint(ctx, "t2", "wh0")
		if !w2.Active() {
			t.Error("disabling t1's endpoint disabled t2's")
		}
		return firstErr(err, err2)
	})
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
