package store

import "time"

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
