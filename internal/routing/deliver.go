package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// DeliverKind is the River job kind of a webhook delivery.
const DeliverKind = "routing.deliver"

// DeliverMaxAttempts is how many times River works a delivery before it
// gives up. With River's default retry policy (attempt⁴ seconds, with
// jitter) the last attempt comes about a day and a half after the first.
const DeliverMaxAttempts = 15

// Payload is the data of a routing webhook: the receiving tenant's request
// by id, its type, state, dates, refusal reason code and link. It never
// holds personal data: no subject, no note, no free text.
type Payload struct {
	// Tenant and Request name the request in the receiving tenant.
	Tenant  string `json:"tenant"`
	Request string `json:"request"`
	// Type is the request type (rights.Types); State its state.
	Type  string `json:"type"`
	State string `json:"state"`
	// Reason is the refusal reason code (taxonomy) of a refused request.
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DueAt     time.Time `json:"due_at,omitzero"`
	// RoutedFrom is the processor's request a controller's request came
	// from; RoutedTo the controller's request a processor's went to.
	RoutedFrom *Link `json:"routed_from,omitempty"`
	RoutedTo   *Link `json:"routed_to,omitempty"`
}

// PayloadOf returns the payload describing r.
func PayloadOf(r store.Request) (Payload, error) {
	p := Payload{
		Tenant: r.Tenant, Request: r.ID, Type: r.Type, State: r.State,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if !r.DueAt.IsZero() {
		p.DueAt = r.DueAt.UTC()
	}
	var err error
	if p.RoutedFrom, err = link(r, DetailRoutedFrom); err != nil {
		return Payload{}, err
	}
	if p.RoutedTo, err = link(r, DetailRoutedTo); err != nil {
		return Payload{}, err
	}
	if r.State == rights.StateRefused {
		det, err := rights.DetailOf(r)
		if err != nil {
			return Payload{}, fmt.Errorf("routing: detail of request %s of tenant %s: %w", r.ID, r.Tenant, err)
		}
		if det.Refusal != nil {
			p.Reason = det.Refusal.Reason
		}
	}
	return p, nil
}

// DeliverArgs is one webhook to one endpoint: a River job of kind
// [DeliverKind]. Jobs are unique by tenant, endpoint and event id, so
// enqueuing an event twice delivers it once.
type DeliverArgs struct {
	// Tenant owns Endpoint.
	Tenant   string `json:"tenant" river:"unique"`
	Endpoint string `json:"endpoint" river:"unique"`
	// EventID is the webhook-id, the same at every attempt: derived from
	// the event, so the same event enqueued again has the same id.
	EventID string `json:"event_id" river:"unique"`
	// Type is the event type ([EventRequestCreated], [EventRequestStatus]).
	Type string `json:"type"`
	// Time is when the event happened.
	Time    time.Time `json:"time"`
	Payload Payload   `json:"payload"`
}

// Kind returns [DeliverKind].
func (DeliverArgs) Kind() string { return DeliverKind }

// InsertOpts makes deliveries unique by tenant, endpoint and event id, and
// bounds their attempts at [DeliverMaxAttempts].
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: DeliverMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

var (
	_ river.JobArgs               = DeliverArgs{}
	_ river.JobArgsWithInsertOpts = DeliverArgs{}
)

// eventNamespace derives event ids.
var eventNamespace = uuid.MustParse("6f1d1c1e-9a59-4f43-9b59-0c8f5f3f8e3a")

// eventID is the webhook-id of an event about a request: the same for the
// same tenant, request, event type and (for status events) state.
func eventID(event string, r store.Request) string {
	key := r.Tenant + "\x00" + r.ID + "\x00" + event
	if event == EventRequestStatus {
		key += "\x00" + r.State
	}
	return "msg_" + uuid.NewSHA1(eventNamespace, []byte(key)).String()
}

// deliveries returns one delivery of event about r to each active endpoint
// of tenant subscribed to it.
func deliveries(ctx context.Context, rd store.Reader, tenant, event string, r store.Request) ([]DeliverArgs, error) {
	eps, err := activeEndpoints(ctx, rd, tenant, event)
	if err != nil || len(eps) == 0 {
		return nil, err
	}
	p, err := PayloadOf(r)
	if err != nil {
		return nil, err
	}
	at := r.UpdatedAt.UTC()
	if event == EventRequestCreated {
		at = r.CreatedAt.UTC()
	}
	id := eventID(event, r)
	out := make([]DeliverArgs, 0, len(eps))
	for _, ep := range eps {
		out = append(out, DeliverArgs{Tenant: tenant, Endpoint: ep.ID, EventID: id, Type: event, Time: at, Payload: p})
	}
	return out, nil
}

// activeEndpoints lists tenant's active endpoints subscribed to event.
func activeEndpoints(ctx context.Context, rd store.Reader, tenant, event string) ([]store.WebhookEndpoint, error) {
	var out []store.WebhookEndpoint
	p := store.Page{Limit: store.MaxLimit}
	for {
		list, next, err := rd.ListWebhookEndpoints(ctx, tenant, p)
		if err != nil {
			return nil, err
		}
		for _, ep := range list {
			if ep.Active() && subscribed(ep, event) {
				out = append(out, ep)
			}
		}
		if next == "" {
			return out, nil
		}
		p.After = next
	}
}

// subscribed reports whether ep subscribes to event: an endpoint with no
// events subscribes to all.
func subscribed(ep store.WebhookEndpoint, event string) bool {
	return len(ep.Events) == 0 || slices.Contains(ep.Events, event)
}

// DeliverTimeout bounds one working of a delivery job.
const DeliverTimeout = 2 * time.Minute

// DeliverWorker works [DeliverArgs]: it loads the endpoint, opens its secret
// and posts the event with Webhooks. A failure that may pass returns the
// error, and River retries the job with backoff; a refusal by the receiver
// (a 4xx other than 408 and 429), a disabled or missing endpoint, or a
// secret that no longer opens cancels the job. It is safe for concurrent
// use.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Store store.Store
	Keys  *keys.Manager
	// Webhooks posts the events. It may retry within one job (it honours
	// Retry-After); keep its attempts few and its MaxElapsed well under
	// DeliverTimeout, since River retries the job anyway.
	Webhooks *notify.Webhooks
}

var _ river.Worker[DeliverArgs] = (*DeliverWorker)(nil)

// NewDeliverWorker returns a worker posting with a [notify.Webhooks] that
// makes up to 3 attempts within 30 seconds per job.
func NewDeliverWorker(st store.Store, km *keys.Manager) *DeliverWorker {
	return &DeliverWorker{Store: st, Keys: km, Webhooks: notify.NewWebhooks(nil, nil,
		notify.WithMaxAttempts(3), notify.WithMaxElapsed(30*time.Second))}
}

// Timeout returns [DeliverTimeout].
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return DeliverTimeout }

// Work delivers one webhook.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	var ep store.WebhookEndpoint
	err := w.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		ep, err = rd.GetWebhookEndpoint(ctx, a.Tenant, a.Endpoint)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return river.JobCancel(fmt.Errorf("routing: delivery %s: endpoint %s of tenant %s: %w", a.EventID, a.Endpoint, a.Tenant, err))
	case err != nil:
		return fmt.Errorf("routing: delivery %s: %w", a.EventID, err)
	case !ep.Active():
		return river.JobCancel(fmt.Errorf("routing: delivery %s: endpoint %s of tenant %s is disabled", a.EventID, a.Endpoint, a.Tenant))
	case !subscribed(ep, a.Type):
		return river.JobCancel(fmt.Errorf("routing: delivery %s: endpoint %s of tenant %s is not subscribed to %s", a.EventID, a.Endpoint, a.Tenant, a.Type))
	}
	secret, err := openSecret(ctx, w.Keys, ep)
	if errors.Is(err, keys.ErrDecrypt) || errors.Is(err, keys.ErrShredded) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	_, err = w.Webhooks.DeliverEvent(ctx, ep.URL, secret, notify.Event{ID: a.EventID, Type: a.Type, Time: a.Time, Data: a.Payload})
	if err == nil {
		return nil
	}
	var ne *notify.Error
	if errors.As(err, &ne) && !ne.Temporary() && ctx.Err() == nil {
		return river.JobCancel(fmt.Errorf("routing: endpoint %s of tenant %s: %w", a.Endpoint, a.Tenant, err))
	}
	return fmt.Errorf("routing: endpoint %s of tenant %s: %w", a.Endpoint, a.Tenant, err)
}

// Inserter inserts one River job: *river.Client and *jobs.Runner are
// Inserters.
type Inserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// JobEnqueuer returns an [Enqueuer] inserting each delivery with ins and
// the delivery's own options ([DeliverArgs.InsertOpts]): a delivery already
// queued or done is skipped. It stops at the first error; deliveries
// inserted before it stay queued, and enqueuing them all again is safe.
func JobEnqueuer(ins Inserter) Enqueuer { return jobEnqueuer{ins} }

type jobEnqueuer struct{ ins Inserter }

func (e jobEnqueuer) Enqueue(ctx context.Context, jobs []DeliverArgs) error {
	for _, j := range jobs {
		if _, err := e.ins.Insert(ctx, j, nil); err != nil {
			return err
		}
	}
	return nil
}
