package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/trustee-dev/trustee/internal/store"
)

// reader implements store.Reader on one transaction. Its arguments have
// been checked by store.GuardReader or store.GuardWrite. Every query names
// the tenant in its WHERE clause.
type reader struct {
	q pgx.Tx
	// lock is " FOR NO KEY UPDATE" in a write transaction: GetSubject and
	// GetRequest lock the row they read against concurrent updates (but not
	// against inserts that refer to it). Tenants, records and blobs are
	// never updated, so reading them takes no lock.
	lock string
}

var _ store.Reader = (*reader)(nil)

// query builds a SELECT with AND-ed conditions and numbered arguments.
type query struct {
	b    strings.Builder
	args []any
}

func newQuery(sel string, args ...any) *query {
	q := &query{args: args}
	q.b.WriteString(sel)
	return q
}

// arg adds an argument and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// and adds "AND <col> <op> $n" when use is true.
func (q *query) and(use bool, col, op string, v any) {
	if use {
		q.b.WriteString(" AND " + col + " " + op + " " + q.arg(v))
	}
}

// page adds the keyset condition, the order and the limit (one more than
// the page, to know whether another follows).
func (q *query) page(key string, after any, p store.Page) {
	q.and(p.After != "", key, ">", after)
	q.b.WriteString(" ORDER BY " + key + " LIMIT " + strconv.Itoa(p.Limit+1))
}

// list runs q and scans each row with scan, returning one page and the
// After of the next.
func list[T any](ctx context.Context, db pgx.Tx, q *query, limit int, scan func(pgx.Row) (T, error), key func(T) string) ([]T, string, error) {
	rows, err := db.Query(ctx, q.b.String(), q.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, "", err
	}
	if len(out) == 0 {
		return nil, "", nil
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

// one maps pgx.ErrNoRows to store.ErrNotFound.
func one(err error, what, tenant, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return notFound(what, tenant, id)
	}
	return fmt.Errorf("postgres: get %s: %w", what, err)
}

// utc returns t in UTC (pgx returns timestamptz in the local zone).
func utc(t time.Time) time.Time { return t.UTC() }

// optTime scans a nullable timestamptz: NULL is the zero time.
func optTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// Tenants

const tenantCols = "id, name, kind, created_at"

func scanTenant(r pgx.Row) (store.Tenant, error) {
	var t store.Tenant
	err := r.Scan(&t.ID, &t.Name, &t.Kind, &t.CreatedAt)
	t.CreatedAt = utc(t.CreatedAt)
	return t, err
}

func (r *reader) GetTenant(ctx context.Context, id string) (store.Tenant, error) {
	t, err := scanTenant(r.q.QueryRow(ctx, "SELECT "+tenantCols+" FROM tenants WHERE id = $1", id))
	return t, one(err, "tenant", "", id)
}

func (r *reader) ListTenants(ctx context.Context, p store.Page) ([]store.Tenant, string, error) {
	q := newQuery("SELECT " + tenantCols + " FROM tenants WHERE true")
	q.page("id", p.After, p)
	ts, next, err := list(ctx, r.q, q, p.Limit, scanTenant, func(t store.Tenant) string { return t.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list tenants: %w", err)
	}
	return ts, next, nil
}

// Subjects

const subjectCols = "tenant, id, status, created_at, updated_at, age_floor, region"

func scanSubject(r pgx.Row) (store.Subject, error) {
	var s store.Subject
	err := r.Scan(&s.Tenant, &s.ID, &s.Status, &s.CreatedAt, &s.UpdatedAt, &s.AgeFloor, &s.Region)
	s.CreatedAt, s.UpdatedAt = utc(s.CreatedAt), utc(s.UpdatedAt)
	return s, err
}

func (r *reader) GetSubject(ctx context.Context, tenant, id string) (store.Subject, error) {
	s, err := scanSubject(r.q.QueryRow(ctx,
		"SELECT "+subjectCols+" FROM subjects WHERE tenant = $1 AND id = $2"+r.lock, tenant, id))
	return s, one(err, "subject", tenant, id)
}

func subjectQuery(sel, tenant string, f store.SubjectFilter) *query {
	q := newQuery(sel+" FROM subjects WHERE tenant = $1", tenant)
	q.and(f.Status != "", "status", "=", f.Status)
	return q
}

func (r *reader) ListSubjects(ctx context.Context, tenant string, f store.SubjectFilter, p store.Page) ([]store.Subject, string, error) {
	q := subjectQuery("SELECT "+subjectCols, tenant, f)
	q.page("id", p.After, p)
	ss, next, err := list(ctx, r.q, q, p.Limit, scanSubject, func(s store.Subject) string { return s.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list subjects: %w", err)
	}
	return ss, next, nil
}

func (r *reader) CountSubjects(ctx context.Context, tenant string, f store.SubjectFilter) (int64, error) {
	return r.count(ctx, subjectQuery("SELECT count(*)", tenant, f), "subjects")
}

func (r *reader) count(ctx context.Context, q *query, what string) (int64, error) {
	var n int64
	if err := r.q.QueryRow(ctx, q.b.String(), q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count %s: %w", what, err)
	}
	return n, nil
}

// Records

const recordCols = "tenant, id, subject, field, purpose, collected_at, ciphertext, blind_index, device, region"

// selectRecords selects records with the uuid id as text.
const selectRecords = "SELECT tenant, id::text, subject, field, purpose, collected_at, ciphertext, blind_index, device, region"

func scanRecord(r pgx.Row) (store.Record, error) {
	var rec store.Record
	err := r.Scan(&rec.Tenant, &rec.ID, &rec.Subject, &rec.Field, &rec.Purpose, &rec.CollectedAt,
		&rec.Ciphertext, &rec.Index, &rec.Device, &rec.Region)
	rec.CollectedAt = utc(rec.CollectedAt)
	return rec, err
}

func (r *reader) GetRecord(ctx context.Context, tenant, id string) (store.Record, error) {
	rec, err := scanRecord(r.q.QueryRow(ctx,
		selectRecords+" FROM records WHERE tenant = $1 AND id = $2::uuid", tenant, id))
	return rec, one(err, "record", tenant, id)
}

func recordQuery(sel, tenant string, f store.RecordFilter) *query {
	q := newQuery(sel+" FROM records WHERE tenant = $1", tenant)
	q.and(f.Subject != "", "subject", "=", f.Subject)
	q.and(f.Field != "", "field", "=", f.Field)
	q.and(f.Purpose != "", "purpose", "=", f.Purpose)
	q.and(!f.CollectedBefore.IsZero(), "collected_at", "<", f.CollectedBefore)
	return q
}

func (r *reader) ListRecords(ctx context.Context, tenant string, f store.RecordFilter, p store.Page) ([]store.Record, string, error) {
	q := recordQuery(selectRecords, tenant, f)
	q.page("id", p.After, p)
	return r.records(ctx, q, p.Limit)
}

func (r *reader) records(ctx context.Context, q *query, limit int) ([]store.Record, string, error) {
	rs, next, err := list(ctx, r.q, q, limit, scanRecord, func(r store.Record) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list records: %w", err)
	}
	return rs, next, nil
}

func (r *reader) CountRecords(ctx context.Context, tenant string, f store.RecordFilter) (int64, error) {
	return r.count(ctx, recordQuery("SELECT count(*)", tenant, f), "records")
}

func (r *reader) FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error) {
	q := newQuery(selectRecords+" FROM records WHERE tenant = $1 AND field = $2 AND blind_index = $3",
		tenant, field, index)
	q.page("id", p.After, p)
	return r.records(ctx, q, p.Limit)
}

// Blobs

const blobCols = "tenant, id, subject, field, purpose, object_key, size, content_type, created_at"

func scanBlob(r pgx.Row) (store.BlobMeta, error) {
	var b store.BlobMeta
	err := r.Scan(&b.Tenant, &b.ID, &b.Subject, &b.Field, &b.Purpose, &b.ObjectKey, &b.Size, &b.ContentType, &b.CreatedAt)
	b.CreatedAt = utc(b.CreatedAt)
	return b, err
}

func (r *reader) GetBlob(ctx context.Context, tenant, id string) (store.BlobMeta, error) {
	b, err := scanBlob(r.q.QueryRow(ctx,
		"SELECT "+blobCols+" FROM blobs WHERE tenant = $1 AND id = $2", tenant, id))
	return b, one(err, "blob", tenant, id)
}

func (r *reader) ListBlobs(ctx context.Context, tenant, subject string, p store.Page) ([]store.BlobMeta, string, error) {
	q := newQuery("SELECT "+blobCols+" FROM blobs WHERE tenant = $1", tenant)
	q.and(subject != "", "subject", "=", subject)
	q.page("id", p.After, p)
	bs, next, err := list(ctx, r.q, q, p.Limit, scanBlob, func(b store.BlobMeta) string { return b.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list blobs: %w", err)
	}
	return bs, next, nil
}

// Consent events

const consentCols = "tenant, seq, subject, purpose, declaration_version, kind, action, channel, text_hash, at"

func scanConsent(r pgx.Row) (store.ConsentEvent, error) {
	var e store.ConsentEvent
	err := r.Scan(&e.Tenant, &e.Seq, &e.Subject, &e.Purpose, &e.DeclarationVersion, &e.Kind, &e.Action,
		&e.Channel, &e.TextHash, &e.At)
	e.At = utc(e.At)
	return e, err
}

func (r *reader) ListConsentEvents(ctx context.Context, tenant, subject string, p store.Page) ([]store.ConsentEvent, string, error) {
	q := newQuery("SELECT "+consentCols+" FROM consent_events WHERE tenant = $1", tenant)
	q.and(subject != "", "subject", "=", subject)
	after, _ := strconv.ParseInt(p.After, 10, 64) // checked by the guard
	q.page("seq", after, p)
	es, next, err := list(ctx, r.q, q, p.Limit, scanConsent,
		func(e store.ConsentEvent) string { return strconv.FormatInt(e.Seq, 10) })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list consent events: %w", err)
	}
	return es, next, nil
}

// Requests

const requestCols = "tenant, id, subject, type, state, created_at, updated_at, due_at, detail"

func scanRequest(r pgx.Row) (store.Request, error) {
	var req store.Request
	var subject *string
	var due *time.Time
	var detail []byte
	err := r.Scan(&req.Tenant, &req.ID, &subject, &req.Type, &req.State, &req.CreatedAt, &req.UpdatedAt, &due, &detail)
	if subject != nil {
		req.Subject = *subject
	}
	req.CreatedAt, req.UpdatedAt, req.DueAt = utc(req.CreatedAt), utc(req.UpdatedAt), optTime(due)
	if detail != nil {
		req.Detail = detail
	}
	return req, err
}

func (r *reader) GetRequest(ctx context.Context, tenant, id string) (store.Request, error) {
	req, err := scanRequest(r.q.QueryRow(ctx,
		"SELECT "+requestCols+" FROM requests WHERE tenant = $1 AND id = $2"+r.lock, tenant, id))
	return req, one(err, "request", tenant, id)
}

func (r *reader) ListRequests(ctx context.Context, tenant string, f store.RequestFilter, p store.Page) ([]store.Request, string, error) {
	q := newQuery("SELECT "+requestCols+" FROM requests WHERE tenant = $1", tenant)
	q.and(f.Subject != "", "subject", "=", f.Subject)
	q.and(f.Type != "", "type", "=", f.Type)
	q.and(f.State != "", "state", "=", f.State)
	q.and(!f.DueBefore.IsZero(), "due_at", "<", f.DueBefore)
	q.page("id", p.After, p)
	rs, next, err := list(ctx, r.q, q, p.Limit, scanRequest, func(r store.Request) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list requests: %w", err)
	}
	return rs, next, nil
}
