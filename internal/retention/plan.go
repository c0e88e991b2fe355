// Package retention carries out a declaration's retention rules on the
// stored records: [Plan] lists what is due at a time, changing nothing, and
// [Sweeper.Run] deletes it in batches, each its own audited transaction.
//
// # What is evaluated
//
// A rule covers the records whose field is in its fields or whose field's
// category (declared id or taxonomy id) is in its categories (every field
// when both are empty), and whose purpose is in its purposes (every
// purpose when empty). Its duration runs from its trigger; hours, days,
// weeks, months and years are added on the calendar to the exact instant,
// working days on the declaration's calendar ([rights.Calendar]) to the end
// of the last working day. Triggers evaluated from stored data:
//
//   - collected: the record's CollectedAt;
//   - account_cancelled: for a subject whose status is cancelled, the end
//     of the cooling-off of its cancel_account request (Detail.CoolingOffEnds:
//     until then the account can be resumed); a cancelled subject without
//     such a request is listed as skipped;
//   - consent_withdrawn: the subject's last consent event for a purpose of
//     the rule, when it is a withdrawal; the records of that purpose
//     collected before it are covered.
//
// The other triggers (last_activity, device_unbound, service_terminated,
// contract_ended, purpose_fulfilled) have no stored event yet: each such
// rule is listed once with [StatusNotEvaluable] and deletes nothing.
//
// A record covered by several due rules is listed once, under the first
// in declaration order.
//
// # Holds and exceptions
//
// An active legal hold on the tenant, on the subject or on the category of
// the record's field keeps it: it is listed with [StatusHeld] and the ids of
// the holds, and never deleted, whatever the rule's exceptions say. The
// exception legal_requirement is informational: the declared duration is
// the period the law requires, and data a law requires to keep longer in a
// given case is kept by placing a legal hold on it.
//
// # Anonymize
//
// For a rule whose action is anonymize, the strategy drop deletes the
// field's records (what is dropped cannot be linked back to anyone). The
// strategies generalize and keyed_hash rewrite a value, which needs its
// type and is not implemented: those records are listed with
// [StatusSkipped] and kept, as are the records of a field the rule gives no
// step for.
package retention

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// Statuses of a plan [Item].
const (
	// StatusDue: the records are due and a sweep deletes them.
	StatusDue = "due"
	// StatusHeld: the records are due but an active legal hold keeps them.
	StatusHeld = "held"
	// StatusSkipped: the records are due but the sweep cannot carry the
	// action out (see Reason); they are kept.
	StatusSkipped = "skipped"
	// StatusNotEvaluable: the rule's trigger has no stored event yet; the
	// item names the rule only.
	StatusNotEvaluable = "not_evaluable"
)

// Item is one line of a plan: records of one subject and field that one
// rule makes due, or a rule that cannot be evaluated.
type Item struct {
	Rule    string `json:"rule"`
	Trigger string `json:"trigger"`
	// Action is delete, or anonymize with Strategy.
	Action   string `json:"action"`
	Strategy string `json:"strategy,omitempty"`
	Status   string `json:"status"`
	Subject  string `json:"subject,omitempty"`
	Field    string `json:"field,omitempty"`
	// Records are the ids of the records, in id order; Count is their
	// number.
	Records []string `json:"records,omitempty"`
	Count   int      `json:"count"`
	// DueAt is when the earliest of the records fell due.
	DueAt time.Time `json:"due_at,omitzero"`
	// Reason says, as a fixed text naming no personal data, why the
	// records are held, skipped or not evaluated.
	Reason string `json:"reason,omitempty"`
	// Holds are the ids of the active holds that keep the records.
	Holds []string `json:"holds,omitempty"`
}

// evaluable reports whether trigger can be evaluated from stored data.
func evaluable(trigger string) bool {
	switch trigger {
	case policy.TriggerCollected, policy.TriggerAccountCancelled, policy.TriggerConsentWithdrawn:
		return true
	}
	return false
}

// rule is a retention rule prepared for matching.
type rule struct {
	idx      int
	r        policy.RetentionRule
	fields   map[string]bool
	cats     map[string]bool
	purposes map[string]bool
	steps    map[string]string
}

// planner holds what Plan needs while it reads.
type planner struct {
	ctx      context.Context
	rd       store.Reader
	decl     *policy.Declaration
	tenant   string
	at       time.Time
	cal      *calendar.Calendar
	calErr   error
	calDone  bool
	fieldCat map[string][]string
	rules    []*rule
	holds    []store.Hold
	items    map[itemKey]*Item
	assigned map[string]bool // record ids listed under a rule
}

type itemKey struct {
	rule             int
	subject, field   string
	status, strategy string
	reason           string
}

// Plan lists what the declaration's retention rules make due in the
// tenant at at, in rule order, then subject, field and status. It only
// reads, in one snapshot: nothing is changed and nothing is audited.
func Plan(ctx context.Context, st store.Store, decl *policy.Declaration, tenant string, at time.Time) ([]Item, error) {
	if decl == nil {
		return nil, errors.New("retention: plan: no declaration: activate one for the tenant first")
	}
	var items []Item
	err := st.Read(ctx, func(rd store.Reader) error {
		var err error
		items, err = plan(ctx, rd, decl, tenant, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retention: plan tenant %s: %w", tenant, err)
	}
	return items, nil
}

func plan(ctx context.Context, rd store.Reader, decl *policy.Declaration, tenant string, at time.Time) ([]Item, error) {
	p := &planner{ctx: ctx, rd: rd, decl: decl, tenant: tenant, at: at,
		fieldCat: fieldCategories(decl), items: map[itemKey]*Item{}}
	var notEval []Item
	for i, r := range decl.Retention {
		if !evaluable(r.Trigger) {
			notEval = append(notEval, Item{Rule: r.ID, Trigger: r.Trigger, Action: r.Action, Status: StatusNotEvaluable,
				Reason: "trigger " + r.Trigger + " has no stored event yet: this rule deletes nothing"})
			continue
		}
		p.rules = append(p.rules, prepare(i, r))
	}
	var err error
	p.holds, err = store.AllPages(func(pg store.Page) ([]store.Hold, string, error) {
		return rd.ListHolds(ctx, tenant, store.HoldFilter{ActiveOnly: true}, pg)
	})
	if err != nil {
		return nil, err
	}
	if err := p.collected(); err != nil {
		return nil, err
	}
	for _, r := range p.rules {
		switch r.r.Trigger {
		case policy.TriggerAccountCancelled:
			err = p.cancelled(r)
		case policy.TriggerConsentWithdrawn:
			err = p.withdrawn(r)
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]Item, 0, len(p.items)+len(notEval))
	keys := make([]itemKey, 0, len(p.items))
	for k := range p.items {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		switch {
		case a.rule != b.rule:
			return a.rule < b.rule
		case a.subject != b.subject:
			return a.subject < b.subject
		case a.field != b.field:
			return a.field < b.field
		case a.status != b.status:
			return a.status < b.status
		}
		return a.strategy < b.strategy
	})
	for _, k := range keys {
		it := p.items[k]
		slices.Sort(it.Records)
		it.Count = len(it.Records)
		out = append(out, *it)
	}
	return append(out, notEval...), nil
}

func prepare(i int, r policy.RetentionRule) *rule {
	set := func(xs []string) map[string]bool {
		if len(xs) == 0 {
			return nil
		}
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	rr := &rule{idx: i, r: r, fields: set(r.Fields), cats: set(r.Categories), purposes: set(r.Purposes)}
	if r.Action == "anonymize" {
		rr.steps = map[string]string{}
		for _, s := range r.Anonymize {
			rr.steps[s.Field] = s.Strategy
		}
	}
	return rr
}

// matches reports whether rule r covers a record of field and purpose.
func (p *planner) matches(r *rule, field, purpose string) bool {
	if r.purposes != nil && !r.purposes[purpose] {
		return false
	}
	if r.fields == nil && r.cats == nil {
		return true
	}
	if r.fields[field] {
		return true
	}
	for _, c := range p.fieldCat[field] {
		if r.cats[c] {
			return true
		}
	}
	return false
}

// due returns when rule r's duration, run from start, ends.
func (p *planner) due(r *rule, start time.Time) (time.Time, error) {
	d := r.r.Duration
	if t, ok := d.AddCalendar(start); ok {
		return t, nil
	}
	if !p.calDone {
		p.cal, p.calErr = rights.Calendar(p.decl)
		p.calDone = true
	}
	if p.calErr != nil {
		return time.Time{}, fmt.Errorf("rule %s: duration %s: %w", r.r.ID, d, p.calErr)
	}
	t, err := p.cal.AddWorkingDays(start, d.N)
	if err != nil {
		return time.Time{}, fmt.Errorf("rule %s: duration %s: %w", r.r.ID, d, err)
	}
	return t, nil
}

// earliestStart returns a time such that every start whose due time is at
// or before p.at is before it: a filter for the store, checked exactly
// record by record afterwards.
func (p *planner) earliestStart(r *rule) time.Time {
	d := r.r.Duration
	switch d.Unit {
	case policy.Months, policy.Years:
		// Month arithmetic normalises (31 Jan + 1 month = 3 Mar): allow
		// for it.
		if t, ok := (policy.Period{N: -d.N, Unit: d.Unit}).AddCalendar(p.at); ok {
			return t.AddDate(0, 0, 4)
		}
	case policy.WorkingDays:
		// N working days are at least N calendar days.
		return p.at.AddDate(0, 0, -d.N).Add(time.Second)
	}
	t, _ := (policy.Period{N: -d.N, Unit: d.Unit}).AddCalendar(p.at)
	return t.Add(time.Second)
}

// held returns the ids of the active holds that cover a record of the
// subject and field.
func (p *planner) held(subject, field string) []string {
	var ids []string
	for _, h := range p.holds {
		switch h.Scope {
		case store.HoldTenant:
			ids = append(ids, h.ID)
		case store.HoldSubject:
			if h.Target == subject {
				ids = append(ids, h.ID)
			}
		case store.HoldCategory:
			if slices.Contains(p.fieldCat[field], h.Target) {
				ids = append(ids, h.ID)
			}
		}
	}
	return ids
}

// add lists a due record under rule r.
func (p *planner) add(r *rule, rec store.Record, due time.Time) {
	k := itemKey{rule: r.idx, subject: rec.Subject, field: rec.Field, status: StatusDue}
	holds := p.held(rec.Subject, rec.Field)
	switch {
	case len(holds) > 0:
		k.status, k.reason = StatusHeld, "an active legal hold suspends deletion"
	case r.steps != nil:
		k.strategy = r.steps[rec.Field]
		switch k.strategy {
		case "drop":
		case "":
			k.status, k.reason = StatusSkipped, "the rule gives no anonymize step for this field: the records are kept"
		default:
			k.status, k.reason = StatusSkipped, "anonymize strategy "+k.strategy+" needs the value's type and is not implemented yet: the records are kept"
		}
	}
	it := p.items[k]
	if it == nil {
		it = &Item{Rule: r.r.ID, Trigger: r.r.Trigger, Action: r.r.Action, Strategy: k.strategy, Status: k.status,
			Subject: rec.Subject, Field: rec.Field, DueAt: due, Reason: k.reason, Holds: holds}
		p.items[k] = it
	}
	if due.Before(it.DueAt) {
		it.DueAt = due
	}
	it.Records = append(it.Records, rec.ID)
	if p.assigned != nil {
		p.assigned[rec.ID] = true
	}
}

// collected lists the records due under the rules triggered by
// collection, in one pass over the records collected early enough for any
// of them.
func (p *planner) collected() error {
	var rules []*rule
	var cutoff time.Time
	for _, r := range p.rules {
		if r.r.Trigger != policy.TriggerCollected {
			continue
		}
		rules = append(rules, r)
		if t := p.earliestStart(r); t.After(cutoff) {
			cutoff = t
		}
	}
	if len(rules) == 0 {
		return nil
	}
	pg := store.Page{Limit: store.MaxLimit}
	for {
		recs, next, err := p.rd.ListRecords(p.ctx, p.tenant, store.RecordFilter{CollectedBefore: cutoff}, pg)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			for _, r := range rules {
				if !p.matches(r, rec.Field, rec.Purpose) {
					continue
				}
				due, err := p.due(r, rec.CollectedAt)
				if err != nil {
					return err
				}
				if !due.After(p.at) {
					p.add(r, rec, due)
					break
				}
			}
		}
		if next == "" {
			return nil
		}
		pg.After = next
	}
}

// subjectRecords lists the records of subject under rule r that are due
// at due: of purpose when not "", collected before before when not zero,
// and not listed under an earlier rule.
func (p *planner) subjectRecords(r *rule, subject, purpose string, before, due time.Time) error {
	if p.assigned == nil {
		p.assigned = map[string]bool{}
		for _, it := range p.items {
			for _, id := range it.Records {
				p.assigned[id] = true
			}
		}
	}
	recs, err := store.AllPages(func(pg store.Page) ([]store.Record, string, error) {
		return p.rd.ListRecords(p.ctx, p.tenant, store.RecordFilter{Subject: subject, Purpose: purpose, CollectedBefore: before}, pg)
	})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if !p.assigned[rec.ID] && p.matches(r, rec.Field, rec.Purpose) {
			p.add(r, rec, due)
		}
	}
	return nil
}

// cancelled lists the records of cancelled accounts due under r.
func (p *planner) cancelled(r *rule) error {
	subs, err := store.AllPages(func(pg store.Page) ([]store.Subject, string, error) {
		return p.rd.ListSubjects(p.ctx, p.tenant, store.SubjectFilter{Status: store.StatusCancelled}, pg)
	})
	if err != nil {
		return err
	}
	for _, s := range subs {
		reqs, err := store.AllPages(func(pg store.Page) ([]store.Request, string, error) {
			return p.rd.ListRequests(p.ctx, p.tenant, store.RequestFilter{Subject: s.ID, Type: rights.TypeCancelAccount}, pg)
		})
		if err != nil {
			return err
		}
		var ended time.Time
		for _, rq := range reqs {
			det, err := rights.DetailOf(rq)
			if err != nil {
				return err
			}
			if det.CoolingOffEnds.After(ended) {
				ended = det.CoolingOffEnds
			}
		}
		if ended.IsZero() {
			k := itemKey{rule: r.idx, subject: s.ID, status: StatusSkipped}
			p.items[k] = &Item{Rule: r.r.ID, Trigger: r.r.Trigger, Action: r.r.Action, Status: StatusSkipped, Subject: s.ID,
				Reason: "the account is cancelled but no cancel_account request says when: its records are kept"}
			continue
		}
		due, err := p.due(r, ended)
		if err != nil {
			return err
		}
		if due.After(p.at) {
			continue
		}
		if err := p.subjectRecords(r, s.ID, "", time.Time{}, due); err != nil {
			return err
		}
	}
	return nil
}

// withdrawn lists the records due under r because their subject withdrew
// consent to their purpose.
func (p *planner) withdrawn(r *rule) error {
	type sp struct{ subject, purpose string }
	last := map[sp]store.ConsentEvent{}
	pg := store.Page{Limit: store.MaxLimit}
	for {
		evs, next, err := p.rd.ListConsentEvents(p.ctx, p.tenant, "", pg)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if r.purposes == nil || r.purposes[e.Purpose] {
				last[sp{e.Subject, e.Purpose}] = e
			}
		}
		if next == "" {
			break
		}
		pg.After = next
	}
	keys := make([]sp, 0, len(last))
	for k, e := range last {
		if e.Action == store.ConsentWithdraw {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].subject != keys[j].subject {
			return keys[i].subject < keys[j].subject
		}
		return keys[i].purpose < keys[j].purpose
	})
	for _, k := range keys {
		e := last[k]
		due, err := p.due(r, e.At)
		if err != nil {
			return err
		}
		if due.After(p.at) {
			continue
		}
		if err := p.subjectRecords(r, k.subject, k.purpose, e.At.Add(time.Microsecond), due); err != nil {
			return err
		}
	}
	return nil
}
