// Package collect is the collection gate: every value a tenant sends about a
// subject passes the decision engine (declared? for this purpose? on a legal
// basis? consented? old enough? permission on? region declared?) before it
// reaches the vault. A batch is all or nothing: one refusal and nothing is
// stored.
//
// # Hashing and lookup
//
// A field declared with hashing sha256 is stored as the hex SHA-256 of its
// value; one declared hmac_sha256 as the hex of its keyed blind index (a
// truncated HMAC-SHA256 under a key of the tenant and field), after
// identifier normalisation when the field holds a device identifier. A
// field declared with a lookup gets a blind index of its value, normalised
// as the lookup says, so the subject can later be found by it.
package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// Item is one value offered for collection. It redacts Value when logged
// or formatted.
type Item struct {
	Field   string
	Purpose string
	// Value is the value in clear.
	Value string
	// Device is the pseudonymous device the value comes from; "" when
	// none, and then OS permissions are not checked.
	Device string
	// Region is where the value is to be stored; "" is the declaration's
	// first storage region.
	Region string
}

// LogValue logs the item's field, purpose and size, never the value.
func (it Item) LogValue() slog.Value {
	return slog.GroupValue(slog.String("field", it.Field), slog.String("purpose", it.Purpose), slog.Int("bytes", len(it.Value)))
}

// String describes the item as LogValue does.
func (it Item) String() string {
	return fmt.Sprintf("collect.Item{field=%s purpose=%s value=REDACTED(%d bytes)}", it.Field, it.Purpose, len(it.Value))
}

// Format implements fmt.Formatter, so that no verb prints Value.
func (it Item) Format(f fmt.State, _ rune) { fmt.Fprint(f, it.String()) }

// Refusal is the error of a batch the gate refused: the first item refused
// and the engine's decision on it. Nothing of the batch was stored.
type Refusal struct {
	// Index is the item's position in the batch.
	Index    int
	Decision consent.Decision
}

// Error names the item, the reason and the rule, never a value.
func (r *Refusal) Error() string {
	return "collect: records[" + strconv.Itoa(r.Index) + "] refused: " + string(r.Decision.Reason) + ": " + r.Decision.Detail
}

// Decider decides one query; *consent.Engine is one.
type Decider interface {
	Decide(ctx context.Context, q consent.Query) (consent.Decision, error)
	// Declaration returns the tenant's active declaration, the one the
	// decisions are made against.
	Declaration(ctx context.Context, tenant string) (*policy.Declaration, error)
}

// Vault is what the gate needs of the vault; *vault.Vault is one.
type Vault interface {
	EnsureSubject(ctx context.Context, actor, tenant, id string) (store.Subject, bool, error)
	PutRecords(ctx context.Context, actor, tenant, subject string, values []vault.Value) ([]string, error)
	BlindIndex(ctx context.Context, tenant, field string, kind keys.Normalization, value string) ([]byte, error)
}

var (
	_ Decider = (*consent.Engine)(nil)
	_ Vault   = (*vault.Vault)(nil)
)

// Gate lets into the vault only what the tenant's declaration and the
// subject's state allow. It is safe for concurrent use.
type Gate struct {
	Engine  Decider
	Vault   Vault
	Metrics *Metrics // nil: not measured
}

// Collect decides every item of batch for the subject, in order, with gpc
// saying the request carried Sec-GPC: 1. If one is refused it returns a
// *[Refusal] for the first and stores nothing. Otherwise it creates the
// subject if it is new and stores the batch in the vault, one transaction
// audited as record.create, and returns the record ids in batch order.
func (g *Gate) Collect(ctx context.Context, actor, tenant, subject string, batch []Item, gpc bool) ([]string, error) {
	if len(batch) == 0 {
		return nil, &store.InvalidError{Field: "records", Reason: "empty: send at least one record"}
	}
	if len(batch) > vault.MaxBatch {
		return nil, &store.InvalidError{Field: "records", Reason: "more than " + strconv.Itoa(vault.MaxBatch) + " records"}
	}
	var refusal *Refusal
	for i, it := range batch {
		d, err := g.Engine.Decide(ctx, consent.Query{Tenant: tenant, Subject: subject, Field: it.Field, Purpose: it.Purpose,
			Device: it.Device, Region: it.Region, GPC: gpc})
		if err != nil {
			return nil, fmt.Errorf("collect: decide records[%d]: %w", i, err)
		}
		g.Metrics.decided(d)
		if !d.Allowed && refusal == nil {
			refusal = &Refusal{Index: i, Decision: d}
		}
	}
	if refusal != nil {
		g.Metrics.refused(refusal.Decision.Reason)
		return nil, refusal
	}
	decl, err := g.Engine.Declaration(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	fields := make(map[string]*policy.Field, len(decl.Fields))
	for i := range decl.Fields {
		fields[decl.Fields[i].ID] = &decl.Fields[i]
	}
	values := make([]vault.Value, len(batch))
	for i, it := range batch {
		f := fields[it.Field] // declared: the engine said so
		plain, lookup, err := g.prepare(ctx, tenant, f, it.Value)
		if err != nil {
			return nil, fmt.Errorf("collect: records[%d]: %w", i, err)
		}
		values[i] = vault.Value{Field: it.Field, Purpose: it.Purpose, Plain: plain, Lookup: lookup, Device: it.Device, Region: it.Region}
	}
	// Most batches are of known subjects: try first, and create the
	// subject only when it is new, so the common case is one write.
	ids, err := g.Vault.PutRecords(ctx, actor, tenant, subject, values)
	if errors.Is(err, store.ErrNotFound) {
		if _, _, err = g.Vault.EnsureSubject(ctx, actor, tenant, subject); err != nil {
			return nil, fmt.Errorf("collect: %w", err)
		}
		ids, err = g.Vault.PutRecords(ctx, actor, tenant, subject, values)
	}
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	return ids, nil
}

// prepare returns what the vault stores of a value of field f: the value,
// or its hash when the field is declared hashed, and how to index it.
func (g *Gate) prepare(ctx context.Context, tenant string, f *policy.Field, value string) ([]byte, keys.Normalization, error) {
	lookup := LookupOf(f.Lookup)
	switch f.Hashing {
	case "sha256":
		h := sha256.Sum256([]byte(value))
		return hashed(h[:], lookup)
	case "hmac_sha256":
		norm := lookup
		if f.Identifier != "" {
			norm = keys.NormIdentifier
		}
		h, err := g.Vault.BlindIndex(ctx, tenant, f.ID, norm, value)
		if err != nil {
			return nil, 0, err
		}
		return hashed(h, lookup)
	}
	return []byte(value), lookup, nil
}

// hashed returns a digest as stored: in hex, indexed as an identifier when
// the field has a lookup (the digest is what a lookup then searches for).
func hashed(sum []byte, lookup keys.Normalization) ([]byte, keys.Normalization, error) {
	if lookup != keys.NormNone {
		lookup = keys.NormIdentifier
	}
	return []byte(hex.EncodeToString(sum)), lookup, nil
}

// LookupOf returns the normalisation of a declared lookup: email, phone or
// identifier. "exact" and "" give keys.NormNone, which the vault takes as
// "not indexed".
func LookupOf(lookup string) keys.Normalization {
	switch lookup {
	case "email":
		return keys.NormEmail
	case "phone":
		return keys.NormPhone
	case "identifier":
		return keys.NormIdentifier
	}
	return keys.NormNone
}

// Metrics counts the gate's decisions and refusals, by reason.
type Metrics struct {
	decisions map[consent.Reason]prometheus.Counter
	refusals  map[consent.Reason]prometheus.Counter
}

// NewMetrics registers trustee_decisions_total and
// trustee_collect_refusals_total on reg, with a series for every reason.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	dec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trustee_decisions_total", Help: "Decisions of the consent engine (collection and GET /v1/decisions), by reason.",
	}, []string{"reason"})
	ref := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trustee_collect_refusals_total", Help: "Collection batches refused, by the reason of the first refusal.",
	}, []string{"reason"})
	for _, c := range []prometheus.Collector{dec, ref} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m := &Metrics{decisions: map[consent.Reason]prometheus.Counter{}, refusals: map[consent.Reason]prometheus.Counter{}}
	for _, r := range consent.Reasons() {
		m.decisions[r] = dec.WithLabelValues(string(r))
		if r != consent.ReasonOK {
			m.refusals[r] = ref.WithLabelValues(string(r))
		}
	}
	return m, nil
}

// Decided counts one decision.
func (m *Metrics) Decided(d consent.Decision) { m.decided(d) }

func (m *Metrics) decided(d consent.Decision) {
	if m == nil {
		return
	}
	if c, ok := m.decisions[d.Reason]; ok {
		c.Inc()
	}
}

func (m *Metrics) refused(r consent.Reason) {
	if m == nil {
		return
	}
	if c, ok := m.refusals[r]; ok {
		c.Inc()
	}
}
