package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
)

// MaxBatch is the most values one [Vault.PutRecords] call stores.
const MaxBatch = 10_000

// Value is one value to store for a subject: a declared field, the purpose
// it is collected for, and the value in clear. It redacts Plain when
// logged or formatted.
type Value struct {
	Field   string
	Purpose string
	// Plain is the value in clear.
	Plain []byte
	// Lookup is how the value is normalised for its blind index, so that
	// [Vault.FindByIndex] can find it; [keys.NormNone] (the zero value)
	// means the value is not indexed.
	Lookup keys.Normalization
	// Device and Region are optional: the pseudonymous device the value
	// came from and the storage region it was collected into.
	Device string
	Region string
}

// LogValue logs the value's field, purpose and size, never the value.
func (v Value) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("field", v.Field),
		slog.String("purpose", v.Purpose),
		slog.Bool("indexed", v.Lookup != keys.NormNone),
		slog.Int("bytes", len(v.Plain)),
	)
}

// String describes the value as LogValue does.
func (v Value) String() string {
	return fmt.Sprintf("vault.Value{field=%s purpose=%s indexed=%t plain=REDACTED(%d bytes)}",
		v.Field, v.Purpose, v.Lookup != keys.NormNone, len(v.Plain))
}

// Format implements fmt.Formatter, so that no verb (%v, %+v, %#v, %x, %s)
// prints Plain.
func (v Value) Format(f fmt.State, _ rune) { fmt.Fprint(f, v.String()) }

// Record is a stored value, decrypted: what [Vault.Records] returns. It
// redacts Plain when logged or formatted.
type Record struct {
	ID          string
	Subject     string
	Field       string
	Purpose     string
	CollectedAt time.Time
	// Plain is the value in clear.
	Plain   []byte
	Indexed bool
	Device  string
	Region  string
}

// LogValue logs the record's ids, field, purpose and size, never the
// value.
func (r Record) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", r.ID),
		slog.String("subject", r.Subject),
		slog.String("field", r.Field),
		slog.String("purpose", r.Purpose),
		slog.Int("bytes", len(r.Plain)),
	)
}

// String describes the record as LogValue does.
func (r Record) String() string {
	return fmt.Sprintf("vault.Record{id=%s subject=%s field=%s purpose=%s plain=REDACTED(%d bytes)}",
		r.ID, r.Subject, r.Field, r.Purpose, len(r.Plain))
}

// Format implements fmt.Formatter, so that no verb prints Plain.
func (r Record) Format(f fmt.State, _ rune) { fmt.Fprint(f, r.String()) }

// PutRecords encrypts and stores a batch of a subject's values, all or
// none, and returns their record ids (UUIDv7, in the order of values).
// Each value is sealed with the subject's data key, bound to tenant,
// subject, field and record id; values with a Lookup also get a blind
// index. The batch is one transaction with one "record.create" audit
// entry listing the fields, the count and the SHA-256 of the sorted record
// ids. An unknown subject, an erased one ([ErrErased]), a bad field or
// purpose name, or a value that cannot be normalised stores nothing.
func (v *Vault) PutRecords(ctx context.Context, actor, tenant, subject string, values []Value) ([]string, error) {
	switch {
	case len(values) == 0:
		return nil, invalid("values", "empty")
	case len(values) > MaxBatch:
		return nil, invalid("values", "more than "+strconv.Itoa(MaxBatch))
	}
	// Look the subject up before sealing, so that no data key is ever made
	// for a subject that does not exist; the transaction checks again.
	// A subject whose data key is cached had one made after this check
	// passed: sealing makes no key then, and the read is skipped (it was
	// a sixth of a single-record call's CPU).
	if !v.keys.HasSubjectKey(tenant, subject) {
		err := v.store.Read(ctx, func(r store.Reader) error {
			s, err := r.GetSubject(ctx, tenant, subject)
			if err == nil {
				err = writable(s)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("vault: put records: %w", err)
		}
	}

	ids := make([]string, len(values))
	kv := make([]keys.Value, len(values))
	for i, val := range values {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("vault: put records: record id: %w", err)
		}
		ids[i] = id.String()
		kv[i] = keys.Value{Field: val.Field, RecordID: ids[i], Plaintext: val.Plain}
	}
	sealed, err := v.keys.SealBatch(ctx, tenant, subject, kv)
	if errors.Is(err, keys.ErrShredded) {
		// Shredded since the check: the subject is being erased.
		err = fmt.Errorf("subject %q in tenant %q: %w", subject, tenant, ErrErased)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: put records: %w", err)
	}
	recs := make([]store.Record, len(values))
	indexed := 0
	for i, val := range values {
		recs[i] = store.Record{Tenant: tenant, ID: ids[i], Subject: subject, Field: val.Field, Purpose: val.Purpose,
			Ciphertext: sealed[i], Device: val.Device, Region: val.Region}
		if val.Lookup != keys.NormNone {
			if recs[i].Index, err = v.keys.BlindIndex(ctx, tenant, val.Field, val.Lookup, string(val.Plain)); err != nil {
				return nil, fmt.Errorf("vault: put records: values[%d]: %w", i, err)
			}
			indexed++
		}
	}
	entry := audit.Entry{Tenant: tenant, Actor: actor, Action: "record.create", ObjectType: "record",
		Subject: subject, Fields: uniqueSorted(len(values), func(i int) string { return values[i].Field }),
		Details: idsDetails(ids)}
	entry.Details["purposes"] = strings.Join(uniqueSorted(len(values), func(i int) string { return values[i].Purpose }), ",")
	entry.Details["indexed"] = strconv.Itoa(indexed)

	// One transaction, shared with concurrent small calls (group.go).
	if err := v.commitRecords(ctx, tenant, subject, recs, entry); err != nil {
		return nil, fmt.Errorf("vault: put records: %w", err)
	}
	v.log.Debug("vault: records stored", "tenant", tenant, "subject", subject, "count", len(ids),
		"fields", entry.Fields, "actor", actor)
	return ids, nil
}

// writable refuses writes to an erased subject.
func writable(s store.Subject) error {
	if s.Status == store.StatusErased {
		return fmt.Errorf("subject %q in tenant %q: %w", s.ID, s.Tenant, ErrErased)
	}
	return nil
}

// readable refuses reads of an erased subject, and of a restricted or
// banned one unless the reason allows it.
func readable(s store.Subject, reason Reason) error {
	switch {
	case s.Status == store.StatusErased:
		return fmt.Errorf("subject %q in tenant %q: %w", s.ID, s.Tenant, ErrErased)
	case s.Status == store.StatusBanned && !reason.AllowedWhenRestricted():
		return fmt.Errorf("subject %q in tenant %q, reason %s: %w", s.ID, s.Tenant, reason, ErrBanned)
	case s.Status == store.StatusRestricted && !reason.AllowedWhenRestricted():
		return fmt.Errorf("subject %q in tenant %q, reason %s: %w", s.ID, s.Tenant, reason, ErrRestricted)
	}
	return nil
}

// idsDetails returns audit details naming a set of record ids without
// listing them: the count, the first and last id in sort order (UUIDv7
// ids sort by creation, so these bound the batch), and the SHA-256 of the
// sorted ids, one per line.
func idsDetails(ids []string) map[string]string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	d := map[string]string{"count": strconv.Itoa(len(ids)), "ids_sha256": IDsDigest(ids)}
	if len(sorted) > 0 {
		d["first_id"], d["last_id"] = sorted[0], sorted[len(sorted)-1]
	}
	return d
}

// IDsDigest returns the digest of a set of record ids that audit entries
// carry as "ids_sha256": the lower-case hex SHA-256 of the ids sorted and
// each followed by a newline. An auditor recomputes it from the records to
// check that an entry covers exactly them.
func IDsDigest(ids []string) string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	h := sha256.New()
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// uniqueSorted returns the distinct values of get(0..n-1), sorted.
func uniqueSorted(n int, get func(int) string) []string {
	out := make([]string, 0, 4)
	for i := range n {
		out = append(out, get(i))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Records returns one page of a subject's values, decrypted, in creation
// order, and the After of the next page ("" after the last). The read is
// audited as "record.read" with the reason, the fields, the count and the
// digest of the record ids, in the transaction that reads the rows. An
// erased subject is refused ([ErrErased]), and a restricted one unless the
// reason allows it ([ErrRestricted]); a refusal is audited as
// "record.read_refused". A value that does not open fails the read with
// [keys.ErrDecrypt] (or [keys.ErrShredded]), naming the record.
func (v *Vault) Records(ctx context.Context, actor, tenant, subject string, reason Reason, p store.Page) ([]Record, string, error) {
	if !reason.Valid() {
		return nil, "", invalid("reason", "not a known reason code")
	}
	var (
		recs    []store.Record
		next    string
		refused error
	)
	err := v.store.Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if refused = readable(s, reason); refused != nil {
			_, err = tx.Audit(ctx, refusal(actor, "record.read_refused", s, reason))
			return err
		}
		if recs, next, err = tx.ListRecords(ctx, tenant, store.RecordFilter{Subject: subject}, p); err != nil {
			return err
		}
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.ID
		}
		e := audit.Entry{Tenant: tenant, Actor: actor, Action: "record.read", ObjectType: "record", Subject: subject,
			Fields: uniqueSorted(len(recs), func(i int) string { return recs[i].Field }), Details: idsDetails(ids)}
		e.Details["reason"] = string(reason)
		_, err = tx.Audit(ctx, e)
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		v.log.Debug("vault: read refused or failed", "tenant", tenant, "subject", subject, "reason", string(reason), "actor", actor, "err", err)
		return nil, "", fmt.Errorf("vault: read records: %w", err)
	}
	out := make([]Record, len(recs))
	for i, r := range recs {
		plain, err := v.keys.Open(ctx, keys.Ref{Tenant: tenant, Subject: subject, Field: r.Field, RecordID: r.ID}, r.Ciphertext)
		if err != nil {
			return nil, "", fmt.Errorf("vault: read records: record %s: %w", r.ID, err)
		}
		out[i] = Record{ID: r.ID, Subject: r.Subject, Field: r.Field, Purpose: r.Purpose, CollectedAt: r.CollectedAt,
			Plain: plain, Indexed: r.Index != nil, Device: r.Device, Region: r.Region}
	}
	v.log.Debug("vault: records read", "tenant", tenant, "subject", subject, "count", len(out), "reason", string(reason), "actor", actor)
	return out, next, nil
}

func refusal(actor, action string, s store.Subject, reason Reason) audit.Entry {
	return audit.Entry{Tenant: s.Tenant, Actor: actor, Action: action, ObjectType: "subject", ObjectID: s.ID,
		Subject: s.ID, Details: map[string]string{"reason": string(reason), "status": string(s.Status)}}
}

// Match is a record found by its blind index.
type Match struct {
	RecordID string
	Subject  string
}

// FindByIndex returns, by record id, one page of the tenant's records of
// field whose value, normalised as kind says, equals value, and the After
// of the next page. It reads ids only, no value, and is not audited: it
// is the hot path of identifying a subject (by e-mail, phone, device id),
// and callers audit what they then do. On SQLite and PostgreSQL it is one
// prepared statement outside a transaction (the stores' LookupIndex fast
// path). Between the two first steps of a
// shred and its purge, it may still return an erased subject's records;
// reading them fails with [ErrErased].
func (v *Vault) FindByIndex(ctx context.Context, tenant, field string, kind keys.Normalization, value string, p store.Page) ([]Match, string, error) {
	if kind == keys.NormNone {
		return nil, "", invalid("kind", "NormNone has no index")
	}
	idx, err := v.keys.BlindIndex(ctx, tenant, field, kind, value)
	if err != nil {
		return nil, "", fmt.Errorf("vault: find by index: %w", err)
	}
	var (
		recs []store.Record
		next string
	)
	if v.lookup != nil {
		recs, next, err = v.lookup.LookupIndex(ctx, tenant, field, idx, p)
	} else {
		err = v.store.Read(ctx, func(r store.Reader) error {
			var err error
			recs, next, err = r.FindRecordsByIndex(ctx, tenant, field, idx, p)
			return err
		})
	}
	if err != nil {
		return nil, "", fmt.Errorf("vault: find by index: %w", err)
	}
	out := make([]Match, len(recs))
	for i, r := range recs {
		out[i] = Match{RecordID: r.ID, Subject: r.Subject}
	}
	return out, next, nil
}
