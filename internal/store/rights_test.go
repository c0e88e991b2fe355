package store

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestRightsEntitiesHideFreeText: what a log line or %v shows of trusted
// keys, holds and webhook endpoints names them by id, never by their
// free text, secret or URL.
func TestRightsEntitiesHideFreeText(t *testing.T) {
	for _, c := range []struct {
		v      any
		id     string
		hidden []string
	}{
		{TrustedKey{Tenant: "t1", ID: "key-1", Kind: TrustedKeyApp, Name: "Zhang's laptop", Algorithm: AlgorithmEd25519},
			"key-1", []string{"Zhang"}},
		{Hold{Tenant: "t1", ID: "hold-1", Scope: HoldTenant, Reason: "lawsuit by Li Wei", PlacedBy: "u"},
			"hold-1", []string{"Li Wei", "lawsuit"}},
		{WebhookEndpoint{Tenant: "t1", ID: "hook-1", URL: "https://hooks.example/T0K3N", Secret: []byte("s3cr3t-sealed")},
			"hook-1", []string{"T0K3N", "s3cr3t", "hooks.example"}},
	} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", c.v)
		for _, out := range []string{buf.String(), fmt.Sprint(c.v), fmt.Sprintf("%+v", c.v)} {
			if !strings.Contains(out, c.id) {
				t.Errorf("output does not name %s: %s", c.id, out)
			}
			for _, h := range c.hidden {
				if strings.Contains(out, h) {
					t.Errorf("output shows %q: %s", h, out)
				}
			}
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://hooks.example/x?token=1", true},
		{"https://hooks.example:8443/", true},
		{"HTTPS://hooks.example/", true},
		{"http://localhost/cb", true},
		{"http://LOCALHOST:8080/cb", true},
		{"http://127.0.0.1/cb", true},
		{"http://127.8.9.10/cb", true},
		{"http://[::1]:9/cb", true},
		{"", false},
		{"http://hooks.example/", false},
		{"http://10.0.0.1/", false},
		{"http://localhost.evil.example/", false},
		{"http://[::2]/", false},
		{"ws://localhost/", false},
		{"mailto:a@example.com", false},
		{"hooks.example/x", false},
		{"//hooks.example/x", false},
		{"https://", false},
		{"https://:443/", false},
		{"https://u:p@hooks.example/", false},
		{"https://u@hooks.example/", false},
		{"https://hooks.example/#", false},
		{"https://hooks.example/#frag", false},
		{"https://hooks.example:x/", false},
		{"https://hooks.example/\t", false},
		{"https://hooks.example/" + strings.Repeat("a", MaxTextLen), false},
	} {
		err := checkURL("url", c.url)
		if (err == nil) != c.ok {
			t.Errorf("checkURL(%q) = %v, want ok %t", c.url, err, c.ok)
		}
		if err != nil && strings.Contains(err.Error(), "hooks.example") {
			t.Errorf("checkURL(%q): error repeats the URL: %v", c.url, err)
		}
	}
}

func TestHoldFilterCheck(t *testing.T) {
	for _, c := range []struct {
		f     HoldFilter
		field string // "" when valid
	}{
		{HoldFilter{}, ""},
		{HoldFilter{ActiveOnly: true}, ""},
		{HoldFilter{Scope: HoldTenant}, ""},
		{HoldFilter{Scope: HoldSubject}, ""},
		{HoldFilter{Scope: HoldSubject, Target: "alice"}, ""},
		{HoldFilter{Scope: HoldCategory, Target: "health"}, ""},
		{HoldFilter{Scope: "x"}, "filter.scope"},
		{HoldFilter{Scope: "x", Target: "y"}, "filter.scope"},
		{HoldFilter{Target: "alice"}, "filter.target"},
		{HoldFilter{Scope: HoldTenant, Target: "alice"}, "filter.target"},
		{HoldFilter{Scope: HoldCategory, Target: "not a name"}, "filter.target"},
	} {
		err := c.f.check()
		field := ""
		if ie, ok := err.(*InvalidError); ok {
			field = ie.Field
		} else if err != nil {
			field = "?" + err.Error()
		}
		if field != c.field {
			t.Errorf("check(%+v) = %v, want field %q", c.f, err, c.field)
		}
	}
}
