package verify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/verify"
)

const subject = "user-8f14e45f"

// keyring is the tenants' trusted app keys, as the store would hold them.
type keyring struct {
	keys    map[string]map[string]ed25519.PublicKey // tenant → kid → key
	revoked map[string]bool                         // kid
	err     error                                   // a lookup failure
}

func (k *keyring) lookup(_ context.Context, tenant, kid string) (ed25519.PublicKey, error) {
	if k.err != nil {
		return nil, k.err
	}
	pub, ok := k.keys[tenant][kid]
	if !ok || k.revoked[kid] {
		return nil, fmt.Errorf("tenant %s key %s: %w", tenant, kid, verify.ErrUnknownKey)
	}
	return pub, nil
}

type appRig struct {
	v     *verify.Verifier
	clk   *clock.Fake
	ring  *keyring
	priv  ed25519.PrivateKey // acme's key "k1"
	other ed25519.PrivateKey // globex's key "g1"
}

func newAppRig(t testing.TB) *appRig {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	opub, opriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ring := &keyring{
		keys: map[string]map[string]ed25519.PublicKey{
			tenant:   {"k1": pub, "k-old": pub},
			"globex": {"g1": opub},
		},
		revoked: map[string]bool{"k-old": true},
	}
	clk := clock.NewFake(epoch)
	return &appRig{
		v:   &verify.Verifier{Clock: clk, Key: make([]byte, 32), Keys: ring.lookup},
		clk: clk, ring: ring, priv: priv, other: opriv,
	}
}

// claims are the claims of a valid assertion at epoch.
func claims() map[string]any {
	return map[string]any{
		"iss": tenant, "sub": subject, "aud": "trustee", "rid": requestID,
		"iat": epoch.Unix(), "exp": epoch.Add(5 * time.Minute).Unix(),
	}
}

// sign signs claims with any algorithm and headers go-jose supports.
func sign(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, c any, extra map[jose.HeaderKey]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	for k, v := range extra {
		opts = opts.WithHeader(k, v)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestAssertionAccepted(t *testing.T) {
	r := newAppRig(t)
	tok, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Duration{-time.Minute, 0, 5 * time.Minute, 6 * time.Minute} {
		r.clk.Set(epoch.Add(at))
		got, err := r.v.CheckAssertion(t.Context(), tenant, requestID, tok)
		if err != nil || got != subject {
			t.Errorf("at iat%+v: %q, %v", at, got, err)
		}
	}
	// Assert records the verification, even on a challenge locked by
	// wrong codes.
	r.clk.Set(epoch.Add(time.Minute))
	ch := verify.Challenge{Method: verify.MethodEmail, Attempts: 5, Locked: true}
	got, err := r.v.Assert(t.Context(), &ch, tenant, requestID, tok)
	if err != nil || got != subject {
		t.Fatalf("Assert = %q, %v", got, err)
	}
	if ch.Method != verify.MethodApp || !ch.VerifiedAt.Equal(epoch.Add(time.Minute)) {
		t.Errorf("challenge after Assert: %+v", ch)
	}
	if _, err := r.v.Assert(t.Context(), &ch, tenant, requestID, tok); !errors.Is(err, verify.ErrAlreadyVerified) {
		t.Errorf("second Assert: %v", err)
	}
	// aud may be an array holding "trustee".
	c := claims()
	c["aud"] = []string{"billing", "trustee"}
	if _, err := r.v.CheckAssertion(t.Context(), tenant, requestID, sign(t, jose.EdDSA, r.priv, "k1", c, nil)); err != nil {
		t.Errorf("aud array: %v", err)
	}
}

func TestAssertionRejected(t *testing.T) {
	r := newAppRig(t)
	hsKey := make([]byte, 32)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	with := func(k string, v any) map[string]any {
		c := claims()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	valid := sign(t, jose.EdDSA, r.priv, "k1", claims(), nil)
	parts := strings.Split(valid, ".")
	sigBytes, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sigBytes[10] ^= 0x01
	flipped := base64.RawURLEncoding.EncodeToString(sigBytes)

	type rejection struct {
		name, token string
		want        error
	}
	tests := []rejection{
		{"empty", "", verify.ErrMalformedAssertion},
		{"garbage", "not a token", verify.ErrMalformedAssertion},
		{"two parts", parts[0] + "." + parts[1], verify.ErrMalformedAssertion},
		{"bad base64", parts[0] + ".!!." + parts[2], verify.ErrMalformedAssertion},
		{"too long", valid + strings.Repeat("A", verify.MaxAssertionLen), verify.ErrMalformedAssertion},
		{"json serialization", `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`, verify.ErrMalformedAssertion},
		{"claims not an object", sign(t, jose.EdDSA, r.priv, "k1", []int{1}, nil), verify.ErrMalformedAssertion},
		{"exp a string", sign(t, jose.EdDSA, r.priv, "k1", with("exp", "tomorrow"), nil), verify.ErrMalformedAssertion},
		{"unknown crit header", sign(t, jose.EdDSA, r.priv, "k1", claims(), map[jose.HeaderKey]any{"crit": []string{"x-bind"}, "x-bind": 1}), verify.ErrMalformedAssertion},

		{"alg none", b64(`{"alg":"none","kid":"k1"}`) + "." + parts[1] + ".", verify.ErrAlgorithm},
		{"alg none, signature kept", b64(`{"alg":"none","kid":"k1"}`) + "." + parts[1] + "." + parts[2], verify.ErrAlgorithm},
		{"HS256 (key confusion)", sign(t, jose.HS256, hsKey, "k1", claims(), nil), verify.ErrAlgorithm},
		{"ES256", sign(t, jose.ES256, ecKey, "k1", claims(), nil), verify.ErrAlgorithm},
		{"alg missing", b64(`{"kid":"k1"}`) + "." + parts[1] + "." + parts[2], verify.ErrAlgorithm},

		{"no kid", sign(t, jose.EdDSA, r.priv, "", claims(), nil), verify.ErrUnknownKey},
		{"unknown kid", sign(t, jose.EdDSA, r.priv, "k9", claims(), nil), verify.ErrUnknownKey},
		{"revoked kid", sign(t, jose.EdDSA, r.priv, "k-old", claims(), nil), verify.ErrUnknownKey},
		{"another tenant's kid", sign(t, jose.EdDSA, r.other, "g1", with("iss", "globex"), nil), verify.ErrUnknownKey},

		{"signature flipped", parts[0] + "." + parts[1] + "." + flipped, verify.ErrSignature},
		{"signed by another key", sign(t, jose.EdDSA, r.other, "k1", claims(), nil), verify.ErrSignature},
		{"payload swapped", parts[0] + "." + b64(`{"iss":"acme","sub":"someone-else"}`) + "." + parts[2], verify.ErrSignature},
		{"signature empty", parts[0] + "." + parts[1] + ".", verify.ErrSignature},

		{"no iss", sign(t, jose.EdDSA, r.priv, "k1", with("iss", nil), nil), verify.ErrMissingClaim},
		{"no sub", sign(t, jose.EdDSA, r.priv, "k1", with("sub", nil), nil), verify.ErrMissingClaim},
		{"no aud", sign(t, jose.EdDSA, r.priv, "k1", with("aud", nil), nil), verify.ErrMissingClaim},
		{"no iat", sign(t, jose.EdDSA, r.priv, "k1", with("iat", nil), nil), verify.ErrMissingClaim},
		{"no exp", sign(t, jose.EdDSA, r.priv, "k1", with("exp", nil), nil), verify.ErrMissingClaim},
		{"no rid", sign(t, jose.EdDSA, r.priv, "k1", with("rid", nil), nil), verify.ErrMissingClaim},
		{"null claims", sign(t, jose.EdDSA, r.priv, "k1", nil, nil), verify.ErrMissingClaim},

		{"wrong iss", sign(t, jose.EdDSA, r.priv, "k1", with("iss", "globex"), nil), verify.ErrIssuer},
		{"wrong aud", sign(t, jose.EdDSA, r.priv, "k1", with("aud", "billing"), nil), verify.ErrAudience},
		{"wrong rid", sign(t, jose.EdDSA, r.priv, "k1", with("rid", "another-request"), nil), verify.ErrRequest},

		{"sub with newline", sign(t, jose.EdDSA, r.priv, "k1", with("sub", "u1\nAdmin: yes"), nil), verify.ErrSubject},
		{"sub too long", sign(t, jose.EdDSA, r.priv, "k1", with("sub", strings.Repeat("u", 201)), nil), verify.ErrSubject},

		{"lifetime 10m1s", sign(t, jose.EdDSA, r.priv, "k1", with("exp", epoch.Add(10*time.Minute+time.Second).Unix()), nil), verify.ErrLifetime},
		{"lifetime a year", sign(t, jose.EdDSA, r.priv, "k1", with("exp", epoch.AddDate(1, 0, 0).Unix()), nil), verify.ErrLifetime},
		{"exp = iat", sign(t, jose.EdDSA, r.priv, "k1", with("exp", epoch.Unix()), nil), verify.ErrLifetime},
	}
	// Expiry and future issue need their own times.
	exp := claims()
	exp["iat"], exp["exp"] = epoch.Add(-8*time.Minute).Unix(), epoch.Add(-61*time.Second).Unix()
	fut := claims()
	fut["iat"], fut["exp"] = epoch.Add(61*time.Second).Unix(), epoch.Add(5*time.Minute).Unix()
	nbf := claims()
	nbf["nbf"] = epoch.Add(2 * time.Minute).Unix()
	tests = append(tests,
		rejection{"expired beyond skew", sign(t, jose.EdDSA, r.priv, "k1", exp, nil), verify.ErrAssertionExpired},
		rejection{"issued in the future beyond skew", sign(t, jose.EdDSA, r.priv, "k1", fut, nil), verify.ErrNotYetValid},
		rejection{"nbf in the future", sign(t, jose.EdDSA, r.priv, "k1", nbf, nil), verify.ErrNotYetValid},
	)

	reasons := []error{
		verify.ErrMalformedAssertion, verify.ErrAlgorithm, verify.ErrUnknownKey, verify.ErrSignature,
		verify.ErrMissingClaim, verify.ErrIssuer, verify.ErrAudience, verify.ErrRequest, verify.ErrSubject,
		verify.ErrLifetime, verify.ErrAssertionExpired, verify.ErrNotYetValid,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.v.CheckAssertion(t.Context(), tenant, requestID, tt.token)
			if got != "" {
				t.Errorf("subject %q returned with the error", got)
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, verify.ErrInvalidAssertion) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			for _, other := range reasons {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err %v also matches %v", err, other)
				}
			}
			if strings.Contains(err.Error(), subject) {
				t.Errorf("error %q holds the subject id", err)
			}
			ch := verify.Challenge{}
			if _, err := r.v.Assert(t.Context(), &ch, tenant, requestID, tt.token); !errors.Is(err, tt.want) || ch.Verified() {
				t.Errorf("Assert: %v, %+v", err, ch)
			}
		})
	}
}

// The skew tolerates an app clock a minute off, and no more.
func TestAssertionClockSkew(t *testing.T) {
	r := newAppRig(t)
	tok, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Duration
		want error
	}{
		{-60 * time.Second, nil},
		{-61 * time.Second, verify.ErrNotYetValid},
		{2 * time.Minute, nil},
		{2*time.Minute + time.Second, verify.ErrAssertionExpired},
	} {
		r.clk.Set(epoch.Add(tc.at))
		if _, err := r.v.CheckAssertion(t.Context(), tenant, requestID, tok); !errors.Is(err, tc.want) {
			t.Errorf("at iat%+v: %v, want %v", tc.at, err, tc.want)
		}
	}
}

func TestAssertionLookupFailure(t *testing.T) {
	r := newAppRig(t)
	tok, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	down := errors.New("database is down")
	r.ring.err = down
	_, err = r.v.CheckAssertion(t.Context(), tenant, requestID, tok)
	if !errors.Is(err, down) || errors.Is(err, verify.ErrInvalidAssertion) {
		t.Errorf("lookup failure: %v; want it passed on, not blamed on the token", err)
	}
	r.ring.err = nil
	r.ring.keys[tenant]["k1"] = r.ring.keys[tenant]["k1"][:16]
	if _, err = r.v.CheckAssertion(t.Context(), tenant, requestID, tok); !errors.Is(err, verify.ErrConfig) {
		t.Errorf("short stored key: %v", err)
	}
	r.v.Keys = nil
	if _, err = r.v.CheckAssertion(t.Context(), tenant, requestID, tok); !errors.Is(err, verify.ErrConfig) {
		t.Errorf("no Keys: %v", err)
	}
}

func TestSignAssertionRefuses(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	for name, f := range map[string]func() (string, error){
		"ttl over 10m": func() (string, error) {
			return verify.SignAssertion(priv, "k1", tenant, subject, requestID, epoch, 11*time.Minute)
		},
		"zero ttl": func() (string, error) { return verify.SignAssertion(priv, "k1", tenant, subject, requestID, epoch, 0) },
		"no rid": func() (string, error) {
			return verify.SignAssertion(priv, "k1", tenant, subject, "", epoch, time.Minute)
		},
		"short key": func() (string, error) {
			return verify.SignAssertion(priv[:32], "k1", tenant, subject, requestID, epoch, time.Minute)
		},
	} {
		if tok, err := f(); !errors.Is(err, verify.ErrConfig) || tok != "" {
			t.Errorf("%s: %q, %v", name, tok, err)
		}
	}
}

func FuzzCheckAssertion(f *testing.F) {
	r := newAppRig(f)
	valid, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, 5*time.Minute)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	for _, s := range []string{
		valid, "", ".", "..", "...", parts[0] + "..", "." + parts[1] + ".",
		b64(`{"alg":"none"}`) + "." + parts[1] + ".",
		b64(`{"alg":"EdDSA","kid":"k1","crit":["b64"],"b64":false}`) + ".x." + parts[2],
		b64(`{"alg":"EdDSA","kid":"k1","jwk":{"kty":"OKP","crv":"Ed25519","x":"AAAA"}}`) + "." + parts[1] + "." + parts[2],
		b64(`{"alg":"EdDSA","kid":"k1"}`) + "." + b64(`{"exp":1e400}`) + "." + parts[2],
		`{"payload":"","signatures":[]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		sub, err := r.v.CheckAssertion(context.Background(), tenant, requestID, token)
		if err != nil {
			if sub != "" {
				t.Fatalf("subject with an error")
			}
			return
		}
		// Only the genuine token passes (base64 spelt differently at
		// most): the fuzzer cannot forge a signature.
		got := strings.Split(token, ".")
		for i := range parts {
			a, _ := base64.RawURLEncoding.DecodeString(parts[i])
			b, _ := base64.RawURLEncoding.DecodeString(got[i])
			if string(a) != string(b) {
				t.Fatalf("accepted a token that is not the one signed: %q → %q", token, sub)
			}
		}
	})
}
