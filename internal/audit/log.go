package audit

import (
	"context"
	"time"
)

// StoredEntry is an entry as the store keeps it: the entry and the leaf hash
// computed when it was appended.
type StoredEntry struct {
	Entry
	Leaf [32]byte
}

// Checkpoint is a signed statement of the log's size and root hash, in the
// C2SP signed-note format (Note holds the whole signed note).
type Checkpoint struct {
	Size int64
	Note []byte
	At   time.Time
}

// Log is the storage the audit package reads and checkpoints. The store
// implements it; appending entries is the store's job, inside the
// transaction of the change each entry records.
type Log interface {
	// AuditSize returns the number of entries the log claims to hold
	// (the next sequence number to assign).
	AuditSize(ctx context.Context) (int64, error)
	// AuditEntries calls fn for every stored entry with from <= Seq < to, in
	// ascending Seq order, exactly as stored (a tampered log may have gaps or
	// repeated sequence numbers; they are passed on as found).
	AuditEntries(ctx context.Context, from, to int64, fn func(StoredEntry) error) error
	// Checkpoints returns every stored checkpoint in ascending Size order.
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	// PutCheckpoint stores a signed checkpoint.
	PutCheckpoint(ctx context.Context, c Checkpoint) error
}
