package vault

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// ShredResult says what a shred purged.
type ShredResult struct {
	// Records and Blobs are how many rows and objects the purge deleted.
	Records int64
	Blobs   int64
}

// Shred erases a subject (PIPL Art. 47; GDPR Art. 17), in three steps:
//
//  1. one transaction sets the subject's status to erased and appends
//     "subject.shred": from its commit every node refuses the subject's
//     reads and writes;
//  2. the subject's data key is destroyed in the key store: every value
//     and blob of the subject, in the database, the bucket and all their
//     backups, is unreadable from here on, in time independent of how many
//     there are;
//  3. the subject's rows and objects are purged, in one transaction
//     audited as "subject.purge" with the counts.
//
// Shred is idempotent: run again on an erased subject it finishes the
// steps left undone, as [Vault.ReconcileShreds] does. The subject itself
// stays, erased, so that its id is never reused.
func (v *Vault) Shred(ctx context.Context, actor, tenant, subject string) (ShredResult, error) {
	if err := v.erase(ctx, actor, tenant, subject); err != nil {
		return ShredResult{}, err
	}
	return v.purge(ctx, actor, tenant, subject)
}

// Erase runs steps 1 and 2 of [Vault.Shred]: when it returns, the
// subject's data is unreadable everywhere, in time independent of how much
// there is. Step 3, the purge of rows and objects, is left to
// [Vault.Purge] or [Vault.ReconcileShreds], such as a background job.
func (v *Vault) Erase(ctx context.Context, actor, tenant, subject string) error {
	return v.erase(ctx, actor, tenant, subject)
}

// Purge runs step 3 of [Vault.Shred] for an erased subject: its rows and
// objects are deleted, audited as "subject.purge" with the counts. It is
// idempotent.
func (v *Vault) Purge(ctx context.Context, actor, tenant, subject string) (ShredResult, error) {
	return v.purge(ctx, actor, tenant, subject)
}

// erase runs steps 1 and 2 of Shred: after it returns, the subject's data
// is unreadable.
func (v *Vault) erase(ctx context.Context, actor, tenant, subject string) error {
	err := v.store.Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil || s.Status == store.StatusErased {
			return err
		}
		if _, err := tx.SetSubjectStatus(ctx, tenant, subject, store.StatusErased); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.shred", ObjectType: "subject",
			ObjectID: subject, Subject: subject, Details: map[string]string{"previous_status": string(s.Status)}})
		return err
	})
	if err != nil {
		return fmt.Errorf("vault: shred: %w", err)
	}
	if err := v.keys.Shred(ctx, tenant, subject); err != nil {
		return fmt.Errorf("vault: shred: subject %q in tenant %q is erased but its key is not destroyed yet (ReconcileShreds finishes it): %w", subject, tenant, err)
	}
	v.log.Debug("vault: subject erased", "tenant", tenant, "subject", subject, "actor", actor)
	return nil
}

// purge runs step 3 of Shred: the objects are deleted first (deleting one
// twice is harmless), then the rows and the blobs' metadata in one
// transaction, so that a purge stopped halfway leaves metadata to find the
// remaining objects by.
func (v *Vault) purge(ctx context.Context, actor, tenant, subject string) (ShredResult, error) {
	var metas []store.BlobMeta
	err := v.store.Read(ctx, func(r store.Reader) error {
		var p store.Page
		for {
			bs, next, err := r.ListBlobs(ctx, tenant, subject, store.Page{After: p.After, Limit: store.MaxLimit})
			if err != nil {
				return err
			}
			metas = append(metas, bs...)
			if next == "" {
				return nil
			}
			p.After = next
		}
	})
	if err != nil {
		return ShredResult{}, fmt.Errorf("vault: purge: %w", err)
	}
	for _, b := range metas {
		if err := v.blobs.Delete(ctx, b.ObjectKey); err != nil {
			return ShredResult{}, fmt.Errorf("vault: purge: blob %s: %w", b.ID, err)
		}
	}
	var res ShredResult
	err = v.store.Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if s.Status != store.StatusErased {
			return fmt.Errorf("purge subject %q in tenant %q: not erased", subject, tenant)
		}
		for _, b := range metas {
			switch err := tx.DeleteBlob(ctx, tenant, b.ID); {
			case err == nil:
				res.Blobs++
			case !errors.Is(err, store.ErrNotFound): // purged meanwhile by another node
				return err
			}
		}
		if res.Records, err = tx.DeleteSubjectRecords(ctx, tenant, subject); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.purge", ObjectType: "subject",
			ObjectID: subject, Subject: subject, Details: map[string]string{
				"records": strconv.FormatInt(res.Records, 10), "blobs": strconv.FormatInt(res.Blobs, 10)}})
		return err
	})
	if err != nil {
		return ShredResult{}, fmt.Errorf("vault: purge: %w", err)
	}
	v.log.Debug("vault: subject purged", "tenant", tenant, "subject", subject, "records", res.Records, "blobs", res.Blobs, "actor", actor)
	return res, nil
}

// reconcileActor is the actor of the audit entries ReconcileShreds writes.
const reconcileActor = "system:reconcile-shreds"

// ReconcileShreds finishes every shred that stopped between its steps (a
// crash, a lost connection): for each erased subject of every tenant it
// destroys the data key if it still exists and purges rows and objects
// that remain. It returns how many subjects it had to finish. [Open] runs
// it; it is safe to run at any time and on many nodes at once.
func (v *Vault) ReconcileShreds(ctx context.Context) (int, error) {
	type pending struct{ tenant, subject string }
	var erased []pending
	err := v.store.Read(ctx, func(r store.Reader) error {
		var tp store.Page
		for {
			ts, nextT, err := r.ListTenants(ctx, store.Page{After: tp.After, Limit: store.MaxLimit})
			if err != nil {
				return err
			}
			for _, t := range ts {
				var sp store.Page
				for {
					ss, next, err := r.ListSubjects(ctx, t.ID, store.SubjectFilter{Status: store.StatusErased},
						store.Page{After: sp.After, Limit: store.MaxLimit})
					if err != nil {
						return err
					}
					for _, s := range ss {
						erased = append(erased, pending{t.ID, s.ID})
					}
					if next == "" {
						break
					}
					sp.After = next
				}
			}
			if nextT == "" {
				return nil
			}
			tp.After = nextT
		}
	})
	if err != nil {
		return 0, fmt.Errorf("vault: reconcile shreds: %w", err)
	}
	finished := 0
	for _, p := range erased {
		did := false
		shredded, err := v.keys.Shredded(ctx, p.tenant, p.subject)
		if err != nil {
			return finished, fmt.Errorf("vault: reconcile shreds: %w", err)
		}
		if !shredded {
			if err := v.keys.Shred(ctx, p.tenant, p.subject); err != nil {
				return finished, fmt.Errorf("vault: reconcile shreds: %w", err)
			}
			did = true
		}
		var left bool
		err = v.store.Read(ctx, func(r store.Reader) error {
			n, err := r.CountRecords(ctx, p.tenant, store.RecordFilter{Subject: p.subject})
			if err != nil {
				return err
			}
			bs, _, err := r.ListBlobs(ctx, p.tenant, p.subject, store.Page{Limit: 1})
			left = n > 0 || len(bs) > 0
			return err
		})
		if err != nil {
			return finished, fmt.Errorf("vault: reconcile shreds: %w", err)
		}
		if left {
			if _, err := v.purge(ctx, reconcileActor, p.tenant, p.subject); err != nil {
				return finished, fmt.Errorf("vault: reconcile shreds: %w", err)
			}
			did = true
		}
		if did {
			finished++
			v.log.Info("vault: finished an interrupted shred", "tenant", p.tenant, "subject", p.subject)
		}
	}
	return finished, nil
}
