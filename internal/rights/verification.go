package rights

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/verify"
)

// Verifications are the identity checks a declaration may list in
// rights.verification that trustee carries out itself, besides the tenant
// vouching for a subject it authenticated (MethodAccountLogin).
const (
	// MethodAccountLogin: the tenant's app authenticated the subject and
	// says so with its API key.
	MethodAccountLogin = "account_login"
)

// ErrMethodNotDeclared is returned when a verification method is not among
// the declaration's rights.verification.
var ErrMethodNotDeclared = errors.New("rights: verification method not declared")

// CheckMethod returns nil if the tenant's active declaration lists method
// in rights.verification, and an error wrapping ErrMethodNotDeclared
// otherwise.
func (s *Service) CheckMethod(ctx context.Context, tenant, method string) error {
	d, err := s.decl(ctx, tenant)
	if err != nil {
		return err
	}
	for _, m := range d.Rights.Verification {
		if m == method {
			return nil
		}
	}
	return ErrMethodNotDeclared
}

// settled reports whether err is an outcome of the check worth keeping
// (a wrong code counts a try; a send counts a send) rather than a failure
// to check at all (configuration, no sender), which leaves the challenge
// as it was.
func settled(err error) bool {
	return !errors.Is(err, verify.ErrConfig) && !errors.Is(err, verify.ErrNoSender) && !errors.Is(err, verify.ErrMethod)
}

// Challenge updates a request's identity challenge in one transaction: fn
// edits ch (a new, empty one on first use) and returns the outcome of the
// check it ran. The challenge is stored whatever the outcome, so a wrong
// code counts, unless fn failed to check at all (verify.ErrConfig,
// ErrNoSender, ErrMethod). A request still received moves to verifying.
// The change is audited as request.challenge with the challenge's counters
// and the outcome code, never the code, its hash or the address. It
// returns the request as stored and fn's error.
func (s *Service) Challenge(ctx context.Context, actor, tenant, id string, fn func(r store.Request, ch *verify.Challenge) error) (store.Request, error) {
	var outcome error
	r, err := s.move(ctx, actor, tenant, id, "", "request.challenge", func(r *store.Request, det *Detail, _ time.Time) (map[string]string, error) {
		if Final(r.State) || r.State == StateVerified || r.State == StateInProgress {
			return nil, &TransitionError{From: r.State, To: StateVerifying}
		}
		ch := verify.Challenge{}
		if det.Verification != nil {
			ch = *det.Verification
		}
		outcome = fn(*r, &ch)
		if outcome != nil && !settled(outcome) {
			return nil, outcome
		}
		det.Verification = &ch
		if r.State == StateReceived {
			r.State = StateVerifying
		}
		extra := maps.Clone(ch.AuditDetails())
		extra["outcome"] = verify.Outcome(outcome)
		return extra, nil
	})
	if err != nil {
		return r, err
	}
	return r, outcome
}
