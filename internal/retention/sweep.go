package retention

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// DefaultBatch is how many records a sweep deletes per transaction when
// [Sweeper.Batch] is zero.
const DefaultBatch = 5000

// DefaultActor is the actor of the audit entries a sweep writes when
// [Sweeper.Actor] is empty.
const DefaultActor = "system:retention"

// Result says what a sweep did.
type Result struct {
	// Deleted is how many records were deleted; ByRule splits it by rule
	// id.
	Deleted int64            `json:"deleted"`
	ByRule  map[string]int64 `json:"by_rule,omitempty"`
	// Held and Skipped count the due records kept by a legal hold or
	// because the action cannot be carried out (see [StatusSkipped]).
	Held    int `json:"held"`
	Skipped int `json:"skipped"`
	// NotEvaluable lists the ids of the rules whose trigger has no
	// stored event yet.
	NotEvaluable []string `json:"not_evaluable,omitempty"`
	// Batches is how many transactions deleted records.
	Batches int `json:"batches"`
}

// Progress is reported after each batch of a sweep.
type Progress struct {
	Tenant string
	// Done is how many due records have been handled (deleted, or gone
	// already), of Total.
	Done, Total int
	Deleted     int64
}

// Sweeper deletes what the retention rules make due. The zero value
// needs Vault set.
type Sweeper struct {
	Vault *vault.Vault
	// Actor names the sweep in audit entries; default [DefaultActor].
	Actor string
	// Batch is how many records each transaction deletes; default
	// [DefaultBatch].
	Batch int
	// Metrics, when set, counts what the sweep deletes.
	Metrics *Metrics
	// Progress, when set, is called after each batch.
	Progress func(Progress)
}

// Sweep runs a [Sweeper] over v with batches of batch records.
func Sweep(ctx context.Context, v *vault.Vault, decl *policy.Declaration, tenant string, at time.Time, batch int) (Result, error) {
	return (&Sweeper{Vault: v, Batch: batch}).Run(ctx, decl, tenant, at)
}

// Run deletes the records [Plan] lists as due in the tenant at at. Each
// batch is one transaction, audited per subject as "record.delete" with
// the reason "retention:<rule id>" ([vault.Vault.DeleteRecords]); a sweep
// stopped halfway (a crash, a cancelled context) leaves whole batches
// deleted, and running it again carries on: what is deleted is not
// planned again, so a second run deletes nothing. Before each batch the
// tenant's active holds are read again, and the records a hold placed
// since the plan covers are kept.
func (s *Sweeper) Run(ctx context.Context, decl *policy.Declaration, tenant string, at time.Time) (res Result, err error) {
	if s.Vault == nil {
		return Result{}, errors.New("retention: Sweeper.Vault is not set")
	}
	start := time.Now()
	defer func() { s.Metrics.observe(time.Since(start), err) }()
	st := s.Vault.Store()
	items, err := Plan(ctx, st, decl, tenant, at)
	if err != nil {
		return Result{}, err
	}
	res.ByRule = map[string]int64{}
	var due []Item
	total := 0
	for _, it := range items {
		switch it.Status {
		case StatusDue:
			due = append(due, it)
			total += it.Count
		case StatusHeld:
			res.Held += it.Count
		case StatusSkipped:
			res.Skipped += it.Count
		case StatusNotEvaluable:
			res.NotEvaluable = append(res.NotEvaluable, it.Rule)
		}
	}
	batch := s.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	actor := s.Actor
	if actor == "" {
		actor = DefaultActor
	}
	var (
		sets  []vault.RecordSet
		rules []string
		fids  []string // field of each set, for the hold check
		n     int
		done  int
	)
	flush := func() error {
		if n == 0 {
			return nil
		}
		keep, rs, held, err := s.recheck(ctx, tenant, decl, sets, fids, rules)
		if err != nil {
			return err
		}
		res.Held += held
		deleted, err := s.Vault.DeleteRecords(ctx, actor, tenant, keep)
		if err != nil {
			return fmt.Errorf("retention: sweep tenant %s: %w", tenant, err)
		}
		res.Batches++
		res.Deleted += deleted
		s.attribute(&res, keep, rs, deleted)
		done += n
		sets, rules, fids, n = sets[:0], rules[:0], fids[:0], 0
		if s.Progress != nil {
			s.Progress(Progress{Tenant: tenant, Done: done, Total: total, Deleted: res.Deleted})
		}
		return nil
	}
	for _, it := range due {
		ids := it.Records
		for len(ids) > 0 {
			k := min(len(ids), batch-n)
			sets = append(sets, vault.RecordSet{Subject: it.Subject, IDs: ids[:k], Reason: "retention:" + it.Rule})
			rules = append(rules, it.Rule)
			fids = append(fids, it.Field)
			ids, n = ids[k:], n+k
			if n >= batch {
				if err := flush(); err != nil {
					return res, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	return res, nil
}

// attribute splits deleted among the rules of the sets. When every asked
// record was there the split is exact; otherwise (records deleted
// meanwhile) the remainder goes to the sets in order.
func (s *Sweeper) attribute(res *Result, sets []vault.RecordSet, rules []string, deleted int64) {
	left := deleted
	for i, set := range sets {
		k := min(int64(len(set.IDs)), left)
		if k == 0 {
			break
		}
		res.ByRule[rules[i]] += k
		s.Metrics.deleted(rules[i], k)
		left -= k
	}
}

// recheck reads the tenant's active holds again and drops the sets a hold
// placed since the plan covers, returning the sets kept, their rules and
// how many records were dropped.
func (s *Sweeper) recheck(ctx context.Context, tenant string, decl *policy.Declaration, sets []vault.RecordSet, fields, rules []string) ([]vault.RecordSet, []string, int, error) {
	var holds []store.Hold
	err := s.Vault.Store().Read(ctx, func(rd store.Reader) error {
		var err error
		holds, err = store.AllPages(func(pg store.Page) ([]store.Hold, string, error) {
			return rd.ListHolds(ctx, tenant, store.HoldFilter{ActiveOnly: true}, pg)
		})
		return err
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("retention: sweep tenant %s: holds: %w", tenant, err)
	}
	if len(holds) == 0 {
		return slices.Clone(sets), slices.Clone(rules), 0, nil
	}
	p := &planner{holds: holds, fieldCat: fieldCategories(decl)}
	var ks []vault.RecordSet
	var kr []string
	held := 0
	for i, set := range sets {
		if len(p.held(set.Subject, fields[i])) > 0 {
			held += len(set.IDs)
			continue
		}
		ks, kr = append(ks, set), append(kr, rules[i])
	}
	return ks, kr, held, nil
}

// fieldCategories maps each declared field to its category id and, when
// different, the category's taxonomy id.
func fieldCategories(decl *policy.Declaration) map[string][]string {
	cats := map[string]string{}
	for _, c := range decl.Categories {
		cats[c.ID] = c.Taxonomy
	}
	out := make(map[string][]string, len(decl.Fields))
	for _, f := range decl.Fields {
		cs := []string{f.Category}
		if t := cats[f.Category]; t != "" && t != f.Category {
			cs = append(cs, t)
		}
		out[f.ID] = cs
	}
	return out
}

// Metrics are the Prometheus metrics of retention sweeps. A nil *Metrics
// counts nothing.
type Metrics struct {
	deletedTotal *prometheus.CounterVec
	duration     *prometheus.HistogramVec
}

// NewMetrics returns unregistered metrics; register [Metrics.Collectors].
func NewMetrics() *Metrics {
	return &Metrics{
		deletedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trustee_retention_records_deleted_total",
			Help: "Records deleted by retention sweeps, by retention rule id.",
		}, []string{"rule"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "trustee_retention_sweep_duration_seconds",
			Help:    "How long one tenant's retention sweep took, by outcome (ok or error).",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 9),
		}, []string{"outcome"}),
	}
}

// Collectors returns the metrics to register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.deletedTotal, m.duration}
}

func (m *Metrics) deleted(rule string, n int64) {
	if m != nil {
		m.deletedTotal.WithLabelValues(rule).Add(float64(n))
	}
}

func (m *Metrics) observe(d time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.duration.WithLabelValues(outcome).Observe(d.Seconds())
}
