package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
)

// GuardReader returns a Reader that checks every argument before passing it
// to r, so that r, a backend's reader, sees only valid input: ids and names
// well formed, the Page's Limit in 1..[MaxLimit], its After a record id
// for record listings and a decimal Seq for the consent ledger and
// declaration versions, filter times normalised. Backends give it to the fn of [Store.Read].
func GuardReader(r Reader) Reader { return &guard{r: r} }

// GuardWrite runs fn on a guarded view of tx, a backend's raw transaction,
// and enforces what [Store.Write] promises; the backend commits when it
// returns nil and rolls back otherwise. The guard
//   - checks and normalises every argument (times stamped with now when
//     zero, kept in UTC at [Precision]; request details compacted), so tx
//     sees only valid input;
//   - records which methods changed data and whether any audit entry was
//     appended, and returns an error wrapping [ErrUnaudited] if fn changed
//     data without one;
//   - after an error other than [ErrNotFound], [ErrConflict] or
//     [ErrInvalid] fails every later call and returns that error even if
//     fn returned nil;
//   - refuses every call once fn has returned.
//
// now is the transaction's time; the backend uses the same instant for the
// times it stamps itself (UpdatedAt).
func GuardWrite(ctx context.Context, tx Tx, now time.Time, fn func(Tx) error) error {
	g := &guard{r: tx, tx: tx, now: Norm(now)}
	err := fn(g)
	g.closed = true
	switch {
	case err != nil:
		return err
	case g.broken != nil:
		return g.broken
	case len(g.mutated) > 0 && !g.audited:
		return fmt.Errorf("%w: %s rolled back", ErrUnaudited, strings.Join(g.mutated, ", "))
	}
	return ctx.Err()
}

// guard is the checked view of a backend's Reader or Tx. It is not safe for
// concurrent use, as Tx is not.
type guard struct {
	r   Reader
	tx  Tx // nil for a read-only guard
	now time.Time

	mutated []string // names of the methods that changed data
	audited bool
	broken  error
	closed  bool
}

var (
	_ Reader = (*guard)(nil)
	_ Tx     = (*guard)(nil)
)

// enter refuses calls on a finished or broken transaction.
func (g *guard) enter() error {
	switch {
	case g.closed:
		return errors.New("store: transaction used after its function returned")
	case g.broken != nil:
		return fmt.Errorf("%w: %w", ErrTxBroken, g.broken)
	}
	return nil
}

// leave notes err: errors other than the ones a Tx promises to survive
// break a read-write transaction.
func (g *guard) leave(err error) error {
	if err == nil || g.tx == nil || g.broken != nil {
		return err
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrInvalid) {
		return err
	}
	g.broken = err
	return err
}

// mutate records that method changed data.
func (g *guard) mutate(method string) {
	if !slices.Contains(g.mutated, method) {
		g.mutated = append(g.mutated, method)
	}
}

func (g *guard) writable() error {
	if err := g.enter(); err != nil {
		return err
	}
	if g.tx == nil {
		return errors.New("store: write in a read-only transaction")
	}
	return nil
}

func (g *guard) CreateTenant(ctx context.Context, t Tenant) (Tenant, error) {
	if err := g.writable(); err != nil {
		return Tenant{}, err
	}
	if err := t.check(g.now); err != nil {
		return Tenant{}, err
	}
	t, err := g.tx.CreateTenant(ctx, t)
	if err == nil {
		g.mutate("CreateTenant")
	}
	return t, g.leave(err)
}

func (g *guard) CreateSubject(ctx context.Context, s Subject) (Subject, error) {
	if err := g.writable(); err != nil {
		return Subject{}, err
	}
	if err := s.check(g.now); err != nil {
		return Subject{}, err
	}
	s, err := g.tx.CreateSubject(ctx, s)
	if err == nil {
		g.mutate("CreateSubject")
	}
	return s, g.leave(err)
}

func (g *guard) SetSubjectStatus(ctx context.Context, tenant, id string, status SubjectStatus) (Subject, error) {
	if err := g.writable(); err != nil {
		return Subject{}, err
	}
	if err := checkTenantID(tenant, "subject", id); err != nil {
		return Subject{}, err
	}
	if !status.Valid() {
		return Subject{}, invalid("status", "unknown status")
	}
	s, err := g.tx.SetSubjectStatus(ctx, tenant, id, status)
	if err == nil {
		g.mutate("SetSubjectStatus")
	}
	return s, g.leave(err)
}

func (g *guard) SetSubjectProfile(ctx context.Context, tenant, id string, ageFloor int, region string) (Subject, error) {
	if err := g.writable(); err != nil {
		return Subject{}, err
	}
	if err := checkTenantID(tenant, "subject", id); err != nil {
		return Subject{}, err
	}
	if !ValidAgeFloor(ageFloor) {
		return Subject{}, invalid("age_floor", ageFloorReason)
	}
	region, err := checkRegion("region", region)
	if err != nil {
		return Subject{}, err
	}
	s, err := g.tx.SetSubjectProfile(ctx, tenant, id, ageFloor, region)
	if err == nil {
		g.mutate("SetSubjectProfile")
	}
	return s, g.leave(err)
}

func (g *guard) InsertRecords(ctx context.Context, recs []Record) error {
	if err := g.writable(); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	own := make([]Record, len(recs))
	for i, r := range recs {
		if err := r.check(i, g.now); err != nil {
			return err
		}
		own[i] = r
	}
	err := g.tx.InsertRecords(ctx, own)
	if err == nil {
		g.mutate("InsertRecords")
	}
	return g.leave(err)
}

func (g *guard) DeleteRecords(ctx context.Context, tenant string, ids []string) (int64, error) {
	if err := g.writable(); err != nil {
		return 0, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	for i, id := range ids {
		if err := CheckRecordID("ids["+strconv.Itoa(i)+"]", id); err != nil {
			return 0, err
		}
	}
	n, err := g.tx.DeleteRecords(ctx, tenant, slices.Clone(ids))
	if err == nil && n > 0 {
		g.mutate("DeleteRecords")
	}
	return n, g.leave(err)
}

func (g *guard) DeleteSubjectRecords(ctx context.Context, tenant, subject string) (int64, error) {
	if err := g.writable(); err != nil {
		return 0, err
	}
	if err := checkTenantID(tenant, "subject", subject); err != nil {
		return 0, err
	}
	n, err := g.tx.DeleteSubjectRecords(ctx, tenant, subject)
	if err == nil && n > 0 {
		g.mutate("DeleteSubjectRecords")
	}
	return n, g.leave(err)
}

func (g *guard) CreateBlob(ctx context.Context, b BlobMeta) (BlobMeta, error) {
	if err := g.writable(); err != nil {
		return BlobMeta{}, err
	}
	if err := b.check(g.now); err != nil {
		return BlobMeta{}, err
	}
	b, err := g.tx.CreateBlob(ctx, b)
	if err == nil {
		g.mutate("CreateBlob")
	}
	return b, g.leave(err)
}

func (g *guard) DeleteBlob(ctx context.Context, tenant, id string) error {
	if err := g.writable(); err != nil {
		return err
	}
	if err := checkTenantID(tenant, "blob", id); err != nil {
		return err
	}
	err := g.tx.DeleteBlob(ctx, tenant, id)
	if err == nil {
		g.mutate("DeleteBlob")
	}
	return g.leave(err)
}

func (g *guard) AppendConsent(ctx context.Context, e ConsentEvent) (ConsentEvent, error) {
	if err := g.writable(); err != nil {
		return ConsentEvent{}, err
	}
	if err := e.check(g.now); err != nil {
		return ConsentEvent{}, err
	}
	e, err := g.tx.AppendConsent(ctx, e)
	if err == nil {
		g.mutate("AppendConsent")
	}
	return e, g.leave(err)
}

func (g *guard) CreateRequest(ctx context.Context, r Request) (Request, error) {
	if err := g.writable(); err != nil {
		return Request{}, err
	}
	if err := r.check(g.now, true); err != nil {
		return Request{}, err
	}
	r, err := g.tx.CreateRequest(ctx, r)
	if err == nil {
		g.mutate("CreateRequest")
	}
	return r, g.leave(err)
}

func (g *guard) UpdateRequest(ctx context.Context, r Request) (Request, error) {
	if err := g.writable(); err != nil {
		return Request{}, err
	}
	if err := r.check(g.now, false); err != nil {
		return Request{}, err
	}
	r, err := g.tx.UpdateRequest(ctx, r)
	if err == nil {
		g.mutate("UpdateRequest")
	}
	return r, g.leave(err)
}

func (g *guard) Audit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	if err := g.writable(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	own := make([]audit.Entry, len(entries))
	for i, e := range entries {
		if err := checkEntry(i, &e, g.now); err != nil {
			return nil, err
		}
		own[i] = e
	}
	out, err := g.tx.Audit(ctx, own...)
	if err == nil {
		g.audited = true
	}
	return out, g.leave(err)
}

// checkEntry checks an audit entry and normalises it as stored: Seq zero
// (the store assigns it), At stamped and truncated, empty Fields and
// Details nil, both copied so the caller cannot change them afterwards.
func checkEntry(i int, e *audit.Entry, now time.Time) error {
	p := "audit[" + strconv.Itoa(i) + "]."
	if err := checkOptID(p+"tenant", e.Tenant); err != nil {
		return err
	}
	if err := checkName(p+"actor", e.Actor); err != nil {
		return err
	}
	if err := checkName(p+"action", e.Action); err != nil {
		return err
	}
	if e.ObjectType != "" {
		if err := checkName(p+"object_type", e.ObjectType); err != nil {
			return err
		}
	}
	if err := checkText(p+"object_id", e.ObjectID, MaxIDLen); err != nil {
		return err
	}
	if err := checkOptID(p+"subject", e.Subject); err != nil {
		return err
	}
	for j, f := range e.Fields {
		if err := checkName(p+"fields["+strconv.Itoa(j)+"]", f); err != nil {
			return err
		}
	}
	for k, v := range e.Details {
		if err := checkName(p+"details key", k); err != nil {
			return err
		}
		if err := checkText(p+"details["+k+"]", v, MaxTextLen); err != nil {
			return err
		}
	}
	e.Seq = 0
	var err error
	if e.At, err = stamp(p+"at", e.At, now); err != nil {
		return err
	}
	if len(e.Fields) == 0 {
		e.Fields = nil
	} else {
		e.Fields = slices.Clone(e.Fields)
	}
	if len(e.Details) == 0 {
		e.Details = nil
	} else {
		e.Details = maps.Clone(e.Details)
	}
	return nil
}
