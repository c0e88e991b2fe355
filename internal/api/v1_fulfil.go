package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// ValueIn is a value a correction or a supplement writes.
type ValueIn struct {
	Field   string `json:"field" required:"true" minLength:"1" maxLength:"128" doc:"A field of the active declaration."`
	Purpose string `json:"purpose" required:"true" minLength:"1" maxLength:"128" doc:"The purpose the value serves."`
	Value   string `json:"value" required:"true" maxLength:"65536" doc:"The corrected or added value; stored encrypted."`
}

// ReviewIn is a human review of an automated decision.
type ReviewIn struct {
	Decision string `json:"decision" required:"true" minLength:"1" maxLength:"128" doc:"The id of the declaration's automated decision reviewed."`
	Outcome  string `json:"outcome" required:"true" enum:"upheld,changed" doc:"upheld or changed."`
	Reason   string `json:"reason" required:"true" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:/-]+$" doc:"A code for why, audited."`
	Note     string `json:"note,omitempty" maxLength:"4000" doc:"The reviewer's explanation to the subject; kept with the request, never audited."`
}

type fulfilIn struct {
	RequestParam
	Body struct {
		Values     []ValueIn `json:"values,omitempty" maxItems:"1000" doc:"correct and supplement: the values to write."`
		Supersedes []string  `json:"supersedes,omitempty" maxItems:"1000" doc:"correct: the ids of the records the values correct; they are deleted."`
		Purposes   []string  `json:"purposes,omitempty" maxItems:"1000" doc:"withdraw_consent: the purposes to withdraw; all granted ones when absent."`
		Review     *ReviewIn `json:"review,omitempty" doc:"adm_review: the human review's outcome."`
	}
}

type exportIn struct {
	RequestParam
	Format string `query:"format" enum:"json,csv,zip" default:"json" doc:"json (trustee.export/v1), csv (one row per value) or zip (both, the blobs and a README in English and Chinese)."`
}

type exportOut struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type pushIn struct {
	RequestParam
	Body struct {
		URL    string `json:"url" required:"true" minLength:"8" maxLength:"2048" doc:"The receiving controller's endpoint: https, or http on a loopback host."`
		Secret string `json:"secret" required:"true" minLength:"8" maxLength:"1024" doc:"The receiver's Standard Webhooks secret (whsec_...); used to sign, never stored."`
	}
}

type explainIn struct {
	RequestParam
	Language string `query:"lang" enum:"en,zh" default:"en" doc:"The language of the explanation."`
}

type explainOut struct {
	Body struct {
		Request  RequestOut `json:"request" doc:"The request."`
		Markdown string     `json:"markdown" doc:"How the subject's data is processed: for the fields held, the purposes, legal bases, recipients, retention and automated decisions, in the published policy's words."`
	}
}

type forwardIn struct {
	RequestParam
	Body struct {
		Controller string `json:"controller" required:"true" minLength:"1" maxLength:"200" doc:"The controller tenant the data is processed for; it must be linked to this processor."`
	}
}

type resumeIn struct {
	SubjectParam
}

func (s *Server) mountFulfil() {
	register(s, huma.Operation{
		OperationID: "fulfil-request", Method: http.MethodPost, Path: "/v1/requests/{id}/fulfil",
		Summary: "Carry out a verified request", Tags: []string{"Requests"},
		Description: "Does what the request asks and marks it fulfilled: delete crypto-shreds the subject (unless a legal hold applies: then processing stops but storage, PIPL Art. 47); " +
			"restrict and object restrict processing; withdraw_consent withdraws consents; correct and supplement write values; adm_review records a human review; " +
			"cancel_account cancels the account now and deletes it when the cooling-off ends. Access, copy and portability are fulfilled by GET .../export or POST .../push; explain by GET .../explain.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.fulfilRequest)
	register(s, huma.Operation{
		OperationID: "export-request", Method: http.MethodGet, Path: "/v1/requests/{id}/export",
		Summary: "Download the subject's data", Tags: []string{"Requests"},
		Description: "For a verified access, copy or portability request: everything held about the subject, decrypted (the read is audited), as JSON, CSV or ZIP. The request is then fulfilled.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.exportRequest)
	register(s, huma.Operation{
		OperationID: "push-request", Method: http.MethodPost, Path: "/v1/requests/{id}/push",
		Summary: "Send the subject's data to another controller", Tags: []string{"Requests"},
		Description: "For a verified portability request: POSTs the JSON export to the receiving controller, signed with Standard Webhooks headers, then fulfils the request.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusBadGateway},
	}, ScopeRequests, s.pushRequest)
	register(s, huma.Operation{
		OperationID: "explain-request", Method: http.MethodGet, Path: "/v1/requests/{id}/explain",
		Summary: "Explain the processing rules", Tags: []string{"Requests"},
		Description: "Renders, from the active declaration, how the subject's data is processed. A verified explain request is then fulfilled.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.explainRequest)
	register(s, huma.Operation{
		OperationID: "forward-request", Method: http.MethodPost, Path: "/v1/requests/{id}/forward",
		Summary: "Forward a request to the controller", Tags: []string{"Requests"},
		Description: "An entrusted party forwards a request about data it processes for a controller: the controller gets its own request and a signed webhook; its answer is synced back.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
	}, ScopeRequests, s.forwardRequest)
	register(s, huma.Operation{
		OperationID: "resume-subject", Method: http.MethodPost, Path: "/v1/subjects/{subject}/resume",
		Summary: "Resume a cancelled account (the subject logged in again)", Tags: []string{"Requests"},
		Description: "During the cancellation's cooling-off, when the declaration allows resuming by login, the account is active again and the cancellation withdrawn.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeRequests, s.resumeSubject)
}

func (s *Server) fulfilRequest(ctx context.Context, in *fulfilIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		r, err := s.readRequest(ctx, tenant, in.ID)
		if err != nil {
			return r, err
		}
		f, b, actor := s.v1.Fulfiller, in.Body, p.Actor()
		switch r.Type {
		case rights.TypeDelete:
			return f.FulfilDelete(ctx, actor, tenant, in.ID)
		case rights.TypeRestrict, rights.TypeObject:
			return f.FulfilRestrict(ctx, actor, tenant, in.ID)
		case rights.TypeWithdrawConsent:
			return f.FulfilWithdrawConsent(ctx, actor, tenant, in.ID, b.Purposes)
		case rights.TypeCorrect, rights.TypeSupplement:
			d, err := s.v1.Source.ActiveDeclaration(ctx, tenant)
			if err != nil {
				return r, err
			}
			values, err := correctionValues(d, b.Values)
			if err != nil {
				return r, err
			}
			return f.FulfilCorrection(ctx, actor, tenant, in.ID, values, b.Supersedes)
		case rights.TypeADMReview:
			if b.Review == nil {
				return r, Problemf(http.StatusBadRequest, "invalid_input", "body.review", "body.review: required to fulfil an adm_review request")
			}
			return f.FulfilReview(ctx, actor, tenant, in.ID, rights.Review{Decision: b.Review.Decision, Outcome: b.Review.Outcome, Reason: b.Review.Reason, Note: b.Review.Note})
		case rights.TypeCancelAccount:
			return f.CancelAccount(ctx, actor, tenant, in.ID)
		}
		return r, Problemf(http.StatusConflict, "fulfil_elsewhere", "path.id",
			"a "+r.Type+" request is fulfilled by GET /v1/requests/{id}/export, POST .../push (portability) or GET .../explain")
	})
}

// correctionValues turns corrected values into vault values, indexed as
// their fields declare.
func correctionValues(d *policy.Declaration, in []ValueIn) ([]vault.Value, error) {
	out := make([]vault.Value, 0, len(in))
	for i, v := range in {
		var lookup string
		found := false
		for _, f := range d.Fields {
			if f.ID == v.Field {
				lookup, found = f.Lookup, true
				break
			}
		}
		if !found {
			field := "body.values[" + strconv.Itoa(i) + "].field"
			return nil, Problemf(http.StatusBadRequest, "field_not_declared", field, field+": not a field of the active declaration")
		}
		out = append(out, vault.Value{Field: v.Field, Purpose: v.Purpose, Plain: []byte(v.Value), Lookup: collect.LookupOf(lookup)})
	}
	return out, nil
}

// openExport checks that the request may receive its data and builds it.
func (s *Server) openExport(ctx context.Context, p Principal, tenant, id string, types ...string) (store.Request, *export.Export, error) {
	r, err := s.readRequest(ctx, tenant, id)
	if err != nil {
		return r, nil, on("path.id", "request", err)
	}
	if !typeIn(r.Type, types) {
		return r, nil, Problemf(http.StatusConflict, "wrong_type", "path.id", "a "+r.Type+" request receives no export")
	}
	if r.State != rights.StateVerified && r.State != rights.StateInProgress && r.State != rights.StateFulfilled {
		return r, nil, Problemf(http.StatusConflict, "not_verified", "path.id",
			"the request is "+r.State+": verify the requester first (POST /v1/requests/{id}/verify)")
	}
	d, err := s.v1.Source.ActiveDeclaration(ctx, tenant)
	if err != nil {
		return r, nil, err
	}
	e, err := export.Build(ctx, s.v1.Vault, d, p.Actor(), tenant, r.Subject)
	return r, e, err
}

func typeIn(t string, types []string) bool {
	for _, x := range types {
		if t == x {
			return true
		}
	}
	return false
}

// delivered fulfils an open request with what was delivered; a request
// fulfilled already stays as it is (a second download).
func (s *Server) delivered(ctx context.Context, p Principal, tenant string, r store.Request, format string, body []byte) error {
	if r.State == rights.StateFulfilled {
		return nil
	}
	sum := sha256.Sum256(body)
	_, err := s.v1.Fulfiller.FulfilExport(ctx, p.Actor(), tenant, r.ID, rights.Export{Format: format, Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])})
	return err
}

func (s *Server) exportRequest(ctx context.Context, in *exportIn) (*exportOut, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	r, e, err := s.openExport(ctx, p, tenant, in.ID, rights.TypeAccess, rights.TypeCopy, rights.TypePortability)
	if err != nil {
		return nil, s.requestProblem(ctx, err)
	}
	var buf bytes.Buffer
	out := &exportOut{ContentDisposition: `attachment; filename="export-` + r.ID + `.` + in.Format + `"`}
	switch in.Format {
	case "csv":
		out.ContentType = "text/csv; charset=utf-8"
		err = e.WriteCSV(&buf)
	case "zip":
		out.ContentType = "application/zip"
		err = e.WriteZIP(ctx, &buf, s.v1.Vault)
	default:
		out.ContentType = "application/json"
		err = e.WriteJSON(&buf)
	}
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out.Body = buf.Bytes()
	if err := s.delivered(ctx, p, tenant, r, in.Format, out.Body); err != nil {
		return nil, s.requestProblem(ctx, err)
	}
	return out, nil
}

func (s *Server) pushRequest(ctx context.Context, in *pushIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		r, e, err := s.openExport(ctx, p, tenant, in.ID, rights.TypePortability)
		if err != nil {
			return r, err
		}
		if err := export.Push(ctx, s.v1.HTTP, in.Body.URL, in.Body.Secret, e, s.opts.Clock.Now()); err != nil {
			return r, pushProblem(err)
		}
		var buf bytes.Buffer
		if err := e.WriteJSON(&buf); err != nil {
			return r, err
		}
		if err := s.delivered(ctx, p, tenant, r, "json-push", buf.Bytes()); err != nil {
			return r, err
		}
		return s.readRequest(ctx, tenant, in.ID)
	})
}

func pushProblem(err error) error {
	switch {
	case errors.Is(err, export.ErrPushURL):
		return Problemf(http.StatusBadRequest, "invalid_input", "body.url", "body.url: must be https, or http on a loopback host")
	case errors.Is(err, export.ErrPushRejected):
		return Problemf(http.StatusBadGateway, "push_rejected", "body.url", "the receiving controller refused the export (check its secret and endpoint); nothing was fulfilled")
	}
	return Problemf(http.StatusBadGateway, "push_unavailable", "body.url", "the receiving controller could not be reached; try again later")
}

func (s *Server) explainRequest(ctx context.Context, in *explainIn) (*explainOut, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.readRequest(ctx, tenant, in.ID)
	if err != nil {
		return nil, s.fail(ctx, on("path.id", "request", err))
	}
	d, err := s.v1.Source.ActiveDeclaration(ctx, tenant)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	fields, err := s.fieldsHeld(ctx, tenant, r.Subject)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	md, err := export.Explain(d, in.Language, fields)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if r.Type == rights.TypeExplain && (r.State == rights.StateVerified || r.State == rights.StateInProgress) {
		if r, err = s.v1.Fulfiller.FulfilExplanation(ctx, p.Actor(), tenant, r.ID, "explain."+in.Language); err != nil {
			return nil, s.requestProblem(ctx, err)
		}
	}
	out := &explainOut{}
	if out.Body.Request, err = requestOut(r); err != nil {
		return nil, s.fail(ctx, err)
	}
	out.Body.Markdown = md
	return out, nil
}

// fieldsHeld lists the fields the subject has records of, without reading
// a value; nil (every field) for a request without a subject.
func (s *Server) fieldsHeld(ctx context.Context, tenant, subject string) ([]string, error) {
	if subject == "" {
		return nil, nil
	}
	seen := map[string]bool{}
	fields := []string{}
	err := s.v1.store.Read(ctx, func(rd store.Reader) error {
		recs, err := store.AllPages(func(p store.Page) ([]store.Record, string, error) {
			return rd.ListRecords(ctx, tenant, store.RecordFilter{Subject: subject}, p)
		})
		for _, rec := range recs {
			if !seen[rec.Field] {
				seen[rec.Field] = true
				fields = append(fields, rec.Field)
			}
		}
		return err
	})
	return fields, err
}

func (s *Server) forwardRequest(ctx context.Context, in *forwardIn) (*requestOutBody, error) {
	return s.requestAction(ctx, in.ID, func(p Principal, tenant string) (store.Request, error) {
		if s.v1.Router == nil {
			return store.Request{}, Problemf(http.StatusServiceUnavailable, "no_job_runner", "",
				"this server delivers no webhooks (it runs no job runner): forward from trustee serve")
		}
		if _, err := s.v1.Router.Forward(ctx, p.Actor(), tenant, in.ID, in.Body.Controller); err != nil {
			return store.Request{}, routingProblem(err)
		}
		return s.readRequest(ctx, tenant, in.ID)
	})
}

func routingProblem(err error) error {
	switch {
	case errors.Is(err, routing.ErrNotLinked), errors.Is(err, routing.ErrNotController), errors.Is(err, routing.ErrNotProcessor):
		return Problemf(http.StatusConflict, "not_linked", "body.controller",
			"body.controller: this tenant is not an entrusted party linked to that controller (POST /v1/tenants/{processor}/controllers links them)")
	case errors.Is(err, routing.ErrAlreadyRouted):
		return Problemf(http.StatusConflict, "already_routed", "path.id", "the request was forwarded to another controller already")
	case errors.Is(err, routing.ErrFinal):
		return Problemf(http.StatusConflict, "request_answered", "path.id", "the request is answered already")
	}
	return err
}

func (s *Server) resumeSubject(ctx context.Context, in *resumeIn) (*requestOutBody, error) {
	return s.requestAction(ctx, "", func(p Principal, tenant string) (store.Request, error) {
		r, err := s.v1.Fulfiller.Resume(ctx, p.Actor(), tenant, in.Subject)
		switch {
		case errors.Is(err, rights.ErrCoolingOffOver):
			return r, Problemf(http.StatusConflict, "cooling_off_over", "path.subject", "the cancellation's cooling-off is over: the account can no longer be resumed")
		case errors.Is(err, rights.ErrNoResume):
			return r, Problemf(http.StatusConflict, "no_resume", "path.subject", "the declaration does not let a cancellation be resumed (rights.cancellation.resume is none)")
		case errors.Is(err, rights.ErrNoCancellation):
			return r, Problemf(http.StatusConflict, "no_cancellation", "path.subject", "the subject has no account cancellation in its cooling-off")
		}
		return r, err
	})
}
