package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The rights a request can exercise.
const (
	RequestAccess          = "access"
	RequestCopy            = "copy"
	RequestPortability     = "portability"
	RequestCorrect         = "correct"
	RequestSupplement      = "supplement"
	RequestDelete          = "delete"
	RequestRestrict        = "restrict"
	RequestObject          = "object"
	RequestWithdrawConsent = "withdraw_consent"
	RequestExplain         = "explain"
	RequestADMReview       = "adm_review"
	RequestCancelAccount   = "cancel_account"
)

// Request is a rights request: ids, states, dates and reason codes.
type Request struct {
	ID      string `json:"id"`
	Subject string `json:"subject,omitempty"`
	Type    string `json:"type"`
	// State is received, verifying, verified, in_progress, fulfilled,
	// refused, withdrawn or expired.
	State     string    `json:"state"`
	Channel   string    `json:"channel,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// DueAt is the deadline, zero until it runs.
	DueAt time.Time `json:"due_at,omitzero"`
	// Rule is the rule that produced the deadline, RuleID its id.
	Rule       string    `json:"rule,omitempty"`
	RuleID     string    `json:"rule_id,omitempty"`
	AckDueAt   time.Time `json:"ack_due_at,omitzero"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	// Fee is true when the request is charged, repeated beyond the
	// declared limit.
	Fee        bool        `json:"fee,omitempty"`
	Refusal    *Refusal    `json:"refusal,omitempty"`
	Extensions []Extension `json:"extensions,omitempty"`
}

// Refusal is why a request was refused.
type Refusal struct {
	// Reason is a reason of the declaration's rights.refusals.
	Reason string `json:"reason"`
	// Explanation is what the subject is told of the reason, in English
	// and Chinese.
	Explanation struct {
		En string `json:"en"`
		Zh string `json:"zh"`
	} `json:"explanation"`
	// Note is the staff's own explanation.
	Note string `json:"note,omitempty"`
}

// Extension is one extension of a request's deadline.
type Extension struct {
	At     time.Time `json:"at"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Rule   string    `json:"rule"`
	RuleID string    `json:"rule_id"`
	Reason string    `json:"reason"`
}

// NewRequest is a request to submit.
type NewRequest struct {
	// Type is one of the Request* constants.
	Type    string `json:"type"`
	Subject string `json:"subject"`
	// Channel is the declared channel it came through; "" is api.
	Channel string `json:"channel,omitempty"`
}

// SubmitRequest records a subject's rights request (requests scope).
func (c *Client) SubmitRequest(ctx context.Context, r NewRequest) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/requests", path: "/v1/requests",
		body: r, out: &out, want: http.StatusCreated})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRequest returns a request (requests scope).
func (c *Client) GetRequest(ctx context.Context, id string) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/requests/{id}", path: "/v1/requests/" + seg(id),
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RequestQuery narrows ListRequests; zero fields match everything.
type RequestQuery struct {
	Subject, Type, State string
	After                string
	Limit                int
}

// RequestPage is one page of requests.
type RequestPage struct {
	Requests []Request `json:"requests"`
	// Next is the After of the next page, "" after the last.
	Next string `json:"next"`
}

// ListRequests lists the tenant's requests, oldest first (requests scope).
func (c *Client) ListRequests(ctx context.Context, q RequestQuery) (*RequestPage, error) {
	v := url.Values{}
	for k, s := range map[string]string{"subject": q.Subject, "type": q.Type, "state": q.State, "after": q.After} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out RequestPage
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/requests", path: "/v1/requests", query: v,
		out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// requestCall posts body to /v1/requests/{id}/{verb} and returns the
// request it leaves.
func (c *Client) requestCall(ctx context.Context, id, verb string, body any) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/requests/{id}/" + verb,
		path: "/v1/requests/" + seg(id) + "/" + verb, body: body, out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// StartRequest moves a verified request to in_progress (requests scope).
func (c *Client) StartRequest(ctx context.Context, id string) (*Request, error) {
	return c.requestCall(ctx, id, "start", nil)
}

// WithdrawRequest records the subject's withdrawal of a request (requests
// scope).
func (c *Client) WithdrawRequest(ctx context.Context, id string) (*Request, error) {
	return c.requestCall(ctx, id, "withdraw", nil)
}

// RefuseRequest refuses a request for a reason the declaration lists;
// explanation is the staff's own words to the subject (requests scope).
func (c *Client) RefuseRequest(ctx context.Context, id, reason, explanation string) (*Request, error) {
	return c.requestCall(ctx, id, "refuse", map[string]string{"reason": reason, "explanation": explanation})
}

// ExtendRequest extends a request's deadline where the law allows it, with
// the reason the subject is told (requests scope).
func (c *Client) ExtendRequest(ctx context.Context, id, reason string) (*Request, error) {
	return c.requestCall(ctx, id, "extend", map[string]string{"reason": reason})
}
