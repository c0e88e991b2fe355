package rights

import (
	"context"
	"encoding/hex"
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
	"github.com/trustee-dev/trustee/internal/taxonomy"
	"github.com/trustee-dev/trustee/internal/vault"
)

// Errors of the Fulfiller, for errors.Is.
var (
	ErrWrongType       = errors.New("rights: the request is not of a type this step carries out")
	ErrNoSubject       = errors.New("rights: the request names no subject; identify the requester first")
	ErrNotRestricted   = errors.New("rights: the subject's processing is not restricted")
	ErrErasurePending  = errors.New("rights: the subject asked for erasure, which a legal hold suspends; the restriction stays until the data is deleted")
	ErrNoCancellation  = errors.New("rights: the subject has no account cancellation in its cooling-off")
	ErrNoResume        = errors.New("rights: the declaration's rights.cancellation.resume is not \"login\": a cancellation cannot be resumed")
	ErrCoolingOffOver  = errors.New("rights: the cancellation's cooling-off is over; it can no longer be resumed")
	ErrNoCancellationD = errors.New("rights: the declaration has no rights.cancellation; add one with cooling_off, resume, deadline and action")
)

// Outcome is what carrying out a request did: ids, counts and codes only.
type Outcome struct {
	// At is when the request was carried out.
	At time.Time `json:"at,omitzero"`
	// StatusBefore and Status are the subject's status before and after
	// (for delete, restrict, object, cancel_account).
	StatusBefore string `json:"status_before,omitempty"`
	Status       string `json:"status,omitempty"`
	// Action is, for an erasure, the declared action: "delete", or
	// "anonymize" (carried out as deletion, see Note).
	Action string `json:"action,omitempty"`
	// Records and Blobs are how many rows and objects the erasure purged.
	Records int64 `json:"records,omitempty"`
	Blobs   int64 `json:"blobs,omitempty"`
	// Withdrawn lists the purposes whose consent was withdrawn.
	Withdrawn []string `json:"withdrawn,omitempty"`
	// Corrected lists the record ids a correction superseded (and
	// deleted); Written the ids of the values written.
	Corrected []string `json:"corrected,omitempty"`
	Written   []string `json:"written,omitempty"`
	// Reference names the explanation given (explain).
	Reference string `json:"reference,omitempty"`
	// Review is a human review's outcome (adm_review).
	Review *Review `json:"review,omitempty"`
	// Export describes the export delivered (access, copy, portability).
	Export *Export `json:"export,omitempty"`
	// Note says, for staff, how the request was carried out where that
	// differs from what was asked.
	Note string `json:"note,omitempty"`
}

// Review is the outcome of a human review of an automated decision (PIPL
// Art. 24(3); GDPR Art. 22(3)).
type Review struct {
	// Decision is the id of the declaration's automated decision reviewed.
	Decision string `json:"decision"`
	// Outcome is ReviewUpheld or ReviewChanged.
	Outcome string `json:"outcome"`
	// Reason is a code for why (letters, digits and . _ - : /), audited.
	Reason string `json:"reason"`
	// Note is the reviewer's explanation to the subject; kept here, never
	// in the audit log.
	Note string `json:"note,omitempty"`
}

// Review outcomes.
const (
	ReviewUpheld  = "upheld"
	ReviewChanged = "changed"
)

// Export is an export delivered to the subject.
type Export struct {
	// Format is the export's format, such as "json", "csv" or "zip".
	Format string `json:"format"`
	// Bytes is its size.
	Bytes int64 `json:"bytes"`
	// SHA256 is the lower-case hex SHA-256 of what was delivered; optional.
	SHA256 string `json:"sha256,omitempty"`
}

// Fulfiller carries out rights requests: it does what each type of request
// asks and moves the request to fulfilled, auditing every step with ids,
// codes and counts, never a value. Each Fulfil method takes a request that
// is verified or in_progress and of the types it names (else
// [ErrWrongType]).
//
// It embeds the [Service] whose requests it carries out. Vault must be the
// vault whose store the Service uses; Ledger is needed for
// withdraw_consent only. A Fulfiller is safe for concurrent use.
//
// # Erasure
//
// [Fulfiller.FulfilDelete] crypto-shreds the subject: from the return of
// [vault.Vault.Shred] every value and blob is unreadable, backups
// included, and the rows and objects are purged. Both steps run before
// FulfilDelete returns (the vault has no background purge yet). When an
// active legal hold covers the subject nothing is deleted: under PIPL Art.
// 47 data that a law requires to be kept is stored and protected but no
// longer processed, so the subject is restricted, the request is fulfilled
// with Detail.Held and Detail.HoldIDs, and Detail.Notice tells the subject
// so, in English and Chinese. The holds are checked in a transaction of
// their own just before the shred: a hold placed in between is not seen
// (the vault's erase does not check holds yet).
//
// # Account cancellation
//
// [Fulfiller.CancelAccount] cancels the account at once; the gate refuses
// a cancelled subject. [Fulfiller.Resume] undoes it during the cooling-off
// when the declaration allows it, and [Fulfiller.FinishCancellations],
// which a periodic job calls, erases the accounts whose cooling-off ended.
type Fulfiller struct {
	*Service
	Vault  *vault.Vault
	Ledger *consent.Ledger
	// Purge, when set, purges an erased subject's rows and objects in the
	// background (serve queues a job); an erasure then returns as soon as
	// the data is unreadable. When nil, erasures purge before returning.
	Purge func(ctx context.Context, tenant, subject string) error
	// Invalidate, when set, is called with every subject whose status the
	// Fulfiller changed, such as (*consent.Engine).Invalidate, so that
	// this node's decisions change at once; other nodes learn of it from
	// the audit log.
	Invalidate func(tenant, subject string)
}

// finishActor is the actor of what FinishCancellations does.
const finishActor = "system:finish-cancellations"

// Notices told to the subject.
var (
	noticeDeleted = taxonomy.Label{
		EN: "Your personal information has been deleted. Copies in backups can no longer be read and are removed when the backups are renewed.",
		ZH: "您的个人信息已删除。备份中的副本已无法读取，并将在备份更新时清除。",
	}
	noticeHeld = taxonomy.Label{
		EN: "Laws or administrative regulations require us to keep some of your personal information for now, so it has not been deleted yet. We have stopped all processing of it except storage and the necessary security measures (PIPL Art. 47), and will delete it when that requirement ends.",
		ZH: "根据法律、行政法规的规定，我们目前须保留您的部分个人信息，因此暂未删除。除存储和采取必要的安全保护措施外，我们已停止对其进行任何处理（《个人信息保护法》第四十七条），并将在保存要求终止后予以删除。",
	}
	noticeCancelled = taxonomy.Label{
		EN: "Your account has been cancelled and its personal information deleted.",
		ZH: "您的账号已注销，相关个人信息已删除。",
	}
)

// purgeNote records that an erasure's purge runs in the background.
const purgeNote = "the data was made unreadable at once; its rows and objects are purged in the background (subject.purge in the audit log)"

// anonymizeNote records that a declared "anonymize" was carried out as
// deletion.
const anonymizeNote = "rights.cancellation.action is anonymize: carried out as deletion by crypto-shredding, which leaves nothing of the subject; anonymization that keeps aggregates is not available yet"

// change edits a request inside step's transaction; it may append audit
// entries (before the request's own) to pre and return extra details for
// the request's entry.
type change func(tx store.Tx, r *store.Request, det *Detail, now time.Time, pre *[]audit.Entry) (map[string]string, error)

// errSkip, returned by a change given to move, makes it write nothing.
var errSkip = errors.New("skip")

// step loads request id, checks its type is one of types and that it is
// verified or in_progress, lets fn edit it and moves it to `to`, all in one
// transaction audited as action; a verified request is first started
// (audited as request.start).
func (f *Fulfiller) step(ctx context.Context, actor, tenant, id, to, action string, types []string, fn change) (store.Request, error) {
	now := store.Norm(f.Clock.Now())
	var out store.Request
	err := f.Store.Write(ctx, func(tx store.Tx) error {
		r, err := tx.GetRequest(ctx, tenant, id)
		if err != nil {
			return err
		}
		if err := checkOpen(r, types, to); err != nil {
			return err
		}
		det, err := DetailOf(r)
		if err != nil {
			return err
		}
		var entries []audit.Entry
		if r.State == StateVerified {
			r.State = StateInProgress
			entries = append(entries, entry(now, actor, "request.start", r, nil))
		}
		var extra map[string]string
		if fn != nil {
			var pre []audit.Entry
			if extra, err = fn(tx, &r, &det, now, &pre); err != nil {
				return err
			}
			entries = append(pre, entries...)
		}
		r.State = to
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if out, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, append(entries, entry(now, actor, action, out, extra))...)
		return err
	})
	if err != nil {
		return store.Request{}, err
	}
	f.answered(out, to, now)
	f.changed(ctx, out)
	return out, nil
}

// answered counts an answer by its deadline, as Service.move does.
func (f *Fulfiller) answered(r store.Request, to string, now time.Time) {
	if f.Metrics == nil || (to != StateFulfilled && to != StateRefused) {
		return
	}
	if r.DueAt.IsZero() || !now.After(r.DueAt) {
		f.Metrics.Met.WithLabelValues(r.Type).Inc()
	} else {
		f.Metrics.Missed.WithLabelValues(r.Type).Inc()
	}
}

// checkOpen checks that r is of one of types and verified or in_progress.
func checkOpen(r store.Request, types []string, to string) error {
	if !slices.Contains(types, r.Type) {
		return fmt.Errorf("%w: request %s is %s, this step carries out %s", ErrWrongType, r.ID, r.Type, strings.Join(types, ", "))
	}
	if r.State != StateVerified && r.State != StateInProgress {
		if to == "" {
			to = StateInProgress
		}
		return &TransitionError{From: r.State, To: to}
	}
	if r.Subject == "" {
		return fmt.Errorf("%w (request %s)", ErrNoSubject, r.ID)
	}
	return nil
}

// begin moves a verified request of one of types to in_progress (audited
// as request.start; one in_progress is returned as it is) before work that
// is not part of the request's transaction: should that work fail, the
// request stays in_progress, to be carried out again. check, when not nil,
// looks at the request first in the same transaction; its error is
// returned and nothing is written.
func (f *Fulfiller) begin(ctx context.Context, actor, tenant, id string, types []string, check func(tx store.Tx, r store.Request) error) (store.Request, error) {
	now := store.Norm(f.Clock.Now())
	var out store.Request
	err := f.Store.Write(ctx, func(tx store.Tx) error {
		r, err := tx.GetRequest(ctx, tenant, id)
		if err != nil {
			return err
		}
		if err := checkOpen(r, types, StateInProgress); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx, r); err != nil {
				return err
			}
		}
		out = r
		if r.State != StateVerified {
			return nil
		}
		r.State = StateInProgress
		if out, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, entry(now, actor, "request.start", out, nil))
		return err
	})
	if err == nil {
		f.changed(ctx, out)
	}
	return out, err
}

// setStatus changes the subject's status in tx, with the "subject.status"
// audit entry the vault writes (from, to), appended to pre. It returns the
// status before. An erased subject keeps its status.
func setStatus(ctx context.Context, tx store.Tx, actor, tenant, subject string, to store.SubjectStatus, pre *[]audit.Entry, details map[string]string) (store.SubjectStatus, error) {
	s, err := tx.GetSubject(ctx, tenant, subject)
	if err != nil {
		return "", err
	}
	if s.Status == to || s.Status == store.StatusErased {
		return s.Status, nil
	}
	if _, err := tx.SetSubjectStatus(ctx, tenant, subject, to); err != nil {
		return "", err
	}
	d := map[string]string{"from": string(s.Status), "to": string(to)}
	for k, v := range details {
		d[k] = v
	}
	*pre = append(*pre, audit.Entry{Tenant: tenant, Actor: actor, Action: "subject.status",
		ObjectType: "subject", ObjectID: subject, Subject: subject, Details: d})
	return s.Status, nil
}

func (f *Fulfiller) invalidate(tenant, subject string) {
	if f.Invalidate != nil {
		f.Invalidate(tenant, subject)
	}
}

// holdIDs returns the ids of the active legal holds that cover the
// subject.
func holdIDs(ctx context.Context, rd store.Reader, tenant, subject string) ([]string, error) {
	hs, err := rd.ActiveHolds(ctx, tenant, subject)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(hs))
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids, nil
}

// FulfilDelete erases the subject of a delete request (PIPL Art. 47; GDPR
// Art. 17) and fulfils the request, recording in Detail.Outcome the counts
// purged. Under an active legal hold it deletes nothing: the subject is
// restricted, and the request is fulfilled with Detail.Held, the hold ids
// and Detail.Notice saying why (see [Fulfiller]). It is safe to call again
// after a failure: the request stays in_progress and the shred finishes
// what was left.
func (f *Fulfiller) FulfilDelete(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return f.erase(ctx, actor, tenant, id, []string{TypeDelete}, "delete", noticeDeleted)
}

// erase carries out a delete or a finished cancellation.
func (f *Fulfiller) erase(ctx context.Context, actor, tenant, id string, types []string, action string, notice taxonomy.Label) (store.Request, error) {
	if f.Vault == nil {
		return store.Request{}, errors.New("rights: Fulfiller.Vault is not set")
	}
	var before store.SubjectStatus
	r, err := f.begin(ctx, actor, tenant, id, types, func(tx store.Tx, r store.Request) error {
		s, err := tx.GetSubject(ctx, tenant, r.Subject)
		if err != nil {
			return err
		}
		before = s.Status
		ids, err := holdIDs(ctx, tx, tenant, r.Subject)
		if err == nil && len(ids) > 0 {
			err = errHeld
		}
		return err
	})
	if errors.Is(err, errHeld) {
		return f.hold(ctx, actor, tenant, id, types, action)
	}
	if err != nil {
		return store.Request{}, err
	}
	var res vault.ShredResult
	background := f.Purge != nil
	if background {
		err = f.Vault.Erase(ctx, actor, tenant, r.Subject)
		if err == nil {
			err = f.Purge(ctx, tenant, r.Subject)
		}
	} else {
		res, err = f.Vault.Shred(ctx, actor, tenant, r.Subject)
	}
	if err != nil {
		return store.Request{}, err
	}
	f.invalidate(tenant, r.Subject)
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", types, func(tx store.Tx, r *store.Request, det *Detail, now time.Time, _ *[]audit.Entry) (map[string]string, error) {
		o := outcome(det, now)
		o.Status, o.Action, o.Records, o.Blobs = string(store.StatusErased), action, res.Records, res.Blobs
		if o.StatusBefore == "" {
			o.StatusBefore = string(before)
		}
		if action == "anonymize" {
			o.Note = anonymizeNote
		}
		if background {
			o.Note = strings.TrimPrefix(o.Note+"; "+purgeNote, "; ")
		}
		n := notice
		det.Notice = &n
		return map[string]string{"status": o.Status, "action": action,
			"records": strconv.FormatInt(res.Records, 10), "blobs": strconv.FormatInt(res.Blobs, 10)}, nil
	})
}

// hold fulfils an erasure that a legal hold suspends: the subject is
// restricted, in the same transaction that checks the holds again.
func (f *Fulfiller) hold(ctx context.Context, actor, tenant, id string, types []string, action string) (store.Request, error) {
	var subject string
	r, err := f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", types, func(tx store.Tx, r *store.Request, det *Detail, now time.Time, pre *[]audit.Entry) (map[string]string, error) {
		ids, err := holdIDs(ctx, tx, tenant, r.Subject)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, errHoldReleased
		}
		before, err := setStatus(ctx, tx, actor, tenant, r.Subject, store.StatusRestricted, pre, map[string]string{"request": r.ID, "held": "true"})
		if err != nil {
			return nil, err
		}
		subject = r.Subject
		o := outcome(det, now)
		if o.StatusBefore == "" {
			o.StatusBefore = string(before)
		}
		o.Status, o.Action = string(store.StatusRestricted), action
		det.Held, det.HoldIDs = true, ids
		n := noticeHeld
		det.Notice = &n
		return map[string]string{"status": o.Status, "action": action, "held": "true", "holds": strings.Join(ids, ",")}, nil
	})
	if errors.Is(err, errHoldReleased) {
		// Released between the two looks: erase after all.
		return f.erase(ctx, actor, tenant, id, types, action, noticeFor(types))
	}
	if err == nil {
		f.invalidate(tenant, subject)
	}
	return r, err
}

// errHeld and errHoldReleased carry what erase and hold found in their
// transactions out of them.
var (
	errHeld         = errors.New("held")
	errHoldReleased = errors.New("hold released")
)

func noticeFor(types []string) taxonomy.Label {
	if slices.Contains(types, TypeCancelAccount) {
		return noticeCancelled
	}
	return noticeDeleted
}

// outcome returns det's Outcome, made if needed, stamped now.
func outcome(det *Detail, now time.Time) *Outcome {
	if det.Outcome == nil {
		det.Outcome = &Outcome{}
	}
	det.Outcome.At = now
	return det.Outcome
}

// FulfilRestrict restricts processing of the subject of a restrict or
// object request (PIPL Art. 44; GDPR Art. 18, 21): the subject's status
// becomes restricted, which the gate and every read path honour, and the
// request is fulfilled. [Fulfiller.LiftRestriction] lifts it.
func (f *Fulfiller) FulfilRestrict(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	var subject string
	r, err := f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", []string{TypeRestrict, TypeObject}, func(tx store.Tx, r *store.Request, det *Detail, now time.Time, pre *[]audit.Entry) (map[string]string, error) {
		before, err := setStatus(ctx, tx, actor, tenant, r.Subject, store.StatusRestricted, pre, map[string]string{"request": r.ID})
		if err != nil {
			return nil, err
		}
		subject = r.Subject
		o := outcome(det, now)
		o.StatusBefore, o.Status = string(before), string(store.StatusRestricted)
		if before == store.StatusErased {
			o.Status = string(before)
		}
		return map[string]string{"status": o.Status}, nil
	})
	if err == nil {
		f.invalidate(tenant, subject)
	}
	return r, err
}

// LiftRestriction makes a restricted subject active again, at staff's
// hands (audited as "subject.status" with reason restriction_lifted). It
// fails with [ErrNotRestricted] for a subject that is not restricted, and
// with [ErrErasurePending] while the restriction stands for an erasure a
// legal hold suspends.
func (f *Fulfiller) LiftRestriction(ctx context.Context, actor, tenant, subject string) (store.Subject, error) {
	var out store.Subject
	err := f.Store.Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if s.Status != store.StatusRestricted {
			return fmt.Errorf("%w: subject %q in tenant %q is %s", ErrNotRestricted, subject, tenant, s.Status)
		}
		reqs, err := list(ctx, tx, tenant, store.RequestFilter{Subject: subject, State: StateFulfilled})
		if err != nil {
			return err
		}
		for _, r := range reqs {
			if r.Type != TypeDelete && r.Type != TypeCancelAccount {
				continue
			}
			if det, err := DetailOf(r); err == nil && det.Held {
				return fmt.Errorf("%w (request %s)", ErrErasurePending, r.ID)
			}
		}
		var pre []audit.Entry
		if _, err := setStatus(ctx, tx, actor, tenant, subject, store.StatusActive, &pre, map[string]string{"reason": "restriction_lifted"}); err != nil {
			return err
		}
		if out, err = tx.GetSubject(ctx, tenant, subject); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, pre...)
		return err
	})
	if err != nil {
		return store.Subject{}, err
	}
	f.invalidate(tenant, subject)
	return out, nil
}

// ConsentChannel is the channel of the consent withdrawals that
// FulfilWithdrawConsent appends.
const ConsentChannel = "rights_request"

// FulfilWithdrawConsent withdraws, through the consent ledger, the
// consents the subject of a withdraw_consent request has granted: for the
// purposes listed, or every purpose when purposes is empty. Processing for
// them stops at once and what was done before stays done (PIPL Art. 15;
// GDPR Art. 7(3)). A listed purpose the declaration does not have is an
// error naming it, and nothing is withdrawn; a purpose not granted is
// skipped. The purposes withdrawn are in Detail.Outcome.Withdrawn. It is
// safe to call again after a failure.
func (f *Fulfiller) FulfilWithdrawConsent(ctx context.Context, actor, tenant, id string, purposes []string) (store.Request, error) {
	if f.Ledger == nil {
		return store.Request{}, errors.New("rights: Fulfiller.Ledger is not set")
	}
	types := []string{TypeWithdrawConsent}
	d, err := f.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	for i, p := range purposes {
		if !slices.ContainsFunc(d.Purposes, func(dp policy.Purpose) bool { return dp.ID == p }) {
			return store.Request{}, &store.InvalidError{Field: "purposes[" + strconv.Itoa(i) + "]",
				Reason: "not a purpose of the declaration: use a purposes[].id"}
		}
	}
	r, err := f.begin(ctx, actor, tenant, id, types, nil)
	if err != nil {
		return store.Request{}, err
	}
	var granted []string
	err = f.Store.Read(ctx, func(rd store.Reader) error {
		granted, err = grantedPurposes(ctx, rd, tenant, r.Subject)
		return err
	})
	if err != nil {
		return store.Request{}, err
	}
	var withdrawn []string
	for _, p := range granted {
		if len(purposes) > 0 && !slices.Contains(purposes, p) {
			continue
		}
		_, _, err := f.Ledger.Withdraw(ctx, actor, tenant, consent.Act{Subject: r.Subject, Purpose: p, Channel: ConsentChannel})
		switch {
		case errors.Is(err, consent.ErrConsentNotNeeded), errors.Is(err, consent.ErrUnknownPurpose):
			// No longer consent-based, or no longer declared: nothing
			// processes for it on consent.
			continue
		case err != nil:
			return store.Request{}, err
		}
		withdrawn = append(withdrawn, p)
	}
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", types, func(tx store.Tx, r *store.Request, det *Detail, now time.Time, _ *[]audit.Entry) (map[string]string, error) {
		o := outcome(det, now)
		o.Withdrawn = mergeSorted(o.Withdrawn, withdrawn)
		return map[string]string{"purposes": strings.Join(o.Withdrawn, ","), "withdrawn": strconv.Itoa(len(o.Withdrawn))}, nil
	})
}

// grantedPurposes lists, sorted, the purposes whose last own consent
// event (not a Sec-GPC opt-out) of the subject is a grant.
func grantedPurposes(ctx context.Context, rd store.Reader, tenant, subject string) ([]string, error) {
	last := map[string]store.ConsentAction{}
	p := store.Page{Limit: store.MaxLimit}
	for {
		evs, next, err := rd.ListConsentEvents(ctx, tenant, subject, p)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Action == store.ConsentWithdraw && e.Channel == consent.ChannelGPC {
				continue
			}
			last[e.Purpose] = e.Action
		}
		if next == "" {
			break
		}
		p.After = next
	}
	var out []string
	for purpose, a := range last {
		if a == store.ConsentGrant {
			out = append(out, purpose)
		}
	}
	slices.Sort(out)
	return out, nil
}

func mergeSorted(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// FulfilCorrection writes the values of a correct or supplement request
// (PIPL Art. 46; GDPR Art. 16) with [vault.Vault.PutRecords] and fulfils
// it. A correction names in supersedes the ids of the records it
// corrects: each must be a record of the subject, of a field among the
// values', and they are deleted in the transaction that fulfils the
// request (audited as "record.delete" with their count and digest). A
// supplement supersedes nothing. Detail.Outcome keeps the ids corrected
// and written, never a value. Bad input writes nothing; should the fulfil
// fail after the values were written, calling again writes them again.
func (f *Fulfiller) FulfilCorrection(ctx context.Context, actor, tenant, id string, values []vault.Value, supersedes []string) (store.Request, error) {
	if f.Vault == nil {
		return store.Request{}, errors.New("rights: Fulfiller.Vault is not set")
	}
	types := []string{TypeCorrect, TypeSupplement}
	if len(values) == 0 {
		return store.Request{}, &store.InvalidError{Field: "values", Reason: "empty: give the corrected or supplementary values"}
	}
	var r store.Request
	err := f.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		if r, err = rd.GetRequest(ctx, tenant, id); err != nil {
			return err
		}
		if err := checkOpen(r, types, StateFulfilled); err != nil {
			return err
		}
		return checkSupersedes(ctx, rd, r, values, supersedes)
	})
	if err != nil {
		return store.Request{}, err
	}
	if r, err = f.begin(ctx, actor, tenant, id, types, nil); err != nil {
		return store.Request{}, err
	}
	written, err := f.Vault.PutRecords(ctx, actor, tenant, r.Subject, values)
	if err != nil {
		return store.Request{}, err
	}
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", types, func(tx store.Tx, r *store.Request, det *Detail, now time.Time, pre *[]audit.Entry) (map[string]string, error) {
		if len(supersedes) > 0 {
			n, err := tx.DeleteRecords(ctx, tenant, supersedes)
			if err != nil {
				return nil, err
			}
			*pre = append(*pre, audit.Entry{Tenant: tenant, Actor: actor, Action: "record.delete", ObjectType: "record",
				Subject: r.Subject, Details: map[string]string{"count": strconv.FormatInt(n, 10),
					"ids_sha256": vault.IDsDigest(supersedes), "reason": "correction", "request": r.ID}})
		}
		o := outcome(det, now)
		o.Corrected, o.Written = slices.Clone(supersedes), written
		return map[string]string{"written": strconv.Itoa(len(written)), "corrected": strconv.Itoa(len(supersedes)),
			"written_sha256": vault.IDsDigest(written)}, nil
	})
}

// checkSupersedes checks the ids a correction supersedes.
func checkSupersedes(ctx context.Context, rd store.Reader, r store.Request, values []vault.Value, supersedes []string) error {
	if r.Type == TypeSupplement && len(supersedes) > 0 {
		return &store.InvalidError{Field: "supersedes", Reason: "a supplement adds values and replaces none: leave it empty, or make a correct request"}
	}
	if r.Type == TypeCorrect && len(supersedes) == 0 {
		return &store.InvalidError{Field: "supersedes", Reason: "required: name the ids of the records the correction replaces"}
	}
	for i, rid := range supersedes {
		field := "supersedes[" + strconv.Itoa(i) + "]"
		if slices.Contains(supersedes[:i], rid) {
			return &store.InvalidError{Field: field, Reason: "named twice"}
		}
		rec, err := rd.GetRecord(ctx, r.Tenant, rid)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) || (err == nil && rec.Subject != r.Subject) {
			return &store.InvalidError{Field: field, Reason: "not a record of the request's subject"}
		}
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(values, func(v vault.Value) bool { return v.Field == rec.Field }) {
			return &store.InvalidError{Field: field, Reason: "a record of field " + rec.Field + ", which no value corrects"}
		}
	}
	return nil
}

// FulfilExplanation fulfils an explain request (PIPL Art. 48) with the
// reference of the explanation given, such as the id of the explanation
// package export rendered: letters, digits and . _ - : /.
func (f *Fulfiller) FulfilExplanation(ctx context.Context, actor, tenant, id, reference string) (store.Request, error) {
	if err := checkCode("reference", reference); err != nil {
		return store.Request{}, err
	}
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", []string{TypeExplain}, func(_ store.Tx, _ *store.Request, det *Detail, now time.Time, _ *[]audit.Entry) (map[string]string, error) {
		outcome(det, now).Reference = reference
		return map[string]string{"reference": reference}, nil
	})
}

// FulfilReview records a human reviewer's outcome of an adm_review request
// (PIPL Art. 24(3); GDPR Art. 22(3)) and fulfils it: the automated
// decision reviewed (one of the declaration's automated_decisions), upheld
// or changed, and a reason code. The actor is the reviewer. The Note, the
// reviewer's words to the subject, is kept in Detail and never audited.
func (f *Fulfiller) FulfilReview(ctx context.Context, actor, tenant, id string, rv Review) (store.Request, error) {
	if rv.Outcome != ReviewUpheld && rv.Outcome != ReviewChanged {
		return store.Request{}, &store.InvalidError{Field: "outcome", Reason: `must be "upheld" or "changed"`}
	}
	if err := checkCode("reason", rv.Reason); err != nil {
		return store.Request{}, err
	}
	d, err := f.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	if !slices.ContainsFunc(d.AutomatedDecisions, func(a policy.AutomatedDecision) bool { return a.ID == rv.Decision }) {
		return store.Request{}, &store.InvalidError{Field: "decision", Reason: "not an automated decision of the declaration: use an automated_decisions[].id"}
	}
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", []string{TypeADMReview}, func(_ store.Tx, _ *store.Request, det *Detail, now time.Time, _ *[]audit.Entry) (map[string]string, error) {
		v := rv
		outcome(det, now).Review = &v
		return map[string]string{"decision": rv.Decision, "outcome": rv.Outcome, "reason": rv.Reason}, nil
	})
}

// FulfilExport fulfils an access, copy or portability request once its
// export was delivered, recording the format and size (PIPL Art. 45; GDPR
// Art. 15, 20).
func (f *Fulfiller) FulfilExport(ctx context.Context, actor, tenant, id string, ex Export) (store.Request, error) {
	if err := checkCode("format", ex.Format); err != nil {
		return store.Request{}, err
	}
	if ex.Bytes <= 0 {
		return store.Request{}, &store.InvalidError{Field: "bytes", Reason: "must be the size delivered, above 0"}
	}
	if ex.SHA256 != "" {
		if b, err := hex.DecodeString(ex.SHA256); err != nil || len(b) != 32 || strings.ToLower(ex.SHA256) != ex.SHA256 {
			return store.Request{}, &store.InvalidError{Field: "sha256", Reason: "must be 64 lower-case hex digits"}
		}
	}
	return f.step(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", []string{TypeAccess, TypeCopy, TypePortability}, func(_ store.Tx, _ *store.Request, det *Detail, now time.Time, _ *[]audit.Entry) (map[string]string, error) {
		v := ex
		outcome(det, now).Export = &v
		extra := map[string]string{"format": ex.Format, "bytes": strconv.FormatInt(ex.Bytes, 10)}
		if ex.SHA256 != "" {
			extra["sha256"] = ex.SHA256
		}
		return extra, nil
	})
}

// checkCode accepts a code of letters, digits and . _ - : / (starting with
// a letter or digit), at most 64 bytes: what may go in an audit entry.
func checkCode(field, s string) error {
	bad := &store.InvalidError{Field: field, Reason: "must be a code of letters, digits and . _ - : / (at most 64 bytes, starting with a letter or digit)"}
	if s == "" || len(s) > 64 {
		return bad
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && strings.IndexByte("._-:/", c) >= 0:
		default:
			return bad
		}
	}
	return nil
}

// list returns every request of the tenant that f matches.
func list(ctx context.Context, rd store.Reader, tenant string, f store.RequestFilter) ([]store.Request, error) {
	return store.AllPages(func(p store.Page) ([]store.Request, string, error) { return rd.ListRequests(ctx, tenant, f, p) })
}

// ExpireUnverified expires the tenant's requests still received or
// verifying whose receipt is at least after before now: their identity
// was never verified. It returns them, expired (audited as request.expire
// with reason unverified). A periodic job calls it; it is safe to re-run.
func (f *Fulfiller) ExpireUnverified(ctx context.Context, tenant string, now time.Time, after time.Duration) ([]store.Request, error) {
	if after <= 0 {
		return nil, &store.InvalidError{Field: "after", Reason: "must be a positive duration, such as 30 days"}
	}
	var cands []store.Request
	err := f.Store.Read(ctx, func(rd store.Reader) error {
		for _, st := range []string{StateReceived, StateVerifying} {
			rs, err := list(ctx, rd, tenant, store.RequestFilter{State: st})
			if err != nil {
				return err
			}
			cands = append(cands, rs...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []store.Request
	var errs []error
	for _, c := range cands {
		if now.Before(c.CreatedAt.Add(after)) {
			continue
		}
		r, err := f.move(ctx, "system:expire-unverified", tenant, c.ID, StateExpired, "request.expire", func(r *store.Request, _ *Detail, _ time.Time) (map[string]string, error) {
			if r.State != StateReceived && r.State != StateVerifying {
				return nil, errSkip // verified meanwhile
			}
			return map[string]string{"reason": "unverified"}, nil
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			errs = append(errs, err)
		default:
			out = append(out, r)
		}
	}
	return out, errors.Join(errs...)
}

// Remind returns the tenant's open requests due within before of now (or
// already overdue) that were not reminded yet, and marks each with
// Detail.RemindedAt (audited as request.remind), so that each is returned
// once. A periodic job calls it and tells staff.
func (f *Fulfiller) Remind(ctx context.Context, tenant string, now time.Time, before time.Duration) ([]store.Request, error) {
	if before < 0 {
		return nil, &store.InvalidError{Field: "before", Reason: "must not be negative"}
	}
	var cands []store.Request
	err := f.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		cands, err = list(ctx, rd, tenant, store.RequestFilter{DueBefore: now.Add(before).Add(time.Second)})
		return err
	})
	if err != nil {
		return nil, err
	}
	limit := now.Add(before)
	var out []store.Request
	var errs []error
	for _, c := range cands {
		if Final(c.State) || c.DueAt.IsZero() || c.DueAt.After(limit) {
			continue
		}
		if det, err := DetailOf(c); err != nil || !det.RemindedAt.IsZero() {
			continue
		}
		r, err := f.move(ctx, "system:remind", tenant, c.ID, "", "request.remind", func(r *store.Request, det *Detail, _ time.Time) (map[string]string, error) {
			if Final(r.State) || !det.RemindedAt.IsZero() {
				return nil, errSkip // answered or reminded meanwhile
			}
			det.RemindedAt = store.Norm(now)
			return nil, nil
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			errs = append(errs, err)
		default:
			out = append(out, r)
		}
	}
	return out, errors.Join(errs...)
}
