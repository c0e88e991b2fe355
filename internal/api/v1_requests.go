package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/verify"
)

// RequestOut is a rights request as the tenant's app and staff see it: ids,
// states, dates and reason codes, never the requester's personal data.
type RequestOut struct {
	ID         string    `json:"id" doc:"The request id."`
	Subject    string    `json:"subject,omitempty" doc:"The subject it concerns; empty until the requester is identified."`
	Type       string    `json:"type" doc:"The right exercised: access, copy, portability, correct, supplement, delete, restrict, object, withdraw_consent, explain, adm_review, cancel_account."`
	State      string    `json:"state" enum:"received,verifying,verified,in_progress,fulfilled,refused,withdrawn,expired" doc:"Where the request stands."`
	Channel    string    `json:"channel,omitempty" doc:"The channel it came through."`
	CreatedAt  time.Time `json:"created_at" doc:"When it was received."`
	UpdatedAt  time.Time `json:"updated_at" doc:"When it last changed."`
	DueAt      time.Time `json:"due_at,omitzero" doc:"The deadline; absent until it runs (from verification, when the declaration says so)."`
	Rule       string    `json:"rule,omitempty" doc:"The rule that produced the deadline, in words."`
	RuleID     string    `json:"rule_id,omitempty" doc:"The rule's id, such as pipl.working_days or gdpr.month."`
	AckDueAt   time.Time `json:"ack_due_at,omitzero" doc:"When receipt must be acknowledged (CCPA: 10 business days)."`
	VerifiedAt time.Time `json:"verified_at,omitzero" doc:"When the requester's identity was verified."`
	Fee        bool      `json:"fee,omitempty" doc:"True when the request is charged: repeated beyond the declared limit."`
	// Refusal is set when the request was refused.
	Refusal    *rights.Refusal   `json:"refusal,omitempty" doc:"Why the request was refused: a reason from the declaration's list, the explanation the subject is given (en, zh) and the staff's note."`
	Extensions []rights.Extended `json:"extensions,omitempty" doc:"Extensions of the deadline, each with the rule allowing it and the reason given to the subject."`
}

func requestOut(r store.Request) (RequestOut, error) {
	d, err := rights.DetailOf(r)
	if err != nil {
		return RequestOut{}, err
	}
	return RequestOut{ID: r.ID, Subject: r.Subject, Type: r.Type, State: r.State, Channel: d.Channel,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DueAt: r.DueAt, Rule: d.Rule, RuleID: d.RuleID,
		AckDueAt: d.AckDueAt, VerifiedAt: d.VerifiedAt, Fee: d.Fee, Refusal: d.Refusal, Extensions: d.Extensions}, nil
}

type requestOutBody struct{ Body RequestOut }

// RequestParam is the request path parameter.
type RequestParam struct {
	ID string `path:"id" minLength:"1" maxLength:"64" doc:"The request id."`
}

type createRequestIn struct {
	Body struct {
		Type    string `json:"type" required:"true" enum:"access,copy,portability,correct,supplement,delete,restrict,object,withdraw_consent,explain,adm_review,cancel_account" doc:"The right exercised."`
		Subject string `json:"subject" required:"true" minLength:"1" maxLength:"200" doc:"The subject's pseudonymous id."`
		Channel string `json:"channel,omitempty" maxLength:"128" pattern:"^[a-z0-9_.:-]*$" doc:"The declared channel id the request came through; default api."`
	}
}

type listRequestsIn struct {
	Subject string `query:"subject" maxLength:"200" doc:"Only this subject's requests."`
	Type    string `query:"type" maxLength:"64" doc:"Only requests of this type."`
	State   string `query:"state" maxLength:"32" doc:"Only requests in this state."`
	After   string `query:"after" maxLength:"64" doc:"The next value of the previous page."`
	Limit   int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"The most requests to return."`
}

type listRequestsOut struct {
	Body struct {
		Requests []RequestOut `json:"requests" doc:"One page of requests, oldest first."`
		Next     string       `json:"next" doc:"Pass as after for the next page; empty after the last."`
	}
}

type refuseRequestIn struct {
	RequestParam
	Body struct {
		Reason      string `json:"reason" required:"true" minLength:"1" maxLength:"64" doc:"A refusal reason the declaration lists in rights.refusals."`
		Explanation string `json:"explanation,omitempty" maxLength:"4000" doc:"The staff's explanation to the subject. Kept with the request, never in the audit log."`
	}
}

type extendRequestIn struct {
	RequestParam
	Body struct {
		Reason string `json:"reason" required:"true" minLength:"1" maxLength:"4000" doc:"Why more time is needed, as the subject will be told (GDPR Art. 12(3))."`
	}
}

type requestIDIn struct {
	RequestParam
}

func (s *Server) mountRequests() {
	register(s, huma.Operation{
		OperationID: "create-request", Method: http.MethodPost, Path: "/v1/requests", DefaultStatus: http.StatusCreated,
		Summary: "Submit a rights request", Tags: []string{"Requests"},
		Description: "Records a subject's rights request. Its deadline is set at once, or when identity is verified if the declaration counts from verification, " +
			"on the declaration's working-day calendar and capped by each declared law. A request repeated beyond the declared limit is charged or refused at once.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, ScopeRequests, s.createRequest)
	register(s, huma.Operation{
		OperationID: "get-request", Method: http.MethodGet, Path: "/v1/requests/{id}",
		Summary: "Get a rights request", Tags: []string{"Requests"},
		Errors: []int{http.StatusNotFound},
	}, ScopeRequests, s.getRequest)
	register(s, huma.Operation{
		OperationID: "list-requests", Method: http.MethodGet, Path: "/v1/requests",
		Summary: "List rights requests", Tags: []string{"Requests"},
	}, ScopeRequests, s.listRequests)
	s.registerMove("start-request", "start", "Start work on a verified request", rights.StateInProgress)
	s.registerMove("withdraw-request", "withdraw", "Withdraw a request (the subject's choice)", rights.StateWithdrawn)
	register(s, huma.Operation{
		OperationID: "refuse-request", Method: http.MethodPost, Path: "/v1/requests/{id}/refuse",
		Summary: "Refuse a request", Tags: []string{"Requests"},
		Description: "Refuses the request for a reason the declaration lists; the subject is told the reason's explanation and the staff's own.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.refuseRequest)
	register(s, huma.Operation{
		OperationID: "extend-request", Method: http.MethodPost, Path: "/v1/requests/{id}/extend",
		Summary: "Extend a request's deadline", Tags: []string{"Requests"},
		Description: "Extends the deadline where the law allows it (GDPR: two more months; CCPA: 45 more days), once, with the reason the subject is told.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.extendRequest)
}

// registerMove registers POST /v1/requests/{id}/{verb}, a transition
// without input.
func (s *Server) registerMove(id, verb, summary, to string) {
	register(s, huma.Operation{
		OperationID: id, Method: http.MethodPost, Path: "/v1/requests/{id}/" + verb,
		Summary: summary, Tags: []string{"Requests"},
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, func(ctx context.Context, in *requestIDIn) (*requestOutBody, error) {
		return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
			switch to {
			case rights.StateInProgress:
				return s.v1.Rights.Start(ctx, p.Actor(), tenant, in.ID)
			default:
				return s.v1.Rights.Withdraw(ctx, p.Actor(), tenant, in.ID)
			}
		})
	})
}

// requestAction runs act for the caller's tenant and returns the request
// it leaves.
func (s *Server) requestAction(ctx context.Context, id string, act func(p Principal, tenant string) (store.Request, error)) (*requestOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	r, err := act(p, tenant)
	if err != nil {
		return nil, s.requestProblem(ctx, on("path.id", "request", err))
	}
	out, err := requestOut(r)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &requestOutBody{Body: out}, nil
}

func (s *Server) createRequest(ctx context.Context, in *createRequestIn) (*requestOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	if err := s.v1.store.Read(ctx, func(r store.Reader) error {
		_, err := r.GetSubject(ctx, tenant, b.Subject)
		return err
	}); err != nil {
		return nil, s.fail(ctx, on("body.subject", "subject", err))
	}
	channel := b.Channel
	if channel == "" {
		channel = "api"
	}
	r, err := s.v1.Rights.Create(ctx, p.Actor(), tenant, b.Subject, b.Type, channel)
	if err != nil {
		return nil, s.requestProblem(ctx, on("body.type", "request type", err))
	}
	out, err := requestOut(r)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &requestOutBody{Body: out}, nil
}

func (s *Server) getRequest(ctx context.Context, in *requestIDIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(_ Principal, tenant string) (store.Request, error) {
		var r store.Request
		err := s.v1.store.Read(ctx, func(rd store.Reader) error {
			var err error
			r, err = rd.GetRequest(ctx, tenant, in.ID)
			return err
		})
		return r, err
	})
}

func (s *Server) listRequests(ctx context.Context, in *listRequestsIn) (*listRequestsOut, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := readPage(ctx, s.v1.store, func(rd store.Reader) ([]store.Request, string, error) {
		return rd.ListRequests(ctx, tenant, store.RequestFilter{Subject: in.Subject, Type: in.Type, State: in.State},
			store.Page{After: in.After, Limit: in.Limit})
	})
	if err != nil {
		return nil, s.fail(ctx, on("query", "filter", err))
	}
	out := &listRequestsOut{}
	out.Body.Requests = make([]RequestOut, 0, len(list))
	for _, r := range list {
		o, err := requestOut(r)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out.Body.Requests = append(out.Body.Requests, o)
	}
	out.Body.Next = next
	return out, nil
}

func (s *Server) refuseRequest(ctx context.Context, in *refuseRequestIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		r, err := s.v1.Rights.Refuse(ctx, p.Actor(), tenant, in.ID, in.Body.Reason, in.Body.Explanation)
		if errors.Is(err, rights.ErrRefusal) {
			return r, on("body.reason", "refusal reason", err)
		}
		return r, err
	})
}

func (s *Server) extendRequest(ctx context.Context, in *extendRequestIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		return s.v1.Rights.Extend(ctx, p.Actor(), tenant, in.ID, in.Body.Reason)
	})
}

// requestProblem turns the rights package's errors into problems, and
// leaves the rest to fail.
func (s *Server) requestProblem(ctx context.Context, err error) error {
	if verify.Outcome(err) != "error" || errors.Is(err, rights.ErrMethodNotDeclared) {
		return s.verifyProblem(ctx, err)
	}
	var te *rights.TransitionError
	var re *rights.RefusalError
	switch {
	case errors.As(err, &te):
		return Problemf(http.StatusConflict, "invalid_transition", "path.id",
			"the request is "+te.From+" and cannot move to "+te.To+"; GET it to see its state")
	case errors.As(err, &re):
		return Problemf(http.StatusBadRequest, "refusal_not_declared", "body.reason",
			"body.reason: "+re.Reason+" is not among the declaration's rights.refusals; use one of them")
	case errors.Is(err, rights.ErrNoExtension):
		return Problemf(http.StatusConflict, "no_extension", "path.id",
			"this deadline may not be extended: only GDPR's month and the CCPA's 45 days can be, once, before the request is answered")
	case errors.Is(err, rights.ErrUnknownType):
		return Problemf(http.StatusBadRequest, "invalid_input", "body.type", "body.type: not a request type")
	case errors.Is(err, rights.ErrNoDecl):
		return Problemf(http.StatusConflict, "no_declaration", "",
			"the tenant has no active declaration: upload one (POST /v1/declarations) and activate it")
	case errors.Is(err, rights.ErrNoDeadline):
		return Problemf(http.StatusConflict, "no_deadline", "",
			"the active declaration sets no rights.deadline for this request type: add one")
	case errors.Is(err, calendar.ErrNotCovered):
		return Problemf(http.StatusUnprocessableEntity, "calendar_not_covered", "",
			"the deadline falls in a year the declaration's working-day calendar has no data for: add the year's calendar (see docs/configuration.md)")
	}
	return s.fail(ctx, err)
}
