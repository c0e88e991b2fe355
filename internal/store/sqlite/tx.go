package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// tx implements store.Tx on the writer's transaction. Its arguments have
// been checked and normalised by store.GuardWrite.
type tx struct {
	reader
	s     *Store
	sqlTx *sql.Tx
	now   time.Time
}

var _ store.Tx = (*tx)(nil)

// maxBatchRows is the most rows one prepared INSERT writes. A batch is
// written with the prepared statements of batchSizes, largest first: every
// size up to maxSmallBatch, so that the small batches group commit makes
// are one statement each, then powers of two up to maxBatchRows.
const (
	maxBatchRows  = 128
	maxSmallBatch = 32
)

// batchSizes are the row counts of the prepared multi-row INSERTs, in
// descending order.
var batchSizes = func() []int {
	var out []int
	for n := maxBatchRows; n > maxSmallBatch; n /= 2 {
		out = append(out, n)
	}
	for n := maxSmallBatch; n >= 1; n-- {
		out = append(out, n)
	}
	return out
}()

const (
	insertRecordsSQL = "INSERT INTO records (" + recordCols + ") VALUES "
	recordRow        = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	insertAuditSQL   = "INSERT INTO audit_entries (" + auditCols + ") VALUES "
	auditRow         = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

// prepareBatches prepares prefix followed by n rows, for each n of
// batchSizes.
func prepareBatches(ctx context.Context, db *sql.DB, prefix string) (map[int]*sql.Stmt, error) {
	row := recordRow
	if prefix == insertAuditSQL {
		row = auditRow
	}
	m := make(map[int]*sql.Stmt)
	for _, n := range batchSizes {
		st, err := db.PrepareContext(ctx, prefix+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "))
		if err != nil {
			for _, st := range m {
				st.Close()
			}
			return nil, fmt.Errorf("sqlite: prepare: %w", err)
		}
		m[n] = st
	}
	return m, nil
}

// execBatches writes rows (cols values each) with the prepared statements
// in stmts, largest first.
func (t *tx) execBatches(ctx context.Context, stmts map[int]*sql.Stmt, cols int, args []any) error {
	rows := len(args) / cols
	for _, n := range batchSizes {
		for rows >= n {
			if _, err := t.sqlTx.StmtContext(ctx, stmts[n]).ExecContext(ctx, args[:n*cols]...); err != nil {
				return err
			}
			args, rows = args[n*cols:], rows-n
		}
	}
	return nil
}

// mapErr turns constraint violations into the store's errors.
func mapErr(err error, op string) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("sqlite: %s: %w", op, store.ErrConflict)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %s: the tenant or subject it refers to does not exist: %w", op, store.ErrNotFound)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// savepoint runs fn inside a savepoint, so that a failing fn leaves
// nothing behind and the transaction usable.
func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := t.exec(ctx, "SAVEPOINT batch"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := t.sqlTx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO batch; RELEASE batch"); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	_, err := t.exec(ctx, "RELEASE batch")
	return err
}

func (t *tx) CreateTenant(ctx context.Context, tn store.Tenant) (store.Tenant, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO tenants ("+tenantCols+") VALUES (?, ?, ?, ?)",
		tn.ID, tn.Name, tn.Kind, micros(tn.CreatedAt))
	if err != nil {
		return store.Tenant{}, mapErr(err, "create tenant "+quote(tn.ID))
	}
	return tn, nil
}

func (t *tx) CreateSubject(ctx context.Context, s store.Subject) (store.Subject, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO subjects ("+subjectCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		s.Tenant, s.ID, s.Status, micros(s.CreatedAt), micros(s.UpdatedAt), s.AgeFloor, s.Region)
	if err != nil {
		return store.Subject{}, mapErr(err, "create subject "+quote(s.ID))
	}
	return s, nil
}

func (t *tx) SetSubjectStatus(ctx context.Context, tenant, id string, status store.SubjectStatus) (store.Subject, error) {
	s, err := scanSubject(t.sqlTx.QueryRowContext(ctx,
		"UPDATE subjects SET status = ?, updated_at = ? WHERE tenant = ? AND id = ? RETURNING "+subjectCols,
		status, micros(t.now), tenant, id))
	return s, one(err, "subject", tenant, id)
}

func (t *tx) InsertRecords(ctx context.Context, recs []store.Record) error {
	const cols = 10
	args := make([]any, 0, len(recs)*cols)
	for _, r := range recs {
		var index any // NULL unless set
		if r.Index != nil {
			index = r.Index
		}
		args = append(args, r.Tenant, r.ID, r.Subject, r.Field, r.Purpose, micros(r.CollectedAt),
			r.Ciphertext, index, r.Device, r.Region)
	}
	var err error
	if st, ok := t.s.insRecords[len(recs)]; ok {
		// One statement: atomic by itself (SQLite undoes a statement that
		// fails), so the savepoint and its two round trips are not needed,
		// nor its copy of every page the batch touches (a one-row INSERT
		// copies none; a multi-row one keeps its own statement journal).
		_, err = t.sqlTx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		err = t.savepoint(ctx, func() error { return t.execBatches(ctx, t.s.insRecords, cols, args) })
	}
	if err != nil {
		return mapErr(err, "insert records")
	}
	return nil
}

func (t *tx) DeleteRecords(ctx context.Context, tenant string, ids []string) (int64, error) {
	var n int64
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, tenant)
		for _, id := range chunk {
			args = append(args, id)
		}
		res, err := t.sqlTx.ExecContext(ctx, "DELETE FROM records WHERE tenant = ? AND id IN (?"+
			strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return n, fmt.Errorf("sqlite: delete records: %w", err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

func (t *tx) DeleteSubjectRecords(ctx context.Context, tenant, subject string) (int64, error) {
	res, err := t.sqlTx.ExecContext(ctx, "DELETE FROM records WHERE tenant = ? AND subject = ?", tenant, subject)
	if err != nil {
		return 0, fmt.Errorf("sqlite: delete records of subject: %w", err)
	}
	return res.RowsAffected()
}

func (t *tx) CreateBlob(ctx context.Context, b store.BlobMeta) (store.BlobMeta, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO blobs ("+blobCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		b.Tenant, b.ID, b.Subject, b.Field, b.Purpose, b.ObjectKey, b.Size, b.ContentType, micros(b.CreatedAt))
	if err != nil {
		return store.BlobMeta{}, mapErr(err, "create blob "+quote(b.ID))
	}
	return b, nil
}

func (t *tx) DeleteBlob(ctx context.Context, tenant, id string) error {
	res, err := t.sqlTx.ExecContext(ctx, "DELETE FROM blobs WHERE tenant = ? AND id = ?", tenant, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete blob: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound("blob", tenant, id)
	}
	return nil
}

func (t *tx) AppendConsent(ctx context.Context, e store.ConsentEvent) (store.ConsentEvent, error) {
	err := t.sqlTx.QueryRowContext(ctx, "INSERT INTO consent_events "+
		"(tenant, subject, purpose, declaration_version, kind, action, channel, text_hash, at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
		e.Tenant, e.Subject, e.Purpose, e.DeclarationVersion, e.Kind, e.Action, e.Channel, e.TextHash,
		micros(e.At)).Scan(&e.Seq)
	if err != nil {
		return store.ConsentEvent{}, mapErr(err, "append consent")
	}
	return e, nil
}

func (t *tx) CreateRequest(ctx context.Context, r store.Request) (store.Request, error) {
	_, err := t.sqlTx.ExecContext(ctx, "INSERT INTO requests ("+requestCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.Tenant, r.ID, nullString(r.Subject), r.Type, r.State, micros(r.CreatedAt), micros(r.UpdatedAt),
		optMicros(r.DueAt), nullBytes(r.Detail))
	if err != nil {
		return store.Request{}, mapErr(err, "create request "+quote(r.ID))
	}
	return r, nil
}

func (t *tx) UpdateRequest(ctx context.Context, r store.Request) (store.Request, error) {
	out, err := scanRequest(t.sqlTx.QueryRowContext(ctx,
		"UPDATE requests SET subject = ?, type = ?, state = ?, updated_at = ?, due_at = ?, detail = ? "+
			"WHERE tenant = ? AND id = ? RETURNING "+requestCols,
		nullString(r.Subject), r.Type, r.State, micros(r.UpdatedAt), optMicros(r.DueAt), nullBytes(r.Detail),
		r.Tenant, r.ID))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.Request{}, mapErr(err, "update request "+quote(r.ID))
	}
	return out, one(err, "request", r.Tenant, r.ID)
}

// Audit appends entries: it reserves their sequence numbers by advancing
// the head (the writer is the only connection, so the reservation is
// serialised), then writes them with multi-row INSERTs.
func (t *tx) Audit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	var first int64
	n := int64(len(entries))
	if err := t.queryRow(ctx, auditReserveSQL, n, n).Scan(&first); err != nil {
		return nil, fmt.Errorf("sqlite: audit: reserve sequence numbers: %w", err)
	}
	const cols = 11
	args := make([]any, 0, len(entries)*cols)
	for i := range entries {
		e := &entries[i]
		e.Seq = first + int64(i)
		leaf := e.LeafHash()
		fields, details, err := encodeAuditExtras(*e)
		if err != nil {
			return nil, err
		}
		args = append(args, e.Seq, e.Tenant, micros(e.At), e.Actor, e.Action, e.ObjectType, e.ObjectID,
			e.Subject, fields, details, leaf[:])
	}
	if err := t.execBatches(ctx, t.s.insAudit, cols, args); err != nil {
		return nil, fmt.Errorf("sqlite: audit: %w", err)
	}
	return entries, nil
}

const auditReserveSQL = "UPDATE audit_head SET next_seq = next_seq + ? WHERE id = 1 RETURNING next_seq - ?"

const auditCols = "seq, tenant, at, actor, action, object_type, object_id, subject, fields, details, leaf"

// encodeAuditExtras encodes Fields and Details as JSON, NULL when empty.
func encodeAuditExtras(e audit.Entry) (fields, details any, err error) {
	if len(e.Fields) > 0 {
		b, err := json.Marshal(e.Fields)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite: audit: %w", err)
		}
		fields = string(b)
	}
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite: audit: %w", err)
		}
		details = string(b)
	}
	return fields, details, nil
}

func scanAudit(rows *sql.Rows) (audit.StoredEntry, error) {
	var se audit.StoredEntry
	var at int64
	var fields, details sql.NullString
	var leaf []byte
	if err := rows.Scan(&se.Seq, &se.Tenant, &at, &se.Actor, &se.Action, &se.ObjectType, &se.ObjectID,
		&se.Subject, &fields, &details, &leaf); err != nil {
		return se, fmt.Errorf("sqlite: audit entries: %w", err)
	}
	se.At = fromMicros(at)
	if fields.Valid {
		if err := json.Unmarshal([]byte(fields.String), &se.Fields); err != nil {
			return se, fmt.Errorf("sqlite: audit entry %d: fields: %w", se.Seq, err)
		}
	}
	if details.Valid {
		if err := json.Unmarshal([]byte(details.String), &se.Details); err != nil {
			return se, fmt.Errorf("sqlite: audit entry %d: details: %w", se.Seq, err)
		}
	}
	copy(se.Leaf[:], leaf) // a stored leaf of the wrong length fails verification
	return se, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
