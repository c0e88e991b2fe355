package keys

import (
	"context"
	"errors"
	"fmt"

	"gocloud.dev/secrets"
)

// rotateBatch is how many keys a rotation re-wraps per key-store transaction.
const rotateBatch = 500

// RotateTenant makes a new KEK version the tenant's active one and re-wraps
// every data key of the tenant under it, rotateBatch keys per key-store
// transaction. Sealed data is not touched: data keys do not change, only
// their wrapping. It returns the new version. Old versions stay in the key
// store, inactive. A rotation interrupted halfway is completed by running
// RotateTenant again (which starts yet another version).
func (m *Manager) RotateTenant(ctx context.Context, tenant string) (int, error) {
	if tenant == "" {
		return 0, errors.New("keys: RotateTenant: empty tenant")
	}
	cur, err := m.ks.ActiveKEK(ctx, tenant)
	if err != nil {
		return 0, err
	}
	version := cur.Version + 1
	key := newSecret()
	m.rootMu.RLock()
	wrapped, err := wrapRoot(ctx, m.root, tenant, purposeKEK, version, key)
	m.rootMu.RUnlock()
	if err != nil {
		return 0, err
	}
	if err := m.ks.AddKEK(ctx, TenantKEK{Tenant: tenant, Version: version, Wrapped: wrapped, Created: m.clk.Now(), Active: true}); err != nil {
		return 0, err
	}
	next, err := newGCM(key)
	clear(key)
	if err != nil {
		return 0, err
	}
	m.keks.put(kekID{tenant, version}, next, nil)
	m.active.put(tenant, activeKEK{version: version, aead: next, loaded: m.clk.Now()}, nil)

	// Every re-wrapped key leaves the "below version" set, so each batch
	// asks from the start; a batch that changes nothing means something
	// else is rewriting the same keys, and we stop rather than spin.
	for {
		batch, err := m.ks.SubjectKeysBelow(ctx, tenant, version, rotateBatch)
		if err != nil {
			return version, fmt.Errorf("keys: rotate tenant %q: %w", tenant, err)
		}
		if len(batch) == 0 {
			return version, nil
		}
		rewraps := make([]SubjectRewrap, 0, len(batch))
		for _, sk := range batch {
			old, err := m.kek(ctx, tenant, sk.KEKVersion)
			if err != nil {
				return version, fmt.Errorf("keys: rotate tenant %q: %w", tenant, err)
			}
			dek, err := unwrapDEK(old, tenant, sk.Subject, sk.KEKVersion, sk.Wrapped)
			if err != nil {
				return version, fmt.Errorf("keys: rotate tenant %q: %w", tenant, err)
			}
			rewraps = append(rewraps, SubjectRewrap{
				Tenant: tenant, Subject: sk.Subject, FromVersion: sk.KEKVersion, ToVersion: version,
				Wrapped: wrapDEK(next, tenant, sk.Subject, version, dek),
			})
			clear(dek)
		}
		n, err := m.ks.RewrapSubjectKeys(ctx, rewraps)
		if err != nil {
			return version, fmt.Errorf("keys: rotate tenant %q: %w", tenant, err)
		}
		if n == 0 {
			return version, fmt.Errorf("keys: rotate tenant %q: no progress re-wrapping data keys (a concurrent rotation?)", tenant)
		}
	}
}

// RotateRoot re-wraps every tenant's KEKs (all versions) and index key under
// newRoot, rotateBatch keys per key-store transaction, and from then on uses
// newRoot. It returns how many keys it re-wrapped. Keys that newRoot already
// unwraps are skipped, so a rotation that stopped halfway is finished by
// running it again with the same keepers. While it runs, this Manager waits
// before using the root key; other nodes must be restarted with the new root
// key afterwards (until then they work from their caches). The caller still
// owns both keepers.
func (m *Manager) RotateRoot(ctx context.Context, newRoot *secrets.Keeper) (int, error) {
	if newRoot == nil {
		return 0, errors.New("keys: RotateRoot: nil root key")
	}
	m.rootMu.Lock()
	defer m.rootMu.Unlock()
	if newRoot == m.root {
		return 0, nil // already rotated
	}
	total := 0
	var after RootKeyID
	for {
		batch, err := m.ks.RootWrappedKeys(ctx, after, rotateBatch)
		if err != nil {
			return total, fmt.Errorf("keys: rotate root key: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		rewraps := make([]RootRewrap, 0, len(batch))
		for _, k := range batch {
			purpose := string(k.Kind)
			key, err := unwrapRoot(ctx, m.root, k.Tenant, purpose, k.Version, k.Wrapped)
			if errors.Is(err, errRootUnwrap) {
				if _, errNew := unwrapRoot(ctx, newRoot, k.Tenant, purpose, k.Version, k.Wrapped); errNew == nil {
					continue // re-wrapped by an earlier, interrupted run
				}
			}
			if err != nil {
				return total, fmt.Errorf("keys: rotate root key: %w", err)
			}
			w, err := wrapRoot(ctx, newRoot, k.Tenant, purpose, k.Version, key)
			clear(key)
			if err != nil {
				return total, fmt.Errorf("keys: rotate root key: %w", err)
			}
			rewraps = append(rewraps, RootRewrap{RootKeyID: k.RootKeyID, Old: k.Wrapped, New: w})
		}
		if len(rewraps) > 0 {
			n, err := m.ks.RewrapRootKeys(ctx, rewraps)
			total += n
			if err != nil {
				return total, fmt.Errorf("keys: rotate root key: %w", err)
			}
		}
		after = batch[len(batch)-1].RootKeyID
	}
	m.root = newRoot
	return total, nil
}
