package store

import (
	"bytes"
	"encoding/json"
	"time"
)

// Request is a rights request (access, copy, delete, ...). The store keeps
// its state; the rights package owns the state machine, so Type and State
// are names the store does not interpret.
type Request struct {
	Tenant string
	// ID is chosen by the caller.
	ID string
	// Subject is the subject the request concerns; empty until the
	// requester is identified.
	Subject string
	Type    string
	State   string
	// CreatedAt is set from the store's clock when zero; UpdatedAt is set
	// by the store on every write.
	CreatedAt time.Time
	UpdatedAt time.Time
	// DueAt is the deadline; zero when none is set.
	DueAt time.Time
	// Detail is a JSON value with the request's non-personal facts
	// (reason codes, routing, verification state); nil when empty. The
	// store keeps it compacted.
	Detail json.RawMessage
}

// RequestFilter narrows a request listing; zero fields match everything.
type RequestFilter struct {
	Subject string
	Type    string
	State   string
	// DueBefore, when set, keeps requests with a deadline strictly before
	// it.
	DueBefore time.Time
}

func (r *Request) check(now time.Time, create bool) error {
	if err := checkID("request.tenant", r.Tenant); err != nil {
		return err
	}
	if err := checkID("request.id", r.ID); err != nil {
		return err
	}
	if r.Subject != "" {
		if err := checkID("request.subject", r.Subject); err != nil {
			return err
		}
	}
	if err := checkName("request.type", r.Type); err != nil {
		return err
	}
	if err := checkName("request.state", r.State); err != nil {
		return err
	}
	var err error
	if r.DueAt, err = optStamp("request.due_at", r.DueAt); err != nil {
		return err
	}
	if len(r.Detail) == 0 {
		r.Detail = nil
	} else {
		var b bytes.Buffer
		if err := json.Compact(&b, r.Detail); err != nil {
			return invalid("request.detail", "not valid JSON")
		}
		r.Detail = b.Bytes()
	}
	if !create {
		r.UpdatedAt = Norm(now)
		return nil
	}
	if r.CreatedAt, err = stamp("request.created_at", r.CreatedAt, now); err != nil {
		return err
	}
	r.UpdatedAt = r.CreatedAt
	return nil
}

func (f *RequestFilter) check() error {
	if f.Subject != "" {
		if err := checkID("filter.subject", f.Subject); err != nil {
			return err
		}
	}
	if f.Type != "" {
		if err := checkName("filter.type", f.Type); err != nil {
			return err
		}
	}
	if f.State != "" {
		if err := checkName("filter.state", f.State); err != nil {
			return err
		}
	}
	var err error
	f.DueBefore, err = optStamp("filter.due_before", f.DueBefore)
	return err
}
