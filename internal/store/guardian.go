package store

import (
	"context"
	"time"
)

// Guardian links a minor to a guardian who consents and acts for them
// (PIPL Art. 31; GDPR Art. 8; COPPA). Both are subjects of the tenant; a
// minor may have several guardians and a guardian several wards.
type Guardian struct {
	Tenant string
	// Minor and Guardian are subject ids of the tenant; they differ.
	Minor    string
	Guardian string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
}

func (g *Guardian) check(now time.Time) error {
	if err := checkID("guardian.tenant", g.Tenant); err != nil {
		return err
	}
	if err := checkID("guardian.minor", g.Minor); err != nil {
		return err
	}
	if err := checkID("guardian.guardian", g.Guardian); err != nil {
		return err
	}
	if g.Guardian == g.Minor {
		return invalid("guardian.guardian", "same subject as the minor")
	}
	var err error
	g.CreatedAt, err = stamp("guardian.created_at", g.CreatedAt, now)
	return err
}

func (g *guard) LinkGuardian(ctx context.Context, l Guardian) (Guardian, error) {
	if err := g.writable(); err != nil {
		return Guardian{}, err
	}
	if err := l.check(g.now); err != nil {
		return Guardian{}, err
	}
	l, err := g.tx.LinkGuardian(ctx, l)
	if err == nil {
		g.mutate("LinkGuardian")
	}
	return l, g.leave(err)
}

func (g *guard) UnlinkGuardian(ctx context.Context, tenant, minor, guardian string) error {
	if err := g.writable(); err != nil {
		return err
	}
	if err := checkTenantID(tenant, "minor", minor); err != nil {
		return err
	}
	if err := checkID("guardian", guardian); err != nil {
		return err
	}
	err := g.tx.UnlinkGuardian(ctx, tenant, minor, guardian)
	if err == nil {
		g.mutate("UnlinkGuardian")
	}
	return g.leave(err)
}

func (g *guard) ListGuardians(ctx context.Context, tenant, minor string) ([]Guardian, error) {
	if err := g.enter(); err != nil {
		return nil, err
	}
	if err := checkTenantID(tenant, "minor", minor); err != nil {
		return nil, err
	}
	ls, err := g.r.ListGuardians(ctx, tenant, minor)
	return ls, g.leave(err)
}

func (g *guard) ListWards(ctx context.Context, tenant, guardian string) ([]Guardian, error) {
	if err := g.enter(); err != nil {
		return nil, err
	}
	if err := checkTenantID(tenant, "guardian", guardian); err != nil {
		return nil, err
	}
	ls, err := g.r.ListWards(ctx, tenant, guardian)
	return ls, g.leave(err)
}
