package store

import (
	"context"
	"time"
)

// TenantKind says whether a tenant controls the data it holds or processes
// it for others.
type TenantKind string

// The kinds of tenant.
const (
	// KindController decides why and how personal data is processed (PIPL
	// Art. 73(1) "personal information processor"; GDPR Art. 4(7)).
	KindController TenantKind = "controller"
	// KindProcessor processes data on behalf of controllers: the seeds'
	// "entrusted party" (PIPL Art. 21; GDPR Art. 28).
	KindProcessor TenantKind = "processor"
)

// Valid reports whether k is a known kind.
func (k TenantKind) Valid() bool { return k == KindController || k == KindProcessor }

// Tenant is a company or app that owns declarations, data, keys and
// requests. Every other entity belongs to exactly one tenant.
type Tenant struct {
	// ID is chosen by the caller; it is stable and never reused.
	ID string
	// Name is the tenant's display name (a company or product name).
	Name string
	// Kind is controller or processor.
	Kind TenantKind
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
}

func (t *Tenant) check(now time.Time) error {
	if err := checkID("tenant.id", t.ID); err != nil {
		return err
	}
	if t.Name == "" {
		return invalid("tenant.name", "required")
	}
	if err := checkText("tenant.name", t.Name, MaxTextLen); err != nil {
		return err
	}
	if !t.Kind.Valid() {
		return invalid("tenant.kind", `must be "controller" or "processor"`)
	}
	var err error
	t.CreatedAt, err = stamp("tenant.created_at", t.CreatedAt, now)
	return err
}

// TenantLink records that a processor tenant (an SDK vendor, the seeds'
// "entrusted party") processes personal data on behalf of a controller
// tenant (PIPL Art. 21; GDPR Art. 28), so that rights requests reaching
// the processor can be routed to the controller. The controller makes the
// link: it is the controller's instruction to the processor.
type TenantLink struct {
	// Processor is a tenant of kind processor; Controller is another
	// tenant.
	Processor  string
	Controller string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
}

func (l *TenantLink) check(now time.Time) error {
	if err := checkID("tenant_link.processor", l.Processor); err != nil {
		return err
	}
	if err := checkID("tenant_link.controller", l.Controller); err != nil {
		return err
	}
	if l.Controller == l.Processor {
		return invalid("tenant_link.controller", "same tenant as the processor")
	}
	var err error
	l.CreatedAt, err = stamp("tenant_link.created_at", l.CreatedAt, now)
	return err
}

// LinkTenants checks the link, then that both tenants exist and that the
// processor is of kind processor (tenants never change, so the check holds
// until commit), before the backend stores it.
func (g *guard) LinkTenants(ctx context.Context, l TenantLink) (TenantLink, error) {
	if err := g.writable(); err != nil {
		return TenantLink{}, err
	}
	if err := l.check(g.now); err != nil {
		return TenantLink{}, err
	}
	p, err := g.tx.GetTenant(ctx, l.Processor)
	if err != nil {
		return TenantLink{}, g.leave(err)
	}
	if p.Kind != KindProcessor {
		return TenantLink{}, invalid("tenant_link.processor", `not a tenant of kind "processor"`)
	}
	if _, err := g.tx.GetTenant(ctx, l.Controller); err != nil {
		return TenantLink{}, g.leave(err)
	}
	l, err = g.tx.LinkTenants(ctx, l)
	if err == nil {
		g.mutate("LinkTenants")
	}
	return l, g.leave(err)
}

func (g *guard) ListControllers(ctx context.Context, processor string) ([]TenantLink, error) {
	if err := g.enter(); err != nil {
		return nil, err
	}
	if err := checkID("processor", processor); err != nil {
		return nil, err
	}
	ls, err := g.r.ListControllers(ctx, processor)
	return ls, g.leave(err)
}
