package consent

import (
	"context"
	"errors"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
)

// ErrNoDeclaration is returned by a [Source] when the tenant has no active
// declaration, or no declaration with the version asked for.
var ErrNoDeclaration = errors.New("consent: no such declaration")

// Subject statuses, the values of SubjectState.Status.
const (
	StatusActive     = "active"
	StatusRestricted = "restricted"
	StatusBanned     = "banned"
	StatusCancelled  = "cancelled"
	StatusErased     = "erased"
)

// Consent ledger actions, the values of Event.Action.
const (
	ActionGrant    = "grant"
	ActionWithdraw = "withdraw"
)

// SubjectState is what the engine knows of one subject: everything a
// decision about the subject reads beyond the declaration. It holds ids and
// flags only, never personal data.
type SubjectState struct {
	// Status is "active", "restricted", "banned", "cancelled" or "erased";
	// "" is an unknown subject, treated as active with no consents. Any
	// other value refuses everything, as restricted does.
	Status string
	// AgeFloor is the lower bound of the subject's age bracket: 1 (under
	// 13), 13, 14, 15, 16 or 18; 0 when unknown.
	AgeFloor int
	// Region is where the subject lives ("CN", "DE", "US-CA"); "" when
	// unknown.
	Region string
	// Consents holds, by purpose id, the last ledger event for the purpose:
	// the last event wins.
	Consents map[string]ConsentState
	// Permissions holds, by device id and then by declared permission id
	// (policy.Permission.ID), whether the permission is granted on the
	// device.
	Permissions map[string]map[string]bool
	// GPCOptOut records a Sec-GPC or "do not sell or share my personal
	// information" opt-out.
	GPCOptOut bool
}

// ConsentState is the last consent event for one purpose.
type ConsentState struct {
	// Granted is false when the last event was a withdrawal.
	Granted bool
	// Kind is "consent", "separate" or "guardian".
	Kind string
	// DeclarationVersion is the version of the declaration the event was
	// given under.
	DeclarationVersion string
	At                 time.Time
}

// Source is where the engine reads declarations and subject state; the
// caller adapts the store to it. Implementations must be safe for
// concurrent use, and must not modify a returned value afterwards: the
// engine keeps it.
type Source interface {
	// ActiveDeclaration returns the tenant's active declaration, whose
	// Version is the active version label, or an error wrapping
	// ErrNoDeclaration when it has none.
	ActiveDeclaration(ctx context.Context, tenant string) (*policy.Declaration, error)
	// DeclarationByVersion returns the tenant's declaration with that
	// version label, or an error wrapping ErrNoDeclaration. The engine
	// uses it to diff the version a consent was given under against the
	// active one.
	DeclarationByVersion(ctx context.Context, tenant, version string) (*policy.Declaration, error)
	// SubjectState returns the subject's state; an unknown subject is the
	// zero SubjectState and no error.
	SubjectState(ctx context.Context, tenant, subject string) (SubjectState, error)
}

// ChangeKind says what a [Change] changed.
type ChangeKind string

// The kinds of change.
const (
	// ChangeSubject: a subject's state changed (consent, status, age,
	// region, permission, opt-out). An empty Subject means every subject
	// of the tenant.
	ChangeSubject ChangeKind = "subject"
	// ChangeTenant: the tenant's active declaration changed.
	ChangeTenant ChangeKind = "tenant"
)

// Change is one entry of a change feed: something that makes cached state
// stale. A change of an unknown kind drops everything cached for the
// tenant.
type Change struct {
	Tenant  string
	Subject string
	Kind    ChangeKind
}

// Feed is a change feed from other nodes, such as the audit log.
type Feed interface {
	// Changes returns the changes after cursor after, in order, and the
	// cursor of the last one (after itself when there are none). Cursors
	// are non-negative; after < 0 asks for no changes, only the current
	// cursor, which is how [Engine.Follow] starts.
	Changes(ctx context.Context, after int64) ([]Change, int64, error)
}
