package client

import (
	"context"
	"net/http"
	"time"
)

// Subject is one end user of the tenant, known by a pseudonymous id the
// tenant chooses. It holds no personal data.
type Subject struct {
	ID string `json:"id"`
	// Status is active, restricted, banned, cancelled or erased.
	Status string `json:"status"`
	// AgeFloor is the lower bound of the subject's age bracket (see
	// [Profile]); 0 when unknown.
	AgeFloor int `json:"age_floor"`
	// Region is where the subject lives ("CN", "DE", "US-CA"); "" when
	// unknown.
	Region string `json:"region"`
}

// Profile is what the tenant knows of a subject's age and region: coarse
// on purpose, enough to apply each law's thresholds.
type Profile struct {
	// AgeFloor is the lower bound of the age bracket: 1 (under 13), 13,
	// 14, 15, 16 (16 to 17) or 18 (adult); 0 leaves it unknown.
	AgeFloor int `json:"age_floor,omitempty"`
	// Region is where the subject lives, such as "CN"; "" leaves it
	// unknown.
	Region string `json:"region,omitempty"`
}

// PutSubject sets a subject's profile, creating the subject if it is new
// (consent scope). Zero fields of p leave the stored ones unchanged.
func (c *Client) PutSubject(ctx context.Context, id string, p Profile, opts ...CallOption) (*Subject, error) {
	var out Subject
	err := c.do(ctx, call{method: http.MethodPut, route: "PUT /v1/subjects/{subject}", path: "/v1/subjects/" + seg(id),
		body: p, out: &out, want: http.StatusOK, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ConsentAction is a grant or a withdrawal.
type ConsentAction string

// The consent actions.
const (
	Grant    ConsentAction = "grant"
	Withdraw ConsentAction = "withdraw"
)

// ConsentKind is how strong a consent is: consent < separate < guardian.
type ConsentKind string

// The kinds of consent.
const (
	// KindConsent is ordinary consent.
	KindConsent ConsentKind = "consent"
	// KindSeparate is consent given for this purpose alone (PIPL Art. 29,
	// 39).
	KindSeparate ConsentKind = "separate"
	// KindGuardian is a guardian's consent for a minor (PIPL Art. 31;
	// GDPR Art. 8); [ConsentChange.Guardian] names the guardian.
	KindGuardian ConsentKind = "guardian"
)

// ConsentChange is a grant or a withdrawal to record.
type ConsentChange struct {
	Purpose string        `json:"purpose"`
	Action  ConsentAction `json:"action"`
	// Kind is required for a grant; a withdrawal without it withdraws the
	// kind last given.
	Kind ConsentKind `json:"kind,omitempty"`
	// Channel is how it was given: web, app, api, agent; "" is api.
	Channel string `json:"channel,omitempty"`
	// TextHash is the SHA-256, in lower-case hex, of the notice text shown.
	TextHash string `json:"text_hash,omitempty"`
	// Guardian is the subject id of the guardian acting, for KindGuardian.
	Guardian string `json:"guardian,omitempty"`
	// Language is the language of the notice shown and of the receipt,
	// "en" or "zh"; "" is "en".
	Language string `json:"language,omitempty"`
}

// ConsentEvent is one event of the append-only consent ledger.
type ConsentEvent struct {
	Seq     int64         `json:"seq"`
	Purpose string        `json:"purpose"`
	Action  ConsentAction `json:"action"`
	Kind    ConsentKind   `json:"kind"`
	// DeclarationVersion is the version of the declaration the subject
	// was shown.
	DeclarationVersion string `json:"declaration_version"`
	// Channel is how the event was given; gpc for an opt-out recorded from
	// a Sec-GPC signal.
	Channel  string    `json:"channel,omitempty"`
	TextHash string    `json:"text_hash,omitempty"`
	Guardian string    `json:"guardian,omitempty"`
	At       time.Time `json:"at"`
	// Receipt is the consent receipt of the event; set by
	// [Client.Consent].
	Receipt *Receipt `json:"receipt,omitempty"`
}

// Consent records a grant or a withdrawal of a subject's consent to a
// purpose and returns the ledger event with its receipt (consent scope).
// A withdrawal stops processing for the purpose at once. [WithGPC] sends
// the subject's Global Privacy Control signal with it.
func (c *Client) Consent(ctx context.Context, subject string, ch ConsentChange, opts ...CallOption) (*ConsentEvent, error) {
	var out ConsentEvent
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/consents",
		path: "/v1/subjects/" + seg(subject) + "/consents", body: ch, out: &out, want: http.StatusCreated, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListConsents lists a subject's consent ledger events in order (consent
// scope).
func (c *Client) ListConsents(ctx context.Context, subject string, opts ...CallOption) ([]ConsentEvent, error) {
	var out struct {
		Events []ConsentEvent `json:"events"`
	}
	err := c.do(ctx, call{method: http.MethodGet, route: "GET /v1/subjects/{subject}/consents",
		path: "/v1/subjects/" + seg(subject) + "/consents", out: &out, want: http.StatusOK, opts: opts})
	return out.Events, err
}

// DevicePermissions is the OS permission state of one device of a
// subject: declared permission id → granted.
type DevicePermissions struct {
	Device      string          `json:"device"`
	Permissions map[string]bool `json:"permissions"`
}

// SetPermissions records which OS permissions (declared permission ids,
// such as "location") are granted on a subject's device (consent scope).
// Fields exposed only by permissions that are off are not collected from
// that device.
func (c *Client) SetPermissions(ctx context.Context, subject, device string, perms map[string]bool, opts ...CallOption) (*DevicePermissions, error) {
	in := struct {
		Permissions map[string]bool `json:"permissions"`
	}{perms}
	var out DevicePermissions
	err := c.do(ctx, call{method: http.MethodPut, route: "PUT /v1/subjects/{subject}/devices/{device}/permissions",
		path: "/v1/subjects/" + seg(subject) + "/devices/" + seg(device) + "/permissions", body: in, out: &out, want: http.StatusOK, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Guardian links a guardian to a minor, both subjects of the tenant.
type Guardian struct {
	Minor     string    `json:"minor"`
	Guardian  string    `json:"guardian"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// AddGuardian links guardian, a subject, to minor, so that the guardian
// can consent for the minor with [KindGuardian] (consent scope).
func (c *Client) AddGuardian(ctx context.Context, minor, guardian string, opts ...CallOption) (*Guardian, error) {
	in := struct {
		Guardian string `json:"guardian"`
	}{guardian}
	var out Guardian
	err := c.do(ctx, call{method: http.MethodPost, route: "POST /v1/subjects/{subject}/guardians",
		path: "/v1/subjects/" + seg(minor) + "/guardians", body: in, out: &out, want: http.StatusCreated, opts: opts})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
