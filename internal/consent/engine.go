package consent

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
)

// Query asks whether a subject's field may be processed for a purpose now.
type Query struct {
	Tenant  string
	Subject string
	Field   string
	Purpose string
	// Device is the device the data comes from; "" when there is none, and
	// then OS permissions are not checked.
	Device string
	// Region is where the data is to be stored or sent; "" means the
	// declaration's first storage region.
	Region string
	// GPC is true when the request carried Sec-GPC: 1.
	GPC bool
}

// Decision is the engine's answer to a [Query].
type Decision struct {
	Allowed bool
	// Reason is ReasonOK when Allowed, and otherwise the rule that refused.
	Reason Reason
	// Detail says in words what refused, naming ids only (field, purpose,
	// permission, transfer, region), never a value. It is "" when Allowed.
	Detail string
	// Law cites the articles behind the refusal, for the declaration's
	// laws, such as "PIPL Art. 15; GDPR Art. 7(3)". It is "" when Allowed.
	Law string
}

// Option configures an [Engine].
type Option func(*Engine)

// WithMaxSubjects bounds the number of subjects cached (default 100,000).
// When the bound is passed, a random eighth of the entries is dropped.
func WithMaxSubjects(n int) Option {
	return func(e *Engine) {
		if n > 0 {
			e.maxSubjects = int64(n)
		}
	}
}

// WithLogger sets the logger for [Engine.Follow]'s errors (default
// slog.Default()). The engine logs ids and errors only.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) {
		if l != nil {
			e.log = l
		}
	}
}

// genShards is the number of invalidation generations; a power of two.
const genShards = 256

// subjectKey keys the subject cache.
type subjectKey struct{ tenant, subject string }

// Engine decides whether processing is allowed, from an in-memory snapshot
// of each tenant's active declaration and a cache of subject state, both
// loaded from a [Source] on first use and dropped on change.
//
// An Engine is safe for concurrent use. Decisions on a warm cache take no
// lock and do not allocate when allowed: tenants are found through an
// atomic pointer to a copy-on-write map of immutable snapshots, subjects in
// a sync.Map of immutable entries.
type Engine struct {
	src         Source
	log         *slog.Logger
	maxSubjects int64

	mu        sync.Mutex // serialises writers of tenants
	tenants   atomic.Pointer[map[string]*snapshot]
	tenantGen atomic.Uint64

	subjects  sync.Map // subjectKey → *subjectEntry
	nSubjects atomic.Int64
	gens      [genShards]atomic.Uint64
	seed      maphash.Seed
	evicting  atomic.Bool

	// degraded is set while the change feed fails: the caches may then be
	// stale, so decisions read through to the source.
	degraded atomic.Bool
}

// NewEngine returns an engine reading from src.
func NewEngine(src Source, opts ...Option) *Engine {
	e := &Engine{src: src, log: slog.Default(), maxSubjects: 100_000, seed: maphash.MakeSeed()}
	e.tenants.Store(&map[string]*snapshot{})
	for _, o := range opts {
		o(e)
	}
	return e
}

// Decide answers q. It returns an error only when the source fails; the
// Decision is then the zero Decision, a refusal. The rules are checked in this order, and the
// first that fails gives the Reason:
//
//  1. the tenant has an active declaration (no_declaration);
//  2. the purpose is declared (purpose_not_declared);
//  3. the field is declared (field_not_declared);
//  4. some function collects the field for the purpose (field_not_for_purpose);
//  5. the purpose has a basis under every law of the declaration (no_legal_basis);
//  6. the subject is active: restricted, banned, cancelled and erased
//     subjects refuse everything (subject_restricted, subject_banned,
//     subject_cancelled, subject_erased); an unknown subject is active
//     with no consents;
//  7. a subject whose age bracket is known is not below the minimum age,
//     the declaration's or its regional rule's for the subject's region
//     (under_minimum_age);
//  8. a purpose that asks for consent has it: its last ledger event is a
//     grant (else no_consent, no_separate_consent or no_guardian_consent;
//     consent_withdrawn when it is a withdrawal) of a kind at least as
//     strong as needed (consent < separate < guardian; a subject below the
//     guardian-consent age needs guardian consent for every such purpose),
//     given under the active version or one whose diff to it does not
//     list the purpose for re-consent (reconsent_required);
//  9. a purpose that sells or shares has no opt-out, in the query (Sec-GPC)
//     or recorded (gpc_opt_out);
//  10. when a device is given and the field is exposed by declared OS
//     permissions, at least one of them is granted on the device; a
//     permission never recorded for the device counts as not granted
//     (permission_off);
//  11. the target region (the first storage region when none is given) lies
//     within a storage region or is reached by a transfer: a region that
//     is neither refuses (region_not_declared), and a transfer must
//     cover the field for the purpose (transfer_not_declared). The
//     transfer's consent is then needed as in rule 8; so is the consent of
//     a transfer to a storage region covering the field and purpose when
//     the subject is known to live across a border from it (a subject in
//     CN whose data is stored in US).
func (e *Engine) Decide(ctx context.Context, q Query) (Decision, error) {
	s, err := e.snapshot(ctx, q.Tenant)
	if err != nil {
		return Decision{}, err
	}
	if s.decl == nil {
		return s.refuse(ReasonNoDeclaration, "the tenant has no active declaration"), nil
	}
	pi, ok := s.purposeIdx[q.Purpose]
	if !ok {
		return s.refuse(ReasonPurposeNotDeclared, "purpose "+q.Purpose+" is not declared"), nil
	}
	fi, ok := s.fieldIdx[q.Field]
	if !ok {
		return s.refuse(ReasonFieldNotDeclared, "field "+q.Field+" is not declared"), nil
	}
	if !s.forPurpose(fi, pi) {
		return s.refuse(ReasonFieldNotForPurpose, "no function collects field "+q.Field+" for purpose "+q.Purpose), nil
	}
	p := &s.purposes[pi]
	if p.noBasis != "" {
		d := s.refuse(ReasonNoLegalBasis, "purpose "+p.id+" has no "+p.noBasis+" legal basis")
		d.Law = p.noBasisCite
		return d, nil
	}

	sub, err := e.subject(ctx, s, q.Tenant, q.Subject)
	if err != nil {
		return Decision{}, err
	}
	if sub.status != ReasonOK {
		return s.refuse(sub.status, "the subject's status refuses all processing"), nil
	}
	if sub.underMinimum {
		return s.refuse(ReasonUnderMinimumAge, "the subject is below the minimum age of "+strconv.Itoa(sub.minimumAge)), nil
	}
	if need := p.need; need != kindNone {
		if sub.needGuardian {
			need = kindGuardian
		}
		if r := sub.check(pi, need); r != ReasonOK {
			return s.refuse(r, consentDetail(r, "purpose "+p.id, need)), nil
		}
	}
	if p.saleOrShare && (q.GPC || sub.gpc) {
		return s.refuse(ReasonGPCOptOut, "purpose "+p.id+" sells or shares personal information and the subject opted out"), nil
	}
	if perms := s.fieldPerms[fi]; q.Device != "" && len(perms) > 0 {
		if granted := sub.devices[q.Device]; !granted.hasAny(perms) {
			return s.refuse(ReasonPermissionOff, "field "+q.Field+" needs permission "+s.permIDs[perms[0]]+", which is off on the device"), nil
		}
	}
	plan := s.plan(q.Region)
	ti := -1
	switch {
	case plan.storage < 0 && len(plan.transfers) == 0:
		return s.refuse(ReasonRegionNotDeclared, "region "+regionName(s, q.Region)+" is neither a storage region nor a declared transfer destination"), nil
	case plan.storage < 0:
		if ti = s.covering(plan, fi, pi); ti < 0 {
			return s.refuse(ReasonTransferNotDeclared, "no transfer to "+regionName(s, q.Region)+" covers field "+q.Field+" for purpose "+p.id), nil
		}
	case sub.crossesTo(plan.storage):
		ti = s.covering(plan, fi, pi)
	}
	if ti >= 0 {
		t := &s.transfers[ti]
		if need := t.need; need != kindNone {
			if sub.needGuardian {
				need = kindGuardian
			}
			if r := sub.check(pi, need); r != ReasonOK {
				d := s.refuse(r, consentDetail(r, "transfer "+t.id+" to "+t.to+" for purpose "+p.id, need))
				if r == ReasonNoSeparateConsent || r == ReasonNoConsent {
					d.Law = s.transferCite
				}
				return d, nil
			}
		}
	}
	return Decision{Allowed: true, Reason: ReasonOK}, nil
}

// Declaration returns the tenant's active declaration as the engine holds
// it, loading it when not cached, or an error wrapping [ErrNoDeclaration]
// when the tenant has none. The declaration is shared: do not modify it.
func (e *Engine) Declaration(ctx context.Context, tenant string) (*policy.Declaration, error) {
	s, err := e.snapshot(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if s.decl == nil {
		return nil, fmt.Errorf("tenant %s: %w", tenant, ErrNoDeclaration)
	}
	return s.decl, nil
}

// refuse builds a refusal citing the snapshot's laws.
func (s *snapshot) refuse(r Reason, detail string) Decision {
	return Decision{Reason: r, Detail: detail, Law: s.cites[r]}
}

func consentDetail(r Reason, what string, need kind) string {
	switch r {
	case ReasonConsentWithdrawn:
		return "consent to " + what + " was withdrawn"
	case ReasonReconsentRequired:
		return "consent to " + what + " was given to a version of the declaration a major change has overtaken"
	}
	switch need {
	case kindSeparate:
		return what + " needs separate consent"
	case kindGuardian:
		return what + " needs a guardian's consent"
	}
	return what + " needs consent"
}

func regionName(s *snapshot, r string) string {
	if r == "" && len(s.storage) > 0 {
		return s.storage[0]
	}
	return r
}

// snapshot returns the tenant's snapshot, loading it when not cached.
func (e *Engine) snapshot(ctx context.Context, tenant string) (*snapshot, error) {
	if !e.degraded.Load() {
		if s, ok := (*e.tenants.Load())[tenant]; ok {
			return s, nil
		}
	}
	g := e.tenantGen.Load()
	d, err := e.src.ActiveDeclaration(ctx, tenant)
	if err != nil && !errors.Is(err, ErrNoDeclaration) {
		return nil, err
	}
	if err != nil {
		d = nil
	}
	cur := (*e.tenants.Load())[tenant]
	if cur != nil && sameDeclaration(cur.decl, d) {
		return cur, nil
	}
	s := compile(tenant, d)
	e.mu.Lock()
	if e.tenantGen.Load() == g {
		old := *e.tenants.Load()
		m := make(map[string]*snapshot, len(old)+1)
		for k, v := range old {
			m[k] = v
		}
		m[tenant] = s
		e.tenants.Store(&m)
	}
	e.mu.Unlock()
	return s, nil
}

func sameDeclaration(a, b *policy.Declaration) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || a.ID == b.ID && a.Version == b.Version
}

// subject returns the subject's entry compiled against s, loading the
// state when it is not cached.
func (e *Engine) subject(ctx context.Context, s *snapshot, tenant, subject string) (*subjectEntry, error) {
	k := subjectKey{tenant, subject}
	degraded := e.degraded.Load()
	if !degraded {
		if v, ok := e.subjects.Load(k); ok {
			old := v.(*subjectEntry)
			if old.snap == s {
				return old, nil
			}
			// Cached against another declaration: the state still holds.
			n, err := compileSubject(ctx, e.src, s, old.state)
			if err != nil {
				return nil, err
			}
			e.subjects.CompareAndSwap(k, old, n)
			return n, nil
		}
	}
	gen := &e.gens[maphash.String(e.seed, subject)&(genShards-1)]
	g := gen.Load()
	st, err := e.src.SubjectState(ctx, tenant, subject)
	if err != nil {
		return nil, err
	}
	n, err := compileSubject(ctx, e.src, s, st)
	if err != nil {
		return nil, err
	}
	if degraded {
		return n, nil
	}
	if _, loaded := e.subjects.Swap(k, n); !loaded && e.nSubjects.Add(1) > e.maxSubjects {
		e.evict()
	}
	// An invalidation that began after the state was read may have missed
	// the entry just stored: drop it, the next decision reads again.
	if gen.Load() != g && e.subjects.CompareAndDelete(k, n) {
		e.nSubjects.Add(-1)
	}
	return n, nil
}

// evict drops entries until an eighth of the bound is free. Entries go in
// the map's hash order, which is as good as random.
func (e *Engine) evict() {
	if !e.evicting.CompareAndSwap(false, true) {
		return
	}
	defer e.evicting.Store(false)
	target := e.maxSubjects - e.maxSubjects/8
	e.subjects.Range(func(k, v any) bool {
		if e.nSubjects.Load() <= target {
			return false
		}
		if e.subjects.CompareAndDelete(k, v) {
			e.nSubjects.Add(-1)
		}
		return true
	})
}

// Invalidate drops what is cached of a subject, after its state changed
// (a consent event, a status, age, region, permission or opt-out change).
// Decisions that start after Invalidate returns read the new state.
func (e *Engine) Invalidate(tenant, subject string) {
	e.gens[maphash.String(e.seed, subject)&(genShards-1)].Add(1)
	if _, ok := e.subjects.LoadAndDelete(subjectKey{tenant, subject}); ok {
		e.nSubjects.Add(-1)
	}
}

// InvalidateTenant drops the tenant's snapshot, after a declaration was
// activated. Cached subjects are recompiled against the new declaration
// from the state already read.
func (e *Engine) InvalidateTenant(tenant string) {
	e.mu.Lock()
	e.tenantGen.Add(1)
	old := *e.tenants.Load()
	if _, ok := old[tenant]; ok {
		m := make(map[string]*snapshot, len(old))
		for k, v := range old {
			if k != tenant {
				m[k] = v
			}
		}
		e.tenants.Store(&m)
	}
	e.mu.Unlock()
}

// invalidateSubjects drops every cached subject of tenant.
func (e *Engine) invalidateSubjects(tenant string) {
	for i := range e.gens {
		e.gens[i].Add(1)
	}
	e.subjects.Range(func(k, v any) bool {
		if k.(subjectKey).tenant == tenant && e.subjects.CompareAndDelete(k, v) {
			e.nSubjects.Add(-1)
		}
		return true
	})
}

// Reset drops everything cached.
func (e *Engine) Reset() {
	e.mu.Lock()
	e.tenantGen.Add(1)
	e.tenants.Store(&map[string]*snapshot{})
	e.mu.Unlock()
	for i := range e.gens {
		e.gens[i].Add(1)
	}
	e.subjects.Range(func(k, v any) bool {
		if e.subjects.CompareAndDelete(k, v) {
			e.nSubjects.Add(-1)
		}
		return true
	})
}

// Apply applies changes made elsewhere, such as on another node.
func (e *Engine) Apply(changes []Change) {
	for _, c := range changes {
		switch {
		case c.Kind == ChangeSubject && c.Subject != "":
			e.Invalidate(c.Tenant, c.Subject)
		case c.Kind == ChangeSubject:
			e.invalidateSubjects(c.Tenant)
		case c.Kind == ChangeTenant:
			e.InvalidateTenant(c.Tenant)
		default:
			e.InvalidateTenant(c.Tenant)
			e.invalidateSubjects(c.Tenant)
		}
	}
}

// Follow polls feed every interval and applies its changes, until ctx
// ends; run it once per engine, on its own goroutine. It starts by asking
// the feed for its current cursor (after = -1) and then drops everything
// cached, since what was loaded before may predate that cursor. A poll that
// returns changes is followed at once by another. While the feed fails,
// the engine reads through to the source on every decision (slower, but
// never stale, since changes made elsewhere cannot reach it); it caches
// again once a poll succeeds.
func (e *Engine) Follow(ctx context.Context, feed Feed, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	cursor := int64(-1)
	first := true
	for {
		for ctx.Err() == nil {
			changes, next, err := feed.Changes(ctx, cursor)
			if err != nil {
				if ctx.Err() == nil && !e.degraded.Swap(true) {
					e.log.WarnContext(ctx, "consent: change feed failed; deciding from the source until it recovers", "cursor", cursor, "err", err)
				}
				break
			}
			if first {
				e.Reset()
				first = false
				changes = nil
			} else {
				e.Apply(changes)
			}
			if e.degraded.Swap(false) {
				e.log.InfoContext(ctx, "consent: change feed recovered", "cursor", next)
			}
			more := len(changes) > 0 && next != cursor
			cursor = next
			if !more {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
