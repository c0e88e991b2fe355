package export_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/vault"
)

// backend is one database the vault runs on; setup returns the options of
// a fresh vault over it.
type backend struct {
	name  string
	setup func(t testing.TB) vault.Options
}

var backends = []backend{
	{"sqlite", func(t testing.TB) vault.Options {
		return vault.Options{DataDir: filepath.Join(t.TempDir(), "trustee-data")}
	}},
	{"postgres", func(t testing.TB) vault.Options {
		dir := t.TempDir()
		data, ks := pgtest.Schema(t), pgtest.Schema(t) // skips when unreachable
		return vault.Options{
			DataDir:  filepath.Join(dir, "trustee-data"),
			Database: data,
			RootKey:  "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key")),
			KeyStore: ks,
		}
	}},
}

// forEach runs body as a subtest on every backend.
func forEach(t *testing.T, body func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { body(t, b) })
	}
}

const actor = "apikey:test"

// openVault opens a vault with tenants t1 and t2, subjects alice and bob
// in t1 and alice in t2, and closes it when t ends.
func openVault(t testing.TB, b backend) *vault.Vault {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Open(ctx, b.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := v.Close(); err != nil {
			t.Error(err)
		}
	})
	for _, tn := range []string{"t1", "t2"} {
		if _, err := v.CreateTenant(ctx, actor, store.Tenant{ID: tn, Name: "Tenant " + tn, Kind: store.KindController}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []store.Subject{{Tenant: "t1", ID: "alice"}, {Tenant: "t1", ID: "bob"}, {Tenant: "t2", ID: "alice"}} {
		if _, err := v.CreateSubject(ctx, actor, s); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

var sopi = sync.OnceValues(func() (*policy.Declaration, error) {
	data, err := os.ReadFile("../../examples/sopi.yaml")
	if err != nil {
		return nil, err
	}
	doc, err := policy.Parse("sopi.yaml", data)
	if err != nil {
		return nil, err
	}
	return doc.Decl, nil
})

// decl returns the example declaration of examples/sopi.yaml.
func decl(t testing.TB) *policy.Declaration {
	t.Helper()
	d, err := sopi()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Markers: values that must appear in alice's export and nowhere else
// (logs, errors, audit), and values of others that must never appear in
// it.
const (
	// tricky is a value CSV must quote: comma, quotes, CR LF and LF, and
	// Chinese text.
	tricky      = "Zhang, \"San\" 张三\r\nsecond line, 第二行\nthird"
	aliceEmail  = "alice-marker-7f3a@example.com"
	aliceIP     = "203.0.113.77"
	aliceLegacy = "legacy-marker-c0ffee"
	bobMarker   = "bob-marker-91b2"
	t2Marker    = "tenant2-marker-55e1"
)

// binary is a value that is not UTF-8.
var binary = []byte{0xff, 0xfe, 0x00, 0x01, 'x', 0x80}

// blobBytes is alice's photo.
var blobBytes = bytes.Repeat([]byte("\x89PNG\r\n\x1a\n photo of alice "), 500)

// fixture holds what populate stored.
type fixture struct {
	v         *vault.Vault
	recordIDs []string
	blob      store.BlobMeta
}

// populate gives alice of t1 records in several fields (one undeclared,
// one binary), two consent events, a request and a blob; and bob of t1
// and alice of t2 data of their own.
func populate(t testing.TB, v *vault.Vault) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{v: v}
	ids, err := v.PutRecords(ctx, actor, "t1", "alice", []vault.Value{
		{Field: "username", Purpose: "service_provision", Plain: []byte(tricky)},
		{Field: "support_email", Purpose: "customer_communication", Plain: []byte(aliceEmail), Lookup: keys.NormEmail},
		{Field: "ip_address", Purpose: "security", Plain: []byte(aliceIP), Region: "CN"},
		{Field: "device_id", Purpose: "service_optimization", Plain: binary, Device: "dev-1"},
		{Field: "legacy_note", Purpose: "service_provision", Plain: []byte(aliceLegacy)},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.recordIDs = ids
	if _, err := v.PutRecords(ctx, actor, "t1", "bob", []vault.Value{{Field: "username", Purpose: "service_provision", Plain: []byte(bobMarker)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PutRecords(ctx, actor, "t2", "alice", []vault.Value{{Field: "username", Purpose: "service_provision", Plain: []byte(t2Marker)}}); err != nil {
		t.Fatal(err)
	}
	err = v.Store().Write(ctx, func(tx store.Tx) error {
		for _, ev := range []store.ConsentEvent{
			{Tenant: "t1", Subject: "alice", Purpose: "advertising", DeclarationVersion: "2023", Kind: store.ConsentSeparate, Action: store.ConsentGrant, Channel: "app", TextHash: strings.Repeat("a", 64)},
			{Tenant: "t1", Subject: "alice", Purpose: "advertising", DeclarationVersion: "2023", Kind: store.ConsentSeparate, Action: store.ConsentWithdraw, Channel: "web", TextHash: strings.Repeat("b", 64)},
			{Tenant: "t1", Subject: "bob", Purpose: "bobpurpose", DeclarationVersion: "2023", Kind: store.ConsentOrdinary, Action: store.ConsentGrant, Channel: "app"},
			{Tenant: "t2", Subject: "alice", Purpose: "t2purpose", DeclarationVersion: "2023", Kind: store.ConsentOrdinary, Action: store.ConsentGrant, Channel: "app"},
		} {
			if _, err := tx.AppendConsent(ctx, ev); err != nil {
				return err
			}
		}
		for _, r := range []store.Request{
			{Tenant: "t1", ID: "req-alice-1", Subject: "alice", Type: "access", State: "received"},
			{Tenant: "t1", ID: "req-bob-1", Subject: "bob", Type: "delete", State: "received"},
			{Tenant: "t2", ID: "req-t2-1", Subject: "alice", Type: "copy", State: "received"},
		} {
			if _, err := tx.CreateRequest(ctx, r); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: actor, Action: "test.populate", ObjectType: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.blob, err = v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "photos", Purpose: "publishing", ContentType: "image/png"}, bytes.NewReader(blobBytes))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "bob", Field: "photos", Purpose: "publishing", ContentType: "image/png"}, strings.NewReader(bobMarker)); err != nil {
		t.Fatal(err)
	}
	return f
}

// entries returns the whole audit log.
func entries(t testing.TB, v *vault.Vault) []audit.StoredEntry {
	t.Helper()
	ctx := context.Background()
	n, err := v.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.StoredEntry
	if err := v.AuditEntries(ctx, 0, n, func(e audit.StoredEntry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// noMarkers fails t if s holds a personal value of the fixture.
func noMarkers(t testing.TB, what, s string) {
	t.Helper()
	for _, m := range []string{"张三", aliceEmail, aliceIP, aliceLegacy, bobMarker, t2Marker} {
		if strings.Contains(s, m) {
			t.Errorf("%s holds the value %q: %s", what, m, s)
		}
	}
}
