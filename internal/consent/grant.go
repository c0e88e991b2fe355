package consent

import (
	"errors"
	"fmt"

	"github.com/trustee-dev/trustee/internal/policy"
)

// Errors of [CheckGrant], wrapped in a [*GrantError].
var (
	// ErrUnknownPurpose: the purpose is not in the declaration.
	ErrUnknownPurpose = errors.New("purpose not declared")
	// ErrConsentNotNeeded: neither the purpose nor a transfer of its data
	// asks for consent, so there is nothing to grant.
	ErrConsentNotNeeded = errors.New("purpose asks for no consent")
	// ErrWeakConsent: the kind is weaker than the purpose needs.
	ErrWeakConsent = errors.New("consent kind too weak")
	// ErrInvalidKind: the kind is not consent, separate or guardian.
	ErrInvalidKind = errors.New("unknown consent kind")
	// ErrGuardianNotLinked: a guardian consent names no guardian, or one
	// not linked to the subject ([Ledger.Grant]).
	ErrGuardianNotLinked = errors.New("guardian not linked to the subject")
)

// GrantError is why [CheckGrant] refused a grant. It names the purpose and
// kinds, nothing about the subject.
type GrantError struct {
	Purpose string
	// Kind is the kind offered; Need the kind the purpose needs ("" when
	// it needs none or is unknown).
	Kind string
	Need string
	// Err is one of ErrUnknownPurpose, ErrConsentNotNeeded,
	// ErrWeakConsent, ErrInvalidKind, ErrGuardianNotLinked.
	Err error
}

// Error says what is wrong with the grant, naming the purpose.
func (e *GrantError) Error() string {
	switch e.Err {
	case ErrUnknownPurpose:
		return fmt.Sprintf("consent: purpose %q is not declared", e.Purpose)
	case ErrConsentNotNeeded:
		return fmt.Sprintf("consent: purpose %q asks for no consent", e.Purpose)
	case ErrWeakConsent:
		return fmt.Sprintf("consent: purpose %q needs %s consent, not %s", e.Purpose, e.Need, e.Kind)
	case ErrInvalidKind:
		return fmt.Sprintf("consent: purpose %q: kind %q is not consent, separate or guardian", e.Purpose, e.Kind)
	case ErrGuardianNotLinked:
		return fmt.Sprintf("consent: purpose %q: guardian consent must name a guardian linked to the subject", e.Purpose)
	}
	return fmt.Sprintf("consent: purpose %q: %v", e.Purpose, e.Err)
}

// Unwrap returns the sentinel error.
func (e *GrantError) Unwrap() error { return e.Err }

// CheckGrant validates a grant of consent of kind ("consent", "separate" or
// "guardian") for purpose against declaration d, before it is appended to
// the ledger. minor says the subject is below the declaration's
// guardian-consent age: a guardian must then consent.
//
// A purpose needs its declared consent kind (ordinary consent when it
// declares none but rests on a consent basis); a purpose that needs none
// still takes a grant when a declared transfer of its data asks for
// consent, of the transfer's kind. Kinds are ordered consent < separate <
// guardian, and a stronger grant satisfies a weaker need.
func CheckGrant(d *policy.Declaration, purpose, kind string, minor bool) error {
	if d == nil {
		return ErrNoDeclaration
	}
	k := parseKind(kind)
	if k == kindNone || k == kindInvalid {
		return &GrantError{Purpose: purpose, Kind: kind, Err: ErrInvalidKind}
	}
	var p *policy.Purpose
	for i := range d.Purposes {
		if d.Purposes[i].ID == purpose {
			p = &d.Purposes[i]
			break
		}
	}
	if p == nil {
		return &GrantError{Purpose: purpose, Kind: kind, Err: ErrUnknownPurpose}
	}
	need := purposeNeed(*p)
	if need == kindNone {
		for _, t := range d.Storage.Transfers {
			for _, tp := range t.Purposes {
				if tk := parseKind(t.Consent); tp == purpose && tk != kindInvalid && tk > need {
					need = tk
				}
			}
		}
	}
	if need == kindNone {
		return &GrantError{Purpose: purpose, Kind: kind, Err: ErrConsentNotNeeded}
	}
	if minor {
		need = kindGuardian
	}
	if !k.satisfies(need) {
		return &GrantError{Purpose: purpose, Kind: kind, Need: need.String(), Err: ErrWeakConsent}
	}
	return nil
}
