package rights

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// DecodePublicKey decodes a raw Ed25519 public key written in base64,
// standard or URL-safe, with or without padding. An error is a
// *store.InvalidError on "trusted_key.public_key" that says what is wrong
// without repeating the input.
func DecodePublicKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, &store.InvalidError{Field: "trusted_key.public_key", Reason: "required: the raw 32-byte Ed25519 public key in base64"}
	}
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, &store.InvalidError{Field: "trusted_key.public_key", Reason: "not base64 (standard or URL-safe): give the raw 32-byte Ed25519 public key in base64, not PEM"}
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, &store.InvalidError{Field: "trusted_key.public_key",
			Reason: "decodes to " + strconv.Itoa(len(b)) + " bytes; a raw Ed25519 public key is " + strconv.Itoa(ed25519.PublicKeySize) + " bytes (not PEM, not DER, not a private key)"}
	}
	return b, nil
}

// KeyFingerprint is the hex SHA-256 of a public key, as audit entries name
// it.
func KeyFingerprint(pub []byte) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])
}

// CreateTrustedKey stores k, a public key k.Tenant trusts to sign for it
// (its app's, or an authorized agent's), and records it in the audit log
// as "trusted_key.create" in the same transaction, with the key's id, kind,
// algorithm and fingerprint: never its name. k.Algorithm is Ed25519 when
// empty. Invalid input is a *store.InvalidError naming the key's field
// ("trusted_key.callback_url"); a taken id is store.ErrConflict, an unknown
// tenant store.ErrNotFound. Nothing is stored on error.
func CreateTrustedKey(ctx context.Context, st store.Store, actor string, k store.TrustedKey) (store.TrustedKey, error) {
	if k.Algorithm == "" {
		k.Algorithm = store.AlgorithmEd25519
	}
	err := st.Write(ctx, func(tx store.Tx) error {
		var err error
		if k, err = tx.CreateTrustedKey(ctx, k); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: k.Tenant, Actor: actor, Action: "trusted_key.create", ObjectType: "trusted_key", ObjectID: k.ID,
			Details: map[string]string{"kind": k.Kind, "algorithm": k.Algorithm, "sha256": KeyFingerprint(k.PublicKey)}})
		return err
	})
	if err != nil {
		return store.TrustedKey{}, err
	}
	return k, nil
}

// RevokeTrustedKey revokes tenant's trusted key id: signatures made with it
// are no longer accepted. The revocation is recorded in the audit log as
// "trusted_key.revoke" in the same transaction. Revoking a revoked key
// returns it unchanged and writes nothing. store.ErrNotFound if the tenant
// has no such key.
func RevokeTrustedKey(ctx context.Context, st store.Store, actor, tenant, id string) (store.TrustedKey, error) {
	var k store.TrustedKey
	err := st.Write(ctx, func(tx store.Tx) error {
		var err error
		if k, err = tx.GetTrustedKey(ctx, tenant, id); err != nil || !k.Active() {
			return err
		}
		if k, err = tx.RevokeTrustedKey(ctx, tenant, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "trusted_key.revoke", ObjectType: "trusted_key", ObjectID: k.ID,
			Details: map[string]string{"kind": k.Kind}})
		return err
	})
	if err != nil {
		return store.TrustedKey{}, err
	}
	return k, nil
}
