package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/trustee-dev/trustee/internal/jobs"
	"github.com/trustee-dev/trustee/internal/vault"
)

// jobSetups register the background jobs of trustee serve, one function
// per feature, before the runner starts: workers with [jobs.Register],
// periodic jobs with [jobs.Runner.Periodic]. A feature adds its own from a
// file of its own:
//
//	func init() { jobSetups = append(jobSetups, setupRetention) }
//
// Job args hold ids and codes only (see package jobs).
var jobSetups = []func(e *env, r *jobs.Runner, p *parts) error{setupReconcileShreds, setupRights}

// openJobs opens the job runner beside the vault's database, not started.
// Close it with closeJobs, or start it with startJobs and stop it with
// stopJobs, before the vault closes.
func (e *env) openJobs(ctx context.Context) (*jobs.Runner, error) {
	o, err := jobs.OptionsFromConfig(e.cfg)
	if err != nil {
		return nil, &ExitError{Code: ExitBadInput, Err: err}
	}
	o.Log, o.Clock = e.log, e.clock
	r, err := jobs.Open(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("open the job runner: %w", err)
	}
	return r, nil
}

// startJobs runs every jobSetups function over p, registers the runner's
// metrics on reg and starts the runner.
func (e *env) startJobs(ctx context.Context, p *parts, reg prometheus.Registerer) error {
	for _, setup := range jobSetups {
		if err := setup(e, p.runner, p); err != nil {
			return err
		}
	}
	for _, c := range append(p.runner.Collectors(), p.collectors...) {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("job metrics: %w", err)
		}
	}
	return p.runner.Start(ctx)
}

// stopJobs lets running jobs finish within the shutdown timeout (then
// cancels them: they run again at the next start) and closes the runner.
func (e *env) stopJobs(r *jobs.Runner) {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		e.log.Error("stopping the job runner", "err", err)
	}
	if err := r.Close(); err != nil {
		e.log.Error("closing the job runner", "err", err)
	}
}

// reconcileShredsEvery is how often serve finishes shreds that a crash or a
// lost connection left halfway, on whichever node leads.
const reconcileShredsEvery = time.Minute

// reconcileShredsArgs is the periodic job that runs
// [vault.Vault.ReconcileShreds].
type reconcileShredsArgs struct{}

// Kind names the job.
func (reconcileShredsArgs) Kind() string { return "vault.reconcile_shreds" }

// reconcileShredsWorker runs [vault.Vault.ReconcileShreds].
type reconcileShredsWorker struct {
	river.WorkerDefaults[reconcileShredsArgs]
	e *env
	v *vault.Vault
}

// Work finishes pending shreds and logs how many it finished.
func (w *reconcileShredsWorker) Work(ctx context.Context, _ *river.Job[reconcileShredsArgs]) error {
	n, err := w.v.ReconcileShreds(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.e.log.Info("finished shreds left halfway", "subjects", n)
	}
	return nil
}

// setupReconcileShreds registers the reconcile_shreds job, every minute and
// at start.
func setupReconcileShreds(e *env, r *jobs.Runner, p *parts) error {
	if err := jobs.Register(r, &reconcileShredsWorker{e: e, v: p.v}); err != nil {
		return err
	}
	return r.Periodic(reconcileShredsEvery, reconcileShredsArgs{})
}
