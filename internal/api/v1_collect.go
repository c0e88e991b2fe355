package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// DecisionOut is the engine's answer.
type DecisionOut struct {
	Allowed bool   `json:"allowed" doc:"Whether the field may be processed for the purpose now."`
	Reason  string `json:"reason" doc:"ok, or the rule that refused: field_not_declared, no_consent, permission_off..."`
	Detail  string `json:"detail,omitempty" doc:"What refused, naming ids only."`
	Law     string `json:"law,omitempty" doc:"The articles of law behind the refusal."`
}

type decisionIn struct {
	GPCParam
	Subject string `query:"subject" required:"true" minLength:"1" maxLength:"200" doc:"The subject's pseudonymous id."`
	Field   string `query:"field" required:"true" minLength:"1" maxLength:"128" doc:"A field of the declaration."`
	Purpose string `query:"purpose" required:"true" minLength:"1" maxLength:"128" doc:"A purpose of the declaration."`
	Device  string `query:"device" maxLength:"1024" doc:"The device the data comes from; OS permissions are checked when given."`
	Region  string `query:"region" maxLength:"16" doc:"Where the data is to be stored or sent; default the declaration's first storage region."`
}

type decisionOutBody struct{ Body DecisionOut }

// RecordIn is one value to collect.
type RecordIn struct {
	Field   string `json:"field" required:"true" minLength:"1" maxLength:"128" doc:"A field of the active declaration."`
	Purpose string `json:"purpose" required:"true" minLength:"1" maxLength:"128" doc:"The declared purpose it is collected for."`
	Value   string `json:"value" required:"true" maxLength:"65536" doc:"The value. It is stored encrypted, or hashed when the field is declared hashed."`
	Device  string `json:"device,omitempty" maxLength:"1024" doc:"The pseudonymous device it comes from; the OS permissions exposing the field must be on there."`
	Region  string `json:"region,omitempty" maxLength:"16" doc:"Where it is to be stored; default the declaration's first storage region. Another region must be reached by a declared transfer."`
}

type collectIn struct {
	SubjectParam
	GPCParam
	Body struct {
		Records []RecordIn `json:"records" required:"true" minItems:"1" maxItems:"10000" doc:"The values, 1 to 10,000. All are decided first: if one is refused, none is stored."`
	}
}

type collectOut struct {
	Body struct {
		IDs []string `json:"ids" doc:"The record ids, in the order of the records sent."`
	}
}

type readRecordsIn struct {
	SubjectParam
	GPCParam
	Reason string `query:"reason" required:"true" enum:"service,rights_request,legal_obligation,security" doc:"Why the values are read; every read is audited with it. A subject who restricted processing can be read only for rights_request or legal_obligation."`
	Field  string `query:"field" maxLength:"128" doc:"Only values of this field."`
	After  string `query:"after" maxLength:"64" doc:"The next value of the previous page."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"The most records to return."`
}

// RecordOut is a stored value, decrypted.
type RecordOut struct {
	ID          string    `json:"id" doc:"The record id."`
	Field       string    `json:"field" doc:"The declared field."`
	Purpose     string    `json:"purpose" doc:"The purpose it was collected for."`
	Value       string    `json:"value" doc:"The value (its hash for a field declared hashed)."`
	CollectedAt time.Time `json:"collected_at" doc:"When it was collected."`
}

type readRecordsOut struct {
	Body struct {
		Records []RecordOut `json:"records" doc:"One page of the subject's values, in collection order. With field, a page may hold fewer than limit."`
		Next    string      `json:"next" doc:"Pass as after for the next page; empty after the last."`
	}
}

// accessReasons maps the API's access reasons to the vault's.
var accessReasons = map[string]vault.Reason{
	"service":          vault.ReasonProcessing,
	"rights_request":   vault.ReasonRightsRequest,
	"legal_obligation": vault.ReasonLegalObligation,
	"security":         vault.ReasonSecurity,
}

func (s *Server) mountCollect() {
	register(s, huma.Operation{
		OperationID: "decide", Method: http.MethodGet, Path: "/v1/decisions",
		Summary: "Decide whether a field may be processed", Tags: []string{"Collection"},
		Description: "Answers whether the subject's field may be processed for the purpose now, and if not, which rule refuses and why.",
	}, ScopeCollect, s.decide)
	register(s, huma.Operation{
		OperationID: "collect", Method: http.MethodPost, Path: "/v1/subjects/{subject}/records", DefaultStatus: http.StatusCreated,
		Summary: "Collect records", Tags: []string{"Collection"},
		Description: "Stores values of a subject, one or a batch, after deciding each against the active declaration and the subject's consent, " +
			"age, status, OS permissions and region. Any refusal refuses the whole batch with 403: the code is the reason " +
			"(field_not_declared, no_separate_consent, permission_off...), field names the record, rule cites the law; nothing is stored.",
	}, ScopeCollect, s.collect)
	register(s, huma.Operation{
		OperationID: "read-records", Method: http.MethodGet, Path: "/v1/subjects/{subject}/records",
		Summary: "Read a subject's records", Tags: []string{"Collection"},
		Description: "Returns the subject's values, decrypted. Every read needs a reason and is audited; a subject who restricted processing is read only to answer its own request or a legal obligation.",
		Errors:      []int{http.StatusNotFound},
	}, ScopeCollect, s.readRecords)
}

func (s *Server) decide(ctx context.Context, in *decisionIn) (*decisionOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	d, err := s.v1.Engine.Decide(ctx, consent.Query{Tenant: tenant, Subject: in.Subject, Field: in.Field, Purpose: in.Purpose,
		Device: in.Device, Region: in.Region, GPC: in.on()})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	s.v1.metrics.Decided(d)
	return &decisionOutBody{Body: DecisionOut{Allowed: d.Allowed, Reason: string(d.Reason), Detail: d.Detail, Law: d.Law}}, nil
}

func (s *Server) collect(ctx context.Context, in *collectIn) (*collectOut, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	if len(in.Body.Records) == 0 {
		return nil, Problemf(http.StatusUnprocessableEntity, "invalid_input", "body.records", "body.records: send 1 to 10,000 records")
	}
	batch := make([]collect.Item, len(in.Body.Records))
	for i, r := range in.Body.Records {
		batch[i] = collect.Item{Field: r.Field, Purpose: r.Purpose, Value: r.Value, Device: r.Device, Region: r.Region}
	}
	ids, err := s.v1.Gate.Collect(ctx, p.Actor(), tenant, in.Subject, batch, in.on())
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	out := &collectOut{}
	out.Body.IDs = ids
	return out, nil
}

func (s *Server) readRecords(ctx context.Context, in *readRecordsIn) (*readRecordsOut, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	recs, next, err := s.v1.Vault.Records(ctx, p.Actor(), tenant, in.Subject, accessReasons[in.Reason], store.Page{After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	out := &readRecordsOut{}
	out.Body.Records = make([]RecordOut, 0, len(recs))
	for _, r := range recs {
		if in.Field != "" && r.Field != in.Field {
			continue
		}
		out.Body.Records = append(out.Body.Records, RecordOut{ID: r.ID, Field: r.Field, Purpose: r.Purpose, Value: string(r.Plain), CollectedAt: r.CollectedAt})
	}
	out.Body.Next = next
	return out, nil
}
