package store

import "time"

// ConsentKind is the kind of consent an event gives or withdraws.
type ConsentKind string

// The kinds of consent.
const (
	// ConsentOrdinary is consent (PIPL Art. 14; GDPR Art. 6(1)(a), 7).
	ConsentOrdinary ConsentKind = "consent"
	// ConsentSeparate is separate consent (PIPL Art. 23, 25, 26, 29, 39).
	ConsentSeparate ConsentKind = "separate"
	// ConsentGuardian is a guardian's consent for a minor (PIPL Art. 31;
	// GDPR Art. 8).
	ConsentGuardian ConsentKind = "guardian"
)

// Valid reports whether k is a known kind.
func (k ConsentKind) Valid() bool {
	return k == ConsentOrdinary || k == ConsentSeparate || k == ConsentGuardian
}

// ConsentAction is what a consent event does.
type ConsentAction string

// The consent actions.
const (
	ConsentGrant    ConsentAction = "grant"
	ConsentWithdraw ConsentAction = "withdraw"
)

// Valid reports whether a is a known action.
func (a ConsentAction) Valid() bool { return a == ConsentGrant || a == ConsentWithdraw }

// ConsentEvent is one entry of a tenant's consent ledger: a grant or a
// withdrawal, by a subject, for a purpose, under one version of the
// declaration. The ledger is append-only: the store has no method that
// changes or removes an event (PIPL Art. 15; GDPR Art. 7(1), 7(3)).
type ConsentEvent struct {
	Tenant string
	// Seq is assigned by the store: ascending in the order events were
	// appended, unique across the instance; it may have gaps.
	Seq     int64
	Subject string
	Purpose string
	// DeclarationVersion names the declaration the subject consented under.
	DeclarationVersion string
	Kind               ConsentKind
	Action             ConsentAction
	// Channel names how the event was given ("web", "app", "api", "agent").
	Channel string
	// TextHash is a digest of the notice text shown, so that what the
	// subject saw can be proved later.
	TextHash string
	// At is set from the store's clock when zero.
	At time.Time
}

func (e *ConsentEvent) check(now time.Time) error {
	if err := checkID("consent.tenant", e.Tenant); err != nil {
		return err
	}
	if err := checkID("consent.subject", e.Subject); err != nil {
		return err
	}
	if err := checkName("consent.purpose", e.Purpose); err != nil {
		return err
	}
	if err := checkName("consent.declaration_version", e.DeclarationVersion); err != nil {
		return err
	}
	if !e.Kind.Valid() {
		return invalid("consent.kind", `must be "consent", "separate" or "guardian"`)
	}
	if !e.Action.Valid() {
		return invalid("consent.action", `must be "grant" or "withdraw"`)
	}
	if err := checkText("consent.channel", e.Channel, MaxNameLen); err != nil {
		return err
	}
	if err := checkText("consent.text_hash", e.TextHash, MaxNameLen); err != nil {
		return err
	}
	e.Seq = 0
	var err error
	e.At, err = stamp("consent.at", e.At, now)
	return err
}
