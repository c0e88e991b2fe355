package api

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
)

// TrustedKeyOut is a public key the tenant trusts to sign for it.
type TrustedKeyOut struct {
	ID          string     `json:"id" doc:"The key's id, chosen by the tenant."`
	Kind        string     `json:"kind" enum:"app,agent" doc:"app (the tenant's app, signing identity assertions) or agent (an authorized agent's request-signing key)."`
	Name        string     `json:"name" doc:"A label for staff."`
	Algorithm   string     `json:"algorithm" doc:"The signature algorithm: Ed25519."`
	PublicKey   string     `json:"public_key" doc:"The raw public key, in standard base64."`
	CallbackURL string     `json:"callback_url,omitempty" doc:"For an agent key, where status callbacks go."`
	CreatedAt   time.Time  `json:"created_at" doc:"When the key was added."`
	RevokedAt   *time.Time `json:"revoked_at,omitempty" doc:"When the key was revoked; absent while it is active."`
}

// NewTrustedKeyOut is k as the API shows it; the CLI prints the same.
func NewTrustedKeyOut(k store.TrustedKey) TrustedKeyOut {
	out := TrustedKeyOut{ID: k.ID, Kind: k.Kind, Name: k.Name, Algorithm: k.Algorithm,
		PublicKey: base64.StdEncoding.EncodeToString(k.PublicKey), CallbackURL: k.CallbackURL, CreatedAt: k.CreatedAt}
	if !k.Active() {
		t := k.RevokedAt
		out.RevokedAt = &t
	}
	return out
}

// WebhookOut is a webhook endpoint of the tenant. Its secret is in the
// answer to its creation only.
type WebhookOut struct {
	ID         string     `json:"id" doc:"The endpoint's id."`
	URL        string     `json:"url" doc:"Where events are posted."`
	Events     []string   `json:"events" doc:"The event types it receives; empty for all, present and future."`
	CreatedAt  time.Time  `json:"created_at" doc:"When it was registered."`
	DisabledAt *time.Time `json:"disabled_at,omitempty" doc:"When it was disabled; absent while it is active."`
	Secret     string     `json:"secret,omitempty" doc:"The signing secret (whsec_...) to verify deliveries with (Standard Webhooks). It is shown once, when the endpoint is created, and never again: store it now."`
}

func webhookOut(w store.WebhookEndpoint) WebhookOut {
	out := WebhookOut{ID: w.ID, URL: w.URL, Events: w.Events, CreatedAt: w.CreatedAt}
	if out.Events == nil {
		out.Events = []string{}
	}
	if !w.Active() {
		t := w.DisabledAt
		out.DisabledAt = &t
	}
	return out
}

// HoldOut is a legal hold.
type HoldOut struct {
	ID         string     `json:"id" doc:"The hold's id (a UUIDv7)."`
	Scope      string     `json:"scope" enum:"tenant,subject,category" doc:"What the hold covers: the whole tenant, one subject or one data category."`
	Target     string     `json:"target,omitempty" doc:"The subject id or category id; absent for a tenant hold."`
	Reason     string     `json:"reason" doc:"Why the hold was placed, for staff."`
	PlacedBy   string     `json:"placed_by" doc:"Who placed it (an actor id, as in the audit log)."`
	PlacedAt   time.Time  `json:"placed_at" doc:"When it was placed."`
	ReleasedBy string     `json:"released_by,omitempty" doc:"Who released it; absent while it is active."`
	ReleasedAt *time.Time `json:"released_at,omitempty" doc:"When it was released; absent while it is active."`
}

// NewHoldOut is h as the API shows it; the CLI prints the same.
func NewHoldOut(h store.Hold) HoldOut {
	out := HoldOut{ID: h.ID, Scope: h.Scope, Target: h.Target, Reason: h.Reason, PlacedBy: h.PlacedBy, PlacedAt: h.PlacedAt, ReleasedBy: h.ReleasedBy}
	if !h.Active() {
		t := h.ReleasedAt
		out.ReleasedAt = &t
	}
	return out
}

// PageParams are the paging query parameters of the admin listings.
type PageParams struct {
	After string `query:"after" maxLength:"264" doc:"The next value of the previous page."`
	Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"The most items to return."`
}

func (p PageParams) page() store.Page { return store.Page{After: p.After, Limit: p.Limit} }

// IDParam is the id path parameter of the admin operations.
type IDParam struct {
	ID string `path:"id" minLength:"1" maxLength:"200" doc:"The object's id."`
}

type createTrustedKeyIn struct {
	Body struct {
		ID          string `json:"id" required:"true" minLength:"1" maxLength:"200" pattern:"^[A-Za-z0-9][A-Za-z0-9._:-]*$" doc:"The key's id, unique in the tenant: letters, digits, dot, underscore, colon and hyphen."`
		Kind        string `json:"kind" required:"true" enum:"app,agent" doc:"app: the tenant's app, which signs identity assertions for subjects it authenticated. agent: an authorized agent's request-signing key (DRP)."`
		Name        string `json:"name" required:"true" minLength:"1" maxLength:"128" doc:"A label for staff, such as iOS app 2026. Never logged or audited."`
		PublicKey   string `json:"public_key" required:"true" minLength:"1" maxLength:"128" doc:"The raw 32-byte Ed25519 public key in base64 (standard or URL-safe, padded or not); not PEM."`
		CallbackURL string `json:"callback_url,omitempty" maxLength:"1024" doc:"Agents only: where status callbacks go; https, or http to a loopback host."`
	}
}

type trustedKeyOutBody struct{ Body TrustedKeyOut }

type listTrustedKeysIn struct {
	Kind string `query:"kind" enum:"app,agent" doc:"Only keys of this kind."`
	PageParams
}

type listTrustedKeysOut struct {
	Body struct {
		TrustedKeys []TrustedKeyOut `json:"trusted_keys" doc:"One page of the tenant's trusted keys, revoked ones included, by id."`
		Next        string          `json:"next" doc:"Pass as after for the next page; empty after the last."`
	}
}

type createWebhookIn struct {
	Body struct {
		URL    string   `json:"url" required:"true" minLength:"1" maxLength:"2048" doc:"Where events are posted: https, or http to a loopback host. It may hold a token: trustee never logs or audits it."`
		Events []string `json:"events,omitempty" maxItems:"64" uniqueItems:"true" enum:"request.created,request.due_soon,request.status" doc:"The event types to receive; empty or absent for all, present and future."`
	}
}

type webhookOutBody struct{ Body WebhookOut }

type listWebhooksOut struct {
	Body struct {
		Webhooks []WebhookOut `json:"webhooks" doc:"One page of the tenant's endpoints, disabled ones included, by id; never their secrets."`
		Next     string       `json:"next" doc:"Pass as after for the next page; empty after the last."`
	}
}

type placeHoldIn struct {
	Body struct {
		Scope  string `json:"scope" required:"true" enum:"tenant,subject,category" doc:"What the hold covers: tenant (everything), subject (one subject's data) or category (one data category, of every subject)."`
		Target string `json:"target,omitempty" maxLength:"200" doc:"The subject id (scope subject) or the category id (scope category); empty for scope tenant."`
		Reason string `json:"reason" required:"true" minLength:"1" maxLength:"1024" doc:"Why: a case number, a regulator's order. Kept for staff; never written to the audit log or the server's logs."`
	}
}

type holdOutBody struct{ Body HoldOut }

type listHoldsIn struct {
	Scope  string `query:"scope" enum:"tenant,subject,category" doc:"Only holds of this scope."`
	Target string `query:"target" maxLength:"200" doc:"Only holds on this subject or category; needs scope."`
	Active bool   `query:"active" doc:"true: only holds not released."`
	PageParams
}

type listHoldsOut struct {
	Body struct {
		Holds []HoldOut `json:"holds" doc:"One page of the tenant's holds, by id."`
		Next  string    `json:"next" doc:"Pass as after for the next page; empty after the last."`
	}
}

func (s *Server) mountAdmin() {
	register(s, huma.Operation{
		OperationID: "create-trusted-key", Method: http.MethodPost, Path: "/v1/trusted-keys", DefaultStatus: http.StatusCreated,
		Summary: "Add a trusted key", Tags: []string{"Trusted keys"},
		Description: "Adds an Ed25519 public key the tenant trusts: its app's, which signs identity assertions for subjects the app authenticated, " +
			"or an authorized agent's request-signing key. The addition is audited with the key's id, kind and fingerprint.",
		Errors: []int{http.StatusConflict},
	}, ScopeAdmin, s.createTrustedKey)
	register(s, huma.Operation{
		OperationID: "list-trusted-keys", Method: http.MethodGet, Path: "/v1/trusted-keys",
		Summary: "List trusted keys", Tags: []string{"Trusted keys"},
	}, ScopeAdmin, s.listTrustedKeys)
	register(s, huma.Operation{
		OperationID: "revoke-trusted-key", Method: http.MethodDelete, Path: "/v1/trusted-keys/{id}",
		Summary: "Revoke a trusted key", Tags: []string{"Trusted keys"},
		Description: "Revokes a trusted key: signatures made with it are no longer accepted. Revoking a revoked key changes nothing.",
		Errors:      []int{http.StatusNotFound},
	}, ScopeAdmin, s.revokeTrustedKey)

	register(s, huma.Operation{
		OperationID: "create-webhook", Method: http.MethodPost, Path: "/v1/webhooks", DefaultStatus: http.StatusCreated,
		Summary: "Register a webhook endpoint", Tags: []string{"Webhooks"},
		Description: "Registers an endpoint that receives the tenant's events (request.created, request.due_soon, request.status), signed with Standard Webhooks. " +
			"The answer holds the signing secret, shown this once. Needs a server that runs the job runner (503 no_job_runner otherwise).",
		Errors: []int{http.StatusServiceUnavailable},
	}, ScopeAdmin, s.createWebhook)
	register(s, huma.Operation{
		OperationID: "list-webhooks", Method: http.MethodGet, Path: "/v1/webhooks",
		Summary: "List webhook endpoints", Tags: []string{"Webhooks"},
		Description: "Lists the tenant's endpoints, disabled ones included; never their secrets.",
	}, ScopeAdmin, s.listWebhooks)
	register(s, huma.Operation{
		OperationID: "disable-webhook", Method: http.MethodDelete, Path: "/v1/webhooks/{id}",
		Summary: "Disable a webhook endpoint", Tags: []string{"Webhooks"},
		Description: "Stops deliveries to the endpoint; those already queued are cancelled. Disabling a disabled endpoint changes nothing.",
		Errors:      []int{http.StatusNotFound, http.StatusServiceUnavailable},
	}, ScopeAdmin, s.disableWebhook)

	register(s, huma.Operation{
		OperationID: "place-hold", Method: http.MethodPost, Path: "/v1/holds", DefaultStatus: http.StatusCreated,
		Summary: "Place a legal hold", Tags: []string{"Holds"},
		Description: "Places a legal hold on the whole tenant, one subject or one data category. While it is active, the deletion of what it covers " +
			"(retention sweeps, erasure requests) is suspended and only storage and the necessary security measures continue " +
			"(PIPL Art. 47; GDPR Art. 17(3)(e), 18(2)). The reason is kept for staff and never audited.",
		Errors: []int{http.StatusNotFound},
	}, ScopeAdmin, s.placeHold)
	register(s, huma.Operation{
		OperationID: "list-holds", Method: http.MethodGet, Path: "/v1/holds",
		Summary: "List legal holds", Tags: []string{"Holds"},
	}, ScopeAdmin, s.listHolds)
	register(s, huma.Operation{
		OperationID: "release-hold", Method: http.MethodPost, Path: "/v1/holds/{id}/release",
		Summary: "Release a legal hold", Tags: []string{"Holds"},
		Description: "Releases a hold: the deletion it suspended resumes, unless another active hold covers the data. A hold is released once (409 already_released).",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeAdmin, s.releaseHold)
}

// invalidIn names, in a store's *store.InvalidError on an entity's field
// ("hold.reason"), the request's field instead (where+".reason", such as
// body.reason), and leaves other errors to fail.
func invalidIn(err error, entity, where string) error {
	var ie *store.InvalidError
	if errors.As(err, &ie) {
		rest, ok := strings.CutPrefix(ie.Field, entity+".")
		if !ok && where == "path" && ie.Field == "id" {
			rest, ok = "id", true // the store's check of an id argument
		}
		if ok {
			f := where + "." + rest
			return Problemf(http.StatusBadRequest, "invalid_input", f, f+": "+ie.Reason)
		}
	}
	return err
}

func (s *Server) createTrustedKey(ctx context.Context, in *createTrustedKeyIn) (*trustedKeyOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	pub, err := rights.DecodePublicKey(in.Body.PublicKey)
	if err != nil {
		return nil, s.fail(ctx, invalidIn(err, "trusted_key", "body"))
	}
	k, err := rights.CreateTrustedKey(ctx, s.v1.store, p.Actor(), store.TrustedKey{Tenant: tenant, ID: in.Body.ID, Kind: in.Body.Kind,
		Name: in.Body.Name, Algorithm: store.AlgorithmEd25519, PublicKey: pub, CallbackURL: in.Body.CallbackURL})
	if err != nil {
		return nil, s.fail(ctx, on("body.id", "trusted key", invalidIn(err, "trusted_key", "body")))
	}
	return &trustedKeyOutBody{Body: NewTrustedKeyOut(k)}, nil
}

func (s *Server) listTrustedKeys(ctx context.Context, in *listTrustedKeysIn) (*listTrustedKeysOut, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := readPage(ctx, s.v1.store, func(r store.Reader) ([]store.TrustedKey, string, error) {
		return r.ListTrustedKeys(ctx, tenant, in.Kind, in.page())
	})
	if err != nil {
		return nil, s.fail(ctx, invalidIn(err, "page", "query"))
	}
	out := &listTrustedKeysOut{}
	out.Body.TrustedKeys = outs(list, NewTrustedKeyOut)
	out.Body.Next = next
	return out, nil
}

func (s *Server) revokeTrustedKey(ctx context.Context, in *IDParam) (*trustedKeyOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	k, err := rights.RevokeTrustedKey(ctx, s.v1.store, p.Actor(), tenant, in.ID)
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "trusted key", invalidIn(err, "trusted_key", "path")))
	}
	return &trustedKeyOutBody{Body: NewTrustedKeyOut(k)}, nil
}

// router returns the server's webhook router, or the 503 that says there
// is none.
func (s *Server) router() (*routing.Router, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if s.v1.Router == nil {
		return nil, Problemf(http.StatusServiceUnavailable, "no_job_runner", "",
			"this server runs no job runner to deliver webhooks, so it does not manage webhook endpoints: "+
				"call a trustee serve node that runs its job runner")
	}
	return s.v1.Router, nil
}

func (s *Server) createWebhook(ctx context.Context, in *createWebhookIn) (*webhookOutBody, error) {
	rt, err := s.router()
	if err != nil {
		return nil, err
	}
	p, tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	ep, secret, err := rt.CreateEndpoint(ctx, p.Actor(), tenant, in.Body.URL, in.Body.Events)
	switch {
	case errors.Is(err, routing.ErrURL):
		return nil, Problemf(http.StatusBadRequest, "invalid_input", "body.url", "body.url: "+strings.TrimPrefix(err.Error(), "routing: "))
	case errors.Is(err, routing.ErrEvents):
		return nil, Problemf(http.StatusBadRequest, "invalid_input", "body.events", "body.events: "+strings.TrimPrefix(err.Error(), "routing: "))
	case err != nil:
		return nil, s.fail(ctx, invalidIn(err, "webhook", "body"))
	}
	out := webhookOut(ep)
	out.Secret = secret
	return &webhookOutBody{Body: out}, nil
}

func (s *Server) listWebhooks(ctx context.Context, in *PageParams) (*listWebhooksOut, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := readPage(ctx, s.v1.store, func(r store.Reader) ([]store.WebhookEndpoint, string, error) {
		return r.ListWebhookEndpoints(ctx, tenant, in.page())
	})
	if err != nil {
		return nil, s.fail(ctx, invalidIn(err, "page", "query"))
	}
	out := &listWebhooksOut{}
	out.Body.Webhooks = outs(list, webhookOut)
	out.Body.Next = next
	return out, nil
}

func (s *Server) disableWebhook(ctx context.Context, in *IDParam) (*webhookOutBody, error) {
	rt, err := s.router()
	if err != nil {
		return nil, err
	}
	p, tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	ep, err := rt.DisableEndpoint(ctx, p.Actor(), tenant, in.ID)
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "webhook endpoint", invalidIn(err, "webhook", "path")))
	}
	return &webhookOutBody{Body: webhookOut(ep)}, nil
}

func (s *Server) placeHold(ctx context.Context, in *placeHoldIn) (*holdOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	h, err := rights.PlaceHold(ctx, s.v1.store, p.Actor(), store.Hold{Tenant: tenant, Scope: in.Body.Scope, Target: in.Body.Target, Reason: in.Body.Reason})
	if errors.Is(err, store.ErrNotFound) {
		// The tenant exists (its key authenticated): what is missing is
		// the subject of a subject hold.
		return nil, Problemf(http.StatusNotFound, "not_found", "body.target",
			"body.target: the tenant has no subject with this id; a subject hold needs an existing subject")
	}
	if err != nil {
		return nil, s.fail(ctx, invalidIn(err, "hold", "body"))
	}
	return &holdOutBody{Body: NewHoldOut(h)}, nil
}

func (s *Server) listHolds(ctx context.Context, in *listHoldsIn) (*listHoldsOut, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := readPage(ctx, s.v1.store, func(r store.Reader) ([]store.Hold, string, error) {
		return r.ListHolds(ctx, tenant, store.HoldFilter{Scope: in.Scope, Target: in.Target, ActiveOnly: in.Active}, in.page())
	})
	if err != nil {
		return nil, s.fail(ctx, invalidIn(invalidIn(err, "filter", "query"), "page", "query"))
	}
	out := &listHoldsOut{}
	out.Body.Holds = outs(list, NewHoldOut)
	out.Body.Next = next
	return out, nil
}

func (s *Server) releaseHold(ctx context.Context, in *IDParam) (*holdOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	h, err := rights.ReleaseHold(ctx, s.v1.store, p.Actor(), tenant, in.ID)
	if errors.Is(err, rights.ErrHoldReleased) {
		return nil, Problemf(http.StatusConflict, "already_released", "path.id", "the hold was released already; the first release stands")
	}
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "hold", invalidIn(err, "hold", "path")))
	}
	return &holdOutBody{Body: NewHoldOut(h)}, nil
}
