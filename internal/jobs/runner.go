package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/trustee-dev/trustee/internal/clock"
)

// Defaults of [Options].
const (
	DefaultWorkers      = 8
	DefaultPollInterval = time.Second
	// hardStopGrace bounds how long Stop and Close wait for jobs whose
	// contexts they cancelled.
	hardStopGrace = 10 * time.Second
)

// Errors of the Runner's life cycle.
var (
	// ErrStarted is returned by [Register] and [Runner.Periodic] once the
	// runner's River client exists (after Start or the first Insert), and
	// by a second Start.
	ErrStarted = errors.New("jobs: the runner has started: register workers and periodic jobs before Start and the first Insert")
	// ErrClosed is returned by calls on a closed runner.
	ErrClosed = errors.New("jobs: the runner is closed")
)

// Options say where jobs live and how they run. Exactly one of SQLite and
// Postgres is set.
type Options struct {
	// SQLite is the path of River's own SQLite file (created 0600 if
	// missing), beside the store's database: see [OptionsFromConfig].
	SQLite string
	// Postgres is a postgres:// URL: River's tables live in that
	// database, in Schema.
	Postgres string
	// Schema is the PostgreSQL schema of River's tables; default the
	// connection's current schema (its search_path). Unused on SQLite.
	Schema string
	// Log receives the runner's and River's logs (ids, kinds, counts);
	// default none.
	Log *slog.Logger
	// Clock is the time River stamps and schedules jobs with. Default,
	// and for [clock.Real], River uses the database's clock; any other
	// clock (a test's [clock.Fake]) replaces it.
	Clock clock.Clock
	// Workers is how many jobs run at once on this node; default
	// [DefaultWorkers].
	Workers int
	// PollInterval is how often the runner looks for new jobs when no
	// notification told it of one; default [DefaultPollInterval]. Tests
	// shorten it.
	PollInterval time.Duration
	// RetryPolicy says when a failed job runs again; default River's
	// (attempt⁴ seconds with jitter: 1s, 16s, 81s, ...). Tests shorten it.
	RetryPolicy river.ClientRetryPolicy
	// MaxAttempts is how many times a job runs before it is discarded,
	// unless its InsertOpts say otherwise; default River's, 25.
	MaxAttempts int
}

// check validates o and fills in defaults.
func (o Options) check() (Options, error) {
	switch {
	case o.SQLite == "" && o.Postgres == "":
		return o, errors.New("jobs: no database: set Options.SQLite (a file path) or Options.Postgres (a postgres:// URL)")
	case o.SQLite != "" && o.Postgres != "":
		return o, errors.New("jobs: both Options.SQLite and Options.Postgres are set: choose one")
	case o.Workers < 0:
		return o, fmt.Errorf("jobs: Options.Workers is %d: give at least 1 (or 0 for the default %d)", o.Workers, DefaultWorkers)
	case o.PollInterval < 0 || (o.PollInterval > 0 && o.PollInterval < time.Millisecond):
		return o, fmt.Errorf("jobs: Options.PollInterval is %s: give at least 1ms (or 0 for the default %s)", o.PollInterval, DefaultPollInterval)
	case o.MaxAttempts < 0:
		return o, fmt.Errorf("jobs: Options.MaxAttempts is %d: give at least 1 (or 0 for River's default)", o.MaxAttempts)
	case o.Schema != "" && o.Postgres == "":
		return o, errors.New("jobs: Options.Schema is for PostgreSQL only: leave it empty with SQLite")
	}
	if o.Workers == 0 {
		o.Workers = DefaultWorkers
	}
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// riverLog is the logger River gets: the runner's, with River's records
// marked as such and the noise of a stop demoted (see stopHandler).
func (r *Runner) riverLog() *slog.Logger {
	return slog.New(stopHandler{r.o.Log.Handler(), &r.stopping}).With("component", "river")
}

// Runner runs jobs on River. Its methods are safe for concurrent use.
type Runner struct {
	o       Options
	db      *backend
	schema  string
	workers *river.Workers
	metrics *metrics

	mu       sync.Mutex
	periodic []*river.PeriodicJob
	ids      map[string]bool // periodic job ids (kinds)
	client   client          // made by freeze
	started  bool
	stopped  bool
	closed   bool
	consumed chan struct{} // closed when the metrics consumer ends
	stopping atomic.Bool   // Stop or Close has begun
}

// Open opens the jobs database named by o, creating River's tables or
// migrating them to this River version. Register workers and periodic jobs
// next, then Start. Close the Runner when done.
func Open(ctx context.Context, o Options) (*Runner, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	r := &Runner{o: o, workers: river.NewWorkers(), metrics: newMetrics(), ids: map[string]bool{}}
	if o.SQLite != "" {
		r.db, err = openSQLite(ctx, o.SQLite, o)
	} else {
		r.db, r.schema, err = openPostgres(ctx, o.Postgres, o)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Register adds the worker of job kind T to r. Call it before
// [Runner.Start] and the first [Runner.Insert]; a kind registered twice is
// an error.
func Register[T river.JobArgs](r *Runner, w river.Worker[T]) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.mutable(); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(r.workers, w); err != nil {
		var zero T
		return fmt.Errorf("jobs: register %s: %w", zero.Kind(), err)
	}
	return nil
}

// Periodic makes r insert args every period (at least a second), and once
// at start. Call it
// before [Runner.Start]; the worker of args' kind must be registered. One
// periodic job per kind.
//
// On several nodes sharing a database, only River's elected leader inserts
// periodic jobs, so two nodes never run the same one at once; each insert
// is also unique within its period (UniqueOpts.ByPeriod), which covers a
// change of leader. The job then runs on whichever node fetches it.
func (r *Runner) Periodic(every time.Duration, args river.JobArgs) error {
	if every < time.Second {
		return fmt.Errorf("jobs: periodic %s: period %s: give at least 1s", args.Kind(), every)
	}
	if err := CheckArgs(args); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.mutable(); err != nil {
		return err
	}
	kind := args.Kind()
	if r.ids[kind] {
		return fmt.Errorf("jobs: periodic %s is already scheduled: one periodic job per kind", kind)
	}
	r.ids[kind] = true
	r.periodic = append(r.periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: every}}
		},
		&river.PeriodicJobOpts{ID: kind, RunOnStart: true}))
	return nil
}

// mutable reports whether workers and periodic jobs may still be added.
// r.mu is held.
func (r *Runner) mutable() error {
	switch {
	case r.closed:
		return ErrClosed
	case r.client != nil:
		return ErrStarted
	}
	return nil
}

// freeze makes the River client from what was registered. r.mu is held.
func (r *Runner) freeze() error {
	if r.closed {
		return ErrClosed
	}
	if r.client != nil {
		return nil
	}
	cfg := &river.Config{
		FetchCooldown:     min(100*time.Millisecond, r.o.PollInterval),
		FetchPollInterval: r.o.PollInterval,
		Logger:            r.riverLog(),
		MaxAttempts:       r.o.MaxAttempts,
		PeriodicJobs:      r.periodic,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: r.o.Workers}},
		RetryPolicy:       r.o.RetryPolicy,
		Schema:            r.schema,
		Workers:           r.workers,
	}
	if c := r.o.Clock; c != nil {
		if _, real := c.(clock.Real); !real {
			cfg.Test.Time = timeGen{c}
		}
	}
	c, err := r.db.newClient(cfg)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	r.client = c
	return nil
}

// Start starts working jobs in the background until [Runner.Stop]; ctx
// bounds the start only. A runner starts once.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return ErrStarted
	}
	if err := r.freeze(); err != nil {
		return err
	}
	events, unsubscribe := r.client.Subscribe(eventKinds...) // closed when the client stops
	r.consumed = make(chan struct{})
	go func() {
		defer close(r.consumed)
		r.metrics.consume(events, r.o.Log)
	}()
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		unsubscribe()
		<-r.consumed
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.started = true
	r.o.Log.Info("jobs: runner started", "database", r.db.name, "workers", r.o.Workers, "periodic", len(r.periodic))
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish. If
// ctx ends first, it cancels the running jobs' contexts and waits a little
// longer: a job that returns because its context was cancelled is not
// counted as an attempt and runs again at the next start. Stop on a
// runner that never started does nothing.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop(ctx)
}

// stop is Stop with r.mu held.
func (r *Runner) stop(ctx context.Context) error {
	if !r.started || r.stopped {
		return nil
	}
	r.stopping.Store(true)
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		r.o.Log.Warn("jobs: running jobs did not finish in time: cancelling them")
		hctx, cancel := context.WithTimeout(context.Background(), hardStopGrace)
		defer cancel()
		if herr := r.client.StopAndCancel(hctx); herr != nil {
			return fmt.Errorf("jobs: stop: jobs still running %s after their contexts were cancelled: %w", hardStopGrace, herr)
		}
		err = nil
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	r.stopped = true
	<-r.consumed
	r.o.Log.Info("jobs: runner stopped")
	return nil
}

// Close stops the runner if it still runs (cancelling running jobs) and
// closes the jobs database. Calls after the first do nothing.
func (r *Runner) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace: Close is the hard way; Stop is the soft one
	err := r.stop(ctx)
	r.closed = true
	return errors.Join(err, r.db.close())
}

// Insert adds a job: it runs as soon as a worker is free, or at
// opts.ScheduledAt. args must pass [CheckArgs] and its kind must be
// registered. Insert before Start is allowed (the job waits for a started
// runner, here or on another node) and ends registration as Start does.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	r.mu.Lock()
	err := r.freeze()
	c := r.client
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	res, err := c.Insert(ctx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res, nil
}

// Job returns the job with id as River stores it (state, attempts,
// errors), for operators and tests.
func (r *Runner) Job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	r.mu.Lock()
	err := r.freeze()
	c := r.client
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	j, err := c.JobGet(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("jobs: job %d: %w", id, err)
	}
	return j, nil
}

// Collectors returns the runner's Prometheus collectors, for the caller to
// register: trustee_jobs_total{kind,outcome} and
// trustee_job_duration_seconds{kind}.
func (r *Runner) Collectors() []prometheus.Collector {
	return []prometheus.Collector{r.metrics.runs, r.metrics.duration}
}

// timeGen gives River a trustee clock.
type timeGen struct{ c clock.Clock }

var _ rivertype.TimeGenerator = timeGen{}

func (g timeGen) Now() time.Time { return g.c.Now() }

func (g timeGen) NowOrNil() *time.Time {
	t := g.c.Now()
	return &t
}
