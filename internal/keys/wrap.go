package keys

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"gocloud.dev/secrets"
)

// keySize is the size of every key in the hierarchy: AES-256 and HMAC keys.
const keySize = 32

// formatV1 is the first byte of sealed values and KEK-wrapped DEKs.
const formatV1 byte = 1

// redacted is what key-holding types print.
const redacted = "REDACTED"

// secret is key material. It never prints: every fmt verb and slog show
// "REDACTED".
type secret []byte

// Format implements [fmt.Formatter].
func (secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements [slog.LogValuer].
func (secret) LogValue() slog.Value { return slog.StringValue(redacted) }

var (
	_ fmt.Formatter  = secret(nil)
	_ slog.LogValuer = secret(nil)
)

// newSecret returns a fresh random key.
func newSecret() secret {
	k := make(secret, keySize)
	_, _ = rand.Read(k) // crypto/rand.Read never fails (it panics instead)
	return k
}

// newGCM returns AES-256-GCM that draws a random 96-bit nonce for every Seal
// and prepends it to the ciphertext.
func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("keys: new cipher: %w", err)
	}
	return cipher.NewGCMWithRandomNonce(b)
}

// appendField appends a length-prefixed string.
func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Purposes of root-wrapped keys, bound into their payload and used as the
// [RootKeyKind] in the key store.
const (
	purposeKEK   = "kek"
	purposeIndex = "index"
)

// rootPayloadLabel starts every root-wrapped payload.
const rootPayloadLabel = "trustee/root-wrapped/v1"

// rootPayload is what the root key encrypts: the key bound to its tenant,
// purpose and version, so a wrapped key copied to another row of the key
// store does not unwrap there.
func rootPayload(tenant, purpose string, version int, key secret) []byte {
	b := make([]byte, 0, len(rootPayloadLabel)+len(tenant)+len(purpose)+16+keySize)
	b = appendField(b, rootPayloadLabel)
	b = appendField(b, purpose)
	b = appendField(b, tenant)
	b = binary.BigEndian.AppendUint32(b, uint32(version))
	return append(b, key...)
}

// wrapRoot encrypts key with the root keeper.
func wrapRoot(ctx context.Context, root *secrets.Keeper, tenant, purpose string, version int, key secret) ([]byte, error) {
	w, err := root.Encrypt(ctx, rootPayload(tenant, purpose, version, key))
	if err != nil {
		return nil, fmt.Errorf("keys: wrap %s key of tenant %q with the root key: %w", purpose, tenant, err)
	}
	return w, nil
}

// errRootUnwrap reports a root-wrapped key that the root key does not open.
var errRootUnwrap = errors.New("keys: root key does not unwrap the key (wrong root key?)")

// unwrapRoot decrypts a root-wrapped key and checks its binding.
func unwrapRoot(ctx context.Context, root *secrets.Keeper, tenant, purpose string, version int, wrapped []byte) (secret, error) {
	p, err := root.Decrypt(ctx, wrapped)
	if err != nil {
		return nil, fmt.Errorf("%w: %s key of tenant %q version %d: %w", errRootUnwrap, purpose, tenant, version, err)
	}
	want := rootPayload(tenant, purpose, version, nil)
	if len(p) != len(want)+keySize || !bytes.Equal(p[:len(want)], want) {
		return nil, fmt.Errorf("%w: %s key of tenant %q version %d is bound to another key", ErrDecrypt, purpose, tenant, version)
	}
	k := make(secret, keySize)
	copy(k, p[len(want):])
	clear(p)
	return k, nil
}

// dekAAD is the associated data of a KEK-wrapped DEK.
func dekAAD(tenant, subject string, kekVersion int) []byte {
	b := make([]byte, 0, 32+len(tenant)+len(subject))
	b = appendField(b, "trustee/dek/v1")
	b = appendField(b, tenant)
	b = appendField(b, subject)
	return binary.BigEndian.AppendUint32(b, uint32(kekVersion))
}

// wrapDEK wraps a DEK under a KEK: formatV1 || nonce || ciphertext.
func wrapDEK(kek cipher.AEAD, tenant, subject string, kekVersion int, dek secret) []byte {
	out := []byte{formatV1}
	return kek.Seal(out, nil, dek, dekAAD(tenant, subject, kekVersion))
}

// unwrapDEK opens a KEK-wrapped DEK.
func unwrapDEK(kek cipher.AEAD, tenant, subject string, kekVersion int, wrapped []byte) (secret, error) {
	if len(wrapped) < 1 || wrapped[0] != formatV1 {
		return nil, fmt.Errorf("%w: wrapped data key of a subject of tenant %q has an unknown format", ErrDecrypt, tenant)
	}
	k, err := kek.Open(nil, nil, wrapped[1:], dekAAD(tenant, subject, kekVersion))
	if err != nil || len(k) != keySize {
		return nil, fmt.Errorf("%w: wrapped data key of a subject of tenant %q does not open under KEK version %d", ErrDecrypt, tenant, kekVersion)
	}
	return secret(k), nil
}
