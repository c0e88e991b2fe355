package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
)

// checkpointedLog returns a log of n entries with a checkpoint at each of
// the sizes given.
func checkpointedLog(t *testing.T, s *Signer, n int, sizes ...int) *memLog {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(testEpoch)
	log := newMemLog()
	for i := range n {
		log.append(testEntry(i))
		for _, size := range sizes {
			if size == i+1 {
				if _, err := SignCheckpoint(ctx, log, s, clk); err != nil {
					t.Fatal(err)
				}
				clk.Advance(time.Minute)
			}
		}
	}
	return log
}

func mustVerify(t *testing.T, log Log, vkey string) Report {
	t.Helper()
	rep, err := Verify(context.Background(), log, vkey)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK != (rep.Problem == nil) {
		t.Fatalf("report OK = %v with problem %v", rep.OK, rep.Problem)
	}
	return rep
}

func TestVerifyCleanLogs(t *testing.T) {
	s := newTestSigner(t)
	for _, n := range []int{0, 1, 2, 3, 7, 8, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			// Checkpoints at a few sizes, including the whole log.
			var sizes []int
			for _, size := range []int{1, 3, 8, 500, n} {
				if size <= n && size > 0 {
					sizes = append(sizes, size)
				}
			}
			log := checkpointedLog(t, s, n, sizes...)
			rep := mustVerify(t, log, s.VerifierKey())
			if !rep.OK || rep.Entries != int64(n) || rep.Checkpoints != len(log.cps) {
				t.Fatalf("report = %+v (%v), want OK with %d entries and %d checkpoints", rep, rep.Problem, n, len(log.cps))
			}
		})
	}
}

func TestVerifyBadVerifierKey(t *testing.T) {
	if _, err := Verify(context.Background(), newMemLog(), "nonsense"); err == nil {
		t.Error("Verify accepted a malformed verifier key")
	}
}

// TestVerifyTampering tampers with a log of 20 entries that has checkpoints
// at sizes 8 and 16, and checks what Verify reports.
func TestVerifyTampering(t *testing.T) {
	s := newTestSigner(t)
	const n = 20
	type want struct {
		kind     ProblemKind
		seq      int64
		from, to int64
	}
	alter := func(k int, f func(e *Entry)) func(m *memLog) {
		return func(m *memLog) { f(&m.entries[k].Entry) }
	}
	rehash := func(k int, f func(e *Entry)) func(m *memLog) {
		return func(m *memLog) {
			f(&m.entries[k].Entry)
			m.entries[k].Leaf = m.entries[k].LeafHash()
		}
	}
	remove := func(ks ...int) func(m *memLog) {
		return func(m *memLog) {
			for i := len(ks) - 1; i >= 0; i-- {
				m.entries = append(m.entries[:ks[i]], m.entries[ks[i]+1:]...)
			}
		}
	}
	swap := func(k int) func(m *memLog) {
		return func(m *memLog) { m.entries[k], m.entries[k+1] = m.entries[k+1], m.entries[k] }
	}
	action := func(e *Entry) { e.Action = "record.read" }
	detail := func(e *Entry) { e.Details["purpose"] = "marketing" }
	at := func(e *Entry) { e.At = e.At.Add(time.Nanosecond) }
	tenant := func(e *Entry) { e.Tenant = "tenant-x" }
	other := newTestSigner(t) // same origin, another key

	cases := []struct {
		name   string
		tamper func(m *memLog)
		want   want
	}{
		{"action of first", alter(0, action), want{Altered, 0, 0, 0}},
		{"details value", alter(5, detail), want{Altered, 5, 5, 5}},
		{"time", alter(8, at), want{Altered, 8, 8, 8}},
		{"tenant of last", alter(19, tenant), want{Altered, 19, 19, 19}},
		{"time zone only is not a change", alter(3, func(e *Entry) { e.At = e.At.In(time.FixedZone("X", 3600)) }), want{}},

		{"rehashed before first checkpoint", rehash(2, action), want{RootMismatch, 7, 0, 7}},
		{"rehashed between checkpoints", rehash(12, detail), want{RootMismatch, 15, 8, 15}},
		{"rehashed last of a checkpoint", rehash(15, tenant), want{RootMismatch, 15, 8, 15}},
		// After the last checkpoint a consistent rewrite cannot be seen:
		// that is what the next checkpoint is for.
		{"rehashed after last checkpoint", rehash(17, action), want{}},

		{"first removed", remove(0), want{Removed, 0, 0, 0}},
		{"middle removed", remove(9), want{Removed, 9, 9, 9}},
		{"run removed", remove(9, 10, 11), want{Removed, 9, 9, 11}},
		{"second to last removed", remove(18), want{Removed, 18, 18, 18}},

		{"swapped", swap(4), want{Reordered, 4, 4, 5}},
		{"swapped at end", swap(18), want{Reordered, 18, 18, 19}},
		{"renumbered swap", func(m *memLog) {
			m.entries[4].Seq, m.entries[5].Seq = 5, 4
			m.entries[4], m.entries[5] = m.entries[5], m.entries[4]
		}, want{Altered, 4, 4, 4}},
		{"duplicated", func(m *memLog) {
			m.entries = append(m.entries[:7], append([]StoredEntry{m.entries[6]}, m.entries[7:]...)...)
		}, want{Reordered, 7, 6, 7}},

		{"last dropped", func(m *memLog) { m.entries = m.entries[:n-1] }, want{Truncated, 19, 19, 19}},
		{"tail dropped", func(m *memLog) { m.entries = m.entries[:10] }, want{Truncated, 10, 10, 19}},
		{"tail and size dropped", func(m *memLog) { m.entries, m.size = m.entries[:10], 10 }, want{Truncated, 10, 10, 15}},
		{"all dropped", func(m *memLog) { m.entries, m.size = nil, 0 }, want{Truncated, 0, 0, 7}},

		{"checkpoint size edited", func(m *memLog) {
			m.cps[1].Note = bytes.Replace(m.cps[1].Note, []byte("\n16\n"), []byte("\n15\n"), 1)
		}, want{BadSignature, 15, 0, 15}},
		{"checkpoint record size edited", func(m *memLog) { m.cps[0].Size = 9 }, want{BadSignature, 8, 0, 8}},
		{"checkpoint by another key", func(m *memLog) {
			c, err := SignCheckpoint(context.Background(), filledLog(8), other, clock.NewFake(testEpoch))
			if err != nil {
				t.Fatal(err)
			}
			m.cps[0] = c
		}, want{BadSignature, 7, 0, 7}},
		{"checkpoint removed", func(m *memLog) { m.cps = m.cps[:1] }, want{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := checkpointedLog(t, s, n, 8, 16)
			tc.tamper(log)
			rep := mustVerify(t, log, s.VerifierKey())
			t.Log(rep)
			if tc.want.kind == "" {
				if !rep.OK {
					t.Fatalf("problem reported: %v", rep.Problem)
				}
				return
			}
			p := rep.Problem
			if p == nil {
				t.Fatalf("no problem found, want %s at %d", tc.want.kind, tc.want.seq)
			}
			got := want{p.Kind, p.Seq, p.From, p.To}
			if got != tc.want {
				t.Errorf("problem %+v, want %+v\n%s", got, tc.want, p.Message)
			}
			named := fmt.Sprintf("entry %d", p.Seq)
			if p.From != p.To {
				named = fmt.Sprintf("%d to %d", p.From, p.To)
			}
			if p.Kind == BadSignature {
				named = fmt.Sprintf("checkpoint stored at size %d", p.Checkpoint)
			}
			if !strings.Contains(p.Message, named) {
				t.Errorf("message does not name %q: %s", named, p.Message)
			}
			for _, leak := range []string{"marketing", "account", "tenant-", "record.read", "rec-", "sub-"} {
				if strings.Contains(p.Message, leak) {
					t.Errorf("message carries entry content %q: %s", leak, p.Message)
				}
			}
			if rep.Entries > p.Seq+1 {
				t.Errorf("report counts %d entries checked, past the problem at %d", rep.Entries, p.Seq)
			}
		})
	}
}

func TestVerifyReportsFirstProblem(t *testing.T) {
	s := newTestSigner(t)
	log := checkpointedLog(t, s, 20, 8, 16)
	log.entries[12].Action = "x"                    // altered at 12
	log.entries[3].Tenant = "y"                     // and at 3
	log.entries = log.entries[:18]                  // and truncated
	log.cps[1].Note = append(log.cps[1].Note, '\n') // and a broken checkpoint
	rep := mustVerify(t, log, s.VerifierKey())
	if p := rep.Problem; p == nil || p.Kind != Altered || p.Seq != 3 || rep.Entries != 3 || rep.Checkpoints != 0 {
		t.Fatalf("report %+v (%v), want Altered at 3 after 3 entries", rep, rep.Problem)
	}
}

func TestReportRendering(t *testing.T) {
	ok := Report{Entries: 1000, Checkpoints: 1, OK: true}
	if got, want := ok.String(), "audit log verified: 1000 entries, 1 signed checkpoint"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	js, err := json.Marshal(ok)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(js), `{"entries":1000,"checkpoints":1,"ok":true}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}

	bad := Report{Entries: 41, Checkpoints: 2, Problem: removed(41, 43)}
	if got, want := bad.String(), "audit log NOT verified (removed): entries 41 to 42 were removed: the log goes from entry 40 to entry 43\n"+
		"41 entries and 2 checkpoints checked before the problem was found"; got != want {
		t.Errorf("String() = %q,\nwant %q", got, want)
	}
	js, err = json.Marshal(bad)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"entries":41,"checkpoints":2,"ok":false,"problem":{"kind":"removed","seq":41,"from":41,"to":42,` +
		`"message":"entries 41 to 42 were removed: the log goes from entry 40 to entry 43"}}`
	if string(js) != want {
		t.Errorf("JSON = %s,\nwant %s", js, want)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || *back.Problem != *bad.Problem {
		t.Errorf("JSON round trip: %+v, %v", back.Problem, err)
	}
	if err := error(bad.Problem); !errors.Is(err, ErrTampered) || !strings.HasPrefix(err.Error(), "audit: entries 41") {
		t.Errorf("Problem as error: %v", err)
	}
}

// TestVerifyReadError checks that a failing store is an error, not a problem.
func TestVerifyReadError(t *testing.T) {
	s := newTestSigner(t)
	log := failingLog{memLog: checkpointedLog(t, s, 10, 5), err: errors.New("disk on fire")}
	if _, err := Verify(context.Background(), log, s.VerifierKey()); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the store's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, log.memLog, s.VerifierKey()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

type failingLog struct {
	*memLog
	err error
}

func (f failingLog) AuditEntries(ctx context.Context, from, to int64, fn func(StoredEntry) error) error {
	return f.memLog.AuditEntries(ctx, from, to, func(se StoredEntry) error {
		if se.Seq == 3 {
			return f.err
		}
		return fn(se)
	})
}
