package drp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/drp"
)

// TestRejections sends every kind of bad exercise and checks the DRP
// error state (3.06): status, code, message, and that nothing was
// created.
func TestRejections(t *testing.T) {
	e := newEnv(t, openSQLite, loadDecl(t, "sobot-sdk.yaml"))
	other := newAgent(t, "AGENT_A")
	b := e.register("t1", "AGENT_B", "https://agent-b.example.com/cb")
	tokB := e.setup("t1", b)
	now := e.clk.Now()

	replayed := seal(t, e.exerciseMsg(e.agent, "deletion"), e.agent.priv)
	if r := e.do("POST", e.url("t1", "/v1/data-rights-request"), e.token, replayed); r.status != 200 {
		t.Fatalf("first send: %d %s", r.status, r.body)
	}
	sameARID := e.exerciseMsg(e.agent, "access")
	sameARID["agent-request-id"] = "ar-fixed"
	if r := e.exercise(sameARID); r.status != 200 {
		t.Fatalf("first ar-fixed: %d %s", r.status, r.body)
	}

	msg := func(mod func(m map[string]any)) []byte {
		m := e.exerciseMsg(e.agent, "deletion")
		mod(m)
		return seal(t, m, e.agent.priv)
	}
	cases := []struct {
		name   string
		token  string
		body   []byte
		status int
		fatal  bool
		want   string // in the message
	}{
		{"no token", "", msg(func(map[string]any) {}), 401, false, "bearer token"},
		{"garbage token", "drp1.x.y.z", msg(func(map[string]any) {}), 403, false, "bearer token"},
		{"forged token", e.token[:len(e.token)-4] + "AAAA", msg(func(map[string]any) {}), 403, false, "bearer token"},
		{"unsigned JSON", e.token, mustJSON(t, e.exerciseMsg(e.agent, "deletion")), 400, false, "base64"},
		{"too short", e.token, []byte("AAAA"), 400, false, "too short"},
		{"wrong key", e.token, seal(t, e.exerciseMsg(e.agent, "deletion"), other.priv), 403, false, "signature"},
		{"tampered", e.token, tamper(msg(func(map[string]any) {})), 403, false, "signature"},
		{"other agent's token", tokB, msg(func(map[string]any) {}), 403, false, "signature"},
		{"agent-id mismatch", tokB, seal(t, e.exerciseMsg(e.agent, "deletion"), b.priv), 403, false, "agent-id"},
		{"wrong business", e.token, msg(func(m map[string]any) { m["business-id"] = "t2" }), 403, false, "business-id"},
		{"future", e.token, msg(func(m map[string]any) {
			m["issued-at"] = now.Add(10 * time.Minute).Format(time.RFC3339)
			m["expires-at"] = now.Add(15 * time.Minute).Format(time.RFC3339)
		}), 400, false, "future"},
		{"expired", e.token, msg(func(m map[string]any) {
			m["issued-at"] = now.Add(-20 * time.Minute).Format(time.RFC3339)
			m["expires-at"] = now.Add(-15 * time.Minute).Format(time.RFC3339)
		}), 400, true, "expired"},
		{"too long-lived", e.token, msg(func(m map[string]any) { m["expires-at"] = now.Add(24 * time.Hour).Format(time.RFC3339) }), 400, false, "after issued-at"},
		{"expires before issued", e.token, msg(func(m map[string]any) { m["expires-at"] = now.Add(-time.Second).Format(time.RFC3339) }), 400, false, "after issued-at"},
		{"bad timestamp", e.token, msg(func(m map[string]any) { m["issued-at"] = "yesterday" }), 400, false, "issued-at"},
		{"replay", e.token, replayed, 409, true, "already accepted"},
		{"agent-request-id reused", e.token, msg(func(m map[string]any) { m["agent-request-id"] = "ar-fixed" }), 409, true, "already accepted"},
		{"no version", e.token, msg(func(m map[string]any) { delete(m, "drp.version") }), 400, false, "drp.version"},
		{"old version", e.token, msg(func(m map[string]any) { m["drp.version"] = "0.5" }), 400, false, "drp.version"},
		{"no action", e.token, msg(func(m map[string]any) { delete(m, "exercise") }), 400, false, "exercise is required"},
		{"unknown action", e.token, msg(func(m map[string]any) { m["exercise"] = "delete-everything" }), 400, true, "unsupported"},
		{"opt in", e.token, msg(func(m map[string]any) { m["exercise"] = "sale:opt_in" }), 400, true, "unsupported"},
		{"undeclared right", e.token, msg(func(m map[string]any) { m["exercise"] = "sale:opt_out" }), 400, true, "unsupported"},
		{"regime", e.token, msg(func(m map[string]any) { m["regime"] = "gdpr" }), 400, false, "regime"},
		{"callback not registered", e.token, msg(func(m map[string]any) { m["status_callback"] = "https://evil.example.com/" }), 400, false, "status_callback"},
		{"no claims", e.token, msg(func(m map[string]any) { delete(m, "email"); delete(m, "name"); delete(m, "phone_number") }), 400, false, "claims"},
		{"claim type", e.token, msg(func(m map[string]any) { m["email_verified"] = email }), 400, false, "email_verified"},
		{"array", e.token, seal(t, []string{email}, e.agent.priv), 400, false, "JSON object"},
		{"two values", e.token, drp.Seal([]byte(`{"a":1} {"b":2}`), e.agent.priv), 400, false, "more than one"},
		{"not JSON", e.token, drp.Seal([]byte(email), e.agent.priv), 400, false, "not valid JSON"},
		{"agent-request-id control", e.token, msg(func(m map[string]any) { m["agent-request-id"] = "a\nb" }), 400, false, "agent-request-id"},
		{"too large", e.token, bytes.Repeat([]byte("A"), drp.DefaultMaxBody+10), 413, false, "larger than"},
	}
	before := countRequests(t, e)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", e.url("t1", "/v1/data-rights-request"), c.token, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			var eb struct {
				Code    string `json:"code"`
				Message string `json:"message"`
				Fatal   bool   `json:"fatal"`
			}
			if err := json.Unmarshal(r.body, &eb); err != nil {
				t.Fatalf("error body %q: %v", r.body, err)
			}
			if eb.Code != itoa(c.status) || eb.Fatal != c.fatal || !strings.Contains(eb.Message, c.want) {
				t.Errorf("error %+v, want code %d fatal %v and %q", eb, c.status, c.fatal, c.want)
			}
		})
	}
	if after := countRequests(t, e); after != before {
		t.Errorf("rejected requests created %d trustee requests", after-before)
	}

	// Status: another agent's request is forbidden (2.02.1); unknown ids
	// are 404.
	id := e.exercise(e.exerciseMsg(e.agent, "access")).json(t)["request_id"].(string)
	if r := e.do("GET", e.url("t1", "/v1/data-rights-request/"+id), tokB, nil); r.status != 403 {
		t.Errorf("other agent's status: %d", r.status)
	}
	if r := e.do("GET", e.url("t1", "/v1/data-rights-request/0190b1c2-0000-7000-8000-000000000000"), e.token, nil); r.status != 404 {
		t.Errorf("unknown id: %d", r.status)
	}
	if r := e.do("GET", e.url("t1", "/v1/data-rights-request/"+id), "", nil); r.status != 401 {
		t.Errorf("status without token: %d", r.status)
	}
	// A revoked key stops everything at once.
	e.mu.Lock()
	e.agents["t1/AGENT_A"].revoked = true
	e.mu.Unlock()
	if r := e.exercise(e.exerciseMsg(e.agent, "deletion")); r.status != 403 {
		t.Errorf("revoked agent: %d", r.status)
	}
}

func tamper(b []byte) []byte {
	raw := make([]byte, len(b))
	copy(raw, b)
	// Flip a character inside the message part (past the signature).
	i := len(raw) - 8
	if raw[i] == 'A' {
		raw[i] = 'B'
	} else {
		raw[i] = 'A'
	}
	return raw
}

func itoa(n int) string { return strconv.Itoa(n) }

func countRequests(t *testing.T, e *env) int {
	t.Helper()
	list, _, err := listRequests(e)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// An Identify error never reaches the response or the log with its text.
func TestIdentifyErrorWithheld(t *testing.T) {
	e := newEnv(t, openSQLite, loadDecl(t, "sobot-sdk.yaml"))
	e.h.Identify = func(_ context.Context, _ string, c drp.Claims) (string, error) {
		return "", fmt.Errorf("vault lookup of %s failed", c.Email)
	}
	r := e.exercise(e.exerciseMsg(e.agent, "deletion"))
	if r.status != 500 || bytes.Contains(r.body, []byte("vault")) {
		t.Errorf("%d %s", r.status, r.body)
	}
	// newEnv's cleanup checks the log holds no claim.
}
