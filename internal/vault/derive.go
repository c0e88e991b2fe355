package vault

import (
	"context"

	"github.com/trustee-dev/trustee/internal/keys"
)

// DeriveKey returns a secret of the tenant for one use named by label, the
// same on every node of the deployment; see [keys.Manager.DeriveKey].
func (v *Vault) DeriveKey(ctx context.Context, tenant, label string, size int) ([]byte, error) {
	return v.keys.DeriveKey(ctx, tenant, label, size)
}

// Keys returns the vault's key manager, for parts that seal their own
// secrets with it (webhook endpoint secrets).
func (v *Vault) Keys() *keys.Manager { return v.keys }
