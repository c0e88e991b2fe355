package drp

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestClaimsRedacted(t *testing.T) {
	c := Claims{Name: "Wang Fang", Email: "wf@example.com", PhoneNumber: "+8613800138000", Address: &Address{Formatted: "1 Road"}}
	ex := Exercise{Envelope: Envelope{AgentID: "A"}, Action: "deletion", Claims: c}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "c", c, "ex", ex)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "c", c, "ex", ex)
	fmt.Fprintf(&buf, "%v %+v %#v %s %q %v %+v", c, c, c, c, c, ex, ex)
	for _, pd := range []string{"Wang", "wf@", "138001", "1 Road"} {
		if strings.Contains(buf.String(), pd) {
			t.Errorf("%q printed: %s", pd, buf.String())
		}
	}
}

func TestReplayCache(t *testing.T) {
	var c replayCache
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if fresh, _ := c.first(t0, t0.Add(time.Minute), []byte("a"), []byte("b")); !fresh {
		t.Fatal("first sight not fresh")
	}
	if fresh, _ := c.first(t0, t0.Add(time.Minute), []byte("a")); fresh {
		t.Error("replay accepted")
	}
	// One key seen makes the pair stale, and records nothing new.
	if fresh, _ := c.first(t0, t0.Add(time.Minute), []byte("c"), []byte("b")); fresh {
		t.Error("pair with a seen key accepted")
	}
	if fresh, _ := c.first(t0, t0.Add(time.Minute), []byte("c")); !fresh {
		t.Error("c was recorded by a refused call")
	}
	// After expiry the entry is forgotten (the message itself has
	// expired by then, so the envelope check refuses it).
	later := t0.Add(2 * time.Minute)
	if fresh, _ := c.first(later, later.Add(time.Minute), []byte("a")); !fresh {
		t.Error("expired entry still blocks")
	}
	if len(c.seen) != 1 {
		t.Errorf("%d entries after sweep, want 1", len(c.seen))
	}
}

func TestTokenRoundTrip(t *testing.T) {
	h := &Handler{Key: fuzzKey}
	agentPub := fuzzKey.Public().(ed25519.PublicKey)
	tok, err := h.issueToken("t1", "A", agentPub)
	if err != nil {
		t.Fatal(err)
	}
	id, nonce, mac, ok := tokenAgent(tok)
	key, _ := h.tokenKey()
	if !ok || id != "A" || !hmacEqual(mac, tokenMAC(key, "t1", "A", nonce, agentPub)) {
		t.Fatal("token does not verify")
	}
	if hmacEqual(mac, tokenMAC(key, "t2", "A", nonce, agentPub)) || hmacEqual(mac, tokenMAC(key, "t1", "B", nonce, agentPub)) {
		t.Error("token verifies for another tenant or agent")
	}
	for _, bad := range []string{"", "drp1", "drp2.QQ.AAAAAAAAAAAAAAAAAAAAAA.AAAA", tok + ".x", strings.Replace(tok, "drp1", "drp0", 1)} {
		if _, _, _, ok := tokenAgent(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
