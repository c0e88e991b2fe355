package retention_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/retention"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/vault"
)

// now is the fixed time the tests plan and sweep at.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// openVault opens a fresh vault on the named database with clk.
func openVault(t testing.TB, db string, clk clock.Clock) *vault.Vault {
	t.Helper()
	dir := t.TempDir()
	o := vault.Options{DataDir: filepath.Join(dir, "trustee-data"), Clock: clk}
	if db == "postgres" {
		data, ks := pgtest.Schema(t), pgtest.Schema(t) // skips when unreachable
		o.Database, o.KeyStore = data, ks
		o.RootKey = "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key"))
	}
	v, err := vault.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// seed004 returns seed 004's declaration (xiaoying-kankan).
func seed004(t testing.TB) *policy.Declaration {
	t.Helper()
	b, err := os.ReadFile("../../examples/xiaoying-kankan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse("xiaoying-kankan.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

func forEach(t *testing.T, body func(t *testing.T, db string)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) { body(t, db) })
	}
}

// put stores one value of field for subject, collected at at.
func put(t testing.TB, v *vault.Vault, clk *clock.Fake, subject, field, purpose string, at time.Time) string {
	t.Helper()
	clk.Set(at)
	ids, err := v.PutRecords(context.Background(), "test", "t1", subject, []vault.Value{{Field: field, Purpose: purpose, Plain: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

func auditSize(t testing.TB, v *vault.Vault) int64 {
	t.Helper()
	n, err := v.AuditSize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func exists(t testing.TB, v *vault.Vault, id string) bool {
	t.Helper()
	err := v.Store().Read(context.Background(), func(r store.Reader) error {
		_, err := r.GetRecord(context.Background(), "t1", id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func find(items []retention.Item, rule, subject, status string) *retention.Item {
	for i, it := range items {
		if it.Rule == rule && it.Subject == subject && it.Status == status {
			return &items[i]
		}
	}
	return nil
}

func setup(t *testing.T, db string) (*vault.Vault, *clock.Fake) {
	ctx := context.Background()
	clk := clock.NewFake(now.AddDate(0, 0, -30))
	v := openVault(t, db, clk)
	if _, err := v.CreateTenant(ctx, "test", store.Tenant{ID: "t1", Name: "Xiaoying", Kind: store.KindController}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"alice", "bob", "carol"} {
		if _, err := v.CreateSubject(ctx, "test", store.Subject{Tenant: "t1", ID: s}); err != nil {
			t.Fatal(err)
		}
	}
	return v, clk
}

func TestPlanAndSweepSeed004(t *testing.T) {
	forEach(t, func(t *testing.T, db string) {
		ctx := context.Background()
		v, clk := setup(t, db)
		decl := seed004(t)

		old := put(t, v, clk, "alice", "cloud_video", "cloud_storage", now.AddDate(0, 0, -8))
		recent := put(t, v, clk, "alice", "cloud_video", "cloud_storage", now.AddDate(0, 0, -6))
		face := put(t, v, clk, "alice", "face_features", "human_detection", now.AddDate(0, 0, -3))
		alarm := put(t, v, clk, "alice", "alarm_video", "message_center", now.AddDate(0, 0, -20))
		heldID := put(t, v, clk, "bob", "cloud_video", "cloud_storage", now.AddDate(0, 0, -8))
		clk.Set(now)
		h, err := rights.PlaceHold(ctx, v.Store(), "staff:test", store.Hold{Tenant: "t1", Scope: store.HoldSubject, Target: "bob", Reason: "case 1"})
		if err != nil {
			t.Fatal(err)
		}

		before := auditSize(t, v)
		items, err := retention.Plan(ctx, v.Store(), decl, "t1", now)
		if err != nil {
			t.Fatal(err)
		}
		if got := auditSize(t, v); got != before {
			t.Fatalf("Plan appended %d audit entries, want none", got-before)
		}
		it := find(items, "cloud-video-7-days", "alice", retention.StatusDue)
		if it == nil || it.Count != 1 || it.Records[0] != old || !it.DueAt.Equal(now.AddDate(0, 0, -1)) {
			t.Fatalf("cloud-video-7-days for alice = %+v, want the record collected 8 days ago, due a day ago", it)
		}
		if it := find(items, "human-detection-2-days", "alice", retention.StatusDue); it == nil || it.Records[0] != face {
			t.Fatalf("human-detection-2-days for alice = %+v, want the face record", it)
		}
		hi := find(items, "cloud-video-7-days", "bob", retention.StatusHeld)
		if hi == nil || hi.Records[0] != heldID || len(hi.Holds) != 1 || hi.Holds[0] != h.ID || hi.Reason == "" {
			t.Fatalf("held item for bob = %+v, want hold %s and a reason", hi, h.ID)
		}
		if it := find(items, "cloud-video-package-ended", "", retention.StatusNotEvaluable); it == nil || it.Reason == "" {
			t.Fatalf("contract_ended rule not reported as not evaluable: %+v", items)
		}
		for _, it := range items {
			for _, id := range it.Records {
				if id == recent || id == alarm {
					t.Fatalf("record not due yet is planned: %+v", it)
				}
			}
		}

		res, err := retention.Sweep(ctx, v, decl, "t1", now, 1)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 2 || res.ByRule["cloud-video-7-days"] != 1 || res.ByRule["human-detection-2-days"] != 1 || res.Held != 1 || res.Batches != 2 {
			t.Fatalf("sweep = %+v, want 2 deleted in 2 batches (one per rule), 1 held", res)
		}
		for id, want := range map[string]bool{old: false, face: false, recent: true, alarm: true, heldID: true} {
			if got := exists(t, v, id); got != want {
				t.Errorf("record %s exists = %t, want %t", id, got, want)
			}
		}
		// The deletion is audited with the digest of the ids.
		var dels []audit.Entry
		err = v.AuditEntries(ctx, before, auditSize(t, v), func(e audit.StoredEntry) error {
			if e.Action == "record.delete" {
				dels = append(dels, e.Entry)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(dels) != 2 || dels[0].Subject != "alice" || dels[0].Details["ids_sha256"] != vault.IDsDigest([]string{old}) ||
			dels[0].Details["reason"] != "retention:cloud-video-7-days" || dels[0].Details["count"] != "1" {
			t.Fatalf("record.delete entries = %+v", dels)
		}

		// A second run finds nothing and writes nothing.
		size := auditSize(t, v)
		res, err = retention.Sweep(ctx, v, decl, "t1", now, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 0 || res.Held != 1 || auditSize(t, v) != size {
			t.Fatalf("second sweep = %+v (audit grew by %d), want nothing deleted", res, auditSize(t, v)-size)
		}

		// Released, the hold no longer keeps bob's record.
		if _, err := rights.ReleaseHold(ctx, v.Store(), "staff:test", "t1", h.ID); err != nil {
			t.Fatal(err)
		}
		res, err = retention.Sweep(ctx, v, decl, "t1", now, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 1 || exists(t, v, heldID) {
			t.Fatalf("sweep after release = %+v, want bob's record deleted", res)
		}
	})
}

func TestCategoryHoldAndConsentWithdrawn(t *testing.T) {
	forEach(t, func(t *testing.T, db string) {
		ctx := context.Background()
		v, clk := setup(t, db)
		decl := seed004(t)
		decl.Retention = append(decl.Retention, policy.RetentionRule{ID: "withdrawn-1-day", Purposes: []string{"marketing"},
			Duration: policy.Period{N: 1, Unit: policy.Days}, Trigger: policy.TriggerConsentWithdrawn, Action: "delete"})

		face := put(t, v, clk, "carol", "face_features", "human_detection", now.AddDate(0, 0, -3))
		mk := put(t, v, clk, "carol", "nickname", "marketing", now.AddDate(0, 0, -10))
		mkBob := put(t, v, clk, "bob", "nickname", "marketing", now.AddDate(0, 0, -10))
		// carol withdrew two days ago; bob withdrew, then granted again.
		for _, e := range []store.ConsentEvent{
			{Subject: "carol", Action: store.ConsentWithdraw, At: now.AddDate(0, 0, -2)},
			{Subject: "bob", Action: store.ConsentWithdraw, At: now.AddDate(0, 0, -3)},
			{Subject: "bob", Action: store.ConsentGrant, At: now.AddDate(0, 0, -2)},
		} {
			e.Tenant, e.Purpose, e.DeclarationVersion, e.Kind, e.Channel = "t1", "marketing", "v1", store.ConsentOrdinary, "app"
			err := v.Store().Write(ctx, func(tx store.Tx) error {
				if _, err := tx.AppendConsent(ctx, e); err != nil {
					return err
				}
				_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "consent.record", Subject: e.Subject})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		clk.Set(now)
		if _, err := rights.PlaceHold(ctx, v.Store(), "staff:test", store.Hold{Tenant: "t1", Scope: store.HoldCategory, Target: "biometric_face", Reason: "r"}); err != nil {
			t.Fatal(err)
		}
		res, err := retention.Sweep(ctx, v, decl, "t1", now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 1 || res.ByRule["withdrawn-1-day"] != 1 || res.Held != 1 {
			t.Fatalf("sweep = %+v, want carol's marketing record deleted and the face record held", res)
		}
		for id, want := range map[string]bool{face: true, mk: false, mkBob: true} {
			if got := exists(t, v, id); got != want {
				t.Errorf("record %s exists = %t, want %t", id, got, want)
			}
		}
	})
}

func TestAccountCancelled(t *testing.T) {
	forEach(t, func(t *testing.T, db string) {
		ctx := context.Background()
		v, clk := setup(t, db)
		decl := seed004(t)
		alice := put(t, v, clk, "alice", "nickname", "account", now.AddDate(0, 0, -30))
		bob := put(t, v, clk, "bob", "nickname", "account", now.AddDate(0, 0, -30))
		carol := put(t, v, clk, "carol", "nickname", "account", now.AddDate(0, 0, -30))
		clk.Set(now.AddDate(0, 0, -25))
		// alice's cooling-off ended 20 days ago (10 working days later is
		// past); bob's 2 days ago (not yet); carol has no request.
		ends := map[string]time.Time{"alice": now.AddDate(0, 0, -20), "bob": now.AddDate(0, 0, -2)}
		err := v.Store().Write(ctx, func(tx store.Tx) error {
			for _, s := range []string{"alice", "bob", "carol"} {
				if _, err := tx.SetSubjectStatus(ctx, "t1", s, store.StatusCancelled); err != nil {
					return err
				}
				if end, ok := ends[s]; ok {
					_, err := tx.CreateRequest(ctx, store.Request{Tenant: "t1", ID: "req-" + s, Subject: s, Type: rights.TypeCancelAccount,
						State: rights.StateInProgress, DueAt: end.AddDate(0, 0, 15),
						Detail: []byte(`{"cooling_off_ends":"` + end.Format(time.RFC3339) + `"}`)})
					if err != nil {
						return err
					}
				}
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "test", Action: "subject.cancel", ObjectType: "subject"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(now)
		items, err := retention.Plan(ctx, v.Store(), decl, "t1", now)
		if err != nil {
			t.Fatal(err)
		}
		const rule = "account-cancelled-10-working-days"
		if it := find(items, rule, "carol", retention.StatusSkipped); it == nil || it.Reason == "" {
			t.Fatalf("carol (cancelled, no request) not reported as skipped: %+v", items)
		}
		it := find(items, rule, "alice", retention.StatusDue)
		if it == nil || it.Records[0] != alice || !it.DueAt.After(ends["alice"].AddDate(0, 0, 13)) {
			t.Fatalf("alice's item = %+v, want her record due 10 working days after %s", it, ends["alice"])
		}
		res, err := retention.Sweep(ctx, v, decl, "t1", now, 100)
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 1 || res.ByRule[rule] != 1 {
			t.Fatalf("sweep = %+v, want alice's record deleted", res)
		}
		for id, want := range map[string]bool{alice: false, bob: true, carol: true} {
			if got := exists(t, v, id); got != want {
				t.Errorf("record %s exists = %t, want %t", id, got, want)
			}
		}
	})
}
