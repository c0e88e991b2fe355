package rights

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/taxonomy"
	"github.com/trustee-dev/trustee/internal/verify"
)

// Detail is what Request.Detail holds: non-personal facts about a request.
type Detail struct {
	// Channel is the declared channel id the request came through.
	Channel string `json:"channel,omitempty"`
	// Laws are the laws the deadline was capped by.
	Laws []string `json:"laws,omitempty"`
	// Rule describes the rule that set DueAt; RuleID is its id.
	Rule   string `json:"rule,omitempty"`
	RuleID string `json:"rule_id,omitempty"`
	// VerifiedAt is when identity was verified.
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	// AckDueAt is when receipt must be acknowledged (CCPA).
	AckDueAt time.Time `json:"ack_due_at,omitzero"`
	// Fee is true when the request is charged (repeated beyond the limit).
	Fee bool `json:"fee,omitempty"`
	// Refusal is set once the request is refused.
	Refusal *Refusal `json:"refusal,omitempty"`
	// Extensions lists the deadline's extensions.
	Extensions []Extended `json:"extensions,omitempty"`
	// CoolingOffEnds is, for cancel_account, when the cooling-off ends:
	// until then logging in resumes the account (Fulfiller.Resume).
	CoolingOffEnds time.Time `json:"cooling_off_ends,omitzero"`
	// DeleteBy is, for cancel_account, when the account's data must be
	// deleted or anonymized.
	DeleteBy time.Time `json:"delete_by,omitzero"`
	// Held is true when a legal hold kept the subject's data from being
	// deleted; HoldIDs names the holds.
	Held    bool     `json:"held,omitempty"`
	HoldIDs []string `json:"hold_ids,omitempty"`
	// Notice is what the subject is told about how the request was
	// carried out, en and zh.
	Notice *taxonomy.Label `json:"notice,omitempty"`
	// RemindedAt is when staff were reminded of the deadline.
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	// Outcome is what was done to carry the request out.
	Outcome *Outcome `json:"outcome,omitempty"`
	// Verification is the state of the identity check: method, tries,
	// expiry and a keyed hash of the one-time code, never the code or the
	// address it went to.
	Verification *verify.Challenge `json:"verification,omitempty"`
	// RoutedTo is, on an entrusted party's request, the controller's
	// request it was forwarded to; RoutedFrom is, on the controller's
	// request, the entrusted party's request it came from.
	RoutedTo   *Link `json:"routed_to,omitempty"`
	RoutedFrom *Link `json:"routed_from,omitempty"`
}

// Link names a request of another tenant.
type Link struct {
	Tenant  string `json:"tenant"`
	Request string `json:"request"`
}

// Refusal is why a request was refused and what the subject is told.
type Refusal struct {
	// Reason is a taxonomy refusal reason id.
	Reason string `json:"reason"`
	// Explanation is the taxonomy's explanation of the reason, en and zh.
	Explanation taxonomy.Label `json:"explanation"`
	// Note is the staff's explanation to the subject; kept here, never in
	// the audit log.
	Note string `json:"note,omitempty"`
}

// Extended is one extension of a request's deadline.
type Extended struct {
	At     time.Time `json:"at"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Rule   string    `json:"rule"`
	RuleID string    `json:"rule_id"`
	// Reason is the reason given to the subject; never audited.
	Reason string `json:"reason"`
}

// DetailOf decodes a request's Detail.
func DetailOf(r store.Request) (Detail, error) {
	var d Detail
	if len(r.Detail) == 0 {
		return d, nil
	}
	err := json.Unmarshal(r.Detail, &d)
	return d, err
}

// Metrics counts answers given by their deadline and after it. The caller
// registers Collectors.
type Metrics struct {
	Met    *prometheus.CounterVec
	Missed *prometheus.CounterVec
}

// NewMetrics returns counters labelled by request type.
func NewMetrics() *Metrics {
	return &Metrics{
		Met: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trustee_rights_deadlines_met_total",
			Help: "Rights requests answered (fulfilled or refused) by their deadline.",
		}, []string{"type"}),
		Missed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trustee_rights_deadlines_missed_total",
			Help: "Rights requests answered after their deadline, or expired unanswered.",
		}, []string{"type"}),
	}
}

// Collectors returns the metrics' collectors, for prometheus.Register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.Met, m.Missed}
}

// Service keeps rights requests in the store. Declaration returns the
// tenant's active declaration; Metrics may be nil.
type Service struct {
	Store       store.Store
	Clock       clock.Clock
	Declaration func(ctx context.Context, tenant string) (*policy.Declaration, error)
	Metrics     *Metrics
	// OnChange, when set, is called after every committed change of a
	// request (created, moved, carried out), with the request as stored:
	// serve uses it to sync routed requests and call DRP agents back. It
	// must not block; its failures are its own to handle.
	OnChange func(ctx context.Context, r store.Request)
}

// changed calls OnChange.
func (s *Service) changed(ctx context.Context, r store.Request) {
	if s.OnChange != nil && r.ID != "" {
		s.OnChange(ctx, r)
	}
}

func (s *Service) decl(ctx context.Context, tenant string) (*policy.Declaration, error) {
	if s.Declaration == nil {
		return nil, ErrNoDecl
	}
	d, err := s.Declaration(ctx, tenant)
	if err == nil && d == nil {
		err = ErrNoDecl
	}
	return d, err
}

func encode(d Detail) (json.RawMessage, error) {
	b, err := json.Marshal(d)
	return json.RawMessage(b), err
}

func entry(now time.Time, actor, action string, r store.Request, extra map[string]string) audit.Entry {
	det := map[string]string{"type": r.Type, "state": r.State}
	if !r.DueAt.IsZero() {
		det["due_at"] = r.DueAt.UTC().Format(time.RFC3339)
	}
	for k, v := range extra {
		det[k] = v
	}
	return audit.Entry{
		Tenant: r.Tenant, At: now, Actor: actor, Action: action,
		ObjectType: "request", ObjectID: r.ID, Subject: r.Subject, Details: det,
	}
}

// windowStart is now less the repeat window.
func windowStart(now time.Time, p policy.Period) time.Time {
	if t, ok := (policy.Period{N: -p.N, Unit: p.Unit}).AddCalendar(now); ok {
		return t
	}
	return now.Add(-p.Approx())
}

// Create records a new request in state received. Its deadline is set now
// when it runs from receipt, at Verified otherwise. A request of a type the
// subject has already made fees.repeat_limit times within fees.repeat_window
// is charged (Detail.Fee) or refused with repeated_requests, as
// fees.repeat_action says. When the deadline cannot be computed (such as
// calendar.ErrNotCovered for a year the calendar has no data for) nothing is
// recorded and the error is returned.
func (s *Service) Create(ctx context.Context, actor, tenant, subject, typ, channel string) (store.Request, error) {
	if !ValidType(typ) {
		return store.Request{}, fmt.Errorf("%w: %q", ErrUnknownType, typ)
	}
	d, err := s.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	now := store.Norm(s.Clock.Now())
	id, err := uuid.NewV7()
	if err != nil {
		return store.Request{}, err
	}
	det := Detail{Channel: channel, Laws: d.Laws}
	r := store.Request{Tenant: tenant, ID: id.String(), Subject: subject, Type: typ, State: StateReceived, CreatedAt: now}
	if d.Rights.DeadlineFrom != "verification" {
		due, err := Deadline(d, "", typ, time.Time{}, now)
		if err != nil {
			return store.Request{}, err
		}
		r.DueAt, det.Rule, det.RuleID = due.At, due.Rule, due.RuleID
	}
	if ack, ok, err := Acknowledge(d, now); err != nil {
		return store.Request{}, err
	} else if ok {
		det.AckDueAt = ack.At
	}
	fees := d.Rights.Fees
	refused := false
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		repeated := false
		if fees.RepeatLimit > 0 && subject != "" {
			n, err := countSince(ctx, tx, tenant, subject, typ, windowStart(now, fees.RepeatWindow))
			if err != nil {
				return err
			}
			repeated = n >= fees.RepeatLimit
		}
		refuse := repeated && fees.RepeatAction == "refuse"
		det.Fee = repeated && !refuse
		var err error
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if r, err = tx.CreateRequest(ctx, r); err != nil {
			return err
		}
		extra := map[string]string{}
		if det.Fee {
			extra["fee"] = "true"
		}
		if _, err := tx.Audit(ctx, entry(now, actor, "request.create", r, extra)); err != nil {
			return err
		}
		if !refuse {
			return nil
		}
		rr, _ := taxonomy.LookupRefusalReason("repeated_requests")
		det.Refusal = &Refusal{Reason: rr.ID, Explanation: rr.Explanation}
		r.State = StateRefused
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if r, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, entry(now, actor, "request.refuse", r, map[string]string{"reason": rr.ID}))
		refused = true
		return err
	})
	if err == nil && refused && s.Metrics != nil {
		// Answered at once: within any deadline.
		s.Metrics.Met.WithLabelValues(typ).Inc()
	}
	if err == nil {
		s.changed(ctx, r)
	}
	return r, err
}

// countSince counts the subject's requests of a type created at or after
// since.
func countSince(ctx context.Context, rd store.Reader, tenant, subject, typ string, since time.Time) (int, error) {
	rs, err := list(ctx, rd, tenant, store.RequestFilter{Subject: subject, Type: typ})
	n := 0
	for _, r := range rs {
		if !r.CreatedAt.Before(since) {
			n++
		}
	}
	return n, err
}

// move loads a request, checks the transition to state, lets change edit
// it, stores it and audits action, all in one transaction.
func (s *Service) move(ctx context.Context, actor, tenant, id, to, action string,
	change func(r *store.Request, det *Detail, now time.Time) (map[string]string, error)) (store.Request, error) {
	now := store.Norm(s.Clock.Now())
	var out store.Request
	var answered bool
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		r, err := tx.GetRequest(ctx, tenant, id)
		if err != nil {
			return err
		}
		if to != "" {
			if err := CheckTransition(r.State, to); err != nil {
				return err
			}
		}
		det, err := DetailOf(r)
		if err != nil {
			return err
		}
		var extra map[string]string
		if change != nil {
			if extra, err = change(&r, &det, now); err != nil {
				return err
			}
		}
		if to != "" {
			r.State = to
		}
		if r.Detail, err = encode(det); err != nil {
			return err
		}
		if out, err = tx.UpdateRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, entry(now, actor, action, out, extra))
		answered = to == StateFulfilled || to == StateRefused || to == StateExpired
		return err
	})
	if err == nil {
		s.changed(ctx, out)
	}
	if err == nil && answered && s.Metrics != nil {
		if to != StateExpired && (out.DueAt.IsZero() || !now.After(out.DueAt)) {
			s.Metrics.Met.WithLabelValues(out.Type).Inc()
		} else {
			s.Metrics.Missed.WithLabelValues(out.Type).Inc()
		}
	}
	return out, err
}

// StartVerification moves a request to verifying.
func (s *Service) StartVerification(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return s.move(ctx, actor, tenant, id, StateVerifying, "request.verifying", nil)
}

// Verified records the subject's identity verified at verifiedAt and, when
// the deadline runs from verification, sets DueAt.
func (s *Service) Verified(ctx context.Context, actor, tenant, id string, verifiedAt time.Time) (store.Request, error) {
	d, err := s.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	return s.move(ctx, actor, tenant, id, StateVerified, "request.verify", func(r *store.Request, det *Detail, now time.Time) (map[string]string, error) {
		if verifiedAt.IsZero() {
			verifiedAt = now
		}
		det.VerifiedAt = store.Norm(verifiedAt)
		if d.Rights.DeadlineFrom == "verification" {
			due, err := Deadline(d, "", r.Type, det.VerifiedAt, r.CreatedAt)
			if err != nil {
				return nil, err
			}
			r.DueAt, det.Rule, det.RuleID = due.At, due.Rule, due.RuleID
		}
		return map[string]string{"rule": det.RuleID}, nil
	})
}

// Start moves a verified request to in_progress.
func (s *Service) Start(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return s.move(ctx, actor, tenant, id, StateInProgress, "request.start", nil)
}

// Fulfil records the request answered.
func (s *Service) Fulfil(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return s.move(ctx, actor, tenant, id, StateFulfilled, "request.fulfil", nil)
}

// Refuse refuses a request for reason, which must be one of the
// declaration's rights.refusals (a *RefusalError otherwise). The subject is
// told the taxonomy's explanation of the reason (Detail.Refusal) and
// explanation, the staff's own words, which the audit log never holds.
func (s *Service) Refuse(ctx context.Context, actor, tenant, id, reason, explanation string) (store.Request, error) {
	d, err := s.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	rr, err := CheckRefusal(d, reason)
	if err != nil {
		return store.Request{}, err
	}
	return s.move(ctx, actor, tenant, id, StateRefused, "request.refuse", func(_ *store.Request, det *Detail, _ time.Time) (map[string]string, error) {
		det.Refusal = &Refusal{Reason: rr.ID, Explanation: rr.Explanation, Note: explanation}
		return map[string]string{"reason": rr.ID}, nil
	})
}

// Withdraw records the subject's withdrawal of the request.
func (s *Service) Withdraw(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return s.move(ctx, actor, tenant, id, StateWithdrawn, "request.withdraw", nil)
}

// Expire ends a request that lapsed.
func (s *Service) Expire(ctx context.Context, actor, tenant, id string) (store.Request, error) {
	return s.move(ctx, actor, tenant, id, StateExpired, "request.expire", nil)
}

// Extend extends a request's deadline where the law allows it (GDPR Art.
// 12(3), the CCPA), once, recording reason, which the subject must be told,
// in Detail.Extensions. Other deadlines fail with ErrNoExtension.
func (s *Service) Extend(ctx context.Context, actor, tenant, id, reason string) (store.Request, error) {
	if reason == "" {
		return store.Request{}, ErrReasonNeeded
	}
	d, err := s.decl(ctx, tenant)
	if err != nil {
		return store.Request{}, err
	}
	return s.move(ctx, actor, tenant, id, "", "request.extend", func(r *store.Request, det *Detail, now time.Time) (map[string]string, error) {
		if Final(r.State) {
			return nil, fmt.Errorf("%w: request is %s", ErrNoExtension, r.State)
		}
		due, err := Extension(d, det.RuleID, r.CreatedAt)
		if err != nil {
			return nil, err
		}
		det.Extensions = append(det.Extensions, Extended{At: now, From: r.DueAt, To: due.At, Rule: due.Rule, RuleID: due.RuleID, Reason: reason})
		r.DueAt, det.Rule, det.RuleID = due.At, due.Rule, due.RuleID
		return map[string]string{"rule": due.RuleID, "extensions": strconv.Itoa(len(det.Extensions))}, nil
	})
}

// Overdue lists the tenant's requests whose deadline passed before now and
// that are not in a final state.
func (s *Service) Overdue(ctx context.Context, tenant string, now time.Time) ([]store.Request, error) {
	var out []store.Request
	err := s.Store.Read(ctx, func(rd store.Reader) error {
		rs, err := list(ctx, rd, tenant, store.RequestFilter{DueBefore: now})
		for _, r := range rs {
			if !Final(r.State) && !r.DueAt.IsZero() && now.After(r.DueAt) {
				out = append(out, r)
			}
		}
		return err
	})
	return out, err
}
