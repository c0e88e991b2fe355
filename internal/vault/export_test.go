package vault

import (
	"context"

	"github.com/trustee-dev/trustee/internal/keys"
)

// Keys returns the vault's key manager, so that tests can try to open
// ciphertexts kept aside (a "backup") after a shred.
func (v *Vault) Keys() *keys.Manager { return v.keys }

// Erase runs the first two steps of Shred only: what BenchmarkShred times,
// and what a crash before the purge leaves behind.
func (v *Vault) Erase(ctx context.Context, actor, tenant, subject string) error {
	return v.erase(ctx, actor, tenant, subject)
}
