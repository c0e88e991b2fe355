package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/vault"
)

// backend opens the options of a fresh vault on one database. The
// options open the same vault again (another node) when used twice.
type backend struct {
	name string
	opts func(t testing.TB) vault.Options
}

var backends = []backend{
	{"sqlite", func(t testing.TB) vault.Options {
		return vault.Options{DataDir: filepath.Join(t.TempDir(), "trustee-data")}
	}},
	{"postgres", func(t testing.TB) vault.Options {
		dir := t.TempDir()
		data, ks := pgtest.Schema(t), pgtest.Schema(t) // skips when no server answers
		return vault.Options{
			DataDir:  filepath.Join(dir, "trustee-data"),
			Database: data,
			RootKey:  "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key")),
			KeyStore: ks,
		}
	}},
}

// forEachBackend runs body, one shared test body, on SQLite and (when a
// server answers) PostgreSQL.
func forEachBackend(t *testing.T, body func(t *testing.T, h *harness)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			body(t, newHarness(t, b.opts(t)))
		})
	}
}

// lockedBuffer is a log sink safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness is a server on a real vault, with tenants t1 and t2, each with an
// active declaration (testdata/rich.yaml) and keys.
type harness struct {
	t      testing.TB
	opts   vault.Options
	v      *vault.Vault
	srv    *Server
	h      http.Handler
	engine *consent.Engine
	logs   *lockedBuffer

	operator string // operator key: admin
	admin    string // t1: admin, collect, consent
	collect  string // t1: collect only
	other    string // t2: admin, collect, consent
}

// node is one trustee node: a server with its own engine on a vault.
type node struct {
	v      *vault.Vault
	srv    *Server
	h      http.Handler
	engine *consent.Engine
}

func openNode(t testing.TB, o vault.Options, log *slog.Logger) *node {
	t.Helper()
	v, err := vault.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	srv, err := New(Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	src := consent.NewStoreSource(v.Store())
	eng := consent.NewEngine(src, consent.WithLogger(log))
	if err := srv.MountV1(V1{Vault: v, Engine: eng, Source: src}); err != nil {
		t.Fatal(err)
	}
	return &node{v: v, srv: srv, h: srv.Handler(), engine: eng}
}

func richYAML(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/rich.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// richV2YAML is rich.yaml after a major change to the nearby purpose's
// function: it collects one more field.
func richV2YAML(t testing.TB) string {
	y := richYAML(t)
	y = edit(t, y, `version: "1.0"`, `version: "2.0"`)
	y = edit(t, y, "  - {id: gps, category: location_precise, label: {en: GPS position, zh: GPS 位置}, source: device}\n",
		"  - {id: gps, category: location_precise, label: {en: GPS position, zh: GPS 位置}, source: device}\n"+
			"  - {id: gps_accuracy, category: location_precise, label: {en: GPS accuracy, zh: GPS 精度}, source: device}\n")
	return edit(t, y, "    fields: [gps]\n    permissions: [location]", "    fields: [gps, gps_accuracy]\n    permissions: [location]")
}

func edit(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("edit: %q not found", old)
	}
	return strings.Replace(s, old, new, 1)
}

func newHarness(t testing.TB, o vault.Options) *harness {
	t.Helper()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n := openNode(t, o, log)
	h := &harness{t: t, opts: o, v: n.v, srv: n.srv, h: n.h, engine: n.engine, logs: logs}
	ctx := context.Background()
	_, op, err := CreateKey(ctx, n.v.Store(), "operator", "", "ops", []string{ScopeAdmin})
	if err != nil {
		t.Fatal(err)
	}
	h.operator = op
	for _, tn := range []string{"t1", "t2"} {
		h.must(http.StatusCreated, "POST", "/v1/tenants", op, map[string]any{"id": tn, "name": "Tenant " + tn, "kind": "controller"})
	}
	key := func(tenant string, scopes ...string) string {
		var out KeyOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/tenants/"+tenant+"/keys", op, map[string]any{"name": "test", "scopes": scopes}), &out)
		return out.Token
	}
	h.admin = key("t1", ScopeAdmin, ScopeCollect, ScopeConsent)
	h.collect = key("t1", ScopeCollect)
	h.other = key("t2", ScopeAdmin, ScopeCollect, ScopeConsent)
	for _, tok := range []string{h.admin, h.other} {
		var d DeclarationOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/declarations", tok, map[string]any{"source": richYAML(t)}), &d)
		h.must(http.StatusOK, "POST", "/v1/declarations/1/activate", tok, nil)
	}
	return h
}

// response is what a request got.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return string(r.body) }

// do sends a request; body is JSON-encoded unless it is a string or
// []byte. hdr are header name, value pairs.
func (h *harness) do(method, path, token string, body any, hdr ...string) response {
	return do(h.t, h.h, method, path, token, body, hdr...)
}

func do(t testing.TB, handler http.Handler, method, path, token string, body any, hdr ...string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless it gets status.
func (h *harness) must(status int, method, path, token string, body any, hdr ...string) response {
	h.t.Helper()
	res := h.do(method, path, token, body, hdr...)
	if res.status != status {
		h.t.Fatalf("%s %s = %d %s; want %d", method, path, res.status, res.body, status)
	}
	return res
}

func (h *harness) decode(res response, v any) {
	h.t.Helper()
	if err := json.Unmarshal(res.body, v); err != nil {
		h.t.Fatalf("decode %s: %v", res.body, err)
	}
}

// problem decodes a problem response and checks its shape.
func (h *harness) problem(res response) APIError {
	h.t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		h.t.Fatalf("problem Content-Type %q, body %s", ct, res.body)
	}
	var p APIError
	h.decode(res, &p)
	if p.Status != res.status || p.Code == "" || p.Title == "" || p.Type == "" {
		h.t.Fatalf("problem shape: %+v (HTTP %d)", p, res.status)
	}
	return p
}

// records counts tenant t1's records of subject ("" all).
func (h *harness) records(tenant, subject string) int64 {
	h.t.Helper()
	var n int64
	err := h.v.Store().Read(context.Background(), func(r store.Reader) error {
		var err error
		n, err = r.CountRecords(context.Background(), tenant, store.RecordFilter{Subject: subject})
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *harness) auditSize() int64 {
	h.t.Helper()
	n, err := h.v.AuditSize(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// grant records a grant for t1's subject and fails on error.
func (h *harness) grant(subject, purpose, kind string, extra ...string) {
	h.t.Helper()
	body := map[string]any{"purpose": purpose, "action": "grant", "kind": kind, "channel": "app"}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i]] = extra[i+1]
	}
	h.must(http.StatusCreated, "POST", "/v1/subjects/"+subject+"/consents", h.admin, body)
}

// rec is one record of a collect body.
func rec(field, purpose, value string, kv ...string) map[string]any {
	m := map[string]any{"field": field, "purpose": purpose, "value": value}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func batch(recs ...map[string]any) map[string]any { return map[string]any{"records": recs} }

// eventually retries cond until it holds or the time is up.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
