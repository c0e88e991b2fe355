package drp

import (
	"slices"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// DRP actions (3.01 Supported Rights Actions).
const (
	ActionSaleOptOut       = "sale:opt_out"
	ActionSaleOptIn        = "sale:opt_in"
	ActionDeletion         = "deletion"
	ActionAccess           = "access"
	ActionAccessCategories = "access:categories"
	ActionAccessSpecific   = "access:specific"
)

// Actions maps each DRP action this package accepts to the trustee
// request type it becomes:
//
//   - sale:opt_out → object. The CCPA's right to opt out of sale or
//     sharing (1798.120) is an objection to one kind of processing, which
//     the taxonomy's "object" right covers (PIPL 44; GDPR 21; CCPA
//     1798.120). It is not withdraw_consent: a sale the CCPA lets a
//     business make without consent has no consent to withdraw.
//   - deletion → delete (1798.105).
//   - access and access:categories → access: the right to know (1798.110)
//     covers the categories held.
//   - access:specific → copy: the specific pieces of personal
//     information, which is a copy of them.
//
// sale:opt_in is a grant of consent, not a rights request: no trustee
// request type fits it, so it is refused as unsupported.
var Actions = map[string]string{
	ActionSaleOptOut:       rights.TypeObject,
	ActionDeletion:         rights.TypeDelete,
	ActionAccess:           rights.TypeAccess,
	ActionAccessCategories: rights.TypeAccess,
	ActionAccessSpecific:   rights.TypeCopy,
}

// actionOrder is the order supported_actions lists them in.
var actionOrder = []string{ActionAccess, ActionAccessCategories, ActionAccessSpecific, ActionDeletion, ActionSaleOptOut}

// normAction accepts the hyphenated spelling the 2.01 example uses
// ("sale:opt-out") for the 3.01 one ("sale:opt_out").
func normAction(a string) string { return strings.ReplaceAll(a, "-", "_") }

// supportedActions lists the actions whose request types d declares
// among its rights (all of them when d is nil).
func supportedActions(d *policy.Declaration) []string {
	var out []string
	for _, a := range actionOrder {
		if d == nil || slices.ContainsFunc(d.Rights.Items, func(it policy.RightItem) bool { return it.Right == Actions[a] }) {
			out = append(out, a)
		}
	}
	return out
}

// DRP request statuses (3.02).
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusFulfilled  = "fulfilled"
	StatusRevoked    = "revoked"
	StatusDenied     = "denied"
	StatusExpired    = "expired"
)

// DRP reasons (3.02).
const (
	ReasonNeedUserVerification = "need_user_verification"
	ReasonSuspectedFraud       = "suspected_fraud"
	ReasonInsufVerification    = "insuf_verification"
	ReasonNoMatch              = "no_match"
	ReasonClaimNotCovered      = "claim_not_covered"
	ReasonOutsideJurisdiction  = "outside_jurisdiction"
	ReasonTooManyRequests      = "too_many_requests"
	ReasonOther                = "other"
)

// States maps a trustee request state to its DRP status (3.02). received
// is open; the identity-verification and processing states are
// in_progress; withdrawn is revoked; refused is denied (with a reason
// from Reasons).
var States = map[string]string{
	rights.StateReceived:   StatusOpen,
	rights.StateVerifying:  StatusInProgress,
	rights.StateVerified:   StatusInProgress,
	rights.StateInProgress: StatusInProgress,
	rights.StateFulfilled:  StatusFulfilled,
	rights.StateRefused:    StatusDenied,
	rights.StateWithdrawn:  StatusRevoked,
	rights.StateExpired:    StatusExpired,
}

// Reasons maps a trustee refusal reason to the DRP denial reason (3.02):
// abuse is suspected_fraud, repeated requests too_many_requests, and the
// exemptions the law makes for the data asked for (a legal obligation to
// keep it, trade secrets, another law) claim_not_covered. Any other
// refusal is other.
var Reasons = map[string]string{
	"malice_or_abuse":   ReasonSuspectedFraud,
	"repeated_requests": ReasonTooManyRequests,
	"legal_obligation":  ReasonClaimNotCovered,
	"trade_secrets":     ReasonClaimNotCovered,
	"other_law":         ReasonClaimNotCovered,
}

// Status is the Exercise Status object (3.03).
type Status struct {
	RequestID string `json:"request_id"`
	// ReceivedAt is when the request was registered.
	ReceivedAt string `json:"received_at,omitempty"`
	// ExpectedBy is the request's deadline, when one is set.
	ExpectedBy string `json:"expected_by,omitempty"`
	// AgentRequestID echoes the agent-request-id of the exercise.
	AgentRequestID string `json:"agent_request_id,omitempty"`
	// ProcessingDetails is the taxonomy's explanation of a refusal, or
	// of a deadline extension: never staff free text.
	ProcessingDetails string `json:"processing_details,omitempty"`
	Status            string `json:"status"`
	Reason            string `json:"reason,omitempty"`
}

// channel is the trustee request channel of a DRP request.
func channel(agentID, agentRequestID string) string {
	if agentRequestID == "" {
		return "drp:" + agentID
	}
	return "drp:" + agentID + ":" + agentRequestID
}

// parseChannel splits a channel made by channel; ok is false for a
// request that did not come through DRP.
func parseChannel(ch string) (agentID, agentRequestID string, ok bool) {
	rest, ok := strings.CutPrefix(ch, "drp:")
	if !ok {
		return "", "", false
	}
	agentID, agentRequestID, _ = strings.Cut(rest, ":")
	return agentID, agentRequestID, agentID != ""
}

// statusOf renders a trustee request as a DRP status.
func statusOf(r store.Request) (Status, error) {
	det, err := rights.DetailOf(r)
	if err != nil {
		return Status{}, err
	}
	_, arid, _ := parseChannel(det.Channel)
	s := Status{RequestID: r.ID, AgentRequestID: arid, Status: States[r.State]}
	if s.Status == "" {
		s.Status = StatusInProgress
	}
	if !r.CreatedAt.IsZero() {
		s.ReceivedAt = FormatTime(r.CreatedAt)
	}
	if !r.DueAt.IsZero() && !rights.Final(r.State) {
		s.ExpectedBy = FormatTime(r.DueAt)
	}
	if n := len(det.Extensions); n > 0 && !rights.Final(r.State) {
		// 3.08: an extension is explained; the subject's own reason
		// text stays in trustee, the rule's name is enough here.
		s.ProcessingDetails = "deadline extended under " + det.Extensions[n-1].Rule
	}
	if r.State == rights.StateRefused {
		s.Reason = ReasonOther
		if det.Refusal != nil {
			if reason, ok := Reasons[det.Refusal.Reason]; ok {
				s.Reason = reason
			}
			s.ProcessingDetails = det.Refusal.Explanation.EN
		}
	}
	return s, nil
}

// noMatch is the status of an exercise whose claims matched no subject.
func noMatch(id, agentRequestID string, at time.Time) Status {
	return Status{RequestID: id, ReceivedAt: FormatTime(at), AgentRequestID: agentRequestID, Status: StatusDenied, Reason: ReasonNoMatch}
}
