package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// TenantOut is a tenant.
type TenantOut struct {
	ID        string    `json:"id" doc:"The tenant's id."`
	Name      string    `json:"name" doc:"The tenant's display name."`
	Kind      string    `json:"kind" enum:"controller,processor" doc:"controller, or processor (an entrusted party processing for controllers)."`
	CreatedAt time.Time `json:"created_at" doc:"When the tenant was created."`
}

func tenantOut(t store.Tenant) TenantOut {
	return TenantOut{ID: t.ID, Name: t.Name, Kind: string(t.Kind), CreatedAt: t.CreatedAt}
}

// KeyOut is an API key, without its secret but, once, with its token.
type KeyOut struct {
	ID        string     `json:"id" doc:"The key's public id."`
	Name      string     `json:"name" doc:"What the key is for."`
	Scopes    []string   `json:"scopes" doc:"The scopes the key holds."`
	Token     string     `json:"token,omitempty" doc:"The token to send as Authorization: Bearer <token>. It is shown once, when the key is created, and never again: trustee keeps only a hash of it."`
	CreatedAt time.Time  `json:"created_at" doc:"When the key was created."`
	RevokedAt *time.Time `json:"revoked_at,omitempty" doc:"When the key was revoked; absent while it is active."`
}

func keyOut(k store.APIKey) KeyOut {
	out := KeyOut{ID: k.ID, Name: k.Name, Scopes: k.Scopes, CreatedAt: k.CreatedAt}
	if !k.Active() {
		t := k.RevokedAt
		out.RevokedAt = &t
	}
	return out
}

// LinkOut is a processor's link to a controller.
type LinkOut struct {
	Processor  string    `json:"processor" doc:"The processor tenant."`
	Controller string    `json:"controller" doc:"The controller tenant it processes for."`
	CreatedAt  time.Time `json:"created_at" doc:"When the link was made."`
}

// TenantParam is the tenant path parameter of tenant operations.
type TenantParam struct {
	Tenant string `path:"tenant" minLength:"1" maxLength:"200" doc:"The tenant's id."`
}

type createTenantIn struct {
	Body struct {
		ID   string `json:"id" required:"true" minLength:"1" maxLength:"200" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" doc:"The tenant's id: letters, digits, dot, underscore and hyphen. It never changes and is never reused."`
		Name string `json:"name" required:"true" minLength:"1" maxLength:"1024" doc:"The tenant's display name (a company or product)."`
		Kind string `json:"kind" required:"true" enum:"controller,processor" doc:"controller, or processor for an entrusted party (an SDK vendor) that processes personal information for controllers."`
	}
}

type tenantOutBody struct{ Body TenantOut }

type createKeyIn struct {
	TenantParam
	Body struct {
		Name   string   `json:"name" required:"true" minLength:"1" maxLength:"128" doc:"What the key is for, such as ci deploy."`
		Scopes []string `json:"scopes" required:"true" minItems:"1" maxItems:"5" uniqueItems:"true" enum:"collect,consent,requests,admin,audit" doc:"The scopes the key holds: collect (records, decisions), consent (subjects, consent, permissions, guardians), requests (rights requests), admin (tenants, keys, declarations), audit (read the audit log)."`
	}
}

type keyOutBody struct{ Body KeyOut }

type keysOut struct {
	Body struct {
		Keys []KeyOut `json:"keys" doc:"The tenant's keys, revoked ones included, by id."`
	}
}

type revokeKeyIn struct {
	TenantParam
	ID string `path:"id" minLength:"1" maxLength:"200" doc:"The key's id."`
}

type linkIn struct {
	Processor string `path:"processor" minLength:"1" maxLength:"200" doc:"The processor tenant."`
	Body      struct {
		Controller string `json:"controller" required:"true" minLength:"1" maxLength:"200" doc:"The controller tenant the processor processes personal information for."`
	}
}

type linkOutBody struct{ Body LinkOut }

func (s *Server) mountTenants() {
	register(s, huma.Operation{
		OperationID: "create-tenant", Method: http.MethodPost, Path: "/v1/tenants", DefaultStatus: http.StatusCreated,
		Summary: "Create a tenant", Tags: []string{"Tenants"},
		Description: "Creates a tenant and its keys. Only an instance operator key may.",
		Errors:      []int{http.StatusConflict},
	}, ScopeAdmin, s.createTenant)
	register(s, huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/tenants/{tenant}",
		Summary: "Get a tenant", Tags: []string{"Tenants"}, Errors: []int{http.StatusNotFound},
	}, ScopeAdmin, s.getTenant)
	register(s, huma.Operation{
		OperationID: "create-key", Method: http.MethodPost, Path: "/v1/tenants/{tenant}/keys", DefaultStatus: http.StatusCreated,
		Summary: "Create an API key", Tags: []string{"Keys"},
		Description: "Creates an API key of the tenant. The response holds its token, shown this once.",
		Errors:      []int{http.StatusNotFound},
	}, ScopeAdmin, s.createKey)
	register(s, huma.Operation{
		OperationID: "list-keys", Method: http.MethodGet, Path: "/v1/tenants/{tenant}/keys",
		Summary: "List API keys", Tags: []string{"Keys"},
	}, ScopeAdmin, s.listKeys)
	register(s, huma.Operation{
		OperationID: "revoke-key", Method: http.MethodDelete, Path: "/v1/tenants/{tenant}/keys/{id}", DefaultStatus: http.StatusNoContent,
		Summary: "Revoke an API key", Tags: []string{"Keys"}, Errors: []int{http.StatusNotFound},
		Description: "Revokes a key: it stops working at once on the node that answers, and within 2 seconds on every other node " +
			"(nodes cache authenticated keys for that long).",
	}, ScopeAdmin, s.revokeKey)
	register(s, huma.Operation{
		OperationID: "link-controller", Method: http.MethodPost, Path: "/v1/tenants/{processor}/controllers", DefaultStatus: http.StatusCreated,
		Summary: "Link a processor to a controller", Tags: []string{"Tenants"},
		Description: "Records that a processor tenant processes personal information for a controller tenant (PIPL Art. 21; GDPR Art. 28), " +
			"so that rights requests reaching the processor can be routed to the controller. An operator key, or an admin key of the controller, may.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeAdmin, s.linkController)
}

func operatorOnly(p Principal) error {
	if !p.Operator() {
		return Problemf(http.StatusForbidden, "forbidden", "header.Authorization", "only an instance operator key may do this")
	}
	return nil
}

func (s *Server) createTenant(ctx context.Context, in *createTenantIn) (*tenantOutBody, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	p := principal(ctx)
	if err := operatorOnly(p); err != nil {
		return nil, err
	}
	t, err := s.v1.Vault.CreateTenant(ctx, p.Actor(), store.Tenant{ID: in.Body.ID, Name: in.Body.Name, Kind: store.TenantKind(in.Body.Kind)})
	if err != nil {
		return nil, s.fail(ctx, on("body.id", "tenant", err))
	}
	return &tenantOutBody{Body: tenantOut(t)}, nil
}

func (s *Server) getTenant(ctx context.Context, in *TenantParam) (*tenantOutBody, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	var t store.Tenant
	err := s.v1.store.Read(ctx, func(r store.Reader) error {
		var err error
		t, err = r.GetTenant(ctx, in.Tenant)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.tenant", "tenant", err))
	}
	return &tenantOutBody{Body: tenantOut(t)}, nil
}

func (s *Server) createKey(ctx context.Context, in *createKeyIn) (*keyOutBody, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	p := principal(ctx)
	if in.Tenant == "" {
		return nil, Problemf(http.StatusBadRequest, "invalid_input", "path.tenant", "path.tenant: required")
	}
	k, token, err := CreateKey(ctx, s.v1.store, p.Actor(), in.Tenant, in.Body.Name, in.Body.Scopes)
	if err != nil {
		return nil, s.fail(ctx, on("path.tenant", "tenant", err))
	}
	out := keyOut(k)
	out.Token = token
	return &keyOutBody{Body: out}, nil
}

// CreateKey makes an API key of tenant ("" for an instance operator key)
// with a new token, stores it (only the hash of its secret) with its audit
// entry, and returns it with the token, which is shown once.
func CreateKey(ctx context.Context, st store.Store, actor, tenant, name string, scopes []string) (store.APIKey, string, error) {
	id, token, hash, err := NewToken()
	if err != nil {
		return store.APIKey{}, "", err
	}
	var k store.APIKey
	err = st.Write(ctx, func(tx store.Tx) error {
		var err error
		k, err = tx.CreateAPIKey(ctx, store.APIKey{ID: id, Tenant: tenant, Name: name, Hash: hash, Scopes: scopes})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: actor, Action: "apikey.create", ObjectType: "apikey", ObjectID: k.ID,
			Details: map[string]string{"scopes": strings.Join(k.Scopes, ",")}})
		return err
	})
	return k, token, err
}

func (s *Server) listKeys(ctx context.Context, in *TenantParam) (*keysOut, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	out := &keysOut{}
	out.Body.Keys = []KeyOut{}
	err := s.v1.store.Read(ctx, func(r store.Reader) error {
		if _, err := r.GetTenant(ctx, in.Tenant); err != nil {
			return err
		}
		p := store.Page{Limit: store.MaxLimit}
		for {
			ks, next, err := r.ListAPIKeys(ctx, in.Tenant, p)
			if err != nil {
				return err
			}
			for _, k := range ks {
				out.Body.Keys = append(out.Body.Keys, keyOut(k))
			}
			if next == "" {
				return nil
			}
			p.After = next
		}
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.tenant", "tenant", err))
	}
	return out, nil
}

func (s *Server) revokeKey(ctx context.Context, in *revokeKeyIn) (*struct{}, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	p := principal(ctx)
	err := s.v1.store.Write(ctx, func(tx store.Tx) error {
		k, err := tx.RevokeAPIKey(ctx, in.Tenant, in.ID)
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: in.Tenant, Actor: p.Actor(), Action: "apikey.revoke", ObjectType: "apikey", ObjectID: k.ID})
		return err
	})
	if s.forgetKey != nil {
		s.forgetKey(in.ID) // whether or not the write succeeded
	}
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "API key", err))
	}
	return &struct{}{}, nil
}

func (s *Server) linkController(ctx context.Context, in *linkIn) (*linkOutBody, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	p := principal(ctx)
	// The link is the controller's instruction to the processor: the
	// operator or the controller's own admins give it.
	if !p.Operator() && p.Tenant != in.Body.Controller {
		return nil, Problemf(http.StatusForbidden, "forbidden", "body.controller", "only an operator key or an admin key of the controller may link it to a processor")
	}
	var l store.TenantLink
	err := s.v1.store.Write(ctx, func(tx store.Tx) error {
		var err error
		l, err = tx.LinkTenants(ctx, store.TenantLink{Processor: in.Processor, Controller: in.Body.Controller})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: l.Controller, Actor: p.Actor(), Action: "tenant.link", ObjectType: "tenant", ObjectID: l.Processor,
			Details: map[string]string{"processor": l.Processor, "controller": l.Controller}})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.processor", "tenant", err))
	}
	return &linkOutBody{Body: LinkOut{Processor: l.Processor, Controller: l.Controller, CreatedAt: l.CreatedAt}}, nil
}
