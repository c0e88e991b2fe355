package api

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"gocloud.dev/secrets/localsecrets"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
)

// newPublicKey returns a fresh Ed25519 public key.
func newPublicKey(t testing.TB) ed25519.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// withRouter gives the harness's server a webhook router whose secrets are
// sealed by a key manager of its own.
func (h *harness) withRouter() {
	h.t.Helper()
	ctx := context.Background()
	k, err := localsecrets.NewRandomKey()
	if err != nil {
		h.t.Fatal(err)
	}
	root := localsecrets.NewKeeper(k)
	h.t.Cleanup(func() { root.Close() })
	ks, err := keys.OpenKeyStore(ctx, "sqlite://"+filepath.ToSlash(filepath.Join(h.t.TempDir(), "keys.db")))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { ks.Close() })
	h.srv.v1.Router = &routing.Router{Store: h.v.Store(), Keys: keys.NewManager(root, ks, clock.Real{})}
}

// auditJSON returns every audit entry, JSON-encoded, one per line.
func (h *harness) auditJSON() string {
	h.t.Helper()
	var b strings.Builder
	err := h.v.AuditEntries(context.Background(), 0, h.auditSize(), func(e audit.StoredEntry) error {
		j, err := json.Marshal(e.Entry)
		b.Write(j)
		b.WriteByte('\n')
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return b.String()
}

// lastAudit returns the newest audit entry.
func (h *harness) lastAudit() audit.Entry {
	h.t.Helper()
	var last audit.Entry
	size := h.auditSize()
	if err := h.v.AuditEntries(context.Background(), size-1, size, func(e audit.StoredEntry) error { last = e.Entry; return nil }); err != nil {
		h.t.Fatal(err)
	}
	return last
}

// stored counts tenant's trusted keys, holds and webhook endpoints.
func (h *harness) stored(tenant string) (trusted, holds, webhooks int) {
	h.t.Helper()
	ctx := context.Background()
	err := h.v.Store().Read(ctx, func(r store.Reader) error {
		p := store.Page{Limit: store.MaxLimit}
		ks, _, err := r.ListTrustedKeys(ctx, tenant, "", p)
		if err != nil {
			return err
		}
		hs, _, err := r.ListHolds(ctx, tenant, store.HoldFilter{}, p)
		if err != nil {
			return err
		}
		ws, _, err := r.ListWebhookEndpoints(ctx, tenant, p)
		trusted, holds, webhooks = len(ks), len(hs), len(ws)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return
}

func TestAdminTrustedKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		app, agent := newPublicKey(t), newPublicKey(t)
		var k TrustedKeyOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/trusted-keys", h.admin, map[string]any{
			"id": "ios-2026", "kind": "app", "name": "iOS app NAME-MARKER", "public_key": base64.StdEncoding.EncodeToString(app)}), &k)
		if k.ID != "ios-2026" || k.Kind != "app" || k.Algorithm != "Ed25519" || k.PublicKey != base64.StdEncoding.EncodeToString(app) ||
			k.CreatedAt.IsZero() || k.RevokedAt != nil || k.CallbackURL != "" {
			t.Errorf("created %+v", k)
		}
		if e := h.lastAudit(); e.Action != "trusted_key.create" || e.ObjectID != "ios-2026" || e.Tenant != "t1" ||
			e.Details["kind"] != "app" || !strings.HasPrefix(e.Actor, "apikey:") {
			t.Errorf("audit %+v", e)
		}
		// An agent key, URL-safe base64 without padding, with a callback.
		h.decode(h.must(http.StatusCreated, "POST", "/v1/trusted-keys", h.admin, map[string]any{
			"id": "agent-cr", "kind": "agent", "name": "Consumer agent", "public_key": base64.RawURLEncoding.EncodeToString(agent),
			"callback_url": "https://agent.example/cb"}), &k)
		if k.CallbackURL != "https://agent.example/cb" || k.PublicKey != base64.StdEncoding.EncodeToString(agent) {
			t.Errorf("agent %+v", k)
		}
		// The same id again is a conflict.
		if p := h.problem(h.do("POST", "/v1/trusted-keys", h.admin, map[string]any{"id": "ios-2026", "kind": "app", "name": "x",
			"public_key": base64.StdEncoding.EncodeToString(agent)})); p.Status != http.StatusConflict || p.Field != "body.id" {
			t.Errorf("duplicate: %+v", p)
		}

		var list struct {
			TrustedKeys []TrustedKeyOut `json:"trusted_keys"`
			Next        string
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/trusted-keys", h.admin, nil), &list)
		if len(list.TrustedKeys) != 2 || list.TrustedKeys[0].ID != "agent-cr" || list.TrustedKeys[1].ID != "ios-2026" || list.Next != "" {
			t.Errorf("list %+v", list)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/trusted-keys?kind=app", h.admin, nil), &list)
		if len(list.TrustedKeys) != 1 || list.TrustedKeys[0].ID != "ios-2026" {
			t.Errorf("list kind=app %+v", list)
		}
		// Paged.
		h.decode(h.must(http.StatusOK, "GET", "/v1/trusted-keys?limit=1", h.admin, nil), &list)
		if len(list.TrustedKeys) != 1 || list.TrustedKeys[0].ID != "agent-cr" || list.Next == "" {
			t.Fatalf("page 1 %+v", list)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/trusted-keys?limit=1&after="+list.Next, h.admin, nil), &list)
		if len(list.TrustedKeys) != 1 || list.TrustedKeys[0].ID != "ios-2026" {
			t.Errorf("page 2 %+v", list)
		}

		// Revoke, twice: the first time stands and is audited once.
		h.decode(h.must(http.StatusOK, "DELETE", "/v1/trusted-keys/ios-2026", h.admin, nil), &k)
		if k.RevokedAt == nil || k.ID != "ios-2026" {
			t.Fatalf("revoked %+v", k)
		}
		if e := h.lastAudit(); e.Action != "trusted_key.revoke" || e.ObjectID != "ios-2026" {
			t.Errorf("audit %+v", e)
		}
		first, size := *k.RevokedAt, h.auditSize()
		h.decode(h.must(http.StatusOK, "DELETE", "/v1/trusted-keys/ios-2026", h.admin, nil), &k)
		if k.RevokedAt == nil || !k.RevokedAt.Equal(first) || h.auditSize() != size {
			t.Errorf("revoked again: %+v, audit %d → %d", k, size, h.auditSize())
		}
		if p := h.problem(h.do("DELETE", "/v1/trusted-keys/nope", h.admin, nil)); p.Status != http.StatusNotFound || p.Field != "path.id" {
			t.Errorf("unknown key: %+v", p)
		}
		if a := h.auditJSON(); strings.Contains(a, "NAME-MARKER") {
			t.Error("a trusted key's name reached the audit log")
		}
		if strings.Contains(h.logs.String(), "NAME-MARKER") {
			t.Error("a trusted key's name reached the logs")
		}
	})
}

func TestAdminHolds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		const reason = "court order REASON-MARKER 17"
		h.must(http.StatusOK, "PUT", "/v1/subjects/s1", h.admin, map[string]any{"age_floor": 18, "region": "CN"})
		var sub, cat, ten HoldOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/holds", h.admin, map[string]any{"scope": "subject", "target": "s1", "reason": reason}), &sub)
		if len(sub.ID) != 36 || sub.Scope != "subject" || sub.Target != "s1" || sub.Reason != reason ||
			!strings.HasPrefix(sub.PlacedBy, "apikey:") || sub.PlacedAt.IsZero() || sub.ReleasedAt != nil || sub.ReleasedBy != "" {
			t.Errorf("placed %+v", sub)
		}
		if e := h.lastAudit(); e.Action != "hold.place" || e.ObjectType != "hold" || e.ObjectID != sub.ID || e.Subject != "s1" || e.Details["scope"] != "subject" {
			t.Errorf("audit %+v", e)
		}
		h.decode(h.must(http.StatusCreated, "POST", "/v1/holds", h.admin, map[string]any{"scope": "category", "target": "financial", "reason": reason}), &cat)
		if e := h.lastAudit(); e.Details["category"] != "financial" {
			t.Errorf("audit %+v", e)
		}
		h.decode(h.must(http.StatusCreated, "POST", "/v1/holds", h.admin, map[string]any{"scope": "tenant", "reason": reason}), &ten)

		var list struct {
			Holds []HoldOut
			Next  string
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/holds", h.admin, nil), &list)
		if len(list.Holds) != 3 {
			t.Errorf("list %+v", list)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/holds?scope=subject&target=s1", h.admin, nil), &list)
		if len(list.Holds) != 1 || list.Holds[0].ID != sub.ID {
			t.Errorf("list subject s1 %+v", list)
		}

		var rel HoldOut
		h.decode(h.must(http.StatusOK, "POST", "/v1/holds/"+sub.ID+"/release", h.admin, nil), &rel)
		if rel.ReleasedAt == nil || rel.ReleasedBy != sub.PlacedBy || rel.ID != sub.ID {
			t.Errorf("released %+v", rel)
		}
		if e := h.lastAudit(); e.Action != "hold.release" || e.ObjectID != sub.ID {
			t.Errorf("audit %+v", e)
		}
		size := h.auditSize()
		p := h.problem(h.do("POST", "/v1/holds/"+sub.ID+"/release", h.admin, nil))
		if p.Status != http.StatusConflict || p.Code != "already_released" || p.Field != "path.id" || h.auditSize() != size {
			t.Errorf("release twice: %+v", p)
		}
		if p := h.problem(h.do("POST", "/v1/holds/nope/release", h.admin, nil)); p.Status != http.StatusNotFound {
			t.Errorf("release unknown: %+v", p)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/holds?active=true", h.admin, nil), &list)
		if len(list.Holds) != 2 || list.Holds[0].ID == sub.ID || list.Holds[1].ID == sub.ID {
			t.Errorf("active %+v", list)
		}
		if strings.Contains(h.auditJSON(), "REASON-MARKER") {
			t.Error("a hold's reason reached the audit log")
		}
		if strings.Contains(h.logs.String(), "REASON-MARKER") {
			t.Error("a hold's reason reached the logs")
		}
	})
}

func TestAdminWebhooks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		// Without a job runner the endpoints cannot be managed.
		for _, r := range []struct{ method, path string }{{"POST", "/v1/webhooks"}, {"DELETE", "/v1/webhooks/x"}} {
			var body any
			if r.method == "POST" {
				body = map[string]any{"url": "https://hooks.example/in"}
			}
			p := h.problem(h.do(r.method, r.path, h.admin, body))
			if p.Status != http.StatusServiceUnavailable || p.Code != "no_job_runner" || !strings.Contains(p.Detail, "job runner") {
				t.Errorf("%s %s without a router: %+v", r.method, r.path, p)
			}
		}
		h.withRouter()
		const url = "https://hooks.example/in?token=URL-MARKER"
		var w WebhookOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/webhooks", h.admin, map[string]any{"url": url, "events": []string{"request.status"}}), &w)
		if !strings.HasPrefix(w.Secret, "whsec_") || w.URL != url || len(w.Events) != 1 || w.Events[0] != "request.status" || w.DisabledAt != nil || w.ID == "" {
			t.Fatalf("created %+v", w)
		}
		secret := strings.TrimPrefix(w.Secret, "whsec_")
		if e := h.lastAudit(); e.Action != "webhook.create" || e.ObjectID != w.ID {
			t.Errorf("audit %+v", e)
		}
		var all WebhookOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/webhooks", h.admin, map[string]any{"url": "http://127.0.0.1:9/hook"}), &all)
		if len(all.Events) != 0 {
			t.Errorf("all events: %+v", all)
		}

		res := h.must(http.StatusOK, "GET", "/v1/webhooks", h.admin, nil)
		if strings.Contains(res.String(), secret) || strings.Contains(res.String(), `"secret"`) {
			t.Errorf("the list shows a secret: %s", res)
		}
		var list struct{ Webhooks []WebhookOut }
		h.decode(res, &list)
		if len(list.Webhooks) != 2 {
			t.Errorf("list %+v", list)
		}

		var d WebhookOut
		h.decode(h.must(http.StatusOK, "DELETE", "/v1/webhooks/"+w.ID, h.admin, nil), &d)
		if d.DisabledAt == nil || d.Secret != "" || d.ID != w.ID {
			t.Errorf("disabled %+v", d)
		}
		if e := h.lastAudit(); e.Action != "webhook.disable" || e.ObjectID != w.ID {
			t.Errorf("audit %+v", e)
		}
		if p := h.problem(h.do("DELETE", "/v1/webhooks/nope", h.admin, nil)); p.Status != http.StatusNotFound || p.Field != "path.id" {
			t.Errorf("unknown endpoint: %+v", p)
		}
		a, logs := h.auditJSON(), h.logs.String()
		for _, marker := range []string{secret, "URL-MARKER"} {
			if strings.Contains(a, marker) {
				t.Errorf("%q reached the audit log", marker)
			}
			if strings.Contains(logs, marker) {
				t.Errorf("%q reached the logs", marker)
			}
		}
	})
}

// TestAdminBadInput sends every kind of bad input: each is refused naming
// the field at fault, and nothing is stored or audited.
func TestAdminBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		h.withRouter()
		h.must(http.StatusOK, "PUT", "/v1/subjects/s1", h.admin, map[string]any{"age_floor": 18, "region": "CN"})
		pub := base64.StdEncoding.EncodeToString(newPublicKey(t))
		tk := func(kv ...any) map[string]any {
			m := map[string]any{"id": "k1", "kind": "app", "name": "App", "public_key": pub}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		hold := func(scope, target string) map[string]any {
			return map[string]any{"scope": scope, "target": target, "reason": "case 1"}
		}
		for _, c := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"bad base64", "POST", "/v1/trusted-keys", tk("public_key", "not base64!!"), 400, "body.public_key"},
			{"PEM", "POST", "/v1/trusted-keys", tk("public_key", "-----BEGIN PUBLIC KEY-----"), 400, "body.public_key"},
			{"short key", "POST", "/v1/trusted-keys", tk("public_key", base64.StdEncoding.EncodeToString(make([]byte, 16))), 400, "body.public_key"},
			{"private key", "POST", "/v1/trusted-keys", tk("public_key", base64.StdEncoding.EncodeToString(make([]byte, 64))), 400, "body.public_key"},
			{"unknown kind", "POST", "/v1/trusted-keys", tk("kind", "robot"), 422, "body.kind"},
			{"missing name", "POST", "/v1/trusted-keys", map[string]any{"id": "k1", "kind": "app", "public_key": pub}, 422, "body.name"},
			{"bad id", "POST", "/v1/trusted-keys", tk("id", "a/b"), 422, "body.id"},
			{"callback on an app key", "POST", "/v1/trusted-keys", tk("callback_url", "https://x.example/cb"), 400, "body.callback_url"},
			{"http callback", "POST", "/v1/trusted-keys", tk("kind", "agent", "callback_url", "http://agent.example/cb"), 400, "body.callback_url"},
			{"callback not a URL", "POST", "/v1/trusted-keys", tk("kind", "agent", "callback_url", "agent.example"), 400, "body.callback_url"},
			{"unknown field", "POST", "/v1/trusted-keys", tk("colour", "red"), 422, "body.colour"},
			{"list unknown kind", "GET", "/v1/trusted-keys?kind=robot", nil, 422, "query.kind"},
			{"webhook http", "POST", "/v1/webhooks", map[string]any{"url": "http://hooks.example/in"}, 400, "body.url"},
			{"webhook credentials", "POST", "/v1/webhooks", map[string]any{"url": "https://u:p@hooks.example/in"}, 400, "body.url"},
			{"webhook no URL", "POST", "/v1/webhooks", map[string]any{"events": []string{"request.status"}}, 422, "body.url"},
			{"webhook unknown event", "POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example/in", "events": []string{"request.deleted"}}, 422, "body.events[0]"},
			{"webhook unknown field", "POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example/in", "secret": "mine"}, 422, "body.secret"},
			{"unknown scope", "POST", "/v1/holds", hold("planet", ""), 422, "body.scope"},
			{"subject without target", "POST", "/v1/holds", hold("subject", ""), 400, "body.target"},
			{"tenant with target", "POST", "/v1/holds", hold("tenant", "s1"), 400, "body.target"},
			{"bad category", "POST", "/v1/holds", hold("category", "no spaces"), 400, "body.target"},
			{"unknown subject", "POST", "/v1/holds", hold("subject", "nobody"), 404, "body.target"},
			{"no reason", "POST", "/v1/holds", map[string]any{"scope": "tenant"}, 422, "body.reason"},
			{"empty reason", "POST", "/v1/holds", map[string]any{"scope": "tenant", "reason": ""}, 422, "body.reason"},
			{"reason too long in bytes", "POST", "/v1/holds", map[string]any{"scope": "tenant", "reason": strings.Repeat("法", 1000)}, 400, "body.reason"},
			{"list target without scope", "GET", "/v1/holds?target=s1", nil, 400, "query.target"},
			{"list unknown scope", "GET", "/v1/holds?scope=planet", nil, 422, "query.scope"},
			{"list bad limit", "GET", "/v1/holds?limit=5000", nil, 422, "query.limit"},
			{"control character in a path id", "DELETE", "/v1/trusted-keys/a%01b", nil, 400, "path.id"},
			{"control character in a hold id", "POST", "/v1/holds/a%01b/release", nil, 400, "path.id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				size := h.auditSize()
				p := h.problem(h.do(c.method, c.path, h.admin, c.body))
				if p.Status != c.status || p.Field != c.field || !strings.Contains(p.Detail, c.field) {
					t.Errorf("got %d field %q detail %q; want %d naming %s", p.Status, p.Field, p.Detail, c.status, c.field)
				}
				if k, hs, w := h.stored("t1"); k+hs+w != 0 || h.auditSize() != size {
					t.Errorf("stored %d keys, %d holds, %d webhooks; audit %d → %d", k, hs, w, size, h.auditSize())
				}
			})
		}
	})
}

// TestAdminIsolation checks that a tenant's key sees and touches only its
// own tenant's keys, holds and endpoints, that a key without the admin
// scope is refused, and that operator keys act only on /v1/tenants.
func TestAdminIsolation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		h.withRouter()
		h.must(http.StatusCreated, "POST", "/v1/trusted-keys", h.admin, map[string]any{
			"id": "k1", "kind": "app", "name": "App", "public_key": base64.StdEncoding.EncodeToString(newPublicKey(t))})
		var hold HoldOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/holds", h.admin, map[string]any{"scope": "tenant", "reason": "case 1"}), &hold)
		var w WebhookOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/webhooks", h.admin, map[string]any{"url": "https://hooks.example/in"}), &w)

		// t2 sees none of them and cannot change them.
		for _, path := range []string{"/v1/trusted-keys", "/v1/holds", "/v1/webhooks"} {
			res := h.must(http.StatusOK, "GET", path, h.other, nil)
			var m map[string]any
			h.decode(res, &m)
			for k, v := range m {
				if l, ok := v.([]any); ok && len(l) != 0 {
					t.Errorf("t2 GET %s: %s = %v", path, k, l)
				}
			}
		}
		for _, r := range []struct{ method, path string }{
			{"DELETE", "/v1/trusted-keys/k1"}, {"POST", "/v1/holds/" + hold.ID + "/release"}, {"DELETE", "/v1/webhooks/" + w.ID},
		} {
			if res := h.do(r.method, r.path, h.other, nil); res.status != http.StatusNotFound {
				t.Errorf("t2 %s %s = %d %s", r.method, r.path, res.status, res.body)
			}
		}
		// t2 may use the same ids for its own.
		h.must(http.StatusCreated, "POST", "/v1/trusted-keys", h.other, map[string]any{
			"id": "k1", "kind": "app", "name": "App", "public_key": base64.StdEncoding.EncodeToString(newPublicKey(t))})

		// Neither a key without admin nor an operator key may act.
		for _, tok := range []string{h.collect, h.operator} {
			for _, r := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/v1/trusted-keys", map[string]any{"id": "k2", "kind": "app", "name": "x", "public_key": base64.StdEncoding.EncodeToString(newPublicKey(t))}},
				{"GET", "/v1/trusted-keys", nil},
				{"DELETE", "/v1/trusted-keys/k1", nil},
				{"POST", "/v1/holds", map[string]any{"scope": "tenant", "reason": "r"}},
				{"GET", "/v1/holds", nil},
				{"POST", "/v1/holds/" + hold.ID + "/release", nil},
				{"POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example/in"}},
				{"GET", "/v1/webhooks", nil},
				{"DELETE", "/v1/webhooks/" + w.ID, nil},
			} {
				if p := h.problem(h.do(r.method, r.path, tok, r.body)); p.Status != http.StatusForbidden {
					t.Errorf("%s %s = %+v; want 403", r.method, r.path, p)
				}
			}
		}
		if k, hs, ws := h.stored("t1"); k != 1 || hs != 1 || ws != 1 {
			t.Errorf("t1 has %d keys, %d holds, %d endpoints", k, hs, ws)
		}
		var list struct{ Holds []HoldOut }
		h.decode(h.must(http.StatusOK, "GET", "/v1/holds?active=true", h.admin, nil), &list)
		if len(list.Holds) != 1 {
			t.Errorf("t1's hold was released by another: %+v", list)
		}
	})
}
