package client

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// TenantKind says whether a tenant controls its data or processes it for
// others.
type TenantKind string

// The kinds of tenant.
const (
	// Controller decides why and how personal data is processed.
	Controller TenantKind = "controller"
	// Processor processes for controllers (an SDK vendor, an "entrusted
	// party"); rights requests reaching it go to the controller.
	Processor TenantKind = "processor"
)

// Tenant is a company or an app served by trustee.
type Tenant struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Kind      TenantKind `json:"kind"`
	CreatedAt time.Time  `json:"created_at,omitzero"`
}

// CreateTenant creates a tenant (operator key, admin scope). t.CreatedAt
// is ignored.
func (c *Client) CreateTenant(ctx context.Context, t Tenant) (*Tenant, error) {
	in := struct {
		ID   string     `json:"id"`
		Name string     `json:"name"`
		Kind TenantKind `json:"kind"`
	}{t.ID, t.Name, t.Kind}
	var out Tenant
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/tenants", path: "/v1/tenants",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetTenant returns a tenant (admin scope).
func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	var out Tenant
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/tenants/{tenant}", path: "/v1/tenants/" + seg(id),
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Scopes an API key may hold.
const (
	ScopeCollect  = "collect"  // collect and read records, decisions
	ScopeConsent  = "consent"  // subjects, consent, permissions, guardians
	ScopeRequests = "requests" // rights requests
	ScopeAdmin    = "admin"    // tenants, keys, declarations
	ScopeAudit    = "audit"    // read the audit log
)

// AllScopes lists every scope.
func AllScopes() []string {
	return []string{ScopeCollect, ScopeConsent, ScopeRequests, ScopeAdmin, ScopeAudit}
}

// Token is an API key's secret token, trk_<id>_<secret>. It prints and
// logs as REDACTED; string(t) is the token itself.
type Token string

// String implements fmt.Stringer without revealing the token.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return "REDACTED"
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// LogValue implements slog.LogValuer without revealing the token.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Key is an API key. Its Token is returned once, by [Client.CreateKey];
// the server keeps only its hash.
type Key struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	Token     Token      `json:"token,omitempty"`
	CreatedAt time.Time  `json:"created_at,omitzero"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// CreateKey creates an API key of a tenant with the given scopes
// ([ScopeCollect]...) and returns it with its token, which is shown only
// this once (admin scope: an operator key, or an admin key of the tenant).
func (c *Client) CreateKey(ctx context.Context, tenant, name string, scopes ...string) (*Key, error) {
	in := struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}{name, scopes}
	var out Key
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/tenants/{tenant}/keys", path: "/v1/tenants/" + seg(tenant) + "/keys",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListKeys lists a tenant's API keys, revoked ones included, without
// their tokens (admin scope).
func (c *Client) ListKeys(ctx context.Context, tenant string) ([]Key, error) {
	var out struct {
		Keys []Key `json:"keys"`
	}
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/tenants/{tenant}/keys", path: "/v1/tenants/" + seg(tenant) + "/keys",
		out: &out, want: http.StatusOK})
	return out.Keys, err
}

// RevokeKey revokes a tenant's API key: it stops working at once (admin
// scope).
func (c *Client) RevokeKey(ctx context.Context, tenant, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, route: "DELETE /v1/tenants/{tenant}/keys/{id}",
		path: "/v1/tenants/" + seg(tenant) + "/keys/" + seg(id), want: http.StatusNoContent})
}

// TenantLink records that a processor tenant processes data for a
// controller tenant.
type TenantLink struct {
	Processor  string    `json:"processor"`
	Controller string    `json:"controller"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
}

// LinkController records that processor processes data for controller
// (operator key, admin scope).
func (c *Client) LinkController(ctx context.Context, processor, controller string) (*TenantLink, error) {
	in := struct {
		Controller string `json:"controller"`
	}{controller}
	var out TenantLink
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/tenants/{processor}/controllers",
		path: "/v1/tenants/" + seg(processor) + "/controllers", body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
