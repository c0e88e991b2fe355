package rights

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// ErrHoldReleased is returned, wrapping store.ErrConflict too, by
// [ReleaseHold] for a hold released already: the first release stands.
var ErrHoldReleased = errors.New("rights: hold released already")

// PlaceHold places the legal hold h in h.Tenant and records it in the
// audit log as "hold.place", in the same transaction. While the hold is
// active, the deletion of what it covers (the whole tenant, one subject or
// one data category) is suspended; only storage and the necessary
// security measures continue (PIPL Art. 47; GDPR Art. 17(3)(e), 18(2)).
//
// h.ID is a new UUIDv7 when empty; h.PlacedBy is set to actor. h.Reason is
// required (a case number, a regulator's order): it is stored for staff
// and never written to the audit log, which holds the hold's id, scope and
// target only. Invalid input is a *store.InvalidError naming the hold's
// field ("hold.scope"); a subject hold of a subject that does not exist is
// store.ErrNotFound. Nothing is stored on error.
func PlaceHold(ctx context.Context, st store.Store, actor string, h store.Hold) (store.Hold, error) {
	if h.Reason == "" {
		return store.Hold{}, &store.InvalidError{Field: "hold.reason", Reason: "required: say why the hold is placed (a case number, a regulator's order)"}
	}
	if h.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return store.Hold{}, err
		}
		h.ID = id.String()
	}
	h.PlacedBy = actor
	err := st.Write(ctx, func(tx store.Tx) error {
		var err error
		if h, err = tx.PlaceHold(ctx, h); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, holdEntry(actor, "hold.place", h))
		return err
	})
	if err != nil {
		return store.Hold{}, err
	}
	return h, nil
}

// ReleaseHold releases tenant's hold id, as actor, and records it in the
// audit log as "hold.release" in the same transaction. Deletion of what
// the hold covered resumes unless another active hold covers it.
// store.ErrNotFound if the tenant has no such hold; an error wrapping
// [ErrHoldReleased] (and store.ErrConflict) if it was released already.
func ReleaseHold(ctx context.Context, st store.Store, actor, tenant, id string) (store.Hold, error) {
	var h store.Hold
	err := st.Write(ctx, func(tx store.Tx) error {
		var err error
		if h, err = tx.ReleaseHold(ctx, tenant, id, actor); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, holdEntry(actor, "hold.release", h))
		return err
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return store.Hold{}, fmt.Errorf("%w: %w", ErrHoldReleased, err)
	case err != nil:
		return store.Hold{}, err
	}
	return h, nil
}

// holdEntry is the audit entry of a hold's change: its id, scope and
// target (a subject id goes in Subject, a category in Details), never its
// reason.
func holdEntry(actor, action string, h store.Hold) audit.Entry {
	e := audit.Entry{Tenant: h.Tenant, Actor: actor, Action: action, ObjectType: "hold", ObjectID: h.ID,
		Details: map[string]string{"scope": h.Scope}}
	switch h.Scope {
	case store.HoldSubject:
		e.Subject = h.Target
	case store.HoldCategory:
		e.Details["category"] = h.Target
	}
	return e
}
