package store

import "time"

// BlobMeta describes a blob (video, voice, image) whose sealed bytes live in
// object storage under ObjectKey. Like a record, it belongs to a subject and
// was collected for a declared field and purpose.
type BlobMeta struct {
	Tenant string
	// ID is chosen by the caller (it is bound into the blob's encryption).
	ID      string
	Subject string
	Field   string
	Purpose string
	// ObjectKey names the sealed object in the blob store.
	ObjectKey string
	// Size is the sealed object's size in bytes.
	Size        int64
	ContentType string
	// CreatedAt is set from the store's clock when zero.
	CreatedAt time.Time
}

func (b *BlobMeta) check(now time.Time) error {
	if err := checkID("blob.tenant", b.Tenant); err != nil {
		return err
	}
	if err := checkID("blob.id", b.ID); err != nil {
		return err
	}
	if err := checkID("blob.subject", b.Subject); err != nil {
		return err
	}
	if err := checkName("blob.field", b.Field); err != nil {
		return err
	}
	if err := checkName("blob.purpose", b.Purpose); err != nil {
		return err
	}
	if b.ObjectKey == "" {
		return invalid("blob.object_key", "required")
	}
	if err := checkText("blob.object_key", b.ObjectKey, MaxTextLen); err != nil {
		return err
	}
	if b.Size < 0 {
		return invalid("blob.size", "negative")
	}
	if err := checkText("blob.content_type", b.ContentType, MaxNameLen); err != nil {
		return err
	}
	var err error
	b.CreatedAt, err = stamp("blob.created_at", b.CreatedAt, now)
	return err
}
