package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/trustee-dev/trustee/client"
)

// An operator creates a tenant and its first key; the tenant uploads its
// declaration, records a consent and collects through the gate.
func Example() {
	ctx := context.Background()

	// The operator key comes from `trustee keys create --operator`.
	op := client.New("http://127.0.0.1:8080", os.Getenv("TRUSTEE_OPERATOR_KEY"))
	if _, err := op.CreateTenant(ctx, client.Tenant{ID: "acme", Name: "Acme Ltd.", Kind: client.Controller}); err != nil {
		log.Fatal(err)
	}
	key, err := op.CreateKey(ctx, "acme", "backend", client.ScopeAdmin, client.ScopeConsent, client.ScopeCollect)
	if err != nil {
		log.Fatal(err)
	}

	// The tenant's own key: shown once, keep it in a secret store.
	c := client.New("http://127.0.0.1:8080", string(key.Token))
	src, err := os.ReadFile("acme.yaml")
	if err != nil {
		log.Fatal(err)
	}
	d, err := c.UploadDeclaration(ctx, src)
	var p *client.Problem
	if errors.As(err, &p) && p.Code == "invalid_declaration" {
		for _, f := range p.Errors {
			fmt.Println(f.Location, f.Message) // the lint findings
		}
		return
	} else if err != nil {
		log.Fatal(err)
	}
	if _, err := c.ActivateDeclaration(ctx, d.Seq); err != nil {
		log.Fatal(err)
	}

	if _, err := c.PutSubject(ctx, "user-42", client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Consent(ctx, "user-42", client.ConsentChange{
		Purpose: "nearby", Action: client.Grant, Kind: client.KindConsent, Channel: "app",
	}); err != nil {
		log.Fatal(err)
	}

	ids, err := c.Collect(ctx, "user-42", []client.NewRecord{
		{Field: "gps", Purpose: "nearby", Value: "31.23,121.47", Device: "phone-1"},
	})
	if reason, ok := client.IsRefused(err); ok {
		// Not an outage: the declaration or the subject's choices forbid
		// it (here permission_off until the device reports location on).
		fmt.Println("refused:", reason)
		return
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stored", len(ids), "record(s)")

	page, err := c.Records(ctx, "user-42", client.RecordQuery{Reason: client.AccessService, Field: "gps"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range page.Records {
		fmt.Println(r.ID, r.CollectedAt)
	}
}

// A decision asks before collecting; Sec-GPC: 1 comes along with WithGPC.
func ExampleClient_Decide() {
	c := client.New("http://127.0.0.1:8080", os.Getenv("TRUSTEE_API_KEY"))
	d, err := c.Decide(context.Background(), client.DecisionQuery{Subject: "user-42", Field: "email", Purpose: "ads"}, client.WithGPC())
	if err != nil {
		log.Fatal(err)
	}
	if !d.Allowed {
		fmt.Println(d.Reason, d.Law) // gpc_opt_out CCPA 1798.120, 1798.135
	}
}
