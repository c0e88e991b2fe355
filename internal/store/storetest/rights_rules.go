package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// The rules every entity obeys, for the entities of schema version 5:
// invalid input, the audit rule and tenant isolation.

// viewRights adds to v what the tenant sees of trusted keys, legal holds
// and webhook endpoints.
func viewRights(ctx context.Context, r store.Reader, tenant string, v *tenantView) error {
	var err error
	if v.TrustedKeys, _, err = r.ListTrustedKeys(ctx, tenant, "", store.Page{Limit: store.MaxLimit}); err != nil {
		return err
	}
	if v.Holds, _, err = r.ListHolds(ctx, tenant, store.HoldFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
		return err
	}
	v.Webhooks, _, err = r.ListWebhookEndpoints(ctx, tenant, store.Page{Limit: store.MaxLimit})
	return err
}

// testInvalidRightsInput: bad input to the methods of trusted keys, holds
// and webhook endpoints gets an *InvalidError naming the field, and
// nothing is stored.
func testInvalidRightsInput(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice")
	write(t, s, func(tx store.Tx) error {
		_, err := tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h1", Scope: store.HoldTenant, PlacedBy: "u"})
		return err
	})
	createKey := func(mod func(*store.TrustedKey)) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			k := store.TrustedKey{Tenant: "t1", ID: "k1", Kind: store.TrustedKeyAgent, Name: "agent",
				Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("k1"), CallbackURL: "https://agent.example/cb"}
			mod(&k)
			_, err := tx.CreateTrustedKey(ctx, k)
			return err
		}
	}
	callback := func(url string) func(tx store.Tx) error {
		return createKey(func(k *store.TrustedKey) { k.CallbackURL = url })
	}
	placeHold := func(mod func(*store.Hold)) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			h := store.Hold{Tenant: "t1", ID: "h2", Scope: store.HoldSubject, Target: "alice", PlacedBy: "user:officer"}
			mod(&h)
			_, err := tx.PlaceHold(ctx, h)
			return err
		}
	}
	listHolds := func(f store.HoldFilter) func(tx store.Tx) error {
		return func(tx store.Tx) error { _, _, err := tx.ListHolds(ctx, "t1", f, store.Page{}); return err }
	}
	createHook := func(mod func(*store.WebhookEndpoint)) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			w := store.WebhookEndpoint{Tenant: "t1", ID: "w1", URL: "https://hooks.example/x", Secret: []byte("sealed")}
			mod(&w)
			_, err := tx.CreateWebhookEndpoint(ctx, w)
			return err
		}
	}
	cases := []invalidCase{
		{"trusted key tenant", "trusted_key.tenant", createKey(func(k *store.TrustedKey) { k.Tenant = "" })},
		{"trusted key id", "trusted_key.id", createKey(func(k *store.TrustedKey) { k.ID = "a\nb" })},
		{"trusted key kind", "trusted_key.kind", createKey(func(k *store.TrustedKey) { k.Kind = "server" })},
		{"trusted key without kind", "trusted_key.kind", createKey(func(k *store.TrustedKey) { k.Kind = "" })},
		{"trusted key name", "trusted_key.name", createKey(func(k *store.TrustedKey) { k.Name = strings.Repeat("n", store.MaxNameLen+1) })},
		{"trusted key algorithm", "trusted_key.algorithm", createKey(func(k *store.TrustedKey) { k.Algorithm = "ES256" })},
		{"trusted key without algorithm", "trusted_key.algorithm", createKey(func(k *store.TrustedKey) { k.Algorithm = "" })},
		{"trusted key length", "trusted_key.public_key", createKey(func(k *store.TrustedKey) { k.PublicKey = k.PublicKey[:31] })},
		{"trusted key missing", "trusted_key.public_key", createKey(func(k *store.TrustedKey) { k.PublicKey = nil })},
		{"app key with callback", "trusted_key.callback_url", createKey(func(k *store.TrustedKey) { k.Kind = store.TrustedKeyApp })},
		{"callback over http", "trusted_key.callback_url", callback("http://agent.example/cb")},
		{"callback ftp", "trusted_key.callback_url", callback("ftp://agent.example/cb")},
		{"callback relative", "trusted_key.callback_url", callback("/cb")},
		{"callback without host", "trusted_key.callback_url", callback("https:///cb")},
		{"callback with password", "trusted_key.callback_url", callback("https://user:pw@agent.example/cb")},
		{"callback with fragment", "trusted_key.callback_url", callback("https://agent.example/cb#x")},
		{"callback not a URL", "trusted_key.callback_url", callback("https://agent.example:port/")},
		{"callback control character", "trusted_key.callback_url", callback("https://agent.example/\x7f")},
		{"trusted key created revoked", "trusted_key.revoked_at", createKey(func(k *store.TrustedKey) { k.RevokedAt = Epoch })},
		{"revoke trusted key without id", "id", func(tx store.Tx) error {
			_, err := tx.RevokeTrustedKey(ctx, "t1", "")
			return err
		}},
		{"get trusted key without tenant", "tenant", func(tx store.Tx) error {
			_, err := tx.GetTrustedKey(ctx, "", "k1")
			return err
		}},
		{"list trusted keys kind", "kind", func(tx store.Tx) error {
			_, _, err := tx.ListTrustedKeys(ctx, "t1", "apps", store.Page{})
			return err
		}},
		{"list trusted keys page", "page.limit", func(tx store.Tx) error {
			_, _, err := tx.ListTrustedKeys(ctx, "t1", "", store.Page{Limit: store.MaxLimit + 1})
			return err
		}},

		{"hold id", "hold.id", placeHold(func(h *store.Hold) { h.ID = "" })},
		{"hold scope", "hold.scope", placeHold(func(h *store.Hold) { h.Scope = "record" })},
		{"hold without scope", "hold.scope", placeHold(func(h *store.Hold) { h.Scope = "" })},
		{"tenant hold with target", "hold.target", placeHold(func(h *store.Hold) { h.Scope = store.HoldTenant })},
		{"subject hold without target", "hold.target", placeHold(func(h *store.Hold) { h.Target = "" })},
		{"category hold without target", "hold.target", placeHold(func(h *store.Hold) { h.Scope, h.Target = store.HoldCategory, "" })},
		{"category hold target", "hold.target", placeHold(func(h *store.Hold) { h.Scope, h.Target = store.HoldCategory, "health data" })},
		{"hold reason", "hold.reason", placeHold(func(h *store.Hold) { h.Reason = strings.Repeat("r", store.MaxTextLen+1) })},
		{"hold without placer", "hold.placed_by", placeHold(func(h *store.Hold) { h.PlacedBy = "" })},
		{"hold placed released", "hold.released_at", placeHold(func(h *store.Hold) { h.ReleasedAt = Epoch })},
		{"hold placed with releaser", "hold.released_by", placeHold(func(h *store.Hold) { h.ReleasedBy = "u" })},
		{"release hold without releaser", "by", func(tx store.Tx) error {
			_, err := tx.ReleaseHold(ctx, "t1", "h1", "")
			return err
		}},
		{"release hold without id", "id", func(tx store.Tx) error {
			_, err := tx.ReleaseHold(ctx, "t1", "", "u")
			return err
		}},
		{"get hold without id", "id", func(tx store.Tx) error {
			_, err := tx.GetHold(ctx, "t1", "")
			return err
		}},
		{"hold filter scope", "filter.scope", listHolds(store.HoldFilter{Scope: "everything"})},
		{"hold filter target without scope", "filter.target", listHolds(store.HoldFilter{Target: "alice"})},
		{"hold filter target of tenant scope", "filter.target", listHolds(store.HoldFilter{Scope: store.HoldTenant, Target: "alice"})},
		{"hold list page", "page.limit", func(tx store.Tx) error {
			_, _, err := tx.ListHolds(ctx, "t1", store.HoldFilter{}, store.Page{Limit: -1})
			return err
		}},
		{"active holds without subject", "subject", func(tx store.Tx) error {
			_, err := tx.ActiveHolds(ctx, "t1", "")
			return err
		}},

		{"webhook id", "webhook.id", createHook(func(w *store.WebhookEndpoint) { w.ID = "" })},
		{"webhook without URL", "webhook.url", createHook(func(w *store.WebhookEndpoint) { w.URL = "" })},
		{"webhook over http", "webhook.url", createHook(func(w *store.WebhookEndpoint) { w.URL = "http://hooks.example/x" })},
		{"webhook URL too long", "webhook.url", createHook(func(w *store.WebhookEndpoint) {
			w.URL = "https://hooks.example/" + strings.Repeat("x", store.MaxTextLen)
		})},
		{"webhook without secret", "webhook.secret", createHook(func(w *store.WebhookEndpoint) { w.Secret = nil })},
		{"webhook secret too long", "webhook.secret", createHook(func(w *store.WebhookEndpoint) {
			w.Secret = make([]byte, store.MaxWebhookSecretLen+1)
		})},
		{"webhook event name", "webhook.events[1]", createHook(func(w *store.WebhookEndpoint) {
			w.Events = []string{"request.created", "request status"}
		})},
		{"webhook event twice", "webhook.events", createHook(func(w *store.WebhookEndpoint) {
			w.Events = []string{"request.created", "request.status", "request.created"}
		})},
		{"webhook too many events", "webhook.events", createHook(func(w *store.WebhookEndpoint) {
			w.Events = make([]string, store.MaxWebhookEvents+1)
		})},
		{"webhook created disabled", "webhook.disabled_at", createHook(func(w *store.WebhookEndpoint) { w.DisabledAt = Epoch })},
		{"disable webhook without tenant", "tenant", func(tx store.Tx) error {
			_, err := tx.DisableWebhookEndpoint(ctx, "", "w1")
			return err
		}},
		{"get webhook without id", "id", func(tx store.Tx) error {
			_, err := tx.GetWebhookEndpoint(ctx, "t1", "")
			return err
		}},
		{"list webhooks page after", "page.after", func(tx store.Tx) error {
			_, _, err := tx.ListWebhookEndpoints(ctx, "t1", store.Page{After: "a\x00"})
			return err
		}},
	}
	before := auditSize(t, s)
	beforeView := viewOf(t, s, "t1")
	for _, c := range cases {
		err := s.Write(ctx, func(tx store.Tx) error {
			mustInvalid(t, c.fn(tx), c.field, c.name)
			_, err := tx.GetSubject(ctx, "t1", "alice")
			return err
		})
		if err != nil {
			t.Fatalf("%s: Write: %v", c.name, err)
		}
	}
	eq(t, "audit size", auditSize(t, s), before)
	if after := viewOf(t, s, "t1"); !reflect.DeepEqual(after, beforeView) {
		t.Fatalf("invalid input changed data:\nbefore %#v\nafter  %#v", beforeView, after)
	}

	// What is valid: an agent key without callback, http to a loopback
	// host, a subject hold for a subject of the tenant.
	write(t, s, func(tx store.Tx) error {
		for _, f := range []func(tx store.Tx) error{
			createKey(func(k *store.TrustedKey) { k.CallbackURL = "" }),
			createKey(func(k *store.TrustedKey) { k.ID, k.CallbackURL = "k2", "http://localhost:8080/cb" }),
			createKey(func(k *store.TrustedKey) { k.ID, k.CallbackURL = "k3", "http://[::1]/cb" }),
			createKey(func(k *store.TrustedKey) { k.ID, k.Kind, k.CallbackURL = "k4", store.TrustedKeyApp, "" }),
			placeHold(func(*store.Hold) {}),
			createHook(func(w *store.WebhookEndpoint) { w.URL = "http://127.0.0.1:9/hook" }),
		} {
			if err := f(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// unauditedRightsSetup prepares tenant t1 (with subject alice) for
// [rightsMutations] in one audited write, and returns the number of audit
// entries it appended.
func unauditedRightsSetup(t testing.TB, s store.Store) int64 {
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.CreateTrustedKey(ctx, store.TrustedKey{Tenant: "t1", ID: "tk1", Kind: store.TrustedKeyApp,
			Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("tk1")}); err != nil {
			return err
		}
		if _, err := tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h1", Scope: store.HoldSubject, Target: "alice",
			PlacedBy: "u"}); err != nil {
			return err
		}
		_, err := tx.CreateWebhookEndpoint(ctx, store.WebhookEndpoint{Tenant: "t1", ID: "wh1", URL: "https://hooks.example/",
			Secret: []byte("sealed")})
		return err
	})
	return 1
}

// rightsMutations are the changing calls of schema version 5, each of
// which must be rolled back without an audit entry.
func rightsMutations(ctx context.Context) map[string]func(tx store.Tx) error {
	return map[string]func(tx store.Tx) error{
		"CreateTrustedKey": func(tx store.Tx) error {
			_, err := tx.CreateTrustedKey(ctx, store.TrustedKey{Tenant: "t1", ID: "tk2", Kind: store.TrustedKeyAgent,
				Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("tk2")})
			return err
		},
		"RevokeTrustedKey": func(tx store.Tx) error {
			_, err := tx.RevokeTrustedKey(ctx, "t1", "tk1")
			return err
		},
		"PlaceHold": func(tx store.Tx) error {
			_, err := tx.PlaceHold(ctx, store.Hold{Tenant: "t1", ID: "h2", Scope: store.HoldTenant, PlacedBy: "u"})
			return err
		},
		"ReleaseHold": func(tx store.Tx) error {
			_, err := tx.ReleaseHold(ctx, "t1", "h1", "u")
			return err
		},
		"CreateWebhookEndpoint": func(tx store.Tx) error {
			_, err := tx.CreateWebhookEndpoint(ctx, store.WebhookEndpoint{Tenant: "t1", ID: "wh2", URL: "https://hooks.example/2",
				Secret: []byte("sealed")})
			return err
		},
		"DisableWebhookEndpoint": func(tx store.Tx) error {
			_, err := tx.DisableWebhookEndpoint(ctx, "t1", "wh1")
			return err
		},
	}
}

// seedRightsIsolation gives tenant b a trusted key, holds of every scope
// (one on the subject "shared", which a also has) and a webhook endpoint,
// and tenant a a trusted key and an endpoint of its own.
func seedRightsIsolation(t testing.TB, s store.Store, a, b string) {
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		for _, k := range []store.TrustedKey{
			{Tenant: a, ID: "tk-a", Kind: store.TrustedKeyApp, Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("a")},
			{Tenant: b, ID: "tk-b", Kind: store.TrustedKeyAgent, Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("b")},
		} {
			if _, err := tx.CreateTrustedKey(ctx, k); err != nil {
				return err
			}
		}
		for _, h := range []store.Hold{
			{Tenant: b, ID: "hold-b-tenant", Scope: store.HoldTenant, PlacedBy: "u"},
			{Tenant: b, ID: "hold-b-shared", Scope: store.HoldSubject, Target: "shared", PlacedBy: "u"},
			{Tenant: b, ID: "hold-b-category", Scope: store.HoldCategory, Target: "health", PlacedBy: "u"},
		} {
			if _, err := tx.PlaceHold(ctx, h); err != nil {
				return err
			}
		}
		for _, w := range []store.WebhookEndpoint{
			{Tenant: a, ID: "wh-a", URL: "https://a.example/", Secret: []byte("a")},
			{Tenant: b, ID: "wh-b", URL: "https://b.example/", Secret: []byte("b")},
		} {
			if _, err := tx.CreateWebhookEndpoint(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// probeRightsReads tries, as tenant a, to read b's data of schema version
// 5; notFound records a method and checks it failed with ErrNotFound.
func probeRightsReads(t testing.TB, r store.Reader, a, b string, covered map[string]bool, notFound func(string, error)) error {
	t.Helper()
	ctx := context.Background()
	_, err := r.GetTrustedKey(ctx, a, "tk-b")
	notFound("GetTrustedKey", err)
	for _, kind := range []string{"", store.TrustedKeyAgent} {
		ks, _, err := r.ListTrustedKeys(ctx, a, kind, store.Page{})
		if err != nil {
			return err
		}
		want := "[tk-a]"
		if kind != "" {
			want = "[]"
		}
		eq(t, "ListTrustedKeys(A, "+kind+")", trustedKeyIDs(ks), want)
	}
	covered["ListTrustedKeys"] = true

	_, err = r.GetHold(ctx, a, "hold-b-tenant")
	notFound("GetHold", err)
	for _, f := range []store.HoldFilter{{}, {Scope: store.HoldSubject, Target: "shared"}, {Scope: store.HoldCategory}, {ActiveOnly: true}} {
		hs, _, err := r.ListHolds(ctx, a, f, store.Page{})
		if err != nil {
			return err
		}
		eq(t, "ListHolds(A)", holdIDs(hs), "[]")
	}
	covered["ListHolds"] = true
	hs, err := r.ActiveHolds(ctx, a, "shared")
	if err != nil {
		return err
	}
	covered["ActiveHolds"] = true
	eq(t, "ActiveHolds(A, shared)", holdIDs(hs), "[]")
	// B's view, for contrast: all three of its holds cover its "shared".
	hs, err = r.ActiveHolds(ctx, b, "shared")
	eq(t, "ActiveHolds(B, shared)", holdIDs(hs), "[hold-b-category hold-b-shared hold-b-tenant]")
	if err != nil {
		return err
	}

	_, err = r.GetWebhookEndpoint(ctx, a, "wh-b")
	notFound("GetWebhookEndpoint", err)
	ws, _, err := r.ListWebhookEndpoints(ctx, a, store.Page{})
	covered["ListWebhookEndpoints"] = true
	eq(t, "ListWebhookEndpoints(A)", webhookIDs(ws), "[wh-a]")
	return err
}

// probeRightsWrites tries, as tenant a, to change b's data of schema
// version 5, in a transaction the caller rolls back.
func probeRightsWrites(t testing.TB, tx store.Tx, a, b string, covered map[string]bool, notFound func(string, error)) {
	t.Helper()
	ctx := context.Background()
	_, err := tx.RevokeTrustedKey(ctx, a, "tk-b")
	notFound("RevokeTrustedKey", err)
	_, err = tx.ReleaseHold(ctx, a, "hold-b-shared", "u")
	notFound("ReleaseHold", err)
	_, err = tx.DisableWebhookEndpoint(ctx, a, "wh-b")
	notFound("DisableWebhookEndpoint", err)
	// A cannot hold B's subject.
	_, err = tx.PlaceHold(ctx, store.Hold{Tenant: a, ID: "hold-x", Scope: store.HoldSubject, Target: "b-only", PlacedBy: "u"})
	notFound("PlaceHold", err)

	// Ids are per tenant: A may use B's ids, and B's items stay B's.
	if _, err := tx.CreateTrustedKey(ctx, store.TrustedKey{Tenant: a, ID: "tk-b", Kind: store.TrustedKeyApp,
		Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("a2")}); err != nil {
		t.Errorf("CreateTrustedKey(A, id used by B): %v", err)
	}
	covered["CreateTrustedKey"] = true
	if k, err := tx.GetTrustedKey(ctx, b, "tk-b"); err != nil || k.Kind != store.TrustedKeyAgent || k.Tenant != b {
		t.Errorf("B's key after A took its id: %#v, %v", k, err)
	}
	if _, err := tx.PlaceHold(ctx, store.Hold{Tenant: a, ID: "hold-b-shared", Scope: store.HoldSubject, Target: "shared",
		PlacedBy: "u"}); err != nil {
		t.Errorf("PlaceHold(A, id used by B): %v", err)
	}
	if hs, err := tx.ActiveHolds(ctx, a, "shared"); err != nil || holdIDs(hs) != "[hold-b-shared]" || hs[0].Tenant != a {
		t.Errorf("ActiveHolds(A, shared) after A's hold: %#v, %v", hs, err)
	}
	if _, err := tx.CreateWebhookEndpoint(ctx, store.WebhookEndpoint{Tenant: a, ID: "wh-b", URL: "https://a.example/2",
		Secret: []byte("a2")}); err != nil {
		t.Errorf("CreateWebhookEndpoint(A, id used by B): %v", err)
	}
	covered["CreateWebhookEndpoint"] = true
	if w, err := tx.GetWebhookEndpoint(ctx, b, "wh-b"); err != nil || w.URL != "https://b.example/" {
		t.Errorf("B's endpoint after A took its id: %#v, %v", w, err)
	}
}
