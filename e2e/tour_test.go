package e2e

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/trustee-dev/trustee/client"
)

// TestTour walks the README's tour: an operator key from the CLI, a
// tenant and its key, a declaration, a subject, consent, collection, a
// read with a reason, and a withdrawal that stops collection at once.
func TestTour(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		d := newDeployment(t, be)
		opToken := d.operatorKey() // before serve starts
		n := d.start("a", nodeOptions{})
		op := n.client(opToken)

		if _, err := op.CreateTenant(ctx, client.Tenant{ID: "acme", Name: "Acme Ltd.", Kind: client.Controller}); err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		if tn, err := op.GetTenant(ctx, "acme"); err != nil || tn.Name != "Acme Ltd." || tn.Kind != client.Controller || tn.CreatedAt.IsZero() {
			t.Fatalf("GetTenant = %+v, %v", tn, err)
		}
		key, err := op.CreateKey(ctx, "acme", "backend", client.AllScopes()...)
		if err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
		if key.Token == "" || key.ID == "" {
			t.Fatalf("CreateKey returned no token or id: %+v", key)
		}
		c := n.client(string(key.Token))

		// Declarations: upload, activate, list, active.
		decl, err := c.UploadDeclaration(ctx, minimalDecl(t))
		if err != nil {
			t.Fatalf("UploadDeclaration: %v", err)
		}
		if decl.Seq != 1 || decl.PolicyID != "minimal-app" || decl.Version != "1.0" || decl.Active || len(decl.SHA256) != 64 {
			t.Errorf("UploadDeclaration = %+v", decl)
		}
		if _, err := c.ActiveDeclaration(ctx); !errors.Is(err, client.ErrNotFound) {
			t.Errorf("ActiveDeclaration before activation: %v, want a 404", err)
		}
		act, err := c.ActivateDeclaration(ctx, decl.Seq)
		if err != nil || !act.Active || act.Seq != decl.Seq {
			t.Fatalf("ActivateDeclaration = %+v, %v", act, err)
		}
		if got, err := c.ActiveDeclaration(ctx); err != nil || got.Seq != decl.Seq || got.SHA256 != decl.SHA256 {
			t.Errorf("ActiveDeclaration = %+v, %v", got, err)
		}
		if list, err := c.ListDeclarations(ctx); err != nil || len(list) != 1 || !list[0].Active {
			t.Errorf("ListDeclarations = %+v, %v", list, err)
		}

		// A subject with a profile, a device with location on, consent.
		const subj = "user-42"
		s, err := c.PutSubject(ctx, subj, client.Profile{AgeFloor: 18, Region: "CN"})
		if err != nil || s.ID != subj || s.Status != "active" || s.AgeFloor != 18 || s.Region != "CN" {
			t.Fatalf("PutSubject = %+v, %v", s, err)
		}
		if p, err := c.SetPermissions(ctx, subj, "phone-1", map[string]bool{"location": true}); err != nil || !p.Permissions["location"] {
			t.Fatalf("SetPermissions = %+v, %v", p, err)
		}
		ev, err := c.Consent(ctx, subj, client.ConsentChange{Purpose: "nearby", Action: client.Grant, Kind: client.KindConsent, Channel: "app",
			TextHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
		if err != nil {
			t.Fatalf("Consent grant: %v", err)
		}
		if ev.Purpose != "nearby" || ev.Action != client.Grant || ev.DeclarationVersion != "1.0" || ev.At.IsZero() {
			t.Errorf("Consent grant = %+v", ev)
		}
		if ev.Receipt == nil || ev.Receipt.PIIPrincipalID != subj || ev.Receipt.Evidence.Purpose != "nearby" || ev.Receipt.ConsentReceiptID == "" {
			t.Errorf("consent receipt = %+v", ev.Receipt)
		}

		// Collect: an account field (no consent needed) and the location
		// consented to, from the device.
		recs := []client.NewRecord{
			{Field: "email", Purpose: "account", Value: "ada@example.com"},
			{Field: "gps", Purpose: "nearby", Value: "31.2304,121.4737", Device: "phone-1"},
		}
		ids, err := c.Collect(ctx, subj, recs)
		if err != nil || len(ids) != 2 {
			t.Fatalf("Collect = %v, %v", ids, err)
		}

		// Read them back, with a reason.
		page, err := c.Records(ctx, subj, client.RecordQuery{Reason: client.AccessService})
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		got := map[string]string{}
		for _, r := range page.Records {
			got[r.Field] = r.Value
			if !slices.Contains(ids, r.ID) || r.CollectedAt.IsZero() {
				t.Errorf("record %+v: id not among %v or no collected_at", r, ids)
			}
		}
		if len(page.Records) != 2 || got["email"] != "ada@example.com" || got["gps"] != "31.2304,121.4737" {
			t.Errorf("Records = %+v", page.Records)
		}
		if page, err := c.Records(ctx, subj, client.RecordQuery{Reason: client.AccessService, Field: "gps"}); err != nil || len(page.Records) != 1 {
			t.Errorf("Records(field=gps) = %+v, %v", page, err)
		}
		if _, err := c.Records(ctx, subj, client.RecordQuery{}); !errors.Is(err, client.ErrInvalid) && !errors.Is(err, client.ErrUnprocessable) {
			t.Errorf("Records without a reason: %v, want a 400 or 422", err)
		}

		// Withdraw: the next collection for the purpose is refused at
		// once, and the decisions endpoint agrees.
		if _, err := c.Consent(ctx, subj, client.ConsentChange{Purpose: "nearby", Action: client.Withdraw, Kind: client.KindConsent, Channel: "app"}); err != nil {
			t.Fatalf("Consent withdraw: %v", err)
		}
		_, err = c.Collect(ctx, subj, recs[1:])
		p := mustRefuse(t, "Collect after withdrawal", err, client.ReasonConsentWithdrawn)
		if p.Field != "body.records[0]" {
			t.Errorf("refusal field = %q, want body.records[0]", p.Field)
		}
		dec, err := c.Decide(ctx, client.DecisionQuery{Subject: subj, Field: "gps", Purpose: "nearby", Device: "phone-1"})
		if err != nil || dec.Allowed || dec.Reason != client.ReasonConsentWithdrawn || dec.Law == "" {
			t.Errorf("Decide after withdrawal = %+v, %v", dec, err)
		}
		// Withdrawal is not retroactive, and other purposes go on.
		if dec, err := c.Decide(ctx, client.DecisionQuery{Subject: subj, Field: "email", Purpose: "account"}); err != nil || !dec.Allowed || dec.Reason != client.ReasonOK {
			t.Errorf("Decide email/account = %+v, %v", dec, err)
		}
		if _, err := c.Collect(ctx, subj, recs[:1]); err != nil {
			t.Errorf("Collect email/account after withdrawing nearby: %v", err)
		}
		if page, err := c.Records(ctx, subj, client.RecordQuery{Reason: client.AccessService, Field: "gps"}); err != nil || len(page.Records) != 1 {
			t.Errorf("the gps record collected before the withdrawal: %+v, %v", page, err)
		}
		evs, err := c.ListConsents(ctx, subj)
		if err != nil || len(evs) != 2 || evs[0].Action != client.Grant || evs[1].Action != client.Withdraw || evs[0].Seq >= evs[1].Seq {
			t.Errorf("ListConsents = %+v, %v", evs, err)
		}

		// A rights request, as in the README: the app vouches for its
		// user, the deadline starts, the export fulfils it.
		rq, err := c.SubmitRequest(ctx, client.NewRequest{Type: client.RequestAccess, Subject: subj})
		if err != nil {
			t.Fatalf("SubmitRequest: %v", err)
		}
		if rq, err = c.VerifyRequest(ctx, rq.ID, client.Verification{Method: "account_login"}); err != nil || rq.DueAt.IsZero() || rq.RuleID == "" {
			t.Fatalf("VerifyRequest = %+v, %v", rq, err)
		}
		if b, err := c.Export(ctx, rq.ID, "zip"); err != nil || len(b) == 0 {
			t.Fatalf("Export: %d bytes, %v", len(b), err)
		}
		if rq, err = c.GetRequest(ctx, rq.ID); err != nil || rq.State != "fulfilled" {
			t.Errorf("after the export: %+v, %v", rq, err)
		}

		// Keys: listed without tokens, revoked keys stop working.
		keys, err := op.ListKeys(ctx, "acme")
		if err != nil || len(keys) != 1 || keys[0].ID != key.ID || keys[0].Token != "" || keys[0].RevokedAt != nil {
			t.Errorf("ListKeys = %+v, %v", keys, err)
		}
		if err := op.RevokeKey(ctx, "acme", key.ID); err != nil {
			t.Fatalf("RevokeKey: %v", err)
		}
		if _, err := c.ActiveDeclaration(ctx); !errors.Is(err, client.ErrUnauthenticated) {
			t.Errorf("a revoked key: %v, want a 401", err)
		}
	})
}

// TestAccessControl checks scopes and tenant isolation through the client.
func TestAccessControl(t *testing.T) {
	ctx := context.Background()
	d := newDeployment(t, sqliteBackend)
	opToken := d.operatorKey()
	n := d.start("a", nodeOptions{})
	op := n.client(opToken)
	acme, _ := newTenant(ctx, t, n, op, "acme", minimalDecl(t))
	newTenant(ctx, t, n, op, "globex", minimalDecl(t))

	// An operator key acts on tenants only.
	if _, err := op.PutSubject(ctx, "u1", client.Profile{}); err == nil {
		t.Error("an operator key put a subject")
	}
	// A tenant key does not reach another tenant, nor create tenants.
	if _, err := acme.GetTenant(ctx, "globex"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("acme reading globex: %v, want a 404", err)
	}
	if _, err := acme.CreateTenant(ctx, client.Tenant{ID: "evil", Name: "Evil", Kind: client.Controller}); err == nil {
		t.Error("a tenant key created a tenant")
	}
	// A collect-only key can neither consent nor administer.
	k, err := op.CreateKey(ctx, "acme", "collector", client.ScopeCollect)
	if err != nil {
		t.Fatal(err)
	}
	col := n.client(string(k.Token))
	if _, err := col.Consent(ctx, "u1", client.ConsentChange{Purpose: "nearby", Action: client.Grant, Kind: client.KindConsent, Channel: "app"}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("collect key consenting: %v, want a 403", err)
	} else if _, refused := client.IsRefused(err); refused {
		t.Errorf("a missing scope reads as a refusal: %v", err)
	}
	if _, err := col.UploadDeclaration(ctx, minimalDecl(t)); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("collect key uploading a declaration: %v, want a 403", err)
	}
	if _, err := client.New(n.URL, "trk_nope_nope").ActiveDeclaration(ctx); !errors.Is(err, client.ErrUnauthenticated) {
		t.Errorf("unknown key: %v, want a 401", err)
	}
	// A declaration with lint findings is refused with the findings.
	var p *client.Problem
	bad := []byte("schema: trustee/v1\nid: bad\nversion: \"1\"\n")
	if _, err := acme.UploadDeclaration(ctx, bad); !errors.As(err, &p) || p.Status/100 != 4 {
		t.Errorf("a bad declaration: %v", err)
	} else if p.Status == 422 && (p.Code != "invalid_declaration" || len(p.Errors) == 0) {
		t.Errorf("lint findings: %+v", p)
	}
}
