package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestAdminRoutes(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	pub := ed25519.PublicKey(bytes.Repeat([]byte{7}, ed25519.PublicKeySize))
	b64 := base64.StdEncoding.EncodeToString(pub)
	f.on("POST /v1/trusted-keys", 201, map[string]any{"id": "ios", "kind": "app", "name": "iOS", "algorithm": "Ed25519", "public_key": b64, "created_at": "2026-01-02T03:04:05Z"})
	f.on("GET /v1/trusted-keys", 200, map[string]any{"trusted_keys": []any{map[string]any{"id": "ios", "public_key": b64}}, "next": "ios"})
	f.on("DELETE /v1/trusted-keys/{id}", 200, map[string]any{"id": "a/b", "revoked_at": "2026-01-02T03:04:05Z"})
	f.on("POST /v1/webhooks", 201, map[string]any{"id": "w1", "url": "https://h.example/in?token=t0k", "events": []string{"request.status"}, "secret": "whsec_c2VjcmV0"})
	f.on("GET /v1/webhooks", 200, map[string]any{"webhooks": []any{map[string]any{"id": "w1", "events": []string{}}}, "next": ""})
	f.on("DELETE /v1/webhooks/{id}", 200, map[string]any{"id": "w1", "disabled_at": "2026-01-02T03:04:05Z"})
	f.on("POST /v1/holds", 201, map[string]any{"id": "h1", "scope": "subject", "target": "u1", "reason": "case 17", "placed_by": "apikey:k"})
	f.on("GET /v1/holds", 200, map[string]any{"holds": []any{map[string]any{"id": "h1"}}, "next": ""})
	f.on("POST /v1/holds/{id}/release", 409, &Problem{Status: 409, Code: "already_released", Detail: "released already", Field: "path.id"})

	k, err := c.CreateTrustedKey(ctx, TrustedKey{ID: "ios", Kind: TrustedKeyApp, Name: "iOS", PublicKey: pub, Algorithm: "ignored"})
	if err != nil || !bytes.Equal(k.PublicKey, pub) || k.Algorithm != "Ed25519" || k.CreatedAt.IsZero() {
		t.Fatalf("CreateTrustedKey = %+v, %v", k, err)
	}
	var kin map[string]any
	f.decodeBody(&kin)
	if kin["public_key"] != b64 || kin["kind"] != "app" || len(kin) != 4 {
		t.Errorf("CreateTrustedKey sent %v", kin)
	}
	page, err := c.ListTrustedKeys(ctx, TrustedKeyQuery{Kind: TrustedKeyAgent, After: "a", Limit: 5})
	if err != nil || len(page.TrustedKeys) != 1 || page.Next != "ios" || !bytes.Equal(page.TrustedKeys[0].PublicKey, pub) {
		t.Errorf("ListTrustedKeys = %+v, %v", page, err)
	}
	if q := f.last.URL.Query(); q.Get("kind") != "agent" || q.Get("after") != "a" || q.Get("limit") != "5" {
		t.Errorf("ListTrustedKeys query %v", q)
	}
	if k, err := c.RevokeTrustedKey(ctx, "a/b"); err != nil || k.RevokedAt == nil || f.last.URL.EscapedPath() != "/v1/trusted-keys/a%2Fb" {
		t.Errorf("RevokeTrustedKey = %+v, %v (path %s)", k, err, f.last.URL.EscapedPath())
	}

	w, err := c.CreateWebhook(ctx, "https://h.example/in?token=t0k", EventRequestStatus)
	if err != nil || string(w.Secret) != "whsec_c2VjcmV0" || len(w.Events) != 1 {
		t.Fatalf("CreateWebhook = %+v, %v", w, err)
	}
	var win map[string]any
	f.decodeBody(&win)
	if win["url"] != "https://h.example/in?token=t0k" || len(win["events"].([]any)) != 1 {
		t.Errorf("CreateWebhook sent %v", win)
	}
	if _, err := c.CreateWebhook(ctx, "https://h.example/in"); err != nil {
		t.Fatal(err)
	}
	win = nil
	f.decodeBody(&win)
	if _, ok := win["events"]; ok {
		t.Errorf("CreateWebhook without events sent %v", win)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "webhook", *w, "secret", w.Secret)
	if s := buf.String() + fmt.Sprintf("%v %+v %#v %s", w.Secret, w.Secret, w.Secret, w.Secret); strings.Contains(s, "c2VjcmV0") || strings.Contains(s, "t0k") {
		t.Errorf("a webhook's secret or URL printed: %s", s)
	}
	if wp, err := c.ListWebhooks(ctx, "", 0); err != nil || len(wp.Webhooks) != 1 || f.last.URL.RawQuery != "" {
		t.Errorf("ListWebhooks = %+v, %v (query %q)", wp, err, f.last.URL.RawQuery)
	}
	if w, err := c.DisableWebhook(ctx, "w1"); err != nil || w.DisabledAt == nil {
		t.Errorf("DisableWebhook = %+v, %v", w, err)
	}

	h, err := c.PlaceHold(ctx, Hold{Scope: HoldSubject, Target: "u1", Reason: "case 17", ID: "ignored"})
	if err != nil || h.ID != "h1" || h.PlacedBy != "apikey:k" {
		t.Fatalf("PlaceHold = %+v, %v", h, err)
	}
	var hin map[string]any
	f.decodeBody(&hin)
	if hin["scope"] != "subject" || hin["target"] != "u1" || hin["reason"] != "case 17" || len(hin) != 3 {
		t.Errorf("PlaceHold sent %v", hin)
	}
	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "hold", *h)
	if strings.Contains(buf.String(), "case 17") {
		t.Errorf("a hold's reason logged: %s", buf.String())
	}
	if hp, err := c.ListHolds(ctx, HoldQuery{Scope: HoldSubject, Target: "u1", ActiveOnly: true}); err != nil || len(hp.Holds) != 1 {
		t.Errorf("ListHolds = %+v, %v", hp, err)
	}
	if q := f.last.URL.Query(); q.Get("scope") != "subject" || q.Get("target") != "u1" || q.Get("active") != "true" || q.Has("limit") {
		t.Errorf("ListHolds query %v", q)
	}
	_, err = c.ReleaseHold(ctx, "h1")
	var p *Problem
	if !errors.Is(err, ErrConflict) || !errors.As(err, &p) || p.Code != "already_released" || p.Route != "POST /v1/holds/{id}/release" {
		t.Errorf("ReleaseHold twice: %v", err)
	}
}
