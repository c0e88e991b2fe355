// Package routing forwards rights requests that reach a processor tenant
// (an SDK vendor, the seeds' "entrusted party") to the controller tenant
// whose data they concern (PIPL Art. 21; GDPR Art. 28(3)(e)), tells the
// controller's systems with signed webhooks, and mirrors the controller's
// answer back onto the processor's request.
//
// # Forwarding
//
// [Router.Forward] checks that the controller instructed the processor (a
// [store.TenantLink]), creates the linked request in the controller tenant
// through [Router.Create] (rights.Service.Create, channel "routed:<processor>"),
// records the link on both requests' Detail ("routed_to" on the processor's,
// "routed_from" on the controller's, each a [Link]) and enqueues a
// "request.created" webhook for every active endpoint of the controller
// subscribed to it.
//
// # Status
//
// [Router.Sync] mirrors the controller's request onto the processor's once
// it is in progress or final (fulfilled, refused with its reason code,
// withdrawn, expired), skipping the states the processor's request never
// went through, and enqueues "request.status" webhooks to the processor's
// endpoints. Syncing the same state twice changes nothing.
//
// # Webhooks
//
// Deliveries are River jobs ([DeliverArgs], kind "routing.deliver") worked
// by [DeliverWorker]: it opens the endpoint's secret and posts the event
// with [notify.Webhooks] (Standard Webhooks headers and signature). A
// failure that may pass (network error, 408, 429, 5xx) fails the job, and
// River retries it later with backoff; one that will not (4xx, a disabled
// or deleted endpoint) cancels it. Every attempt of an event carries the
// same webhook-id, so receivers can drop duplicates.
//
// Endpoints are managed with [Router.CreateEndpoint] and
// [Router.DisableEndpoint]. An endpoint's signing secret is shown once, at
// creation, and kept sealed with the tenant's keys (see [SecretRef]).
//
// # Privacy
//
// Webhook payloads ([Payload]), job arguments, audit entries and errors
// hold ids, request types, states, dates and reason codes only: never a
// subject's data, never a staff's free-text note, never an endpoint's URL
// (its query may hold a token).
package routing
