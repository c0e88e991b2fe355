package api

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/verify"
)

// otpKeyLabel names the per-tenant key of one-time-code hashes
// (vault.DeriveKey).
const otpKeyLabel = "verify/otp"

type sendCodeIn struct {
	RequestParam
	Body struct {
		Method   string `json:"method" required:"true" enum:"email_code,sms_code" doc:"How to send the code: email_code or sms_code; the declaration must list it in rights.verification."`
		To       string `json:"to" required:"true" minLength:"3" maxLength:"320" doc:"The e-mail address or phone number to send the code to. It must be one the tenant holds for the subject (a declared lookup field); it is used to send and then forgotten."`
		Language string `json:"language,omitempty" enum:"en,zh," doc:"The message's language; default en."`
	}
}

// ChallengeOut is the state of a request's identity check.
type ChallengeOut struct {
	Request   RequestOut `json:"request" doc:"The request."`
	Method    string     `json:"method" doc:"The method in use."`
	ExpiresAt time.Time  `json:"expires_at,omitzero" doc:"When the code sent last stops being valid."`
	TriesLeft int        `json:"tries_left" doc:"Wrong codes the request may still take before it locks."`
	SendsLeft int        `json:"sends_left" doc:"Codes that may still be sent."`
}

type challengeOutBody struct{ Body ChallengeOut }

type verifyIn struct {
	RequestParam
	Body struct {
		Method    string `json:"method" required:"true" enum:"email_code,sms_code,app_assertion,account_login" doc:"The method: the code sent (email_code, sms_code), an assertion signed by the tenant's app (app_assertion), or account_login: the tenant's app authenticated the subject and vouches for it with its API key."`
		Code      string `json:"code,omitempty" maxLength:"32" doc:"The one-time code the requester typed, for email_code and sms_code."`
		Assertion string `json:"assertion,omitempty" maxLength:"8192" doc:"For app_assertion: a compact JWS (EdDSA) signed by one of the tenant's app keys, with claims iss (tenant), sub (subject), aud \"trustee\", rid (this request's id), iat and exp (at most 10 minutes)."`
	}
}

func (s *Server) mountVerify() {
	register(s, huma.Operation{
		OperationID: "send-verification-code", Method: http.MethodPost, Path: "/v1/requests/{id}/verification", DefaultStatus: http.StatusAccepted,
		Summary: "Send a one-time code to verify the requester", Tags: []string{"Requests"},
		Description: "Sends a six-digit code, valid 10 minutes, to an address or phone number the tenant holds for the request's subject. " +
			"A request gets 3 codes and 5 wrong tries in all. The address is never stored.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, ScopeRequests, s.sendCode)
	register(s, huma.Operation{
		OperationID: "verify-request", Method: http.MethodPost, Path: "/v1/requests/{id}/verify",
		Summary: "Verify the requester's identity", Tags: []string{"Requests"},
		Description: "Checks the code, the app's assertion, or takes the tenant's word (account_login). On success the request is verified and, " +
			"when the declaration counts from verification, its deadline starts now.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, ScopeRequests, s.verifyRequest)
}

// verifier returns the tenant's verifier.
func (s *Server) verifier(ctx context.Context, tenant string) (*verify.Verifier, error) {
	key, err := s.v1.Vault.DeriveKey(ctx, tenant, otpKeyLabel, 32)
	if err != nil {
		return nil, err
	}
	return &verify.Verifier{Email: s.v1.Email, SMS: s.v1.SMS, Clock: s.opts.Clock, Key: key, Keys: s.appKeys}, nil
}

// appKeys looks up an active app key of the tenant.
func (s *Server) appKeys(ctx context.Context, tenant, id string) (ed25519.PublicKey, error) {
	var k store.TrustedKey
	err := s.v1.store.Read(ctx, func(r store.Reader) error {
		var err error
		k, err = r.GetTrustedKey(ctx, tenant, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && (!k.Active() || k.Kind != store.TrustedKeyApp) {
		return nil, verify.ErrUnknownKey
	}
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(k.PublicKey), nil
}

// getRequest reads one of the tenant's requests.
func (s *Server) readRequest(ctx context.Context, tenant, id string) (store.Request, error) {
	var r store.Request
	err := s.v1.store.Read(ctx, func(rd store.Reader) error {
		var err error
		r, err = rd.GetRequest(ctx, tenant, id)
		return err
	})
	return r, err
}

func (s *Server) sendCode(ctx context.Context, in *sendCodeIn) (*challengeOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	if err := s.v1.Rights.CheckMethod(ctx, tenant, b.Method); err != nil {
		return nil, s.verifyProblem(ctx, err)
	}
	r, err := s.readRequest(ctx, tenant, in.ID)
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "request", err))
	}
	d, err := s.v1.Source.ActiveDeclaration(ctx, tenant)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	lookup := "email"
	if b.Method == string(verify.MethodSMS) {
		lookup = "phone"
	}
	// The code goes only to a contact the tenant holds for the subject:
	// anyone could otherwise verify as anyone with their own address.
	held, err := collect.Identify(ctx, s.v1.Vault, d, tenant, lookup, b.To)
	if err != nil {
		return nil, s.fail(ctx, on("body.to", "contact", err))
	}
	if r.Subject == "" || !slices.Contains(held, r.Subject) {
		return nil, Problemf(http.StatusUnprocessableEntity, "contact_not_on_file", "body.to",
			"body.to: not an "+lookup+" the tenant holds for the request's subject (in a field declared with lookup: "+lookup+"); send the code to one it holds")
	}
	vf, err := s.verifier(ctx, tenant)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	// Send outside the write transaction, so that a slow mail server does
	// not hold up other writers; then merge into the stored challenge.
	det, err := rights.DetailOf(r)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	sent := verify.Challenge{}
	if det.Verification != nil {
		sent = *det.Verification
	}
	_, sendErr := vf.Send(ctx, &sent, verify.CodeRequest{Tenant: tenant, RequestID: r.ID, Method: verify.Method(b.Method),
		To: b.To, Lang: b.Language, Product: d.Product.Name.In(b.Language)})
	var ch verify.Challenge
	r, err = s.v1.Rights.Challenge(ctx, p.Actor(), tenant, r.ID, func(_ store.Request, stored *verify.Challenge) error {
		if sendErr == nil {
			stored.Method, stored.CodeHash, stored.ExpiresAt = sent.Method, sent.CodeHash, sent.ExpiresAt
		}
		stored.Sends = max(stored.Sends, sent.Sends)
		ch = *stored
		return sendErr
	})
	if err != nil {
		return nil, s.verifyProblem(ctx, err)
	}
	out, err := requestOut(r)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &challengeOutBody{Body: ChallengeOut{Request: out, Method: string(ch.Method), ExpiresAt: ch.ExpiresAt,
		TriesLeft: vf.TriesLeft(&ch), SendsLeft: vf.SendsLeft(&ch)}}, nil
}

func (s *Server) verifyRequest(ctx context.Context, in *verifyIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		b := in.Body
		if err := s.v1.Rights.CheckMethod(ctx, tenant, b.Method); err != nil {
			return store.Request{}, err
		}
		if b.Method == rights.MethodAccountLogin {
			r, err := s.readRequest(ctx, tenant, in.ID)
			if err == nil && r.State == rights.StateReceived {
				_, err = s.v1.Rights.StartVerification(ctx, p.Actor(), tenant, in.ID)
			}
			if err != nil {
				return r, err
			}
			return s.v1.Rights.Verified(ctx, p.Actor(), tenant, in.ID, time.Time{})
		}
		vf, err := s.verifier(ctx, tenant)
		if err != nil {
			return store.Request{}, err
		}
		var verifiedAt time.Time
		r, err := s.v1.Rights.Challenge(ctx, p.Actor(), tenant, in.ID, func(r store.Request, ch *verify.Challenge) error {
			switch b.Method {
			case string(verify.MethodApp):
				if b.Assertion == "" {
					return &APIError{Status: http.StatusBadRequest, Code: "invalid_input", Field: "body.assertion",
						Detail: "body.assertion: required for app_assertion"}
				}
				subject, err := vf.Assert(ctx, ch, tenant, r.ID, b.Assertion)
				if err != nil {
					return err
				}
				if r.Subject != "" && subject != r.Subject {
					*ch = verify.Challenge{Method: ch.Method, Attempts: ch.Attempts, Sends: ch.Sends, Locked: ch.Locked}
					return verify.ErrSubject
				}
			default:
				if b.Code == "" {
					return &APIError{Status: http.StatusBadRequest, Code: "invalid_input", Field: "body.code",
						Detail: "body.code: required for " + b.Method}
				}
				if ch.Method != verify.Method(b.Method) {
					return verify.ErrNoCode
				}
				if err := vf.Check(ch, tenant, r.ID, b.Code); err != nil {
					return err
				}
			}
			verifiedAt = ch.VerifiedAt
			return nil
		})
		if err != nil {
			return r, err
		}
		return s.v1.Rights.Verified(ctx, p.Actor(), tenant, in.ID, verifiedAt)
	})
}

// verifyProblem turns verification errors into problems.
func (s *Server) verifyProblem(ctx context.Context, err error) error {
	code := verify.Outcome(err)
	switch {
	case errors.Is(err, rights.ErrMethodNotDeclared):
		return Problemf(http.StatusUnprocessableEntity, "method_not_declared", "body.method",
			"body.method: the declaration does not list this method in rights.verification; use one it lists")
	case errors.Is(err, verify.ErrWrongCode), errors.Is(err, verify.ErrMalformedCode):
		return Problemf(http.StatusUnprocessableEntity, code, "body.code", "body.code: not the code sent; check it and try again (tries are limited)")
	case errors.Is(err, verify.ErrExpired), errors.Is(err, verify.ErrNoCode):
		return Problemf(http.StatusUnprocessableEntity, code, "body.code", "body.code: no valid code for this method: send a new one (POST /v1/requests/{id}/verification)")
	case errors.Is(err, verify.ErrLocked):
		return Problemf(http.StatusConflict, code, "path.id", "too many wrong codes: this request's verification is locked; submit a new request")
	case errors.Is(err, verify.ErrTooManySends):
		return Problemf(http.StatusConflict, code, "path.id", "this request was sent the most codes it may be sent; use the last one")
	case errors.Is(err, verify.ErrAlreadyVerified):
		return Problemf(http.StatusConflict, code, "path.id", "the request is verified already")
	case errors.Is(err, verify.ErrNoSender):
		return Problemf(http.StatusServiceUnavailable, code, "body.method",
			"this server cannot send that kind of message: configure smtp (e-mail) or sms-gateway (SMS)")
	case errors.Is(err, verify.ErrInvalidAssertion):
		return Problemf(http.StatusUnprocessableEntity, code, "body.assertion",
			"body.assertion: refused ("+code+"); sign a fresh assertion for this request with an active app key")
	}
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.Type == "" {
			ae.Type, ae.Title = "https://trustee.dev/problems/"+ae.Code, http.StatusText(ae.Status)
		}
		return ae
	}
	return s.requestProblem(ctx, err)
}
