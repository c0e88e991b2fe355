package verify

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Assertion limits.
const (
	// Audience is the aud an assertion must carry.
	Audience = "trustee"
	// MaxAssertionLifetime bounds exp − iat.
	MaxAssertionLifetime = 10 * time.Minute
	// ClockSkew is the tolerance between the app's clock and trustee's
	// when checking iat, nbf and exp.
	ClockSkew = time.Minute
	// MaxAssertionLen bounds a token's length in bytes; a genuine one is
	// about 400.
	MaxAssertionLen = 8 << 10
	// maxSubjectLen matches the store's longest id.
	maxSubjectLen = 200
)

// algorithms are the only signature algorithms accepted.
var algorithms = []jose.SignatureAlgorithm{jose.EdDSA}

// ridClaim is the private claim binding an assertion to one request.
type ridClaim struct {
	RequestID string `json:"rid,omitempty"`
}

// CheckAssertion checks an app assertion for the request requestID of
// tenant and returns the subject id it vouches for. The caller checks that
// subject against the request's, when the request already names one.
//
// It does not change any [Challenge]: see [Verifier.Assert]. Failures
// match [ErrInvalidAssertion] and one reason each ([ErrMalformedAssertion],
// [ErrAlgorithm], [ErrUnknownKey], [ErrSignature], [ErrMissingClaim],
// [ErrIssuer], [ErrAudience], [ErrRequest], [ErrSubject], [ErrLifetime],
// [ErrAssertionExpired], [ErrNotYetValid]); an error of the key lookup
// itself is returned wrapped, and matches none of them.
func (v *Verifier) CheckAssertion(ctx context.Context, tenant, requestID, token string) (subject string, err error) {
	if v.Keys == nil {
		return "", fmt.Errorf("%w: %s is not offered (Verifier has no Keys)", ErrConfig, MethodApp)
	}
	if err := checkIDs(tenant, requestID); err != nil {
		return "", err
	}
	switch {
	case token == "":
		return "", fmt.Errorf("%w: the token is empty", ErrMalformedAssertion)
	case len(token) > MaxAssertionLen:
		return "", fmt.Errorf("%w: the token is longer than %d bytes", ErrMalformedAssertion, MaxAssertionLen)
	}
	tok, err := jwt.ParseSigned(token, algorithms)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return "", fmt.Errorf("%w, not %s", ErrAlgorithm, quote(string(alg.Got)))
		}
		return "", fmt.Errorf("%w: %s", ErrMalformedAssertion, parseProblem(err))
	}
	if len(tok.Headers) != 1 {
		return "", fmt.Errorf("%w: want one signature, found %d", ErrMalformedAssertion, len(tok.Headers))
	}
	kid := tok.Headers[0].KeyID
	if kid == "" {
		return "", fmt.Errorf("%w: the header has no kid; set it to the trusted key's id", ErrUnknownKey)
	}
	pub, err := v.Keys(ctx, tenant, kid)
	if errors.Is(err, ErrUnknownKey) {
		return "", fmt.Errorf("%w: kid %s", ErrUnknownKey, quote(kid))
	}
	if err != nil {
		return "", fmt.Errorf("verify: looking up app key %s: %w", quote(kid), err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return "", fmt.Errorf("%w: trusted key %s is not a %d-byte Ed25519 public key", ErrConfig, quote(kid), ed25519.PublicKeySize)
	}

	var std jwt.Claims
	var rid ridClaim
	if err := tok.Claims(pub, &std, &rid); err != nil {
		if errors.Is(err, jose.ErrCryptoFailure) {
			return "", fmt.Errorf("%w with key %s", ErrSignature, quote(kid))
		}
		return "", fmt.Errorf("%w: %s", ErrMalformedAssertion, parseProblem(err))
	}

	var missing []string
	for _, c := range []struct {
		name    string
		present bool
	}{
		{"iss", std.Issuer != ""}, {"sub", std.Subject != ""}, {"aud", len(std.Audience) > 0},
		{"iat", std.IssuedAt != nil}, {"exp", std.Expiry != nil}, {"rid", rid.RequestID != ""},
	} {
		if !c.present {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%w: %s", ErrMissingClaim, strings.Join(missing, ", "))
	}
	now := v.now()
	err = std.ValidateWithLeeway(jwt.Expected{Issuer: tenant, AnyAudience: jwt.Audience{Audience}, Time: now}, ClockSkew)
	switch {
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return "", ErrIssuer
	case errors.Is(err, jwt.ErrInvalidAudience):
		return "", ErrAudience
	case errors.Is(err, jwt.ErrExpired):
		return "", fmt.Errorf("%w at %s (now %s)", ErrAssertionExpired, std.Expiry.Time().UTC().Format(time.RFC3339), now.Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet), errors.Is(err, jwt.ErrIssuedInTheFuture):
		return "", fmt.Errorf("%w (iat %s, now %s)", ErrNotYetValid, std.IssuedAt.Time().UTC().Format(time.RFC3339), now.Format(time.RFC3339))
	case err != nil:
		return "", fmt.Errorf("%w: %s", ErrMalformedAssertion, parseProblem(err))
	}
	if rid.RequestID != requestID {
		return "", ErrRequest
	}
	if life := std.Expiry.Time().Sub(std.IssuedAt.Time()); life <= 0 || life > MaxAssertionLifetime {
		return "", fmt.Errorf("%w; it is %s", ErrLifetime, life)
	}
	if !validSubject(std.Subject) {
		return "", ErrSubject
	}
	return std.Subject, nil
}

// Assert checks an app assertion as [Verifier.CheckAssertion] does and, on
// success, records ch verified by [MethodApp] now and returns the subject.
// A challenge locked by wrong codes still accepts an assertion: the lock
// stops guessing, and a signature cannot be guessed.
func (v *Verifier) Assert(ctx context.Context, ch *Challenge, tenant, requestID, token string) (subject string, err error) {
	if ch == nil {
		return "", fmt.Errorf("%w: Assert needs the request's Challenge", ErrConfig)
	}
	if ch.Verified() {
		return "", ErrAlreadyVerified
	}
	subject, err = v.CheckAssertion(ctx, tenant, requestID, token)
	if err != nil {
		return "", err
	}
	ch.Method = MethodApp
	ch.CodeHash = nil
	ch.VerifiedAt = v.now()
	return subject, nil
}

// SignAssertion returns an app assertion, signed with priv under the
// trusted key keyID, saying that the tenant's app authenticated subject,
// for the request requestID, issued at now and valid for ttl (at most
// [MaxAssertionLifetime]). It is what the tenant's app runs; Go apps can
// call it, others follow the format in the package documentation with any
// JOSE library.
func SignAssertion(priv ed25519.PrivateKey, keyID, tenant, subject, requestID string, now time.Time, ttl time.Duration) (string, error) {
	switch {
	case len(priv) != ed25519.PrivateKeySize:
		return "", fmt.Errorf("%w: the private key is not a %d-byte Ed25519 key", ErrConfig, ed25519.PrivateKeySize)
	case keyID == "" || tenant == "" || subject == "" || requestID == "":
		return "", fmt.Errorf("%w: key id, tenant, subject and request id are required", ErrConfig)
	case ttl <= 0 || ttl > MaxAssertionLifetime:
		return "", fmt.Errorf("%w: lifetime %s must be positive and at most %s", ErrConfig, ttl, MaxAssertionLifetime)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: priv},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), keyID))
	if err != nil {
		return "", fmt.Errorf("verify: signing: %w", err)
	}
	claims := jwt.Claims{
		Issuer:   tenant,
		Subject:  subject,
		Audience: jwt.Audience{Audience},
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(ttl)),
	}
	return jwt.Signed(sig).Claims(claims).Claims(ridClaim{RequestID: requestID}).Serialize()
}

// validSubject accepts what the store accepts as an id: 1 to 200 bytes of
// UTF-8 without control characters.
func validSubject(s string) bool {
	return s != "" && len(s) <= maxSubjectLen && utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// quote quotes a header value from a token for an error message, capped
// so a hostile token cannot fill logs.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return strconv.Quote(s)
}

// parseProblem describes a parsing error without go-jose's prefix, and
// without echoing token content (base64 and JSON errors quote at most an
// offset or a character).
func parseProblem(err error) string {
	msg := err.Error()
	for _, p := range []string{"go-jose/go-jose/jwt: ", "go-jose/go-jose: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if len(msg) > 200 {
		msg = strings.ToValidUTF8(msg[:200], "") + "…"
	}
	return msg
}
