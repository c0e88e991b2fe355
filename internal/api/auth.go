package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Scopes an API key may hold.
const (
	ScopeCollect  = "collect"  // collect records, decisions
	ScopeConsent  = "consent"  // grant and withdraw consent, permission state
	ScopeRequests = "requests" // rights requests
	ScopeAdmin    = "admin"    // tenants, keys, declarations
	ScopeAudit    = "audit"    // read the audit log
)

// AllScopes lists every scope.
var AllScopes = []string{ScopeCollect, ScopeConsent, ScopeRequests, ScopeAdmin, ScopeAudit}

// Principal is who an API call acts as: an API key, its tenant ("" for an
// instance operator key) and its scopes.
type Principal struct {
	KeyID  string
	Tenant string
	Scopes []string
}

// Operator reports whether the key belongs to the instance operator rather
// than a tenant.
func (p Principal) Operator() bool { return p.Tenant == "" }

// Has reports whether the principal holds scope.
func (p Principal) Has(scope string) bool { return slices.Contains(p.Scopes, scope) }

// Actor is the principal's name in audit entries.
func (p Principal) Actor() string { return "apikey:" + p.KeyID }

type principalKey struct{}

// PrincipalFrom returns the authenticated principal of a request context.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ErrBadToken is returned for a token that is malformed, unknown, revoked or
// wrong. Callers never learn which, so keys cannot be probed.
var ErrBadToken = errors.New("invalid API key")

// KeyRecord is what the key store knows of a key: never the secret, only
// its SHA-256.
type KeyRecord struct {
	ID      string
	Tenant  string
	Hash    []byte
	Scopes  []string
	Revoked bool
}

// KeyLookup finds a key by id; it returns an error for an unknown id.
type KeyLookup func(ctx context.Context, id string) (KeyRecord, error)

// tokenPrefix marks trustee API keys, so secret scanners can find leaked
// ones.
const tokenPrefix = "trk_"

// NewToken returns a new API key token "trk_<id>_<secret>" and the SHA-256
// of its secret, which is all the store keeps. The token is shown once.
func NewToken() (id, token string, hash []byte, err error) {
	var idb [9]byte
	var sec [32]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return "", "", nil, err
	}
	if _, err := rand.Read(sec[:]); err != nil {
		return "", "", nil, err
	}
	id = strings.ToLower(base64.RawURLEncoding.EncodeToString(idb[:]))
	id = strings.NewReplacer("-", "a", "_", "b").Replace(id)
	secret := base64.RawURLEncoding.EncodeToString(sec[:])
	h := sha256.Sum256([]byte(secret))
	return id, tokenPrefix + id + "_" + secret, h[:], nil
}

// Authenticate checks a bearer token against lookup in constant time.
func Authenticate(ctx context.Context, lookup KeyLookup, token string) (Principal, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return Principal{}, ErrBadToken
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || id == "" || secret == "" {
		return Principal{}, ErrBadToken
	}
	rec, err := lookup(ctx, id)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	h := sha256.Sum256([]byte(secret))
	if rec.Revoked || subtle.ConstantTimeCompare(h[:], rec.Hash) != 1 {
		return Principal{}, ErrBadToken
	}
	return Principal{KeyID: rec.ID, Tenant: rec.Tenant, Scopes: rec.Scopes}, nil
}
