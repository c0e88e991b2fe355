package client

import (
	"context"
	"net/http"
	"time"
)

// DeviceBinding is a device's binding to a subject.
type DeviceBinding struct {
	Device string `json:"device"`
	Bound  bool   `json:"bound"`
	// At is when the device was last bound or unbound.
	At time.Time `json:"at"`
}

// Unbinding says what [Client.UnbindDevice] did.
type Unbinding struct {
	DeviceBinding
	// Deleted is how many of the device's records were deleted; Kept how
	// many the legal holds named in Holds keep.
	Deleted int64    `json:"deleted"`
	Kept    int64    `json:"kept"`
	Holds   []string `json:"holds,omitempty"`
}

// The reason codes of [Client.BanSubject].
const (
	BanIllegalContent     = "illegal_content"
	BanFraud              = "fraud"
	BanMaliciousMarketing = "malicious_marketing"
	BanBulkRegistration   = "bulk_registration"
	BanSecurity           = "security"
	BanLegalOrder         = "legal_order"
	BanMinor              = "minor"
)

// MinorOutcome says what [Client.MinorDiscovered] did.
type MinorOutcome struct {
	Subject Subject `json:"subject"`
	// Action is none, kept, blocked, deleted, erased or
	// seek_guardian_consent.
	Action               string   `json:"action"`
	MinimumAge           int      `json:"minimum_age"`
	GuardianConsentBelow int      `json:"guardian_consent_below"`
	GuardianConsent      bool     `json:"guardian_consent"`
	Records              int64    `json:"records"`
	Blobs                int64    `json:"blobs"`
	Holds                []string `json:"holds,omitempty"`
}

// BindDevice binds one of the app's pseudonymous device ids to a subject
// (consent scope), creating the subject if it is new.
func (c *Client) BindDevice(ctx context.Context, subject, device string) (*DeviceBinding, error) {
	var out DeviceBinding
	err := c.do(ctx, call{method: http.MethodPut, route: "PUT /v1/subjects/{subject}/devices/{device}/binding",
		path: "/v1/subjects/" + seg(subject) + "/devices/" + seg(device) + "/binding", out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UnbindDevice unbinds a device from a subject and deletes, at once, the
// subject's records collected from it but those a legal hold keeps
// (consent scope).
func (c *Client) UnbindDevice(ctx context.Context, subject, device string) (*Unbinding, error) {
	var out Unbinding
	err := c.do(ctx, call{method: http.MethodDelete, route: "DELETE /v1/subjects/{subject}/devices/{device}/binding",
		path: "/v1/subjects/" + seg(subject) + "/devices/" + seg(device) + "/binding", out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// BanSubject bans a subject's account for a reason code such as
// [BanFraud] (admin scope): collection is refused and its data no longer
// processed; nothing is deleted.
func (c *Client) BanSubject(ctx context.Context, subject, reason string) (*Subject, error) {
	in := struct {
		Reason string `json:"reason"`
	}{reason}
	var out Subject
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/ban",
		path: "/v1/subjects/" + seg(subject) + "/ban", body: in, out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UnbanSubject lifts a subject's ban (admin scope).
func (c *Client) UnbanSubject(ctx context.Context, subject string) (*Subject, error) {
	var out Subject
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/unban",
		path: "/v1/subjects/" + seg(subject) + "/unban", out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// MinorDiscovered reports that a subject is younger than known (admin
// scope): ageFloor, when not 0, is its age bracket now (1 for under 13,
// 13, 14, 15, 16 or 18). The server applies the declaration's minors rules
// and says what it did.
func (c *Client) MinorDiscovered(ctx context.Context, subject string, ageFloor int) (*MinorOutcome, error) {
	in := struct {
		AgeFloor int `json:"age_floor,omitempty"`
	}{ageFloor}
	var out MinorOutcome
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/minor-discovered",
		path: "/v1/subjects/" + seg(subject) + "/minor-discovered", body: in, out: &out, want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
