package keys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"
)

// KeyStore keeps wrapped keys, apart from the data database. It never sees an
// unwrapped key. Implementations are safe for concurrent use; [OpenKeyStore]
// returns the SQLite and PostgreSQL ones.
type KeyStore interface {
	TenantKeys
	SubjectKeys
	io.Closer
}

// TenantKeys is the part of a [KeyStore] that keeps tenants' root-wrapped
// keys: KEK versions and index keys.
type TenantKeys interface {
	// CreateTenant stores a tenant's first KEK (version 1, active) and its
	// index key, each unless the tenant already has one, in one transaction.
	CreateTenant(ctx context.Context, kek TenantKEK, index IndexKey) error
	// ActiveKEK returns the tenant's active KEK, or [ErrNoTenantKey].
	ActiveKEK(ctx context.Context, tenant string) (TenantKEK, error)
	// KEK returns one version of the tenant's KEK, or [ErrNoTenantKey].
	KEK(ctx context.Context, tenant string, version int) (TenantKEK, error)
	// AddKEK stores kek as the tenant's active KEK and deactivates the
	// previous one, in one transaction. kek.Version must be one more than the
	// tenant's highest version: otherwise [ErrKeyConflict] (or
	// [ErrNoTenantKey] when the tenant has no KEK at all).
	AddKEK(ctx context.Context, kek TenantKEK) error
	// IndexKey returns the tenant's index key, or [ErrNoTenantKey].
	IndexKey(ctx context.Context, tenant string) (IndexKey, error)
	// RootWrappedKeys returns up to limit root-wrapped keys (KEKs of every
	// version and index keys, of every tenant) that sort after the given
	// id, in [RootKeyID] order. Pass the zero id to start.
	RootWrappedKeys(ctx context.Context, after RootKeyID, limit int) ([]RootWrapped, error)
	// RewrapRootKeys replaces wrapped keys, each only if it still holds
	// exactly Old, in one transaction, and returns how many it replaced.
	RewrapRootKeys(ctx context.Context, rewraps []RootRewrap) (int, error)
}

// SubjectKeys is the part of a [KeyStore] that keeps subjects' KEK-wrapped
// data keys and the markers of shredded subjects.
type SubjectKeys interface {
	// SubjectKey returns the subject's data key: [ErrShredded] if the
	// subject has been shredded, [ErrNoSubjectKey] if it has no key yet.
	SubjectKey(ctx context.Context, tenant, subject string) (SubjectDEK, error)
	// AddSubjectKey stores dek unless the subject already has a data key, and
	// returns the key the subject has now (dek, or the one stored before).
	// It fails with [ErrShredded] if the subject has been shredded and with
	// [ErrKEKNotActive] if dek.KEKVersion is not the tenant's active KEK.
	// The checks and the insert are atomic with respect to [SubjectKeys.Shred]
	// and [TenantKeys.AddKEK].
	AddSubjectKey(ctx context.Context, dek SubjectDEK) (SubjectDEK, error)
	// SubjectKeysBelow returns up to limit of the tenant's data keys wrapped
	// by a KEK version lower than version.
	SubjectKeysBelow(ctx context.Context, tenant string, version, limit int) ([]SubjectDEK, error)
	// RewrapSubjectKeys replaces wrapped data keys, each only if it is still
	// wrapped by FromVersion, in one transaction, and returns how many it
	// replaced.
	RewrapSubjectKeys(ctx context.Context, rewraps []SubjectRewrap) (int, error)
	// Shred deletes the subject's data key and records that the subject was
	// destroyed at the given instant, in one transaction. It is idempotent:
	// the first instant is kept.
	Shred(ctx context.Context, tenant, subject string, at time.Time) error
	// Destroyed reports whether the subject has been shredded, and when.
	Destroyed(ctx context.Context, tenant, subject string) (at time.Time, ok bool, err error)
}

// TenantKEK is one version of a tenant's key-encryption key, wrapped by the
// root key.
type TenantKEK struct {
	Tenant  string
	Version int
	Wrapped []byte
	Created time.Time
	Active  bool
}

// LogValue implements [slog.LogValuer]; it leaves out the wrapped key.
func (k TenantKEK) LogValue() slog.Value {
	return slog.GroupValue(slog.String("tenant", k.Tenant), slog.Int("version", k.Version), slog.Bool("active", k.Active))
}

// IndexKey is a tenant's blind-index key, wrapped by the root key. Each
// tenant has one, for its whole life.
type IndexKey struct {
	Tenant  string
	Wrapped []byte
	Created time.Time
}

// LogValue implements [slog.LogValuer]; it leaves out the wrapped key.
func (k IndexKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("tenant", k.Tenant))
}

// SubjectDEK is a subject's data key, wrapped by a version of its tenant's
// KEK.
type SubjectDEK struct {
	Tenant     string
	Subject    string
	KEKVersion int
	Wrapped    []byte
	Created    time.Time
}

// LogValue implements [slog.LogValuer]; it leaves out the wrapped key.
func (k SubjectDEK) LogValue() slog.Value {
	return slog.GroupValue(slog.String("tenant", k.Tenant), slog.String("subject", k.Subject), slog.Int("kek_version", k.KEKVersion))
}

// SubjectRewrap replaces a subject's wrapped data key during a tenant
// rotation.
type SubjectRewrap struct {
	Tenant      string
	Subject     string
	FromVersion int
	ToVersion   int
	Wrapped     []byte
}

// RootKeyKind tells which table a root-wrapped key lives in.
type RootKeyKind string

// The kinds of root-wrapped keys, in their sort order.
const (
	// RootIndexKey is a tenant's blind-index key ([IndexKey]).
	RootIndexKey RootKeyKind = purposeIndex
	// RootKEK is a version of a tenant's key-encryption key ([TenantKEK]).
	RootKEK RootKeyKind = purposeKEK
)

// RootKeyID names a root-wrapped key. Ids sort by kind, tenant, version.
// Index keys have version 1.
type RootKeyID struct {
	Kind    RootKeyKind
	Tenant  string
	Version int
}

// RootWrapped is a root-wrapped key as stored.
type RootWrapped struct {
	RootKeyID
	Wrapped []byte
}

// LogValue implements [slog.LogValuer]; it leaves out the wrapped key.
func (k RootWrapped) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", string(k.Kind)), slog.String("tenant", k.Tenant), slog.Int("version", k.Version))
}

// RootRewrap replaces a root-wrapped key during a root rotation.
type RootRewrap struct {
	RootKeyID
	Old []byte
	New []byte
}

var (
	_ slog.LogValuer = TenantKEK{}
	_ slog.LogValuer = IndexKey{}
	_ slog.LogValuer = SubjectDEK{}
	_ slog.LogValuer = RootWrapped{}
)

// OpenKeyStore opens the key store named by rawURL and runs its migrations:
//
//   - sqlite:///abs/path/keys.db — a SQLite file (created mode 0600, its
//     directory 0700), in WAL mode with a busy timeout, foreign keys and
//     secure_delete on;
//   - postgres://... or postgresql://... — PostgreSQL through a pgx pool.
//     Give a database of its own, or a schema of its own with
//     ?search_path=SCHEMA (the schema must exist).
func OpenKeyStore(ctx context.Context, rawURL string) (KeyStore, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("keys: key store URL: %w", urlError(err))
	}
	switch u.Scheme {
	case "sqlite":
		return openSQLite(ctx, u)
	case "postgres", "postgresql":
		return openPostgres(ctx, rawURL)
	default:
		return nil, fmt.Errorf("keys: key store URL scheme %q: want sqlite:// or postgres://", u.Scheme)
	}
}

// urlError strips the URL (which may hold a password) from a url.Parse error.
func urlError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
