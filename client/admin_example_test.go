package client_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/trustee-dev/trustee/client"
)

// Staff put a subject's data under a legal hold while a court case runs,
// then release it: erasure and retention resume.
func ExampleClient_PlaceHold() {
	ctx := context.Background()
	c := client.New("http://127.0.0.1:8080", os.Getenv("TRUSTEE_ADMIN_KEY"))
	h, err := c.PlaceHold(ctx, client.Hold{Scope: client.HoldSubject, Target: "user-42", Reason: "court case 2026-17"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("placed", h.ID)
	if _, err := c.ReleaseHold(ctx, h.ID); errors.Is(err, client.ErrConflict) {
		fmt.Println("released already")
	} else if err != nil {
		log.Fatal(err)
	}
}

// The tenant's app signs identity assertions with an Ed25519 key; the
// tenant registers its public half.
func ExampleClient_CreateTrustedKey() {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}
	c := client.New("http://127.0.0.1:8080", os.Getenv("TRUSTEE_ADMIN_KEY"))
	k, err := c.CreateTrustedKey(context.Background(), client.TrustedKey{ID: "ios-2026", Kind: client.TrustedKeyApp, Name: "iOS app", PublicKey: pub})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.ID, k.Algorithm)
}

// A webhook's secret is shown once: keep it where the receiver can read
// it, to verify deliveries.
func ExampleClient_CreateWebhook() {
	c := client.New("http://127.0.0.1:8080", os.Getenv("TRUSTEE_ADMIN_KEY"))
	w, err := c.CreateWebhook(context.Background(), "https://hooks.example.com/trustee", client.EventRequestCreated)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("webhook-secret", []byte(w.Secret), 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.ID, w.Secret) // the secret prints as REDACTED
}
