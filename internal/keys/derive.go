package keys

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

// deriveLabel is the HKDF info prefix of keys made by [Manager.DeriveKey];
// it differs from the blind-index prefix, so a derived key is never a
// field's index key.
const deriveLabel = "trustee/derived/v1"

// DeriveKey returns a size-byte secret for one use of the tenant, named by
// label (such as "verify/otp"): HKDF-SHA256 from the tenant's index root
// key. It is the same on every node and for the life of the tenant, and
// unrelated across tenants and labels. Use it for keys that must be shared
// by nodes without being stored, such as the HMAC key of one-time-code
// hashes.
func (m *Manager) DeriveKey(ctx context.Context, tenant, label string, size int) ([]byte, error) {
	if tenant == "" || label == "" {
		return nil, errors.New("keys: DeriveKey: empty tenant or label")
	}
	if size < 16 || size > 64 {
		return nil, fmt.Errorf("keys: DeriveKey: size %d out of 16..64", size)
	}
	ik, err := m.ks.IndexKey(ctx, tenant)
	if err != nil {
		return nil, err
	}
	m.rootMu.RLock()
	root, err := unwrapRoot(ctx, m.root, tenant, purposeIndex, 1, ik.Wrapped)
	m.rootMu.RUnlock()
	if err != nil {
		return nil, err
	}
	defer clear(root)
	info := appendField(appendField([]byte(deriveLabel), tenant), label)
	k, err := hkdf.Key(sha256.New, root, nil, string(info), size)
	if err != nil {
		return nil, fmt.Errorf("keys: derive key: %w", err)
	}
	return k, nil
}
