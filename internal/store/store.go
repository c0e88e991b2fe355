package store

import (
	"context"
	"strconv"

	"github.com/trustee-dev/trustee/internal/audit"
)

// Store is trustee's storage: tenants, subjects, the vault of encrypted
// records and blob metadata, the consent ledger, rights requests, API
// keys, declarations, trusted keys, legal holds, webhook endpoints and the
// audit log. Implementations are safe for
// concurrent use.
//
// The audit log is also the change feed for caches on other nodes (the
// decision engine's snapshots, API key caches): every mutation appends at
// least one entry in its own transaction, entries are numbered without
// gaps in commit order, and an entry with Seq n is visible only once every
// entry before it is. A node that remembers the next Seq it has not seen
// polls [audit.Log.AuditSize] and reads the new entries with
// AuditEntries(ctx, next, next+limit, fn), a range scan of the log's
// primary key; entries of one tenant carry its id in Tenant, and ObjectType
// and ObjectID say what changed. There is no separate change table.
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

	// ListGuardians lists the guardians linked to a minor, by guardian id.
	ListGuardians(ctx context.Context, tenant, minor string) ([]Guardian, error)
	// ListWards lists the minors a guardian is linked to, by minor id.
	ListWards(ctx context.Context, tenant, guardian string) ([]Guardian, error)

	// ListPermissionStates lists a subject's permission states by device,
	// then permission; none for an unknown subject.
	ListPermissionStates(ctx context.Context, tenant, subject string) ([]PermissionState, error)

	// GetAPIKey returns the key with the id, revoked or not, whatever its
	// tenant. It is the one method not scoped by tenant: it is the
	// authentication lookup, which learns the tenant from the key the
	// token names (key ids are unique in the instance). Callers must
	// compare the secret's hash and check RevokedAt before trusting it,
	// and must not use it to show a key to anyone.
	GetAPIKey(ctx context.Context, id string) (APIKey, error)
	// ListAPIKeys lists the tenant's keys by ID, revoked ones included;
	// tenant "" lists the instance operator keys.
	ListAPIKeys(ctx context.Context, tenant string, p Page) ([]APIKey, string, error)

	// GetDeclaration returns the tenant's declaration version seq, with
	// its Source.
	GetDeclaration(ctx context.Context, tenant string, seq int64) (DeclarationVersion, error)
	// ActiveDeclaration returns the tenant's active declaration version,
	// with its Source; [ErrNotFound] when none was activated.
	ActiveDeclaration(ctx context.Context, tenant string) (DeclarationVersion, error)
	// ListDeclarations lists the tenant's declaration versions by Seq
	// (After is a decimal Seq). Source is left nil for size; SHA256 says
	// which text each is, and GetDeclaration returns it.
	ListDeclarations(ctx context.Context, tenant string, p Page) ([]DeclarationVersion, string, error)

	// ListControllers lists the controllers a processor tenant is linked
	// to, by controller id.
	ListControllers(ctx context.Context, processor string) ([]TenantLink, error)

	// GetTrustedKey returns the tenant's trusted key with the id, revoked
	// or not: callers check [TrustedKey.Active] before trusting it.
	GetTrustedKey(ctx context.Context, tenant, id string) (TrustedKey, error)
	// ListTrustedKeys lists the tenant's trusted keys of kind ("" for
	// every kind) by ID, revoked ones included.
	ListTrustedKeys(ctx context.Context, tenant, kind string, p Page) ([]TrustedKey, string, error)

	GetHold(ctx context.Context, tenant, id string) (Hold, error)
	// ListHolds lists the tenant's legal holds by ID.
	ListHolds(ctx context.Context, tenant string, f HoldFilter, p Page) ([]Hold, string, error)
	// ActiveHolds lists, by ID, the tenant's active holds that may cover
	// the subject: the tenant-scope holds, the subject's own holds and
	// every category hold of the tenant (the caller decides whether the
	// data it would delete is of that category). Nothing checks that the
	// subject exists; an unknown one is covered by the tenant's tenant
	// and category holds alone.
	ActiveHolds(ctx context.Context, tenant, subject string) ([]Hold, error)

	GetWebhookEndpoint(ctx context.Context, tenant, id string) (WebhookEndpoint, error)
	// ListWebhookEndpoints lists the tenant's webhook endpoints by ID,
	// disabled ones included.
	ListWebhookEndpoints(ctx context.Context, tenant string, p Page) ([]WebhookEndpoint, string, error)
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
	// SetSubjectProfile sets a subject's age bracket ([AgeFloors] or
	// [AgeUnknown]) and region ("" unknown; stored upper case) and returns
	// the subject.
	SetSubjectProfile(ctx context.Context, tenant, id string, ageFloor int, region string) (Subject, error)

	// LinkGuardian links a guardian to a minor, both subjects of the
	// tenant; [ErrConflict] if they are linked already, [ErrNotFound] if
	// either subject does not exist.
	LinkGuardian(ctx context.Context, g Guardian) (Guardian, error)
	// UnlinkGuardian removes the link; [ErrNotFound] if there is none.
	UnlinkGuardian(ctx context.Context, tenant, minor, guardian string) error

	// SetPermissionStates stores a batch of permission states, all or
	// none, replacing the stored state of the same subject, device and
	// permission unless that one was observed later (a late report does
	// not undo a newer one). [ErrNotFound] if a subject does not exist; a
	// batch naming one state twice is invalid.
	SetPermissionStates(ctx context.Context, states []PermissionState) error

	// CreateAPIKey stores a new key (Scopes sorted); [ErrConflict] if the
	// ID is taken in any tenant, [ErrNotFound] if the tenant does not
	// exist.
	CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error)
	// RevokeAPIKey stamps the key's RevokedAt and returns it; a key
	// already revoked keeps its time. tenant "" names an operator key;
	// [ErrNotFound] if the tenant has no key with the id.
	RevokeAPIKey(ctx context.Context, tenant, id string) (APIKey, error)

	// PutDeclaration stores a new, inactive declaration version and
	// returns it with its Seq: one more than the tenant's highest, so 1,
	// 2, 3... per tenant, also under concurrent uploads. [ErrConflict] if
	// the tenant already has the Version, [ErrNotFound] if the tenant does
	// not exist.
	PutDeclaration(ctx context.Context, d DeclarationVersion) (DeclarationVersion, error)
	// ActivateDeclaration makes version seq the tenant's only active one
	// and returns it. Afterwards exactly one version of the tenant is
	// active, also when activations race: they take turns, and the last to
	// commit wins. [ErrNotFound] if the tenant has no version seq.
	ActivateDeclaration(ctx context.Context, tenant string, seq int64) (DeclarationVersion, error)

	// LinkTenants records that a processor tenant processes data for a
	// controller tenant. Both must exist ([ErrNotFound]); a processor not
	// of kind processor is invalid; [ErrConflict] if linked already. It
	// names two tenants by design, as CreateTenant names a new one: it is
	// the controller's instruction, for its admins or the operator to give.
	LinkTenants(ctx context.Context, l TenantLink) (TenantLink, error)

	// CreateTrustedKey stores a new trusted key; [ErrConflict] if the ID
	// is taken in the tenant, [ErrNotFound] if the tenant does not exist.
	CreateTrustedKey(ctx context.Context, k TrustedKey) (TrustedKey, error)
	// RevokeTrustedKey stamps the key's RevokedAt and returns it; a key
	// already revoked keeps its first time. [ErrNotFound] if the tenant
	// has no key with the id.
	RevokeTrustedKey(ctx context.Context, tenant, id string) (TrustedKey, error)

	// PlaceHold stores a new, active legal hold; [ErrConflict] if the ID
	// is taken in the tenant, [ErrNotFound] if the tenant does not exist
	// or, for a subject hold, the subject does not.
	PlaceHold(ctx context.Context, h Hold) (Hold, error)
	// ReleaseHold stamps the hold's ReleasedAt and ReleasedBy (by) and
	// returns it. [ErrNotFound] if the tenant has no hold with the id;
	// [ErrConflict] if it was released already (the first release stands).
	ReleaseHold(ctx context.Context, tenant, id, by string) (Hold, error)

	// CreateWebhookEndpoint stores a new endpoint (Events sorted);
	// [ErrConflict] if the ID is taken in the tenant, [ErrNotFound] if
	// the tenant does not exist.
	CreateWebhookEndpoint(ctx context.Context, w WebhookEndpoint) (WebhookEndpoint, error)
	// DisableWebhookEndpoint stamps the endpoint's DisabledAt and returns
	// it; an endpoint already disabled keeps its first time. [ErrNotFound]
	// if the tenant has no endpoint with the id.
	DisableWebhookEndpoint(ctx context.Context, tenant, id string) (WebhookEndpoint, error)

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
