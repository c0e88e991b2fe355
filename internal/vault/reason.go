package vault

import "slices"

// Reason says why values are read. Every read is audited with its reason;
// the list is fixed so that the audit log holds codes, never free text.
type Reason string

// The reasons for reading values.
const (
	// ReasonProcessing: processing for the purpose the value was collected
	// for.
	ReasonProcessing Reason = "processing"
	// ReasonSupport: a support agent serving the subject.
	ReasonSupport Reason = "support"
	// ReasonSecurity: investigating a security incident or fraud.
	ReasonSecurity Reason = "security"
	// ReasonRightsRequest: answering the subject's own rights request
	// (access, copy, portability, correction; PIPL Art. 45-46, GDPR Art.
	// 15-20).
	ReasonRightsRequest Reason = "rights_request"
	// ReasonLegalClaim: establishing, exercising or defending legal claims
	// (GDPR Art. 18(2)).
	ReasonLegalClaim Reason = "legal_claim"
	// ReasonLegalObligation: a legal obligation or an order of a competent
	// authority (PIPL Art. 13(3); GDPR Art. 6(1)(c)).
	ReasonLegalObligation Reason = "legal_obligation"
)

// Reasons lists every reason.
var Reasons = []Reason{ReasonProcessing, ReasonSupport, ReasonSecurity, ReasonRightsRequest, ReasonLegalClaim, ReasonLegalObligation}

// Valid reports whether r is one of [Reasons].
func (r Reason) Valid() bool { return slices.Contains(Reasons, r) }

// AllowedWhenRestricted reports whether r permits reading the values of a
// subject who restricted processing: the subject's own request, a legal
// claim, or a legal obligation (GDPR Art. 18(2); PIPL Art. 44 with Art.
// 13).
func (r Reason) AllowedWhenRestricted() bool {
	switch r {
	case ReasonRightsRequest, ReasonLegalClaim, ReasonLegalObligation:
		return true
	}
	return false
}
