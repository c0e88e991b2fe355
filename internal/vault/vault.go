package vault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"sync"

	"gocloud.dev/secrets"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/blobs"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/config"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// DefaultAuditOrigin names the audit log in its checkpoints when
// [Options.AuditOrigin] is empty. The origin is bound to the signing key
// when the key is made: keep it once chosen.
const DefaultAuditOrigin = "trustee.local/audit"

// Options say where the vault's parts live. Empty URLs and paths default to
// the embedded set-up under DataDir.
type Options struct {
	// DataDir holds the defaults: db/trustee.db, keys/root.key,
	// keys/keys.db, keys/audit.key and blobs/. Default
	// [config.DefaultDataDir].
	DataDir string
	// Database is sqlite:///abs/path.db or postgres://...
	Database string
	// RootKey is the root key's URL (see [keys.OpenRoot]).
	RootKey string
	// KeyStore is the key store's URL (see [keys.OpenKeyStore]), apart
	// from Database. Default: keys.db beside a file:// root key; other root
	// keys need one given.
	KeyStore string
	// Blobs is the blob store's URL (see [blobs.Open]).
	Blobs string
	// AuditKey is the path of the checkpoint signing key. Default: beside
	// a file:// root key, else DataDir/keys/audit.key.
	AuditKey string
	// AuditOrigin names the log in its checkpoints; default
	// [DefaultAuditOrigin].
	AuditOrigin string
	// Clock stamps times; default the wall clock.
	Clock clock.Clock
	// Log receives the vault's logs, which carry ids and counts only;
	// default none.
	Log *slog.Logger
	// KeyOptions tune the key manager (cache, phone region).
	KeyOptions []keys.Option
}

// OptionsFromConfig returns the Options of a loaded configuration.
func OptionsFromConfig(c *config.Config) Options {
	return Options{
		DataDir:  c.DataDir,
		Database: c.Database,
		RootKey:  c.RootKey,
		KeyStore: c.KeyStore,
		Blobs:    c.Blobs,
		AuditKey: c.AuditKeyPath(),
	}
}

// resolve fills in the defaults.
func (o Options) resolve() (Options, error) {
	if o.DataDir == "" {
		o.DataDir = config.DefaultDataDir
	}
	dir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return o, fmt.Errorf("vault: data dir: %w", err)
	}
	o.DataDir = dir
	fileURL := func(scheme string, elem ...string) string {
		return scheme + "://" + filepath.ToSlash(filepath.Join(append([]string{dir}, elem...)...))
	}
	if o.Database == "" {
		o.Database = fileURL("sqlite", "db", "trustee.db")
	}
	if o.RootKey == "" {
		o.RootKey = fileURL("file", "keys", "root.key")
	}
	if o.KeyStore == "" {
		if o.KeyStore, err = keys.DefaultKeyStoreURL(o.RootKey); err != nil {
			return o, fmt.Errorf("vault: key store: %w", err)
		}
	}
	if o.Blobs == "" {
		o.Blobs = fileURL("file", "blobs")
	}
	if o.AuditKey == "" {
		o.AuditKey = filepath.Join(dir, "keys", "audit.key")
		if u, err := url.Parse(o.RootKey); err == nil && u.Scheme == "file" {
			o.AuditKey = filepath.Join(filepath.Dir(filepath.FromSlash(u.Path)), "audit.key")
		}
	}
	if o.AuditOrigin == "" {
		o.AuditOrigin = DefaultAuditOrigin
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Vault holds personal data: encrypted records and blobs of subjects,
// their keys, and the audit log of everything done to them. It is safe for
// concurrent use.
type Vault struct {
	log    *slog.Logger
	clk    clock.Clock
	store  store.Store
	lookup indexLookup // the store's fast path, or nil
	ks     keys.KeyStore
	keys   *keys.Manager
	blobs  *blobs.Store
	signer *audit.Signer
	group  committer // group commit of small PutRecords calls

	rootMu sync.Mutex
	root   *secrets.Keeper

	closeOnce sync.Once
	closeErr  error
}

// indexLookup is a store's optional fast path for [Vault.FindByIndex]:
// one lookup by blind index outside a transaction. The SQLite and
// PostgreSQL stores have it.
type indexLookup interface {
	LookupIndex(ctx context.Context, tenant, field string, index []byte, p store.Page) ([]store.Record, string, error)
}

var (
	_ indexLookup = (*sqlite.Store)(nil)
	_ indexLookup = (*postgres.Store)(nil)
)

// Open opens the vault's parts, creating on first start whatever does not
// exist yet (database, root key, key store, audit key, blob directory),
// and finishes any shred an earlier process left halfway
// ([Vault.ReconcileShreds]). Close the Vault when done.
func Open(ctx context.Context, o Options) (_ *Vault, err error) {
	o, err = o.resolve()
	if err != nil {
		return nil, err
	}
	v := &Vault{log: o.Log, clk: o.Clock}
	defer func() {
		if err != nil {
			v.Close()
		}
	}()
	if v.store, err = openStore(ctx, o.Database, o.Clock); err != nil {
		return nil, err
	}
	v.lookup, _ = v.store.(indexLookup)
	if v.root, err = keys.OpenRoot(ctx, o.RootKey); err != nil {
		return nil, fmt.Errorf("vault: root key: %w", err)
	}
	if v.ks, err = keys.OpenKeyStore(ctx, o.KeyStore); err != nil {
		return nil, fmt.Errorf("vault: key store: %w", err)
	}
	v.keys = keys.NewManager(v.root, v.ks, o.Clock, o.KeyOptions...)
	if v.blobs, err = blobs.Open(ctx, o.Blobs, v.keys); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	if v.signer, err = audit.LoadOrCreateSigner(o.AuditKey, o.AuditOrigin); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	n, err := v.ReconcileShreds(ctx)
	if err != nil {
		return nil, err
	}
	v.log.Debug("vault open", "data_dir", o.DataDir, "audit_origin", o.AuditOrigin, "shreds_finished", n)
	return v, nil
}

// openStore opens the store named by a database URL.
func openStore(ctx context.Context, raw string, clk clock.Clock) (store.Store, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("vault: database URL is not a valid URL")
	}
	switch u.Scheme {
	case "sqlite":
		path := u.Path
		if u.Opaque != "" || (u.Host != "" && u.Host != "localhost") || path == "" {
			return nil, errors.New("vault: database URL: want sqlite:///absolute/path.db (three slashes)")
		}
		s, err := sqlite.Open(ctx, filepath.FromSlash(path), clk)
		if err != nil {
			return nil, fmt.Errorf("vault: %w", err)
		}
		return s, nil
	case "postgres", "postgresql":
		s, err := postgres.Open(ctx, raw, clk)
		if err != nil {
			return nil, fmt.Errorf("vault: %w", err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("vault: database URL scheme %q: want sqlite or postgres", u.Scheme)
}

// Close closes the vault's parts. Calls after the first return its
// result.
func (v *Vault) Close() error {
	v.closeOnce.Do(func() { v.closeErr = v.close() })
	return v.closeErr
}

func (v *Vault) close() error {
	var errs []error
	if v.blobs != nil {
		errs = append(errs, v.blobs.Close())
	}
	if v.store != nil {
		errs = append(errs, v.store.Close())
	}
	if v.ks != nil {
		errs = append(errs, v.ks.Close())
	}
	v.rootMu.Lock()
	if v.root != nil {
		errs = append(errs, v.root.Close())
	}
	v.rootMu.Unlock()
	return errors.Join(errs...)
}

// Store returns the vault's store, for the feature packages that keep
// entities of their own in it (consents, requests). Records and blobs go
// through the Vault, never the store directly.
func (v *Vault) Store() store.Store { return v.store }

// Ping checks that the database answers; /readyz uses it.
func (v *Vault) Ping(ctx context.Context) error {
	if _, err := v.store.AuditSize(ctx); err != nil {
		return fmt.Errorf("vault: database: %w", err)
	}
	return nil
}
