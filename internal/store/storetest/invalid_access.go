package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// invalidCase is one call that must fail with an *InvalidError naming
// field.
type invalidCase struct {
	name  string
	field string
	fn    func(tx store.Tx) error
}

// testInvalidAccessInput: bad input to the methods of subject profiles,
// guardians, permission states, API keys, declarations and tenant links
// gets an *InvalidError naming the field, and nothing is stored.
func testInvalidAccessInput(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "kid")
	seed(t, s, "t2")
	perm := func(subject, device, permission string) store.PermissionState {
		return store.PermissionState{Tenant: "t1", Subject: subject, Device: device, Permission: permission, Granted: true}
	}
	key := func(mod func(*store.APIKey)) store.APIKey {
		k := store.APIKey{ID: "k1", Tenant: "t1", Name: "ci", Hash: keyHash("k1"), Scopes: []string{"collect"}}
		mod(&k)
		return k
	}
	putDecl := func(mod func(*store.DeclarationVersion)) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			d := decl("t1", "1.0")
			mod(&d)
			_, err := tx.PutDeclaration(ctx, d)
			return err
		}
	}
	createKey := func(mod func(*store.APIKey)) func(tx store.Tx) error {
		return func(tx store.Tx) error { _, err := tx.CreateAPIKey(ctx, key(mod)); return err }
	}
	tooMany := make([]store.PermissionState, store.MaxPermissionBatch+1)
	for i := range tooMany {
		tooMany[i] = perm("alice", "d1", "camera")
	}
	cases := []invalidCase{
		{"subject age floor", "subject.age_floor", func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "x", AgeFloor: 17})
			return err
		}},
		{"subject region", "subject.region", func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "x", Region: "China"})
			return err
		}},
		{"profile age floor", "age_floor", func(tx store.Tx) error {
			_, err := tx.SetSubjectProfile(ctx, "t1", "alice", 12, "CN")
			return err
		}},
		{"profile region", "region", func(tx store.Tx) error {
			_, err := tx.SetSubjectProfile(ctx, "t1", "alice", 18, "C1")
			return err
		}},
		{"guardian of oneself", "guardian.guardian", func(tx store.Tx) error {
			_, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "kid"})
			return err
		}},
		{"guardian without minor", "guardian.minor", func(tx store.Tx) error {
			_, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Guardian: "alice"})
			return err
		}},
		{"unlink without guardian", "guardian", func(tx store.Tx) error {
			return tx.UnlinkGuardian(ctx, "t1", "kid", "")
		}},
		{"list wards without guardian", "guardian", func(tx store.Tx) error {
			_, err := tx.ListWards(ctx, "t1", "")
			return err
		}},
		{"permission without device", "permission[1].device", func(tx store.Tx) error {
			return tx.SetPermissionStates(ctx, []store.PermissionState{perm("alice", "d1", "camera"), perm("alice", "", "camera")})
		}},
		{"permission name", "permission[0].permission", func(tx store.Tx) error {
			return tx.SetPermissionStates(ctx, []store.PermissionState{perm("alice", "d1", "camera access")})
		}},
		{"permission twice in a batch", "permission[2]", func(tx store.Tx) error {
			return tx.SetPermissionStates(ctx, []store.PermissionState{perm("alice", "d1", "camera"),
				perm("alice", "d2", "camera"), perm("alice", "d1", "camera")})
		}},
		{"permission batch too large", "permission", func(tx store.Tx) error {
			return tx.SetPermissionStates(ctx, tooMany)
		}},
		{"list permissions without subject", "subject", func(tx store.Tx) error {
			_, err := tx.ListPermissionStates(ctx, "t1", "")
			return err
		}},
		{"API key id", "apikey.id", createKey(func(k *store.APIKey) { k.ID = "" })},
		{"API key name", "apikey.name", createKey(func(k *store.APIKey) { k.Name = "" })},
		{"API key hash", "apikey.hash", createKey(func(k *store.APIKey) { k.Hash = k.Hash[:31] })},
		{"API key without scopes", "apikey.scopes", createKey(func(k *store.APIKey) { k.Scopes = nil })},
		{"API key scope name", "apikey.scopes[1]", createKey(func(k *store.APIKey) { k.Scopes = []string{"collect", "read all"} })},
		{"API key scope twice", "apikey.scopes", createKey(func(k *store.APIKey) { k.Scopes = []string{"admin", "collect", "admin"} })},
		{"API key created revoked", "apikey.revoked_at", createKey(func(k *store.APIKey) { k.RevokedAt = Epoch })},
		{"get API key without id", "id", func(tx store.Tx) error {
			_, err := tx.GetAPIKey(ctx, "")
			return err
		}},
		{"revoke API key without id", "id", func(tx store.Tx) error {
			_, err := tx.RevokeAPIKey(ctx, "t1", "")
			return err
		}},
		{"list API keys page", "page.limit", func(tx store.Tx) error {
			_, _, err := tx.ListAPIKeys(ctx, "t1", store.Page{Limit: -1})
			return err
		}},
		{"declaration without source", "declaration.source", putDecl(func(d *store.DeclarationVersion) { d.Source = nil })},
		{"declaration hash", "declaration.sha256", putDecl(func(d *store.DeclarationVersion) { d.SHA256 = sha([]byte("other")) })},
		{"declaration put active", "declaration.active", putDecl(func(d *store.DeclarationVersion) { d.Active = true })},
		{"declaration version", "declaration.version", putDecl(func(d *store.DeclarationVersion) { d.Version = "1 0" })},
		{"declaration policy id", "declaration.policy_id", putDecl(func(d *store.DeclarationVersion) { d.PolicyID = "" })},
		{"declaration too large", "declaration.source", putDecl(func(d *store.DeclarationVersion) {
			d.Source = make([]byte, store.MaxDeclarationLen+1)
		})},
		{"activate Seq 0", "seq", func(tx store.Tx) error {
			_, err := tx.ActivateDeclaration(ctx, "t1", 0)
			return err
		}},
		{"get declaration Seq", "seq", func(tx store.Tx) error {
			_, err := tx.GetDeclaration(ctx, "t1", -1)
			return err
		}},
		{"active declaration tenant", "tenant", func(tx store.Tx) error {
			_, err := tx.ActiveDeclaration(ctx, "")
			return err
		}},
		{"declaration page after", "page.after", func(tx store.Tx) error {
			_, _, err := tx.ListDeclarations(ctx, "t1", store.Page{After: "01"})
			return err
		}},
		{"tenant linked to itself", "tenant_link.controller", func(tx store.Tx) error {
			_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "t1", Controller: "t1"})
			return err
		}},
		{"controller as processor", "tenant_link.processor", func(tx store.Tx) error {
			_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "t1", Controller: "t2"})
			return err
		}},
		{"list controllers without processor", "processor", func(tx store.Tx) error {
			_, err := tx.ListControllers(ctx, "")
			return err
		}},
	}
	before := auditSize(t, s)
	beforeView := viewOf(t, s, "t1")
	for _, c := range cases {
		err := s.Write(ctx, func(tx store.Tx) error {
			mustInvalid(t, c.fn(tx), c.field, c.name)
			_, err := tx.GetSubject(ctx, "t1", "alice")
			return err
		})
		if err != nil {
			t.Fatalf("%s: Write: %v", c.name, err)
		}
	}
	eq(t, "audit size", auditSize(t, s), before)
	if after := viewOf(t, s, "t1"); !reflect.DeepEqual(after, beforeView) {
		t.Fatalf("invalid input changed data:\nbefore %+v\nafter  %+v", beforeView, after)
	}
}
