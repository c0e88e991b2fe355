package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// V1 are the parts the /v1 operations work with. Vault and Engine are
// required; the others are built from them when nil.
type V1 struct {
	Vault *vault.Vault
	// Engine decides; it should read Source.
	Engine *consent.Engine
	// Source reads declarations and subject state from the vault's store.
	Source *consent.StoreSource
	// Ledger writes consent events; Gate collects records.
	Ledger *consent.Ledger
	Gate   *collect.Gate
	// Rights keeps rights requests; built over the store when nil.
	Rights *rights.Service
	// Router forwards an entrusted party's requests to controllers and
	// manages webhook endpoints; nil when this server runs no job runner
	// to deliver events (the routes answer 503).
	Router *routing.Router
	// Fulfiller carries requests out; built from Rights when nil.
	Fulfiller *rights.Fulfiller
	// HTTP sends portability pushes; default a client with a timeout.
	HTTP *http.Client
	// Email and SMS send one-time codes; nil when not configured.
	Email notify.Sender
	SMS   notify.Sender
}

// v1 is what MountV1 was given, completed.
type v1 struct {
	V1
	store   store.Store
	metrics *collect.Metrics
}

// MountV1 registers the /v1 operations on the server (tenants, keys,
// declarations, subjects, consent, permissions, guardians, decisions,
// records) and, unless Options.Keys was given, authenticates API keys
// against the vault's store. Call it once, before serving.
func (s *Server) MountV1(d V1) error {
	m, err := collect.NewMetrics(s.reg)
	if err != nil {
		return err
	}
	v := &v1{V1: d, metrics: m}
	if d.Vault != nil {
		v.store = d.Vault.Store()
		if v.Source == nil {
			v.Source = consent.NewStoreSource(v.store)
		}
		if v.Engine == nil {
			v.Engine = consent.NewEngine(v.Source, consent.WithLogger(s.opts.Log))
		}
		if v.Ledger == nil {
			v.Ledger = &consent.Ledger{Store: v.store, Source: v.Source, Engine: v.Engine}
		}
		if v.Gate == nil {
			v.Gate = &collect.Gate{Engine: v.Engine, Vault: d.Vault}
		}
		if v.Rights == nil {
			v.Rights = &rights.Service{Store: v.store, Clock: s.opts.Clock, Declaration: v.Source.ActiveDeclaration}
		}
		if v.Fulfiller == nil {
			v.Fulfiller = &rights.Fulfiller{Service: v.Rights, Vault: d.Vault, Ledger: v.Ledger, Invalidate: v.Engine.Invalidate}
		}
		if v.HTTP == nil {
			v.HTTP = &http.Client{Timeout: 30 * time.Second}
		}
		if v.Gate.Metrics == nil {
			v.Gate.Metrics = m
		}
		if s.opts.Keys == nil {
			s.opts.Keys, s.forgetKey = CachedKeys(StoreKeys(v.store), KeyCacheTTL, KeyCacheSize)
		}
	}
	s.v1 = v
	s.mountTenants()
	s.mountDeclarations()
	s.mountSubjects()
	s.mountCollect()
	s.mountRequests()
	s.mountVerify()
	s.mountAdmin()
	s.mountFulfil()
	s.mountLifecycle()
	return nil
}

// StoreKeys looks API keys up in st.
func StoreKeys(st store.Store) KeyLookup {
	return func(ctx context.Context, id string) (KeyRecord, error) {
		var k store.APIKey
		err := st.Read(ctx, func(r store.Reader) error {
			var err error
			k, err = r.GetAPIKey(ctx, id)
			return err
		})
		if err != nil {
			return KeyRecord{}, err
		}
		return KeyRecord{ID: k.ID, Tenant: k.Tenant, Hash: k.Hash, Scopes: k.Scopes, Revoked: !k.Active()}, nil
	}
}

// principal returns the request's principal; the auth middleware put it
// there.
func principal(ctx context.Context) Principal {
	p, _ := PrincipalFrom(ctx)
	return p
}

// tenantOf returns the tenant a tenant-scoped operation acts on: the key's.
// Operator keys act only on /v1/tenants routes.
func tenantOf(ctx context.Context) (Principal, string, error) {
	p := principal(ctx)
	if p.Operator() {
		return p, "", Problemf(http.StatusForbidden, "forbidden", "header.Authorization",
			"an operator key acts only on /v1/tenants routes: use a key of the tenant")
	}
	return p, p.Tenant, nil
}

// caller returns the principal of a tenant-scoped operation and the
// tenant it acts on, once the server has the parts /v1 operations need.
func (s *Server) caller(ctx context.Context) (Principal, string, error) {
	if err := s.ready(); err != nil {
		return Principal{}, "", err
	}
	return tenantOf(ctx)
}

// outs maps stored items to their API form; never nil, so that an empty
// list is [] in JSON.
func outs[T, O any](list []T, f func(T) O) []O {
	out := make([]O, 0, len(list))
	for _, x := range list {
		out = append(out, f(x))
	}
	return out
}

// readPage reads one page of a listing in a read transaction.
func readPage[T any](ctx context.Context, st store.Store, list func(store.Reader) ([]T, string, error)) ([]T, string, error) {
	var items []T
	var next string
	err := st.Read(ctx, func(r store.Reader) error {
		var err error
		items, next, err = list(r)
		return err
	})
	return items, next, err
}

// ready reports the server has the parts /v1 operations need.
func (s *Server) ready() error {
	if s.v1 == nil || s.v1.Vault == nil {
		return Problemf(http.StatusServiceUnavailable, "not_ready", "", "this server has no vault")
	}
	return nil
}

// GPCParam is the Sec-GPC request header of subject-scoped operations.
type GPCParam struct {
	SecGPC string `header:"Sec-GPC" doc:"Global Privacy Control: 1 opts the subject out of the sale and sharing of its personal information. It is recorded as a withdrawal (channel gpc) of every purpose that sells or shares."`
}

func (g GPCParam) on() bool { return g.SecGPC == "1" }

// honourGPC records a Sec-GPC: 1 signal for the subject; see
// consent.Ledger.RecordGPC.
func (s *Server) honourGPC(ctx context.Context, p Principal, tenant, subject string, g GPCParam) error {
	if !g.on() {
		return nil
	}
	_, err := s.v1.Ledger.RecordGPC(ctx, p.Actor(), tenant, subject)
	if errors.Is(err, consent.ErrNoDeclaration) {
		return nil
	}
	return on("path.subject", "subject", err)
}
