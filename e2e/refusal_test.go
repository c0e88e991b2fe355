package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// TestRefusals drives a representative set of the gate's refusals end to
// end, each through Collect and through Decide; the server's own tests
// cover every reason.
func TestRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		d := newDeployment(t, be)
		opToken := d.operatorKey()
		n := d.start("a", nodeOptions{})
		c, token := newTenant(ctx, t, n, n.client(opToken), "acme", testDecl(t))

		adult := func(t *testing.T, id string) {
			t.Helper()
			if _, err := c.PutSubject(ctx, id, client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
				t.Fatalf("PutSubject: %v", err)
			}
		}
		grant := func(t *testing.T, id, purpose string) {
			t.Helper()
			if _, err := c.Consent(ctx, id, client.ConsentChange{Purpose: purpose, Action: client.Grant, Kind: client.KindConsent, Channel: "app"}); err != nil {
				t.Fatalf("Consent grant %s: %v", purpose, err)
			}
		}
		// refused checks that collecting rec is refused with want, that a
		// decision agrees, and that nothing was stored.
		refused := func(t *testing.T, subj string, rec client.NewRecord, want string, opts ...client.CallOption) {
			t.Helper()
			before := countRecords(ctx, t, c, subj)
			_, err := c.Collect(ctx, subj, []client.NewRecord{rec}, opts...)
			p := mustRefuse(t, "Collect", err, want)
			if p.Field != "body.records[0]" {
				t.Errorf("refusal field = %q, want body.records[0]", p.Field)
			}
			dec, err := c.Decide(ctx, client.DecisionQuery{Subject: subj, Field: rec.Field, Purpose: rec.Purpose, Device: rec.Device, Region: rec.Region}, opts...)
			if err != nil || dec.Allowed || dec.Reason != want || dec.Law == "" {
				t.Errorf("Decide = %+v, %v; want a refusal %s citing the law", dec, err, want)
			}
			if after := countRecords(ctx, t, c, subj); after != before {
				t.Errorf("a refused collection stored %d record(s)", after-before)
			}
		}
		allowed := func(t *testing.T, subj string, rec client.NewRecord, opts ...client.CallOption) {
			t.Helper()
			if _, err := c.Collect(ctx, subj, []client.NewRecord{rec}, opts...); err != nil {
				t.Errorf("Collect %s/%s: %v", rec.Field, rec.Purpose, err)
			}
		}
		gps := client.NewRecord{Field: "gps", Purpose: "nearby", Value: "31.2304,121.4737"}
		email := client.NewRecord{Field: "email", Purpose: "account", Value: "ada@example.com"}
		ads := client.NewRecord{Field: "email", Purpose: "ads", Value: "ada@example.com"}

		t.Run("no_consent", func(t *testing.T) {
			adult(t, "s-nc")
			refused(t, "s-nc", gps, client.ReasonNoConsent)
			grant(t, "s-nc", "nearby")
			allowed(t, "s-nc", gps)
		})
		t.Run("permission_off", func(t *testing.T) {
			adult(t, "s-perm")
			grant(t, "s-perm", "nearby")
			if _, err := c.SetPermissions(ctx, "s-perm", "phone-1", map[string]bool{"location": false}); err != nil {
				t.Fatal(err)
			}
			rec := gps
			rec.Device = "phone-1"
			refused(t, "s-perm", rec, client.ReasonPermissionOff)
			rec.Device = "phone-2" // never reported: not granted
			refused(t, "s-perm", rec, client.ReasonPermissionOff)
			if _, err := c.SetPermissions(ctx, "s-perm", "phone-1", map[string]bool{"location": true}); err != nil {
				t.Fatal(err)
			}
			rec.Device = "phone-1"
			allowed(t, "s-perm", rec)
		})
		t.Run("gpc_opt_out", func(t *testing.T) {
			adult(t, "s-gpc")
			grant(t, "s-gpc", "ads")
			allowed(t, "s-gpc", ads)
			refused(t, "s-gpc", ads, client.ReasonGPCOptOut, client.WithGPC())
			allowed(t, "s-gpc", email, client.WithGPC()) // GPC is about sale and sharing only
			// The signal is recorded: the opt-out lasts without the header.
			refused(t, "s-gpc", ads, client.ReasonGPCOptOut)
			evs, err := c.ListConsents(ctx, "s-gpc")
			if err != nil || len(evs) == 0 || evs[len(evs)-1].Channel != "gpc" || evs[len(evs)-1].Action != client.Withdraw {
				t.Errorf("ListConsents after Sec-GPC = %+v, %v; want a withdrawal on channel gpc last", evs, err)
			}
		})
		t.Run("under_minimum_age", func(t *testing.T) {
			if _, err := c.PutSubject(ctx, "s-kid", client.Profile{AgeFloor: 1, Region: "CN"}); err != nil {
				t.Fatal(err)
			}
			refused(t, "s-kid", email, client.ReasonUnderMinimumAge)
		})
		t.Run("field_not_declared", func(t *testing.T) {
			adult(t, "s-fnd")
			refused(t, "s-fnd", client.NewRecord{Field: "phone", Purpose: "account", Value: "+86 138 0000 0000"}, client.ReasonFieldNotDeclared)
		})
		t.Run("batch_all_or_nothing", func(t *testing.T) {
			adult(t, "s-batch")
			_, err := c.Collect(ctx, "s-batch", []client.NewRecord{email, email, gps})
			p := mustRefuse(t, "Collect batch", err, client.ReasonNoConsent)
			if p.Field != "body.records[2]" {
				t.Errorf("refusal field = %q, want body.records[2]", p.Field)
			}
			if got := countRecords(ctx, t, c, "s-batch"); got != 0 {
				t.Errorf("a refused batch stored %d record(s)", got)
			}
		})
		t.Run("subject_restricted", func(t *testing.T) {
			adult(t, "s-res")
			allowed(t, "s-res", email)
			// No /v1 route restricts a subject yet (rights requests do,
			// in a later issue): set the status in the store, audited, as
			// a rights request would.
			setSubjectStatus(ctx, t, d, "acme", "s-res", store.StatusRestricted)
			n = awaitDecision(ctx, t, d, n, c, client.DecisionQuery{Subject: "s-res", Field: "email", Purpose: "account"}, client.ReasonSubjectRestricted)
			c := n.client(token)
			_, err := c.Collect(ctx, "s-res", []client.NewRecord{email})
			mustRefuse(t, "Collect", err, client.ReasonSubjectRestricted)
			// Reading a restricted subject's data needs a rights request
			// or a legal obligation.
			_, err = c.Records(ctx, "s-res", client.RecordQuery{Reason: client.AccessService})
			mustRefuse(t, "Records(service)", err, client.ReasonSubjectRestricted)
			if page, err := c.Records(ctx, "s-res", client.RecordQuery{Reason: client.AccessRightsRequest}); err != nil || len(page.Records) != 1 {
				t.Errorf("Records(rights_request) = %+v, %v", page, err)
			}
		})
	})
}

// countRecords counts a subject's records.
func countRecords(ctx context.Context, t testing.TB, c *client.Client, subj string) int {
	t.Helper()
	n := 0
	for _, err := range c.AllRecords(ctx, subj, client.RecordQuery{Reason: client.AccessService}) {
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		n++
	}
	return n
}

// setSubjectStatus changes a subject's status directly in the
// deployment's store, with its audit entry, in one transaction.
func setSubjectStatus(ctx context.Context, t testing.TB, d *deployment, tenant, subj string, status store.SubjectStatus) {
	t.Helper()
	var st store.Store
	var err error
	if d.be.database == "" {
		st, err = sqlite.Open(ctx, filepath.Join(d.dir, "db", "trustee.db"), clock.Real{})
	} else {
		st, err = postgres.Open(ctx, d.be.database, clock.Real{})
	}
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	defer st.Close()
	err = st.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.SetSubjectStatus(ctx, tenant, subj, status); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: tenant, At: time.Now().UTC(), Actor: "operator", Action: "subject.status",
			ObjectType: "subject", ObjectID: subj, Subject: subj, Details: map[string]string{"status": string(status)}})
		return err
	})
	if err != nil {
		t.Fatalf("set subject status: %v", err)
	}
}

// awaitDecision polls a decision until its reason is want (up to 5 s, as a
// node follows the audit log of changes made elsewhere). If the node does
// not see the change, it is restarted, which loads state afresh, and the
// new node is returned.
func awaitDecision(ctx context.Context, t *testing.T, d *deployment, n *node, c *client.Client, q client.DecisionQuery, want string) *node {
	t.Helper()
	took, ok := eventually(5*time.Second, func() bool {
		dec, err := c.Decide(ctx, q)
		return err == nil && dec.Reason == want
	})
	if ok {
		t.Logf("node %s saw the change made in the store after %v", n.name, took.Round(time.Millisecond))
		return n
	}
	t.Logf("node %s did not see a change made outside it within 5s: restarting it", n.name)
	n.stop(t)
	return d.start(n.name, nodeOptions{})
}
