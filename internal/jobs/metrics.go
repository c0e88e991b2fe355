package jobs

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Outcomes of a job run, the values of the outcome label of
// trustee_jobs_total.
const (
	OutcomeCompleted = "completed" // the worker returned nil
	OutcomeRetried   = "retried"   // it failed and will run again
	OutcomeFailed    = "failed"    // it failed for the last time: discarded
	OutcomeCancelled = "cancelled" // the worker cancelled it (river.JobCancel)
)

// metrics counts finished job runs by kind and outcome, from River's event
// subscription.
type metrics struct {
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	return &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trustee_jobs_total",
			Help: "Job runs by kind and outcome (completed, retried, failed, cancelled).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "trustee_job_duration_seconds",
			Help:    "Time a job's worker ran, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"kind"}),
	}
}

// eventKinds are the events metrics consumes.
var eventKinds = []river.EventKind{river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled}

// consume counts the events of ch until it is closed (when the client
// stops), and logs failures with the job's id, kind and attempt only: the
// error text stays in the jobs table.
func (m *metrics) consume(ch <-chan *river.Event, log *slog.Logger) {
	for ev := range ch {
		if ev == nil || ev.Job == nil {
			continue
		}
		kind := ev.Job.Kind
		outcome := ""
		switch ev.Kind {
		case river.EventKindJobCompleted:
			outcome = OutcomeCompleted
		case river.EventKindJobCancelled:
			outcome = OutcomeCancelled
		case river.EventKindJobFailed:
			outcome = OutcomeRetried
			if ev.Job.State == rivertype.JobStateDiscarded {
				outcome = OutcomeFailed
			}
			log.Warn("job failed", "job_id", ev.Job.ID, "kind", kind, "attempt", ev.Job.Attempt,
				"max_attempts", ev.Job.MaxAttempts, "outcome", outcome)
		default:
			continue
		}
		m.runs.WithLabelValues(kind, outcome).Inc()
		if ev.JobStats != nil {
			m.duration.WithLabelValues(kind).Observe(ev.JobStats.RunDuration.Seconds())
		}
	}
}
