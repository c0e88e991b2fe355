package drp

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
)

// Requests creates and withdraws trustee rights requests; *rights.Service
// satisfies it.
type Requests interface {
	Create(ctx context.Context, actor, tenant, subject, typ, channel string) (store.Request, error)
	Withdraw(ctx context.Context, actor, tenant, id string) (store.Request, error)
}

// agent is an Authorized Agent's registration with a tenant.
type agent struct {
	pub         ed25519.PublicKey
	callbackURL string
}

// ErrUnknownAgent is what [Handler.Agents] returns when the tenant has no
// active key for the agent (none registered, or revoked).
var ErrUnknownAgent = errors.New("drp: no active key for this agent")

// Business is a tenant's entry in the DRP Business Discovery Document
// (3.05.2). Contacts are left out: they may be personal data.
type Business struct {
	// ID is the business-id agents address requests to; the tenant id
	// when empty.
	ID string
	// Name is the consumer-legible name; the tenant's name when empty.
	Name string
	// Logo, WebURL and PrivacyPolicyURL are optional HTTPS links.
	Logo             string
	WebURL           string
	PrivacyPolicyURL string
	// APIBase is the DRP API base URL; when empty it is
	// [Handler.PublicURL] and the path the document was served under.
	APIBase string
	// SupportedVerifications are the identity claims (email,
	// phone_number, address) [Handler.Identify] matches on.
	SupportedVerifications []string
}

// Defaults for [Handler] fields left zero.
const (
	DefaultMaxBody     = 64 << 10
	DefaultSkew        = time.Minute
	DefaultMaxLifetime = 15 * time.Minute
)

// Handler serves the DRP endpoints for every tenant. Fill the fields, then
// call [Handler.Mount] or [Handler.Routes]. It is safe for concurrent use
// once serving starts; do not change fields afterwards.
type Handler struct {
	// Requests creates and withdraws requests (a *rights.Service).
	Requests Requests
	// Store reads requests and writes the audit entry of a request that
	// matched no subject.
	Store store.Store
	// Agents returns the agent's active Ed25519 public key registered
	// with the tenant and, optionally, the HTTPS URL its status callbacks
	// go to; an error wrapping ErrUnknownAgent when it has none (never
	// registered, or revoked).
	Agents func(ctx context.Context, tenant, agentID string) (pub ed25519.PublicKey, callbackURL string, err error)
	// Identify maps verified identity claims to the tenant's subject id,
	// "" when none matches. It should rely only on claims the agent marks
	// verified (EmailVerified, PhoneNumberVerified, AddressVerified), and
	// must not log or keep them.
	Identify func(ctx context.Context, tenant string, claims Claims) (subject string, err error)
	// Tenant returns the tenant a request targets, e.g. from
	// r.PathValue("tenant"); an error answers 404.
	Tenant func(r *http.Request) (string, error)
	// Key signs status callbacks and keys bearer tokens. Required.
	Key ed25519.PrivateKey
	// Directory returns the tenant's discovery entry; nil uses the
	// tenant's id and name.
	Directory func(ctx context.Context, tenant string) (Business, error)
	// Declaration returns the tenant's active declaration: the actions
	// offered are those whose rights it declares. Nil offers every
	// action in Actions.
	Declaration func(ctx context.Context, tenant string) (*policy.Declaration, error)
	// PublicURL is the scheme and host agents reach trustee at, such as
	// "https://trustee.example.com", for the discovery document's
	// api_base.
	PublicURL string
	// Clock tells the time; clock.Real when nil.
	Clock clock.Clock
	// Log receives ids and codes only; discarded when nil.
	Log *slog.Logger
	// HTTP sends status callbacks; a client with a 10-second timeout
	// when nil.
	HTTP *http.Client
	// MaxBody bounds a request body (DefaultMaxBody when 0).
	MaxBody int64
	// Skew is how far in the future issued-at may be (DefaultSkew when
	// 0).
	Skew time.Duration
	// MaxLifetime bounds expires-at less issued-at (DefaultMaxLifetime
	// when 0; DRP 2.01 recommends at most 10 minutes).
	MaxLifetime time.Duration

	replay replayCache
}

func (h *Handler) now() time.Time {
	if h.Clock == nil {
		return time.Now().UTC()
	}
	return h.Clock.Now()
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

func (h *Handler) maxBody() int64 {
	if h.MaxBody > 0 {
		return h.MaxBody
	}
	return DefaultMaxBody
}

func (h *Handler) skew() time.Duration {
	if h.Skew > 0 {
		return h.Skew
	}
	return DefaultSkew
}

func (h *Handler) maxLifetime() time.Duration {
	if h.MaxLifetime > 0 {
		return h.MaxLifetime
	}
	return DefaultMaxLifetime
}

// Mount registers the DRP endpoints on mux under prefix, which may hold
// path wildcards such as "/drp/{tenant}" for [Handler.Tenant] to read.
// The empty prefix serves them at the root.
func (h *Handler) Mount(mux *http.ServeMux, prefix string) {
	prefix = strings.TrimSuffix(prefix, "/")
	mux.HandleFunc("GET "+prefix+"/.well-known/data-rights.json", h.discovery)
	mux.HandleFunc("POST "+prefix+"/v1/agent/{agent_id}", h.setup)
	mux.HandleFunc("GET "+prefix+"/v1/agent/{agent_id}", h.agentInfo)
	mux.HandleFunc("POST "+prefix+"/v1/data-rights-request", h.exercise)
	// Before 0.9.3 the path ended in a slash; 2.01 lets us keep it.
	mux.HandleFunc("POST "+prefix+"/v1/data-rights-request/{$}", h.exercise)
	mux.HandleFunc("GET "+prefix+"/v1/data-rights-request/{request_id}", h.status)
	mux.HandleFunc("DELETE "+prefix+"/v1/data-rights-request/{request_id}", h.revoke)
}

// Routes returns a handler serving the DRP endpoints at the root.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	h.Mount(mux, "")
	return mux
}

// errorBody is a DRP error state (3.06).
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fatal   bool   `json:"fatal,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"code":"500","message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers err: a DRP *Error as itself, anything else as a 500
// whose cause goes to the log only.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, route string, err error) {
	var e *Error
	if !errors.As(err, &e) {
		h.log().LogAttrs(r.Context(), slog.LevelError, "drp", slog.String("route", route), slog.String("err", err.Error()))
		e = fail(http.StatusInternalServerError, "internal", "the request could not be processed; try again later")
	} else {
		h.log().LogAttrs(r.Context(), slog.LevelInfo, "drp rejected", slog.String("route", route), slog.String("code", e.Code), slog.Int("status", e.Status))
	}
	writeJSON(w, e.Status, errorBody{Code: fmt.Sprint(e.Status), Message: e.Message, Fatal: e.Fatal})
}

// tenant resolves the request's tenant.
func (h *Handler) tenant(r *http.Request) (string, error) {
	if h.Tenant == nil {
		return "", errors.New("drp: Handler.Tenant is not set")
	}
	t, err := h.Tenant(r)
	if err != nil || t == "" {
		return "", fail(http.StatusNotFound, "tenant", "no business is served at this address")
	}
	return t, nil
}

// readBody reads at most MaxBody bytes.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody()))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, fail(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than %d bytes", h.maxBody()))
	}
	if err != nil {
		return nil, fail(http.StatusBadRequest, "encoding", "the body could not be read")
	}
	return b, nil
}

// agent looks the agent up; any failure is ErrUnknownAgent to the caller.
func (h *Handler) agent(ctx context.Context, tenant, agentID string) (agent, error) {
	if !validAgentID(agentID) {
		return agent{}, ErrUnknownAgent
	}
	if h.Agents == nil {
		return agent{}, errors.New("drp: Handler.Agents is not set")
	}
	pub, cb, err := h.Agents(ctx, tenant, agentID)
	if err != nil {
		return agent{}, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return agent{}, fmt.Errorf("%w: the registered key is not a %d-byte Ed25519 public key", ErrUnknownAgent, ed25519.PublicKeySize)
	}
	return agent{pub: pub, callbackURL: cb}, nil
}

// validAgentID accepts ids that fit the channel string: 1 to 128 bytes of
// printable ASCII without ':' or '/'.
func validAgentID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == ':' || c == '/' {
			return false
		}
	}
	return true
}

// business returns the tenant's discovery entry, with defaults filled.
func (h *Handler) business(ctx context.Context, tenant string) (Business, error) {
	var b Business
	if h.Directory != nil {
		var err error
		if b, err = h.Directory(ctx, tenant); err != nil {
			return Business{}, err
		}
	}
	if b.ID == "" {
		b.ID = tenant
	}
	if b.Name == "" && h.Store != nil {
		err := h.Store.Read(ctx, func(rd store.Reader) error {
			t, err := rd.GetTenant(ctx, tenant)
			b.Name = t.Name
			return err
		})
		if err != nil {
			return Business{}, err
		}
	}
	return b, nil
}

// checkEnvelope applies 3.07's checks after the signature: the agent-id
// is the authenticated agent's, the business-id is the tenant's, and now
// lies in [issued-at - skew, expires-at) with a bounded lifetime. It
// returns expires-at.
func (h *Handler) checkEnvelope(ctx context.Context, e Envelope, agentID, tenant string) (time.Time, error) {
	if e.AgentID != agentID {
		return time.Time{}, fail(http.StatusForbidden, "agent_mismatch", "agent-id in the signed message is not the agent this bearer token or path names (DRP 3.07)")
	}
	b, err := h.business(ctx, tenant)
	if err != nil {
		return time.Time{}, err
	}
	if e.BusinessID != b.ID {
		return time.Time{}, fail(http.StatusForbidden, "business_mismatch", "business-id in the signed message is not this business: use the id in its discovery document (DRP 3.07)")
	}
	issued, ok := ParseTime(e.IssuedAt)
	if !ok {
		return time.Time{}, fail(http.StatusBadRequest, "message", "issued-at must be an ISO 8601 timestamp such as 2025-01-02T15:04:05Z")
	}
	expires, ok := ParseTime(e.ExpiresAt)
	if !ok {
		return time.Time{}, fail(http.StatusBadRequest, "message", "expires-at must be an ISO 8601 timestamp such as 2025-01-02T15:04:05Z")
	}
	now := h.now()
	switch {
	case issued.After(now.Add(h.skew())):
		return time.Time{}, fail(http.StatusBadRequest, "issued_at", "issued-at is in the future: check the agent's clock (DRP 3.07)")
	case !expires.After(issued):
		return time.Time{}, fail(http.StatusBadRequest, "lifetime", "expires-at must be after issued-at")
	case expires.Sub(issued) > h.maxLifetime():
		return time.Time{}, fail(http.StatusBadRequest, "lifetime", fmt.Sprintf("expires-at is more than %s after issued-at: keep requests short-lived (DRP 2.01)", h.maxLifetime()))
	case !now.Before(expires):
		e := fail(http.StatusBadRequest, "expired", "the request expired (expires-at has passed): sign a new one (DRP 2.01)")
		e.Fatal = true
		return time.Time{}, e
	}
	return expires, nil
}
