package client

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Declaration is one uploaded version of a tenant's declaration: its
// privacy policy as code.
type Declaration struct {
	// Seq numbers the tenant's uploads 1, 2, 3...
	Seq int64 `json:"seq"`
	// PolicyID and Version are the declaration's own id and version.
	PolicyID string `json:"policy_id"`
	Version  string `json:"version"`
	// SHA256 is the hash of the uploaded text, in hex.
	SHA256 string `json:"sha256"`
	// Active is true for the one version trustee enforces.
	Active bool `json:"active"`
	// ReconsentPurposes, set by [Client.ActivateDeclaration], lists the
	// purposes that a major change against the previously active version
	// puts up for re-consent.
	ReconsentPurposes []string `json:"reconsent_purposes,omitempty"`
	// Major, set by [Client.ActivateDeclaration] when there was a
	// previously active version, says whether the change from it is major
	// and must be notified prominently.
	Major     *bool     `json:"major,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// UploadDeclaration uploads the YAML text of a declaration as a new,
// inactive version (admin scope). A declaration with lint findings is
// refused with a 422 [*Problem] of code invalid_declaration whose Errors
// are the findings; one that does not parse, with a 400.
func (c *Client) UploadDeclaration(ctx context.Context, source []byte) (*Declaration, error) {
	in := struct {
		Source string `json:"source"`
	}{string(source)}
	var out Declaration
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/declarations", path: "/v1/declarations",
		body: in, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ActivateDeclaration makes version seq the one trustee enforces (admin
// scope).
func (c *Client) ActivateDeclaration(ctx context.Context, seq int64) (*Declaration, error) {
	var out Declaration
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/declarations/{seq}/activate",
		path: "/v1/declarations/" + strconv.FormatInt(seq, 10) + "/activate", out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListDeclarations lists the tenant's declaration versions by Seq (admin
// scope).
func (c *Client) ListDeclarations(ctx context.Context) ([]Declaration, error) {
	var out struct {
		Declarations []Declaration `json:"declarations"`
	}
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/declarations", path: "/v1/declarations",
		out: &out, want: http.StatusOK})
	return out.Declarations, err
}

// ActiveDeclaration returns the version trustee enforces (collect scope);
// [ErrNotFound] when none was activated.
func (c *Client) ActiveDeclaration(ctx context.Context) (*Declaration, error) {
	var out Declaration
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/declarations/active", path: "/v1/declarations/active",
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	out.Active = true
	return &out, nil
}
