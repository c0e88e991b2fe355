package vault

import "context"

// DeriveKey returns a secret of the tenant for one use named by label, the
// same on every node of the deployment; see [keys.Manager.DeriveKey].
func (v *Vault) DeriveKey(ctx context.Context, tenant, label string, size int) ([]byte, error) {
	return v.keys.DeriveKey(ctx, tenant, label, size)
}
