package vault

import (
	"context"
	"fmt"

	"github.com/trustee-dev/trustee/internal/audit"
)

// Checkpoint signs a checkpoint of the audit log as it stands and stores
// it (see [audit.SignCheckpoint]). It returns the latest checkpoint
// unchanged when the log has not grown since, and refuses to sign over
// tampering it can see.
func (v *Vault) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	c, err := audit.SignCheckpoint(ctx, v.store, v.signer, v.clk)
	if err != nil {
		return audit.Checkpoint{}, fmt.Errorf("vault: checkpoint: %w", err)
	}
	v.log.Debug("vault: audit checkpoint", "size", c.Size)
	return c, nil
}

// Verify re-checks the whole audit log against its stored leaf hashes and
// its signed checkpoints (see [audit.Verify]) and reports the first entry
// altered, removed or reordered. A tampered log gives a Report with OK
// false and a nil error.
func (v *Vault) Verify(ctx context.Context) (audit.Report, error) {
	r, err := audit.Verify(ctx, v.store, v.signer.VerifierKey())
	if err != nil {
		return r, fmt.Errorf("vault: verify: %w", err)
	}
	return r, nil
}

// VerifierKey returns the public key that checks the audit log's
// checkpoints, for auditors (see [audit.Signer.VerifierKey]).
func (v *Vault) VerifierKey() string { return v.signer.VerifierKey() }

// AuditSize returns the number of entries in the audit log.
func (v *Vault) AuditSize(ctx context.Context) (int64, error) { return v.store.AuditSize(ctx) }

// AuditEntries calls fn for each audit entry with from <= Seq < to, in
// order, as stored.
func (v *Vault) AuditEntries(ctx context.Context, from, to int64, fn func(audit.StoredEntry) error) error {
	return v.store.AuditEntries(ctx, from, to, fn)
}
