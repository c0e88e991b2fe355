package rights_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// adminStores opens a store with tenant acme and subject s1 on each
// database.
var adminStores = []struct {
	name string
	open func(t *testing.T, clk clock.Clock) (store.Store, error)
}{
	{"sqlite", func(t *testing.T, clk clock.Clock) (store.Store, error) {
		return sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clk)
	}},
	{"postgres", func(t *testing.T, clk clock.Clock) (store.Store, error) {
		return postgres.Open(context.Background(), pgtest.Schema(t), clk) // skips when unreachable
	}},
}

func onAdminStores(t *testing.T, body func(t *testing.T, st store.Store)) {
	for _, b := range adminStores {
		t.Run(b.name, func(t *testing.T) {
			st, err := b.open(t, clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			ctx := context.Background()
			err = st.Write(ctx, func(tx store.Tx) error {
				if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "acme", Name: "Acme", Kind: store.KindController}); err != nil {
					return err
				}
				if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "acme", ID: "s1"}); err != nil {
					return err
				}
				_, err := tx.Audit(ctx, audit.Entry{Actor: "test", Action: "setup"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			body(t, st)
		})
	}
}

// auditLog returns every audit entry of st.
func auditLog(t *testing.T, st store.Store) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	n, err := st.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	if err := st.AuditEntries(ctx, 0, n, func(e audit.StoredEntry) error { out = append(out, e.Entry); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHolds(t *testing.T) {
	onAdminStores(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		const reason = "court order REASON-MARKER"
		h, err := rights.PlaceHold(ctx, st, "apikey:dpo", store.Hold{Tenant: "acme", Scope: store.HoldSubject, Target: "s1", Reason: reason, PlacedBy: "someone else"})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.ID) != 36 || h.ID[14] != '7' || h.PlacedBy != "apikey:dpo" || !h.Active() {
			t.Errorf("placed %+v", h)
		}
		log := auditLog(t, st)
		if e := log[len(log)-1]; e.Action != "hold.place" || e.ObjectID != h.ID || e.Subject != "s1" || e.Actor != "apikey:dpo" || e.Details["scope"] != "subject" {
			t.Errorf("audit %+v", e)
		}
		// Active holds are what deletion asks.
		err = st.Read(ctx, func(r store.Reader) error {
			hs, err := r.ActiveHolds(ctx, "acme", "s1")
			if len(hs) != 1 || hs[0].ID != h.ID {
				t.Errorf("ActiveHolds = %+v", hs)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := rights.ReleaseHold(ctx, st, "apikey:dpo2", "acme", h.ID)
		if err != nil || r.Active() || r.ReleasedBy != "apikey:dpo2" {
			t.Fatalf("ReleaseHold = %+v, %v", r, err)
		}
		size := len(auditLog(t, st))
		_, err = rights.ReleaseHold(ctx, st, "apikey:dpo", "acme", h.ID)
		if !errors.Is(err, rights.ErrHoldReleased) || !errors.Is(err, store.ErrConflict) || len(auditLog(t, st)) != size {
			t.Errorf("release twice: %v", err)
		}
		if _, err := rights.ReleaseHold(ctx, st, "apikey:dpo", "acme", "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("release unknown: %v", err)
		}

		// Bad input stores and audits nothing.
		for _, bad := range []store.Hold{
			{Tenant: "acme", Scope: store.HoldTenant},                                     // no reason
			{Tenant: "acme", Scope: "planet", Reason: "r"},                                // scope
			{Tenant: "acme", Scope: store.HoldSubject, Target: "nobody", Reason: "r"},     // unknown subject
			{Tenant: "acme", Scope: store.HoldCategory, Target: "two words", Reason: "r"}, // category
			{Tenant: "other", Scope: store.HoldTenant, Reason: "r"},                       // tenant
		} {
			if _, err := rights.PlaceHold(ctx, st, "apikey:dpo", bad); err == nil {
				t.Errorf("placed %+v", bad)
			}
		}
		log = auditLog(t, st)
		if len(log) != size {
			t.Errorf("failed placements audited: %d → %d", size, len(log))
		}
		b, _ := json.Marshal(log)
		if strings.Contains(string(b), "REASON-MARKER") {
			t.Error("a hold's reason reached the audit log")
		}
	})
}

func TestTrustedKeys(t *testing.T) {
	onAdminStores(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		pub, _, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		k, err := rights.CreateTrustedKey(ctx, st, "operator", store.TrustedKey{Tenant: "acme", ID: "ios", Kind: store.TrustedKeyApp, Name: "NAME-MARKER", PublicKey: pub})
		if err != nil || k.Algorithm != store.AlgorithmEd25519 {
			t.Fatalf("CreateTrustedKey = %+v, %v", k, err)
		}
		log := auditLog(t, st)
		if e := log[len(log)-1]; e.Action != "trusted_key.create" || e.ObjectID != "ios" || e.Details["sha256"] != rights.KeyFingerprint(pub) {
			t.Errorf("audit %+v", e)
		}
		if _, err := rights.CreateTrustedKey(ctx, st, "operator", store.TrustedKey{Tenant: "acme", ID: "ios", Kind: store.TrustedKeyApp, Name: "x", PublicKey: pub}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate: %v", err)
		}
		r, err := rights.RevokeTrustedKey(ctx, st, "operator", "acme", "ios")
		if err != nil || r.Active() {
			t.Fatalf("RevokeTrustedKey = %+v, %v", r, err)
		}
		size := len(auditLog(t, st))
		again, err := rights.RevokeTrustedKey(ctx, st, "operator", "acme", "ios")
		if err != nil || !again.RevokedAt.Equal(r.RevokedAt) || len(auditLog(t, st)) != size {
			t.Errorf("revoke again: %+v, %v", again, err)
		}
		if _, err := rights.RevokeTrustedKey(ctx, st, "operator", "acme", "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke unknown: %v", err)
		}
		b, _ := json.Marshal(auditLog(t, st))
		if strings.Contains(string(b), "NAME-MARKER") {
			t.Error("a trusted key's name reached the audit log")
		}
	})
}

func TestDecodePublicKey(t *testing.T) {
	key := make([]byte, ed25519.PublicKeySize)
	for i := range key {
		key[i] = byte(250 + i) // so that std and URL alphabets differ
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		s := enc.EncodeToString(key)
		got, err := rights.DecodePublicKey(" " + s + "\n")
		if err != nil || string(got) != string(key) {
			t.Errorf("%s: %x, %v", s, got, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"", "required"},
		{"not base64!", "not base64"},
		{"-----BEGIN PUBLIC KEY-----", "not base64"},
		{base64.StdEncoding.EncodeToString(make([]byte, 31)), "decodes to 31 bytes"},
		{base64.StdEncoding.EncodeToString(make([]byte, 64)), "decodes to 64 bytes"},
	} {
		_, err := rights.DecodePublicKey(c.in)
		var ie *store.InvalidError
		if !errors.As(err, &ie) || ie.Field != "trusted_key.public_key" || !strings.Contains(ie.Reason, c.want) {
			t.Errorf("%q: %v; want %q", c.in, err, c.want)
		}
		if c.in != "" && ie != nil && strings.Contains(ie.Reason, c.in) {
			t.Errorf("%q: the reason repeats the input", c.in)
		}
	}
}

func FuzzDecodePublicKey(f *testing.F) {
	f.Add("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Add("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	f.Add("====")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := rights.DecodePublicKey(s)
		if err == nil && len(b) != ed25519.PublicKeySize {
			t.Fatalf("%q decoded to %d bytes", s, len(b))
		}
		var ie *store.InvalidError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("%q: %v is not an InvalidError", s, err)
		}
	})
}
