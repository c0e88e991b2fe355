// Package verify checks the identity of the person behind a rights request
// before trustee acts on it, in one of the ways a declaration's
// rights.verification lists:
//
//   - email_code and sms_code: a one-time code sent to an address or phone
//     number the tenant already holds for the subject, typed back by the
//     requester ([Verifier.Send], [Verifier.Check]);
//   - app_assertion: a short-lived statement signed by the tenant's app,
//     which has already authenticated the user ([Verifier.CheckAssertion],
//     [Verifier.Assert]; the app signs with [SignAssertion]).
//
// Once verified, the caller records it with rights.Service.Verified, which
// starts the request's deadline when the declaration makes it run from
// verification.
//
// # Challenges
//
// A [Challenge] is the verification state of one request. It is stored in
// the request's Detail, which holds no personal data, so a Challenge keeps
// neither the code nor the address: only an HMAC of the code, keyed with
// [Verifier.Key] and bound to the tenant and request, so a copy of the
// database does not give the codes away (a six-digit code's plain hash
// would be reversed in a millisecond). The methods that change a Challenge
// change it in place; the caller loads it, calls them and stores it back in
// one store transaction, so two concurrent tries cannot both pass the
// attempt limit.
//
// # Limits
//
// A code is six digits drawn uniformly with crypto/rand, valid for
// [Verifier.TTL] (10 minutes), and compared in constant time. A request
// gets [Verifier.MaxAttempts] (5) wrong codes in total, across resends:
// after the last, the challenge is locked ([ErrLocked]), and both Check and
// Send refuse it, so a guesser has at most 5 chances in a million. The
// request then expires, or staff start a fresh challenge. A request gets
// [Verifier.MaxSends] (3) messages, so the feature cannot be used to flood
// someone's inbox or phone. Input that is not six digits (after removing
// spaces and hyphens and narrowing full-width digits) is refused with
// [ErrMalformedCode] and does not count as a try.
//
// # App assertions
//
// An assertion is a compact JWS (RFC 7515) with alg EdDSA (Ed25519, RFC
// 8037) whose header kid names one of the tenant's trusted app keys, and
// whose claims are:
//
//	{"iss": "<tenant id>", "sub": "<subject id>", "aud": "trustee",
//	 "rid": "<request id>", "iat": 1767225600, "exp": 1767225900}
//
// The lifetime (exp − iat) is at most [MaxAssertionLifetime], and times are
// compared with [ClockSkew] of tolerance. Binding the assertion to one
// request (rid) makes replaying it harmless: it can verify nothing else.
// The key is looked up in the tenant the request belongs to, never in the
// one the token names, through [Verifier.Keys], which returns active keys
// only. Every reason for refusal is its own sentinel error, and all of them
// match [ErrInvalidAssertion].
//
// # Personal data
//
// Errors never hold a code, an address or a phone number, nor a subject
// id taken from an assertion. A [Verifier] never logs.
//
// A Verifier is safe for concurrent use once configured; a Challenge is
// not.
package verify
