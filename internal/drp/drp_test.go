package drp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
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

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/drp"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// Personal data the tests send; none of it may reach a response, a log
// line or the store.
const (
	email   = "wang.fang@example.com"
	phone   = "+8613800138000"
	name    = "Wang Fang Secretname"
	unknown = "nobody.known@example.com"
)

var start = time.Date(2025, 3, 4, 2, 0, 0, 0, time.UTC)

func loadDecl(t testing.TB, file string) *policy.Declaration {
	t.Helper()
	path := filepath.Join("..", "..", "examples", file)
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

// withObject returns d with the object right declared too.
func withObject(d *policy.Declaration) *policy.Declaration {
	c := *d
	c.Rights.Items = append(append([]policy.RightItem(nil), d.Rights.Items...), policy.RightItem{Right: rights.TypeObject, Channels: d.Rights.Items[0].Channels})
	return &c
}

type opener func(t testing.TB, clk clock.Clock) store.Store

func openSQLite(t testing.TB, clk clock.Clock) store.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgres(t testing.TB, clk clock.Clock) store.Store {
	s, err := postgres.Open(context.Background(), pgtest.Schema(t), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testAgent is an Authorized Agent with its own key pair.
type testAgent struct {
	id   string
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newAgent(t testing.TB, id string) *testAgent {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &testAgent{id: id, pub: pub, priv: priv}
}

// registration is what the Agents lookup finds.
type registration struct {
	pub      ed25519.PublicKey
	callback string
	revoked  bool
}

type env struct {
	t      testing.TB
	mux    *http.ServeMux
	clk    *clock.Fake
	st     store.Store
	svc    *rights.Service
	h      *drp.Handler
	srv    *httptest.Server
	logs   *syncBuffer
	mu     sync.Mutex
	agents map[string]*registration // tenant/agent
	people map[string]string        // verified email -> subject
	agent  *testAgent
	token  string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, open opener, d *policy.Declaration) *env {
	t.Helper()
	e := &env{t: t, clk: clock.NewFake(start), agents: map[string]*registration{}, people: map[string]string{email: "s1"}, logs: &syncBuffer{}}
	e.st = open(t, e.clk)
	ctx := context.Background()
	err := e.st.Write(ctx, func(tx store.Tx) error {
		for _, tn := range []string{"t1", "t2"} {
			if _, err := tx.CreateTenant(ctx, store.Tenant{ID: tn, Name: "Tenant " + tn, Kind: store.KindController}); err != nil {
				return err
			}
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: tn, ID: "s1"}); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "setup"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = &rights.Service{Store: e.st, Clock: e.clk,
		Declaration: func(context.Context, string) (*policy.Declaration, error) { return d, nil }}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	e.h = &drp.Handler{
		Requests: e.svc,
		Store:    e.st,
		Agents: func(_ context.Context, tenant, agentID string) (ed25519.PublicKey, string, error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			r, ok := e.agents[tenant+"/"+agentID]
			if !ok || r.revoked {
				return nil, "", drp.ErrUnknownAgent
			}
			return r.pub, r.callback, nil
		},
		Identify: func(_ context.Context, tenant string, c drp.Claims) (string, error) {
			if c.EmailVerified {
				return e.people[c.Email], nil
			}
			return "", nil
		},
		Tenant:      func(r *http.Request) (string, error) { return r.PathValue("tenant"), nil },
		Key:         key,
		Declaration: e.svc.Declaration,
		PublicURL:   "https://trustee.example.com",
		Clock:       e.clk,
		Log:         slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	mux := http.NewServeMux()
	e.h.Mount(mux, "/drp/{tenant}")
	e.mux = mux
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.agent = e.register("t1", "AGENT_A", "")
	e.token = e.setup("t1", e.agent)
	t.Cleanup(func() {
		// No personal data in the logs, whatever the test did.
		for _, pd := range []string{email, phone, name, unknown, "Secretname"} {
			if strings.Contains(e.logs.String(), pd) {
				t.Errorf("the log holds personal data %q", pd)
			}
		}
	})
	return e
}

func (e *env) register(tenant, id, callback string) *testAgent {
	a := newAgent(e.t, id)
	e.mu.Lock()
	e.agents[tenant+"/"+id] = &registration{pub: a.pub, callback: callback}
	e.mu.Unlock()
	return a
}

func (e *env) url(tenant, path string) string { return e.srv.URL + "/drp/" + tenant + path }

// envelope returns a fresh message for a agent and business.
func (e *env) envelope(a *testAgent, business string) map[string]any {
	now := e.clk.Now()
	return map[string]any{
		"agent-id": a.id, "business-id": business, "drp.version": "1.0",
		"issued-at": now.Format(time.RFC3339), "expires-at": now.Add(5 * time.Minute).Format(time.RFC3339),
	}
}

func (e *env) exerciseMsg(a *testAgent, action string) map[string]any {
	m := e.envelope(a, "t1")
	m["exercise"] = action
	m["regime"] = "ccpa"
	m["agent-request-id"] = fmt.Sprintf("ar-%d", time.Now().UnixNano())
	m["name"] = name
	m["email"] = email
	m["email_verified"] = true
	m["phone_number"] = phone
	return m
}

func seal(t testing.TB, m any, key ed25519.PrivateKey) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return drp.Seal(b, key)
}

type response struct {
	status int
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response %d is not JSON: %q", r.status, r.body)
	}
	return m
}

func (e *env) do(method, url, token string, body []byte) response {
	e.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, pd := range []string{email, phone, name, "Secretname"} {
		if bytes.Contains(b, []byte(pd)) {
			e.t.Errorf("%s %s answered with personal data %q: %s", method, url, pd, b)
		}
	}
	return response{resp.StatusCode, b}
}

func (e *env) setup(tenant string, a *testAgent) string {
	e.t.Helper()
	r := e.do("POST", e.url(tenant, "/v1/agent/"+a.id), "", seal(e.t, e.envelope(a, tenant), a.priv))
	if r.status != 200 {
		e.t.Fatalf("setup: %d %s", r.status, r.body)
	}
	m := r.json(e.t)
	if m["agent-id"] != a.id || m["token"] == "" {
		e.t.Fatalf("setup answered %v", m)
	}
	return m["token"].(string)
}

func (e *env) exercise(msg map[string]any) response {
	return e.do("POST", e.url("t1", "/v1/data-rights-request"), e.token, seal(e.t, msg, e.agent.priv))
}

func (e *env) request(id string) store.Request {
	e.t.Helper()
	var r store.Request
	err := e.st.Read(context.Background(), func(rd store.Reader) error {
		var err error
		r, err = rd.GetRequest(context.Background(), "t1", id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func backends(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres) })
}

func TestDiscovery(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		e := newEnv(t, open, loadDecl(t, "sobot-sdk.yaml"))
		r := e.do("GET", e.url("t1", "/.well-known/data-rights.json"), "", nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var doc drp.Discovery
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		pub := e.h.Key.Public().(ed25519.PublicKey)
		want := drp.Discovery{ID: "t1", Name: "Tenant t1", APIBase: "https://trustee.example.com/drp/t1",
			// sobot declares access, copy and delete but not object.
			SupportedActions:       []string{"access", "access:categories", "access:specific", "deletion"},
			SupportedVerifications: []string{}, Version: "1.0", VerifyKey: base64.StdEncoding.EncodeToString(pub)}
		if got, _ := json.Marshal(doc); !bytes.Equal(got, mustJSON(t, want)) {
			t.Errorf("discovery\n got %s\nwant %s", got, mustJSON(t, want))
		}
		// The document follows 3.05.2's keys.
		m := r.json(t)
		for _, k := range []string{"id", "name", "logo", "api_base", "supported_actions", "supported_verifications"} {
			if _, ok := m[k]; !ok {
				t.Errorf("discovery lacks %q", k)
			}
		}
		// With object declared, sale:opt_out is offered.
		e.h.Declaration = func(context.Context, string) (*policy.Declaration, error) {
			return withObject(loadDecl(t, "sobot-sdk.yaml")), nil
		}
		req := httptest.NewRequest("GET", "/drp/t1/.well-known/data-rights.json", nil)
		req.SetPathValue("tenant", "t1")
		doc2, err := e.h.Discover(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(doc2.SupportedActions, " ") != "access access:categories access:specific deletion sale:opt_out" {
			t.Errorf("supported_actions with object declared: %v", doc2.SupportedActions)
		}
		if r := e.do("GET", e.url("nope", "/.well-known/data-rights.json"), "", nil); r.status != 404 {
			t.Errorf("unknown tenant: %d %s", r.status, r.body)
		}
	})
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAgentEndpoints(t *testing.T) {
	e := newEnv(t, openSQLite, loadDecl(t, "sobot-sdk.yaml"))
	if r := e.do("GET", e.url("t1", "/v1/agent/AGENT_A"), e.token, nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("agent information: %d %s", r.status, r.body)
	}
	b := e.register("t1", "AGENT_B", "")
	tokB := e.setup("t1", b)
	if tokB == e.token {
		t.Error("two agents got the same token")
	}
	if r := e.do("GET", e.url("t1", "/v1/agent/AGENT_A"), tokB, nil); r.status != 403 {
		t.Errorf("another agent's token: %d", r.status)
	}
	// A token is bound to the tenant it was issued by.
	e.register("t2", "AGENT_A", "")
	if r := e.do("GET", e.url("t2", "/v1/agent/AGENT_A"), e.token, nil); r.status != 403 {
		t.Errorf("t1's token at t2: %d", r.status)
	}
	// Setup failures answer 403 with no body (2.05.1).
	other := newAgent(t, "AGENT_A")
	for name, body := range map[string][]byte{
		"wrong key":      seal(t, e.envelope(e.agent, "t1"), other.priv),
		"unsigned":       mustJSON(t, e.envelope(e.agent, "t1")),
		"wrong business": seal(t, e.envelope(e.agent, "t2"), e.agent.priv),
		"path mismatch":  seal(t, e.envelope(b, "t1"), e.agent.priv),
	} {
		r := e.do("POST", e.url("t1", "/v1/agent/AGENT_A"), "", body)
		if r.status != 403 || len(r.body) != 0 {
			t.Errorf("setup %s: %d %q, want 403 and no body", name, r.status, r.body)
		}
	}
	if r := e.do("POST", e.url("t1", "/v1/agent/NOBODY"), "", seal(t, e.envelope(&testAgent{id: "NOBODY"}, "t1"), other.priv)); r.status != 403 {
		t.Errorf("unregistered agent: %d", r.status)
	}
	// Revoking the agent's key invalidates its tokens.
	e.mu.Lock()
	e.agents["t1/AGENT_B"].revoked = true
	e.mu.Unlock()
	if r := e.do("GET", e.url("t1", "/v1/agent/AGENT_B"), tokB, nil); r.status != 403 {
		t.Errorf("revoked agent's token: %d", r.status)
	}
	// Rotating it too.
	e.register("t1", "AGENT_B", "")
	if r := e.do("GET", e.url("t1", "/v1/agent/AGENT_B"), tokB, nil); r.status != 403 {
		t.Errorf("token after key rotation: %d", r.status)
	}
}

func TestExerciseLifecycle(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		e := newEnv(t, open, withObject(loadDecl(t, "sobot-sdk.yaml")))
		ctx := context.Background()
		for _, c := range []struct{ action, typ string }{
			{"deletion", rights.TypeDelete}, {"access", rights.TypeAccess}, {"access:categories", rights.TypeAccess},
			{"access:specific", rights.TypeCopy}, {"sale:opt_out", rights.TypeObject}, {"sale:opt-out", rights.TypeObject},
		} {
			msg := e.exerciseMsg(e.agent, c.action)
			r := e.exercise(msg)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", c.action, r.status, r.body)
			}
			st := r.json(t)
			id, _ := st["request_id"].(string)
			req := e.request(id)
			if req.Type != c.typ || req.Subject != "s1" || req.State != rights.StateReceived {
				t.Errorf("%s made %+v", c.action, req)
			}
			det, _ := rights.DetailOf(req)
			if det.Channel != "drp:AGENT_A:"+msg["agent-request-id"].(string) {
				t.Errorf("channel %q", det.Channel)
			}
			if st["status"] != "open" || st["agent_request_id"] != msg["agent-request-id"] || st["received_at"] != start.Format(time.RFC3339) || st["expected_by"] == nil {
				t.Errorf("%s status %v", c.action, st)
			}
			// The store holds no claim.
			if bytes.Contains(req.Detail, []byte("example.com")) {
				t.Errorf("detail holds a claim: %s", req.Detail)
			}
		}

		msg := e.exerciseMsg(e.agent, "deletion")
		id := e.exercise(msg).json(t)["request_id"].(string)
		status := func() map[string]any {
			r := e.do("GET", e.url("t1", "/v1/data-rights-request/"+id), e.token, nil)
			if r.status != 200 {
				t.Fatalf("status: %d %s", r.status, r.body)
			}
			return r.json(t)
		}
		steps := []struct {
			move func() error
			want string
		}{
			{func() error { _, err := e.svc.StartVerification(ctx, "test", "t1", id); return err }, "in_progress"},
			{func() error { _, err := e.svc.Verified(ctx, "test", "t1", id, time.Time{}); return err }, "in_progress"},
			{func() error { _, err := e.svc.Start(ctx, "test", "t1", id); return err }, "in_progress"},
			{func() error { _, err := e.svc.Fulfil(ctx, "test", "t1", id); return err }, "fulfilled"},
		}
		if got := status()["status"]; got != "open" {
			t.Errorf("new request: %v", got)
		}
		for i, s := range steps {
			if err := s.move(); err != nil {
				t.Fatal(err)
			}
			st := status()
			if st["status"] != s.want || st["request_id"] != id {
				t.Errorf("step %d: %v, want %s", i, st, s.want)
			}
		}

		// A refusal is denied with the mapped reason and the taxonomy's
		// explanation, never the staff's note.
		id2 := e.exercise(e.exerciseMsg(e.agent, "access")).json(t)["request_id"].(string)
		if _, err := e.svc.Refuse(ctx, "test", "t1", id2, "malice_or_abuse", "staff note about "+name); err != nil {
			t.Fatal(err)
		}
		st := e.do("GET", e.url("t1", "/v1/data-rights-request/"+id2), e.token, nil).json(t)
		if st["status"] != "denied" || st["reason"] != "suspected_fraud" || st["processing_details"] == "" {
			t.Errorf("refused: %v", st)
		}
	})
}

func TestRevoke(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		e := newEnv(t, open, loadDecl(t, "sobot-sdk.yaml"))
		id := e.exercise(e.exerciseMsg(e.agent, "deletion")).json(t)["request_id"].(string)
		revoke := func(tok string, a *testAgent, business string) response {
			m := e.envelope(a, business)
			m["reason"] = "I changed my mind, " + name
			return e.do("DELETE", e.url("t1", "/v1/data-rights-request/"+id), tok, seal(t, m, a.priv))
		}
		b := e.register("t1", "AGENT_B", "")
		if r := revoke(e.setup("t1", b), b, "t1"); r.status != 403 {
			t.Errorf("another agent revoking: %d %s", r.status, r.body)
		}
		if r := revoke(e.token, e.agent, "t2"); r.status != 403 {
			t.Errorf("revoke for another business: %d %s", r.status, r.body)
		}
		unsigned := e.do("DELETE", e.url("t1", "/v1/data-rights-request/"+id), e.token, []byte(`{"reason":"x"}`))
		if unsigned.status != 400 {
			t.Errorf("unsigned revoke: %d", unsigned.status)
		}
		r := revoke(e.token, e.agent, "t1")
		if r.status != 200 || r.json(t)["status"] != "revoked" {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if got := e.request(id).State; got != rights.StateWithdrawn {
			t.Errorf("trustee state %s", got)
		}
		if r := revoke(e.token, e.agent, "t1"); r.status != 409 {
			t.Errorf("second revoke: %d %s", r.status, r.body)
		}
		if bytes.Contains(e.request(id).Detail, []byte("changed my mind")) {
			t.Error("the revoke reason was stored")
		}
	})
}

func TestNoMatch(t *testing.T) {
	e := newEnv(t, openSQLite, loadDecl(t, "sobot-sdk.yaml"))
	for name, mod := range map[string]func(map[string]any){
		"unknown email":    func(m map[string]any) { m["email"] = unknown },
		"unverified email": func(m map[string]any) { m["email_verified"] = false },
	} {
		m := e.exerciseMsg(e.agent, "deletion")
		mod(m)
		r := e.exercise(m)
		st := r.json(t)
		if r.status != 200 || st["status"] != "denied" || st["reason"] != "no_match" || st["request_id"] == "" {
			t.Errorf("%s: %d %v", name, r.status, st)
		}
		if bytes.Contains(r.body, []byte(unknown)) {
			t.Errorf("%s: the answer echoes the claim", name)
		}
		// Nothing to act on was stored; the audit log says what happened.
		if got := e.do("GET", e.url("t1", "/v1/data-rights-request/"+st["request_id"].(string)), e.token, nil).status; got != 404 {
			t.Errorf("%s: status of a no-match: %d", name, got)
		}
	}
	ctx := context.Background()
	size, err := e.st.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var entries []audit.Entry
	err = e.st.AuditEntries(ctx, 0, size, func(se audit.StoredEntry) error {
		entries = append(entries, se.Entry)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range entries {
		if en.Action == "drp.no_match" {
			n++
			if b := mustJSON(t, en); bytes.Contains(b, []byte("example.com")) {
				t.Errorf("audit entry holds a claim: %s", b)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d no_match audit entries, want 2", n)
	}
}

func listRequests(e *env) ([]store.Request, string, error) {
	var out []store.Request
	var next string
	err := e.st.Read(context.Background(), func(rd store.Reader) error {
		var err error
		out, next, err = rd.ListRequests(context.Background(), "t1", store.RequestFilter{}, store.Page{Limit: store.MaxLimit})
		return err
	})
	return out, next, err
}
