package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/collect"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/drp"
	"github.com/trustee-dev/trustee/internal/jobs"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// followEvery is how often a node polls the audit log for changes other
// nodes made (consent, subjects, declarations), so that its decision
// engine's caches stay current when several nodes share one database.
const followEvery = 500 * time.Millisecond

// parts are what trustee serve runs over one vault: the decision engine,
// the rights services, the router of entrusted parties' requests and the
// DRP endpoints, all sharing one job runner.
type parts struct {
	v      *vault.Vault
	runner *jobs.Runner
	src    *consent.StoreSource
	eng    *consent.Engine
	ledger *consent.Ledger
	rights *rights.Service
	fulfil *rights.Fulfiller
	router *routing.Router
	drp    *drp.Handler
	// collectors are the features' metrics, registered by startJobs.
	collectors []prometheus.Collector
}

// newParts builds the services over v and runner (opened, not started).
func (e *env) newParts(v *vault.Vault, runner *jobs.Runner) (*parts, error) {
	p := &parts{v: v, runner: runner, src: consent.NewStoreSource(v.Store())}
	p.eng = consent.NewEngine(p.src, consent.WithLogger(e.log))
	p.ledger = &consent.Ledger{Store: v.Store(), Source: p.src, Engine: p.eng}
	p.rights = &rights.Service{Store: v.Store(), Clock: e.clock, Declaration: p.src.ActiveDeclaration, OnChange: p.requestChanged(e),
		Metrics: rights.NewMetrics()}
	p.fulfil = &rights.Fulfiller{Service: p.rights, Vault: v, Ledger: p.ledger, Invalidate: p.eng.Invalidate,
		// An erasure returns once the data is unreadable; the purge of its
		// rows and objects is the reconcile job's, queued now (and run
		// every minute anyway), so job args never name a subject.
		Purge: func(ctx context.Context, _, _ string) error {
			_, err := runner.Insert(ctx, reconcileShredsArgs{}, nil)
			return err
		}}
	p.router = &routing.Router{Store: v.Store(), Keys: v.Keys(), Clock: e.clock, Create: p.rights.Create, Enqueue: routing.JobEnqueuer(runner)}
	key, err := drp.LoadOrCreateKey(filepath.Join(filepath.Dir(e.cfg.AuditKeyPath()), "drp.key"))
	if err != nil {
		return nil, err
	}
	p.drp = &drp.Handler{Requests: p.rights, Store: v.Store(), Agents: drp.StoreAgents(v.Store()), Key: key,
		Identify: p.identify, Declaration: p.src.ActiveDeclaration, Clock: e.clock, Log: e.log,
		Tenant: func(r *http.Request) (string, error) { return r.PathValue("tenant"), nil }}
	return p, nil
}

// identify matches an agent's verified claims to a subject: by e-mail,
// then by phone number, through the blind index.
func (p *parts) identify(ctx context.Context, tenant string, c drp.Claims) (string, error) {
	d, err := p.src.ActiveDeclaration(ctx, tenant)
	if err != nil {
		return "", err
	}
	for _, try := range []struct {
		lookup, value string
		verified      bool
	}{{"email", c.Email, c.EmailVerified}, {"phone", c.PhoneNumber, c.PhoneNumberVerified}} {
		if try.value == "" || !try.verified {
			continue
		}
		ids, err := collect.Identify(ctx, p.v, d, tenant, try.lookup, try.value)
		if err != nil {
			return "", err
		}
		if len(ids) == 1 {
			return ids[0], nil
		}
	}
	return "", nil
}

// senders returns the configured e-mail and SMS senders, nil when not
// configured.
func (e *env) senders() (email, sms notify.Sender, err error) {
	if e.cfg.SMTP != "" {
		s, err := notify.NewSMTP(e.cfg.SMTP, notify.WithSMTPClock(e.clock))
		if err != nil {
			return nil, nil, &ExitError{Code: ExitBadInput, Err: fmt.Errorf("smtp: %w", err)}
		}
		email = s
	}
	if e.cfg.SMSGateway != "" {
		sms = notify.NewSMSGateway(e.cfg.SMSGateway, e.cfg.SMSToken, nil, notify.WithSMSClock(e.clock))
	}
	return email, sms, nil
}

// mountV1 mounts the /v1 API and the DRP endpoints on srv over p, with a
// decision engine following the audit log for changes made by other nodes
// until ctx ends.
func (e *env) mountV1(ctx context.Context, srv *api.Server, p *parts) error {
	email, sms, err := e.senders()
	if err != nil {
		return err
	}
	if err := srv.MountV1(api.V1{Vault: p.v, Engine: p.eng, Source: p.src, Ledger: p.ledger,
		Rights: p.rights, Fulfiller: p.fulfil, Router: p.router, Email: email, SMS: sms}); err != nil {
		return err
	}
	srv.MountDRP(p.drp)
	for _, c := range p.rights.Metrics.Collectors() {
		if err := srv.Registry().Register(c); err != nil {
			return fmt.Errorf("rights metrics: %w", err)
		}
	}
	go p.eng.Follow(ctx, consent.AuditFeed{Log: p.v.Store()}, followEvery)
	return nil
}

// requestChangedArgs is the job run after a request changed: sync it back
// to the entrusted party it was routed from, and call its DRP agent back.
type requestChangedArgs struct {
	Tenant  string `json:"tenant"`
	Request string `json:"request"`
	State   string `json:"state"`
}

// Kind names the job.
func (requestChangedArgs) Kind() string { return "rights.request_changed" }

// InsertOpts makes one job per request and state.
func (requestChangedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 15, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// requestChanged returns the rights services' OnChange: it queues a
// requestChangedArgs job for requests that came from an entrusted party or
// a DRP agent.
func (p *parts) requestChanged(e *env) func(ctx context.Context, r store.Request) {
	return func(ctx context.Context, r store.Request) {
		d, err := rights.DetailOf(r)
		if err != nil || (d.RoutedFrom == nil && !strings.HasPrefix(d.Channel, "drp:") && !strings.HasPrefix(d.Channel, "routed:")) {
			return
		}
		if _, err := p.runner.Insert(ctx, requestChangedArgs{Tenant: r.Tenant, Request: r.ID, State: r.State}, nil); err != nil {
			e.log.Error("queueing a request's sync", "tenant", r.Tenant, "request", r.ID, "err", err)
		}
	}
}

type requestChangedWorker struct {
	river.WorkerDefaults[requestChangedArgs]
	p *parts
}

// Work syncs a routed request and calls a DRP agent back; both retry.
func (w *requestChangedWorker) Work(ctx context.Context, job *river.Job[requestChangedArgs]) error {
	a := job.Args
	var r store.Request
	err := w.p.v.Store().Read(ctx, func(rd store.Reader) error {
		var err error
		r, err = rd.GetRequest(ctx, a.Tenant, a.Request)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	d, err := rights.DetailOf(r)
	if err != nil {
		return river.JobCancel(err)
	}
	var errs []error
	if d.RoutedFrom != nil || strings.HasPrefix(d.Channel, "routed:") {
		if err := w.p.router.Sync(ctx, "system:routing", a.Tenant, a.Request); err != nil && !errors.Is(err, routing.ErrNotRouted) {
			errs = append(errs, err)
		}
	}
	if strings.HasPrefix(d.Channel, "drp:") {
		if err := w.p.drp.Callback(ctx, a.Tenant, a.Request); err != nil && !errors.Is(err, drp.ErrNotDRP) && !errors.Is(err, drp.ErrNoCallback) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Rights sweeps: how often, how long before a deadline staff are reminded,
// how long an unverified request waits before it expires.
const (
	rightsSweepEvery   = time.Minute
	remindBefore       = 72 * time.Hour
	unverifiedLifetime = 30 * 24 * time.Hour
)

type rightsSweepArgs struct{}

// Kind names the job.
func (rightsSweepArgs) Kind() string { return "rights.sweep" }

type rightsSweepWorker struct {
	river.WorkerDefaults[rightsSweepArgs]
	e *env
	p *parts
}

// Work, for every tenant: reminds staff of deadlines within three days
// (a log line and a request.due_soon webhook to the tenant's endpoints),
// expires requests left unverified for 30 days, and erases the accounts
// whose cancellation cooling-off has ended.
func (w *rightsSweepWorker) Work(ctx context.Context, _ *river.Job[rightsSweepArgs]) error {
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
	for _, tn := range tenants {
		t := tn.ID
		reminded, err := w.p.fulfil.Remind(ctx, t, now, remindBefore)
		errs = append(errs, err)
		for _, r := range reminded {
			w.e.log.Warn("rights request due soon", "tenant", t, "request", r.ID, "type", r.Type, "due_at", r.DueAt)
			errs = append(errs, w.p.router.Announce(ctx, routing.EventRequestDueSoon, r))
		}
		_, err = w.p.fulfil.ExpireUnverified(ctx, t, now, unverifiedLifetime)
		errs = append(errs, err)
		_, err = w.p.fulfil.FinishCancellations(ctx, t, now)
		if errors.Is(err, rights.ErrNoDecl) {
			err = nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// setupRights registers the rights jobs: request syncs, webhook
// deliveries and the periodic sweep.
func setupRights(e *env, r *jobs.Runner, p *parts) error {
	if err := jobs.Register(r, &requestChangedWorker{p: p}); err != nil {
		return err
	}
	if err := jobs.Register(r, routing.NewDeliverWorker(p.v.Store(), p.v.Keys())); err != nil {
		return err
	}
	if err := jobs.Register(r, &rightsSweepWorker{e: e, p: p}); err != nil {
		return err
	}
	return r.Periodic(rightsSweepEvery, rightsSweepArgs{})
}
