package drp

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"
)

// Versions are the values of drp.version this package accepts: 1.0 and
// 0.9.4, which 1.0 restates unchanged.
var Versions = []string{"1.0", "0.9.4"}

// Version is the protocol version this package speaks.
const Version = "1.0"

// Error is a DRP error state (3.06): the HTTP status, a message naming
// what is wrong and how to fix it, and whether the request is final. Its
// message never holds a value from the request.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Message explains the error; it names fields, never their values.
	Message string
	// Fatal is true when retrying the same request cannot succeed.
	Fatal bool
	// Code is a stable machine-readable reason, for logs and metrics.
	Code string
}

func (e *Error) Error() string { return "drp: " + e.Message }

// Is matches the sentinel of the same Code, so that callers can test
// errors.Is(err, ErrReplay) and the like.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == ""
}

func fail(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// Sentinels for errors.Is; an *Error returned by this package matches the
// sentinel of its Code.
var (
	ErrEncoding  = &Error{Code: "encoding"}
	ErrSignature = &Error{Code: "signature"}
	ErrAgent     = &Error{Code: "agent_mismatch"}
	ErrAudience  = &Error{Code: "business_mismatch"}
	ErrIssuedAt  = &Error{Code: "issued_at"}
	ErrExpired   = &Error{Code: "expired"}
	ErrLifetime  = &Error{Code: "lifetime"}
	ErrReplay    = &Error{Code: "replay"}
	ErrVersion   = &Error{Code: "version"}
	ErrAction    = &Error{Code: "action"}
	ErrMessage   = &Error{Code: "message"}
	ErrTooLarge  = &Error{Code: "too_large"}
)

// Envelope is the part of every signed message that roots it in one
// agent, one business and a short moment (2.01 group 1; 3.07). IssuedAt
// and ExpiresAt are ISO 8601 timestamps: RFC 3339 with or without
// fractional seconds; without a zone they are read as UTC.
type Envelope struct {
	AgentID    string `json:"agent-id"`
	BusinessID string `json:"business-id"`
	IssuedAt   string `json:"issued-at"`
	ExpiresAt  string `json:"expires-at"`
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// ParseTime parses an ISO 8601 timestamp as DRP messages carry them.
func ParseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			return v.UTC(), true
		}
	}
	return time.Time{}, false
}

// FormatTime writes t as DRP messages carry timestamps (RFC 3339, UTC).
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Exercise is the signed body of a Data Rights Exercise request (2.01).
type Exercise struct {
	Envelope
	// AgentRequestID is the agent's own id for the request (optional).
	AgentRequestID string `json:"agent-request-id,omitempty"`
	// Version is drp.version.
	Version string `json:"drp.version"`
	// Action is the right exercised (3.01): sale:opt_out, deletion, ...
	Action string `json:"exercise"`
	// Regime is "ccpa" or empty (voluntary).
	Regime string `json:"regime,omitempty"`
	// Relationships are hints at relationships beyond the customer one.
	Relationships []string `json:"relationships,omitempty"`
	// StatusCallback is where status updates are to be sent.
	StatusCallback string `json:"status_callback,omitempty"`
	// Claims identify the user (3.04); personal data.
	Claims
}

// Setup is the signed body of a Pair-wise Key Setup request (2.05).
type Setup struct {
	Envelope
	Version string `json:"drp.version"`
}

// Revoke is the signed body of a Data Rights Revoke request (2.04), with
// 3.07's envelope.
type Revoke struct {
	Envelope
	// Reason is the user's free text; personal data, never kept.
	Reason string `json:"reason,omitempty"`
}

// Claims are the user's identity claims (3.04), schema.org/Person and
// OpenID Connect names. They are personal data: a Claims value prints and
// logs as "[redacted]".
type Claims struct {
	Name                string   `json:"name,omitempty"`
	Email               string   `json:"email,omitempty"`
	EmailVerified       bool     `json:"email_verified,omitempty"`
	PhoneNumber         string   `json:"phone_number,omitempty"`
	PhoneNumberVerified bool     `json:"phone_number_verified,omitempty"`
	Address             *Address `json:"address,omitempty"`
	AddressVerified     bool     `json:"address_verified,omitempty"`
	PowerOfAttorney     string   `json:"power_of_attorney,omitempty"`
}

// Address is an OpenID Connect Core 1.0 section 5.1.1 address claim.
type Address struct {
	Formatted     string `json:"formatted,omitempty"`
	StreetAddress string `json:"street_address,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
	Country       string `json:"country,omitempty"`
}

// Empty reports whether no identifying claim is present.
func (c Claims) Empty() bool {
	return c.Name == "" && c.Email == "" && c.PhoneNumber == "" && c.Address == nil
}

// LogValue redacts the claims in slog output.
func (c Claims) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// String redacts the claims.
func (c Claims) String() string { return "[redacted]" }

// GoString redacts the claims under %#v.
func (c Claims) GoString() string { return "drp.Claims{[redacted]}" }

// Format redacts the claims under every verb.
func (c Claims) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[redacted]")) }

var (
	_ slog.LogValuer = Claims{}
	_ fmt.Formatter  = Claims{}
)

// LogValue redacts the exercise's claims in slog output.
func (e Exercise) LogValue() slog.Value {
	return slog.GroupValue(slog.String("agent", e.AgentID), slog.String("exercise", e.Action))
}

// Format keeps the exercise's claims out of fmt output.
func (e Exercise) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "drp.Exercise{agent %s, exercise %s, claims [redacted]}", e.AgentID, e.Action)
}

// Open decodes a signed message (3.07.1): base64 (standard alphabet,
// padding optional, surrounding white space ignored) of an Ed25519
// signature followed by the message. It returns the message when the
// signature verifies with pub.
func Open(body []byte, pub ed25519.PublicKey) ([]byte, error) {
	body = bytes.TrimSpace(body)
	raw, err := base64.StdEncoding.DecodeString(string(body))
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(string(body))
	}
	if err != nil {
		return nil, fail(http.StatusBadRequest, "encoding", "the body must be the base64 of an Ed25519 signature followed by the JSON message (DRP 3.07.1)")
	}
	if len(raw) <= ed25519.SignatureSize {
		return nil, fail(http.StatusBadRequest, "encoding", "the body is too short to hold a 64-byte signature and a message (DRP 3.07.1)")
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, fail(http.StatusForbidden, "signature", "the agent has no usable Ed25519 key registered with this business")
	}
	sig, msg := raw[:ed25519.SignatureSize], raw[ed25519.SignatureSize:]
	if !ed25519.Verify(pub, msg, sig) {
		return nil, fail(http.StatusForbidden, "signature", "the signature does not verify with the agent's registered key: sign the exact JSON with the key registered for this agent-id (DRP 3.07)")
	}
	return msg, nil
}

// Seal signs msg with key as an agent does (3.07.1): the base64 of the
// signature followed by msg.
func Seal(msg []byte, key ed25519.PrivateKey) []byte {
	buf := append(ed25519.Sign(key, msg), msg...)
	out := make([]byte, base64.StdEncoding.EncodedLen(len(buf)))
	base64.StdEncoding.Encode(out, buf)
	return out
}

// decode reads a JSON object into v. Unknown keys are allowed (2.01 lets
// a request carry other claims). Errors name the field, never the value.
func decode(msg []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(msg))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return fail(http.StatusBadRequest, "message", fmt.Sprintf("field %q has the wrong type: it must be a %s", te.Field, jsonKind(te.Type.Kind().String())))
		case errors.As(err, &te):
			return fail(http.StatusBadRequest, "message", "the signed message must be a JSON object")
		}
		return fail(http.StatusBadRequest, "message", "the signed message is not valid JSON: sign a single JSON object")
	}
	if dec.More() {
		return fail(http.StatusBadRequest, "message", "the signed message holds more than one JSON value: sign a single JSON object")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "struct", "ptr", "map":
		return "object"
	}
	return k
}

// checkVersion accepts the versions in Versions.
func checkVersion(v string) error {
	if slices.Contains(Versions, v) {
		return nil
	}
	if v == "" {
		return fail(http.StatusBadRequest, "version", `drp.version is required: send "1.0"`)
	}
	return fail(http.StatusBadRequest, "version", `drp.version is not supported: this business speaks "1.0" (and "0.9.4")`)
}
