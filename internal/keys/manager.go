package keys

import (
	"bytes"
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"gocloud.dev/secrets"
	"golang.org/x/sync/singleflight"

	"github.com/trustee-dev/trustee/internal/clock"
)

// Ref names the place a sealed value belongs to. All four parts are bound
// into the ciphertext's associated data: a value opens only with the Ref it
// was sealed with. They are ids, never personal data.
type Ref struct {
	Tenant   string
	Subject  string
	Field    string
	RecordID string
}

// validate checks the parts every operation needs.
func (r Ref) validate() error {
	switch {
	case r.Tenant == "":
		return errors.New("keys: ref has no tenant")
	case r.Subject == "":
		return errors.New("keys: ref has no subject")
	case r.Field == "":
		return errors.New("keys: ref has no field")
	}
	return nil
}

// appendAAD appends the associated data of a value sealed for r.
func (r Ref) appendAAD(b []byte, label string) []byte {
	b = appendField(b, label)
	b = appendField(b, r.Tenant)
	b = appendField(b, r.Subject)
	b = appendField(b, r.Field)
	return appendField(b, r.RecordID)
}

// valueLabel starts the associated data of sealed values.
const valueLabel = "trustee/value/v1"

// sealOverhead is what Seal adds to a plaintext: the format byte, the
// 96-bit nonce and the 128-bit tag.
const sealOverhead = 1 + 12 + 16

// Defaults of the [Manager]'s options.
const (
	// DefaultCacheSize is how many subjects' data keys a Manager caches
	// unless told otherwise by [WithCacheSize].
	DefaultCacheSize = 16384
	// DefaultCacheTTL is how long a cached key is trusted before it is
	// checked against the key store again, unless told otherwise by
	// [WithCacheTTL].
	DefaultCacheTTL = 30 * time.Second
)

// Sizes of the Manager's other caches; their entries never go stale.
const (
	kekCacheSize   = 4096
	indexCacheSize = 16384
)

// Option configures a [Manager].
type Option func(*options)

type options struct {
	cacheSize int
	ttl       time.Duration
	region    string
}

// WithCacheSize bounds how many subjects' unwrapped data keys the Manager
// keeps in memory (default [DefaultCacheSize]).
func WithCacheSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.cacheSize = n
		}
	}
}

// WithCacheTTL sets how long a cached data key or active KEK version is
// trusted before it is checked against the key store again (default
// [DefaultCacheTTL]). It bounds how long another node may go on using a key
// after [Manager.Shred] or [Manager.RotateTenant] ran elsewhere.
func WithCacheTTL(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.ttl = d
		}
	}
}

// WithPhoneRegion sets the region (ISO 3166-1 alpha-2, such as "CN") used to
// read phone numbers written without a country code for [NormPhone]. Without
// it, such numbers are refused.
func WithPhoneRegion(region string) Option {
	return func(o *options) { o.region = region }
}

// Manager seals and opens values with subjects' data keys, computes blind
// indexes, rotates and shreds keys. It is safe for concurrent use.
type Manager struct {
	rootMu sync.RWMutex // held for writing while RotateRoot swaps the root
	root   *secrets.Keeper

	ks  KeyStore
	clk clock.Clock
	opt options

	subjects *lru[subjectID, *subjectEntry]
	keks     *lru[kekID, cipher.AEAD]
	active   *lru[string, activeKEK]
	indexes  *lru[indexID, secret]
	loads    singleflight.Group
}

var (
	_ fmt.Formatter  = (*Manager)(nil)
	_ slog.LogValuer = (*Manager)(nil)
)

type subjectID struct{ tenant, subject string }

type kekID struct {
	tenant  string
	version int
}

type indexID struct{ tenant, field string }

// subjectEntry is a cached subject: its data key, or the fact that it was
// shredded.
type subjectEntry struct {
	aead     cipher.AEAD
	dek      secret
	shredded bool
	loaded   time.Time
}

// activeKEK is a cached active KEK version.
type activeKEK struct {
	version int
	aead    cipher.AEAD
	loaded  time.Time
}

// NewManager returns a Manager whose tenant keys are wrapped by root and
// stored, with the subjects' data keys, in ks. Time (key creation, shred
// markers, cache expiry) comes from clk.
func NewManager(root *secrets.Keeper, ks KeyStore, clk clock.Clock, opts ...Option) *Manager {
	o := options{cacheSize: DefaultCacheSize, ttl: DefaultCacheTTL}
	for _, f := range opts {
		f(&o)
	}
	return &Manager{
		root:     root,
		ks:       ks,
		clk:      clk,
		opt:      o,
		subjects: newLRU[subjectID, *subjectEntry](o.cacheSize),
		keks:     newLRU[kekID, cipher.AEAD](kekCacheSize),
		active:   newLRU[string, activeKEK](kekCacheSize),
		indexes:  newLRU[indexID, secret](indexCacheSize),
	}
}

// Format implements [fmt.Formatter]: a Manager prints as REDACTED.
func (m *Manager) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "keys.Manager{"+redacted+"}") }

// LogValue implements [slog.LogValuer].
func (m *Manager) LogValue() slog.Value { return slog.StringValue(redacted) }

// EnsureTenant creates the tenant's first KEK and its index key unless it has
// them already. It is idempotent and safe to call at once from many nodes.
func (m *Manager) EnsureTenant(ctx context.Context, tenant string) error {
	if tenant == "" {
		return errors.New("keys: EnsureTenant: empty tenant")
	}
	_, errK := m.ks.ActiveKEK(ctx, tenant)
	_, errI := m.ks.IndexKey(ctx, tenant)
	if errK == nil && errI == nil {
		return nil
	}
	for _, err := range []error{errK, errI} {
		if err != nil && !errors.Is(err, ErrNoTenantKey) {
			return err
		}
	}
	m.rootMu.RLock()
	defer m.rootMu.RUnlock()
	now := m.clk.Now()
	kek, idx := newSecret(), newSecret()
	wk, err := wrapRoot(ctx, m.root, tenant, purposeKEK, 1, kek)
	if err != nil {
		return err
	}
	wi, err := wrapRoot(ctx, m.root, tenant, purposeIndex, 1, idx)
	if err != nil {
		return err
	}
	return m.ks.CreateTenant(ctx,
		TenantKEK{Tenant: tenant, Version: 1, Wrapped: wk, Created: now, Active: true},
		IndexKey{Tenant: tenant, Wrapped: wi, Created: now})
}

// Seal encrypts plaintext for ref with the subject's data key, creating the
// key on first use. The result is a format byte, a random 96-bit nonce and
// the AES-256-GCM ciphertext; ref is bound as associated data. It fails with
// [ErrShredded] for a shredded subject and [ErrNoTenantKey] for a tenant
// without keys.
func (m *Manager) Seal(ctx context.Context, ref Ref, plaintext []byte) ([]byte, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	e, err := m.subject(ctx, ref.Tenant, ref.Subject, true)
	if err != nil {
		return nil, err
	}
	return e.seal(make([]byte, 0, sealOverhead+len(plaintext)), ref, plaintext), nil
}

// Value is one value of a [Manager.SealBatch]: the field and record it
// belongs to, and its plaintext. It logs without its plaintext.
type Value struct {
	Field     string
	RecordID  string
	Plaintext []byte
}

// LogValue implements [slog.LogValuer], leaving the plaintext out.
func (v Value) LogValue() slog.Value {
	return slog.GroupValue(slog.String("field", v.Field), slog.String("record_id", v.RecordID), slog.String("plaintext", redacted))
}

var _ slog.LogValuer = Value{}

// SealBatch seals many values of one subject, looking the subject's key up
// once: it is the fast path for bulk writes. out[i] is values[i] sealed, as
// [Manager.Seal] would seal it.
func (m *Manager) SealBatch(ctx context.Context, tenant, subject string, values []Value) ([][]byte, error) {
	total := 0
	for i, v := range values {
		if err := (Ref{Tenant: tenant, Subject: subject, Field: v.Field}).validate(); err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
		total += sealOverhead + len(v.Plaintext)
	}
	e, err := m.subject(ctx, tenant, subject, true)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, total)
	out := make([][]byte, len(values))
	for i, v := range values {
		ref := Ref{Tenant: tenant, Subject: subject, Field: v.Field, RecordID: v.RecordID}
		start := len(buf)
		buf = e.seal(buf, ref, v.Plaintext)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out, nil
}

// HasSubjectKey reports whether the subject's data key is in the cache,
// not shredded and loaded within the cache's TTL: then [Manager.SealBatch]
// makes no key and reads no store. It never reads the key store itself,
// so a false answer only means "not known here".
func (m *Manager) HasSubjectKey(tenant, subject string) bool {
	e, ok := m.subjects.get(subjectID{tenant, subject})
	return ok && !e.shredded && m.clk.Now().Sub(e.loaded) < m.opt.ttl
}

// seal appends the sealed plaintext to dst.
func (e *subjectEntry) seal(dst []byte, ref Ref, plaintext []byte) []byte {
	var aad [160]byte
	dst = append(dst, formatV1)
	return e.aead.Seal(dst, nil, plaintext, ref.appendAAD(aad[:0], valueLabel))
}

// Open decrypts a value sealed for ref. It fails with [ErrDecrypt] when the
// value was sealed for another ref or has been altered, and with
// [ErrShredded] when the subject has been shredded.
func (m *Manager) Open(ctx context.Context, ref Ref, sealed []byte) ([]byte, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	e, err := m.subject(ctx, ref.Tenant, ref.Subject, false)
	if err != nil {
		return nil, err
	}
	if len(sealed) < sealOverhead || sealed[0] != formatV1 {
		return nil, fmt.Errorf("%w: value of field %q is not a sealed value", ErrDecrypt, ref.Field)
	}
	var aad [160]byte
	pt, err := e.aead.Open(nil, nil, sealed[1:], ref.appendAAD(aad[:0], valueLabel))
	if err != nil {
		return nil, fmt.Errorf("%w: value of field %q does not open for this tenant, subject, field and record", ErrDecrypt, ref.Field)
	}
	return pt, nil
}

// subject returns the subject's cached key, loading it (and with create,
// creating it) on a miss or once the cached entry is older than the TTL.
func (m *Manager) subject(ctx context.Context, tenant, subject string, create bool) (*subjectEntry, error) {
	id := subjectID{tenant, subject}
	if e, ok := m.subjects.get(id); ok {
		if e.shredded {
			return nil, ErrShredded
		}
		if m.clk.Now().Sub(e.loaded) < m.opt.ttl {
			return e, nil
		}
	}
	key := strconv.Itoa(len(tenant)) + ":" + tenant + subject + strconv.FormatBool(create)
	v, err, _ := m.loads.Do(key, func() (any, error) { return m.loadSubject(ctx, id, create) })
	if err != nil {
		return nil, err
	}
	return v.(*subjectEntry), nil
}

// loadSubject reads (or creates) the subject's key from the key store.
func (m *Manager) loadSubject(ctx context.Context, id subjectID, create bool) (*subjectEntry, error) {
	sk, err := m.ks.SubjectKey(ctx, id.tenant, id.subject)
	switch {
	case errors.Is(err, ErrShredded):
		m.markShredded(id)
		return nil, ErrShredded
	case errors.Is(err, ErrNoSubjectKey) && create:
		return m.createSubject(ctx, id)
	case errors.Is(err, ErrNoSubjectKey):
		return nil, fmt.Errorf("%w: the subject has no data key", ErrDecrypt)
	case err != nil:
		return nil, err
	}
	kek, err := m.kek(ctx, id.tenant, sk.KEKVersion)
	if err != nil {
		return nil, err
	}
	dek, err := unwrapDEK(kek, id.tenant, id.subject, sk.KEKVersion, sk.Wrapped)
	if err != nil {
		return nil, err
	}
	return m.cacheSubject(id, dek)
}

// maxCreateAttempts bounds how often createSubject re-reads the active KEK
// when rotations keep overtaking it.
const maxCreateAttempts = 5

// createSubject makes a data key for the subject, or adopts the one another
// node stored first.
func (m *Manager) createSubject(ctx context.Context, id subjectID) (*subjectEntry, error) {
	for attempt := 0; ; attempt++ {
		version, kek, err := m.activeKEK(ctx, id.tenant, attempt > 0)
		if err != nil {
			return nil, err
		}
		dek := newSecret()
		wrapped := wrapDEK(kek, id.tenant, id.subject, version, dek)
		stored, err := m.ks.AddSubjectKey(ctx, SubjectDEK{
			Tenant: id.tenant, Subject: id.subject, KEKVersion: version, Wrapped: wrapped, Created: m.clk.Now(),
		})
		switch {
		case errors.Is(err, ErrKEKNotActive) && attempt < maxCreateAttempts:
			continue // the tenant was rotated since we read its active KEK
		case errors.Is(err, ErrShredded):
			m.markShredded(id)
			return nil, ErrShredded
		case err != nil:
			return nil, err
		}
		if stored.KEKVersion != version || !bytes.Equal(stored.Wrapped, wrapped) {
			if kek, err = m.kek(ctx, id.tenant, stored.KEKVersion); err != nil {
				return nil, err
			}
			if dek, err = unwrapDEK(kek, id.tenant, id.subject, stored.KEKVersion, stored.Wrapped); err != nil {
				return nil, err
			}
		}
		return m.cacheSubject(id, dek)
	}
}

// cacheSubject caches the subject's key, unless a shred got there first.
func (m *Manager) cacheSubject(id subjectID, dek secret) (*subjectEntry, error) {
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	e := &subjectEntry{aead: aead, dek: dek, loaded: m.clk.Now()}
	if got := m.subjects.put(id, e, func(old *subjectEntry) bool { return old.shredded }); got.shredded {
		return nil, ErrShredded
	}
	return e, nil
}

// markShredded caches the fact that the subject was shredded.
func (m *Manager) markShredded(id subjectID) {
	m.subjects.put(id, &subjectEntry{shredded: true}, nil)
}

// activeKEK returns the tenant's active KEK, from the cache unless refresh.
func (m *Manager) activeKEK(ctx context.Context, tenant string, refresh bool) (int, cipher.AEAD, error) {
	if a, ok := m.active.get(tenant); ok && !refresh && m.clk.Now().Sub(a.loaded) < m.opt.ttl {
		return a.version, a.aead, nil
	}
	k, err := m.ks.ActiveKEK(ctx, tenant)
	if err != nil {
		return 0, nil, err
	}
	aead, err := m.unwrapKEK(ctx, k.Tenant, k.Version, k.Wrapped)
	if err != nil {
		return 0, nil, err
	}
	m.active.put(tenant, activeKEK{version: k.Version, aead: aead, loaded: m.clk.Now()}, nil)
	return k.Version, aead, nil
}

// kek returns one version of the tenant's KEK.
func (m *Manager) kek(ctx context.Context, tenant string, version int) (cipher.AEAD, error) {
	if a, ok := m.keks.get(kekID{tenant, version}); ok {
		return a, nil
	}
	k, err := m.ks.KEK(ctx, tenant, version)
	if err != nil {
		return nil, err
	}
	return m.unwrapKEK(ctx, tenant, version, k.Wrapped)
}

// unwrapKEK unwraps a KEK with the root key and caches it.
func (m *Manager) unwrapKEK(ctx context.Context, tenant string, version int, wrapped []byte) (cipher.AEAD, error) {
	m.rootMu.RLock()
	k, err := unwrapRoot(ctx, m.root, tenant, purposeKEK, version, wrapped)
	m.rootMu.RUnlock()
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(k)
	clear(k)
	if err != nil {
		return nil, err
	}
	m.keks.put(kekID{tenant, version}, aead, nil)
	return aead, nil
}

// Shred destroys the subject's data key: one indexed delete and a
// destroyed-subject marker, in one key-store transaction, whatever the
// number of the subject's records. Afterwards every copy of the subject's
// sealed values, in every backup of the data database, is unreadable, and
// Seal and Open fail with [ErrShredded]. Shred is idempotent; it also works
// for a subject that never had a key, so none is ever created.
func (m *Manager) Shred(ctx context.Context, tenant, subject string) error {
	if tenant == "" || subject == "" {
		return errors.New("keys: Shred: empty tenant or subject")
	}
	if err := m.ks.Shred(ctx, tenant, subject, m.clk.Now()); err != nil {
		return err
	}
	m.markShredded(subjectID{tenant, subject})
	return nil
}

// Shredded reports whether the subject has been shredded.
func (m *Manager) Shredded(ctx context.Context, tenant, subject string) (bool, error) {
	if e, ok := m.subjects.get(subjectID{tenant, subject}); ok && e.shredded {
		return true, nil
	}
	_, ok, err := m.ks.Destroyed(ctx, tenant, subject)
	return ok, err
}
