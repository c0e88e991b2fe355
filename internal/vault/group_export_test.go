package vault

import (
	"context"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// CommitRecords is the write step of PutRecords alone (no subject check
// before it), so that tests can make members of a group fail inside the
// shared transaction.
func (v *Vault) CommitRecords(ctx context.Context, tenant, subject string, recs []store.Record, entry audit.Entry) error {
	return v.commitRecords(ctx, tenant, subject, recs, entry)
}
