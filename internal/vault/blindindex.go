package vault

import (
	"context"

	"github.com/trustee-dev/trustee/internal/keys"
)

// BlindIndex returns the keyed blind index of value in the tenant's field
// (see [keys.Manager.BlindIndex]): a truncated HMAC-SHA256 under a key
// derived per tenant and field. The collection gate uses it to store
// fields declared with hashing hmac_sha256 as a keyed hash rather than the
// value. It reads no data and is not audited.
func (v *Vault) BlindIndex(ctx context.Context, tenant, field string, kind keys.Normalization, value string) ([]byte, error) {
	return v.keys.BlindIndex(ctx, tenant, field, kind, value)
}
