package vault

import (
	"context"
	"errors"
	"fmt"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// CreateTenant stores a new tenant and provisions its keys (its first KEK
// and its blind-index key), audited as "tenant.create". The keys are made
// inside the store's transaction, so a tenant is never stored without
// them; keys left by a transaction that then failed are reused when the
// tenant is created again.
func (v *Vault) CreateTenant(ctx context.Context, actor string, t store.Tenant) (store.Tenant, error) {
	var out store.Tenant
	err := v.store.Write(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.CreateTenant(ctx, t); err != nil {
			return err
		}
		if err := v.keys.EnsureTenant(ctx, out.ID); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: out.ID, Actor: actor, Action: "tenant.create",
			ObjectType: "tenant", ObjectID: out.ID, Details: map[string]string{"kind": string(out.Kind)}})
		return err
	})
	if err != nil {
		return store.Tenant{}, fmt.Errorf("vault: create tenant: %w", err)
	}
	v.log.Debug("vault: tenant created", "tenant", out.ID, "actor", actor)
	return out, nil
}

// CreateSubject stores a new subject, audited as "subject.create".
func (v *Vault) CreateSubject(ctx context.Context, actor string, s store.Subject) (store.Subject, error) {
	var out store.Subject
	err := v.store.Write(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.CreateSubject(ctx, s); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, subjectCreated(actor, out))
		return err
	})
	if err != nil {
		return store.Subject{}, fmt.Errorf("vault: create subject: %w", err)
	}
	v.log.Debug("vault: subject created", "tenant", out.Tenant, "subject", out.ID, "actor", actor)
	return out, nil
}

// EnsureSubject returns the subject, creating it (active, audited as
// "subject.create") if it does not exist. An erased subject is returned
// with [ErrErased]: its id is not reused.
func (v *Vault) EnsureSubject(ctx context.Context, actor, tenant, id string) (s store.Subject, created bool, err error) {
	err = v.store.Write(ctx, func(tx store.Tx) error {
		var err error
		s, err = tx.GetSubject(ctx, tenant, id)
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if s, err = tx.CreateSubject(ctx, store.Subject{Tenant: tenant, ID: id}); err != nil {
			return err
		}
		created = true
		_, err = tx.Audit(ctx, subjectCreated(actor, s))
		return err
	})
	if err != nil {
		return store.Subject{}, false, fmt.Errorf("vault: ensure subject: %w", err)
	}
	if s.Status == store.StatusErased {
		return s, false, fmt.Errorf("vault: ensure subject %q in tenant %q: %w", id, tenant, ErrErased)
	}
	if created {
		v.log.Debug("vault: subject created", "tenant", tenant, "subject", id, "actor", actor)
	}
	return s, created, nil
}

func subjectCreated(actor string, s store.Subject) audit.Entry {
	return audit.Entry{Tenant: s.Tenant, Actor: actor, Action: "subject.create", ObjectType: "subject",
		ObjectID: s.ID, Subject: s.ID, Details: map[string]string{"status": string(s.Status)}}
}

// SetSubjectStatus changes a subject's status (restrict, ban, cancel,
// reactivate), audited as "subject.status" with the old and new status.
// Erasure is [Vault.Shred]'s alone: setting [store.StatusErased] is
// refused, and an erased subject's status never changes ([ErrErased]).
func (v *Vault) SetSubjectStatus(ctx context.Context, actor, tenant, id string, status store.SubjectStatus) (store.Subject, error) {
	if status == store.StatusErased {
		return store.Subject{}, invalid("status", "erased is set by Shred only")
	}
	var out store.Subject
	err := v.store.Write(ctx, func(tx store.Tx) error {
		old, err := tx.GetSubject(ctx, tenant, id)
		if err != nil {
			return err
		}
		if old.Status == store.StatusErased {
			return fmt.Errorf("subject %q in tenant %q: %w", id, tenant, ErrErased)
		}
		if old.Status == status {
			out = old
			return nil
		}
		if out, err = tx.SetSubjectStatus(ctx, tenant, id, status); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.status",
			ObjectType: "subject", ObjectID: id, Subject: id,
			Details: map[string]string{"from": string(old.Status), "to": string(status)}})
		return err
	})
	if err != nil {
		return store.Subject{}, fmt.Errorf("vault: set subject status: %w", err)
	}
	v.log.Debug("vault: subject status", "tenant", tenant, "subject", id, "status", string(out.Status), "actor", actor)
	return out, nil
}
