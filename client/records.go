package client

import (
	"context"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DecisionQuery asks whether a subject's field may be processed for a
// purpose now.
type DecisionQuery struct {
	Subject string
	Field   string
	Purpose string
	// Device is the device the data comes from; "" skips the OS
	// permission check.
	Device string
	// Region is where the data is to be stored or sent; "" is the
	// declaration's first storage region.
	Region string
}

// Decision is the decision engine's answer.
type Decision struct {
	Allowed bool `json:"allowed"`
	// Reason is [ReasonOK] when Allowed, else the rule that refused, such
	// as [ReasonNoConsent].
	Reason string `json:"reason"`
	// Detail says what refused, naming ids only.
	Detail string `json:"detail,omitempty"`
	// Law cites the articles behind a refusal.
	Law string `json:"law,omitempty"`
}

// Decide asks the decision engine whether q may be processed now, without
// collecting anything (collect scope). A refusal is a Decision with
// Allowed false, not an error. [WithGPC] adds the subject's Global
// Privacy Control signal.
func (c *Client) Decide(ctx context.Context, q DecisionQuery, opts ...CallOption) (*Decision, error) {
	v := url.Values{}
	v.Set("subject", q.Subject)
	v.Set("field", q.Field)
	v.Set("purpose", q.Purpose)
	if q.Device != "" {
		v.Set("device", q.Device)
	}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	var out Decision
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/decisions", path: "/v1/decisions", query: v,
		out: &out, want: http.StatusOK, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// NewRecord is a value to collect: a declared field of the subject, for a
// declared purpose. Value is personal data: NewRecord redacts it when
// logged.
type NewRecord struct {
	Field   string `json:"field"`
	Purpose string `json:"purpose"`
	Value   string `json:"value"`
	// Device is the device the value comes from; its OS permission state
	// is then checked. Optional.
	Device string `json:"device,omitempty"`
	// Region is where the value is to be stored; "" is the declaration's
	// first storage region. Optional.
	Region string `json:"region,omitempty"`
}

// LogValue implements slog.LogValuer: ids only, never the value.
func (r NewRecord) LogValue() slog.Value {
	return slog.GroupValue(slog.String("field", r.Field), slog.String("purpose", r.Purpose), slog.String("value", "REDACTED"))
}

// MaxBatch is the most records one [Client.Collect] call may carry.
const MaxBatch = 10000

// Collect stores records of a subject through trustee's gate (collect
// scope) and returns their ids, in order. The batch is all or nothing: if
// any record is refused, nothing is stored and the error is a 403
// [*Problem] whose Code is the reason ([IsRefused]) and whose Field names
// the record, body.records[i]. [WithGPC] adds the subject's Global
// Privacy Control signal.
func (c *Client) Collect(ctx context.Context, subject string, records []NewRecord, opts ...CallOption) ([]string, error) {
	in := struct {
		Records []NewRecord `json:"records"`
	}{records}
	var out struct {
		IDs []string `json:"ids"`
	}
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/records",
		path: "/v1/subjects/" + seg(subject) + "/records", body: in, out: &out, want: http.StatusCreated, opts: opts})
	if err != nil {
		return nil, err
	}
	return out.IDs, nil
}

// AccessReason is why a subject's records are read; every read is audited
// with it.
type AccessReason string

// The access reasons.
const (
	// AccessService: to provide the service the data was collected for.
	AccessService AccessReason = "service"
	// AccessRightsRequest: to answer the subject's rights request.
	AccessRightsRequest AccessReason = "rights_request"
	// AccessLegalObligation: to meet a legal obligation.
	AccessLegalObligation AccessReason = "legal_obligation"
	// AccessSecurity: to protect the service's security.
	AccessSecurity AccessReason = "security"
)

// RecordQuery selects a subject's records to read.
type RecordQuery struct {
	// Reason is required. A restricted subject's records are read only
	// for AccessRightsRequest or AccessLegalObligation.
	Reason AccessReason
	// Field, when set, reads only that field's records.
	Field string
	// After is the Next of the previous page; "" starts at the beginning.
	After string
	// Limit bounds the page; 0 is the server's default.
	Limit int
}

// Record is a stored value, decrypted. Value is personal data: Record
// redacts it when logged.
type Record struct {
	ID          string    `json:"id"`
	Field       string    `json:"field"`
	Purpose     string    `json:"purpose"`
	Value       string    `json:"value"`
	CollectedAt time.Time `json:"collected_at"`
}

// LogValue implements slog.LogValuer: ids only, never the value.
func (r Record) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", r.ID), slog.String("field", r.Field),
		slog.String("purpose", r.Purpose), slog.String("value", "REDACTED"))
}

// RecordPage is one page of records and where the next begins ("" after
// the last).
type RecordPage struct {
	Records []Record `json:"records"`
	Next    string   `json:"next"`
}

// Records reads one page of a subject's records, in collection order
// (collect scope). The read is audited with q.Reason.
func (c *Client) Records(ctx context.Context, subject string, q RecordQuery, opts ...CallOption) (*RecordPage, error) {
	v := url.Values{}
	v.Set("reason", string(q.Reason))
	if q.Field != "" {
		v.Set("field", q.Field)
	}
	if q.After != "" {
		v.Set("after", q.After)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out RecordPage
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/subjects/{subject}/records",
		path: "/v1/subjects/" + seg(subject) + "/records", query: v, out: &out, want: http.StatusOK, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AllRecords iterates over every record of a subject that q selects,
// page by page from q.After. It stops at the first error, which it yields.
func (c *Client) AllRecords(ctx context.Context, subject string, q RecordQuery, opts ...CallOption) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			page, err := c.Records(ctx, subject, q, opts...)
			if err != nil {
				yield(Record{}, err)
				return
			}
			for _, r := range page.Records {
				if !yield(r, nil) {
					return
				}
			}
			if page.Next == "" || page.Next == q.After {
				return
			}
			q.After = page.Next
		}
	}
}
