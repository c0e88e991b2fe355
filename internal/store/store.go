package store

import (
	"context"
	"strconv"

	"github.com/trustee-dev/trustee/internal/audit"
)

// Store is trustee's storage: tenants, subjects, the vault of encrypted
// records and blob metadata, the consent ledger, rights requests and the
// audit log. Implementations are safe for concurrent use.
type Store interface {
	// Read runs fn in a read-only transaction that sees one consistent
	// snapshot. It returns fn's error.
	Read(ctx context.Context, fn func(Reader) error) error
	// Write runs fn in one read-write transaction. It commits if fn
	// returns nil and rolls back otherwise, also when fn panics. If fn
	// changed data without appending an audit entry with [Tx.Audit], Write
	// rolls back and returns an error wrapping [ErrUnaudited]. fn must not
	// call Write or Read itself (SQLite has one writer: it would wait for
	// itself), and should not do slow work: writers queue behind it.
	Write(ctx context.Context, fn func(Tx) error) error
	// Log is the read and checkpoint side of the audit log; entries are
	// appended only by [Tx.Audit].
	audit.Log
	// Close releases the store's connections.
	Close() error
}

// Reader reads one tenant's data at a time: every method takes the tenant
// (but for the tenants themselves) and never returns another tenant's data.
//
// Get methods return an error wrapping [ErrNotFound] when nothing has the id
// in the tenant. List methods return up to p.Limit items in ascending key
// order and the After of the next page, "" after the last one.
type Reader interface {
	GetTenant(ctx context.Context, id string) (Tenant, error)
	// ListTenants lists tenants by ID.
	ListTenants(ctx context.Context, p Page) ([]Tenant, string, error)

	GetSubject(ctx context.Context, tenant, id string) (Subject, error)
	// ListSubjects lists the tenant's subjects by ID.
	ListSubjects(ctx context.Context, tenant string, f SubjectFilter, p Page) ([]Subject, string, error)
	CountSubjects(ctx context.Context, tenant string, f SubjectFilter) (int64, error)

	GetRecord(ctx context.Context, tenant, id string) (Record, error)
	// ListRecords lists the tenant's records by ID, i.e. in creation order.
	ListRecords(ctx context.Context, tenant string, f RecordFilter, p Page) ([]Record, string, error)
	CountRecords(ctx context.Context, tenant string, f RecordFilter) (int64, error)
	// FindRecordsByIndex lists, by ID, the tenant's records of field whose
	// blind index equals index.
	FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p Page) ([]Record, string, error)

	GetBlob(ctx context.Context, tenant, id string) (BlobMeta, error)
	// ListBlobs lists the tenant's blobs by ID; subject "" lists them all.
	ListBlobs(ctx context.Context, tenant, subject string, p Page) ([]BlobMeta, string, error)

	// ListConsentEvents lists the tenant's consent events in ledger order
	// (by Seq; After is a decimal Seq); subject "" lists them all.
	ListConsentEvents(ctx context.Context, tenant, subject string, p Page) ([]ConsentEvent, string, error)

	GetRequest(ctx context.Context, tenant, id string) (Request, error)
	// ListRequests lists the tenant's requests by ID.
	ListRequests(ctx context.Context, tenant string, f RequestFilter, p Page) ([]Request, string, error)
}

// Tx is a read-write transaction. Its reads see its own writes, and a
// read-modify-write of a subject or a request in one Tx is safe against
// concurrent writers (SQLite has one writer at a time; PostgreSQL locks the
// row GetSubject or GetRequest returns until the end of the transaction).
// Append audit entries last: in PostgreSQL the first append makes other
// auditing transactions wait until this one ends.
//
// Every method that changes data must be covered by an audit entry appended
// with [Tx.Audit] in the same transaction (see [Store.Write]). A method that
// returns an error wrapping [ErrNotFound], [ErrConflict] or [ErrInvalid] has
// changed nothing and the transaction stays usable; after any other error
// the transaction is broken and [Store.Write] rolls it back.
//
// A Tx is not safe for concurrent use and must not be used after fn
// returns.
type Tx interface {
	Reader

	// CreateTenant stores a new tenant; [ErrConflict] if the ID is taken.
	CreateTenant(ctx context.Context, t Tenant) (Tenant, error)

	// CreateSubject stores a new subject (status active when empty);
	// [ErrConflict] if the ID is taken in the tenant, [ErrNotFound] if the
	// tenant does not exist.
	CreateSubject(ctx context.Context, s Subject) (Subject, error)
	// SetSubjectStatus changes a subject's status and returns it.
	SetSubjectStatus(ctx context.Context, tenant, id string, status SubjectStatus) (Subject, error)

	// InsertRecords stores a batch of records, all or none: [ErrConflict]
	// if an ID is taken, [ErrNotFound] if a subject does not exist.
	InsertRecords(ctx context.Context, recs []Record) error
	// DeleteRecords deletes the tenant's records with the given IDs and
	// returns how many it deleted; IDs not found are skipped.
	DeleteRecords(ctx context.Context, tenant string, ids []string) (int64, error)
	// DeleteSubjectRecords purges every record of a subject and returns how
	// many it deleted.
	DeleteSubjectRecords(ctx context.Context, tenant, subject string) (int64, error)

	// CreateBlob stores a blob's metadata; [ErrConflict] if the ID is taken.
	CreateBlob(ctx context.Context, b BlobMeta) (BlobMeta, error)
	// DeleteBlob deletes a blob's metadata; [ErrNotFound] if there is none.
	DeleteBlob(ctx context.Context, tenant, id string) error

	// AppendConsent appends an event to the consent ledger and returns it
	// with its Seq. Events cannot be changed or removed.
	AppendConsent(ctx context.Context, e ConsentEvent) (ConsentEvent, error)

	// CreateRequest stores a new request; [ErrConflict] if the ID is taken.
	CreateRequest(ctx context.Context, r Request) (Request, error)
	// UpdateRequest replaces the Subject, Type, State, DueAt and Detail of
	// an existing request, stamps UpdatedAt and returns the stored request.
	UpdateRequest(ctx context.Context, r Request) (Request, error)

	// Audit appends entries to the audit log and returns them as stored:
	// Seq assigned contiguously from the log's size, At stamped from the
	// clock when zero and kept at [Precision]. Entries appended in one
	// transaction are numbered in order, and become visible atomically
	// with the changes they record.
	Audit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error)
}

// Page selects one page of a listing by keyset: the items whose key is
// greater than After, at most Limit of them. The zero Page is the first page
// of [DefaultLimit] items.
type Page struct {
	After string
	Limit int
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// check normalises p: Limit in 1..MaxLimit.
func (p Page) check() (Page, error) {
	switch {
	case p.Limit < 0:
		return p, invalid("page.limit", "negative")
	case p.Limit == 0:
		p.Limit = DefaultLimit
	case p.Limit > MaxLimit:
		return p, invalid("page.limit", "greater than "+strconv.Itoa(MaxLimit))
	}
	if err := checkText("page.after", p.After, 64+MaxIDLen); err != nil {
		return p, err
	}
	return p, nil
}
