package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
)

// PutBlob encrypts what r yields into the blob store and records the
// blob's metadata, audited as "blob.create" with its size. meta names the
// tenant, subject, field, purpose and content type; the vault chooses the
// id (a UUIDv7) and the object's name, which hold no personal data. The
// stream is sealed with the subject's data key, bound to the blob's id and
// object name. If the metadata cannot be stored, the object is deleted
// again. Size in the result is the number of plaintext bytes.
func (v *Vault) PutBlob(ctx context.Context, actor string, meta store.BlobMeta, r io.Reader) (store.BlobMeta, error) {
	if meta.ID != "" || meta.ObjectKey != "" {
		return store.BlobMeta{}, invalid("blob.id", "chosen by the vault: leave ID and ObjectKey empty")
	}
	err := v.store.Read(ctx, func(rd store.Reader) error {
		s, err := rd.GetSubject(ctx, meta.Tenant, meta.Subject)
		if err == nil {
			err = writable(s)
		}
		return err
	})
	if err != nil {
		return store.BlobMeta{}, fmt.Errorf("vault: put blob: %w", err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return store.BlobMeta{}, fmt.Errorf("vault: put blob: id: %w", err)
	}
	meta.ID = id.String()
	meta.ObjectKey = objectKey(meta.Tenant, meta.ID)
	ref := keys.Ref{Tenant: meta.Tenant, Subject: meta.Subject, Field: meta.Field, RecordID: meta.ID}
	if meta.Size, err = v.blobs.Put(ctx, ref, meta.ObjectKey, r); err != nil {
		return store.BlobMeta{}, fmt.Errorf("vault: put blob: %w", err)
	}
	var out store.BlobMeta
	err = v.store.Write(ctx, func(tx store.Tx) error {
		s, err := tx.GetSubject(ctx, meta.Tenant, meta.Subject)
		if err != nil {
			return err
		}
		if err := writable(s); err != nil {
			return err
		}
		if out, err = tx.CreateBlob(ctx, meta); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: out.Tenant, Actor: actor, Action: "blob.create", ObjectType: "blob",
			ObjectID: out.ID, Subject: out.Subject, Fields: []string{out.Field},
			Details: map[string]string{"purpose": out.Purpose, "size": strconv.FormatInt(out.Size, 10), "content_type": out.ContentType}})
		return err
	})
	if err != nil {
		if derr := v.blobs.Delete(context.WithoutCancel(ctx), meta.ObjectKey); derr != nil {
			err = errors.Join(err, derr)
		}
		return store.BlobMeta{}, fmt.Errorf("vault: put blob: %w", err)
	}
	v.log.Debug("vault: blob stored", "tenant", out.Tenant, "subject", out.Subject, "blob", out.ID,
		"field", out.Field, "size", out.Size, "actor", actor)
	return out, nil
}

// objectKey names a blob's object: a digest of the tenant (tenant ids may
// hold characters object names may not) and the blob's id.
func objectKey(tenant, id string) string {
	h := sha256.Sum256([]byte(tenant))
	return "v1/" + hex.EncodeToString(h[:12]) + "/" + id
}

// GetBlob returns a blob's metadata and a reader of its plaintext,
// audited as "blob.read" with the reason; subject status and reasons work
// as in [Vault.Records] ("blob.read_refused" when refused). Reads from
// the reader fail with [keys.ErrDecrypt] if the object was altered, so
// data must not be acted on before io.EOF. Close the reader when done.
func (v *Vault) GetBlob(ctx context.Context, actor, tenant, id string, reason Reason) (store.BlobMeta, io.ReadCloser, error) {
	if !reason.Valid() {
		return store.BlobMeta{}, nil, invalid("reason", "not a known reason code")
	}
	var (
		meta    store.BlobMeta
		refused error
	)
	err := v.store.Write(ctx, func(tx store.Tx) error {
		var err error
		if meta, err = tx.GetBlob(ctx, tenant, id); err != nil {
			return err
		}
		s, err := tx.GetSubject(ctx, tenant, meta.Subject)
		if err != nil {
			return err
		}
		if refused = readable(s, reason); refused != nil {
			_, err = tx.Audit(ctx, refusal(actor, "blob.read_refused", s, reason))
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "blob.read", ObjectType: "blob",
			ObjectID: id, Subject: meta.Subject, Fields: []string{meta.Field},
			Details: map[string]string{"reason": string(reason)}})
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.BlobMeta{}, nil, fmt.Errorf("vault: get blob: %w", err)
	}
	ref := keys.Ref{Tenant: tenant, Subject: meta.Subject, Field: meta.Field, RecordID: meta.ID}
	rc, err := v.blobs.Get(ctx, ref, meta.ObjectKey)
	if err != nil {
		return store.BlobMeta{}, nil, fmt.Errorf("vault: get blob %s: %w", id, err)
	}
	v.log.Debug("vault: blob read", "tenant", tenant, "subject", meta.Subject, "blob", id, "reason", string(reason), "actor", actor)
	return meta, rc, nil
}
