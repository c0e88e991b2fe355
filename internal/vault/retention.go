package vault

import (
	"context"
	"fmt"
	"strconv"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// RecordSet names records of one subject, by id, for [Vault.DeleteRecords].
type RecordSet struct {
	Subject string
	IDs     []string
	// Reason is a code saying why they are deleted, such as
	// "retention:cloud-video-7-days"; it is audited.
	Reason string
}

// DeleteRecords deletes sets of the tenant's records in one transaction
// and returns how many it deleted; ids no longer stored are skipped, so a
// repeated call deletes nothing more. Each set is audited as
// "record.delete" with its subject, the count deleted, the count asked,
// the digest of its ids ([IDsDigest]) and its Reason; never a value. The caller names each
// set's subject as it read the records from the store: the entry is the
// proof that the subject's records were deleted. A set that deletes
// nothing is not audited.
func (v *Vault) DeleteRecords(ctx context.Context, actor, tenant string, sets []RecordSet) (int64, error) {
	var total int64
	err := v.store.Write(ctx, func(tx store.Tx) error {
		total = 0
		entries := make([]audit.Entry, 0, len(sets))
		for i, s := range sets {
			switch {
			case s.Subject == "":
				return invalid("sets["+strconv.Itoa(i)+"].subject", "required: the subject whose records these are")
			case s.Reason == "":
				return invalid("sets["+strconv.Itoa(i)+"].reason", "required: a code saying why the records are deleted")
			}
			n, err := tx.DeleteRecords(ctx, tenant, s.IDs)
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			total += n
			entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "record.delete", ObjectType: "record",
				Subject: s.Subject, Details: map[string]string{"count": strconv.FormatInt(n, 10),
					"asked": strconv.Itoa(len(s.IDs)), "ids_sha256": IDsDigest(s.IDs), "reason": s.Reason}})
		}
		if len(entries) == 0 {
			return nil
		}
		_, err := tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("vault: delete records: %w", err)
	}
	v.log.Debug("vault: records deleted", "tenant", tenant, "count", total, "sets", len(sets), "actor", actor)
	return total, nil
}
