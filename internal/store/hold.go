package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Hold is a legal hold: while it is active it suspends the deletion of what
// it covers — the whole tenant, one subject or one data category — and
// only storage and the necessary security measures continue (PIPL Art.
// 47; GDPR Art. 17(3)(e) and 18(2)). Staff place and release holds;
// deletion (retention sweeps, erasure requests) asks [Reader.ActiveHolds]
// first. Neither [Hold.LogValue] nor [Hold.String] prints Reason.
type Hold struct {
	Tenant string
	// ID is chosen by the caller, unique within the tenant.
	ID string
	// Scope is [HoldTenant], [HoldSubject] or [HoldCategory].
	Scope string
	// Target is the subject id for a subject hold, the taxonomy category
	// id for a category hold, "" for a tenant hold.
	Target string
	// Reason is staff's explanation (a case number, a regulator's order).
	// It is stored for staff, and never audited or logged.
	Reason string
	// PlacedBy is who placed the hold: an actor id, as in audit entries.
	PlacedBy string
	// PlacedAt is set from the store's clock when zero.
	PlacedAt time.Time
	// ReleasedBy is who released the hold; "" while it is active.
	ReleasedBy string
	// ReleasedAt is when the hold was released; zero while it is active.
	ReleasedAt time.Time
}

// The scopes of a legal hold.
const (
	// HoldTenant covers every subject and category of the tenant.
	HoldTenant = "tenant"
	// HoldSubject covers every record of one subject.
	HoldSubject = "subject"
	// HoldCategory covers one data category, of every subject.
	HoldCategory = "category"
)

// HoldFilter narrows a hold listing; zero fields match everything. Target
// needs Scope: the same id may name a subject and a category.
type HoldFilter struct {
	Scope  string
	Target string
	// ActiveOnly leaves released holds out.
	ActiveOnly bool
}

// Active reports whether the hold has not been released.
func (h Hold) Active() bool { return h.ReleasedAt.IsZero() }

// LogValue logs the hold's tenant, id, scope, target and state, never its
// reason.
func (h Hold) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("tenant", h.Tenant),
		slog.String("id", h.ID),
		slog.String("scope", h.Scope),
		slog.String("target", h.Target),
		slog.Bool("released", !h.Active()),
	)
}

// String describes the hold as LogValue does, so that %v and %+v do not
// print its reason either.
func (h Hold) String() string {
	return fmt.Sprintf("Hold{Tenant:%q ID:%q Scope:%q Target:%q Released:%t}", h.Tenant, h.ID, h.Scope, h.Target, !h.Active())
}

// checkHoldTarget checks a scope and the target it needs.
func checkHoldTarget(prefix, scope, target string) error {
	switch scope {
	case HoldTenant:
		if target != "" {
			return invalid(prefix+"target", `must be empty for a hold of scope "tenant"`)
		}
		return nil
	case HoldSubject:
		if target == "" {
			return invalid(prefix+"target", `required: the subject id for a hold of scope "subject"`)
		}
		return checkID(prefix+"target", target)
	case HoldCategory:
		if target == "" {
			return invalid(prefix+"target", `required: the category id for a hold of scope "category"`)
		}
		return checkName(prefix+"target", target)
	}
	return invalid(prefix+"scope", `must be "tenant", "subject" or "category"`)
}

func (h *Hold) check(now time.Time) error {
	if err := checkID("hold.tenant", h.Tenant); err != nil {
		return err
	}
	if err := checkID("hold.id", h.ID); err != nil {
		return err
	}
	if err := checkHoldTarget("hold.", h.Scope, h.Target); err != nil {
		return err
	}
	if err := checkText("hold.reason", h.Reason, MaxTextLen); err != nil {
		return err
	}
	if err := checkID("hold.placed_by", h.PlacedBy); err != nil {
		return err
	}
	if h.ReleasedBy != "" {
		return invalid("hold.released_by", "must be empty: a hold is released with ReleaseHold")
	}
	if !h.ReleasedAt.IsZero() {
		return invalid("hold.released_at", "must be zero: a hold is released with ReleaseHold")
	}
	var err error
	h.PlacedAt, err = stamp("hold.placed_at", h.PlacedAt, now)
	return err
}

func (f *HoldFilter) check() error {
	switch {
	case f.Scope == "" && f.Target != "":
		return invalid("filter.target", "needs filter.scope: a subject and a category may share an id")
	case f.Scope == "":
		return nil
	case f.Scope != HoldTenant && f.Scope != HoldSubject && f.Scope != HoldCategory:
		return invalid("filter.scope", `must be "tenant", "subject" or "category"`)
	case f.Target == "":
		return nil // every hold of the scope
	}
	return checkHoldTarget("filter.", f.Scope, f.Target)
}

func (g *guard) PlaceHold(ctx context.Context, h Hold) (Hold, error) {
	if err := g.writable(); err != nil {
		return Hold{}, err
	}
	if err := h.check(g.now); err != nil {
		return Hold{}, err
	}
	h, err := g.tx.PlaceHold(ctx, h)
	if err == nil {
		g.mutate("PlaceHold")
	}
	return h, g.leave(err)
}

func (g *guard) ReleaseHold(ctx context.Context, tenant, id, by string) (Hold, error) {
	if err := g.writable(); err != nil {
		return Hold{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return Hold{}, err
	}
	if err := checkID("by", by); err != nil {
		return Hold{}, err
	}
	h, err := g.tx.ReleaseHold(ctx, tenant, id, by)
	if err == nil {
		g.mutate("ReleaseHold")
	}
	return h, g.leave(err)
}

func (g *guard) GetHold(ctx context.Context, tenant, id string) (Hold, error) {
	if err := g.enter(); err != nil {
		return Hold{}, err
	}
	if err := checkTenantID(tenant, "id", id); err != nil {
		return Hold{}, err
	}
	h, err := g.r.GetHold(ctx, tenant, id)
	return h, g.leave(err)
}

func (g *guard) ListHolds(ctx context.Context, tenant string, f HoldFilter, p Page) ([]Hold, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := f.check(); err != nil {
		return nil, "", err
	}
	hs, next, err := g.r.ListHolds(ctx, tenant, f, p)
	return hs, next, g.leave(err)
}

func (g *guard) ActiveHolds(ctx context.Context, tenant, subject string) ([]Hold, error) {
	if err := g.enter(); err != nil {
		return nil, err
	}
	if err := checkTenantID(tenant, "subject", subject); err != nil {
		return nil, err
	}
	hs, err := g.r.ActiveHolds(ctx, tenant, subject)
	return hs, g.leave(err)
}
