package cli

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/trustee-dev/trustee/internal/jobs"
	"github.com/trustee-dev/trustee/internal/retention"
	"github.com/trustee-dev/trustee/internal/store"
)

func init() { jobSetups = append(jobSetups, setupRetention) }

// retentionEvery is how often serve sweeps the retention rules, on
// whichever node leads.
const retentionEvery = rightsSweepEvery

// retentionSweepArgs is the periodic retention sweep.
type retentionSweepArgs struct{}

// Kind names the job.
func (retentionSweepArgs) Kind() string { return "retention.sweep" }

// retentionSweepWorker sweeps every tenant's active declaration.
type retentionSweepWorker struct {
	river.WorkerDefaults[retentionSweepArgs]
	e       *env
	p       *parts
	metrics *retention.Metrics
}

// Work runs [retention.Sweeper.Run] at the clock's now for every tenant
// with an active declaration. A sweep is idempotent: one stopped halfway
// is carried on by the next.
func (w *retentionSweepWorker) Work(ctx context.Context, _ *river.Job[retentionSweepArgs]) error {
	var tenants []store.Tenant
	err := w.p.v.Store().Read(ctx, func(rd store.Reader) error {
		var err error
		tenants, err = store.AllPages(func(p store.Page) ([]store.Tenant, string, error) { return rd.ListTenants(ctx, p) })
		return err
	})
	if err != nil {
		return err
	}
	now := w.e.clock.Now()
	var errs []error
	for _, t := range tenants {
		d, err := w.p.src.ActiveDeclaration(ctx, t.ID)
		if noDeclaration(err) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s := &retention.Sweeper{Vault: w.p.v, Metrics: w.metrics}
		res, err := s.Run(ctx, d, t.ID, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if res.Deleted > 0 || res.Held > 0 || res.Skipped > 0 {
			w.e.log.Info("retention sweep", "tenant", t.ID, "deleted", res.Deleted, "held", res.Held,
				"skipped", res.Skipped, "batches", res.Batches)
		}
	}
	return errors.Join(errs...)
}

// setupRetention registers the retention sweep, every minute and at
// start.
func setupRetention(e *env, r *jobs.Runner, p *parts) error {
	m := retention.NewMetrics()
	if err := jobs.Register(r, &retentionSweepWorker{e: e, p: p, metrics: m}); err != nil {
		return err
	}
	p.collectors = append(p.collectors, m.Collectors()...)
	return r.Periodic(retentionEvery, retentionSweepArgs{})
}
