package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/migrations"
)

// Migrations is what [RunMigrations] needs of a backend, on one database
// kept for the whole test.
type Migrations struct {
	// Open opens a store on the test's database, which migrates it to
	// [migrations.Latest]. The test closes the store itself.
	Open func(t testing.TB, clk clock.Clock) store.Store
	// Migrate moves the test's database to version while no store is open.
	Migrate func(t testing.TB, version int64)
}

// snapshot is everything the fixture wrote.
type snapshot struct {
	Tenants      []store.Tenant
	View         tenantView
	OperatorKeys []store.APIKey
	Links        []store.TenantLink // of processor p1
	Audit        []audit.StoredEntry
	Checkpoints  []audit.Checkpoint
}

func snap(t testing.TB, s store.Store) snapshot {
	t.Helper()
	var sn snapshot
	read(t, s, func(r store.Reader) error {
		var err error
		if sn.Tenants, _, err = r.ListTenants(context.Background(), store.Page{}); err != nil {
			return err
		}
		if sn.OperatorKeys, _, err = r.ListAPIKeys(context.Background(), "", store.Page{}); err != nil {
			return err
		}
		sn.Links, err = r.ListControllers(context.Background(), "p1")
		return err
	})
	sn.View = viewOf(t, s, "t1")
	sn.Audit = allEntries(t, s)
	var err error
	if sn.Checkpoints, err = s.Checkpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sn
}

// fixture writes one of everything.
func fixture(t testing.TB, s store.Store) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertRecords(ctx, []store.Record{rec(t, "t1", "alice", "phone", "ix"), rec(t, "t1", "bob", "email", "")}); err != nil {
			return err
		}
		if _, err := tx.CreateBlob(ctx, store.BlobMeta{Tenant: "t1", ID: "b1", Subject: "alice", Field: "video",
			Purpose: "p", ObjectKey: "t1/b1", Size: 42, ContentType: "video/mp4"}); err != nil {
			return err
		}
		if _, err := tx.AppendConsent(ctx, store.ConsentEvent{Tenant: "t1", Subject: "alice", Purpose: "ads",
			DeclarationVersion: "1", Kind: store.ConsentSeparate, Action: store.ConsentGrant}); err != nil {
			return err
		}
		_, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: "r1", Subject: "bob", Type: "delete",
			State: "new", DueAt: Epoch.AddDate(0, 1, 0), Detail: []byte(`{"a":1}`)})
		return err
	})
	// Schema version 4.
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "kid", AgeFloor: 13, Region: "DE"}); err != nil {
			return err
		}
		if _, err := tx.SetSubjectProfile(ctx, "t1", "alice", 18, "CN"); err != nil {
			return err
		}
		if _, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "alice"}); err != nil {
			return err
		}
		if err := tx.SetPermissionStates(ctx, []store.PermissionState{
			{Tenant: "t1", Subject: "alice", Device: "dev-1", Permission: "android.permission.CAMERA", Granted: true},
			{Tenant: "t1", Subject: "kid", Device: "dev-2", Permission: "android.permission.RECORD_AUDIO"},
		}); err != nil {
			return err
		}
		for _, k := range []store.APIKey{
			{ID: "k1", Tenant: "t1", Name: "t1 admin", Hash: keyHash("k1"), Scopes: []string{"admin", "audit"}},
			{ID: "op", Name: "operator", Hash: keyHash("op"), Scopes: []string{"admin"}},
		} {
			if _, err := tx.CreateAPIKey(ctx, k); err != nil {
				return err
			}
		}
		if _, err := tx.RevokeAPIKey(ctx, "t1", "k1"); err != nil {
			return err
		}
		for _, v := range []string{"1.0", "1.1"} {
			if _, err := tx.PutDeclaration(ctx, decl("t1", v)); err != nil {
				return err
			}
		}
		if _, err := tx.ActivateDeclaration(ctx, "t1", 1); err != nil {
			return err
		}
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "p1", Name: "SDK vendor", Kind: store.KindProcessor}); err != nil {
			return err
		}
		_, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "p1", Controller: "t1"})
		return err
	})
	// Schema version 5.
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.CreateTrustedKey(ctx, store.TrustedKey{Tenant: "t1", ID: "agent", Kind: store.TrustedKeyAgent,
			Name: "agent", Algorithm: store.AlgorithmEd25519, PublicKey: pubKey("agent"),
			CallbackURL: "https://agent.example/cb"}); err != nil {
			return err
		}
		if _, err := tx.RevokeTrustedKey(ctx, "t1", "agent"); err != nil {
			return err
		}
		for _, h := range []store.Hold{
			{Tenant: "t1", ID: "h1", Scope: store.HoldSubject, Target: "alice", Reason: "case 1", PlacedBy: "user:officer"},
			{Tenant: "t1", ID: "h2", Scope: store.HoldCategory, Target: "health", PlacedBy: "user:officer"},
		} {
			if _, err := tx.PlaceHold(ctx, h); err != nil {
				return err
			}
		}
		if _, err := tx.ReleaseHold(ctx, "t1", "h2", "user:officer"); err != nil {
			return err
		}
		_, err := tx.CreateWebhookEndpoint(ctx, store.WebhookEndpoint{Tenant: "t1", ID: "wh", URL: "https://hooks.example/",
			Secret: []byte("sealed"), Events: []string{"request.created"}})
		return err
	})
	if err := s.PutCheckpoint(ctx, audit.Checkpoint{Size: 2, Note: []byte("note\n")}); err != nil {
		t.Fatal(err)
	}
}

// RunMigrations migrates a database holding fixture data down and up again,
// one version at a time: the data of the tables a version keeps survives,
// the rest is gone, and the store works at every step back up. Version
// numbers mean the same tables in every dialect (see package migrations).
func RunMigrations(t *testing.T, m Migrations) {
	if migrations.Latest != 5 {
		t.Fatalf("RunMigrations knows schema versions 1..5; update it for version %d", migrations.Latest)
	}
	clk := clock.NewFake(Epoch)
	s := m.Open(t, clk)
	fixture(t, s)
	full := snap(t, s)
	if len(full.View.Records) != 2 || len(full.View.Consents) != 1 || len(full.View.Requests) != 1 ||
		len(full.View.Guardians) != 1 || len(full.View.Permissions) != 2 || len(full.View.APIKeys) != 1 ||
		len(full.View.Declarations) != 2 || len(full.OperatorKeys) != 1 || len(full.Links) != 1 ||
		len(full.View.TrustedKeys) != 1 || len(full.View.Holds) != 2 || len(full.View.Webhooks) != 1 {
		t.Fatalf("fixture incomplete: %+v", full.View)
	}
	s.Close()

	// What survives a round trip down to version v and back up.
	kept := func(v int64) snapshot {
		k := full
		if v < 5 {
			k.View.TrustedKeys, k.View.Holds, k.View.Webhooks = nil, nil, nil
		}
		if v < 4 {
			// The subjects lose their profile (not their UpdatedAt).
			k.View.Subjects = slices.Clone(k.View.Subjects)
			for i := range k.View.Subjects {
				k.View.Subjects[i].AgeFloor, k.View.Subjects[i].Region = 0, ""
			}
			k.View.Guardians, k.View.Permissions, k.View.APIKeys, k.View.Declarations = nil, nil, nil, nil
			k.OperatorKeys, k.Links = nil, nil
		}
		if v < 3 {
			k.View.Consents, k.View.Requests = nil, nil
		}
		if v < 2 {
			k.View.Records, k.View.Blobs = nil, nil
		}
		if v < 1 {
			k = snapshot{View: tenantView{}}
		}
		return k
	}
	for v := migrations.Latest; v >= 0; v-- {
		m.Migrate(t, v)
		m.Migrate(t, migrations.Latest)
		s := m.Open(t, clk)
		got, want := snap(t, s), kept(v)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("down to %d and up: got\n%+v\nwant\n%+v", v, got, want)
		}
		s.Close()
	}

	// The emptied database works from scratch: the audit log restarts at 0.
	s = m.Open(t, clk)
	defer s.Close()
	fixture(t, s)
	if es := checkContiguous(t, s); len(es) != len(full.Audit) {
		t.Fatalf("audit log after re-creation holds %d entries, want %d", len(es), len(full.Audit))
	}
}
