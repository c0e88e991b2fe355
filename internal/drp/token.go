package drp

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// tokenPrefix versions the token format.
const tokenPrefix = "drp1"

var errNoKey = errors.New("drp: Handler.Key is not a 64-byte Ed25519 private key")

// tokenKey derives the bearer tokens' HMAC key from the handler's Ed25519
// seed, separated from the signing use by HKDF's info.
func (h *Handler) tokenKey() ([]byte, error) {
	if len(h.Key) != ed25519.PrivateKeySize {
		return nil, errNoKey
	}
	return hkdf.Key(sha256.New, h.Key.Seed(), nil, "trustee drp bearer token v1", 32)
}

func tokenMAC(key []byte, tenant, agentID string, nonce []byte, pub ed25519.PublicKey) []byte {
	m := hmac.New(sha256.New, key)
	for _, part := range [][]byte{[]byte(tenant), []byte(agentID), nonce, pub} {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(part)>>24), byte(len(part)>>16), byte(len(part)>>8), byte(len(part))
		m.Write(n[:])
		m.Write(part)
	}
	return m.Sum(nil)
}

// issueToken returns a new pair-wise bearer token (2.05.1) for the agent:
// "drp1.<agent id>.<nonce>.<mac>", base64url parts. It needs no storage;
// it stays valid while the agent's key and Handler.Key do.
func (h *Handler) issueToken(tenant, agentID string, pub ed25519.PublicKey) (string, error) {
	key, err := h.tokenKey()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	enc := base64.RawURLEncoding
	return strings.Join([]string{tokenPrefix, enc.EncodeToString([]byte(agentID)), enc.EncodeToString(nonce), enc.EncodeToString(tokenMAC(key, tenant, agentID, nonce, pub))}, "."), nil
}

// tokenAgent returns the agent id a token names, unverified.
func tokenAgent(token string) (agentID string, nonce, mac []byte, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != tokenPrefix {
		return "", nil, nil, false
	}
	enc := base64.RawURLEncoding
	id, err1 := enc.DecodeString(parts[1])
	nonce, err2 := enc.DecodeString(parts[2])
	mac, err3 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || len(nonce) != 16 || len(mac) != sha256.Size {
		return "", nil, nil, false
	}
	return string(id), nonce, mac, true
}

// bearer returns the Authorization header's bearer token.
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }
