package rights

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// BindingPermission is the permission name under which a device's binding
// to a subject is kept among the subject's permission states
// ([store.PermissionState]): Granted true while the device is bound,
// false once it is unbound, and UpdatedAt the time of the last bind or
// unbind (the start of a device_unbound retention period). The "trustee:"
// prefix keeps it apart from declared permission ids and platform
// permission names; the decision engine ignores it, as it ignores every
// permission the declaration does not declare.
const BindingPermission = "trustee:device-bound"

// Ban reason codes: the causes seed 004 lists for an account ban, and a
// discovered minor. Only the code is stored in the audit log; staff keep
// any narrative elsewhere.
const (
	BanIllegalContent     = "illegal_content"
	BanFraud              = "fraud"
	BanMaliciousMarketing = "malicious_marketing"
	BanBulkRegistration   = "bulk_registration"
	BanSecurity           = "security"
	BanLegalOrder         = "legal_order"
	// BanMinor blocks a subject found to be below the product's minimum
	// age ([Lifecycle.MinorDiscovered]).
	BanMinor = "minor"
)

// BanReasons lists every ban reason code.
var BanReasons = []string{BanIllegalContent, BanFraud, BanMaliciousMarketing, BanBulkRegistration, BanSecurity, BanLegalOrder, BanMinor}

// ValidBanReason reports whether code is one of [BanReasons].
func ValidBanReason(code string) bool { return slices.Contains(BanReasons, code) }

// Errors of [Lifecycle]. Each also wraps the store error that says how to
// answer it: ErrNotBound store.ErrNotFound, the others store.ErrConflict.
var (
	// ErrBanned: the subject is banned, so the change is refused.
	ErrBanned = errors.New("rights: the subject is banned")
	// ErrNotBanned: an unban of a subject that is not banned.
	ErrNotBanned = errors.New("rights: the subject is not banned")
	// ErrNotActive: only an active subject can be banned; a restricted,
	// cancelled or erased one is already refused all processing.
	ErrNotActive = errors.New("rights: the subject is not active")
	// ErrNotBound: the device was never bound to the subject.
	ErrNotBound = errors.New("rights: the device is not bound to the subject")
)

// Lifecycle changes where a subject's account and devices stand: device
// bindings (seed 004), account bans (seed 004) and subjects found to be
// under age (seed 003). Every change is one transaction with its audit
// entries, which hold ids and codes only. It is safe for concurrent use.
type Lifecycle struct {
	Vault *vault.Vault
	// Declaration returns the tenant's active declaration: the minors
	// rules, and the categories of fields that category holds cover.
	Declaration func(ctx context.Context, tenant string) (*policy.Declaration, error)
	// Invalidate, when set, is called after a subject's status changed,
	// so that the decision engine sees it at once.
	Invalidate func(tenant, subject string)
}

func (l *Lifecycle) invalidate(tenant, subject string) {
	if l.Invalidate != nil {
		l.Invalidate(tenant, subject)
	}
}

func (l *Lifecycle) decl(ctx context.Context, tenant string) (*policy.Declaration, error) {
	if l.Declaration == nil {
		return nil, ErrNoDecl
	}
	d, err := l.Declaration(ctx, tenant)
	if err == nil && d == nil {
		err = ErrNoDecl
	}
	return d, err
}

// Binding is a device's binding to a subject.
type Binding struct {
	Subject string
	Device  string
	Bound   bool
	// At is when the device was last bound or unbound.
	At time.Time
}

func bindingOf(ps store.PermissionState) Binding {
	return Binding{Subject: ps.Subject, Device: ps.Device, Bound: ps.Granted, At: ps.UpdatedAt}
}

// binding returns the subject's binding state of device, ok false when
// the device was never bound.
func binding(ctx context.Context, r store.Reader, tenant, subject, device string) (store.PermissionState, bool, error) {
	ps, err := r.ListPermissionStates(ctx, tenant, subject)
	if err != nil {
		return store.PermissionState{}, false, err
	}
	for _, p := range ps {
		if p.Device == device && p.Permission == BindingPermission {
			return p, true, nil
		}
	}
	return store.PermissionState{}, false, nil
}

// Bindings lists the devices ever bound to the subject, bound or not, by
// device id.
func (l *Lifecycle) Bindings(ctx context.Context, tenant, subject string) ([]Binding, error) {
	var out []Binding
	err := l.Vault.Store().Read(ctx, func(r store.Reader) error {
		if _, err := r.GetSubject(ctx, tenant, subject); err != nil {
			return err
		}
		ps, err := r.ListPermissionStates(ctx, tenant, subject)
		for _, p := range ps {
			if p.Permission == BindingPermission {
				out = append(out, bindingOf(p))
			}
		}
		return err
	})
	return out, err
}

// BindDevice binds device, a pseudonymous device id chosen by the app, to
// the subject, creating the subject when it does not exist; audited as
// "device.bind". Binding a bound device changes nothing. An erased
// subject is refused with vault.ErrErased, a banned one with [ErrBanned].
func (l *Lifecycle) BindDevice(ctx context.Context, actor, tenant, subject, device string) (Binding, error) {
	var out Binding
	err := l.Vault.Store().Write(ctx, func(tx store.Tx) error {
		sub, created, err := consent.EnsureSubject(ctx, tx, tenant, subject)
		if err != nil {
			return err
		}
		if err := usable(sub); err != nil {
			return err
		}
		cur, ok, err := binding(ctx, tx, tenant, subject, device)
		if err != nil {
			return err
		}
		if ok && cur.Granted {
			out = bindingOf(cur)
			return nil
		}
		if err := tx.SetPermissionStates(ctx, []store.PermissionState{{Tenant: tenant, Subject: subject, Device: device,
			Permission: BindingPermission, Granted: true}}); err != nil {
			return err
		}
		if cur, _, err = binding(ctx, tx, tenant, subject, device); err != nil {
			return err
		}
		out = bindingOf(cur)
		var entries []audit.Entry
		if created {
			entries = append(entries, consent.SubjectCreatedEntry(actor, tenant, subject))
		}
		entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "device.bind", ObjectType: "device",
			ObjectID: device, Subject: subject})
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return Binding{}, fmt.Errorf("rights: bind device: %w", err)
	}
	return out, nil
}

// usable refuses changes to an erased or banned subject.
func usable(s store.Subject) error {
	switch s.Status {
	case store.StatusErased:
		return fmt.Errorf("subject %q: %w", s.ID, vault.ErrErased)
	case store.StatusBanned:
		return fmt.Errorf("subject %q: %w: %w", s.ID, ErrBanned, store.ErrConflict)
	}
	return nil
}

// Unbinding says what unbinding a device did.
type Unbinding struct {
	Binding
	// Deleted is how many of the device's records were deleted; Kept how
	// many a legal hold kept, named by HoldIDs.
	Deleted int64
	Kept    int64
	HoldIDs []string
}

// UnbindReason is the reason code of the "record.delete" entries of
// [Lifecycle.UnbindDevice].
const UnbindReason = "device_unbound"

// UnbindDevice unbinds device from the subject and deletes, in the same
// transaction, every record of the subject whose Device is that device
// (seed 004: "unbind and delete this camera"), as soon as the device is
// unbound. Records an active legal hold covers are kept: all of them under
// a tenant or subject hold, those of a held category under a category
// hold (every one when the declaration cannot be read). The transaction
// is audited as "device.unbind" (deleted and kept counts, hold ids) and,
// when records were deleted, "record.delete" with the count, the digest
// of their ids (vault.IDsDigest) and reason [UnbindReason]; never a value.
//
// Unbinding an unbound device deletes what is left of its records (such
// as records a hold kept and no longer keeps) without changing when it was
// unbound. A device never bound is [ErrNotBound]; an unknown subject
// store.ErrNotFound; an erased one vault.ErrErased. A banned subject's
// device can be unbound: deletion is never refused.
func (l *Lifecycle) UnbindDevice(ctx context.Context, actor, tenant, subject, device string) (Unbinding, error) {
	d, derr := l.decl(ctx, tenant)
	var out Unbinding
	err := l.Vault.Store().Write(ctx, func(tx store.Tx) error {
		out = Unbinding{}
		sub, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if sub.Status == store.StatusErased {
			return fmt.Errorf("subject %q: %w", subject, vault.ErrErased)
		}
		cur, ok, err := binding(ctx, tx, tenant, subject, device)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("device %q of subject %q: %w: %w", device, subject, ErrNotBound, store.ErrNotFound)
		}
		held, err := heldBy(ctx, tx, tenant, subject, d, derr)
		if err != nil {
			return err
		}
		var del []string
		p := store.Page{Limit: store.MaxLimit}
		for {
			recs, next, err := tx.ListRecords(ctx, tenant, store.RecordFilter{Subject: subject}, p)
			if err != nil {
				return err
			}
			for _, r := range recs {
				switch {
				case r.Device != device:
				case held.covers(r.Field):
					out.Kept++
				default:
					del = append(del, r.ID)
				}
			}
			if next == "" {
				break
			}
			p.After = next
		}
		if out.Deleted, err = tx.DeleteRecords(ctx, tenant, del); err != nil {
			return err
		}
		if out.Kept > 0 {
			out.HoldIDs = held.ids
		}
		if cur.Granted {
			if err := tx.SetPermissionStates(ctx, []store.PermissionState{{Tenant: tenant, Subject: subject, Device: device,
				Permission: BindingPermission, Granted: false}}); err != nil {
				return err
			}
			if cur, _, err = binding(ctx, tx, tenant, subject, device); err != nil {
				return err
			}
		} else if out.Deleted == 0 {
			out.Binding = bindingOf(cur)
			return nil // nothing changed
		}
		out.Binding = bindingOf(cur)
		det := map[string]string{"deleted": strconv.FormatInt(out.Deleted, 10), "kept": strconv.FormatInt(out.Kept, 10)}
		if len(out.HoldIDs) > 0 {
			det["holds"] = strings.Join(out.HoldIDs, ",")
		}
		entries := []audit.Entry{{Tenant: tenant, Actor: actor, Action: "device.unbind", ObjectType: "device",
			ObjectID: device, Subject: subject, Details: det}}
		if out.Deleted > 0 {
			entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "record.delete", ObjectType: "record",
				Subject: subject, Details: map[string]string{"count": strconv.FormatInt(out.Deleted, 10),
					"asked": strconv.Itoa(len(del)), "ids_sha256": vault.IDsDigest(del), "reason": UnbindReason}})
		}
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return Unbinding{}, fmt.Errorf("rights: unbind device: %w", err)
	}
	return out, nil
}

// holds is what the active legal holds covering a subject keep.
type holds struct {
	ids        []string
	all        bool            // a tenant or subject hold, or categories unknown
	categories map[string]bool // held categories
	fieldCat   map[string]string
}

// covers reports whether a hold keeps the records of field.
func (h holds) covers(field string) bool {
	if h.all {
		return true
	}
	if len(h.categories) == 0 {
		return false
	}
	c, ok := h.fieldCat[field]
	return !ok || h.categories[c] // a field the declaration no longer lists is kept
}

// heldBy reads the active holds covering the subject. d is the active
// declaration, or derr why there is none: category holds then cover every
// record.
func heldBy(ctx context.Context, r store.Reader, tenant, subject string, d *policy.Declaration, derr error) (holds, error) {
	hs, err := r.ActiveHolds(ctx, tenant, subject)
	if err != nil {
		return holds{}, err
	}
	h := holds{categories: map[string]bool{}}
	for _, x := range hs {
		h.ids = append(h.ids, x.ID)
		if x.Scope == store.HoldCategory {
			h.categories[x.Target] = true
		} else {
			h.all = true
		}
	}
	slices.Sort(h.ids)
	if len(h.categories) > 0 {
		if derr != nil || d == nil {
			h.all = true
		} else {
			h.fieldCat = make(map[string]string, len(d.Fields))
			for _, f := range d.Fields {
				h.fieldCat[f.ID] = f.Category
			}
		}
	}
	return h, nil
}

// Ban blocks the subject's account (seed 004's account ban) for reason,
// one of [BanReasons]: its status becomes banned, so the gate refuses
// every collection (subject_banned) and no function processes its data.
// Nothing is deleted: what the subject's data retention rules, rights
// requests and legal holds keep stays. Audited as "subject.ban" with the
// reason code and the status before. Only an active subject can be
// banned: a restricted, cancelled or erased one is [ErrNotActive] (it is
// refused all processing already, and lifting a ban must not undo its
// restriction or cancellation); a banned one is [ErrBanned].
func (l *Lifecycle) Ban(ctx context.Context, actor, tenant, subject, reason string) (store.Subject, error) {
	if !ValidBanReason(reason) {
		return store.Subject{}, &store.InvalidError{Field: "reason", Reason: "not a ban reason code: use one of " + strings.Join(BanReasons, ", ")}
	}
	var out store.Subject
	err := l.Vault.Store().Write(ctx, func(tx store.Tx) error {
		var err error
		out, err = ban(ctx, tx, actor, tenant, subject, reason)
		return err
	})
	if err != nil {
		return store.Subject{}, fmt.Errorf("rights: ban: %w", err)
	}
	l.invalidate(tenant, subject)
	return out, nil
}

// ban bans an active subject in tx, audited.
func ban(ctx context.Context, tx store.Tx, actor, tenant, subject, reason string) (store.Subject, error) {
	s, err := tx.GetSubject(ctx, tenant, subject)
	if err != nil {
		return store.Subject{}, err
	}
	switch s.Status {
	case store.StatusActive:
	case store.StatusBanned:
		return store.Subject{}, fmt.Errorf("subject %q: %w: %w", subject, ErrBanned, store.ErrConflict)
	default:
		return store.Subject{}, fmt.Errorf("subject %q is %s: %w: %w", subject, s.Status, ErrNotActive, store.ErrConflict)
	}
	if s, err = tx.SetSubjectStatus(ctx, tenant, subject, store.StatusBanned); err != nil {
		return store.Subject{}, err
	}
	_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.ban", ObjectType: "subject",
		ObjectID: subject, Subject: subject, Details: map[string]string{"reason": reason, "from": string(store.StatusActive), "to": string(store.StatusBanned)}})
	return s, err
}

// Unban lifts the subject's ban: its status is active again, audited as
// "subject.unban". A subject that is not banned is [ErrNotBanned]. A
// subject below the product's minimum age stays refused by the gate
// (under_minimum_age) after its ban is lifted.
func (l *Lifecycle) Unban(ctx context.Context, actor, tenant, subject string) (store.Subject, error) {
	var out store.Subject
	err := l.Vault.Store().Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if s.Status != store.StatusBanned {
			return fmt.Errorf("subject %q is %s: %w: %w", subject, s.Status, ErrNotBanned, store.ErrConflict)
		}
		if out, err = tx.SetSubjectStatus(ctx, tenant, subject, store.StatusActive); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.unban", ObjectType: "subject",
			ObjectID: subject, Subject: subject, Details: map[string]string{"from": string(store.StatusBanned), "to": string(store.StatusActive)}})
		return err
	})
	if err != nil {
		return store.Subject{}, fmt.Errorf("rights: unban: %w", err)
	}
	l.invalidate(tenant, subject)
	return out, nil
}

// What [Lifecycle.MinorDiscovered] did: [MinorOutcome.Action].
const (
	// MinorNone: the subject is not below an age the declaration sets.
	MinorNone = "none"
	// MinorKept: guardian consent covers the data, which stays.
	MinorKept = "kept"
	// MinorBlocked: the account was banned and its data kept (guardian
	// consent, or a legal hold).
	MinorBlocked = "blocked"
	// MinorDeleted: the subject's records were deleted; the account stays.
	MinorDeleted = "deleted"
	// MinorErased: the account was banned, then the subject erased.
	MinorErased = "erased"
	// MinorSeekGuardian: the declaration asks for a guardian's consent
	// first; nothing was deleted, and the gate asks for guardian consent.
	MinorSeekGuardian = "seek_guardian_consent"
)

// MinorOutcome says what [Lifecycle.MinorDiscovered] did.
type MinorOutcome struct {
	Subject store.Subject
	// Action is one of MinorNone, MinorKept, MinorBlocked, MinorDeleted,
	// MinorErased, MinorSeekGuardian.
	Action string
	// MinimumAge and GuardianConsentBelow are the declaration's ages for
	// the subject's region.
	MinimumAge           int
	GuardianConsentBelow int
	// GuardianConsent says the ledger holds a guardian's consent in force.
	GuardianConsent bool
	// Records and Blobs are how many were deleted or purged.
	Records int64
	Blobs   int64
	// HoldIDs names the legal holds that kept the data, if any.
	HoldIDs []string
}

// MinorReason is the reason code of the "record.delete" entry of a
// discovered minor's records.
const MinorReason = "minor_without_guardian_consent"

// MinorDiscovered handles a subject found to be younger than the
// declaration allows (PIPL Art. 31; GDPR Art. 8; COPPA; seed 003). When
// ageFloor is not store.AgeUnknown it first sets the subject's age bracket
// to it. The declaration's ages for the subject's region decide:
//
//   - a subject at or above both the minimum age and the guardian-consent
//     age: nothing ([MinorNone]);
//   - a guardian's consent in force in the ledger (the last event of some
//     purpose is a guardian grant): the data was collected with it and
//     stays; a subject below the minimum age is still banned with reason
//     [BanMinor] ([MinorBlocked]), others are left alone ([MinorKept]);
//   - otherwise the declaration's minors.on_discovery: delete_and_block
//     (or none declared, for a subject below the minimum age) bans the
//     account with reason [BanMinor] and then erases the subject
//     (vault.Shred: the data key is destroyed, records and blobs purged;
//     the subject stays, erased, refused everything for good)
//     ([MinorErased]); delete (or none declared, for a subject only below
//     the guardian-consent age) deletes the subject's records and leaves
//     the account, whose further collection needs guardian consent
//     ([MinorDeleted]); seek_guardian_consent deletes nothing
//     ([MinorSeekGuardian]).
//
// An active legal hold on the subject (of any scope) suspends the
// deletion: the ban still applies ([MinorBlocked] with HoldIDs).
//
// The profile change, the ban, the record deletion and the
// "subject.minor_discovered" entry (action, guardian_consent, held; no
// age) are one transaction; the erasure follows in vault.Shred's own
// audited transactions and, if it is interrupted, is finished by
// vault.ReconcileShreds. Without an active declaration it is [ErrNoDecl].
func (l *Lifecycle) MinorDiscovered(ctx context.Context, actor, tenant, subject string, ageFloor int) (MinorOutcome, error) {
	if !store.ValidAgeFloor(ageFloor) {
		return MinorOutcome{}, &store.InvalidError{Field: "age_floor", Reason: "must be 0 (unchanged) or one of 1 (under 13), 13, 14, 15, 16, 18"}
	}
	d, err := l.decl(ctx, tenant)
	if err != nil {
		return MinorOutcome{}, fmt.Errorf("rights: minor discovered: %w", err)
	}
	var out MinorOutcome
	shred := false
	err = l.Vault.Store().Write(ctx, func(tx store.Tx) error {
		out, shred = MinorOutcome{}, false
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if s.Status == store.StatusErased {
			return fmt.Errorf("subject %q: %w", subject, vault.ErrErased)
		}
		var entries []audit.Entry
		if ageFloor != store.AgeUnknown && ageFloor != s.AgeFloor {
			if s, err = tx.SetSubjectProfile(ctx, tenant, subject, ageFloor, s.Region); err != nil {
				return err
			}
			entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.profile", ObjectType: "subject",
				ObjectID: subject, Subject: subject, Details: map[string]string{"changed": "age_floor"}})
		}
		out.MinimumAge, out.GuardianConsentBelow = consent.AgesOf(d.Minors, s.Region)
		under := s.AgeFloor != store.AgeUnknown && s.AgeFloor < out.MinimumAge
		needGuardian := s.AgeFloor != store.AgeUnknown && s.AgeFloor < out.GuardianConsentBelow
		out.Action = MinorNone
		if under || needGuardian {
			if out.GuardianConsent, err = guardianConsent(ctx, tx, tenant, subject); err != nil {
				return err
			}
			held, err := heldBy(ctx, tx, tenant, subject, d, nil)
			if err != nil {
				return err
			}
			action := d.Minors.OnDiscovery
			if action == "" {
				action = "delete"
				if under {
					action = "delete_and_block"
				}
			}
			block := under && (out.GuardianConsent || action == "delete_and_block")
			switch {
			case out.GuardianConsent && block:
				out.Action = MinorBlocked
			case out.GuardianConsent:
				out.Action = MinorKept
			case action == "seek_guardian_consent":
				out.Action = MinorSeekGuardian
			case len(held.ids) > 0:
				out.Action, out.HoldIDs = MinorBlocked, held.ids
				if !block {
					out.Action = MinorKept
				}
			case action == "delete_and_block":
				out.Action, shred = MinorErased, true
			default:
				out.Action = MinorDeleted
				if out.Records, err = tx.DeleteSubjectRecords(ctx, tenant, subject); err != nil {
					return err
				}
				if out.Records > 0 {
					entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "record.delete", ObjectType: "record",
						Subject: subject, Details: map[string]string{"count": strconv.FormatInt(out.Records, 10), "reason": MinorReason}})
				}
			}
			if block && s.Status == store.StatusActive {
				if s, err = tx.SetSubjectStatus(ctx, tenant, subject, store.StatusBanned); err != nil {
					return err
				}
				entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.ban", ObjectType: "subject",
					ObjectID: subject, Subject: subject, Details: map[string]string{"reason": BanMinor, "from": string(store.StatusActive), "to": string(store.StatusBanned)}})
			}
		}
		out.Subject = s
		det := map[string]string{"action": out.Action, "guardian_consent": strconv.FormatBool(out.GuardianConsent)}
		if len(out.HoldIDs) > 0 {
			det["holds"] = strings.Join(out.HoldIDs, ",")
		}
		entries = append(entries, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.minor_discovered", ObjectType: "subject",
			ObjectID: subject, Subject: subject, Details: det})
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return MinorOutcome{}, fmt.Errorf("rights: minor discovered: %w", err)
	}
	l.invalidate(tenant, subject)
	if shred {
		res, err := l.Vault.Shred(ctx, actor, tenant, subject)
		l.invalidate(tenant, subject)
		if err != nil {
			return MinorOutcome{}, fmt.Errorf("rights: minor discovered: subject %q is banned, its erasure is unfinished: %w", subject, err)
		}
		out.Records, out.Blobs = res.Records, res.Blobs
		out.Subject.Status = store.StatusErased
	}
	return out, nil
}

// guardianConsent reports whether a guardian's consent is in force for
// the subject: for some purpose, its last ledger event is a guardian
// grant.
func guardianConsent(ctx context.Context, r store.Reader, tenant, subject string) (bool, error) {
	last := map[string]store.ConsentEvent{}
	p := store.Page{Limit: store.MaxLimit}
	for {
		evs, next, err := r.ListConsentEvents(ctx, tenant, subject, p)
		if err != nil {
			return false, err
		}
		for _, e := range evs {
			last[e.Purpose] = e
		}
		if next == "" {
			break
		}
		p.After = next
	}
	for _, e := range last {
		if e.Action == store.ConsentGrant && e.Kind == store.ConsentGuardian {
			return true, nil
		}
	}
	return false, nil
}
