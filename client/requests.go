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

// Challenge is the state of a request's identity check after a code was
// sent.
type Challenge struct {
	Request   Request   `json:"request"`
	Method    string    `json:"method"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	TriesLeft int       `json:"tries_left"`
	SendsLeft int       `json:"sends_left"`
}

// SendCode sends a one-time code to verify the requester: method is
// "email_code" or "sms_code", to an address or phone number the tenant
// holds for the request's subject, lang "en" or "zh" (requests scope).
func (c *Client) SendCode(ctx context.Context, id, method, to, lang string) (*Challenge, error) {
	var out Challenge
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/requests/{id}/verification",
		path: "/v1/requests/" + seg(id) + "/verification", body: map[string]string{"method": method, "to": to, "language": lang},
		out: &out, want: http.StatusAccepted})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Verification is how a requester proves who they are.
type Verification struct {
	// Method is email_code, sms_code, app_assertion or account_login (the
	// tenant's app authenticated the subject).
	Method string `json:"method"`
	// Code is the one-time code typed, for email_code and sms_code.
	Code string `json:"code,omitempty"`
	// Assertion is a JWS signed by one of the tenant's app keys, for
	// app_assertion.
	Assertion string `json:"assertion,omitempty"`
}

// VerifyRequest verifies the requester; the deadline then starts when the
// declaration counts from verification (requests scope).
func (c *Client) VerifyRequest(ctx context.Context, id string, v Verification) (*Request, error) {
	return c.requestCall(ctx, id, "verify", v)
}

// Value is a value a correction or a supplement writes.
type Value struct {
	Field   string `json:"field"`
	Purpose string `json:"purpose"`
	Value   string `json:"value"`
}

// Review is the outcome of a human review of an automated decision.
type Review struct {
	Decision string `json:"decision"`
	// Outcome is "upheld" or "changed".
	Outcome string `json:"outcome"`
	// Reason is a code; Note the reviewer's words to the subject.
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
}

// Fulfilment is what carrying out a request needs beyond its type: values
// for correct and supplement, the records a correction supersedes, the
// purposes to withdraw (all when empty), a review for adm_review.
type Fulfilment struct {
	Values     []Value  `json:"values,omitempty"`
	Supersedes []string `json:"supersedes,omitempty"`
	Purposes   []string `json:"purposes,omitempty"`
	Review     *Review  `json:"review,omitempty"`
}

// FulfilRequest carries out a verified request of type delete, restrict,
// object, withdraw_consent, correct, supplement, adm_review or
// cancel_account (requests scope).
func (c *Client) FulfilRequest(ctx context.Context, id string, f Fulfilment) (*Request, error) {
	return c.requestCall(ctx, id, "fulfil", f)
}

// Export downloads the subject's data for a verified access, copy or
// portability request, as format "json", "csv" or "zip"; the request is
// then fulfilled (requests scope).
func (c *Client) Export(ctx context.Context, id, format string) ([]byte, error) {
	var out []byte
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/requests/{id}/export",
		path: "/v1/requests/" + seg(id) + "/export", query: url.Values{"format": {format}}, out: &out, want: http.StatusOK})
	return out, err
}

// PushExport sends the subject's data, signed with secret (the receiver's
// Standard Webhooks secret), to another controller's URL, for a verified
// portability request (requests scope).
func (c *Client) PushExport(ctx context.Context, id, to, secret string) (*Request, error) {
	return c.requestCall(ctx, id, "push", map[string]string{"url": to, "secret": secret})
}

// Explanation is how the subject's data is processed.
type Explanation struct {
	Request  Request `json:"request"`
	Markdown string  `json:"markdown"`
}

// Explain renders, from the active declaration, how the request's subject's
// data is processed, in lang "en" or "zh"; a verified explain request is
// then fulfilled (requests scope).
func (c *Client) Explain(ctx context.Context, id, lang string) (*Explanation, error) {
	var out Explanation
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/requests/{id}/explain",
		path: "/v1/requests/" + seg(id) + "/explain", query: url.Values{"lang": {lang}}, out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ForwardRequest forwards an entrusted party's request to the controller
// it processes the data for (requests scope).
func (c *Client) ForwardRequest(ctx context.Context, id, controller string) (*Request, error) {
	return c.requestCall(ctx, id, "forward", map[string]string{"controller": controller})
}

// Resume resumes a subject's cancelled account during the cooling-off (the
// subject logged in again) and returns the withdrawn cancellation
// (requests scope).
func (c *Client) Resume(ctx context.Context, subject string) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/resume",
		path: "/v1/subjects/" + seg(subject) + "/resume", out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
