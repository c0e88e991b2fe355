package audit

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"time"
)

// memLog is an in-memory Log for this package's tests. Entries are kept in a
// slice in the order they are "stored"; AuditEntries passes them on in that
// order, so a test can tamper with the slice as an attacker with write access
// to the database would.
type memLog struct {
	mu      sync.Mutex
	entries []StoredEntry
	size    int64 // the next Seq to assign: the size the log claims
	cps     []Checkpoint
}

var _ Log = (*memLog)(nil)

func newMemLog() *memLog { return &memLog{} }

// append stores e as the next entry, as the store does: Seq assigned without
// gaps and the leaf hash computed once.
func (m *memLog) append(e Entry) StoredEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.Seq = m.size
	m.size++
	se := StoredEntry{Entry: e, Leaf: e.LeafHash()}
	m.entries = append(m.entries, se)
	return se
}

func (m *memLog) AuditSize(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.size, nil
}

func (m *memLog) AuditEntries(ctx context.Context, from, to int64, fn func(StoredEntry) error) error {
	m.mu.Lock()
	entries := m.entries // appends never change the prefix
	m.mu.Unlock()
	for _, se := range entries {
		if se.Seq < from || se.Seq >= to {
			continue
		}
		if err := fn(se); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (m *memLog) Checkpoints(context.Context) ([]Checkpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.cps)
	slices.SortStableFunc(out, func(a, b Checkpoint) int { return cmp.Compare(a.Size, b.Size) })
	return out, nil
}

func (m *memLog) PutCheckpoint(_ context.Context, c Checkpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cps = append(m.cps, c)
	return nil
}

var testEpoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// testEntry returns a plausible entry; its Seq is set by append.
func testEntry(i int) Entry {
	return Entry{
		Tenant:     fmt.Sprintf("tenant-%d", i%3),
		At:         testEpoch.Add(time.Duration(i) * time.Second),
		Actor:      "apikey:k1",
		Action:     "record.create",
		ObjectType: "record",
		ObjectID:   fmt.Sprintf("rec-%d", i),
		Subject:    fmt.Sprintf("sub-%d", i%17),
		Fields:     []string{"phone", "email"},
		Details:    map[string]string{"purpose": "account", "digest": fmt.Sprintf("%064x", i)},
	}
}

// filledLog returns a memLog holding n test entries.
func filledLog(n int) *memLog {
	m := newMemLog()
	for i := range n {
		m.append(testEntry(i))
	}
	return m
}

// leafLog is a Log of n synthetic leaves generated on the fly, for the tree
// benchmarks and memory-bound tests: it stores nothing.
type leafLog struct{ n int64 }

func (l leafLog) AuditSize(context.Context) (int64, error) { return l.n, nil }

func (l leafLog) AuditEntries(_ context.Context, from, to int64, fn func(StoredEntry) error) error {
	var se StoredEntry
	for i := max(from, 0); i < min(to, l.n); i++ {
		se.Seq = i
		binary.BigEndian.PutUint64(se.Leaf[:], uint64(i))
		if err := fn(se); err != nil {
			return err
		}
	}
	return nil
}

func (leafLog) Checkpoints(context.Context) ([]Checkpoint, error) { return nil, nil }
func (leafLog) PutCheckpoint(context.Context, Checkpoint) error   { return nil }

// vectorLog is a Log whose leaves are the RFC 6962 leaf hashes of given
// inputs, to check the tree against published test vectors.
type vectorLog struct{ leaves [][32]byte }

func newVectorLog(inputs [][]byte) vectorLog {
	var v vectorLog
	for _, in := range inputs {
		v.leaves = append(v.leaves, sha256.Sum256(append([]byte{0}, in...)))
	}
	return v
}

func (v vectorLog) AuditSize(context.Context) (int64, error) { return int64(len(v.leaves)), nil }

func (v vectorLog) AuditEntries(_ context.Context, from, to int64, fn func(StoredEntry) error) error {
	for i, l := range v.leaves {
		if int64(i) >= from && int64(i) < to {
			if err := fn(StoredEntry{Entry: Entry{Seq: int64(i)}, Leaf: l}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (vectorLog) Checkpoints(context.Context) ([]Checkpoint, error) { return nil, nil }
func (vectorLog) PutCheckpoint(context.Context, Checkpoint) error   { return nil }
