package store

import (
	"strings"
	"time"
)

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
// attributes are records in the vault. Its profile (AgeFloor, Region) is
// coarse on purpose: enough to apply each law's age threshold and
// territorial rules, never an age, a birth date or an address.
type Subject struct {
	Tenant string
	// ID is the pseudonymous id, unique within the tenant.
	ID     string
	Status SubjectStatus
	// AgeFloor is the lower bound of the subject's age bracket: one of
	// [AgeFloors], or [AgeUnknown]. See [Subject.AtLeast].
	AgeFloor int
	// Region is the region the subject lives in ("CN", "DE", "US-CA"),
	// upper case, "" when unknown. It is a region id in the shape of
	// package taxonomy's (ISO 3166-1 alpha-2, "EU", or a subdivision such
	// as "US-CA"), not necessarily one the taxonomy lists.
	Region string
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
	if !ValidAgeFloor(s.AgeFloor) {
		return invalid("subject.age_floor", ageFloorReason)
	}
	var err error
	if s.Region, err = checkRegion("subject.region", s.Region); err != nil {
		return err
	}
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

// Age brackets: the values of [Subject.AgeFloor]. Each is the lower bound
// of a bracket that ends where the next begins, so that every age
// threshold the laws use (PIPL's 14, COPPA's 13, GDPR Art. 8's 13 to 16,
// majority at 18) can be applied without storing an age.
const (
	// AgeUnknown: the subject's age is not known.
	AgeUnknown = 0
	// AgeUnder13 is the bracket of ages below 13.
	AgeUnder13 = 1
)

// AgeFloors lists the known brackets' lower bounds, ascending: under 13,
// 13, 14, 15, 16 to 17, and 18 or over.
var AgeFloors = [...]int{AgeUnder13, 13, 14, 15, 16, 18}

const ageFloorReason = "must be 0 (unknown) or one of 1 (under 13), 13, 14, 15, 16, 18"

// ValidAgeFloor reports whether n is [AgeUnknown] or one of [AgeFloors].
func ValidAgeFloor(n int) bool {
	if n == AgeUnknown {
		return true
	}
	for _, f := range AgeFloors {
		if n == f {
			return true
		}
	}
	return false
}

// AgeFloorOf returns the bracket of an exact age in years: what to store
// when a caller learns an age or a birth date and must keep no more than
// the bracket. A negative age is [AgeUnknown].
func AgeFloorOf(age int) int {
	if age < 0 {
		return AgeUnknown
	}
	floor := AgeUnder13
	for _, f := range AgeFloors {
		if age >= f {
			floor = f
		}
	}
	return floor
}

// AtLeast reports whether the subject is at least age years old, and
// whether its bracket decides it: a subject of unknown age, or one whose
// bracket straddles age (16 to 17, asked about 17), is not known to be
// either.
func (s Subject) AtLeast(age int) (yes, known bool) {
	if s.AgeFloor == AgeUnknown {
		return false, false
	}
	if s.AgeFloor >= age {
		return true, true
	}
	// The bracket ends where the next begins (the last never ends).
	for _, f := range AgeFloors {
		if f > s.AgeFloor {
			return false, f <= age
		}
	}
	return false, false
}

// checkRegion accepts "" or a region id shaped as ISO 3166: two letters,
// optionally followed by "-" and one to three letters or digits. It
// returns the id in upper case.
func checkRegion(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u := strings.ToUpper(s)
	ok := len(u) == 2 || (len(u) >= 4 && len(u) <= 6 && u[2] == '-')
	for i := 0; ok && i < len(u); i++ {
		c := u[i]
		switch {
		case i == 2:
		case 'A' <= c && c <= 'Z':
		case i > 2 && '0' <= c && c <= '9':
		default:
			ok = false
		}
	}
	if !ok {
		return "", invalid(field, `must be a region id such as "CN", "DE" or "US-CA"`)
	}
	return u, nil
}
