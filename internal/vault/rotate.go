package vault

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
)

// Rotation is the outcome of rotating one tenant's key-encryption key.
type Rotation struct {
	Tenant string `json:"tenant"`
	// Version is the tenant's new active KEK version.
	Version int `json:"version"`
}

// RotateKeys rotates the key-encryption key of tenant, or of every tenant
// when tenant is "": a new KEK version becomes active and every data key
// is re-wrapped under it; no value is re-encrypted. Each rotation is
// audited as "key.rotate" with the new version, after it is done (the key
// store is a database of its own). It returns the rotations done, also
// when it stops at an error.
func (v *Vault) RotateKeys(ctx context.Context, actor, tenant string) ([]Rotation, error) {
	tenants := []string{tenant}
	if tenant == "" {
		var err error
		if tenants, err = v.tenantIDs(ctx); err != nil {
			return nil, fmt.Errorf("vault: rotate keys: %w", err)
		}
	} else if err := v.store.Read(ctx, func(r store.Reader) error {
		_, err := r.GetTenant(ctx, tenant)
		return err
	}); err != nil {
		return nil, fmt.Errorf("vault: rotate keys: %w", err)
	}
	var out []Rotation
	for _, t := range tenants {
		ver, err := v.keys.RotateTenant(ctx, t)
		if err != nil {
			return out, fmt.Errorf("vault: rotate keys of tenant %q: %w", t, err)
		}
		err = v.store.Write(ctx, func(tx store.Tx) error {
			_, err := tx.Audit(ctx, audit.Entry{Tenant: t, Actor: actor, Action: "key.rotate", ObjectType: "tenant_kek",
				ObjectID: t, Details: map[string]string{"kek_version": strconv.Itoa(ver)}})
			return err
		})
		if err != nil {
			return out, fmt.Errorf("vault: rotate keys of tenant %q: rotated to version %d, not audited: %w", t, ver, err)
		}
		out = append(out, Rotation{Tenant: t, Version: ver})
		v.log.Info("vault: tenant key rotated", "tenant", t, "kek_version", ver, "actor", actor)
	}
	return out, nil
}

func (v *Vault) tenantIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := v.store.Read(ctx, func(r store.Reader) error {
		var p store.Page
		for {
			ts, next, err := r.ListTenants(ctx, store.Page{After: p.After, Limit: store.MaxLimit})
			if err != nil {
				return err
			}
			for _, t := range ts {
				ids = append(ids, t.ID)
			}
			if next == "" {
				return nil
			}
			p.After = next
		}
	})
	return ids, err
}

// RotateRoot re-wraps every tenant's keys under the root key at newRootURL
// (see [keys.Manager.RotateRoot]) and from then on uses it; it returns how
// many keys it re-wrapped. It is audited as "key.rotate_root" with the
// count and the new root's URL scheme (never the URL, which may hold a
// secret). Restart every other node with the new root key afterwards, and
// point the configuration at it.
func (v *Vault) RotateRoot(ctx context.Context, actor, newRootURL string) (int, error) {
	scheme := "unknown"
	if u, err := url.Parse(newRootURL); err == nil {
		scheme = u.Scheme
	}
	newRoot, err := keys.OpenRoot(ctx, newRootURL)
	if err != nil {
		return 0, fmt.Errorf("vault: rotate root: new root key: %w", err)
	}
	v.rootMu.Lock()
	defer v.rootMu.Unlock()
	n, err := v.keys.RotateRoot(ctx, newRoot)
	if err != nil {
		newRoot.Close()
		return n, fmt.Errorf("vault: rotate root: %w", err)
	}
	old := v.root
	v.root = newRoot
	old.Close()
	err = v.store.Write(ctx, func(tx store.Tx) error {
		_, err := tx.Audit(ctx, audit.Entry{Actor: actor, Action: "key.rotate_root", ObjectType: "root_key",
			Details: map[string]string{"rewrapped": strconv.Itoa(n), "scheme": scheme}})
		return err
	})
	if err != nil {
		return n, fmt.Errorf("vault: rotate root: rotated, not audited: %w", err)
	}
	v.log.Info("vault: root key rotated", "rewrapped", n, "scheme", scheme, "actor", actor)
	return n, nil
}
