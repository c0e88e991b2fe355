package verify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
	"github.com/trustee-dev/trustee/internal/verify"
)

// These tests keep the Challenge where it lives in production, in the
// request's Detail, and drive verification through the store and the
// rights service on both databases.

type opener func(t *testing.T, clk clock.Clock) store.Store

func TestStoreSQLite(t *testing.T) {
	storeTests(t, func(t *testing.T, clk clock.Clock) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestStorePostgres(t *testing.T) {
	storeTests(t, func(t *testing.T, clk clock.Clock) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.Schema(t), clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// detailKey is where these tests keep the Challenge in Detail.
const detailKey = "verification"

func challengeOf(t testing.TB, r store.Request) verify.Challenge {
	t.Helper()
	var d map[string]json.RawMessage
	var ch verify.Challenge
	if len(r.Detail) == 0 {
		return ch
	}
	if err := json.Unmarshal(r.Detail, &d); err != nil {
		t.Fatal(err)
	}
	if raw, ok := d[detailKey]; ok {
		if err := json.Unmarshal(raw, &ch); err != nil {
			t.Fatal(err)
		}
	}
	return ch
}

func withChallenge(t testing.TB, r *store.Request, ch verify.Challenge) {
	t.Helper()
	d := map[string]json.RawMessage{}
	if len(r.Detail) > 0 {
		if err := json.Unmarshal(r.Detail, &d); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	d[detailKey] = raw
	if r.Detail, err = json.Marshal(d); err != nil {
		t.Fatal(err)
	}
}

// update runs fn on the request's Challenge in one write transaction and
// stores and audits the Challenge whatever fn returns (a wrong try must be
// counted).
func update(t *testing.T, st store.Store, id, action string, fn func(ch *verify.Challenge) error) error {
	t.Helper()
	var result error
	err := st.Write(t.Context(), func(tx store.Tx) error {
		r, err := tx.GetRequest(t.Context(), tenant, id)
		if err != nil {
			return err
		}
		ch := challengeOf(t, r)
		result = fn(&ch)
		withChallenge(t, &r, ch)
		if r, err = tx.UpdateRequest(t.Context(), r); err != nil {
			return err
		}
		det := ch.AuditDetails()
		det["outcome"] = verify.Outcome(result)
		_, err = tx.Audit(t.Context(), audit.Entry{Tenant: tenant, Actor: "test", Action: action,
			ObjectType: "request", ObjectID: id, Subject: r.Subject, Details: det})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return result
}

func storeTests(t *testing.T, open opener) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "xiaoying-kankan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse("xiaoying-kankan.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	decl := *doc.Decl
	decl.Rights.DeadlineFrom = "verification"

	setup := func(t *testing.T) (*rig, store.Store, *rights.Service, string) {
		r := newRig(t)
		st := open(t, r.clk)
		ctx := t.Context()
		err := st.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.CreateTenant(ctx, store.Tenant{ID: tenant, Name: "Acme", Kind: store.KindController}); err != nil {
				return err
			}
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: tenant, ID: subject}); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: "test", Action: "setup"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		svc := &rights.Service{Store: st, Clock: r.clk,
			Declaration: func(context.Context, string) (*policy.Declaration, error) { return &decl, nil }}
		req, err := svc.Create(ctx, "test", tenant, subject, "access", "web")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StartVerification(ctx, "test", tenant, req.ID); err != nil {
			t.Fatal(err)
		}
		return r, st, svc, req.ID
	}

	t.Run("email code verifies and starts the deadline", func(t *testing.T) {
		r, st, svc, id := setup(t)
		q := emailReq("ada@example.org", "zh")
		q.RequestID = id
		if err := update(t, st, id, "request.verification.send", func(ch *verify.Challenge) error {
			_, err := r.v.Send(t.Context(), ch, q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		code := codeRE.FindString(r.mail.WaitFor(t, "ada@example.org").Text)

		r.clk.Advance(3 * time.Minute)
		if err := update(t, st, id, "request.verification.check", func(ch *verify.Challenge) error {
			return r.v.Check(ch, tenant, id, code)
		}); err != nil {
			t.Fatalf("Check = %v", err)
		}
		var stored store.Request
		if err := st.Read(t.Context(), func(rd store.Reader) error {
			stored, err = rd.GetRequest(t.Context(), tenant, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ch := challengeOf(t, stored)
		if !ch.VerifiedAt.Equal(epoch.Add(3*time.Minute)) || ch.Method != verify.MethodEmail || ch.CodeHash != nil {
			t.Fatalf("stored challenge: %+v", ch)
		}
		if !stored.DueAt.IsZero() {
			t.Fatalf("deadline set before verification: %v", stored.DueAt)
		}

		r.clk.Advance(time.Hour) // Verified recorded later than the check
		req, err := svc.Verified(t.Context(), "test", tenant, id, ch.VerifiedAt)
		if err != nil {
			t.Fatal(err)
		}
		det, err := rights.DetailOf(req)
		if err != nil {
			t.Fatal(err)
		}
		if req.State != rights.StateVerified || !det.VerifiedAt.Equal(ch.VerifiedAt) || req.DueAt.IsZero() {
			t.Errorf("after Verified: state %s, verified at %v, due %v", req.State, det.VerifiedAt, req.DueAt)
		}
		if !req.DueAt.After(ch.VerifiedAt) {
			t.Errorf("due %v not after verification %v", req.DueAt, ch.VerifiedAt)
		}
	})

	// Concurrent wrong guesses, each in its own transaction as an API
	// handler would run them, cannot take more tries than the limit.
	t.Run("attempt limit holds under concurrent guesses", func(t *testing.T) {
		r, st, _, id := setup(t)
		q := emailReq("ada@example.org", "en")
		q.RequestID = id
		if err := update(t, st, id, "request.verification.send", func(ch *verify.Challenge) error {
			_, err := r.v.Send(t.Context(), ch, q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		code := codeRE.FindString(r.mail.WaitFor(t, "ada@example.org").Text)
		var wrong []string
		for i := 1; i <= 20; i++ {
			wrong = append(wrong, fmt.Sprintf("%06d", (atoi(code)+i)%1_000_000))
		}
		var mu sync.Mutex
		counts := map[string]int{}
		var wg sync.WaitGroup
		for _, w := range wrong {
			wg.Go(func() {
				err := update(t, st, id, "request.verification.check", func(ch *verify.Challenge) error {
					return r.v.Check(ch, tenant, id, w)
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, verify.ErrWrongCode):
					counts["wrong"]++
				case errors.Is(err, verify.ErrLocked):
					counts["locked"]++
				default:
					counts[err.Error()]++
				}
			})
		}
		wg.Wait()
		if counts["wrong"] != verify.DefaultMaxAttempts-1 || counts["locked"] != 20-(verify.DefaultMaxAttempts-1) || len(counts) != 2 {
			t.Errorf("outcomes %v; want %d wrong and the rest locked", counts, verify.DefaultMaxAttempts-1)
		}
		err := update(t, st, id, "request.verification.check", func(ch *verify.Challenge) error {
			if ch.Attempts != verify.DefaultMaxAttempts || !ch.Locked {
				t.Errorf("stored challenge: %+v", ch)
			}
			return r.v.Check(ch, tenant, id, code)
		})
		if !errors.Is(err, verify.ErrLocked) {
			t.Errorf("right code after lock: %v", err)
		}
	})
}
