package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

// ChannelPrefix starts the channel of a forwarded request: "routed:" and
// the processor tenant's id.
const ChannelPrefix = "routed:"

// Detail keys holding the link between a processor's request and the
// controller's. rights.Detail should declare them (RoutedTo, RoutedFrom
// *Link with these JSON names) so that its transitions keep them.
const (
	DetailRoutedTo   = "routed_to"
	DetailRoutedFrom = "routed_from"
)

// ClaimTimeout is how long a forward that has claimed a request but not
// linked it (its process stopped halfway) blocks another forward of it.
const ClaimTimeout = 5 * time.Minute

// Link names a request in another tenant.
type Link struct {
	Tenant  string `json:"tenant"`
	Request string `json:"request"`
}

// Enqueuer queues webhook deliveries. [JobEnqueuer] adapts a River client
// or a jobs.Runner.
type Enqueuer interface {
	Enqueue(ctx context.Context, jobs []DeliverArgs) error
}

// Router forwards requests from processors to controllers and mirrors the
// answers back. Its fields are set once before use; it is then safe for
// concurrent use.
type Router struct {
	// Store holds tenants, links, requests and endpoints.
	Store store.Store
	// Keys seals endpoints' secrets (CreateEndpoint only).
	Keys *keys.Manager
	// Clock stamps audit entries; nil means clock.Real.
	Clock clock.Clock
	// Create records a new request in a tenant: (*rights.Service).Create.
	Create func(ctx context.Context, actor, tenant, subject, typ, channel string) (store.Request, error)
	// Enqueue queues the webhooks.
	Enqueue Enqueuer
}

func (r *Router) clock() clock.Clock {
	if r.Clock == nil {
		return clock.Real{}
	}
	return r.Clock
}

// Forward forwards the processor tenant's request requestID to
// controller, and returns the controller's new request.
//
// The processor must be of kind processor and linked to controller (a
// [store.TenantLink]), the controller of kind controller, and the request
// must exist and not have ended ([ErrNotProcessor], [ErrNotLinked],
// [ErrNotController], store.ErrNotFound, [ErrFinal]); then nothing is
// stored. The controller's request is created with [Router.Create] on
// channel "routed:<processor>", without a subject (subject ids belong to
// the processor's tenant: the controller identifies the requester itself),
// and the two requests are linked in their Detail. A "request.created"
// webhook is then enqueued for each active endpoint of the controller
// subscribed to it; if that fails the error wraps [ErrEnqueue] and the
// forward stands.
//
// Forwarding the same request to the same controller again returns the
// controller's request and enqueues its webhooks again (with the same
// webhook-ids, so receivers see no duplicate); to another controller it
// fails with [ErrAlreadyRouted].
func (r *Router) Forward(ctx context.Context, actor, processor, requestID, controller string) (store.Request, error) {
	if r.Store == nil || r.Create == nil || r.Enqueue == nil {
		return store.Request{}, fmt.Errorf("%w: Store, Create and Enqueue are required", ErrConfig)
	}
	done, existing, err := r.claim(ctx, actor, processor, requestID, controller)
	if err != nil {
		return store.Request{}, err
	}
	if done {
		// Forwarded already: send the webhooks again.
		var jobs []DeliverArgs
		err := r.Store.Read(ctx, func(rd store.Reader) error {
			var err error
			jobs, err = deliveries(ctx, rd, controller, EventRequestCreated, existing)
			return err
		})
		if err != nil {
			return existing, err
		}
		return existing, r.enqueue(ctx, jobs)
	}

	creq, err := r.Create(ctx, actor, controller, "", existing.Type, ChannelPrefix+processor)
	if err != nil {
		if rerr := r.release(ctx, actor, processor, requestID, controller); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return store.Request{}, fmt.Errorf("routing: create the request in tenant %s: %w", controller, err)
	}

	now := store.Norm(r.clock().Now())
	var jobs []DeliverArgs
	err = r.Store.Write(ctx, func(tx store.Tx) error {
		preq, err := tx.GetRequest(ctx, processor, requestID)
		if err != nil {
			return err
		}
		to, err := link(preq, DetailRoutedTo)
		if err != nil {
			return err
		}
		if to == nil || to.Tenant != controller || to.Request != "" {
			return fmt.Errorf("%w: request %s of tenant %s was claimed by another forward", ErrAlreadyRouted, requestID, processor)
		}
		if preq.Detail, err = setDetail(preq.Detail, DetailRoutedTo, Link{Tenant: controller, Request: creq.ID}); err != nil {
			return err
		}
		if preq, err = tx.UpdateRequest(ctx, preq); err != nil {
			return err
		}
		c, err := tx.GetRequest(ctx, controller, creq.ID)
		if err != nil {
			return err
		}
		if c.Detail, err = setDetail(c.Detail, DetailRoutedFrom, Link{Tenant: processor, Request: requestID}); err != nil {
			return err
		}
		if creq, err = tx.UpdateRequest(ctx, c); err != nil {
			return err
		}
		if jobs, err = deliveries(ctx, tx, controller, EventRequestCreated, creq); err != nil {
			return err
		}
		_, err = tx.Audit(ctx,
			requestEntry(now, actor, "request.forwarded", preq, map[string]string{"to_tenant": controller, "to_request": creq.ID}),
			requestEntry(now, actor, "request.routed_in", creq, map[string]string{"from_tenant": processor, "from_request": requestID}))
		return err
	})
	if err != nil {
		// The controller's request stays (created and audited by rights);
		// its channel names the processor.
		return creq, fmt.Errorf("routing: link request %s of tenant %s to request %s of tenant %s: %w", requestID, processor, creq.ID, controller, err)
	}
	return creq, r.enqueue(ctx, jobs)
}

// claim checks a forward and marks the processor's request as being
// forwarded to controller (routed_to with no request yet). done is true
// when the request was forwarded to controller already; existing is then
// the controller's request, and otherwise the processor's.
func (r *Router) claim(ctx context.Context, actor, processor, requestID, controller string) (done bool, existing store.Request, err error) {
	now := store.Norm(r.clock().Now())
	err = r.Store.Write(ctx, func(tx store.Tx) error {
		p, err := tx.GetTenant(ctx, processor)
		if err != nil {
			return fmt.Errorf("routing: processor tenant %q: %w", processor, err)
		}
		if p.Kind != store.KindProcessor {
			return fmt.Errorf("%w: tenant %s is of kind %s", ErrNotProcessor, processor, p.Kind)
		}
		c, err := tx.GetTenant(ctx, controller)
		if err != nil {
			return fmt.Errorf("routing: controller tenant %q: %w", controller, err)
		}
		if c.Kind != store.KindController {
			return fmt.Errorf("%w: tenant %s is of kind %s", ErrNotController, controller, c.Kind)
		}
		links, err := tx.ListControllers(ctx, processor)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(links, func(l store.TenantLink) bool { return l.Controller == controller }) {
			return fmt.Errorf("%w: tenant %s has not linked processor %s; link them first (the controller's instruction, PIPL Art. 21)", ErrNotLinked, controller, processor)
		}
		preq, err := tx.GetRequest(ctx, processor, requestID)
		if err != nil {
			return fmt.Errorf("routing: request %q of tenant %s: %w", requestID, processor, err)
		}
		to, err := link(preq, DetailRoutedTo)
		if err != nil {
			return err
		}
		switch {
		case to != nil && to.Request != "" && to.Tenant == controller:
			creq, err := tx.GetRequest(ctx, controller, to.Request)
			if err != nil {
				return fmt.Errorf("routing: forwarded request %s of tenant %s: %w", to.Request, controller, err)
			}
			done, existing = true, creq
			return nil
		case to != nil && (to.Request != "" || now.Sub(preq.UpdatedAt) < ClaimTimeout):
			return fmt.Errorf("%w: request %s of tenant %s went to tenant %s", ErrAlreadyRouted, requestID, processor, to.Tenant)
		}
		if rights.Final(preq.State) {
			return fmt.Errorf("%w: request %s of tenant %s is %s", ErrFinal, requestID, processor, preq.State)
		}
		if preq.Detail, err = setDetail(preq.Detail, DetailRoutedTo, Link{Tenant: controller}); err != nil {
			return err
		}
		if existing, err = tx.UpdateRequest(ctx, preq); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, requestEntry(now, actor, "request.forward", existing, map[string]string{"to_tenant": controller}))
		return err
	})
	return done, existing, err
}

// release undoes a claim whose forward failed.
func (r *Router) release(ctx context.Context, actor, processor, requestID, controller string) error {
	now := store.Norm(r.clock().Now())
	return r.Store.Write(ctx, func(tx store.Tx) error {
		preq, err := tx.GetRequest(ctx, processor, requestID)
		if err != nil {
			return err
		}
		if to, err := link(preq, DetailRoutedTo); err != nil || to == nil || to.Tenant != controller || to.Request != "" {
			return err // not ours to release
		}
		if preq.Detail, err = setDetail(preq.Detail, DetailRoutedTo, nil); err != nil {
			return err
		}
		if preq, err = tx.UpdateRequest(ctx, preq); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, requestEntry(now, actor, "request.forward_failed", preq, map[string]string{"to_tenant": controller}))
		return err
	})
}

// mirrored lists the controller's states that Sync copies to the
// processor's request.
var mirrored = []string{rights.StateInProgress, rights.StateFulfilled, rights.StateRefused, rights.StateWithdrawn, rights.StateExpired}

// Sync mirrors the state of controller's request requestID, which must have
// been forwarded by a processor ([ErrNotRouted] otherwise), onto the
// processor's request: in_progress, fulfilled, refused (with the reason
// code and the taxonomy's explanation, never the staff's note), withdrawn
// and expired; other states are the controller's own steps and are not
// mirrored. The processor's request jumps over states it never went
// through; a move backwards, or out of a state that has ended, is a
// *rights.TransitionError and changes nothing. The change is audited as
// "request.route.sync" in the processor's tenant. A "request.status"
// webhook is then enqueued for each active endpoint of the processor
// subscribed to it; if that fails the error wraps [ErrEnqueue] and calling
// Sync again enqueues it again, with the same webhook-id.
func (r *Router) Sync(ctx context.Context, actor, controller, requestID string) error {
	if r.Store == nil || r.Enqueue == nil {
		return fmt.Errorf("%w: Store and Enqueue are required", ErrConfig)
	}
	var creq store.Request
	var from *Link
	err := r.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		if creq, err = rd.GetRequest(ctx, controller, requestID); err != nil {
			return fmt.Errorf("routing: request %q of tenant %s: %w", requestID, controller, err)
		}
		from, err = routedFrom(ctx, rd, creq)
		return err
	})
	if err != nil {
		return err
	}
	if !slices.Contains(mirrored, creq.State) {
		return nil
	}
	var reason *rights.Refusal
	if creq.State == rights.StateRefused {
		det, err := rights.DetailOf(creq)
		if err != nil {
			return fmt.Errorf("routing: detail of request %s of tenant %s: %w", requestID, controller, err)
		}
		if det.Refusal != nil {
			reason = &rights.Refusal{Reason: det.Refusal.Reason, Explanation: det.Refusal.Explanation}
		}
	}

	now := store.Norm(r.clock().Now())
	var jobs []DeliverArgs
	err = r.Store.Write(ctx, func(tx store.Tx) error {
		preq, err := tx.GetRequest(ctx, from.Tenant, from.Request)
		if err != nil {
			return fmt.Errorf("routing: request %s of tenant %s: %w", from.Request, from.Tenant, err)
		}
		to, err := link(preq, DetailRoutedTo)
		if err != nil {
			return err
		}
		if to == nil || *to != (Link{Tenant: controller, Request: requestID}) {
			return fmt.Errorf("%w: request %s of tenant %s does not name request %s of tenant %s", ErrNotRouted, from.Request, from.Tenant, requestID, controller)
		}
		if preq.State != creq.State {
			if !reachable(preq.State, creq.State) {
				return &rights.TransitionError{From: preq.State, To: creq.State}
			}
			prev := preq.State
			preq.State = creq.State
			extra := map[string]string{"from_state": prev, "controller": controller, "controller_request": requestID}
			if reason != nil {
				if preq.Detail, err = setDetail(preq.Detail, "refusal", reason); err != nil {
					return err
				}
				extra["reason"] = reason.Reason
			}
			if preq, err = tx.UpdateRequest(ctx, preq); err != nil {
				return err
			}
			if _, err := tx.Audit(ctx, requestEntry(now, actor, "request.route.sync", preq, extra)); err != nil {
				return err
			}
		}
		jobs, err = deliveries(ctx, tx, from.Tenant, EventRequestStatus, preq)
		return err
	})
	if err != nil {
		return err
	}
	return r.enqueue(ctx, jobs)
}

// routedFrom finds the processor's request a controller's request came
// from: its Detail's routed_from or, where a rights transition dropped it
// (rights.Detail does not declare it yet), the processor's request of the
// same type whose routed_to names it, found from the "routed:<processor>"
// channel.
func routedFrom(ctx context.Context, rd store.Reader, creq store.Request) (*Link, error) {
	from, err := link(creq, DetailRoutedFrom)
	if err != nil || from != nil {
		return from, err
	}
	det, err := rights.DetailOf(creq)
	if err != nil {
		return nil, fmt.Errorf("routing: detail of request %s of tenant %s: %w", creq.ID, creq.Tenant, err)
	}
	processor, ok := strings.CutPrefix(det.Channel, ChannelPrefix)
	if !ok || processor == "" {
		return nil, fmt.Errorf("%w: request %s of tenant %s", ErrNotRouted, creq.ID, creq.Tenant)
	}
	want := Link{Tenant: creq.Tenant, Request: creq.ID}
	p := store.Page{Limit: store.MaxLimit}
	for {
		list, next, err := rd.ListRequests(ctx, processor, store.RequestFilter{Type: creq.Type}, p)
		if err != nil {
			return nil, err
		}
		for _, pr := range list {
			if to, err := link(pr, DetailRoutedTo); err == nil && to != nil && *to == want {
				return &Link{Tenant: processor, Request: pr.ID}, nil
			}
		}
		if next == "" {
			return nil, fmt.Errorf("%w: no request of tenant %s names request %s of tenant %s", ErrNotRouted, processor, creq.ID, creq.Tenant)
		}
		p.After = next
	}
}

// reachable reports whether the state machine leads from one state to the
// other in one or more moves.
func reachable(from, to string) bool {
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range rights.Transitions[s] {
			if n == to {
				return true
			}
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return false
}

// Announce queues event about request req to each active endpoint of its
// tenant subscribed to it, such as [EventRequestDueSoon] for a deadline
// reminder. The payload holds ids, type, state and dates only.
func (r *Router) Announce(ctx context.Context, event string, req store.Request) error {
	if !slices.Contains(Events, event) {
		return fmt.Errorf("%w: %q", ErrEvents, event)
	}
	var jobs []DeliverArgs
	err := r.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		jobs, err = deliveries(ctx, rd, req.Tenant, event, req)
		return err
	})
	if err != nil {
		return err
	}
	return r.enqueue(ctx, jobs)
}

func (r *Router) enqueue(ctx context.Context, jobs []DeliverArgs) error {
	if len(jobs) == 0 {
		return nil
	}
	if err := r.Enqueue.Enqueue(ctx, jobs); err != nil {
		return fmt.Errorf("%w: %d deliveries: %w", ErrEnqueue, len(jobs), err)
	}
	return nil
}

// requestEntry is an audit entry about a request: ids, type, state and
// the extra ids and codes given.
func requestEntry(now time.Time, actor, action string, r store.Request, extra map[string]string) audit.Entry {
	det := map[string]string{"type": r.Type, "state": r.State}
	for k, v := range extra {
		det[k] = v
	}
	return audit.Entry{
		Tenant: r.Tenant, At: now, Actor: actor, Action: action,
		ObjectType: "request", ObjectID: r.ID, Subject: r.Subject, Details: det,
	}
}

// link decodes the Link under key in a request's Detail; nil when absent.
func link(r store.Request, key string) (*Link, error) {
	if len(r.Detail) == 0 {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Detail, &m); err != nil {
		return nil, fmt.Errorf("routing: detail of request %s of tenant %s is not a JSON object", r.ID, r.Tenant)
	}
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var l Link
	if err := json.Unmarshal(raw, &l); err != nil || l.Tenant == "" {
		return nil, fmt.Errorf("routing: detail %s of request %s of tenant %s is not a link", key, r.ID, r.Tenant)
	}
	return &l, nil
}

// setDetail sets key in a Detail object to v (removes it when v is nil),
// keeping every other key as it is.
func setDetail(detail json.RawMessage, key string, v any) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(detail) > 0 {
		if err := json.Unmarshal(detail, &m); err != nil {
			return nil, fmt.Errorf("routing: request detail is not a JSON object")
		}
	}
	if v == nil {
		delete(m, key)
	} else {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[key] = b
	}
	return json.Marshal(m)
}
