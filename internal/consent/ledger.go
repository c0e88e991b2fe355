package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
)

// ErrErased is returned for a consent event of a subject that has been
// erased: its id is not reused.
var ErrErased = errors.New("consent: subject has been erased")

// Ledger writes the consent ledger: grants, withdrawals and Sec-GPC
// opt-outs, each appended with its audit entry in one store transaction,
// after which the engine forgets what it cached of the subject. It is safe
// for concurrent use.
type Ledger struct {
	Store store.Store
	// Source gives the declarations of receipts, and the active one when
	// Engine is nil; usually the [StoreSource] the Engine reads.
	Source Source
	// Engine, when set, is told of every change ([Engine.Invalidate]).
	Engine *Engine
	// PolicyURL returns where the rendered policy d is published, for
	// receipts; nil means "/policies/" + d.ID.
	PolicyURL func(tenant string, d *policy.Declaration) string
}

// Act is a grant or a withdrawal a subject (or its guardian) makes.
type Act struct {
	Subject string
	Purpose string
	// Kind is "consent", "separate" or "guardian". A withdrawal may leave
	// it empty: it then withdraws the kind last given.
	Kind string
	// Channel is how the act was made ("web", "app", "api", "agent").
	Channel string
	// TextHash is [TextHash] of the notice shown; Language its language.
	TextHash string
	Language string
	// Guardian is the subject id of the guardian acting for a minor; it is
	// required for kind "guardian", and must be linked to the subject.
	Guardian string
}

// Grant checks a grant against the active declaration ([CheckGrant]; a
// subject below the guardian-consent age needs kind guardian, given by a
// linked guardian) and appends it. An unknown subject is created. It
// returns the event as stored and its receipt. Errors: [ErrNoDeclaration],
// a *[GrantError], or the store's.
func (l *Ledger) Grant(ctx context.Context, actor, tenant string, a Act) (store.ConsentEvent, Receipt, error) {
	return l.append(ctx, actor, tenant, a, store.ConsentGrant)
}

// Withdraw appends a withdrawal: processing for the purpose stops at once,
// what was done before stays done (PIPL Art. 15; GDPR Art. 7(3)). The
// purpose must be declared and ask for consent. Errors as [Ledger.Grant].
func (l *Ledger) Withdraw(ctx context.Context, actor, tenant string, a Act) (store.ConsentEvent, Receipt, error) {
	return l.append(ctx, actor, tenant, a, store.ConsentWithdraw)
}

func (l *Ledger) append(ctx context.Context, actor, tenant string, a Act, action store.ConsentAction) (store.ConsentEvent, Receipt, error) {
	d, err := l.active(ctx, tenant)
	if err != nil {
		return store.ConsentEvent{}, Receipt{}, err
	}
	pi := slices.IndexFunc(d.Purposes, func(p policy.Purpose) bool { return p.ID == a.Purpose })
	var ev store.ConsentEvent
	err = l.Store.Write(ctx, func(tx store.Tx) error {
		sub, created, err := EnsureSubject(ctx, tx, tenant, a.Subject)
		if err != nil {
			return err
		}
		if sub.Status == store.StatusErased {
			return fmt.Errorf("subject %s: %w", a.Subject, ErrErased)
		}
		kind := a.Kind
		if action == store.ConsentGrant {
			_, guardianAge := AgesOf(d.Minors, sub.Region)
			minor := sub.AgeFloor > 0 && sub.AgeFloor < guardianAge
			if err := CheckGrant(d, a.Purpose, kind, minor); err != nil {
				return err
			}
		} else {
			if pi < 0 {
				return &GrantError{Purpose: a.Purpose, Kind: kind, Err: ErrUnknownPurpose}
			}
			if kind == "" {
				kind = l.lastKind(ctx, tx, tenant, a.Subject, a.Purpose, d)
			}
			if k := parseKind(kind); k == kindNone || k == kindInvalid {
				return &GrantError{Purpose: a.Purpose, Kind: kind, Err: ErrInvalidKind}
			}
			if err := CheckGrant(d, a.Purpose, policy.ConsentGuardian, false); errors.Is(err, ErrConsentNotNeeded) {
				return err
			}
		}
		// A grant of guardian consent names the guardian; a withdrawal is
		// as easy as the grant, so only a guardian it names is checked.
		if kind == policy.ConsentGuardian && (action == store.ConsentGrant || a.Guardian != "") {
			if err := checkGuardian(ctx, tx, tenant, a); err != nil {
				return err
			}
		}
		ev, err = tx.AppendConsent(ctx, store.ConsentEvent{
			Tenant: tenant, Subject: a.Subject, Purpose: a.Purpose, DeclarationVersion: d.Version,
			Kind: store.ConsentKind(kind), Action: action, Channel: a.Channel, TextHash: a.TextHash,
		})
		if err != nil {
			return err
		}
		entries := []audit.Entry{ledgerEntry(actor, ev, a.Guardian)}
		if created {
			entries = slices.Insert(entries, 0, subjectCreated(actor, tenant, a.Subject))
		}
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return store.ConsentEvent{}, Receipt{}, err
	}
	if l.Engine != nil {
		l.Engine.Invalidate(tenant, a.Subject)
	}
	return ev, NewReceipt(d, EventOf(ev, a.Language), l.policyURL(tenant, d)), nil
}

// lastKind is the kind of the subject's last own event for the purpose, or
// else the kind the purpose asks for.
func (l *Ledger) lastKind(ctx context.Context, r store.Reader, tenant, subject, purpose string, d *policy.Declaration) string {
	if last, err := lastEvents(ctx, r, tenant, subject); err == nil {
		if pe, ok := last[purpose]; ok && pe.hasOwn {
			return string(pe.lastOwn.Kind)
		}
	}
	for _, p := range d.Purposes {
		if p.ID == purpose {
			if k := purposeNeed(p); k > kindNone {
				return k.String()
			}
		}
	}
	return policy.ConsentConsent
}

// checkGuardian checks that a guardian act names a guardian linked to the
// subject.
func checkGuardian(ctx context.Context, r store.Reader, tenant string, a Act) error {
	fail := &GrantError{Purpose: a.Purpose, Kind: a.Kind, Err: ErrGuardianNotLinked}
	if a.Guardian == "" {
		return fail
	}
	gs, err := r.ListGuardians(ctx, tenant, a.Subject)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(gs, func(g store.Guardian) bool { return g.Guardian == a.Guardian }) {
		return fail
	}
	return nil
}

// RecordGPC records a Sec-GPC: 1 signal as an opt-out of sale and sharing:
// a withdrawal on channel [ChannelGPC] for every purpose of the active
// declaration that sells or shares and whose last event is not already a
// withdrawal. It returns how many it appended; when the declaration sells
// or shares nothing, or the subject opted out already, it writes nothing.
// An unknown subject is created.
func (l *Ledger) RecordGPC(ctx context.Context, actor, tenant, subject string) (int, error) {
	d, err := l.active(ctx, tenant)
	if errors.Is(err, ErrNoDeclaration) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var sales []policy.Purpose
	for _, p := range d.Purposes {
		if p.SaleOrShare {
			sales = append(sales, p)
		}
	}
	if len(sales) == 0 {
		return 0, nil
	}
	pending := func(r store.Reader) ([]store.ConsentEvent, error) {
		last, err := lastEvents(ctx, r, tenant, subject)
		if err != nil {
			return nil, err
		}
		var out []store.ConsentEvent
		for _, p := range sales {
			pe, ok := last[p.ID]
			if ok && pe.last.Action == store.ConsentWithdraw {
				continue
			}
			kind := purposeNeed(p)
			if ok && pe.hasOwn {
				kind = parseKind(string(pe.lastOwn.Kind))
			}
			if kind <= kindNone || kind == kindInvalid {
				kind = kindConsent
			}
			out = append(out, store.ConsentEvent{Tenant: tenant, Subject: subject, Purpose: p.ID, DeclarationVersion: d.Version,
				Kind: store.ConsentKind(kind.String()), Action: store.ConsentWithdraw, Channel: ChannelGPC})
		}
		return out, nil
	}
	// Most signals repeat an opt-out already recorded: check on a read
	// transaction first, so that they cost no write.
	var todo []store.ConsentEvent
	if err := l.Store.Read(ctx, func(r store.Reader) error {
		todo, err = pending(r)
		return err
	}); err != nil {
		return 0, err
	}
	if len(todo) == 0 {
		return 0, nil
	}
	n := 0
	err = l.Store.Write(ctx, func(tx store.Tx) error {
		sub, created, err := EnsureSubject(ctx, tx, tenant, subject)
		if err != nil {
			return err
		}
		if sub.Status == store.StatusErased {
			return nil // nothing left to opt out of
		}
		todo, err := pending(tx)
		if err != nil {
			return err
		}
		var entries []audit.Entry
		if created {
			entries = append(entries, subjectCreated(actor, tenant, subject))
		}
		for _, e := range todo {
			ev, err := tx.AppendConsent(ctx, e)
			if err != nil {
				return err
			}
			entries = append(entries, ledgerEntry(actor, ev, ""))
		}
		n = len(todo)
		if len(entries) == 0 {
			return nil
		}
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return 0, err
	}
	if n > 0 && l.Engine != nil {
		l.Engine.Invalidate(tenant, subject)
	}
	return n, nil
}

// Receipt returns the receipt of an event of the ledger, under the
// declaration version it was given to.
func (l *Ledger) Receipt(ctx context.Context, e store.ConsentEvent, language string) (Receipt, error) {
	d, err := l.Source.DeclarationByVersion(ctx, e.Tenant, e.DeclarationVersion)
	if err != nil {
		return Receipt{}, err
	}
	return NewReceipt(d, EventOf(e, language), l.policyURL(e.Tenant, d)), nil
}

// active returns the tenant's active declaration: the engine's, so that
// the ledger and the decisions agree, else the source's.
func (l *Ledger) active(ctx context.Context, tenant string) (*policy.Declaration, error) {
	if l.Engine != nil {
		return l.Engine.Declaration(ctx, tenant)
	}
	return l.Source.ActiveDeclaration(ctx, tenant)
}

func (l *Ledger) policyURL(tenant string, d *policy.Declaration) string {
	if l.PolicyURL != nil {
		return l.PolicyURL(tenant, d)
	}
	return "/policies/" + d.ID
}

// receiptNS is the namespace of receipt ids.
var receiptNS = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://trustee.dev/consent-receipts"))

// EventOf returns the receipt event of a ledger event. Its ID is a UUID
// derived from the tenant and the event's Seq, so the same event always
// has the same receipt id.
func EventOf(e store.ConsentEvent, language string) Event {
	return Event{
		Subject: e.Subject, Purpose: e.Purpose, DeclarationVersion: e.DeclarationVersion,
		Kind: string(e.Kind), Action: string(e.Action), Channel: e.Channel, TextHash: e.TextHash, At: e.At,
		ID:       uuid.NewSHA1(receiptNS, []byte(e.Tenant+"\x00"+strconv.FormatInt(e.Seq, 10))).String(),
		Language: language,
	}
}

// EnsureSubject returns the tenant's subject, creating it (active, age and
// region unknown) when it does not exist yet; created says it did, and the
// caller must then audit it (see [SubjectCreatedEntry]).
func EnsureSubject(ctx context.Context, tx store.Tx, tenant, subject string) (sub store.Subject, created bool, err error) {
	sub, err = tx.GetSubject(ctx, tenant, subject)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return sub, false, err
	}
	sub, err = tx.CreateSubject(ctx, store.Subject{Tenant: tenant, ID: subject, Status: store.StatusActive})
	if errors.Is(err, store.ErrConflict) {
		// Created meanwhile by a concurrent writer.
		sub, err = tx.GetSubject(ctx, tenant, subject)
		return sub, false, err
	}
	if err != nil {
		return store.Subject{}, false, fmt.Errorf("create subject: %w", err)
	}
	return sub, true, nil
}

// SubjectCreatedEntry is the audit entry of a subject [EnsureSubject]
// created.
func SubjectCreatedEntry(actor, tenant, subject string) audit.Entry {
	return subjectCreated(actor, tenant, subject)
}

func subjectCreated(actor, tenant, subject string) audit.Entry {
	return audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.create", ObjectType: "subject", ObjectID: subject, Subject: subject}
}

// ledgerEntry is the audit entry of a consent event: ids, purpose and kind,
// never the notice text.
func ledgerEntry(actor string, e store.ConsentEvent, guardian string) audit.Entry {
	details := map[string]string{
		"purpose": e.Purpose, "kind": string(e.Kind), "channel": e.Channel, "declaration_version": e.DeclarationVersion,
	}
	if guardian != "" {
		details["guardian"] = guardian
	}
	return audit.Entry{
		Tenant: e.Tenant, Actor: actor, Action: "consent." + string(e.Action),
		ObjectType: "consent_event", ObjectID: strconv.FormatInt(e.Seq, 10), Subject: e.Subject, Details: details,
	}
}
