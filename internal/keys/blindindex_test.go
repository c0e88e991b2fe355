package keys_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
)

func TestBlindIndex(t *testing.T) {
	eachDialect(t, func(t *testing.T, storeURL string) {
		ctx := context.Background()
		f := newFixture(t, storeURL, keys.WithPhoneRegion("CN"))
		idx := func(m *keys.Manager, tenant, field string, kind keys.Normalization, v string) []byte {
			t.Helper()
			b, err := m.BlindIndex(ctx, tenant, field, kind, v)
			if err != nil {
				t.Fatalf("BlindIndex(%s, %s, %v): %v", tenant, field, kind, err)
			}
			if len(b) != keys.BlindIndexSize {
				t.Fatalf("index length %d", len(b))
			}
			return b
		}
		base := idx(f.m, tenantA, "email", keys.NormEmail, "li.lei@example.com")

		// Stable across calls and Managers.
		if !bytes.Equal(base, idx(f.m, tenantA, "email", keys.NormEmail, "li.lei@example.com")) {
			t.Error("index differs between calls")
		}
		other := f.another(t, keys.WithPhoneRegion("CN"))
		if !bytes.Equal(base, idx(other, tenantA, "email", keys.NormEmail, "li.lei@example.com")) {
			t.Error("index differs between Managers")
		}
		// Different per tenant and per field.
		if bytes.Equal(base, idx(f.m, tenantB, "email", keys.NormEmail, "li.lei@example.com")) {
			t.Error("index equal across tenants")
		}
		if bytes.Equal(base, idx(f.m, tenantA, "contact_email", keys.NormEmail, "li.lei@example.com")) {
			t.Error("index equal across fields")
		}
		if bytes.Equal(base, idx(f.m, tenantA, "email", keys.NormEmail, "han.meimei@example.com")) {
			t.Error("different values index the same")
		}

		equal := []struct {
			name  string
			field string
			kind  keys.Normalization
			a, b  string
		}{
			{"email case and spaces", "email", keys.NormEmail, "  Li.Lei@Example.COM ", "li.lei@example.com"},
			{"phone national vs international", "phone", keys.NormPhone, "+86 138 0013 8000", "13800138000"},
			{"phone punctuation", "phone", keys.NormPhone, "138-0013-8000", "+8613800138000"},
			{"IMEI spaces and hyphens", "imei", keys.NormIdentifier, "35-209900-176148-1", "352099001761481"},
			{"MAC notations", "mac", keys.NormIdentifier, "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF"},
			{"MAC Cisco dots", "mac", keys.NormIdentifier, "aabb.ccdd.eeff", "AABBCCDDEEFF"},
		}
		for _, tt := range equal {
			t.Run(tt.name, func(t *testing.T) {
				if !bytes.Equal(idx(f.m, tenantA, tt.field, tt.kind, tt.a), idx(other, tenantA, tt.field, tt.kind, tt.b)) {
					t.Errorf("%q and %q index differently", tt.a, tt.b)
				}
			})
		}
		// NormNone keeps case and spaces.
		if bytes.Equal(idx(f.m, tenantA, "name", keys.NormNone, "Li Lei"), idx(f.m, tenantA, "name", keys.NormNone, "li lei")) {
			t.Error("NormNone folded case")
		}
		// A phone number in another region is another number.
		us := f.another(t, keys.WithPhoneRegion("US"))
		if bytes.Equal(idx(f.m, tenantA, "phone", keys.NormPhone, "2025550123"), idx(us, tenantA, "phone", keys.NormPhone, "2025550123")) {
			t.Error("national numbers of two regions index the same")
		}

		bad := []struct {
			kind  keys.Normalization
			value string
		}{
			{keys.NormPhone, "call me maybe 12"},
			{keys.NormPhone, "12"},
			{keys.NormPhone, ""},
			{keys.NormEmail, "   "},
			{keys.NormIdentifier, " - "},
		}
		for _, tt := range bad {
			_, err := f.m.BlindIndex(ctx, tenantA, "contact_phone", tt.kind, tt.value)
			if !errors.Is(err, keys.ErrInvalidValue) {
				t.Errorf("BlindIndex(%v, %q): %v, want ErrInvalidValue", tt.kind, tt.value, err)
				continue
			}
			if !strings.Contains(err.Error(), "contact_phone") {
				t.Errorf("error %q does not name the field", err)
			}
			if strings.TrimSpace(tt.value) != "" && strings.Contains(err.Error(), tt.value) {
				t.Errorf("error %q echoes the value", err)
			}
		}
	})
}
