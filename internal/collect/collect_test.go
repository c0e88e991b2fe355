package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// fakeEngine refuses the fields listed in refuse, with their reason.
type fakeEngine struct {
	refuse map[string]consent.Reason
	decl   *policy.Declaration
}

func (f *fakeEngine) Decide(_ context.Context, q consent.Query) (consent.Decision, error) {
	if r, ok := f.refuse[q.Field]; ok {
		return consent.Decision{Reason: r, Detail: "refused " + q.Field, Law: "PIPL Art. 13"}, nil
	}
	return consent.Decision{Allowed: true, Reason: consent.ReasonOK}, nil
}

func (f *fakeEngine) Declaration(context.Context, string) (*policy.Declaration, error) {
	return f.decl, nil
}

// fakeVault records what it was asked to store.
type fakeVault struct {
	ensured []string
	stored  []vault.Value
	indexed []keys.Normalization
}

func (f *fakeVault) EnsureSubject(_ context.Context, _, _, id string) (store.Subject, bool, error) {
	f.ensured = append(f.ensured, id)
	return store.Subject{ID: id}, true, nil
}

func (f *fakeVault) PutRecords(_ context.Context, _, _, subject string, values []vault.Value) ([]string, error) {
	if !slices.Contains(f.ensured, subject) {
		return nil, fmt.Errorf("subject %s: %w", subject, store.ErrNotFound)
	}
	f.stored = append(f.stored, values...)
	ids := make([]string, len(values))
	for i := range ids {
		ids[i] = fmt.Sprint("id-", i)
	}
	return ids, nil
}

func (f *fakeVault) BlindIndex(_ context.Context, tenant, field string, kind keys.Normalization, value string) ([]byte, error) {
	f.indexed = append(f.indexed, kind)
	h := sha256.Sum256([]byte("key:" + tenant + field + strings.ToUpper(value)))
	return h[:16], nil
}

func decl() *policy.Declaration {
	return &policy.Declaration{Fields: []policy.Field{
		{ID: "email", Lookup: "email"},
		{ID: "imei", Identifier: "imei", Hashing: "hmac_sha256"},
		{ID: "mac", Hashing: "sha256"},
		{ID: "user_id", Lookup: "exact"},
	}}
}

func TestRefusalStoresNothing(t *testing.T) {
	// no_legal_basis cannot reach the HTTP API (lint refuses such a
	// declaration), so the gate's handling of it is tested here.
	for _, r := range []consent.Reason{consent.ReasonNoLegalBasis, consent.ReasonNoConsent, consent.ReasonPermissionOff} {
		reg := prometheus.NewRegistry()
		m, err := NewMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		v := &fakeVault{}
		g := &Gate{Engine: &fakeEngine{refuse: map[string]consent.Reason{"mac": r}, decl: decl()}, Vault: v, Metrics: m}
		_, err = g.Collect(context.Background(), "a", "t", "s", []Item{{Field: "email", Value: "x"}, {Field: "mac", Value: "secret-mac"}, {Field: "imei", Value: "y"}}, false)
		var ref *Refusal
		if !errors.As(err, &ref) || ref.Index != 1 || ref.Decision.Reason != r {
			t.Fatalf("%s: err %v", r, err)
		}
		if strings.Contains(err.Error(), "secret-mac") {
			t.Errorf("the refusal names the value: %v", err)
		}
		if len(v.stored) != 0 || len(v.ensured) != 0 {
			t.Errorf("%s: a refused batch reached the vault: %v %v", r, v.stored, v.ensured)
		}
		if got := value(t, m.refusals[r]); got != 1 {
			t.Errorf("%s: refusals metric %v", r, got)
		}
		if got := value(t, m.decisions[consent.ReasonOK]); got != 2 {
			t.Errorf("ok decisions %v, want 2 (every item is decided)", got)
		}
	}
}

func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestHashingAndLookup(t *testing.T) {
	v := &fakeVault{}
	g := &Gate{Engine: &fakeEngine{decl: decl()}, Vault: v}
	ids, err := g.Collect(context.Background(), "a", "t", "s", []Item{
		{Field: "email", Value: "A@example.com"},
		{Field: "imei", Value: "35-209900-176148-1"},
		{Field: "mac", Value: "00:1A:2B:3C:4D:5E"},
		{Field: "user_id", Value: "u1"},
	}, false)
	if err != nil || len(ids) != 4 {
		t.Fatal(ids, err)
	}
	if len(v.ensured) != 1 || v.ensured[0] != "s" {
		t.Errorf("subject not ensured: %v", v.ensured)
	}
	got := v.stored
	if string(got[0].Plain) != "A@example.com" || got[0].Lookup != keys.NormEmail {
		t.Errorf("email %v lookup %v", got[0], got[0].Lookup)
	}
	if len(got[1].Plain) != 32 || strings.Contains(string(got[1].Plain), "209900") || len(v.indexed) != 1 || v.indexed[0] != keys.NormIdentifier {
		t.Errorf("imei stored as %q (normalised %v)", got[1].Plain, v.indexed)
	}
	sum := sha256.Sum256([]byte("00:1A:2B:3C:4D:5E"))
	if string(got[2].Plain) != hex.EncodeToString(sum[:]) || got[2].Lookup != keys.NormNone {
		t.Errorf("mac stored as %q", got[2].Plain)
	}
	if string(got[3].Plain) != "u1" {
		t.Errorf("user_id %q", got[3].Plain)
	}
}

func TestEmptyAndOversizedBatches(t *testing.T) {
	g := &Gate{Engine: &fakeEngine{decl: decl()}, Vault: &fakeVault{}}
	var ie *store.InvalidError
	if _, err := g.Collect(context.Background(), "a", "t", "s", nil, false); !errors.As(err, &ie) {
		t.Errorf("empty: %v", err)
	}
	if _, err := g.Collect(context.Background(), "a", "t", "s", make([]Item, vault.MaxBatch+1), false); !errors.As(err, &ie) {
		t.Errorf("oversized: %v", err)
	}
}

func TestItemRedacts(t *testing.T) {
	it := Item{Field: "email", Purpose: "account", Value: "secret@example.com"}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "item", it)
	for _, s := range []string{fmt.Sprint(it), fmt.Sprintf("%+v", it), fmt.Sprintf("%#v", it), fmt.Sprintf("%s", it), b.String()} {
		if strings.Contains(s, "secret") {
			t.Errorf("an Item printed its value: %s", s)
		}
	}
}
