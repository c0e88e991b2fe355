package collect

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func TestIdentify(t *testing.T) {
	ctx := context.Background()
	v, err := vault.Open(ctx, vault.Options{DataDir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, tn := range []string{"t1", "t2"} {
		if _, err := v.CreateTenant(ctx, "test", store.Tenant{ID: tn, Name: tn, Kind: store.KindController}); err != nil {
			t.Fatal(err)
		}
	}
	d := &policy.Declaration{Fields: []policy.Field{
		{ID: "email", Lookup: "email"}, {ID: "contact_email", Lookup: "email"}, {ID: "phone", Lookup: "phone"}, {ID: "nickname"},
	}}
	put := func(tenant, subject, field, value string, kind keys.Normalization) {
		t.Helper()
		if _, _, err := v.EnsureSubject(ctx, "test", tenant, subject); err != nil {
			t.Fatal(err)
		}
		if _, err := v.PutRecords(ctx, "test", tenant, subject, []vault.Value{{Field: field, Purpose: "p", Plain: []byte(value), Lookup: kind}}); err != nil {
			t.Fatal(err)
		}
	}
	put("t1", "alice", "email", "Alice@Example.com", keys.NormEmail)
	put("t1", "bob", "contact_email", "alice@example.com", keys.NormEmail) // shares the address
	put("t1", "carol", "phone", "+86 138 0013 8000", keys.NormPhone)
	put("t2", "alice2", "email", "alice@example.com", keys.NormEmail)

	got, err := Identify(ctx, v, d, "t1", "email", "  ALICE@example.COM ")
	if err != nil || !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("Identify(email) = %v, %v; want [alice bob] (both fields, normalised, this tenant only)", got, err)
	}
	got, err = Identify(ctx, v, d, "t1", "phone", "+8613800138000")
	if err != nil || !slices.Equal(got, []string{"carol"}) {
		t.Errorf("Identify(phone) = %v, %v; want [carol]", got, err)
	}
	got, err = Identify(ctx, v, d, "t1", "email", "nobody@example.com")
	if err != nil || len(got) != 0 {
		t.Errorf("Identify(unknown) = %v, %v; want none", got, err)
	}
	_, err = Identify(ctx, v, d, "t1", "phone", "not a phone")
	if err == nil || strings.Contains(err.Error(), "not a phone") {
		t.Errorf("Identify(bad phone) = %v; want an error without the value", err)
	}
}
