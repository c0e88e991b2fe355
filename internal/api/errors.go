package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// about annotates a domain error with the input it concerns, for [fail]:
// the field of the request at fault and, in words, what it names.
type about struct {
	field, what string
	err         error
}

func (a *about) Error() string { return a.field + ": " + a.err.Error() }
func (a *about) Unwrap() error { return a.err }

// on says that err concerns the request's field, which names what ("subject",
// "API key"...). It returns nil for a nil err.
func on(field, what string, err error) error {
	if err == nil {
		return nil
	}
	return &about{field: field, what: what, err: err}
}

// Laws cited by refusals the engine does not make.
const (
	lawRestricted = "PIPL Art. 44; GDPR Art. 18, 21"
	lawErased     = "PIPL Art. 47; GDPR Art. 17"
)

// fail turns an error of a /v1 operation into the problem the client sees.
// It is the one place where domain errors become HTTP errors:
//
//	*APIError                    as is
//	*collect.Refusal             403, code = the reason, field body.records[i], rule = the law
//	vault.ErrRestricted          403 subject_restricted
//	vault.ErrErased              403 subject_erased
//	*consent.GrantError          400 naming the purpose (code per cause)
//	consent.ErrNoDeclaration     409 no_declaration
//	*store.InvalidError          400 invalid_input naming the field
//	keys.ErrInvalidValue         400 invalid_input (a value that cannot be normalised)
//	store.ErrNotFound            404 not_found
//	store.ErrConflict            409 conflict
//	policy.Errors                400 invalid_declaration, one error per problem
//	anything else                500 internal, logged with the request id
//
// Texts sent name fields, ids and rules, never a value; internal error text
// is logged, never sent.
func (s *Server) fail(ctx context.Context, err error) error {
	var (
		ae  *APIError
		ab  *about
		ref *collect.Refusal
		ge  *consent.GrantError
		ie  *store.InvalidError
		pe  policy.Errors
	)
	field, what := "", ""
	if errors.As(err, &ab) {
		field, what = ab.field, ab.what
	}
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ref):
		d := ref.Decision
		s.refusals.WithLabelValues(string(d.Reason)).Inc()
		e := Problemf(http.StatusForbidden, string(d.Reason), "body.records["+strconv.Itoa(ref.Index)+"]",
			"records["+strconv.Itoa(ref.Index)+"] refused: "+d.Detail+"; nothing of the batch was stored")
		e.Rule = d.Law
		return e
	case errors.Is(err, vault.ErrRestricted):
		s.refusals.WithLabelValues(string(consent.ReasonSubjectRestricted)).Inc()
		e := Problemf(http.StatusForbidden, string(consent.ReasonSubjectRestricted), "query.reason",
			"the subject restricted processing: its data can be read only to answer its own request or a legal obligation")
		e.Rule = lawRestricted
		return e
	case errors.Is(err, vault.ErrBanned):
		s.refusals.WithLabelValues(string(consent.ReasonSubjectBanned)).Inc()
		e := Problemf(http.StatusForbidden, string(consent.ReasonSubjectBanned), "query.reason",
			"the account is banned: its data can be read only to answer its own request or a legal obligation")
		e.Rule = lawRestricted
		return e
	case errors.Is(err, vault.ErrErased), errors.Is(err, consent.ErrErased):
		s.refusals.WithLabelValues(string(consent.ReasonSubjectErased)).Inc()
		e := Problemf(http.StatusForbidden, string(consent.ReasonSubjectErased), "path.subject", "the subject has been erased")
		e.Rule = lawErased
		return e
	case errors.As(err, &ge):
		return grantProblem(ge)
	case errors.Is(err, consent.ErrNoDeclaration):
		return Problemf(http.StatusConflict, "no_declaration", "",
			"the tenant has no active declaration: upload one (POST /v1/declarations) and activate it")
	case errors.As(err, &ie):
		return Problemf(http.StatusBadRequest, "invalid_input", ie.Field, ie.Field+": "+ie.Reason)
	case errors.Is(err, keys.ErrInvalidValue):
		if field == "" {
			field = "body.records"
		}
		return Problemf(http.StatusBadRequest, "invalid_input", field,
			field+": a value cannot be normalised for its field's lookup (an e-mail address, a phone number or an identifier is malformed)")
	case errors.Is(err, store.ErrNotFound):
		if what == "" {
			what = "such object"
		}
		return Problemf(http.StatusNotFound, "not_found", field, "no "+what+" with this id")
	case errors.Is(err, store.ErrConflict):
		if what == "" {
			what = "object"
		}
		return Problemf(http.StatusConflict, "conflict", field, "a "+what+" with this id exists already")
	case errors.As(err, &pe):
		e := Problemf(http.StatusBadRequest, "invalid_declaration", "body.source", "the declaration does not parse: "+strconv.Itoa(len(pe))+" problem(s)")
		for _, p := range pe {
			msg := p.Msg
			if p.Hint != "" {
				msg += " (" + p.Hint + ")"
			}
			e.Errors = append(e.Errors, &ErrorDetail{Location: posString(p.Pos), Message: msg})
		}
		return e
	case errors.Is(err, context.Canceled):
		e := Problemf(499, "canceled", "", "the request was canceled")
		e.Title = "Client Closed Request"
		return e
	}
	s.opts.Log.LogAttrs(ctx, slog.LevelError, "internal error", slog.String("request_id", RequestID(ctx)), slog.String("err", err.Error()))
	return Problemf(http.StatusInternalServerError, "internal", "", "an internal error occurred; the server log has the request id")
}

// grantProblem describes a grant the declaration does not allow.
func grantProblem(ge *consent.GrantError) *APIError {
	code, field := "invalid_input", "body.kind"
	switch {
	case errors.Is(ge, consent.ErrUnknownPurpose):
		code, field = string(consent.ReasonPurposeNotDeclared), "body.purpose"
	case errors.Is(ge, consent.ErrConsentNotNeeded):
		code, field = "consent_not_needed", "body.purpose"
	case errors.Is(ge, consent.ErrWeakConsent):
		code = "consent_too_weak"
	case errors.Is(ge, consent.ErrGuardianNotLinked):
		code, field = "guardian_not_linked", "body.guardian"
	}
	return Problemf(http.StatusBadRequest, code, field, field+": "+strings.TrimPrefix(ge.Error(), "consent: "))
}

// posString is a position as file:line:column.
func posString(p policy.Pos) string {
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}
