package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
)

// followWithin bounds how long a node may take to see a change made
// through another node of the same database.
const followWithin = 5 * time.Second

// TestTwoNodes runs two `trustee serve` processes on one PostgreSQL
// database, one key store and one root key: a consent granted through node
// A allows collection through node B, and a withdrawal through B stops it
// on A, each within followWithin.
func TestTwoNodes(t *testing.T) {
	ctx := context.Background()
	be := postgresBackend(t)
	d := newDeployment(t, be)
	opToken := d.operatorKey()
	a := d.start("a", nodeOptions{})
	b := d.start("b", nodeOptions{})

	ca, token := newTenant(ctx, t, a, a.client(opToken), "acme", minimalDecl(t))
	cb := b.client(token)

	// The declaration activated through A is enforced by B, and a key made
	// through A works on B.
	took, ok := eventually(followWithin, func() bool {
		got, err := cb.ActiveDeclaration(ctx)
		return err == nil && got.PolicyID == "minimal-app"
	})
	if !ok {
		t.Fatalf("node b did not see the declaration activated through node a within %v", followWithin)
	}
	t.Logf("b saw the declaration after %v", took.Round(time.Millisecond))

	const subj = "user-1"
	if _, err := ca.PutSubject(ctx, subj, client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
		t.Fatal(err)
	}
	gps := []client.NewRecord{{Field: "gps", Purpose: "nearby", Value: "31.2304,121.4737"}}
	q := client.DecisionQuery{Subject: subj, Field: "gps", Purpose: "nearby"}

	// Warm both nodes' caches with the refusal, so that a stale cache
	// would show.
	for _, c := range []*client.Client{ca, cb} {
		_, err := c.Collect(ctx, subj, gps)
		mustRefuse(t, "Collect before consent", err, client.ReasonNoConsent)
	}

	// Grant through A: A allows at once, B within followWithin.
	if _, err := ca.Consent(ctx, subj, client.ConsentChange{Purpose: "nearby", Action: client.Grant, Kind: client.KindConsent, Channel: "app"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Collect(ctx, subj, gps); err != nil {
		t.Fatalf("node a, right after the grant through a: %v", err)
	}
	var lastErr error
	took, ok = eventually(followWithin, func() bool {
		_, lastErr = cb.Collect(ctx, subj, gps)
		return lastErr == nil
	})
	if !ok {
		t.Fatalf("node b still refuses %v after the grant through node a (last: %v)", followWithin, lastErr)
	}
	t.Logf("grant through a: b allowed after %v", took.Round(time.Millisecond))

	// Withdraw through B: B refuses at once, A within followWithin.
	if _, err := cb.Consent(ctx, subj, client.ConsentChange{Purpose: "nearby", Action: client.Withdraw, Kind: client.KindConsent, Channel: "app"}); err != nil {
		t.Fatal(err)
	}
	_, err := cb.Collect(ctx, subj, gps)
	mustRefuse(t, "node b, right after the withdrawal through b", err, client.ReasonConsentWithdrawn)
	took, ok = eventually(followWithin, func() bool {
		_, lastErr = ca.Collect(ctx, subj, gps)
		reason, refused := client.IsRefused(lastErr)
		return refused && reason == client.ReasonConsentWithdrawn
	})
	if !ok {
		t.Fatalf("node a does not refuse %v after the withdrawal through node b (last: %v)", followWithin, lastErr)
	}
	t.Logf("withdrawal through b: a refused after %v", took.Round(time.Millisecond))
	if dec, err := ca.Decide(ctx, q); err != nil || dec.Reason != client.ReasonConsentWithdrawn {
		t.Errorf("node a's decision = %+v, %v", dec, err)
	}

	// Both nodes read the same records: the two collected after the grant
	// (through a, then b), none refused.
	for name, c := range map[string]*client.Client{"a": ca, "b": cb} {
		page, err := c.Records(ctx, subj, client.RecordQuery{Reason: client.AccessService})
		if err != nil {
			t.Fatalf("node %s: Records: %v", name, err)
		}
		if len(page.Records) != 2 {
			t.Errorf("node %s reads %d records, want 2", name, len(page.Records))
		}
	}
}
