package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// SchemaV1 names the JSON schema [Export.WriteJSON] writes.
const SchemaV1 = "trustee.export/v1"

// Export is everything trustee holds about one subject of one tenant,
// decrypted for the subject's own request. It redacts itself when logged
// or formatted. An Export is not safe for concurrent mutation; its Write
// methods only read it.
type Export struct {
	Tenant  string
	Subject string
	// GeneratedAt is when Build finished reading, in UTC.
	GeneratedAt time.Time
	// DeclarationID and DeclarationVersion name the declaration
	// Processing comes from; empty when Build had none.
	DeclarationID      string
	DeclarationVersion string

	Records  []Record
	Consents []Consent
	Requests []RequestSummary
	Blobs    []BlobInfo
	// Processing says, per field held (in records or blobs), what the
	// declaration does with it.
	Processing []Processing

	// actor reads the blobs in WriteZIP, audited as Build's reads were.
	actor string
}

// LogValue logs the export's ids and counts, never a value.
func (e *Export) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("tenant", e.Tenant),
		slog.String("subject", e.Subject),
		slog.Int("records", len(e.Records)),
		slog.Int("consents", len(e.Consents)),
		slog.Int("requests", len(e.Requests)),
		slog.Int("blobs", len(e.Blobs)),
	)
}

// String describes the export as LogValue does.
func (e *Export) String() string {
	return fmt.Sprintf("export.Export{tenant=%s subject=%s records=%d consents=%d requests=%d blobs=%d}",
		e.Tenant, e.Subject, len(e.Records), len(e.Consents), len(e.Requests), len(e.Blobs))
}

// Format implements fmt.Formatter, so that no verb prints a value.
func (e *Export) Format(f fmt.State, _ rune) { fmt.Fprint(f, e.String()) }

// Record is one stored value of the subject, decrypted. It redacts Value
// when logged or formatted.
type Record struct {
	ID          string
	Field       string
	Purpose     string
	CollectedAt time.Time
	// Value is the value in clear.
	Value []byte
	// Device and Region are the device the value came from and the region
	// it was collected into, when known.
	Device string
	Region string
}

// LogValue logs the record's id, field, purpose and size, never the value.
func (r Record) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", r.ID),
		slog.String("field", r.Field),
		slog.String("purpose", r.Purpose),
		slog.Int("bytes", len(r.Value)),
	)
}

// String describes the record as LogValue does.
func (r Record) String() string {
	return fmt.Sprintf("export.Record{id=%s field=%s purpose=%s value=REDACTED(%d bytes)}", r.ID, r.Field, r.Purpose, len(r.Value))
}

// Format implements fmt.Formatter, so that no verb prints Value.
func (r Record) Format(f fmt.State, _ rune) { fmt.Fprint(f, r.String()) }

// Consent is one event of the subject's consent ledger.
type Consent struct {
	Seq int64 `json:"seq"`
	// ReceiptID is the id of the consent receipt issued for the event
	// (see [consent.EventOf]).
	ReceiptID          string    `json:"receipt_id"`
	Purpose            string    `json:"purpose"`
	Kind               string    `json:"kind"`
	Action             string    `json:"action"`
	Channel            string    `json:"channel"`
	DeclarationVersion string    `json:"declaration_version"`
	NoticeHash         string    `json:"notice_hash"`
	At                 time.Time `json:"at"`
}

// RequestSummary is one of the subject's rights requests, without its
// internal detail.
type RequestSummary struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DueAt     time.Time `json:"due_at,omitzero"`
}

// BlobInfo describes one of the subject's blobs; [Export.WriteZIP] puts
// its bytes at File.
type BlobInfo struct {
	ID          string    `json:"id"`
	Field       string    `json:"field"`
	Purpose     string    `json:"purpose"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	// File is the blob's path in the ZIP: blobs/<id>-<field><extension>.
	File string `json:"file"`
}

// Build reads everything tenant holds about subject, for the subject's
// own request: records (decrypted, through [vault.Vault.Records] with
// [vault.ReasonRightsRequest], so every page read is audited for actor),
// consent ledger events, rights requests and blob metadata; and, from
// decl (the tenant's active declaration; nil leaves Processing empty),
// the processing of every field held. An erased subject gives an error
// wrapping [vault.ErrErased], an unknown one [store.ErrNotFound]; a
// restricted subject is exported (its own request is allowed).
func Build(ctx context.Context, v *vault.Vault, decl *policy.Declaration, actor, tenant, subject string) (*Export, error) {
	e := &Export{Tenant: tenant, Subject: subject, actor: actor,
		Records: []Record{}, Consents: []Consent{}, Requests: []RequestSummary{}, Blobs: []BlobInfo{}, Processing: []Processing{}}
	// Records first: the vault checks the subject (unknown, erased) and
	// audits the read before anything else is looked at.
	var after string
	for {
		recs, next, err := v.Records(ctx, actor, tenant, subject, vault.ReasonRightsRequest, store.Page{After: after, Limit: store.MaxLimit})
		if err != nil {
			return nil, fmt.Errorf("export: build: %w", err) // the vault's error names subject and tenant
		}
		for _, r := range recs {
			e.Records = append(e.Records, Record{ID: r.ID, Field: r.Field, Purpose: r.Purpose, CollectedAt: r.CollectedAt.UTC(),
				Value: r.Plain, Device: r.Device, Region: r.Region})
		}
		if next == "" {
			break
		}
		after = next
	}
	err := v.Store().Read(ctx, func(rd store.Reader) error {
		if err := e.readConsents(ctx, rd); err != nil {
			return err
		}
		if err := e.readRequests(ctx, rd); err != nil {
			return err
		}
		return e.readBlobs(ctx, rd)
	})
	if err != nil {
		return nil, fmt.Errorf("export: build: subject %q of tenant %q: %w", subject, tenant, err)
	}
	if decl != nil {
		e.DeclarationID, e.DeclarationVersion = decl.ID, decl.Version
		e.Processing = processingOf(decl, e.Records, e.Blobs)
	}
	e.GeneratedAt = now().UTC()
	return e, nil
}

func (e *Export) readConsents(ctx context.Context, rd store.Reader) error {
	var after string
	for {
		evs, next, err := rd.ListConsentEvents(ctx, e.Tenant, e.Subject, store.Page{After: after, Limit: store.MaxLimit})
		if err != nil {
			return fmt.Errorf("consent events: %w", err)
		}
		for _, ev := range evs {
			if ev.Subject != e.Subject { // the store filters; be sure
				return errors.New("consent events: store returned another subject's event")
			}
			e.Consents = append(e.Consents, Consent{
				Seq: ev.Seq, ReceiptID: consent.EventOf(ev, "").ID, Purpose: ev.Purpose, Kind: string(ev.Kind),
				Action: string(ev.Action), Channel: ev.Channel, DeclarationVersion: ev.DeclarationVersion,
				NoticeHash: ev.TextHash, At: ev.At.UTC(),
			})
		}
		if next == "" {
			return nil
		}
		after = next
	}
}

func (e *Export) readRequests(ctx context.Context, rd store.Reader) error {
	var after string
	for {
		reqs, next, err := rd.ListRequests(ctx, e.Tenant, store.RequestFilter{Subject: e.Subject}, store.Page{After: after, Limit: store.MaxLimit})
		if err != nil {
			return fmt.Errorf("requests: %w", err)
		}
		for _, r := range reqs {
			e.Requests = append(e.Requests, RequestSummary{ID: r.ID, Type: r.Type, State: r.State,
				CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), DueAt: utcOrZero(r.DueAt)})
		}
		if next == "" {
			return nil
		}
		after = next
	}
}

func (e *Export) readBlobs(ctx context.Context, rd store.Reader) error {
	var after string
	for {
		bs, next, err := rd.ListBlobs(ctx, e.Tenant, e.Subject, store.Page{After: after, Limit: store.MaxLimit})
		if err != nil {
			return fmt.Errorf("blobs: %w", err)
		}
		for _, b := range bs {
			e.Blobs = append(e.Blobs, BlobInfo{ID: b.ID, Field: b.Field, Purpose: b.Purpose, ContentType: b.ContentType,
				Size: b.Size, CreatedAt: b.CreatedAt.UTC(), File: blobFile(b.ID, b.Field, b.ContentType)})
		}
		if next == "" {
			return nil
		}
		after = next
	}
}

// now is the clock of GeneratedAt.
var now = time.Now

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
