package rights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// cancellation returns d's rights.cancellation.
func cancellation(d *policy.Declaration) (*policy.Cancellation, error) {
	if d.Rights.Cancellation == nil {
		return nil, ErrNoCancellationD
	}
	return d.Rights.Cancellation, nil
}

// CancellationDates returns, for an account cancelled at at under d, when
// its cooling-off ends (at itself when d declares none) and when its data
// must be deleted: rights.cancellation.deadline after the cooling-off.
// Both count on d's calendar ([Calendar]), working days included, and a
// period in days ends at the end of its last day; due describes the rule
// of deleteBy.
func CancellationDates(d *policy.Declaration, at time.Time) (coolingOffEnds time.Time, deleteBy calendar.Due, err error) {
	cn, err := cancellation(d)
	if err != nil {
		return time.Time{}, calendar.Due{}, err
	}
	cal, err := Calendar(d)
	if err != nil {
		return time.Time{}, calendar.Due{}, err
	}
	coolingOffEnds = at
	if !cn.CoolingOff.IsZero() {
		due, err := calendar.Deadline(calendar.FromPeriod(cn.CoolingOff).After("cancellation"), at, cal)
		if err != nil {
			return time.Time{}, calendar.Due{}, fmt.Errorf("rights.cancellation.cooling_off: %w", err)
		}
		coolingOffEnds = due.At
	}
	event := "the end of the cooling-off"
	if cn.CoolingOff.IsZero() {
		event = "cancellation"
	}
	deleteBy, err = calendar.Deadline(calendar.FromPeriod(cn.Deadline).After(event), coolingOffEnds, cal)
	if err != nil {
		return time.Time{}, calendar.Due{}, fmt.Errorf("rights.cancellation.deadline: %w", err)
	}
	return coolingOffEnds, deleteBy, nil
}

// noticePending tells the subject what a cancellation does and until when
// it can be resumed.
func noticePending(cn *policy.Cancellation, coolingOffEnds, deleteBy time.Time, loc *time.Location) taxonomy.Label {
	const layout = "2006-01-02 15:04 MST"
	del := deleteBy.In(loc).Format(layout)
	if cn.Resume == "login" && !cn.CoolingOff.IsZero() {
		until := coolingOffEnds.In(loc).Format(layout)
		return taxonomy.Label{
			EN: "Your account has been cancelled. Until " + until + " you can log in again to keep it; after that its personal information is deleted, by " + del + " at the latest.",
			ZH: "您的账号已注销。在 " + until + " 之前，您可以重新登录以恢复账号；此后相关个人信息将被删除，最迟于 " + del + " 前完成。",
		}
	}
	return taxonomy.Label{
		EN: "Your account has been cancelled. Its personal information will be deleted by " + del + " at the latest.",
		ZH: "您的账号已注销。相关个人信息最迟将于 " + del + " 前删除。",
	}
}

// CancelAccount carries out a cancel_account request: the subject's status
// becomes cancelled at once, so the gate refuses it, and the request stays
// in_progress with Detail.CoolingOffEnds and Detail.DeleteBy
// ([CancellationDates]) and a Detail.Notice for the subject. DueAt becomes
// DeleteBy, unless a law's deadline (GDPR, CCPA) is earlier: then DeleteBy
// is that. The subject's status before is kept in Detail.Outcome, for
// [Fulfiller.Resume]. With no cooling-off declared the account is erased
// at once, as [Fulfiller.FinishCancellations] would. Calling it again on a
// cancelled account changes nothing.
func (f *Fulfiller) CancelAccount(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	d, err := f.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	cn, err := cancellation(d)
	if err != nil {
		return store.Request{}, err
	}
	cal, err := Calendar(d)
	if err != nil {
		return store.Request{}, err
	}
	now := store.Norm(f.Clock.Now())
	coolEnd, due, err := CancellationDates(d, now)
	if err != nil {
		return store.Request{}, err
	}
	var out store.Request
	changed := false
	err = f.Store.Write(ctx, func(tx store.Tx) error {
		r, err := tx.GetRequest(ctx, tenant, id)
		if err != nil {
			return err
		}
		if err := checkOpen(r, []string{TypeCancelAccount}, StateInProgress); err != nil {
			return err
		}
		det, err := DetailOf(r)
		if err != nil {
			return err
		}
		if !det.CoolingOffEnds.IsZero() {
			out = r // cancelled already
			return nil
		}
		var entries []audit.Entry
		if r.State == StateVerified {
			r.State = StateInProgress
			entries = append(entries, entry(now, actor, "request.start", r, nil))
		}
		var pre []audit.Entry
		before, err := setStatus(ctx, tx, actor, tenant, r.Subject, store.StatusCancelled, &pre, map[string]string{"request": r.ID})
		if err != nil {
			return err
		}
		if before == store.StatusErased {
			return fmt.Errorf("rights: cancel account: subject %q in tenant %q: already erased", r.Subject, tenant)
		}
		o := outcome(&det, now)
		o.StatusBefore, o.Status = string(before), string(store.StatusCancelled)
		det.CoolingOffEnds, det.DeleteBy = store.Norm(coolEnd), store.Norm(due.At)
		lawCap := det.RuleID == calendar.GDPRMonth().ID || det.RuleID == calendar.CCPAResponse().ID
		if lawCap && !r.DueAt.IsZero() && r.DueAt.Before(det.DeleteBy) {
			det.DeleteBy = r.DueAt
		} else {
			r.DueAt, det.Rule, det.RuleID = det.DeleteBy, due.Rule, due.RuleID
		}
		n := noticePending(cn, det.CoolingOffEnds, det.DeleteBy, cal.Location())
		det.Notice = &n
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if out, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		entries = append(pre, entries...)
		entries = append(entries, entry(now, actor, "request.cancel_account", out, map[string]string{
			"status": string(store.StatusCancelled), "rule": det.RuleID,
			"cooling_off_ends": det.CoolingOffEnds.UTC().Format(time.RFC3339),
			"delete_by":        det.DeleteBy.UTC().Format(time.RFC3339)}))
		_, err = tx.Audit(ctx, entries...)
		changed = true
		return err
	})
	if err != nil {
		return store.Request{}, err
	}
	if changed {
		f.invalidate(tenant, out.Subject)
		f.changed(ctx, out)
	}
	if det, _ := DetailOf(out); out.State == StateInProgress && !now.Before(det.CoolingOffEnds) && cn.CoolingOff.IsZero() {
		return f.finish(ctx, actor, tenant, out.ID, cn.Action)
	}
	return out, nil
}

// pending returns the subject's cancel_account request in its cooling-off
// or waiting for deletion: in_progress with CoolingOffEnds set.
func pending(ctx context.Context, rd store.Reader, tenant, subject string) (store.Request, Detail, error) {
	rs, err := list(ctx, rd, tenant, store.RequestFilter{Subject: subject, Type: TypeCancelAccount, State: StateInProgress})
	if err != nil {
		return store.Request{}, Detail{}, err
	}
	for _, r := range rs {
		if det, err := DetailOf(r); err == nil && !det.CoolingOffEnds.IsZero() {
			return r, det, nil
		}
	}
	return store.Request{}, Detail{}, fmt.Errorf("%w (subject %q in tenant %q)", ErrNoCancellation, subject, tenant)
}

// Resume undoes the subject's account cancellation when the subject logs
// in again during the cooling-off, as rights.cancellation.resume "login"
// allows (seed 004's "Continue Login"): the subject gets back the status it
// had before (active, unless it was restricted), and the request is
// withdrawn (audited as request.withdraw with resumed=login). After the
// cooling-off it fails with [ErrCoolingOffOver]; with resume "none" with
// [ErrNoResume]; with no cancellation pending with [ErrNoCancellation].
func (f *Fulfiller) Resume(ctx context.Context, actor, tenant, subject string) (store.Request, error) {
	d, err := f.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	cn, err := cancellation(d)
	if err != nil {
		return store.Request{}, err
	}
	now := store.Norm(f.Clock.Now())
	var out store.Request
	err = f.Store.Write(ctx, func(tx store.Tx) error {
		r, det, err := pending(ctx, tx, tenant, subject)
		if err != nil {
			return err
		}
		if cn.Resume != "login" {
			return ErrNoResume
		}
		if !now.Before(det.CoolingOffEnds) {
			return fmt.Errorf("%w: it ended at %s", ErrCoolingOffOver, det.CoolingOffEnds.UTC().Format(time.RFC3339))
		}
		// Back to the status before, unless it changed since the
		// cancellation (a restriction is kept).
		var pre []audit.Entry
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if s.Status == store.StatusCancelled {
			to := store.StatusActive
			if o := det.Outcome; o != nil && o.StatusBefore != "" && o.StatusBefore != string(store.StatusErased) {
				to = store.SubjectStatus(o.StatusBefore)
			}
			if _, err := setStatus(ctx, tx, actor, tenant, subject, to, &pre, map[string]string{"request": r.ID, "reason": "resumed"}); err != nil {
				return err
			}
		}
		o := outcome(&det, now)
		if s, err = tx.GetSubject(ctx, tenant, subject); err != nil {
			return err
		}
		o.Status = string(s.Status)
		det.Notice = nil
		r.State = StateWithdrawn
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if out, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, append(pre, entry(now, actor, "request.withdraw", out, map[string]string{"resumed": "login"}))...)
		return err
	})
	if err != nil {
		return store.Request{}, err
	}
	f.invalidate(tenant, subject)
	f.changed(ctx, out)
	return out, nil
}

// FinishCancellations erases the account of every cancel_account request
// of the tenant whose cooling-off ended by now, as the declaration's
// rights.cancellation.action says, and fulfils the request: "delete"
// crypto-shreds the subject; "anonymize" does too, and Detail.Outcome.Note
// says so (anonymization that keeps aggregates comes later). A subject
// under an active legal hold is restricted instead, as
// [Fulfiller.FulfilDelete] does. It returns the requests it fulfilled. It
// goes on past a failing request and returns the errors joined; a request
// that failed stays in_progress. A periodic job calls it: it is idempotent
// and safe to run again after a crash, and on several nodes at once.
func (f *Fulfiller) FinishCancellations(ctx context.Context, tenant string, now time.Time) ([]store.Request, error) {
	d, err := f.decl(ctx, tenant)
	if err != nil {
		return nil, err
	}
	cn, err := cancellation(d)
	if err != nil {
		return nil, err
	}
	var rs []store.Request
	err = f.Store.Read(ctx, func(rd store.Reader) error {
		rs, err = list(ctx, rd, tenant, store.RequestFilter{Type: TypeCancelAccount, State: StateInProgress})
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []store.Request
	var errs []error
	for _, r := range rs {
		det, err := DetailOf(r)
		if err != nil || det.CoolingOffEnds.IsZero() || now.Before(det.CoolingOffEnds) {
			continue
		}
		done, err := f.finish(ctx, finishActor, tenant, r.ID, cn.Action)
		switch {
		case errors.Is(err, ErrTransition):
			// Finished meanwhile by another run.
		case err != nil:
			errs = append(errs, fmt.Errorf("request %s: %w", r.ID, err))
		default:
			out = append(out, done)
		}
	}
	return out, errors.Join(errs...)
}

// finish erases a cancelled account and fulfils its request.
func (f *Fulfiller) finish(ctx context.Context, actor, tenant, id, action string) (store.Request, error) {
	if action == "" {
		action = "delete"
	}
	return f.erase(ctx, actor, tenant, id, []string{TypeCancelAccount}, action, noticeCancelled)
}
