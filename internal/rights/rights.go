// Package rights is the core of data-subject rights requests: the request
// types, the state machine, the deadline each request must be answered by,
// refusals from the declaration's fixed list, repeated-request limits, and a
// Service that keeps requests in the store with an audit entry for every
// change.
//
// # States
//
// A request moves received → verifying → verified → in_progress → fulfilled.
// Before it is fulfilled it may end withdrawn (by the subject), expired (its
// verification never completed, or it lapsed) or refused (with a reason from
// the declaration's rights.refusals). Transitions lists every allowed move;
// any other is an *TransitionError naming both states.
//
// # Deadlines
//
// Deadline takes the declaration's deadline for the right (rights.items[].
// deadline, else for cancel_account rights.cancellation.deadline, else
// rights.deadline), counted from identity verification or receipt as
// rights.deadline_from says, on rights.calendar (CN by default under PIPL),
// and caps it with what each declared law allows: GDPR Art. 12(3)'s month
// from receipt, the CCPA's 45 days from receipt. The earliest wins, and the
// Due names the rule that produced it. Only a deadline set by GDPR's or the
// CCPA's rule may be extended (Service.Extend), once, with a reason.
//
// # Privacy
//
// Audit entries carry ids, types, states, reason codes, rule ids and dates:
// never the free-text explanation or extension reason, which live only in
// the request's Detail.
package rights

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// Request types: the taxonomy's right ids that a request can exercise.
const (
	TypeAccess          = "access"
	TypeCopy            = "copy"
	TypePortability     = "portability"
	TypeCorrect         = "correct"
	TypeSupplement      = "supplement"
	TypeDelete          = "delete"
	TypeRestrict        = "restrict"
	TypeObject          = "object"
	TypeWithdrawConsent = "withdraw_consent"
	TypeExplain         = "explain"
	TypeADMReview       = "adm_review"
	TypeCancelAccount   = "cancel_account"
)

// Types lists the request types.
var Types = []string{
	TypeAccess, TypeCopy, TypePortability, TypeCorrect, TypeSupplement, TypeDelete,
	TypeRestrict, TypeObject, TypeWithdrawConsent, TypeExplain, TypeADMReview, TypeCancelAccount,
}

// ValidType reports whether typ is a request type.
func ValidType(typ string) bool { return slices.Contains(Types, typ) }

// States of a request.
const (
	StateReceived   = "received"
	StateVerifying  = "verifying"
	StateVerified   = "verified"
	StateInProgress = "in_progress"
	StateFulfilled  = "fulfilled"
	StateRefused    = "refused"
	StateWithdrawn  = "withdrawn"
	StateExpired    = "expired"
)

// States lists every state, in the order a request goes through them.
var States = []string{
	StateReceived, StateVerifying, StateVerified, StateInProgress,
	StateFulfilled, StateRefused, StateWithdrawn, StateExpired,
}

// Transitions is the state machine: for each state, the states a request may
// move to. Final states have none.
var Transitions = map[string][]string{
	StateReceived:   {StateVerifying, StateRefused, StateWithdrawn, StateExpired},
	StateVerifying:  {StateVerified, StateRefused, StateWithdrawn, StateExpired},
	StateVerified:   {StateInProgress, StateRefused, StateWithdrawn, StateExpired},
	StateInProgress: {StateFulfilled, StateRefused, StateWithdrawn, StateExpired},
	StateFulfilled:  nil,
	StateRefused:    nil,
	StateWithdrawn:  nil,
	StateExpired:    nil,
}

// Final reports whether state ends a request.
func Final(state string) bool {
	next, ok := Transitions[state]
	return ok && len(next) == 0
}

// TransitionError is a move the state machine does not allow.
type TransitionError struct {
	From, To string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("rights: a request cannot move from %s to %s", e.From, e.To)
}

// Is matches ErrTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// Errors for errors.Is.
var (
	ErrTransition   = errors.New("rights: illegal state transition")
	ErrUnknownType  = errors.New("rights: unknown request type")
	ErrNoExtension  = errors.New("rights: the deadline may not be extended")
	ErrNotVerified  = errors.New("rights: the deadline runs from identity verification, which has not happened")
	ErrNoDeadline   = errors.New("rights: the declaration sets no deadline")
	ErrNoDecl       = errors.New("rights: no declaration")
	ErrRefusal      = errors.New("rights: refusal reason not allowed")
	ErrReasonNeeded = errors.New("rights: a reason is required")
)

// CheckTransition returns nil if a request may move from one state to the
// other, and a *TransitionError otherwise.
func CheckTransition(from, to string) error {
	if slices.Contains(Transitions[from], to) {
		return nil
	}
	return &TransitionError{From: from, To: to}
}

// RefusalError is a refusal whose reason the declaration does not list.
type RefusalError struct {
	Reason string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("rights: refusal reason %q is not among the declaration's rights.refusals", e.Reason)
}

// Is matches ErrRefusal.
func (e *RefusalError) Is(target error) bool { return target == ErrRefusal }

// CheckRefusal returns the taxonomy's reason if d declares it, and a
// *RefusalError otherwise.
func CheckRefusal(d *policy.Declaration, reason string) (taxonomy.RefusalReason, error) {
	if d == nil || !slices.Contains(d.Rights.Refusals, reason) {
		return taxonomy.RefusalReason{}, &RefusalError{Reason: reason}
	}
	r, ok := taxonomy.LookupRefusalReason(reason)
	if !ok {
		return taxonomy.RefusalReason{}, &RefusalError{Reason: reason}
	}
	return r, nil
}

// Calendar returns the calendar d's deadlines count on: rights.calendar,
// else CN under PIPL, EU under GDPR, US under the CCPA.
func Calendar(d *policy.Declaration) (*calendar.Calendar, error) {
	id := d.Rights.Calendar
	if id == "" {
		switch {
		case slices.Contains(d.Laws, taxonomy.LawPIPL):
			id = "CN"
		case slices.Contains(d.Laws, taxonomy.LawGDPR):
			id = "EU"
		case slices.Contains(d.Laws, taxonomy.LawCCPA):
			id = "US"
		default:
			id = "CN"
		}
	}
	return calendar.Load(id)
}

// declaredPeriod is the declaration's deadline for a request type.
func declaredPeriod(d *policy.Declaration, typ string) policy.Period {
	for _, it := range d.Rights.Items {
		if it.Right == typ && !it.Deadline.IsZero() {
			return it.Deadline
		}
	}
	if typ == TypeCancelAccount && d.Rights.Cancellation != nil && !d.Rights.Cancellation.Deadline.IsZero() {
		return d.Rights.Cancellation.Deadline
	}
	return d.Rights.Deadline
}

// laws returns the laws a deadline is capped by: law alone, or every law d
// declares when law is "".
func laws(d *policy.Declaration, law string) []string {
	if law != "" {
		return []string{law}
	}
	return d.Laws
}

// Deadline returns when a request of type typ must be answered: the
// declaration's deadline counted from verifiedAt or receivedAt (as
// rights.deadline_from says) on the declaration's calendar, or the law's
// limit when that is earlier (GDPR: one month from receipt; CCPA: 45 days from
// receipt). law names one law ("pipl", "gdpr", "ccpa"), or "" for every law d
// declares. A deadline from verification needs a non-zero verifiedAt
// (ErrNotVerified).
func Deadline(d *policy.Declaration, law string, typ string, verifiedAt, receivedAt time.Time) (calendar.Due, error) {
	if d == nil {
		return calendar.Due{}, ErrNoDecl
	}
	if !ValidType(typ) {
		return calendar.Due{}, fmt.Errorf("%w: %q", ErrUnknownType, typ)
	}
	cal, err := Calendar(d)
	if err != nil {
		return calendar.Due{}, err
	}
	var best calendar.Due
	found := false
	consider := func(due calendar.Due) {
		if !found || due.At.Before(best.At) {
			best, found = due, true
		}
	}
	// The law's caps first, so that on a tie the law's rule (which may be
	// extended) names the deadline.
	for _, l := range laws(d, law) {
		var rule calendar.Rule
		switch l {
		case taxonomy.LawGDPR:
			rule = calendar.GDPRMonth()
		case taxonomy.LawCCPA:
			rule = calendar.CCPAResponse()
		default:
			continue
		}
		due, err := calendar.Deadline(rule, receivedAt, cal)
		if err != nil {
			return calendar.Due{}, err
		}
		consider(due)
	}
	if p := declaredPeriod(d, typ); !p.IsZero() {
		start, event := receivedAt, "receipt of the request"
		if d.Rights.DeadlineFrom == "verification" {
			if verifiedAt.IsZero() {
				return calendar.Due{}, ErrNotVerified
			}
			start, event = verifiedAt, "identity verification"
		}
		due, err := calendar.Deadline(calendar.FromPeriod(p).After(event), start, cal)
		if err != nil {
			return calendar.Due{}, err
		}
		consider(due)
	}
	if !found {
		return calendar.Due{}, ErrNoDeadline
	}
	return best, nil
}

// Acknowledge returns when receipt of a request must be confirmed: the
// CCPA's 10 business days on the US calendar. ok is false when d is not
// under the CCPA.
func Acknowledge(d *policy.Declaration, receivedAt time.Time) (due calendar.Due, ok bool, err error) {
	if d == nil || !slices.Contains(d.Laws, taxonomy.LawCCPA) {
		return calendar.Due{}, false, nil
	}
	us, err := calendar.Load("US")
	if err != nil {
		return calendar.Due{}, false, err
	}
	due, err = calendar.Deadline(calendar.CCPAAcknowledge(), receivedAt, us)
	return due, err == nil, err
}

// Extension returns the extended deadline for a deadline produced by the
// rule ruleID: GDPR's 3 months or the CCPA's 90 days from receipt. It fails
// with ErrNoExtension for any other rule (a declared deadline, PIPL's, or
// one already extended).
func Extension(d *policy.Declaration, ruleID string, receivedAt time.Time) (calendar.Due, error) {
	if d == nil {
		return calendar.Due{}, ErrNoDecl
	}
	var rule calendar.Rule
	switch ruleID {
	case calendar.GDPRMonth().ID:
		rule = calendar.GDPRExtension()
	case calendar.CCPAResponse().ID:
		rule = calendar.CCPAExtension()
	default:
		return calendar.Due{}, fmt.Errorf("%w: rule %q", ErrNoExtension, ruleID)
	}
	cal, err := Calendar(d)
	if err != nil {
		return calendar.Due{}, err
	}
	return calendar.Deadline(rule, receivedAt, cal)
}
