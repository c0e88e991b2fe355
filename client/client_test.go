package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testToken = "trk_abc_s3cr3t"

// fake is a server that records the last request and answers with the
// handler of its route pattern.
type fake struct {
	t      *testing.T
	mux    *http.ServeMux
	last   *http.Request
	body   []byte
	server *httptest.Server
}

func newFake(t *testing.T) (*fake, *Client) {
	f := &fake{t: t, mux: http.NewServeMux()}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.last = r
		f.body, _ = io.ReadAll(r.Body)
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization = %q", got)
		}
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.server.Close)
	return f, New(f.server.URL+"/", testToken)
}

func (f *fake) on(pattern string, status int, resp any) {
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if p, ok := resp.(*Problem); ok {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("X-Request-Id", "req-1")
			resp = p
		}
		w.WriteHeader(status)
		if resp != nil {
			_ = json.NewEncoder(w).Encode(resp)
		}
	})
}

func (f *fake) decodeBody(v any) {
	f.t.Helper()
	if err := json.Unmarshal(f.body, v); err != nil {
		f.t.Fatalf("request body %s: %v", f.body, err)
	}
}

func TestRoutes(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	f.on("POST /v1/tenants", 201, map[string]any{"id": "acme", "name": "Acme", "kind": "controller", "created_at": "2025-01-02T03:04:05Z", "$schema": "x"})
	f.on("GET /v1/tenants/{tenant}", 200, map[string]any{"id": "acme", "name": "Acme", "kind": "processor"})
	f.on("POST /v1/tenants/{tenant}/keys", 201, map[string]any{"id": "k1", "name": "app", "scopes": []string{"collect"}, "token": "trk_k1_x"})
	f.on("GET /v1/tenants/{tenant}/keys", 200, map[string]any{"keys": []any{map[string]any{"id": "k1", "revoked_at": "2025-01-02T03:04:05Z"}}})
	f.on("DELETE /v1/tenants/{tenant}/keys/{id}", 204, nil)
	f.on("POST /v1/tenants/{tenant}/controllers", 201, map[string]any{"processor": "sdk", "controller": "acme"})
	f.on("POST /v1/declarations", 201, map[string]any{"seq": 1, "policy_id": "p", "version": "1.0", "sha256": "ab", "active": false})
	f.on("POST /v1/declarations/{seq}/activate", 200, map[string]any{"seq": 7, "active": true, "reconsent_purposes": []string{"ads"}})
	f.on("GET /v1/declarations", 200, map[string]any{"declarations": []any{map[string]any{"seq": 1}, map[string]any{"seq": 2}}})
	f.on("GET /v1/declarations/active", 200, map[string]any{"seq": 2, "policy_id": "p"})
	f.on("PUT /v1/subjects/{subject}", 200, map[string]any{"id": "u 1", "status": "active", "age_floor": 18, "region": "CN"})
	f.on("POST /v1/subjects/{subject}/consents", 201, map[string]any{"seq": 3, "purpose": "nearby", "action": "grant", "kind": "consent",
		"declaration_version": "1.0", "at": "2025-01-02T03:04:05Z", "receipt": map[string]any{"version": "KI-CR-v1.1.0", "evidence": map[string]any{"purposeId": "nearby"}}})
	f.on("GET /v1/subjects/{subject}/consents", 200, map[string]any{"events": []any{map[string]any{"seq": 3}}})
	f.on("PUT /v1/subjects/{subject}/devices/{device}/permissions", 200, map[string]any{"device": "d1", "permissions": map[string]bool{"location": true}})
	f.on("POST /v1/subjects/{subject}/guardians", 201, map[string]any{"minor": "kid", "guardian": "mum"})
	f.on("GET /v1/decisions", 200, map[string]any{"allowed": false, "reason": "gpc_opt_out", "detail": "d", "law": "CCPA"})
	f.on("POST /v1/subjects/{subject}/records", 201, map[string]any{"ids": []string{"r1", "r2"}})

	tn, err := c.CreateTenant(ctx, Tenant{ID: "acme", Name: "Acme", Kind: Controller})
	if err != nil || tn.ID != "acme" || tn.CreatedAt.IsZero() {
		t.Fatalf("CreateTenant = %+v, %v", tn, err)
	}
	var tin map[string]any
	f.decodeBody(&tin)
	if tin["kind"] != "controller" || len(tin) != 3 {
		t.Errorf("CreateTenant sent %v", tin)
	}
	if tn, err := c.GetTenant(ctx, "acme"); err != nil || tn.Kind != Processor {
		t.Errorf("GetTenant = %+v, %v", tn, err)
	}
	k, err := c.CreateKey(ctx, "acme", "app", ScopeCollect)
	if err != nil || string(k.Token) != "trk_k1_x" {
		t.Fatalf("CreateKey = %+v, %v", k, err)
	}
	if s := fmt.Sprintf("%v %+v %#v", k, *k, k.Token); strings.Contains(s, "trk_k1_x") {
		t.Errorf("a Key prints its token: %s", s)
	}
	keys, err := c.ListKeys(ctx, "acme")
	if err != nil || len(keys) != 1 || keys[0].RevokedAt == nil {
		t.Errorf("ListKeys = %+v, %v", keys, err)
	}
	if err := c.RevokeKey(ctx, "acme", "k1"); err != nil || f.last.URL.Path != "/v1/tenants/acme/keys/k1" {
		t.Errorf("RevokeKey: %v, path %s", err, f.last.URL.Path)
	}
	if l, err := c.LinkController(ctx, "sdk", "acme"); err != nil || l.Controller != "acme" {
		t.Errorf("LinkController = %+v, %v", l, err)
	}
	if d, err := c.UploadDeclaration(ctx, []byte("schema: trustee/v1\n")); err != nil || d.Seq != 1 {
		t.Errorf("UploadDeclaration = %+v, %v", d, err)
	}
	var din struct{ Source string }
	f.decodeBody(&din)
	if din.Source != "schema: trustee/v1\n" {
		t.Errorf("UploadDeclaration sent %q", din.Source)
	}
	if d, err := c.ActivateDeclaration(ctx, 7); err != nil || !d.Active || f.last.URL.Path != "/v1/declarations/7/activate" || len(d.ReconsentPurposes) != 1 {
		t.Errorf("ActivateDeclaration = %+v, %v", d, err)
	}
	if ds, err := c.ListDeclarations(ctx); err != nil || len(ds) != 2 {
		t.Errorf("ListDeclarations = %+v, %v", ds, err)
	}
	if d, err := c.ActiveDeclaration(ctx); err != nil || d.Seq != 2 {
		t.Errorf("ActiveDeclaration = %+v, %v", d, err)
	}
	if s, err := c.PutSubject(ctx, "u 1", Profile{AgeFloor: 18, Region: "CN"}); err != nil || s.AgeFloor != 18 || f.last.URL.EscapedPath() != "/v1/subjects/u%201" {
		t.Errorf("PutSubject = %+v, %v (path %s)", s, err, f.last.URL.EscapedPath())
	}
	ev, err := c.Consent(ctx, "u1", ConsentChange{Purpose: "nearby", Action: Grant, Kind: KindConsent, Channel: "app"}, WithGPC())
	if err != nil || ev.Receipt == nil || ev.Receipt.Evidence.Purpose != "nearby" || ev.At.IsZero() {
		t.Fatalf("Consent = %+v, %v", ev, err)
	}
	if f.last.Header.Get("Sec-GPC") != "1" {
		t.Error("WithGPC did not send Sec-GPC: 1")
	}
	if evs, err := c.ListConsents(ctx, "u1"); err != nil || len(evs) != 1 {
		t.Errorf("ListConsents = %+v, %v", evs, err)
	}
	if f.last.Header.Get("Sec-GPC") != "" {
		t.Error("Sec-GPC sent without WithGPC")
	}
	if p, err := c.SetPermissions(ctx, "u1", "d1", map[string]bool{"location": true}); err != nil || !p.Permissions["location"] {
		t.Errorf("SetPermissions = %+v, %v", p, err)
	}
	if g, err := c.AddGuardian(ctx, "kid", "mum"); err != nil || g.Guardian != "mum" {
		t.Errorf("AddGuardian = %+v, %v", g, err)
	}
	d, err := c.Decide(ctx, DecisionQuery{Subject: "u1", Field: "email", Purpose: "ads", Device: "d1"}, WithGPC())
	if err != nil || d.Allowed || d.Reason != ReasonGPCOptOut {
		t.Errorf("Decide = %+v, %v", d, err)
	}
	if q := f.last.URL.Query(); q.Get("subject") != "u1" || q.Get("device") != "d1" || q.Has("region") {
		t.Errorf("Decide query = %v", q)
	}
	ids, err := c.Collect(ctx, "u1", []NewRecord{{Field: "email", Purpose: "account", Value: "a@example.com"}, {Field: "gps", Purpose: "nearby", Value: "1,2", Device: "d1"}})
	if err != nil || len(ids) != 2 {
		t.Errorf("Collect = %v, %v", ids, err)
	}
	var rin struct{ Records []map[string]string }
	f.decodeBody(&rin)
	if len(rin.Records) != 2 || rin.Records[1]["device"] != "d1" || rin.Records[0]["value"] != "a@example.com" {
		t.Errorf("Collect sent %v", rin)
	}
}

func TestProblem(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	f.on("POST /v1/subjects/{subject}/records", 403, &Problem{Status: 403, Code: "consent_withdrawn", Detail: "purpose nearby: consent withdrawn",
		Field: "body.records[1]", Rule: "PIPL Art. 15; GDPR Art. 7(3)"})
	f.on("GET /v1/tenants/{tenant}", 404, &Problem{Status: 404, Code: "not_found", Field: "path.tenant", Detail: "no such tenant for this API key"})
	f.on("POST /v1/declarations", 422, &Problem{Status: 422, Code: "invalid_declaration", Detail: "2 lint findings",
		Errors: []ErrorDetail{{Location: "decl.yaml:3:1 purpose-basis", Message: "no basis"}, {Location: "decl.yaml:9:4 x", Message: "y"}}})
	f.on("GET /v1/decisions", 403, &Problem{Status: 403, Code: "forbidden", Detail: "this API key lacks the collect scope"})
	f.mux.HandleFunc("GET /v1/declarations", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>\n bad   gateway</html>"))
	})

	_, err := c.Collect(ctx, "user-secret-id", []NewRecord{{Field: "gps", Purpose: "nearby", Value: "1,2"}})
	reason, ok := IsRefused(err)
	if !ok || reason != ReasonConsentWithdrawn {
		t.Fatalf("IsRefused(%v) = %q, %v", err, reason, ok)
	}
	var p *Problem
	if !errors.As(err, &p) || p.Field != "body.records[1]" || p.RequestID != "req-1" || p.Status != 403 {
		t.Fatalf("problem = %+v", p)
	}
	if !errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
		t.Error("errors.Is on a 403 problem")
	}
	msg := err.Error()
	if !strings.Contains(msg, "POST /v1/subjects/{subject}/records") || !strings.Contains(msg, "consent_withdrawn") || strings.Contains(msg, "user-secret-id") {
		t.Errorf("Error() = %q", msg)
	}

	_, err = c.GetTenant(ctx, "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("GetTenant: %v is not ErrNotFound", err)
	}
	if _, ok := IsRefused(err); ok {
		t.Error("a 404 is not a refusal")
	}
	_, err = c.Decide(ctx, DecisionQuery{Subject: "u", Field: "f", Purpose: "p"})
	if _, ok := IsRefused(err); ok || !errors.Is(err, ErrForbidden) {
		t.Errorf("missing scope: IsRefused or not ErrForbidden: %v", err)
	}
	_, err = c.UploadDeclaration(ctx, []byte("x"))
	if !errors.As(err, &p) || p.Code != "invalid_declaration" || len(p.Errors) != 2 || !errors.Is(err, ErrUnprocessable) {
		t.Errorf("UploadDeclaration: %v (%+v)", err, p)
	}
	_, err = c.ListDeclarations(ctx)
	if !errors.As(err, &p) || p.Status != 502 || p.Detail != "<html> bad gateway</html>" {
		t.Errorf("non-problem body: %v (%+v)", err, p)
	}
}

func TestTransportErrorHidesPath(t *testing.T) {
	c := New("http://127.0.0.1:1", testToken)
	_, err := c.Records(context.Background(), "user-secret-id", RecordQuery{Reason: AccessService})
	if err == nil || strings.Contains(err.Error(), "user-secret-id") || !strings.Contains(err.Error(), "GET /v1/subjects/{subject}/records") {
		t.Errorf("err = %v", err)
	}
}

func TestAllRecords(t *testing.T) {
	f, c := newFake(t)
	f.mux.HandleFunc("GET /v1/subjects/{subject}/records", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("reason") != "service" {
			t.Errorf("reason = %q", r.URL.Query().Get("reason"))
		}
		page := map[string]any{"records": []any{map[string]any{"id": "r1"}, map[string]any{"id": "r2"}}, "next": "r2"}
		if r.URL.Query().Get("after") == "r2" {
			page = map[string]any{"records": []any{map[string]any{"id": "r3"}}, "next": ""}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
	var ids []string
	for r, err := range c.AllRecords(context.Background(), "u1", RecordQuery{Reason: AccessService, Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "r1,r2,r3" {
		t.Errorf("AllRecords = %v", ids)
	}
}

func TestNothingPrintsSecrets(t *testing.T) {
	c := New("http://127.0.0.1:1", testToken)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("x", "client", c, "rec", NewRecord{Field: "email", Purpose: "account", Value: "ada@example.com"},
		"stored", Record{ID: "r1", Value: "ada@example.com"}, "token", Token(testToken))
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
	for _, secret := range []string{testToken, "s3cr3t", "ada@example.com"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q printed: %s", secret, out)
		}
	}
}
