package drp

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// actor names an agent in audit entries.
func actor(agentID string) string { return "drp-agent:" + agentID }

// authenticate checks the bearer token (2.01, 2.02, 2.04, 2.06) and
// returns the agent it was issued to, with its registration.
func (h *Handler) authenticate(r *http.Request, tenant string) (string, agent, error) {
	denied := fail(http.StatusForbidden, "token", "a valid bearer token is required: get one from POST /v1/agent/{agent-id} (DRP 2.05)")
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		denied.Status = http.StatusUnauthorized
		return "", agent{}, denied
	}
	agentID, nonce, mac, ok := tokenAgent(tok)
	if !ok {
		return "", agent{}, denied
	}
	a, err := h.agent(r.Context(), tenant, agentID)
	if errors.Is(err, ErrUnknownAgent) {
		return "", agent{}, denied
	}
	if err != nil {
		return "", agent{}, err
	}
	key, err := h.tokenKey()
	if err != nil {
		return "", agent{}, err
	}
	if !hmacEqual(mac, tokenMAC(key, tenant, agentID, nonce, a.pub)) {
		return "", agent{}, denied
	}
	return agentID, a, nil
}

// setup is the Pair-wise Key Setup endpoint (2.05): a message signed with
// the agent's registered key gets a bearer token. Any failure is 403
// with no body (2.05.1).
func (h *Handler) setup(w http.ResponseWriter, r *http.Request) {
	const route = "POST /v1/agent/{agent_id}"
	tok, agentID, err := h.doSetup(w, r)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == "too_large" {
			h.writeError(w, r, route, err)
			return
		}
		if errors.As(err, &e) || errors.Is(err, ErrUnknownAgent) {
			h.log().LogAttrs(r.Context(), slog.LevelInfo, "drp rejected", slog.String("route", route), slog.String("code", codeOf(err)))
			w.WriteHeader(http.StatusForbidden)
			return
		}
		h.writeError(w, r, route, err)
		return
	}
	h.log().LogAttrs(r.Context(), slog.LevelInfo, "drp token issued", slog.String("agent", agentID))
	writeJSON(w, http.StatusOK, map[string]string{"agent-id": agentID, "token": tok})
}

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "unknown_agent"
}

func (h *Handler) doSetup(w http.ResponseWriter, r *http.Request) (token, agentID string, err error) {
	tenant, err := h.tenant(r)
	if err != nil {
		return "", "", err
	}
	agentID = r.PathValue("agent_id")
	a, err := h.agent(r.Context(), tenant, agentID)
	if err != nil {
		return "", "", err
	}
	var s Setup
	msg, expires, err := h.signedBody(w, r, tenant, agentID, a, &s)
	if err != nil {
		return "", "", err
	}
	if err := checkVersion(s.Version); err != nil {
		return "", "", err
	}
	if err := h.once(tenant, agentID, "setup", msg, "", expires); err != nil {
		return "", "", err
	}
	tok, err := h.issueToken(tenant, agentID, a.pub)
	return tok, agentID, err
}

// enveloped is a signed message body: Setup, Exercise, Revoke.
type enveloped interface{ envelope() Envelope }

func (e Envelope) envelope() Envelope { return e }

// signedBody reads the request's body, checks its signature with the
// agent's key, decodes it into v and checks its envelope (3.07). It
// returns the message and when it expires.
func (h *Handler) signedBody(w http.ResponseWriter, r *http.Request, tenant, agentID string, a agent, v enveloped) ([]byte, time.Time, error) {
	body, err := h.readBody(w, r)
	if err != nil {
		return nil, time.Time{}, err
	}
	msg, err := Open(body, a.pub)
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := decode(msg, v); err != nil {
		return nil, time.Time{}, err
	}
	expires, err := h.checkEnvelope(r.Context(), v.envelope(), agentID, tenant)
	return msg, expires, err
}

// once refuses a message, or an agent request id, accepted before.
func (h *Handler) once(tenant, agentID, kind string, msg []byte, agentRequestID string, expires time.Time) error {
	keys := [][]byte{[]byte(strings.Join([]string{"msg", tenant, agentID, kind, string(msg)}, "\x00"))}
	if agentRequestID != "" {
		keys = append(keys, []byte(strings.Join([]string{"arid", tenant, agentID, agentRequestID}, "\x00")))
	}
	fresh, full := h.replay.first(h.now(), expires.Add(h.skew()), keys...)
	switch {
	case full:
		return fail(http.StatusServiceUnavailable, "busy", "too many requests are in flight; retry after a minute")
	case !fresh:
		e := fail(http.StatusConflict, "replay", "this signed message (or agent-request-id) was already accepted: sign a new request with a new agent-request-id (DRP 3.07)")
		e.Fatal = true
		return e
	}
	return nil
}

// agentInfo is the Agent Information endpoint (2.06): {} when the bearer
// token belongs to the agent in the path, 403 otherwise.
func (h *Handler) agentInfo(w http.ResponseWriter, r *http.Request) {
	const route = "GET /v1/agent/{agent_id}"
	tenant, err := h.tenant(r)
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	agentID, _, err := h.authenticate(r, tenant)
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	if agentID != r.PathValue("agent_id") {
		h.writeError(w, r, route, fail(http.StatusForbidden, "agent_mismatch", "the bearer token was issued to another agent (DRP 2.06.1)"))
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// exercise is the Data Rights Exercise endpoint (2.01).
func (h *Handler) exercise(w http.ResponseWriter, r *http.Request) {
	const route = "POST /v1/data-rights-request"
	st, err := h.doExercise(w, r)
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *Handler) doExercise(w http.ResponseWriter, r *http.Request) (Status, error) {
	ctx := r.Context()
	tenant, err := h.tenant(r)
	if err != nil {
		return Status{}, err
	}
	agentID, a, err := h.authenticate(r, tenant)
	if err != nil {
		return Status{}, err
	}
	var ex Exercise
	msg, expires, err := h.signedBody(w, r, tenant, agentID, a, &ex)
	if err != nil {
		return Status{}, err
	}
	typ, err := h.checkExercise(ctx, tenant, &ex, a)
	if err != nil {
		return Status{}, err
	}
	if err := h.once(tenant, agentID, "exercise", msg, ex.AgentRequestID, expires); err != nil {
		return Status{}, err
	}
	subject, err := h.identify(ctx, tenant, ex.Claims)
	if err != nil {
		return Status{}, err
	}
	if subject == "" {
		return h.recordNoMatch(ctx, tenant, agentID, ex)
	}
	req, err := h.Requests.Create(ctx, actor(agentID), tenant, subject, typ, channel(agentID, ex.AgentRequestID))
	if err != nil {
		return Status{}, err
	}
	h.log().LogAttrs(ctx, slog.LevelInfo, "drp request", slog.String("agent", agentID), slog.String("request", req.ID), slog.String("type", typ))
	return statusOf(req)
}

// checkExercise validates the request's fields after the envelope and
// returns the trustee request type.
func (h *Handler) checkExercise(ctx context.Context, tenant string, ex *Exercise, a agent) (string, error) {
	if err := checkVersion(ex.Version); err != nil {
		return "", err
	}
	if ex.Regime != "" && ex.Regime != "ccpa" {
		return "", fail(http.StatusBadRequest, "regime", `regime must be "ccpa" or absent (voluntary processing) (DRP 3.01)`)
	}
	if ex.AgentRequestID != "" && !validRequestID(ex.AgentRequestID) {
		return "", fail(http.StatusBadRequest, "message", "agent-request-id must be 1 to 128 printable ASCII characters")
	}
	if ex.Action == "" {
		return "", fail(http.StatusBadRequest, "action", "exercise is required: one of the supported_actions in /.well-known/data-rights.json (DRP 3.01)")
	}
	action := normAction(ex.Action)
	typ, ok := Actions[action]
	if ok && h.Declaration != nil {
		d, err := h.Declaration(ctx, tenant)
		if err != nil {
			return "", err
		}
		ok = slices.Contains(supportedActions(d), action)
	}
	if !ok {
		e := fail(http.StatusBadRequest, "action", "unsupported rights action: send one of the supported_actions in /.well-known/data-rights.json (DRP 3.01)")
		e.Fatal = true
		return "", e
	}
	if ex.StatusCallback != "" && ex.StatusCallback != a.callbackURL {
		return "", fail(http.StatusBadRequest, "status_callback", "status_callback must be the callback URL registered for this agent with the business, or absent")
	}
	if ex.Claims.Empty() {
		return "", fail(http.StatusBadRequest, "claims", "identity claims are required: include the supported_verifications of /.well-known/data-rights.json (DRP 3.04)")
	}
	return typ, nil
}

func validRequestID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < ' ' || c >= 0x7f {
			return false
		}
	}
	return id != ""
}

func (h *Handler) identify(ctx context.Context, tenant string, c Claims) (string, error) {
	if h.Identify == nil {
		return "", errors.New("drp: Handler.Identify is not set")
	}
	subject, err := h.Identify(ctx, tenant, c)
	if err != nil {
		// The error comes from code that saw the claims: its text may
		// hold them, so neither the response nor the log gets it.
		return "", opaqueError{err}
	}
	return subject, nil
}

// opaqueError hides the text of an error that may hold personal data;
// errors.Is and errors.As still see it.
type opaqueError struct{ err error }

func (e opaqueError) Error() string {
	return "drp: identify failed (error text withheld: it may hold claims)"
}
func (e opaqueError) Unwrap() error { return e.err }

// recordNoMatch answers an exercise whose claims match no subject with
// denied/no_match (3.02). No trustee request is created, since nothing is
// left to act on; an audit entry with ids and codes records the answer.
func (h *Handler) recordNoMatch(ctx context.Context, tenant, agentID string, ex Exercise) (Status, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Status{}, err
	}
	now := store.Norm(h.now())
	err = h.Store.Write(ctx, func(tx store.Tx) error {
		_, err := tx.Audit(ctx, audit.Entry{Tenant: tenant, At: now, Actor: actor(agentID), Action: "drp.no_match",
			ObjectType: "drp_request", ObjectID: id.String(),
			Details: map[string]string{"exercise": normAction(ex.Action), "status": StatusDenied, "reason": ReasonNoMatch}})
		return err
	})
	if err != nil {
		return Status{}, err
	}
	h.log().LogAttrs(ctx, slog.LevelInfo, "drp no match", slog.String("agent", agentID), slog.String("request", id.String()))
	return noMatch(id.String(), ex.AgentRequestID, now), nil
}

// owned loads a request and checks the agent manages it (2.02.1).
func (h *Handler) owned(ctx context.Context, tenant, agentID, id string) (store.Request, error) {
	var req store.Request
	err := h.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		req, err = rd.GetRequest(ctx, tenant, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return store.Request{}, fail(http.StatusNotFound, "not_found", "no data rights request has this request_id")
	}
	if err != nil {
		return store.Request{}, err
	}
	det, err := rights.DetailOf(req)
	if err != nil {
		return store.Request{}, err
	}
	if owner, _, ok := parseChannel(det.Channel); !ok || owner != agentID {
		return store.Request{}, fail(http.StatusForbidden, "forbidden", "this request is not managed by the agent the bearer token was issued to (DRP 2.02.1)")
	}
	return req, nil
}

// status is the Data Rights Status endpoint (2.02).
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	const route = "GET /v1/data-rights-request/{request_id}"
	st, err := func() (Status, error) {
		tenant, err := h.tenant(r)
		if err != nil {
			return Status{}, err
		}
		agentID, _, err := h.authenticate(r, tenant)
		if err != nil {
			return Status{}, err
		}
		req, err := h.owned(r.Context(), tenant, agentID, r.PathValue("request_id"))
		if err != nil {
			return Status{}, err
		}
		return statusOf(req)
	}()
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// revoke is the Data Rights Revoke endpoint (2.04).
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	const route = "DELETE /v1/data-rights-request/{request_id}"
	st, err := h.doRevoke(w, r)
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *Handler) doRevoke(w http.ResponseWriter, r *http.Request) (Status, error) {
	ctx := r.Context()
	tenant, err := h.tenant(r)
	if err != nil {
		return Status{}, err
	}
	agentID, a, err := h.authenticate(r, tenant)
	if err != nil {
		return Status{}, err
	}
	var rv Revoke
	msg, expires, err := h.signedBody(w, r, tenant, agentID, a, &rv)
	if err != nil {
		return Status{}, err
	}
	id := r.PathValue("request_id")
	req, err := h.owned(ctx, tenant, agentID, id)
	if err != nil {
		return Status{}, err
	}
	if rights.Final(req.State) {
		e := fail(http.StatusConflict, "final", fmt.Sprintf("the request is already %s: only open or in_progress requests can be revoked (DRP 2.04)", States[req.State]))
		e.Fatal = true
		return Status{}, e
	}
	if err := h.once(tenant, agentID, "revoke\x00"+id, msg, "", expires); err != nil {
		return Status{}, err
	}
	req, err = h.Requests.Withdraw(ctx, actor(agentID), tenant, id)
	if errors.Is(err, rights.ErrTransition) {
		return Status{}, fail(http.StatusConflict, "final", "the request reached a final state meanwhile and can no longer be revoked (DRP 2.04)")
	}
	if err != nil {
		return Status{}, err
	}
	h.log().LogAttrs(ctx, slog.LevelInfo, "drp revoke", slog.String("agent", agentID), slog.String("request", id))
	return statusOf(req)
}

// Discovery is the Business Discovery Document (3.05.2) served at
// /.well-known/data-rights.json, with DRP's version and trustee's
// callback verify key added.
type Discovery struct {
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	Logo                   *string  `json:"logo"`
	APIBase                string   `json:"api_base,omitempty"`
	SupportedActions       []string `json:"supported_actions"`
	SupportedVerifications []string `json:"supported_verifications"`
	PrivacyPolicyURL       string   `json:"privacy_policy_url,omitempty"`
	WebURL                 string   `json:"web_url,omitempty"`
	// Version is the protocol version spoken.
	Version string `json:"drp.version"`
	// VerifyKey is the base64 Ed25519 public key status callbacks are
	// signed with (see the package documentation).
	VerifyKey string `json:"verify_key"`
}

// discovery serves the tenant's discovery document.
func (h *Handler) discovery(w http.ResponseWriter, r *http.Request) {
	const route = "GET /.well-known/data-rights.json"
	doc, err := h.Discover(r.Context(), r)
	if err != nil {
		h.writeError(w, r, route, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// Discover returns the discovery document for the tenant r targets; r's
// path, less the well-known suffix, follows PublicURL in api_base.
func (h *Handler) Discover(ctx context.Context, r *http.Request) (Discovery, error) {
	tenant, err := h.tenant(r)
	if err != nil {
		return Discovery{}, err
	}
	if len(h.Key) != ed25519.PrivateKeySize {
		return Discovery{}, errNoKey
	}
	b, err := h.business(ctx, tenant)
	if errors.Is(err, store.ErrNotFound) {
		return Discovery{}, fail(http.StatusNotFound, "tenant", "no business is served at this address")
	}
	if err != nil {
		return Discovery{}, err
	}
	actions := supportedActions(nil)
	if h.Declaration != nil {
		d, err := h.Declaration(ctx, tenant)
		if err != nil {
			return Discovery{}, err
		}
		actions = supportedActions(d)
	}
	doc := Discovery{
		ID: b.ID, Name: b.Name, APIBase: b.APIBase, WebURL: b.WebURL, PrivacyPolicyURL: b.PrivacyPolicyURL,
		SupportedActions: actions, SupportedVerifications: b.SupportedVerifications, Version: Version,
		VerifyKey: base64.StdEncoding.EncodeToString(h.Key.Public().(ed25519.PublicKey)),
	}
	if doc.SupportedActions == nil {
		doc.SupportedActions = []string{}
	}
	if doc.SupportedVerifications == nil {
		doc.SupportedVerifications = []string{}
	}
	if b.Logo != "" {
		doc.Logo = &b.Logo
	}
	if doc.APIBase == "" && h.PublicURL != "" {
		base, err := url.JoinPath(h.PublicURL, strings.TrimSuffix(r.URL.EscapedPath(), "/.well-known/data-rights.json"))
		if err != nil {
			return Discovery{}, fmt.Errorf("drp: PublicURL %q: %w", h.PublicURL, err)
		}
		doc.APIBase = base
	}
	return doc, nil
}
