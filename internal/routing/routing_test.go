package routing_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gocloud.dev/secrets/localsecrets"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/jobs"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/routing"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

// Personal data planted in the fixtures: none of it may reach a payload,
// a job's arguments or a routing audit entry.
const (
	subjectID = "alice.wang"                   // the processor's subject id
	staffNote = "Dear Alice, call 13800138000" // the controller's note
)

// backend opens the store under test and the jobs database for River.
type backend struct {
	name  string
	store func(t *testing.T, clk clock.Clock) store.Store
	jobs  func(t *testing.T) jobs.Options
}

var backends = []backend{
	{
		name: "sqlite",
		store: func(t *testing.T, clk clock.Clock) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clk)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		jobs: func(t *testing.T) jobs.Options { return jobs.Options{SQLite: filepath.Join(t.TempDir(), "jobs.db")} },
	},
	{
		name: "postgres",
		store: func(t *testing.T, clk clock.Clock) store.Store {
			s, err := postgres.Open(context.Background(), pgtest.Schema(t), clk)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		jobs: func(t *testing.T) jobs.Options { return jobs.Options{Postgres: pgtest.Schema(t)} },
	},
}

// forEach runs fn on every backend.
func forEach(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

func loadDecl(t testing.TB, name string) *policy.Declaration {
	t.Helper()
	path := filepath.Join("..", "..", "examples", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

// queue is an Enqueuer that keeps what it is given.
type queue struct {
	mu   sync.Mutex
	jobs []routing.DeliverArgs
	fail error
}

func (q *queue) Enqueue(_ context.Context, jobs []routing.DeliverArgs) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return q.fail
	}
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func (q *queue) take() []routing.DeliverArgs {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.jobs
	q.jobs = nil
	return out
}

// env is a processor "sdk" (the seeds' SDK vendor) linked to the
// controller "app" (a developer), a controller "other" not linked to it,
// and a processor "sdk2" that "sdk" is linked to as if it were a
// controller.
type env struct {
	st     store.Store
	clk    *clock.Fake
	km     *keys.Manager
	svc    *rights.Service
	q      *queue
	router *routing.Router
	preq   store.Request // sdk's request from subjectID
}

func newEnv(t *testing.T, b backend) *env {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2025, 9, 22, 10, 0, 0, 0, time.UTC))
	st := b.store(t, clk)
	err := st.Write(ctx, func(tx store.Tx) error {
		for _, tn := range []store.Tenant{
			{ID: "sdk", Name: "SDK Vendor", Kind: store.KindProcessor},
			{ID: "sdk2", Name: "Other SDK", Kind: store.KindProcessor},
			{ID: "app", Name: "Developer App", Kind: store.KindController},
			{ID: "other", Name: "Other App", Kind: store.KindController},
		} {
			if _, err := tx.CreateTenant(ctx, tn); err != nil {
				return err
			}
		}
		for _, c := range []string{"app", "sdk2"} {
			if _, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: c}); err != nil {
				return err
			}
		}
		if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "sdk", ID: subjectID}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Actor: "test", Action: "setup"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	k, err := localsecrets.NewRandomKey()
	if err != nil {
		t.Fatal(err)
	}
	root := localsecrets.NewKeeper(k)
	t.Cleanup(func() { root.Close() })
	ks, err := keys.OpenKeyStore(ctx, "sqlite://"+filepath.ToSlash(filepath.Join(t.TempDir(), "keys", "keys.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ks.Close() })
	e := &env{st: st, clk: clk, km: keys.NewManager(root, ks, clk), q: &queue{}}
	decls := map[string]*policy.Declaration{
		"sdk":  loadDecl(t, "easemob-im-sdk.yaml"),
		"sdk2": loadDecl(t, "easemob-im-sdk.yaml"),
		"app":  loadDecl(t, "xiaoying-kankan.yaml"),
	}
	e.svc = &rights.Service{Store: st, Clock: clk, Declaration: func(_ context.Context, tenant string) (*policy.Declaration, error) {
		return decls[tenant], nil
	}}
	e.router = &routing.Router{Store: st, Keys: e.km, Clock: clk, Create: e.svc.Create, Enqueue: e.q}
	if e.preq, err = e.svc.Create(ctx, "test", "sdk", subjectID, rights.TypeDelete, "sdk_console"); err != nil {
		t.Fatal(err)
	}
	return e
}

// endpoint registers an endpoint and returns it with its secret.
func (e *env) endpoint(t *testing.T, tenant, url string, events ...string) (store.WebhookEndpoint, string) {
	t.Helper()
	ep, secret, err := e.router.CreateEndpoint(context.Background(), "test", tenant, url, events)
	if err != nil {
		t.Fatal(err)
	}
	return ep, secret
}

func (e *env) get(t *testing.T, tenant, id string) store.Request {
	t.Helper()
	var r store.Request
	err := e.st.Read(context.Background(), func(rd store.Reader) error {
		var err error
		r, err = rd.GetRequest(context.Background(), tenant, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) requests(t *testing.T, tenant string) []store.Request {
	t.Helper()
	var out []store.Request
	err := e.st.Read(context.Background(), func(rd store.Reader) error {
		var err error
		out, _, err = rd.ListRequests(context.Background(), tenant, store.RequestFilter{}, store.Page{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) auditSize(t *testing.T) int64 {
	t.Helper()
	n, err := e.st.AuditSize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// entries returns the audit entries appended from seq from on.
func (e *env) entries(t *testing.T, from int64) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	err := e.st.AuditEntries(context.Background(), from, e.auditSize(t), func(se audit.StoredEntry) error {
		out = append(out, se.Entry)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// detailLink decodes a link key of a request's Detail.
func detailLink(t *testing.T, r store.Request, key string) *routing.Link {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Detail, &m); err != nil {
		t.Fatalf("detail %s: %v", r.Detail, err)
	}
	raw, ok := m[key]
	if !ok {
		return nil
	}
	var l routing.Link
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

// noPersonalData fails if b mentions the planted personal data.
func noPersonalData(t *testing.T, what string, b []byte) {
	t.Helper()
	s := strings.ToLower(string(b))
	for _, bad := range []string{"alice", "13800138000", "dear"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s holds personal data %q: %s", what, bad, b)
		}
	}
}

// checkJobs checks jobs as the jobs package would before inserting them,
// and that they hold no personal data.
func checkJobs(t *testing.T, js []routing.DeliverArgs) {
	t.Helper()
	for _, j := range js {
		if err := jobs.CheckArgs(j); err != nil {
			t.Errorf("job args refused: %v", err)
		}
		b, _ := json.Marshal(j)
		noPersonalData(t, "job args", b)
	}
}

func TestForward(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		created, _ := e.endpoint(t, "app", "https://hooks.example.com/trustee?token=abc", routing.EventRequestCreated)
		all, _ := e.endpoint(t, "app", "https://hooks.example.com/all")
		e.endpoint(t, "app", "https://hooks.example.com/status", routing.EventRequestStatus)
		off, _ := e.endpoint(t, "app", "https://hooks.example.com/off", routing.EventRequestCreated)
		if _, err := e.router.DisableEndpoint(ctx, "test", "app", off.ID); err != nil {
			t.Fatal(err)
		}
		e.endpoint(t, "other", "https://hooks.example.com/other", routing.EventRequestCreated)
		seq := e.auditSize(t)

		creq, err := e.router.Forward(ctx, "apikey:k1", "sdk", e.preq.ID, "app")
		if err != nil {
			t.Fatal(err)
		}
		if creq.Tenant != "app" || creq.Type != rights.TypeDelete || creq.State != rights.StateReceived || creq.Subject != "" {
			t.Errorf("controller request %+v", creq)
		}
		det, err := rights.DetailOf(creq)
		if err != nil {
			t.Fatal(err)
		}
		if det.Channel != "routed:sdk" {
			t.Errorf("channel %q", det.Channel)
		}
		if creq.DueAt.IsZero() {
			t.Error("controller request has no deadline: not created by rights")
		}
		stored := e.get(t, "app", creq.ID)
		if l := detailLink(t, stored, routing.DetailRoutedFrom); l == nil || *l != (routing.Link{Tenant: "sdk", Request: e.preq.ID}) {
			t.Errorf("routed_from %+v", l)
		}
		p := e.get(t, "sdk", e.preq.ID)
		if l := detailLink(t, p, routing.DetailRoutedTo); l == nil || *l != (routing.Link{Tenant: "app", Request: creq.ID}) {
			t.Errorf("routed_to %+v", l)
		}
		if p.State != rights.StateReceived {
			t.Errorf("processor request moved to %s", p.State)
		}

		var acts []string
		for _, en := range e.entries(t, seq) {
			acts = append(acts, en.Tenant+":"+en.Action)
			// Subject is the audit log's field for the subject's id, as
			// in every entry about a request; nothing else may name it.
			if en.Tenant == "sdk" && en.Subject != subjectID || en.Tenant == "app" && en.Subject != "" {
				t.Errorf("audit entry %s names subject %q", en.Action, en.Subject)
			}
			en.Subject = ""
			b, _ := json.Marshal(en)
			noPersonalData(t, "audit entry", b)
		}
		want := []string{"sdk:request.forward", "app:request.create", "sdk:request.forwarded", "app:request.routed_in"}
		if !slices.Equal(acts, want) {
			t.Errorf("audit %v, want %v", acts, want)
		}

		js := e.q.take()
		var eps []string
		for _, j := range js {
			eps = append(eps, j.Endpoint)
			if j.Tenant != "app" || j.Type != routing.EventRequestCreated || j.Payload.Request != creq.ID ||
				j.Payload.RoutedFrom == nil || j.Payload.RoutedFrom.Request != e.preq.ID || j.Payload.State != rights.StateReceived {
				t.Errorf("job %+v", j)
			}
			if j.EventID != js[0].EventID {
				t.Error("one event, several webhook-ids")
			}
		}
		slices.Sort(eps)
		wantEps := []string{created.ID, all.ID}
		slices.Sort(wantEps)
		if !slices.Equal(eps, wantEps) {
			t.Errorf("deliveries to %v, want %v (subscribed to request.created, active)", eps, wantEps)
		}
		checkJobs(t, js)

		// Again: the same request, the same webhook-ids, nothing new.
		n := len(e.requests(t, "app"))
		again, err := e.router.Forward(ctx, "apikey:k1", "sdk", e.preq.ID, "app")
		if err != nil || again.ID != creq.ID {
			t.Fatalf("forward again: %v, %s want %s", err, again.ID, creq.ID)
		}
		if len(e.requests(t, "app")) != n {
			t.Error("forwarding again created a request")
		}
		js2 := e.q.take()
		if len(js2) != len(js) || js2[0].EventID != js[0].EventID {
			t.Errorf("forward again enqueued %+v", js2)
		}
		// To another linked controller: already forwarded.
		err = e.st.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "other"}); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Actor: "test", Action: "link"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "other"); !errors.Is(err, routing.ErrAlreadyRouted) {
			t.Errorf("forward elsewhere: %v", err)
		}
	})
}

func TestForwardRefused(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		e.endpoint(t, "app", "https://hooks.example.com/a")
		final, err := e.svc.Create(ctx, "test", "sdk", subjectID, rights.TypeAccess, "sdk_console")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Withdraw(ctx, "test", "sdk", final.ID); err != nil {
			t.Fatal(err)
		}
		fromApp, err := e.svc.Create(ctx, "test", "app", "", rights.TypeAccess, "app_form")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name                           string
			processor, request, controller string
			want                           error
		}{
			{"no link", "sdk", e.preq.ID, "other", routing.ErrNotLinked},
			{"to a processor", "sdk", e.preq.ID, "sdk2", routing.ErrNotController},
			{"unknown request", "sdk", "no-such-request", "app", store.ErrNotFound},
			{"unknown controller", "sdk", e.preq.ID, "nobody", store.ErrNotFound},
			{"from a controller", "app", fromApp.ID, "other", routing.ErrNotProcessor},
			{"answered", "sdk", final.ID, "app", routing.ErrFinal},
		} {
			t.Run(c.name, func(t *testing.T) {
				seq := e.auditSize(t)
				before := map[string][]store.Request{}
				for _, tn := range []string{"sdk", "app", "other", "sdk2"} {
					before[tn] = e.requests(t, tn)
				}
				_, err := e.router.Forward(ctx, "t", c.processor, c.request, c.controller)
				if !errors.Is(err, c.want) {
					t.Fatalf("err %v, want %v", err, c.want)
				}
				noPersonalData(t, "error", []byte(err.Error()))
				if n := e.auditSize(t); n != seq {
					t.Errorf("audit grew by %d", n-seq)
				}
				for tn, rs := range before {
					after := e.requests(t, tn)
					if len(after) != len(rs) {
						t.Errorf("tenant %s: %d requests, had %d", tn, len(after), len(rs))
						continue
					}
					for i := range rs {
						if string(rs[i].Detail) != string(after[i].Detail) || !rs[i].UpdatedAt.Equal(after[i].UpdatedAt) {
							t.Errorf("tenant %s: request %s changed", tn, rs[i].ID)
						}
					}
				}
				if js := e.q.take(); len(js) != 0 {
					t.Errorf("enqueued %d", len(js))
				}
			})
		}
		// A create that fails (no declaration for "other") releases the
		// claim: the request can then be forwarded.
		err = e.st.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.LinkTenants(ctx, store.TenantLink{Processor: "sdk", Controller: "other"}); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Actor: "test", Action: "link"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "other"); !errors.Is(err, rights.ErrNoDecl) {
			t.Fatalf("forward to a tenant without declaration: %v", err)
		}
		if l := detailLink(t, e.get(t, "sdk", e.preq.ID), routing.DetailRoutedTo); l != nil {
			t.Errorf("claim left behind: %+v", l)
		}
		if _, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app"); err != nil {
			t.Errorf("forward after a failed one: %v", err)
		}
	})
}

// receiver is a real HTTP endpoint that verifies Standard Webhooks
// signatures; it answers fail times with 503 before accepting.
type receiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	fail   int
	posts  int
	ids    []string
	got    []envelope
	bad    []error
	done   chan struct{}
}

type envelope struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      routing.Payload `json:"data"`
}

func newReceiver(t *testing.T, fail int) *receiver {
	rc := &receiver{fail: fail, done: make(chan struct{}, 16)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.posts++
		rc.ids = append(rc.ids, r.Header.Get(notify.HeaderWebhookID))
		if err := notify.Verify(rc.secret, r.Header, body, time.Now(), 0); err != nil {
			rc.bad = append(rc.bad, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if rc.fail > 0 {
			rc.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			rc.bad = append(rc.bad, err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		noPersonalData(t, "webhook body", body)
		rc.got = append(rc.got, env)
		w.WriteHeader(http.StatusNoContent)
		rc.done <- struct{}{}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// job wraps args as River hands them to a worker.
func job(a routing.DeliverArgs, attempt int) *river.Job[routing.DeliverArgs] {
	return &river.Job[routing.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, Kind: routing.DeliverKind}, Args: a}
}

func TestDeliver(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		rc := newReceiver(t, 0)
		ep, secret := e.endpoint(t, "app", rc.srv.URL+"/hooks", routing.EventRequestCreated)
		rc.secret = secret
		if string(ep.Secret) == secret || strings.Contains(string(ep.Secret), strings.TrimPrefix(secret, "whsec_")) {
			t.Fatal("secret stored in clear")
		}
		creq, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
		if err != nil {
			t.Fatal(err)
		}
		js := e.q.take()
		if len(js) != 1 {
			t.Fatalf("%d jobs", len(js))
		}
		w := routing.NewDeliverWorker(e.st, e.km)
		if err := w.Work(ctx, job(js[0], 1)); err != nil {
			t.Fatal(err)
		}
		if len(rc.bad) != 0 || len(rc.got) != 1 {
			t.Fatalf("receiver: bad %v, got %d", rc.bad, len(rc.got))
		}
		got := rc.got[0]
		if got.Type != routing.EventRequestCreated || got.Data.Request != creq.ID || got.Data.Tenant != "app" ||
			got.Data.RoutedFrom == nil || *got.Data.RoutedFrom != (routing.Link{Tenant: "sdk", Request: e.preq.ID}) ||
			!got.Data.DueAt.Equal(creq.DueAt) || rc.ids[0] != js[0].EventID {
			t.Errorf("event %+v id %s", got, rc.ids[0])
		}

		// A wrong secret at the receiver: the signature does not verify.
		rc.secret = notify.GenerateSecret()
		if err := w.Work(ctx, job(js[0], 2)); err == nil {
			t.Error("delivery to a receiver with another secret succeeded")
		}
		if len(rc.bad) != 1 || !errors.Is(rc.bad[0], notify.ErrSignatureMismatch) {
			t.Errorf("receiver errors %v", rc.bad)
		}
		var cancel *river.JobCancelError
		// 401 is final: the job is cancelled, not retried.
		if err := w.Work(ctx, job(js[0], 3)); !errors.As(err, &cancel) {
			t.Errorf("401: %v, want a cancelled job", err)
		}
		// A disabled endpoint cancels its pending deliveries.
		if _, err := e.router.DisableEndpoint(ctx, "t", "app", ep.ID); err != nil {
			t.Fatal(err)
		}
		posts := rc.posts
		if err := w.Work(ctx, job(js[0], 4)); !errors.As(err, &cancel) {
			t.Errorf("disabled endpoint: %v, want a cancelled job", err)
		}
		if rc.posts != posts {
			t.Error("posted to a disabled endpoint")
		}
		// A missing one too.
		gone := js[0]
		gone.Endpoint = "no-such-endpoint"
		if err := w.Work(ctx, job(gone, 1)); !errors.As(err, &cancel) {
			t.Errorf("missing endpoint: %v, want a cancelled job", err)
		}
	})
}

// fastRetry retries a failed job at once.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(10 * time.Millisecond) }

// TestDeliverRetriesWithRiver runs deliveries through River itself: a
// receiver that fails twice gets the event at the third attempt, with
// the same webhook-id every time.
func TestDeliverRetriesWithRiver(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		rc := newReceiver(t, 2)
		_, secret := e.endpoint(t, "app", rc.srv.URL+"/hooks", routing.EventRequestCreated)
		rc.secret = secret

		o := b.jobs(t)
		o.PollInterval = 20 * time.Millisecond
		o.RetryPolicy = fastRetry{}
		runner, err := jobs.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { runner.Close() })
		// One attempt per job: River does the retrying.
		w := &routing.DeliverWorker{Store: e.st, Keys: e.km, Webhooks: notify.NewWebhooks(nil, nil, notify.WithMaxAttempts(1))}
		if err := jobs.Register(runner, w); err != nil {
			t.Fatal(err)
		}
		e.router.Enqueue = routing.JobEnqueuer(runner)
		if err := runner.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { runner.Stop(context.Background()) })

		creq, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-rc.done:
		case <-time.After(60 * time.Second):
			t.Fatalf("no delivery after 60s; posts %d, bad %v", rc.posts, rc.bad)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.posts != 3 || len(rc.got) != 1 || rc.got[0].Data.Request != creq.ID {
			t.Errorf("posts %d, got %+v", rc.posts, rc.got)
		}
		if rc.ids[0] == "" || rc.ids[1] != rc.ids[0] || rc.ids[2] != rc.ids[0] {
			t.Errorf("webhook-ids %v: want one id for every attempt", rc.ids)
		}
	})
}

func TestSync(t *testing.T) {
	// Each case drives the controller's request to a state and checks the
	// processor's request follows.
	cases := []struct {
		state  string
		drive  func(ctx context.Context, s *rights.Service, id string) error
		reason string
	}{
		{rights.StateInProgress, func(ctx context.Context, s *rights.Service, id string) error {
			return steps(ctx, id, s.StartVerification, verified(s), s.Start)
		}, ""},
		{rights.StateFulfilled, func(ctx context.Context, s *rights.Service, id string) error {
			return steps(ctx, id, s.StartVerification, verified(s), s.Start, s.Fulfil)
		}, ""},
		{rights.StateRefused, func(ctx context.Context, s *rights.Service, id string) error {
			_, err := s.Refuse(ctx, "staff", "app", id, "legal_obligation", staffNote)
			return err
		}, "legal_obligation"},
		{rights.StateWithdrawn, func(ctx context.Context, s *rights.Service, id string) error {
			return steps(ctx, id, s.StartVerification, s.Withdraw)
		}, ""},
		{rights.StateExpired, func(ctx context.Context, s *rights.Service, id string) error {
			return steps(ctx, id, s.Expire)
		}, ""},
	}
	forEach(t, func(t *testing.T, b backend) {
		for _, c := range cases {
			t.Run(c.state, func(t *testing.T) {
				ctx := context.Background()
				e := newEnv(t, b)
				status, _ := e.endpoint(t, "sdk", "https://sdk.example.com/hooks", routing.EventRequestStatus)
				e.endpoint(t, "sdk", "https://sdk.example.com/created", routing.EventRequestCreated)
				creq, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
				if err != nil {
					t.Fatal(err)
				}
				e.q.take()
				if err := c.drive(ctx, e.svc, creq.ID); err != nil {
					t.Fatal(err)
				}
				seq := e.auditSize(t)
				if err := e.router.Sync(ctx, "system:sync", "app", creq.ID); err != nil {
					t.Fatal(err)
				}
				p := e.get(t, "sdk", e.preq.ID)
				if p.State != c.state {
					t.Errorf("processor request %s, want %s", p.State, c.state)
				}
				det, err := rights.DetailOf(p)
				if err != nil {
					t.Fatal(err)
				}
				if c.reason != "" {
					if det.Refusal == nil || det.Refusal.Reason != c.reason || det.Refusal.Explanation.EN == "" {
						t.Errorf("refusal %+v", det.Refusal)
					}
				} else if det.Refusal != nil {
					t.Errorf("refusal %+v", det.Refusal)
				}
				noPersonalData(t, "processor detail", p.Detail)
				if l := detailLink(t, p, routing.DetailRoutedTo); l == nil || l.Request != creq.ID {
					t.Errorf("routed_to lost: %+v", l)
				}
				es := e.entries(t, seq)
				if len(es) != 1 || es[0].Action != "request.route.sync" || es[0].Tenant != "sdk" ||
					es[0].Details["state"] != c.state || es[0].Details["reason"] != c.reason {
					t.Errorf("audit %+v", es)
				}
				for _, en := range es {
					b, _ := json.Marshal(en.Details)
					noPersonalData(t, "audit details", b)
				}
				js := e.q.take()
				if len(js) != 1 || js[0].Endpoint != status.ID || js[0].Type != routing.EventRequestStatus ||
					js[0].Payload.State != c.state || js[0].Payload.Reason != c.reason || js[0].Payload.Request != e.preq.ID ||
					js[0].Payload.RoutedTo == nil || js[0].Payload.RoutedTo.Request != creq.ID {
					t.Errorf("jobs %+v", js)
				}
				checkJobs(t, js)

				// Again: nothing changes; the same delivery is enqueued.
				if err := e.router.Sync(ctx, "system:sync", "app", creq.ID); err != nil {
					t.Fatal(err)
				}
				if n := e.auditSize(t); n != seq+1 {
					t.Errorf("second sync audited %d entries", n-seq-1)
				}
				if js2 := e.q.take(); len(js2) != 1 || js2[0].EventID != js[0].EventID {
					t.Errorf("second sync enqueued %+v", js2)
				}
			})
		}
	})
}

// rightsKeepsLinks reports whether rights.Detail declares the routing
// links, so that rights' transitions keep them.
func rightsKeepsLinks(t *testing.T) bool {
	in := store.Request{Detail: json.RawMessage(`{"routed_to":{"tenant":"a","request":"b"},"routed_from":{"tenant":"c","request":"d"}}`)}
	det, err := rights.DetailOf(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(det)
	if err != nil {
		t.Fatal(err)
	}
	keeps := strings.Contains(string(out), `"routed_to":{"tenant":"a","request":"b"}`) &&
		strings.Contains(string(out), `"routed_from":{"tenant":"c","request":"d"}`)
	if !keeps {
		t.Log("rights.Detail does not declare routed_to and routed_from: Sync finds links through the channel")
	}
	return keeps
}

type transition = func(ctx context.Context, actor, tenant, id string) (store.Request, error)

// verified is s.Verified at the clock's time.
func verified(s *rights.Service) transition {
	return func(ctx context.Context, actor, tenant, id string) (store.Request, error) {
		return s.Verified(ctx, actor, tenant, id, time.Time{})
	}
}

// steps runs transitions of the controller's request in order.
func steps(ctx context.Context, id string, fns ...transition) error {
	for _, fn := range fns {
		if _, err := fn(ctx, "staff", "app", id); err != nil {
			return err
		}
	}
	return nil
}

func TestSyncRefused(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		creq, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
		if err != nil {
			t.Fatal(err)
		}
		// Not mirrored: the controller's own steps.
		if _, err := e.svc.StartVerification(ctx, "staff", "app", creq.ID); err != nil {
			t.Fatal(err)
		}
		seq := e.auditSize(t)
		if err := e.router.Sync(ctx, "t", "app", creq.ID); err != nil {
			t.Fatal(err)
		}
		if e.auditSize(t) != seq || e.get(t, "sdk", e.preq.ID).State != rights.StateReceived {
			t.Error("verifying was mirrored")
		}
		// The processor's request ended on its side first: the
		// controller's answer cannot move it.
		if _, err := e.svc.Withdraw(ctx, "subject", "sdk", e.preq.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Expire(ctx, "staff", "app", creq.ID); err != nil {
			t.Fatal(err)
		}
		seq = e.auditSize(t)
		err = e.router.Sync(ctx, "t", "app", creq.ID)
		switch {
		case rightsKeepsLinks(t):
			if !errors.Is(err, rights.ErrTransition) {
				t.Errorf("sync onto an ended request: %v", err)
			}
		default:
			// rights.Detail does not declare routed_to yet: the
			// processor's withdrawal dropped the link.
			if !errors.Is(err, routing.ErrNotRouted) {
				t.Errorf("sync onto an ended request whose link rights dropped: %v", err)
			}
		}
		if p := e.get(t, "sdk", e.preq.ID); p.State != rights.StateWithdrawn || e.auditSize(t) != seq {
			t.Errorf("failed sync changed the processor's request: %s", p.State)
		}
		// A request that was not routed.
		own, err := e.svc.Create(ctx, "t", "app", "", rights.TypeAccess, "app_form")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Expire(ctx, "t", "app", own.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.router.Sync(ctx, "t", "app", own.ID); !errors.Is(err, routing.ErrNotRouted) {
			t.Errorf("sync of an own request: %v", err)
		}
		if err := e.router.Sync(ctx, "t", "app", "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("sync of an unknown request: %v", err)
		}
	})
}

func TestEnqueueFailure(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		e.endpoint(t, "app", "https://hooks.example.com/a")
		e.q.fail = errors.New("queue down")
		creq, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
		if !errors.Is(err, routing.ErrEnqueue) || creq.ID == "" {
			t.Fatalf("forward: %v, %+v", err, creq)
		}
		// The forward stands; forwarding again enqueues the webhooks.
		e.q.fail = nil
		again, err := e.router.Forward(ctx, "t", "sdk", e.preq.ID, "app")
		if err != nil || again.ID != creq.ID {
			t.Fatalf("forward again: %v", err)
		}
		if js := e.q.take(); len(js) != 1 {
			t.Errorf("%d jobs", len(js))
		}
	})
}

func TestEndpoints(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		for _, c := range []struct {
			url    string
			events []string
			want   error
		}{
			{"http://hooks.example.com/a", nil, routing.ErrURL},
			{"ftp://hooks.example.com/a", nil, routing.ErrURL},
			{"https://user:pw@hooks.example.com/a", nil, routing.ErrURL},
			{"https://hooks.example.com/a#x", nil, routing.ErrURL},
			{"/relative", nil, routing.ErrURL},
			{"", nil, routing.ErrURL},
			{"https://hooks.example.com/a", []string{"request.deleted"}, routing.ErrEvents},
		} {
			if _, _, err := e.router.CreateEndpoint(ctx, "t", "app", c.url, c.events); !errors.Is(err, c.want) {
				t.Errorf("%q %v: %v, want %v", c.url, c.events, err, c.want)
			} else if strings.Contains(err.Error(), "example") || strings.Contains(err.Error(), "pw") {
				t.Errorf("error quotes the URL: %v", err)
			}
		}
		if _, _, err := e.router.CreateEndpoint(ctx, "t", "nobody", "https://a.example.com", nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown tenant: %v", err)
		}
		var n int
		e.st.Read(ctx, func(rd store.Reader) error {
			eps, _, err := rd.ListWebhookEndpoints(ctx, "app", store.Page{})
			n = len(eps)
			return err
		})
		if n != 0 {
			t.Errorf("%d endpoints stored by failed calls", n)
		}
		for _, u := range []string{"https://a.example.com/h", "http://localhost:8080/h", "http://127.0.0.1/h", "http://[::1]:9/h"} {
			ep, secret, err := e.router.CreateEndpoint(ctx, "t", "app", u, []string{routing.EventRequestStatus, routing.EventRequestCreated, routing.EventRequestStatus})
			if err != nil {
				t.Errorf("%s: %v", u, err)
				continue
			}
			if !strings.HasPrefix(secret, "whsec_") || !slices.Equal(ep.Events, []string{routing.EventRequestCreated, routing.EventRequestStatus}) {
				t.Errorf("endpoint %v secret prefix %q", ep, secret[:6])
			}
			plain, err := e.km.Open(ctx, routing.SecretRef("app", ep.ID), ep.Secret)
			if err != nil || string(plain) != secret {
				t.Errorf("sealed secret does not open: %v", err)
			}
			if _, err := e.km.Open(ctx, routing.SecretRef("other", ep.ID), ep.Secret); err == nil {
				t.Error("secret opens for another tenant")
			}
		}
		// The secrets' key-store subject cannot be a data subject, so an
		// erasure can never shred the tenant's webhook secrets.
		ref := routing.SecretRef("app", "x")
		err := e.st.Write(ctx, func(tx store.Tx) error {
			_, err := tx.CreateSubject(ctx, store.Subject{Tenant: "app", ID: ref.Subject})
			return err
		})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("a data subject took the secrets' key subject: %v", err)
		}
	})
}

func TestAnnounce(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		e := newEnv(t, b)
		due, _ := e.endpoint(t, "sdk", "https://hooks.example.com/due", routing.EventRequestDueSoon)
		all, _ := e.endpoint(t, "sdk", "https://hooks.example.com/all")
		e.endpoint(t, "sdk", "https://hooks.example.com/status", routing.EventRequestStatus)
		e.endpoint(t, "app", "https://hooks.example.com/app", routing.EventRequestDueSoon)
		if err := e.router.Announce(ctx, routing.EventRequestDueSoon, e.preq); err != nil {
			t.Fatal(err)
		}
		js := e.q.take()
		checkJobs(t, js)
		var eps []string
		for _, j := range js {
			if j.Type != routing.EventRequestDueSoon || j.Tenant != "sdk" || j.Payload.Request != e.preq.ID {
				t.Errorf("delivery %+v", j)
			}
			eps = append(eps, j.Endpoint)
		}
		slices.Sort(eps)
		want := []string{due.ID, all.ID}
		slices.Sort(want)
		if !slices.Equal(eps, want) {
			t.Errorf("announced to %v, want the tenant's subscribed endpoints %v", eps, want)
		}
		if err := e.router.Announce(ctx, "request.unknown", e.preq); !errors.Is(err, routing.ErrEvents) {
			t.Errorf("an unknown event: %v", err)
		}
	})
}
