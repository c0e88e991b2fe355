package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/schema_validation"

	"github.com/trustee-dev/trustee/internal/policy"
)

func minimal(t *testing.T) *policy.Declaration {
	t.Helper()
	data, err := os.ReadFile("../policy/testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse("minimal.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func TestServerBasics(t *testing.T) {
	s, err := New(Options{Declarations: []*policy.Declaration{minimal(t)}})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	cases := []struct {
		path, ctype, contains string
		status                int
	}{
		{"/healthz", "text/plain", "ok", 200},
		{"/readyz", "text/plain", "ready", 200},
		{"/policies", "application/json", `"minimal-app"`, 200},
		{"/policies/minimal-app?lang=en&format=md", "text/markdown", "Example App", 200},
		{"/policies/minimal-app?lang=zh&format=html", "text/html", `lang="zh-CN"`, 200},
		{"/policies/minimal-app?lang=fr", "application/problem+json", `"field":"lang"`, 400},
		{"/policies/minimal-app?format=pdf", "application/problem+json", `"code":"invalid_parameter"`, 400},
		{"/policies/nope", "application/problem+json", `"code":"policy_not_found"`, 404},
		{"/docs/api", "text/html", "openapi.json", 200},
	}
	for _, c := range cases {
		res, body := get(t, h, c.path)
		if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), c.ctype) || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s = %d %s, body %.200q; want %d %s containing %q", c.path, res.StatusCode, res.Header.Get("Content-Type"), body, c.status, c.ctype, c.contains)
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: no X-Request-Id", c.path)
		}
	}
	_, metrics := get(t, h, "/metrics")
	for _, want := range []string{`trustee_http_requests_total{code="200",route="GET /healthz"}`, `trustee_http_request_duration_seconds_bucket{route="GET /policies/{id}"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, "minimal-app") {
		t.Error("metrics carry a raw path: routes must be labelled by pattern")
	}
}

func TestReadyzReportsDependency(t *testing.T) {
	s, err := New(Options{Ready: func(*http.Request) error { return errors.New("db down: secret detail") }})
	if err != nil {
		t.Fatal(err)
	}
	res, body := get(t, s.Handler(), "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "secret detail") {
		t.Fatalf("readyz = %d %q: want 503 without internal error text", res.StatusCode, body)
	}
}

func TestDuplicateDeclarationIDs(t *testing.T) {
	d := minimal(t)
	if _, err := New(Options{Declarations: []*policy.Declaration{d, d}}); err == nil || !strings.Contains(err.Error(), "minimal-app") {
		t.Fatalf("want an error naming the duplicate id, got %v", err)
	}
}

// TestOpenAPIValid checks the generated OpenAPI 3.1 document against the
// OpenAPI specification's own schema.
func TestOpenAPIValid(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MountV1(V1{}); err != nil {
		t.Fatal(err)
	}
	res, body := get(t, s.Handler(), "/openapi.json")
	if res.StatusCode != 200 {
		t.Fatalf("GET /openapi.json = %d", res.StatusCode)
	}
	var head struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal([]byte(body), &head); err != nil || !strings.HasPrefix(head.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q (%v), want 3.1.x", head.OpenAPI, err)
	}
	doc, err := libopenapi.NewDocument([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := schema_validation.ValidateOpenAPIDocument(doc); !ok {
		for _, e := range errs {
			t.Errorf("openapi: %s: %s", e.Message, e.Reason)
		}
	}
	// Every route of the /v1 contract is documented, with its scope.
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &spec); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{
		"POST /v1/tenants", "GET /v1/tenants/{tenant}", "POST /v1/tenants/{tenant}/keys", "GET /v1/tenants/{tenant}/keys",
		"DELETE /v1/tenants/{tenant}/keys/{id}", "POST /v1/tenants/{processor}/controllers", "POST /v1/declarations",
		"POST /v1/declarations/{seq}/activate", "GET /v1/declarations", "GET /v1/declarations/active", "PUT /v1/subjects/{subject}",
		"POST /v1/subjects/{subject}/consents", "GET /v1/subjects/{subject}/consents", "PUT /v1/subjects/{subject}/devices/{device}/permissions",
		"POST /v1/subjects/{subject}/guardians", "GET /v1/decisions", "POST /v1/subjects/{subject}/records", "GET /v1/subjects/{subject}/records",
	} {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := spec.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("OpenAPI document lacks %s", route)
		}
	}
	if !strings.Contains(body, `"additionalProperties":false`) {
		t.Error("request bodies accept unknown properties")
	}
	_, ref := get(t, s.Handler(), "/docs/api")
	if !strings.Contains(ref, "/v1/subjects/{subject}/records") {
		t.Error("the reference page lacks the collect route")
	}
}

func TestAuthenticate(t *testing.T) {
	id, token, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]KeyRecord{id: {ID: id, Tenant: "t1", Hash: hash, Scopes: []string{ScopeCollect}}}
	lookup := func(_ context.Context, id string) (KeyRecord, error) {
		k, ok := keys[id]
		if !ok {
			return KeyRecord{}, errors.New("unknown")
		}
		return k, nil
	}
	p, err := Authenticate(context.Background(), lookup, token)
	if err != nil || p.Tenant != "t1" || !p.Has(ScopeCollect) || p.Has(ScopeAdmin) {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "trk_", token + "x", strings.Replace(token, id, "zzzz", 1), "Bearer " + token, "trk_" + id} {
		if _, err := Authenticate(context.Background(), lookup, bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("token %q: want ErrBadToken, got %v", bad, err)
		}
	}
	rec := keys[id]
	rec.Revoked = true
	keys[id] = rec
	if _, err := Authenticate(context.Background(), lookup, token); !errors.Is(err, ErrBadToken) {
		t.Error("revoked key accepted")
	}
}

func TestKeyCacheForget(t *testing.T) {
	calls := 0
	rec := KeyRecord{ID: "k1", Tenant: "t1"}
	lookup, forget := CachedKeys(func(ctx context.Context, id string) (KeyRecord, error) {
		calls++
		if id != "k1" {
			return KeyRecord{}, errors.New("unknown")
		}
		return rec, nil
	}, time.Hour, 2)
	ctx := context.Background()
	for range 3 {
		if got, err := lookup(ctx, "k1"); err != nil || got.Revoked {
			t.Fatalf("lookup: %+v, %v", got, err)
		}
	}
	if calls != 1 {
		t.Errorf("%d store lookups for three cached ones, want 1", calls)
	}
	rec.Revoked = true
	forget("k1")
	if got, _ := lookup(ctx, "k1"); !got.Revoked {
		t.Error("a forgotten key was served from the cache")
	}
	for range 2 {
		if _, err := lookup(ctx, "nope"); err == nil {
			t.Error("an unknown key was found")
		}
	}
	if calls != 4 {
		t.Errorf("%d store lookups, want 4 (unknown ids are never cached)", calls)
	}
}
