package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/transparency-dev/merkle/testonly"
)

// The reference functions below follow RFC 6962 section 2.1 literally, over
// leaf hashes, as an independent check of the compact-range code.

func refMTH(leaves [][32]byte) []byte {
	switch n := len(leaves); n {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		return leaves[0][:]
	default:
		k := largestPow2Below(n)
		h := sha256.Sum256(append(append([]byte{1}, refMTH(leaves[:k])...), refMTH(leaves[k:])...))
		return h[:]
	}
}

func refPath(m int, leaves [][32]byte) [][]byte {
	n := len(leaves)
	if n <= 1 {
		return [][]byte{}
	}
	k := largestPow2Below(n)
	if m < k {
		return append(refPath(m, leaves[:k]), refMTH(leaves[k:]))
	}
	return append(refPath(m-k, leaves[k:]), refMTH(leaves[:k]))
}

func refSubproof(m int, leaves [][32]byte, complete bool) [][]byte {
	n := len(leaves)
	if m == n {
		if complete {
			return [][]byte{}
		}
		return [][]byte{refMTH(leaves)}
	}
	k := largestPow2Below(n)
	if m <= k {
		return append(refSubproof(m, leaves[:k], complete), refMTH(leaves[k:]))
	}
	return append(refSubproof(m-k, leaves[k:], false), refMTH(leaves[:k]))
}

func largestPow2Below(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func leavesOf(m *memLog) [][32]byte {
	var out [][32]byte
	for _, se := range m.entries {
		out = append(out, se.Leaf)
	}
	return out
}

func TestHashChildren(t *testing.T) {
	a, b := sha256.Sum256([]byte("a")), sha256.Sum256([]byte("b"))
	if got, want := hashChildren(a[:], b[:]), hasher.HashChildren(a[:], b[:]); !bytes.Equal(got, want) {
		t.Errorf("hashChildren = %x, want %x", got, want)
	}
}

func TestRootVectors(t *testing.T) {
	ctx := context.Background()
	log := newVectorLog(testonly.LeafInputs())
	for size, want := range testonly.RootHashes() {
		got, err := Root(ctx, log, int64(size))
		if err != nil {
			t.Fatalf("Root(%d): %v", size, err)
		}
		if !bytes.Equal(got[:], want) {
			t.Errorf("Root(%d) = %x, want %x", size, got, want)
		}
	}
}

func TestRootMatchesReference(t *testing.T) {
	ctx := context.Background()
	log := filledLog(70)
	leaves := leavesOf(log)
	for size := 0; size <= len(leaves); size++ {
		got, err := Root(ctx, log, int64(size))
		if err != nil {
			t.Fatalf("Root(%d): %v", size, err)
		}
		if want := refMTH(leaves[:size]); !bytes.Equal(got[:], want) {
			t.Errorf("Root(%d) = %x, want %x", size, got, want)
		}
	}
}

func TestRootOutOfRange(t *testing.T) {
	ctx := context.Background()
	log := filledLog(3)
	for _, size := range []int64{-1, 4} {
		if _, err := Root(ctx, log, size); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("Root(%d): err = %v, want ErrOutOfRange", size, err)
		}
	}
}

func TestRootOfTamperedLog(t *testing.T) {
	ctx := context.Background()
	log := filledLog(5)
	log.entries = append(log.entries[:2], log.entries[3:]...)
	_, err := Root(ctx, log, 5)
	var p *Problem
	if !errors.As(err, &p) || p.Kind != Removed || p.Seq != 2 || !errors.Is(err, ErrTampered) {
		t.Fatalf("Root over a gap: err = %v, want Removed at 2", err)
	}
}

func TestInclusionProofs(t *testing.T) {
	ctx := context.Background()
	log := filledLog(33)
	leaves := leavesOf(log)
	for size := 1; size <= 33; size++ {
		root, err := Root(ctx, log, int64(size))
		if err != nil {
			t.Fatal(err)
		}
		for index := range size {
			name := fmt.Sprintf("index %d size %d", index, size)
			p, err := InclusionProof(ctx, log, int64(index), int64(size))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if want := refPath(index, leaves[:size]); !equalHashes(p, want) {
				t.Fatalf("%s: proof = %x, want %x", name, p, want)
			}
			if err := VerifyInclusion(leaves[index], int64(index), int64(size), p, root); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			wrong := leaves[(index+1)%len(leaves)]
			if err := VerifyInclusion(wrong, int64(index), int64(size), p, root); !errors.Is(err, ErrInvalidProof) {
				t.Fatalf("%s: wrong leaf: err = %v, want ErrInvalidProof", name, err)
			}
			if size > 1 {
				if err := VerifyInclusion(leaves[index], int64((index+1)%size), int64(size), p, root); !errors.Is(err, ErrInvalidProof) {
					t.Fatalf("%s: wrong index: err = %v, want ErrInvalidProof", name, err)
				}
			}
		}
	}
}

func TestInclusionProofOutOfRange(t *testing.T) {
	ctx := context.Background()
	log := filledLog(4)
	for _, c := range [][2]int64{{-1, 2}, {2, 2}, {0, 5}, {0, 0}} {
		if _, err := InclusionProof(ctx, log, c[0], c[1]); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("InclusionProof(%d, %d): err = %v, want ErrOutOfRange", c[0], c[1], err)
		}
	}
}

func TestConsistencyProofs(t *testing.T) {
	ctx := context.Background()
	log := filledLog(33)
	leaves := leavesOf(log)
	roots := make([][32]byte, 34)
	for size := range roots {
		var err error
		if roots[size], err = Root(ctx, log, int64(size)); err != nil {
			t.Fatal(err)
		}
	}
	for size2 := 0; size2 <= 33; size2++ {
		for size1 := 0; size1 <= size2; size1++ {
			name := fmt.Sprintf("%d -> %d", size1, size2)
			p, err := ConsistencyProof(ctx, log, int64(size1), int64(size2))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := [][]byte{}
			if size1 > 0 {
				want = refSubproof(size1, leaves[:size2], true)
			}
			if !equalHashes(p, want) {
				t.Fatalf("%s: proof = %x, want %x", name, p, want)
			}
			if err := VerifyConsistency(int64(size1), int64(size2), p, roots[size1], roots[size2]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if size1 > 0 && size1 < size2 {
				other := roots[size1-1]
				if err := VerifyConsistency(int64(size1), int64(size2), p, other, roots[size2]); !errors.Is(err, ErrInvalidProof) {
					t.Fatalf("%s: wrong root1: err = %v, want ErrInvalidProof", name, err)
				}
				if err := VerifyConsistency(int64(size1), int64(size2), p, roots[size1], roots[size2-1]); !errors.Is(err, ErrInvalidProof) {
					t.Fatalf("%s: wrong root2: err = %v, want ErrInvalidProof", name, err)
				}
			}
		}
	}
	if _, err := ConsistencyProof(ctx, log, 5, 4); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("ConsistencyProof(5, 4): err = %v, want ErrOutOfRange", err)
	}
	if _, err := ConsistencyProof(ctx, log, 1, 34); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("ConsistencyProof(1, 34): err = %v, want ErrOutOfRange", err)
	}
}

// TestRootMemory checks that the memory Root keeps does not grow with the
// log: a million leaves stream through a compact range of about 20 hashes.
func TestRootMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a million leaves")
	}
	ctx := context.Background()
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	log := sampledLog{leafLog: leafLog{n: 1 << 20}, every: 1 << 16, sample: func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base {
			peak = max(peak, ms.HeapAlloc-base)
		}
	}}
	if _, err := Root(ctx, log, log.n); err != nil {
		t.Fatal(err)
	}
	// All leaf hashes would take 32 MiB.
	if peak > 1<<20 {
		t.Errorf("live heap grew by %d bytes while computing the root of %d leaves", peak, log.n)
	}
}

// sampledLog calls sample every so many entries.
type sampledLog struct {
	leafLog
	every  int64
	sample func()
}

func (s sampledLog) AuditEntries(ctx context.Context, from, to int64, fn func(StoredEntry) error) error {
	return s.leafLog.AuditEntries(ctx, from, to, func(se StoredEntry) error {
		if se.Seq%s.every == 0 {
			s.sample()
		}
		return fn(se)
	})
}

func equalHashes(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
