package store

import "time"

// SubjectStatus is where a subject stands; the gate and every read path
// honour it.
type SubjectStatus string

// The statuses of a subject.
const (
	// StatusActive: processing as declared.
	StatusActive SubjectStatus = "active"
	// StatusRestricted: the subject restricted or objected to processing
	// (PIPL Art. 44; GDPR Art. 18, 21); data is stored, not processed.
	StatusRestricted SubjectStatus = "restricted"
	// StatusBanned: the tenant blocked the account.
	StatusBanned SubjectStatus = "banned"
	// StatusCancelled: the account was cancelled; deletion follows.
	StatusCancelled SubjectStatus = "cancelled"
	// StatusErased: the subject's data key was destroyed and its data
	// purged (PIPL Art. 47; GDPR Art. 17).
	StatusErased SubjectStatus = "erased"
)

// Valid reports whether s is a known status.
func (s SubjectStatus) Valid() bool {
	switch s {
	case StatusActive, StatusRestricted, StatusBanned, StatusCancelled, StatusErased:
		return true
	}
	return false
}

// Subject is one end user of one tenant, known by a pseudonymous id that
// the tenant chooses. It holds no personal data: contact and identity
// attributes are records in the vault.
type Subject struct {
	Tenant string
	// ID is the pseudonymous id, unique within the tenant.
	ID     string
	Status SubjectStatus
	// CreatedAt is set from the store's clock when zero; UpdatedAt is set
	// by the store on every change.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SubjectFilter narrows a subject listing; zero fields match everything.
type SubjectFilter struct {
	Status SubjectStatus
}

func (s *Subject) check(now time.Time) error {
	if err := checkID("subject.tenant", s.Tenant); err != nil {
		return err
	}
	if err := checkID("subject.id", s.ID); err != nil {
		return err
	}
	if s.Status == "" {
		s.Status = StatusActive
	}
	if !s.Status.Valid() {
		return invalid("subject.status", "unknown status")
	}
	var err error
	if s.CreatedAt, err = stamp("subject.created_at", s.CreatedAt, now); err != nil {
		return err
	}
	s.UpdatedAt = s.CreatedAt
	return nil
}

func (f SubjectFilter) check() error {
	if f.Status != "" && !f.Status.Valid() {
		return invalid("filter.status", "unknown status")
	}
	return nil
}
