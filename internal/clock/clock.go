// Package clock provides the one source of time used by trustee's logic.
//
// Nothing in trustee calls time.Now directly: every package receives a
// [Clock], so a test, a dry run or a retention plan can stand at any date.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time. Implementations are safe for concurrent use.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock, in UTC.
type Real struct{}

// Now returns the current wall-clock time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

var _ Clock = Real{}

// Fake is a settable clock for tests and dry runs. The zero value stands at
// the zero time; use [NewFake] to start at a given instant.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

var _ Clock = (*Fake)(nil)

// NewFake returns a clock standing at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the clock's current instant.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t.UTC()
	f.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new instant.
func (f *Fake) Advance(d time.Duration) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	return f.t
}
