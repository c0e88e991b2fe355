package store

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
)

// TrustedKey is a public key a tenant trusts to sign for it: its app's key,
// which signs identity assertions for subjects the app authenticated, or
// an authorized agent's request-signing key (DRP). Neither
// [TrustedKey.LogValue] nor [TrustedKey.String] prints Name.
type TrustedKey struct {
	Tenant string
	// ID is chosen by the caller, unique within the tenant.
	ID string
	// Kind is [TrustedKeyApp] or [TrustedKeyAgent].
	Kind string
	// Name is a label for staff ("iOS app 2026", "Consumer Reports
	// agent"). It is not personal data by contract, but it is free text,
	// so it is never logged.
	Name string
	// Algorithm is the signature algorithm: [AlgorithmEd25519], the only
	// one for now.
	Algorithm string
	// PublicKey is the raw public key: 32 bytes for Ed25519.
	PublicKey []byte
	// CallbackURL is, for an agent, where status callbacks go ("" when it
	// takes none); always "" for an app key. It is https, or http to a
	// loopback host.
	CallbackURL string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
	// RevokedAt is when the key was revoked; zero while it is active.
	RevokedAt time.Time
}

// The kinds of trusted key.
const (
	// TrustedKeyApp is the tenant's app: it signs identity assertions for
	// subjects it authenticated.
	TrustedKeyApp = "app"
	// TrustedKeyAgent is an authorized agent's request-signing key (DRP).
	TrustedKeyAgent = "agent"
)

// AlgorithmEd25519 is the one signature algorithm of a [TrustedKey] for
// now (RFC 8032); its public key is [ed25519.PublicKeySize] bytes.
const AlgorithmEd25519 = "Ed25519"

// Active reports whether the key has not been revoked.
func (k TrustedKey) Active() bool { return k.RevokedAt.IsZero() }

// LogValue logs the key's tenant, id, kind, algorithm and state, never
// its free-text name.
func (k TrustedKey) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("tenant", k.Tenant),
		slog.String("id", k.ID),
		slog.String("kind", k.Kind),
		slog.String("algorithm", k.Algorithm),
		slog.Bool("revoked", !k.Active()),
	)
}

// String describes the key as LogValue does, so that %v and %+v do not
// print its name either.
func (k TrustedKey) String() string {
	return fmt.Sprintf("TrustedKey{Tenant:%q ID:%q Kind:%q Algorithm:%q Revoked:%t}", k.Tenant, k.ID, k.Kind, k.Algorithm, !k.Active())
}

func checkTrustedKeyKind(field, kind string) error {
	if kind != TrustedKeyApp && kind != TrustedKeyAgent {
		return invalid(field, `must be "app" or "agent"`)
	}
	return nil
}

func (k *TrustedKey) check(now time.Time) error {
	if err := checkID("trusted_key.tenant", k.Tenant); err != nil {
		return err
	}
	if err := checkID("trusted_key.id", k.ID); err != nil {
		return err
	}
	if err := checkTrustedKeyKind("trusted_key.kind", k.Kind); err != nil {
		return err
	}
	if err := checkText("trusted_key.name", k.Name, MaxNameLen); err != nil {
		return err
	}
	if k.Algorithm != AlgorithmEd25519 {
		return invalid("trusted_key.algorithm", `must be "Ed25519"`)
	}
	if len(k.PublicKey) != ed25519.PublicKeySize {
		return invalid("trusted_key.public_key", "an Ed25519 public key is "+strconv.Itoa(ed25519.PublicKeySize)+" bytes (raw, not PEM or base64)")
	}
	switch {
	case k.Kind == TrustedKeyApp && k.CallbackURL != "":
		return invalid("trusted_key.callback_url", "only an agent key takes a callback URL")
	case k.CallbackURL != "":
		if err := checkURL("trusted_key.callback_url", k.CallbackURL); err != nil {
			return err
		}
	}
	if !k.RevokedAt.IsZero() {
		return invalid("trusted_key.revoked_at", "must be zero: a key is revoked with RevokeTrustedKey")
	}
	k.PublicKey = slices.Clone(k.PublicKey)
	var err error
	k.CreatedAt, err = stamp("trusted_key.created_at", k.CreatedAt, now)
	return err
}

func (g *guard) CreateTrustedKey(ctx context.Context, k TrustedKey) (TrustedKey, error) {
	if err := g.writable(); err != nil {
		return TrustedKey{}, err
	}
	if err := k.check(g.now); err != nil {
		return TrustedKey{}, err
	}
	k, err := g.tx.CreateTrustedKey(ctx, k)
	if err == nil {
		g.mutate("CreateTrustedKey")
	}
	return k, g.leave(err)
}

func (g *guard) RevokeTrustedKey(ctx context.Context, tenant, id string) (TrustedKey, error) {
	if err := g.writable(); err != nil {
		return TrustedKey{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return TrustedKey{}, err
	}
	k, err := g.tx.RevokeTrustedKey(ctx, tenant, id)
	if err == nil {
		g.mutate("RevokeTrustedKey")
	}
	return k, g.leave(err)
}

func (g *guard) GetTrustedKey(ctx context.Context, tenant, id string) (TrustedKey, error) {
	if err := g.enter(); err != nil {
		return TrustedKey{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return TrustedKey{}, err
	}
	k, err := g.r.GetTrustedKey(ctx, tenant, id)
	return k, g.leave(err)
}

func (g *guard) ListTrustedKeys(ctx context.Context, tenant, kind string, p Page) ([]TrustedKey, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if kind != "" {
		if err := checkTrustedKeyKind("kind", kind); err != nil {
			return nil, "", err
		}
	}
	ks, next, err := g.r.ListTrustedKeys(ctx, tenant, kind, p)
	return ks, next, g.leave(err)
}
