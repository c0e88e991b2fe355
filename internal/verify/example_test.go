package verify_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/verify"
)

// The tenant's app, having signed the user in, asks trustee to verify a
// rights request with an assertion; trustee checks it against the app key
// the tenant registered.
func ExampleSignAssertion() {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC)

	// In the tenant's app: priv never leaves it.
	token, err := verify.SignAssertion(priv, "key-2026-10", "acme", "user-42", "req-7", now, 2*time.Minute)
	if err != nil {
		log.Fatal(err)
	}

	// In trustee: Keys looks up the tenant's active trusted keys (in
	// production, from the store).
	v := &verify.Verifier{
		Clock: clock.NewFake(now.Add(30 * time.Second)),
		Keys: func(_ context.Context, tenant, keyID string) (ed25519.PublicKey, error) {
			if tenant == "acme" && keyID == "key-2026-10" {
				return pub, nil
			}
			return nil, verify.ErrUnknownKey
		},
	}
	subject, err := v.CheckAssertion(context.Background(), "acme", "req-7", token)
	fmt.Println(subject, err)

	// The same assertion verifies no other request.
	_, err = v.CheckAssertion(context.Background(), "acme", "req-8", token)
	fmt.Println(verify.Outcome(err))
	// Output:
	// user-42 <nil>
	// assertion_request
}
