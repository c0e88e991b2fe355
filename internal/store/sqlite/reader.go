package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/trustee-dev/trustee/internal/store"
)

// reader implements store.Reader on one transaction. Its arguments have
// been checked by store.GuardReader or store.GuardWrite. Every query names
// the tenant in its WHERE clause.
type reader struct {
	q *sql.Tx
	c stmtCache // the hot statements of q's pool
}

var _ store.Reader = (*reader)(nil)

// query builds a SELECT with AND-ed conditions and its arguments.
type query struct {
	b    strings.Builder
	args []any
}

func newQuery(sel string, args ...any) *query {
	q := &query{args: args}
	q.b.WriteString(sel)
	return q
}

// and adds "AND cond" with its argument when use is true.
func (q *query) and(use bool, cond string, arg any) {
	if use {
		q.b.WriteString(" AND ")
		q.b.WriteString(cond)
		q.args = append(q.args, arg)
	}
}

// page adds the keyset condition, the order and the limit (one more than
// the page, to know whether another follows).
func (q *query) page(key string, p store.Page) {
	q.and(p.After != "", key+" > ?", p.After)
	q.b.WriteString(" ORDER BY " + key + " LIMIT " + strconv.Itoa(p.Limit+1))
}

func (q *query) String() string { return q.b.String() }

// list runs q and scans each row with scan, returning one page and the
// After of the next.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func list[T any](ctx context.Context, db queryer, q *query, limit int, scan func(*sql.Rows) (T, error), key func(T) string) ([]T, string, error) {
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(out) > limit {
		out = out[:limit]
		return out, key(out[limit-1]), nil
	}
	return out, "", nil
}

func notFound(what, tenant, id string) error {
	if tenant == "" {
		return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound)
	}
	return fmt.Errorf("%s %q in tenant %q: %w", what, id, tenant, store.ErrNotFound)
}

// one maps sql.ErrNoRows to store.ErrNotFound.
func one(err error, what, tenant, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return notFound(what, tenant, id)
	}
	return fmt.Errorf("sqlite: get %s: %w", what, err)
}

// Tenants

const tenantCols = "id, name, kind, created_at"

func scanTenant(r interface{ Scan(...any) error }) (store.Tenant, error) {
	var t store.Tenant
	var at int64
	err := r.Scan(&t.ID, &t.Name, &t.Kind, &at)
	t.CreatedAt = fromMicros(at)
	return t, err
}

func (r *reader) GetTenant(ctx context.Context, id string) (store.Tenant, error) {
	t, err := scanTenant(r.q.QueryRowContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE id = ?", id))
	return t, one(err, "tenant", "", id)
}

func (r *reader) ListTenants(ctx context.Context, p store.Page) ([]store.Tenant, string, error) {
	q := newQuery("SELECT " + tenantCols + " FROM tenants WHERE 1 = 1")
	q.page("id", p)
	ts, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.Tenant, error) { return scanTenant(rs) },
		func(t store.Tenant) string { return t.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list tenants: %w", err)
	}
	return ts, next, nil
}

// Subjects

const (
	subjectCols   = "tenant, id, status, created_at, updated_at, age_floor, region"
	getSubjectSQL = "SELECT " + subjectCols + " FROM subjects WHERE tenant = ? AND id = ?"
)

func scanSubject(r interface{ Scan(...any) error }) (store.Subject, error) {
	var s store.Subject
	var c, u int64
	err := r.Scan(&s.Tenant, &s.ID, &s.Status, &c, &u, &s.AgeFloor, &s.Region)
	s.CreatedAt, s.UpdatedAt = fromMicros(c), fromMicros(u)
	return s, err
}

func (r *reader) GetSubject(ctx context.Context, tenant, id string) (store.Subject, error) {
	s, err := scanSubject(r.queryRow(ctx, getSubjectSQL, tenant, id))
	return s, one(err, "subject", tenant, id)
}

func subjectQuery(sel, tenant string, f store.SubjectFilter) *query {
	q := newQuery(sel+" FROM subjects WHERE tenant = ?", tenant)
	q.and(f.Status != "", "status = ?", f.Status)
	return q
}

func (r *reader) ListSubjects(ctx context.Context, tenant string, f store.SubjectFilter, p store.Page) ([]store.Subject, string, error) {
	q := subjectQuery("SELECT "+subjectCols, tenant, f)
	q.page("id", p)
	ss, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.Subject, error) { return scanSubject(rs) },
		func(s store.Subject) string { return s.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list subjects: %w", err)
	}
	return ss, next, nil
}

func (r *reader) CountSubjects(ctx context.Context, tenant string, f store.SubjectFilter) (int64, error) {
	return r.count(ctx, subjectQuery("SELECT count(*)", tenant, f), "subjects")
}

func (r *reader) count(ctx context.Context, q *query, what string) (int64, error) {
	var n int64
	if err := r.q.QueryRowContext(ctx, q.String(), q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count %s: %w", what, err)
	}
	return n, nil
}

// Records

const (
	recordCols   = "tenant, id, subject, field, purpose, collected_at, ciphertext, blind_index, device, region"
	getRecordSQL = "SELECT " + recordCols + " FROM records WHERE tenant = ? AND id = ?"
	// findByIndexSQL always has the id condition ("" sorts first) and a
	// bound limit, so that one prepared statement serves every page.
	findByIndexSQL = "SELECT " + recordCols + " FROM records WHERE tenant = ? AND field = ? AND blind_index = ? " +
		"AND id > ? ORDER BY id LIMIT ?"
)

func scanRecord(r interface{ Scan(...any) error }) (store.Record, error) {
	var rec store.Record
	var at int64
	err := r.Scan(&rec.Tenant, &rec.ID, &rec.Subject, &rec.Field, &rec.Purpose, &at,
		&rec.Ciphertext, &rec.Index, &rec.Device, &rec.Region)
	rec.CollectedAt = fromMicros(at)
	return rec, err
}

func (r *reader) GetRecord(ctx context.Context, tenant, id string) (store.Record, error) {
	rec, err := scanRecord(r.queryRow(ctx, getRecordSQL, tenant, id))
	return rec, one(err, "record", tenant, id)
}

func recordQuery(sel, tenant string, f store.RecordFilter) *query {
	q := newQuery(sel+" FROM records WHERE tenant = ?", tenant)
	q.and(f.Subject != "", "subject = ?", f.Subject)
	q.and(f.Field != "", "field = ?", f.Field)
	q.and(f.Purpose != "", "purpose = ?", f.Purpose)
	q.and(!f.CollectedBefore.IsZero(), "collected_at < ?", micros(f.CollectedBefore))
	return q
}

func (r *reader) ListRecords(ctx context.Context, tenant string, f store.RecordFilter, p store.Page) ([]store.Record, string, error) {
	q := recordQuery("SELECT "+recordCols, tenant, f)
	q.page("id", p)
	return r.records(ctx, q, p.Limit)
}

func (r *reader) records(ctx context.Context, q *query, limit int) ([]store.Record, string, error) {
	rs, next, err := list(ctx, r, q, limit, func(rs *sql.Rows) (store.Record, error) { return scanRecord(rs) },
		func(r store.Record) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list records: %w", err)
	}
	return rs, next, nil
}

func (r *reader) CountRecords(ctx context.Context, tenant string, f store.RecordFilter) (int64, error) {
	return r.count(ctx, recordQuery("SELECT count(*)", tenant, f), "records")
}

func (r *reader) FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	return r.records(ctx, newQuery(findByIndexSQL, tenant, field, index, p.After, p.Limit+1), p.Limit)
}

// Blobs

const blobCols = "tenant, id, subject, field, purpose, object_key, size, content_type, created_at"

func scanBlob(r interface{ Scan(...any) error }) (store.BlobMeta, error) {
	var b store.BlobMeta
	var at int64
	err := r.Scan(&b.Tenant, &b.ID, &b.Subject, &b.Field, &b.Purpose, &b.ObjectKey, &b.Size, &b.ContentType, &at)
	b.CreatedAt = fromMicros(at)
	return b, err
}

func (r *reader) GetBlob(ctx context.Context, tenant, id string) (store.BlobMeta, error) {
	b, err := scanBlob(r.q.QueryRowContext(ctx,
		"SELECT "+blobCols+" FROM blobs WHERE tenant = ? AND id = ?", tenant, id))
	return b, one(err, "blob", tenant, id)
}

func (r *reader) ListBlobs(ctx context.Context, tenant, subject string, p store.Page) ([]store.BlobMeta, string, error) {
	q := newQuery("SELECT "+blobCols+" FROM blobs WHERE tenant = ?", tenant)
	q.and(subject != "", "subject = ?", subject)
	q.page("id", p)
	bs, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.BlobMeta, error) { return scanBlob(rs) },
		func(b store.BlobMeta) string { return b.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list blobs: %w", err)
	}
	return bs, next, nil
}

// Consent events

const consentCols = "tenant, seq, subject, purpose, declaration_version, kind, action, channel, text_hash, at"

func scanConsent(r interface{ Scan(...any) error }) (store.ConsentEvent, error) {
	var e store.ConsentEvent
	var at int64
	err := r.Scan(&e.Tenant, &e.Seq, &e.Subject, &e.Purpose, &e.DeclarationVersion, &e.Kind, &e.Action,
		&e.Channel, &e.TextHash, &at)
	e.At = fromMicros(at)
	return e, err
}

func (r *reader) ListConsentEvents(ctx context.Context, tenant, subject string, p store.Page) ([]store.ConsentEvent, string, error) {
	q := newQuery("SELECT "+consentCols+" FROM consent_events WHERE tenant = ?", tenant)
	q.and(subject != "", "subject = ?", subject)
	if p.After != "" {
		after, _ := strconv.ParseInt(p.After, 10, 64) // checked by the guard
		q.and(true, "seq > ?", after)
	}
	q.b.WriteString(" ORDER BY seq LIMIT " + strconv.Itoa(p.Limit+1))
	es, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.ConsentEvent, error) { return scanConsent(rs) },
		func(e store.ConsentEvent) string { return strconv.FormatInt(e.Seq, 10) })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list consent events: %w", err)
	}
	return es, next, nil
}

// Requests

const requestCols = "tenant, id, subject, type, state, created_at, updated_at, due_at, detail"

func scanRequest(r interface{ Scan(...any) error }) (store.Request, error) {
	var req store.Request
	var subject, detail sql.NullString
	var c, u int64
	var due sql.NullInt64
	err := r.Scan(&req.Tenant, &req.ID, &subject, &req.Type, &req.State, &c, &u, &due, &detail)
	req.Subject = subject.String
	req.CreatedAt, req.UpdatedAt, req.DueAt = fromMicros(c), fromMicros(u), fromOptMicros(due)
	if detail.Valid {
		req.Detail = []byte(detail.String)
	}
	return req, err
}

func (r *reader) GetRequest(ctx context.Context, tenant, id string) (store.Request, error) {
	req, err := scanRequest(r.q.QueryRowContext(ctx,
		"SELECT "+requestCols+" FROM requests WHERE tenant = ? AND id = ?", tenant, id))
	return req, one(err, "request", tenant, id)
}

func (r *reader) ListRequests(ctx context.Context, tenant string, f store.RequestFilter, p store.Page) ([]store.Request, string, error) {
	q := newQuery("SELECT "+requestCols+" FROM requests WHERE tenant = ?", tenant)
	q.and(f.Subject != "", "subject = ?", f.Subject)
	q.and(f.Type != "", "type = ?", f.Type)
	q.and(f.State != "", "state = ?", f.State)
	q.and(!f.DueBefore.IsZero(), "due_at < ?", micros(f.DueBefore))
	q.page("id", p)
	rs, next, err := list(ctx, r.q, q, p.Limit, func(rs *sql.Rows) (store.Request, error) { return scanRequest(rs) },
		func(r store.Request) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list requests: %w", err)
	}
	return rs, next, nil
}
