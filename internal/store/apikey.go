package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
)

// APIKey is a credential of the HTTP API. The store keeps only the SHA-256
// of its secret, never the secret: the token is shown once when the key is
// made. Neither [APIKey.LogValue] nor [APIKey.String] prints Hash.
type APIKey struct {
	// ID is the key's public id, carried in the token; it is unique in the
	// instance, not only in the tenant, because authentication finds the
	// key (and so its tenant) by ID alone (see [Reader.GetAPIKey]).
	ID string
	// Tenant is the tenant the key acts for; "" for an instance operator
	// key.
	Tenant string
	// Name says what the key is for ("ci deploy", "support console").
	Name string
	// Hash is the SHA-256 of the secret: 32 bytes.
	Hash []byte
	// Scopes are the scopes the key holds (names such as "collect",
	// "admin"; the API defines them), stored sorted.
	Scopes []string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
	// RevokedAt is when the key was revoked; zero while it is active.
	RevokedAt time.Time
}

// Active reports whether the key has not been revoked.
func (k APIKey) Active() bool { return k.RevokedAt.IsZero() }

// LogValue logs the key's id, tenant, scopes and state: never its hash,
// nor its free-text name, which may name a person.
func (k APIKey) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", k.ID),
		slog.String("tenant", k.Tenant),
		slog.Any("scopes", k.Scopes),
		slog.Bool("revoked", !k.Active()),
	)
}

// String describes the key as LogValue does, so that %v and %+v do not
// print the hash either.
func (k APIKey) String() string {
	return fmt.Sprintf("APIKey{ID:%q Tenant:%q Scopes:%v Revoked:%t}", k.ID, k.Tenant, k.Scopes, !k.Active())
}

func (k *APIKey) check(now time.Time) error {
	if err := checkID("apikey.id", k.ID); err != nil {
		return err
	}
	if err := checkOptID("apikey.tenant", k.Tenant); err != nil {
		return err
	}
	if k.Name == "" {
		return invalid("apikey.name", "required")
	}
	if err := checkText("apikey.name", k.Name, MaxNameLen); err != nil {
		return err
	}
	if len(k.Hash) != sha256.Size {
		return invalid("apikey.hash", "must be a SHA-256: "+strconv.Itoa(sha256.Size)+" bytes")
	}
	if len(k.Scopes) == 0 {
		return invalid("apikey.scopes", "required")
	}
	for i, s := range k.Scopes {
		if err := checkName("apikey.scopes["+strconv.Itoa(i)+"]", s); err != nil {
			return err
		}
	}
	k.Scopes = slices.Clone(k.Scopes)
	slices.Sort(k.Scopes)
	if len(slices.Compact(slices.Clone(k.Scopes))) != len(k.Scopes) {
		return invalid("apikey.scopes", "lists a scope twice")
	}
	if !k.RevokedAt.IsZero() {
		return invalid("apikey.revoked_at", "must be zero: a key is revoked with RevokeAPIKey")
	}
	k.Hash = slices.Clone(k.Hash)
	var err error
	k.CreatedAt, err = stamp("apikey.created_at", k.CreatedAt, now)
	return err
}

func (g *guard) CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	if err := g.writable(); err != nil {
		return APIKey{}, err
	}
	if err := k.check(g.now); err != nil {
		return APIKey{}, err
	}
	k, err := g.tx.CreateAPIKey(ctx, k)
	if err == nil {
		g.mutate("CreateAPIKey")
	}
	return k, g.leave(err)
}

func (g *guard) RevokeAPIKey(ctx context.Context, tenant, id string) (APIKey, error) {
	if err := g.writable(); err != nil {
		return APIKey{}, err
	}
	if err := checkOptID("tenant", tenant); err != nil {
		return APIKey{}, err
	}
	if err := checkID("id", id); err != nil {
		return APIKey{}, err
	}
	k, err := g.tx.RevokeAPIKey(ctx, tenant, id)
	if err == nil {
		g.mutate("RevokeAPIKey")
	}
	return k, g.leave(err)
}

func (g *guard) GetAPIKey(ctx context.Context, id string) (APIKey, error) {
	if err := g.enter(); err != nil {
		return APIKey{}, err
	}
	if err := checkID("id", id); err != nil {
		return APIKey{}, err
	}
	k, err := g.r.GetAPIKey(ctx, id)
	return k, g.leave(err)
}

func (g *guard) ListAPIKeys(ctx context.Context, tenant string, p Page) ([]APIKey, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	if err := checkOptID("tenant", tenant); err != nil {
		return nil, "", err
	}
	p, err := p.check()
	if err != nil {
		return nil, "", err
	}
	ks, next, err := g.r.ListAPIKeys(ctx, tenant, p)
	return ks, next, g.leave(err)
}
