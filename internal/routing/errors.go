package routing

import "errors"

// Errors for errors.Is. They name tenants and requests by id only.
var (
	// ErrNotProcessor: Forward's processor tenant is not of kind processor.
	ErrNotProcessor = errors.New("routing: not a processor tenant")
	// ErrNotController: Forward's controller tenant is not of kind
	// controller.
	ErrNotController = errors.New("routing: not a controller tenant")
	// ErrNotLinked: the controller has not linked the processor to itself
	// (store.Tx.LinkTenants), so the processor does not act for it.
	ErrNotLinked = errors.New("routing: processor not linked to controller")
	// ErrAlreadyRouted: the request was forwarded already (or a forward of
	// it is under way).
	ErrAlreadyRouted = errors.New("routing: request already forwarded")
	// ErrFinal: the request has ended; there is nothing to forward.
	ErrFinal = errors.New("routing: request already answered")
	// ErrNotRouted: Sync's request did not come from a processor.
	ErrNotRouted = errors.New("routing: request was not routed from a processor")
	// ErrURL: a webhook endpoint URL that is not https (or http to the
	// loopback interface).
	ErrURL = errors.New("routing: webhook URL must be https, or http to a loopback address")
	// ErrEvents: a webhook endpoint subscribed to an unknown event.
	ErrEvents = errors.New("routing: webhook events must be among " + EventRequestCreated + ", " + EventRequestStatus)
	// ErrEnqueue: the change is stored but its webhooks could not be
	// enqueued; the error wraps the enqueuer's.
	ErrEnqueue = errors.New("routing: webhooks not enqueued")
	// ErrConfig: the Router lacks a field the call needs.
	ErrConfig = errors.New("routing: router not configured")
)
