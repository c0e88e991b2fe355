package verify

import (
	"errors"
	"strconv"
)

// Outcome names the result of Send, Check or Assert with a stable code for
// audit entries, metrics and API problem types: "ok" for nil, one code per
// sentinel of this package, "assertion_invalid" for an assertion refused
// for a reason without a code of its own, and "error" for anything else
// (a delivery or key lookup failure).
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	for _, o := range outcomes {
		if errors.Is(err, o.err) {
			return o.code
		}
	}
	if errors.Is(err, ErrInvalidAssertion) {
		return "assertion_invalid"
	}
	return "error"
}

var outcomes = []struct {
	err  error
	code string
}{
	{ErrWrongCode, "wrong_code"},
	{ErrLocked, "locked"},
	{ErrExpired, "expired"},
	{ErrMalformedCode, "malformed_code"},
	{ErrNoCode, "no_code"},
	{ErrTooManySends, "too_many_sends"},
	{ErrAlreadyVerified, "already_verified"},
	{ErrMethod, "unsupported_method"},
	{ErrNoSender, "no_sender"},
	{ErrConfig, "config"},
	{ErrMalformedAssertion, "assertion_malformed"},
	{ErrAlgorithm, "assertion_algorithm"},
	{ErrUnknownKey, "assertion_unknown_key"},
	{ErrSignature, "assertion_signature"},
	{ErrMissingClaim, "assertion_missing_claim"},
	{ErrIssuer, "assertion_issuer"},
	{ErrAudience, "assertion_audience"},
	{ErrRequest, "assertion_request"},
	{ErrSubject, "assertion_subject"},
	{ErrLifetime, "assertion_lifetime"},
	{ErrAssertionExpired, "assertion_expired"},
	{ErrNotYetValid, "assertion_not_yet_valid"},
}

// AuditDetails describes c for an audit entry's details: method, counts
// and flags, never the code hash.
func (c Challenge) AuditDetails() map[string]string {
	d := map[string]string{
		"attempts": strconv.Itoa(c.Attempts),
		"sends":    strconv.Itoa(c.Sends),
	}
	if c.Method != "" {
		d["method"] = string(c.Method)
	}
	if c.Locked {
		d["locked"] = "true"
	}
	if c.Verified() {
		d["verified"] = "true"
	}
	return d
}
