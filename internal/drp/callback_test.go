package drp_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/drp"
	"github.com/trustee-dev/trustee/internal/store"
)

// receiver is an agent's status callback endpoint that checks every
// callback's signature with the business's verify key.
type receiver struct {
	mu       sync.Mutex
	pub      ed25519.PublicKey
	now      func() time.Time
	fail     bool
	statuses []drp.Status
	rejected []error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := drp.VerifyCallback(rc.pub, r.Header, body, rc.now(), 0); err != nil {
		rc.rejected = append(rc.rejected, err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var st drp.Status
	if err := json.Unmarshal(body, &st); err != nil || r.Header.Get("Content-Type") != "application/json" {
		rc.rejected = append(rc.rejected, errors.New("not a JSON status"))
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if rc.fail {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	rc.statuses = append(rc.statuses, st)
}

func TestCallback(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		e := newEnv(t, open, loadDecl(t, "sobot-sdk.yaml"))
		ctx := context.Background()
		rc := &receiver{pub: e.h.Key.Public().(ed25519.PublicKey), now: e.clk.Now}
		agentSrv := httptest.NewTLSServer(rc)
		t.Cleanup(agentSrv.Close)
		e.h.HTTP = agentSrv.Client()
		e.mu.Lock()
		e.agents["t1/AGENT_A"].callback = agentSrv.URL + "/update_status"
		e.mu.Unlock()

		m := e.exerciseMsg(e.agent, "deletion")
		m["status_callback"] = agentSrv.URL + "/update_status"
		r := e.exercise(m)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		id := r.json(t)["request_id"].(string)
		if _, err := e.svc.StartVerification(ctx, "test", "t1", id); err != nil {
			t.Fatal(err)
		}
		if err := e.h.Callback(ctx, "t1", id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Refuse(ctx, "test", "t1", id, "repeated_requests", "note"); err != nil {
			t.Fatal(err)
		}
		if err := e.h.Callback(ctx, "t1", id); err != nil {
			t.Fatal(err)
		}
		rc.mu.Lock()
		got := append([]drp.Status(nil), rc.statuses...)
		rejected := rc.rejected
		rc.mu.Unlock()
		if len(rejected) != 0 || len(got) != 2 {
			t.Fatalf("received %v, rejected %v", got, rejected)
		}
		if got[0].RequestID != id || got[0].Status != "in_progress" || got[0].AgentRequestID != m["agent-request-id"] {
			t.Errorf("first callback %+v", got[0])
		}
		if got[1].Status != "denied" || got[1].Reason != "too_many_requests" {
			t.Errorf("second callback %+v", got[1])
		}

		// A receiver that fails is reported, for the caller to retry.
		rc.mu.Lock()
		rc.fail = true
		rc.mu.Unlock()
		if err := e.h.Callback(ctx, "t1", id); !errors.Is(err, drp.ErrCallbackRejected) {
			t.Errorf("failing receiver: %v", err)
		}
		// A receiver holding another business's key rejects our callbacks.
		otherPub, _, _ := ed25519.GenerateKey(nil)
		rc.mu.Lock()
		rc.fail, rc.pub = false, otherPub
		rc.mu.Unlock()
		if err := e.h.Callback(ctx, "t1", id); !errors.Is(err, drp.ErrCallbackRejected) {
			t.Errorf("receiver with another key: %v", err)
		}
		rc.mu.Lock()
		if len(rc.rejected) != 1 || !errors.Is(rc.rejected[0], drp.ErrCallbackSignature) {
			t.Errorf("rejections %v", rc.rejected)
		}
		rc.mu.Unlock()

		// No callback URL, or no DRP channel: nothing to send.
		e.mu.Lock()
		e.agents["t1/AGENT_A"].callback = ""
		e.mu.Unlock()
		if err := e.h.Callback(ctx, "t1", id); !errors.Is(err, drp.ErrNoCallback) {
			t.Errorf("no callback URL: %v", err)
		}
		plain, err := e.svc.Create(ctx, "test", "t1", "s1", "access", "web")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.h.Callback(ctx, "t1", plain.ID); !errors.Is(err, drp.ErrNotDRP) {
			t.Errorf("non-DRP request: %v", err)
		}
		// Plain http callback URLs are refused.
		e.mu.Lock()
		e.agents["t1/AGENT_A"].callback = "http://agent.example.com/cb"
		e.mu.Unlock()
		if err := e.h.Callback(ctx, "t1", id); err == nil {
			t.Error("http callback URL accepted")
		}
	})
}

func TestVerifyCallback(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	at := time.Unix(1_700_000_000, 0)
	body := []byte(`{"request_id":"r1","status":"fulfilled"}`)
	hdr := http.Header{}
	drp.SignCallback(hdr, key, "msg_1", at, body)
	if err := drp.VerifyCallback(pub, hdr, body, at.Add(time.Minute), 0); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		hdr  func(http.Header)
		body []byte
		now  time.Time
	}{
		"tampered body": {nil, []byte(`{"request_id":"r1","status":"revoked"}`), at},
		"stale":         {nil, body, at.Add(6 * time.Minute)},
		"future":        {nil, body, at.Add(-6 * time.Minute)},
		"other id":      {func(h http.Header) { h.Set(drp.HeaderWebhookID, "msg_2") }, body, at},
		"no signature":  {func(h http.Header) { h.Del(drp.HeaderWebhookSignature) }, body, at},
		"v1 only":       {func(h http.Header) { h.Set(drp.HeaderWebhookSignature, "v1,abc") }, body, at},
		"bad timestamp": {func(h http.Header) { h.Set(drp.HeaderWebhookTimestamp, "soon") }, body, at},
	} {
		h := hdr.Clone()
		if c.hdr != nil {
			c.hdr(h)
		}
		if err := drp.VerifyCallback(pub, h, c.body, c.now, 0); !errors.Is(err, drp.ErrCallbackSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// StoreAgents finds agent keys in the store's trusted keys.
func TestStoreAgents(t *testing.T) {
	backends(t, func(t *testing.T, open opener) {
		e := newEnv(t, open, loadDecl(t, "sobot-sdk.yaml"))
		ctx := context.Background()
		a := newAgent(t, "AGENT_S")
		app := newAgent(t, "APP")
		err := e.st.Write(ctx, func(tx store.Tx) error {
			for _, k := range []store.TrustedKey{
				{Tenant: "t1", ID: a.id, Kind: store.TrustedKeyAgent, Name: "agent", Algorithm: store.AlgorithmEd25519, PublicKey: a.pub, CallbackURL: "https://agent.example.com/cb"},
				{Tenant: "t1", ID: app.id, Kind: store.TrustedKeyApp, Name: "app", Algorithm: store.AlgorithmEd25519, PublicKey: app.pub},
			} {
				if _, err := tx.CreateTrustedKey(ctx, k); err != nil {
					return err
				}
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "trustedkey.create"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		look := drp.StoreAgents(e.st)
		pub, cb, err := look(ctx, "t1", a.id)
		if err != nil || !pub.Equal(a.pub) || cb != "https://agent.example.com/cb" {
			t.Errorf("agent key: %v %q %v", pub, cb, err)
		}
		for _, c := range [][2]string{{"t1", app.id}, {"t1", "NOBODY"}, {"t2", a.id}} {
			if _, _, err := look(ctx, c[0], c[1]); !errors.Is(err, drp.ErrUnknownAgent) {
				t.Errorf("%v: %v", c, err)
			}
		}
		err = e.st.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.RevokeTrustedKey(ctx, "t1", a.id); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "trustedkey.revoke"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := look(ctx, "t1", a.id); !errors.Is(err, drp.ErrUnknownAgent) {
			t.Errorf("revoked key: %v", err)
		}
	})
}
