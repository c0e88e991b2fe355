package verify

import "errors"

// Errors of one-time codes, tested with errors.Is. Their text never holds
// the code or the address.
var (
	// ErrMethod: the method is not one this function handles (Send and
	// Check take email_code and sms_code).
	ErrMethod = errors.New("verify: unsupported verification method")
	// ErrNoCode: no code has been sent for this request; call Send first.
	ErrNoCode = errors.New("verify: no code was sent for this request; send one first")
	// ErrMalformedCode: the input is not a six-digit code. It does not
	// count as a try.
	ErrMalformedCode = errors.New("verify: a code is six digits")
	// ErrWrongCode: the code does not match; tries remain (the error's text
	// says how many, and [Verifier.TriesLeft] returns it).
	ErrWrongCode = errors.New("verify: wrong code")
	// ErrExpired: the code is past its validity; send a new one.
	ErrExpired = errors.New("verify: the code has expired; send a new one")
	// ErrLocked: too many wrong codes. Neither Check nor Send accept this
	// challenge any more; the request expires, or staff restart
	// verification with a fresh Challenge.
	ErrLocked = errors.New("verify: too many wrong codes; verification is locked for this request")
	// ErrTooManySends: the request has had its quota of codes.
	ErrTooManySends = errors.New("verify: too many codes sent for this request")
	// ErrAlreadyVerified: the request's identity is already verified.
	ErrAlreadyVerified = errors.New("verify: the request is already verified")
	// ErrNoSender: no sender is configured for the method's channel.
	ErrNoSender = errors.New("verify: no sender configured for this channel")
	// ErrConfig: the Verifier or the arguments are unusable (a short key,
	// an empty tenant or request id, a product name with line breaks).
	ErrConfig = errors.New("verify: invalid configuration")
)

// ErrInvalidAssertion matches every reason an app assertion is refused:
// errors.Is(err, ErrInvalidAssertion) is true for each of the errors below,
// which tell the reasons apart.
var ErrInvalidAssertion = errors.New("verify: invalid app assertion")

// Reasons an app assertion is refused; each also matches
// [ErrInvalidAssertion].
var (
	// ErrMalformedAssertion: not a compact JWS with a JSON claims object
	// of the expected types, or too long.
	ErrMalformedAssertion = assertionErr("verify: app assertion is not a compact JWS with JSON claims")
	// ErrAlgorithm: the header's alg is not EdDSA ("none", HS256 and RS256
	// included).
	ErrAlgorithm = assertionErr("verify: app assertion must be signed with alg EdDSA (Ed25519)")
	// ErrUnknownKey: the header has no kid, or the kid is not an active
	// app key of the request's tenant (never registered, revoked, or
	// another tenant's). [Verifier.Keys] returns an error wrapping it in
	// those cases.
	ErrUnknownKey = assertionErr("verify: app assertion's kid is not an active trusted key of this tenant")
	// ErrSignature: the signature does not verify with the key the kid
	// names.
	ErrSignature = assertionErr("verify: app assertion's signature does not verify")
	// ErrMissingClaim: one of iss, sub, aud, iat, exp, rid is absent.
	ErrMissingClaim = assertionErr("verify: app assertion lacks a required claim")
	// ErrIssuer: iss is not the request's tenant id.
	ErrIssuer = assertionErr("verify: app assertion's iss must be the tenant id")
	// ErrAudience: aud does not contain "trustee".
	ErrAudience = assertionErr(`verify: app assertion's aud must be "trustee"`)
	// ErrRequest: rid is not the id of the request being verified.
	ErrRequest = assertionErr("verify: app assertion's rid is not this request's id")
	// ErrSubject: sub is not a usable subject id (empty, too long, or
	// with control characters).
	ErrSubject = assertionErr("verify: app assertion's sub is not a subject id")
	// ErrLifetime: exp is before iat, or more than
	// [MaxAssertionLifetime] after it.
	ErrLifetime = assertionErr("verify: app assertion's lifetime (exp - iat) must be positive and at most 10 minutes")
	// ErrAssertionExpired: exp has passed (beyond [ClockSkew]).
	ErrAssertionExpired = assertionErr("verify: app assertion has expired")
	// ErrNotYetValid: iat or nbf is in the future (beyond [ClockSkew]):
	// the app's clock is wrong.
	ErrNotYetValid = assertionErr("verify: app assertion is issued in the future; check the app's clock")
)

// reason is an assertion error that also matches ErrInvalidAssertion.
type reason struct{ msg string }

func assertionErr(msg string) error { return &reason{msg} }

func (r *reason) Error() string { return r.msg }

// Is makes every reason match ErrInvalidAssertion.
func (r *reason) Is(target error) bool { return target == ErrInvalidAssertion }
