package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
	"github.com/trustee-dev/trustee/internal/drp"
)

// TestDRP: an authorised agent registered as a trusted key sets up with a
// tenant, sends a signed deletion request for a consumer it verified by
// e-mail, and gets a signed status callback once the tenant answers.
func TestDRP(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		d := newDeployment(t, be)
		opToken := d.operatorKey()
		n := d.start("a", nodeOptions{})
		c, _ := newTenant(ctx, t, n, n.client(opToken), "acme", rightsDecl(t))
		if _, err := c.PutSubject(ctx, "u1", client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Collect(ctx, "u1", []client.NewRecord{{Field: "email", Purpose: "account", Value: "u1@example.com"}}); err != nil {
			t.Fatal(err)
		}

		// The business's discovery document publishes its callback key.
		var doc drp.Discovery
		getJSON(t, n.URL+"/drp/acme/.well-known/data-rights.json", &doc)
		verifyKey, err := base64.StdEncoding.DecodeString(doc.VerifyKey)
		if err != nil || len(verifyKey) != ed25519.PublicKeySize {
			t.Fatalf("discovery verify_key %q: %v", doc.VerifyKey, err)
		}

		var mu sync.Mutex
		var callbacks []string
		agentSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if err := drp.VerifyCallback(ed25519.PublicKey(verifyKey), r.Header, b, time.Now(), 5*time.Minute); err != nil {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			mu.Lock()
			callbacks = append(callbacks, string(b))
			mu.Unlock()
		}))
		defer agentSrv.Close()
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		if _, err := c.CreateTrustedKey(ctx, client.TrustedKey{ID: "AGENT_A", Kind: client.TrustedKeyAgent, Name: "Agent A", PublicKey: pub, CallbackURL: agentSrv.URL}); err != nil {
			t.Fatalf("CreateTrustedKey: %v", err)
		}
		envelope := func() map[string]any {
			now := time.Now().UTC()
			return map[string]any{"agent-id": "AGENT_A", "business-id": "acme", "drp.version": "1.0",
				"issued-at": now.Format(time.RFC3339), "expires-at": now.Add(5 * time.Minute).Format(time.RFC3339)}
		}
		post := func(path, token string, m map[string]any) (int, map[string]any) {
			t.Helper()
			b, _ := json.Marshal(m)
			req, _ := http.NewRequest(http.MethodPost, n.URL+"/drp/acme"+path, bytes.NewReader(drp.Seal(b, priv)))
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		status, setup := post("/v1/agent/AGENT_A", "", envelope())
		token, _ := setup["token"].(string)
		if status != http.StatusOK || token == "" {
			t.Fatalf("agent setup: %d %v", status, setup)
		}
		msg := envelope()
		msg["exercise"] = "deletion"
		msg["email"], msg["email_verified"] = "u1@example.com", true
		msg["status_callback"] = agentSrv.URL
		status, st := post("/v1/data-rights-request", token, msg)
		id, _ := st["request_id"].(string)
		if status != http.StatusOK || st["status"] != "open" || id == "" {
			t.Fatalf("exercise: %d %v", status, st)
		}
		// A forged message (another key) is refused.
		_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
		b, _ := json.Marshal(msg)
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/drp/acme/v1/data-rights-request", bytes.NewReader(drp.Seal(b, otherPriv)))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("a request signed with another key: %s, want a refusal", resp.Status)
		}

		// The tenant sees a delete request for u1, matched by the e-mail
		// claim through the blind index, and answers it.
		r, err := c.GetRequest(ctx, id)
		if err != nil || r.Type != client.RequestDelete || r.Subject != "u1" || !strings.HasPrefix(r.Channel, "drp:AGENT_A") {
			t.Fatalf("the DRP request in trustee: %+v, %v", r, err)
		}
		if _, err := c.VerifyRequest(ctx, id, client.Verification{Method: "account_login"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.FulfilRequest(ctx, id, client.Fulfilment{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			got := strings.Join(callbacks, "\n")
			mu.Unlock()
			if strings.Contains(got, `"fulfilled"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no signed fulfilled callback; got %q", got)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if strings.Contains(n.logTail(), "u1@example.com") {
			t.Error("the agent's claim reached the server's log")
		}
	})
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
