package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// tx implements store.Tx on one transaction. Its arguments have been
// checked and normalised by store.GuardWrite.
type tx struct {
	reader
	pgTx pgx.Tx
	now  time.Time
}

var _ store.Tx = (*tx)(nil)

// SQLSTATE codes the store maps.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// mapErr turns constraint violations into the store's errors.
func mapErr(err error, op string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case uniqueViolation:
			return fmt.Errorf("postgres: %s: %w", op, store.ErrConflict)
		case foreignKeyViolation:
			return fmt.Errorf("postgres: %s: the tenant or subject it refers to does not exist: %w", op, store.ErrNotFound)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// protected runs one statement inside a savepoint, pipelined in one round
// trip, so that a failing statement leaves the transaction usable. scan, if
// not nil, reads the statement's row.
func (t *tx) protected(ctx context.Context, sql string, args []any, scan func(pgx.Row) error) error {
	b := &pgx.Batch{}
	b.Queue("SAVEPOINT stmt")
	b.Queue(sql, args...)
	b.Queue("RELEASE SAVEPOINT stmt")
	br := t.pgTx.SendBatch(ctx, b)
	_, errSave := br.Exec()
	var err error
	if scan != nil {
		err = scan(br.QueryRow())
	} else {
		_, err = br.Exec()
	}
	_, errRelease := br.Exec()
	errClose := br.Close()
	switch {
	case errSave != nil:
		return errSave // the transaction was already unusable
	case errRelease == nil && errClose == nil:
		return err // the statement ran; err is at most "no rows"
	}
	if err == nil {
		err = errors.Join(errRelease, errClose)
	}
	if _, rerr := t.pgTx.Exec(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT stmt; RELEASE SAVEPOINT stmt"); rerr != nil {
		return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rerr))
	}
	return err
}

func (t *tx) CreateTenant(ctx context.Context, tn store.Tenant) (store.Tenant, error) {
	err := t.protected(ctx, "INSERT INTO tenants ("+tenantCols+") VALUES ($1, $2, $3, $4)",
		[]any{tn.ID, tn.Name, tn.Kind, tn.CreatedAt}, nil)
	if err != nil {
		return store.Tenant{}, mapErr(err, fmt.Sprintf("create tenant %q", tn.ID))
	}
	return tn, nil
}

func (t *tx) CreateSubject(ctx context.Context, s store.Subject) (store.Subject, error) {
	err := t.protected(ctx, "INSERT INTO subjects ("+subjectCols+") VALUES ($1, $2, $3, $4, $5, $6, $7)",
		[]any{s.Tenant, s.ID, s.Status, s.CreatedAt, s.UpdatedAt, s.AgeFloor, s.Region}, nil)
	if err != nil {
		return store.Subject{}, mapErr(err, fmt.Sprintf("create subject %q", s.ID))
	}
	return s, nil
}

func (t *tx) SetSubjectStatus(ctx context.Context, tenant, id string, status store.SubjectStatus) (store.Subject, error) {
	s, err := scanSubject(t.pgTx.QueryRow(ctx,
		"UPDATE subjects SET status = $1, updated_at = $2 WHERE tenant = $3 AND id = $4 RETURNING "+subjectCols,
		status, t.now, tenant, id))
	return s, one(err, "subject", tenant, id)
}

var recordColumns = []string{"tenant", "id", "subject", "field", "purpose", "collected_at", "ciphertext",
	"blind_index", "device", "region"}

// InsertRecords copies the batch in with COPY, inside a savepoint.
func (t *tx) InsertRecords(ctx context.Context, recs []store.Record) error {
	sp, err := t.pgTx.Begin(ctx) // SAVEPOINT
	if err != nil {
		return fmt.Errorf("postgres: insert records: %w", err)
	}
	_, err = sp.CopyFrom(ctx, pgx.Identifier{"records"}, recordColumns,
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
			r := &recs[i]
			var index any // NULL unless set
			if r.Index != nil {
				index = r.Index
			}
			return []any{r.Tenant, r.ID, r.Subject, r.Field, r.Purpose, r.CollectedAt, r.Ciphertext,
				index, r.Device, r.Region}, nil
		}))
	if err != nil {
		if rerr := sp.Rollback(context.WithoutCancel(ctx)); rerr != nil {
			return errors.Join(mapErr(err, "insert records"), rerr)
		}
		return mapErr(err, "insert records")
	}
	if err := sp.Commit(ctx); err != nil { // RELEASE
		return fmt.Errorf("postgres: insert records: %w", err)
	}
	return nil
}

func (t *tx) DeleteRecords(ctx context.Context, tenant string, ids []string) (int64, error) {
	tag, err := t.pgTx.Exec(ctx, "DELETE FROM records WHERE tenant = $1 AND id = ANY($2::uuid[])", tenant, ids)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete records: %w", err)
	}
	return tag.RowsAffected(), nil
}

func (t *tx) DeleteSubjectRecords(ctx context.Context, tenant, subject string) (int64, error) {
	tag, err := t.pgTx.Exec(ctx, "DELETE FROM records WHERE tenant = $1 AND subject = $2", tenant, subject)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete records of subject: %w", err)
	}
	return tag.RowsAffected(), nil
}

func (t *tx) CreateBlob(ctx context.Context, b store.BlobMeta) (store.BlobMeta, error) {
	err := t.protected(ctx, "INSERT INTO blobs ("+blobCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		[]any{b.Tenant, b.ID, b.Subject, b.Field, b.Purpose, b.ObjectKey, b.Size, b.ContentType, b.CreatedAt}, nil)
	if err != nil {
		return store.BlobMeta{}, mapErr(err, fmt.Sprintf("create blob %q", b.ID))
	}
	return b, nil
}

func (t *tx) DeleteBlob(ctx context.Context, tenant, id string) error {
	tag, err := t.pgTx.Exec(ctx, "DELETE FROM blobs WHERE tenant = $1 AND id = $2", tenant, id)
	if err != nil {
		return fmt.Errorf("postgres: delete blob: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("blob", tenant, id)
	}
	return nil
}

func (t *tx) AppendConsent(ctx context.Context, e store.ConsentEvent) (store.ConsentEvent, error) {
	err := t.protected(ctx, "INSERT INTO consent_events "+
		"(tenant, subject, purpose, declaration_version, kind, action, channel, text_hash, at) "+
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
		[]any{e.Tenant, e.Subject, e.Purpose, e.DeclarationVersion, e.Kind, e.Action, e.Channel, e.TextHash, e.At},
		func(r pgx.Row) error { return r.Scan(&e.Seq) })
	if err != nil {
		return store.ConsentEvent{}, mapErr(err, "append consent")
	}
	return e, nil
}

func (t *tx) CreateRequest(ctx context.Context, r store.Request) (store.Request, error) {
	err := t.protected(ctx, "INSERT INTO requests ("+requestCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		[]any{r.Tenant, r.ID, nullString(r.Subject), r.Type, r.State, r.CreatedAt, r.UpdatedAt,
			nullTime(r.DueAt), nullJSON(r.Detail)}, nil)
	if err != nil {
		return store.Request{}, mapErr(err, fmt.Sprintf("create request %q", r.ID))
	}
	return r, nil
}

func (t *tx) UpdateRequest(ctx context.Context, r store.Request) (store.Request, error) {
	var out store.Request
	err := t.protected(ctx, "UPDATE requests SET subject = $1, type = $2, state = $3, updated_at = $4, due_at = $5, "+
		"detail = $6 WHERE tenant = $7 AND id = $8 RETURNING "+requestCols,
		[]any{nullString(r.Subject), r.Type, r.State, r.UpdatedAt, nullTime(r.DueAt), nullJSON(r.Detail), r.Tenant, r.ID},
		func(row pgx.Row) error {
			var err error
			out, err = scanRequest(row)
			return err
		})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Request{}, notFound("request", r.Tenant, r.ID)
	case err != nil:
		return store.Request{}, mapErr(err, fmt.Sprintf("update request %q", r.ID))
	}
	return out, nil
}

// Audit appends entries. Advancing audit_head locks its row until the
// transaction ends, so concurrent appenders take turns and sequence numbers
// are contiguous in commit order; a rollback returns them.
func (t *tx) Audit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	var first int64
	n := int64(len(entries))
	if err := t.pgTx.QueryRow(ctx,
		"UPDATE audit_head SET next_seq = next_seq + $1 WHERE id = 1 RETURNING next_seq - $1", n).Scan(&first); err != nil {
		return nil, fmt.Errorf("postgres: audit: reserve sequence numbers: %w", err)
	}
	rows := make([][]any, len(entries))
	for i := range entries {
		e := &entries[i]
		e.Seq = first + int64(i)
		leaf := e.LeafHash()
		var fields, details any // NULL when empty
		if len(e.Fields) > 0 {
			fields = e.Fields
		}
		if len(e.Details) > 0 {
			details = e.Details
		}
		rows[i] = []any{e.Seq, e.Tenant, e.At, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Subject,
			fields, details, leaf[:]}
	}
	var err error
	if len(rows) == 1 {
		_, err = t.pgTx.Exec(ctx, "INSERT INTO audit_entries ("+auditCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", rows[0]...)
	} else {
		_, err = t.pgTx.CopyFrom(ctx, pgx.Identifier{"audit_entries"}, auditColumns, pgx.CopyFromRows(rows))
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: audit: %w", err)
	}
	return entries, nil
}

const auditCols = "seq, tenant, at, actor, action, object_type, object_id, subject, fields, details, leaf"

var auditColumns = []string{"seq", "tenant", "at", "actor", "action", "object_type", "object_id", "subject",
	"fields", "details", "leaf"}

func scanAudit(rows pgx.Rows) (audit.StoredEntry, error) {
	var se audit.StoredEntry
	var leaf []byte
	if err := rows.Scan(&se.Seq, &se.Tenant, &se.At, &se.Actor, &se.Action, &se.ObjectType, &se.ObjectID,
		&se.Subject, &se.Fields, &se.Details, &leaf); err != nil {
		return se, fmt.Errorf("postgres: audit entries: %w", err)
	}
	se.At = se.At.UTC()
	copy(se.Leaf[:], leaf) // a stored leaf of the wrong length fails verification
	return se, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nullJSON passes compact JSON text, or NULL.
func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
