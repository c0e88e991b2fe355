package client

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is an error answered by the server: an RFC 9457 problem
// (application/problem+json). Read one with [errors.As]:
//
//	var p *client.Problem
//	if errors.As(err, &p) && p.Code == "invalid_declaration" {
//		for _, e := range p.Errors { fmt.Println(e.Location, e.Message) }
//	}
type Problem struct {
	// Type is a URI naming the problem type.
	Type string `json:"type,omitempty"`
	// Title is a short summary of the problem type.
	Title string `json:"title,omitempty"`
	// Status is the HTTP status code of the response.
	Status int `json:"status"`
	// Code is a stable machine code: invalid_input, unauthenticated,
	// forbidden, not_found, rate_limited, invalid_declaration, or, for a
	// refused collection or read, the reason (see [IsRefused]).
	Code string `json:"code,omitempty"`
	// Detail says what is wrong, naming the field at fault, for people.
	Detail string `json:"detail,omitempty"`
	// Field is the input at fault, such as body.records[3].
	Field string `json:"field,omitempty"`
	// Rule is the rule or the articles of law that refused the request,
	// such as "PIPL Art. 15; GDPR Art. 7(3)".
	Rule string `json:"rule,omitempty"`
	// Errors lists every problem found in the input, such as a
	// declaration's lint findings.
	Errors []ErrorDetail `json:"errors,omitempty"`

	// Route is the route pattern called, such as
	// POST /v1/subjects/{subject}/records.
	Route string `json:"-"`
	// RequestID is the response's X-Request-Id, which the server's log
	// lines carry too.
	RequestID string `json:"-"`
}

// ErrorDetail is one problem in the input.
type ErrorDetail struct {
	// Location is where the problem is: body.purpose, or for a
	// declaration's lint finding file:line:col and the rule.
	Location string `json:"location,omitempty"`
	Message  string `json:"message"`
}

// Error implements error.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("trustee: ")
	if p.Route != "" {
		b.WriteString(p.Route)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(p.Status))
	if p.Code != "" {
		b.WriteString(" ")
		b.WriteString(p.Code)
	}
	switch {
	case p.Detail != "":
		b.WriteString(": ")
		b.WriteString(p.Detail)
	case p.Title != "":
		b.WriteString(": ")
		b.WriteString(p.Title)
	}
	if p.Field != "" && !strings.Contains(p.Detail, p.Field) {
		b.WriteString(" (")
		b.WriteString(p.Field)
		b.WriteString(")")
	}
	if p.Rule != "" {
		b.WriteString(" [")
		b.WriteString(p.Rule)
		b.WriteString("]")
	}
	return b.String()
}

// Is reports whether target is the sentinel of p's status, so that
// errors.Is(err, ErrNotFound) holds for a 404 problem.
func (p *Problem) Is(target error) bool {
	s, ok := target.(*statusError)
	return ok && s.status == p.Status
}

// statusError is a sentinel matched by a [Problem] of its status.
type statusError struct {
	status int
	text   string
}

func (e *statusError) Error() string { return "trustee: " + e.text }

// Sentinels matched by [errors.Is] against the status of a [*Problem].
var (
	// ErrInvalid: 400, the request or its body is invalid.
	ErrInvalid error = &statusError{http.StatusBadRequest, "invalid request"}
	// ErrUnprocessable: 422, the body is well formed but refused (a
	// declaration with lint findings).
	ErrUnprocessable error = &statusError{http.StatusUnprocessableEntity, "unprocessable"}
	// ErrUnauthenticated: 401, the API key is missing, wrong or revoked.
	ErrUnauthenticated error = &statusError{http.StatusUnauthorized, "unauthenticated"}
	// ErrForbidden: 403, the key lacks the scope, or the decision engine
	// refused ([IsRefused] tells which).
	ErrForbidden error = &statusError{http.StatusForbidden, "forbidden"}
	// ErrNotFound: 404, no such tenant, key, declaration or subject for
	// this key.
	ErrNotFound error = &statusError{http.StatusNotFound, "not found"}
	// ErrConflict: 409, the id is taken.
	ErrConflict error = &statusError{http.StatusConflict, "conflict"}
	// ErrRateLimited: 429, too many requests for this API key.
	ErrRateLimited error = &statusError{http.StatusTooManyRequests, "rate limited"}
)

// The reasons the decision engine gives, as [Decision.Reason] and as the
// Code of a refusal (see [IsRefused]). They are stable.
const (
	ReasonOK                  = "ok"
	ReasonNoDeclaration       = "no_declaration"
	ReasonPurposeNotDeclared  = "purpose_not_declared"
	ReasonFieldNotDeclared    = "field_not_declared"
	ReasonFieldNotForPurpose  = "field_not_for_purpose"
	ReasonNoLegalBasis        = "no_legal_basis"
	ReasonSubjectRestricted   = "subject_restricted"
	ReasonSubjectBanned       = "subject_banned"
	ReasonSubjectCancelled    = "subject_cancelled"
	ReasonSubjectErased       = "subject_erased"
	ReasonUnderMinimumAge     = "under_minimum_age"
	ReasonNoGuardianConsent   = "no_guardian_consent"
	ReasonNoConsent           = "no_consent"
	ReasonNoSeparateConsent   = "no_separate_consent"
	ReasonConsentWithdrawn    = "consent_withdrawn"
	ReasonReconsentRequired   = "reconsent_required"
	ReasonGPCOptOut           = "gpc_opt_out"
	ReasonPermissionOff       = "permission_off"
	ReasonRegionNotDeclared   = "region_not_declared"
	ReasonTransferNotDeclared = "transfer_not_declared"
)

var reasons = map[string]bool{
	ReasonNoDeclaration: true, ReasonPurposeNotDeclared: true, ReasonFieldNotDeclared: true,
	ReasonFieldNotForPurpose: true, ReasonNoLegalBasis: true, ReasonSubjectRestricted: true,
	ReasonSubjectBanned: true, ReasonSubjectCancelled: true, ReasonSubjectErased: true,
	ReasonUnderMinimumAge: true, ReasonNoGuardianConsent: true, ReasonNoConsent: true,
	ReasonNoSeparateConsent: true, ReasonConsentWithdrawn: true, ReasonReconsentRequired: true,
	ReasonGPCOptOut: true, ReasonPermissionOff: true, ReasonRegionNotDeclared: true,
	ReasonTransferNotDeclared: true,
}

// IsRefused reports whether err is a refusal: a 403 problem whose code is
// a decision engine's reason (such as [ReasonConsentWithdrawn]) rather
// than a missing scope. It returns the reason. A reason newer than this
// package is recognised by the Rule the server cites with it.
func IsRefused(err error) (reason string, ok bool) {
	var p *Problem
	if !errors.As(err, &p) || p.Status != http.StatusForbidden || p.Code == "" || p.Code == "forbidden" {
		return "", false
	}
	if reasons[p.Code] || p.Rule != "" {
		return p.Code, true
	}
	return "", false
}

// maxProblem bounds how much of an error response is read.
const maxProblem = 1 << 20

// readProblem turns an unexpected response into a *Problem. A body that
// is not a problem still gives one, with the status and its text.
func readProblem(route string, resp *http.Response) *Problem {
	p := &Problem{}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProblem))
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/problem+json" || mt == "application/json" {
		if err := json.Unmarshal(body, p); err != nil {
			*p = Problem{}
		}
	}
	if p.Detail == "" && p.Code == "" && mt != "application/problem+json" && mt != "application/json" {
		// Not trustee's answer (a proxy's page?): keep a short excerpt.
		p.Detail = excerpt(body, 200)
	}
	p.Status = resp.StatusCode
	if p.Title == "" {
		p.Title = http.StatusText(resp.StatusCode)
	}
	p.Route = route
	p.RequestID = resp.Header.Get("X-Request-Id")
	return p
}

// excerpt returns the start of b as one line of valid UTF-8.
func excerpt(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	return strings.Join(strings.Fields(string(b)), " ")
}
