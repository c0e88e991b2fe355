package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/jobs"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
)

// wait bounds how long a test waits for something that must happen; it
// is a liveness bound, not a timing assertion.
const wait = 60 * time.Second

// backend is one database River runs on in the tests.
type backend struct {
	name string
	// options returns the Options of a fresh jobs database; calling the
	// same Options again reopens that database.
	options func(t testing.TB) jobs.Options
}

var backends = []backend{
	{"sqlite", func(t testing.TB) jobs.Options {
		return jobs.Options{SQLite: filepath.Join(t.TempDir(), "db", jobs.SQLiteFile)}
	}},
	{"postgres", func(t testing.TB) jobs.Options {
		return jobs.Options{Postgres: pgtest.Schema(t)} // skips when unreachable
	}},
}

func forEach(t *testing.T, body func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { body(t, b) })
	}
}

// fast shortens polling and retries for tests.
func fast(o jobs.Options) jobs.Options {
	o.PollInterval = 20 * time.Millisecond
	o.RetryPolicy = fixedRetry(10 * time.Millisecond)
	if testing.Verbose() {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return o
}

// fixedRetry retries a failed job after a fixed delay.
type fixedRetry time.Duration

func (d fixedRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Duration(d)) }

func open(t *testing.T, o jobs.Options) *jobs.Runner {
	t.Helper()
	r, err := jobs.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return r
}

func start(t *testing.T, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// pingArgs is a job that reports its id when it runs.
type pingArgs struct {
	ID string `json:"id"`
}

func (pingArgs) Kind() string { return "test.ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	ran chan *river.Job[pingArgs]
}

func newPing() *pingWorker { return &pingWorker{ran: make(chan *river.Job[pingArgs], 100)} }

func (w *pingWorker) Work(_ context.Context, j *river.Job[pingArgs]) error {
	w.ran <- j
	return nil
}

func (w *pingWorker) next(t *testing.T) *river.Job[pingArgs] {
	t.Helper()
	select {
	case j := <-w.ran:
		return j
	case <-time.After(wait):
		t.Fatalf("no job ran within %s", wait)
		return nil
	}
}

// waitState waits until job id is in state want.
func waitState(t *testing.T, r *jobs.Runner, id int64, want rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		j, err := r.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == want {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s, want %s", id, j.State, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// value reads counter c.
func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// waitCount waits until counter c reaches want.
func waitCount(t *testing.T, c prometheus.Counter, want float64) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for value(t, c) < want {
		if time.Now().After(deadline) {
			t.Fatalf("counter is %v, want %v", value(t, c), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestJobSurvivesRestart(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		o := fast(b.options(t))
		ctx := context.Background()

		first, err := jobs.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(first, newPing()); err != nil {
			t.Fatal(err)
		}
		res, err := first.Insert(ctx, pingArgs{ID: "req_1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}

		second := open(t, o) // migrations run again: a no-op
		w := newPing()
		if err := jobs.Register(second, w); err != nil {
			t.Fatal(err)
		}
		start(t, second)
		j := w.next(t)
		if j.ID != res.Job.ID || j.Args.ID != "req_1" {
			t.Fatalf("ran job %d %+v, want job %d req_1", j.ID, j.Args, res.Job.ID)
		}
		waitState(t, second, j.ID, rivertype.JobStateCompleted)
	})
}

// blockArgs is a job that runs until its context ends, the first time.
type blockArgs struct {
	ID string `json:"id"`
}

func (blockArgs) Kind() string { return "test.block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	block   bool
	started chan int // attempt numbers
}

func (w *blockWorker) Work(ctx context.Context, j *river.Job[blockArgs]) error {
	w.started <- j.Attempt
	if w.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestJobInterruptedByStopRunsAfterRestart(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		o := fast(b.options(t))
		ctx := context.Background()

		first, err := jobs.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		w1 := &blockWorker{block: true, started: make(chan int, 10)}
		if err := jobs.Register(first, w1); err != nil {
			t.Fatal(err)
		}
		if err := first.Start(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := first.Insert(ctx, blockArgs{ID: "dl_1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-w1.started:
		case <-time.After(wait):
			t.Fatal("the job never started")
		}
		// A stop whose grace has run out cancels the running job.
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := first.Stop(done); err != nil {
			t.Fatal(err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}

		second := open(t, o)
		w2 := &blockWorker{started: make(chan int, 10)}
		if err := jobs.Register(second, w2); err != nil {
			t.Fatal(err)
		}
		start(t, second)
		select {
		case attempt := <-w2.started:
			if attempt != 1 {
				t.Errorf("the interrupted run counted as an attempt: now attempt %d, want 1", attempt)
			}
		case <-time.After(wait):
			t.Fatal("the interrupted job did not run after the restart")
		}
		waitState(t, second, res.Job.ID, rivertype.JobStateCompleted)
	})
}

// flakyArgs is a job that fails until its attempt reaches SucceedAt (0:
// never).
type flakyArgs struct {
	SucceedAt int `json:"succeed_at"`
}

func (flakyArgs) Kind() string { return "test.flaky" }

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	runs atomic.Int32
}

func (w *flakyWorker) Work(_ context.Context, j *river.Job[flakyArgs]) error {
	w.runs.Add(1)
	if j.Args.SucceedAt == 0 || j.Attempt < j.Args.SucceedAt {
		return errors.New("upstream unavailable")
	}
	return nil
}

func TestFailingJobIsRetried(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		r := open(t, fast(b.options(t)))
		w := &flakyWorker{}
		if err := jobs.Register(r, w); err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewPedanticRegistry()
		for _, c := range r.Collectors() {
			if err := reg.Register(c); err != nil {
				t.Fatal(err)
			}
		}
		start(t, r)
		ctx := context.Background()
		ok, err := r.Insert(ctx, flakyArgs{SucceedAt: 3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		j := waitState(t, r, ok.Job.ID, rivertype.JobStateCompleted)
		if j.Attempt != 3 || len(j.Errors) != 2 {
			t.Errorf("completed at attempt %d with %d errors, want attempt 3 after 2 errors", j.Attempt, len(j.Errors))
		}

		bad, err := r.Insert(ctx, flakyArgs{}, &river.InsertOpts{MaxAttempts: 2})
		if err != nil {
			t.Fatal(err)
		}
		j = waitState(t, r, bad.Job.ID, rivertype.JobStateDiscarded)
		if j.Attempt != 2 {
			t.Errorf("discarded at attempt %d, want 2", j.Attempt)
		}

		m := r.Collectors()[0]
		waitCount(t, counter(m, "test.flaky", jobs.OutcomeCompleted), 1)
		waitCount(t, counter(m, "test.flaky", jobs.OutcomeRetried), 3) // 2 before success, 1 before discard
		waitCount(t, counter(m, "test.flaky", jobs.OutcomeFailed), 1)
		if n := w.runs.Load(); n != 5 {
			t.Errorf("worker ran %d times, want 5", n)
		}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		series := 0
		for _, mf := range mfs {
			series += len(mf.GetMetric())
		}
		if series != 4 { // three outcomes and one duration histogram
			t.Errorf("gathered %d series, want 4", series)
		}
	})
}

// counter returns the counter of kind and outcome in the runner's
// trustee_jobs_total.
func counter(c prometheus.Collector, kind, outcome string) prometheus.Counter {
	return c.(*prometheus.CounterVec).WithLabelValues(kind, outcome)
}

// tickArgs is a periodic job.
type tickArgs struct{}

func (tickArgs) Kind() string { return "test.tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ran chan struct{}
}

func (w *tickWorker) Work(context.Context, *river.Job[tickArgs]) error {
	select {
	case w.ran <- struct{}{}:
	default:
	}
	return nil
}

func TestPeriodicJobRuns(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		r := open(t, fast(b.options(t)))
		w := &tickWorker{ran: make(chan struct{}, 100)}
		if err := jobs.Register(r, w); err != nil {
			t.Fatal(err)
		}
		if err := r.Periodic(100*time.Millisecond, tickArgs{}); err == nil || !strings.Contains(err.Error(), "at least 1s") {
			t.Errorf("a period under a second: got %v, want an error", err)
		}
		if err := r.Periodic(time.Second, tickArgs{}); err != nil {
			t.Fatal(err)
		}
		if err := r.Periodic(time.Hour, tickArgs{}); err == nil {
			t.Error("a second periodic job of one kind: want an error")
		}
		start(t, r)
		for i := range 2 { // at start, then after a period
			select {
			case <-w.ran:
			case <-time.After(wait):
				t.Fatalf("periodic job ran %d times, want 2", i)
			}
		}
	})
}

func TestTwoRunnersOnOnePostgresSchema(t *testing.T) {
	o := fast(jobs.Options{Postgres: pgtest.Schema(t)})
	const period = 365 * 24 * time.Hour // runs at start only, in this test
	var runners [2]*jobs.Runner
	ticks := &tickWorker{ran: make(chan struct{}, 100)}
	pings := newPing()
	for i := range runners {
		r := open(t, o)
		if err := jobs.Register(r, ticks); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(r, pings); err != nil {
			t.Fatal(err)
		}
		if err := r.Periodic(period, tickArgs{}); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
		runners[i] = r
	}
	select {
	case <-ticks.ran:
	case <-time.After(wait):
		t.Fatal("the periodic job did not run")
	}
	// Both runners insert and the jobs run.
	ctx := context.Background()
	for i, r := range runners {
		if _, err := r.Insert(ctx, pingArgs{ID: fmt.Sprintf("n%d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	for range runners {
		got[pings.next(t).Args.ID] = true
	}
	if !got["n0"] || !got["n1"] {
		t.Errorf("ran %v, want n0 and n1", got)
	}

	conn, err := pgx.Connect(ctx, o.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var leaders int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM river_leader").Scan(&leaders); err != nil {
		t.Fatal(err)
	}
	if leaders != 1 {
		t.Errorf("%d leaders, want 1", leaders)
	}
	for _, r := range runners {
		sctx, cancel := context.WithTimeout(ctx, wait)
		if err := r.Stop(sctx); err != nil {
			t.Error(err)
		}
		cancel()
	}
	// Whichever runner led, and the other after it took over, the
	// periodic job was inserted once in its period.
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'test.tick'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the periodic job was inserted %d times, want 1", n)
	}
}

func TestBadOptions(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    jobs.Options
		want string
	}{
		{jobs.Options{}, "set Options.SQLite"},
		{jobs.Options{SQLite: "a.db", Postgres: "postgres://x"}, "choose one"},
		{jobs.Options{SQLite: filepath.Join(dir, "j.db"), Workers: -1}, "Options.Workers is -1"},
		{jobs.Options{SQLite: filepath.Join(dir, "j.db"), PollInterval: time.Nanosecond}, "at least 1ms"},
		{jobs.Options{SQLite: filepath.Join(dir, "j.db"), MaxAttempts: -2}, "Options.MaxAttempts"},
		{jobs.Options{SQLite: filepath.Join(dir, "j.db"), Schema: "river"}, "PostgreSQL only"},
		{jobs.Options{SQLite: filepath.Join(notADir, "j.db")}, "directory"},
		{jobs.Options{Postgres: "postgres://[::1"}, "does not parse"},
	} {
		r, err := jobs.Open(context.Background(), tc.o)
		if err == nil {
			r.Close()
			t.Errorf("%+v: no error", tc.o)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %q does not say %q", tc.o, err, tc.want)
		}
	}
}

func TestBadPostgresSchema(t *testing.T) {
	u := pgtest.Schema(t)
	_, err := jobs.Open(context.Background(), jobs.Options{Postgres: u, Schema: "no-dashes"})
	if err == nil || !strings.Contains(err.Error(), `schema "no-dashes"`) {
		t.Errorf("got %v, want an error naming the schema", err)
	}
}

func TestRegistrationEndsAtStart(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		r := open(t, fast(b.options(t)))
		if err := jobs.Register(r, newPing()); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(r, newPing()); err == nil {
			t.Error("a kind registered twice: want an error")
		}
		if _, err := r.Insert(context.Background(), tickArgs{}, nil); err == nil {
			t.Error("insert of a kind with no worker: want an error")
		}
		start(t, r)
		if err := jobs.Register(r, &tickWorker{}); !errors.Is(err, jobs.ErrStarted) {
			t.Errorf("register after start: got %v, want ErrStarted", err)
		}
		if err := r.Periodic(time.Minute, pingArgs{}); !errors.Is(err, jobs.ErrStarted) {
			t.Errorf("periodic after start: got %v, want ErrStarted", err)
		}
		if err := r.Start(context.Background()); !errors.Is(err, jobs.ErrStarted) {
			t.Errorf("second start: got %v, want ErrStarted", err)
		}
	})
}

func TestInsertRefusesPersonalData(t *testing.T) {
	r := open(t, fast(backends[0].options(t)))
	if err := jobs.Register(r, newPing()); err != nil {
		t.Fatal(err)
	}
	_, err := r.Insert(context.Background(), pingArgs{ID: "ana@example.com"}, nil)
	var ae *jobs.ArgsError
	if !errors.As(err, &ae) || !errors.Is(err, jobs.ErrPersonalData) || ae.Field != "id" {
		t.Fatalf("got %v, want an ArgsError on field id", err)
	}
	if strings.Contains(err.Error(), "ana") {
		t.Errorf("the error repeats the value: %v", err)
	}
}

func TestClockStampsJobs(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		at := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
		o := fast(b.options(t))
		o.Clock = clock.NewFake(at)
		r := open(t, o)
		w := newPing()
		if err := jobs.Register(r, w); err != nil {
			t.Fatal(err)
		}
		start(t, r)
		res, err := r.Insert(context.Background(), pingArgs{ID: "x"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Job.CreatedAt.Equal(at) {
			t.Errorf("created at %s, want the clock's %s", res.Job.CreatedAt, at)
		}
		w.next(t)
	})
}

func TestOptionsFromConfig(t *testing.T) {
	for _, tc := range []struct{ db, sqlite, pg, err string }{
		{db: "sqlite:///var/lib/trustee/db/trustee.db", sqlite: "/var/lib/trustee/db/jobs.db"},
		{db: "postgres://app@db/trustee?search_path=t1", pg: "postgres://app@db/trustee?search_path=t1"},
		{db: "sqlite:///var/lib/trustee/db/jobs.db", err: "rename"},
		{db: "sqlite://relative.db", err: "three slashes"},
		{db: "mysql://db", err: `scheme "mysql"`},
	} {
		o, err := jobs.OptionsFromConfig(configWith(tc.db))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want an error saying %q", tc.db, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.db, err)
		case o.SQLite != filepath.FromSlash(tc.sqlite) || o.Postgres != tc.pg || o.Workers != 3:
			t.Errorf("%s: got %+v", tc.db, o)
		}
	}
}
