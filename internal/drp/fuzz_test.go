package drp

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// FuzzParse feeds the request parser (Open then decode, as the exercise
// endpoint runs them) arbitrary bodies, signed with the agent's key or
// not. It must never panic; every failure is a 4xx *Error whose message
// holds none of the input; a signed valid object decodes.
func FuzzParse(f *testing.F) {
	pub := fuzzKey.Public().(ed25519.PublicKey)
	for _, s := range []string{
		`{"agent-id":"A","business-id":"t1","issued-at":"2025-03-04T02:00:00Z","expires-at":"2025-03-04T02:05:00Z","drp.version":"1.0","exercise":"deletion","email":"x@y.z","email_verified":true}`,
		`{"address":{"formatted":"1 Main St"},"relationships":["customer"]}`,
		`{"email_verified":"yes"}`, `[]`, `{"a":1} {"b":2}`, `null`, `{"issued-at":5}`, ``, `{`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, sign bool) {
		body := in
		if sign {
			body = Seal(in, fuzzKey)
		}
		msg, err := Open(body, pub)
		if err != nil {
			checkErr(t, err, in)
			if sign && len(in) > 0 {
				t.Fatalf("a sealed message did not open: %v", err)
			}
			return
		}
		if sign && !bytes.Equal(msg, in) {
			t.Fatal("Open returned another message than was sealed")
		}
		var ex Exercise
		err = decode(msg, &ex)
		if err != nil {
			checkErr(t, err, msg)
			return
		}
		// Whatever decoded, printing and logging it leaks no claim.
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "ex", ex, "claims", ex.Claims)
		fmt.Fprintf(&buf, "%v %+v %#v %s", ex, ex, ex.Claims, ex.Claims)
		for _, v := range []string{ex.Email, ex.PhoneNumber, ex.Name} {
			if len(v) > 3 && !strings.Contains("[redacted] drp.Exercise agent exercise claims", v) && strings.Contains(buf.String(), v) && !strings.Contains(ex.AgentID+ex.Action, v) {
				t.Fatalf("printed claim %q", v)
			}
		}
	})
}

func checkErr(t *testing.T, err error, in []byte) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Message == "" {
		t.Fatalf("not a 4xx DRP error: %#v", err)
	}
	if len(in) >= 12 && strings.Contains(e.Message, string(in)) {
		t.Fatalf("error message echoes the input: %q", e.Message)
	}
	// The JSON error body is well formed.
	if _, err := json.Marshal(errorBody{Code: "400", Message: e.Message}); err != nil {
		t.Fatal(err)
	}
}
