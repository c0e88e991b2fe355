package keys_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
)

func TestDeriveKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL)
		derive := func(m *keys.Manager, tenant, label string) []byte {
			t.Helper()
			k, err := m.DeriveKey(ctx, tenant, label, 32)
			if err != nil {
				t.Fatalf("DeriveKey(%s, %s): %v", tenant, label, err)
			}
			if len(k) != 32 {
				t.Fatalf("key length %d, want 32", len(k))
			}
			return k
		}
		base := derive(f.m, tenantA, "verify/otp")
		if !bytes.Equal(base, derive(f.m, tenantA, "verify/otp")) {
			t.Error("key differs between calls")
		}
		if !bytes.Equal(base, derive(f.another(t), tenantA, "verify/otp")) {
			t.Error("key differs between Managers (nodes)")
		}
		if bytes.Equal(base, derive(f.m, tenantB, "verify/otp")) {
			t.Error("key equal across tenants")
		}
		if bytes.Equal(base, derive(f.m, tenantA, "drp/sign")) {
			t.Error("key equal across labels")
		}
		for _, bad := range []struct {
			tenant, label string
			size          int
		}{{"", "x", 32}, {tenantA, "", 32}, {tenantA, "x", 8}, {tenantA, "x", 65}} {
			if _, err := f.m.DeriveKey(ctx, bad.tenant, bad.label, bad.size); err == nil {
				t.Errorf("DeriveKey(%q, %q, %d) succeeded", bad.tenant, bad.label, bad.size)
			}
		}
	})
}
