package audit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// ErrOutOfRange is returned when an index or tree size lies outside the log.
var ErrOutOfRange = errors.New("audit: index or tree size out of range")

// ErrInvalidProof is returned by [VerifyInclusion] and [VerifyConsistency]
// when a proof does not prove what it claims.
var ErrInvalidProof = errors.New("audit: invalid proof")

var (
	hasher = rfc6962.DefaultHasher
	ranges = &compact.RangeFactory{Hash: hashChildren}
)

// hashChildren is hasher.HashChildren, SHA-256(0x01 || left || right),
// without its two intermediate allocations: it is the inner loop of every
// tree computation.
func hashChildren(left, right []byte) []byte {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = rfc6962.RFC6962NodeHashPrefix
	copy(buf[1:], left)
	copy(buf[1+sha256.Size:], right)
	h := sha256.Sum256(buf[:])
	return h[:]
}

// Root returns the RFC 6962 Merkle tree hash of the first size entries of
// the log, computed from their stored leaf hashes. It reads the entries once
// and keeps O(log size) hashes in memory.
//
// If the stored entries are not numbered 0 to size-1 in order, Root returns
// the [*Problem] found, which wraps [ErrTampered].
func Root(ctx context.Context, log Log, size int64) ([32]byte, error) {
	if err := checkSize(ctx, log, size); err != nil {
		return [32]byte{}, err
	}
	var root [32]byte
	w := walk{size: size}
	_, p, err := w.run(ctx, log)
	if err == nil && p != nil {
		err = p
	}
	if err != nil {
		return root, err
	}
	copy(root[:], w.root())
	return root, nil
}

// InclusionProof returns the proof that the entry at index is in the tree of
// the first size entries: the hashes [VerifyInclusion] needs, from the leaf
// up. It reads the first size entries once.
func InclusionProof(ctx context.Context, log Log, index, size int64) ([][]byte, error) {
	if index < 0 || index >= size {
		return nil, fmt.Errorf("%w: index %d is not in a tree of size %d", ErrOutOfRange, index, size)
	}
	if err := checkSize(ctx, log, size); err != nil {
		return nil, err
	}
	nodes, err := proof.Inclusion(uint64(index), uint64(size))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOutOfRange, err)
	}
	return proofHashes(ctx, log, size, nodes)
}

// ConsistencyProof returns the proof that the tree of the first size2
// entries extends the tree of the first size1 entries, as [VerifyConsistency]
// needs it. It reads the first size2 entries once.
func ConsistencyProof(ctx context.Context, log Log, size1, size2 int64) ([][]byte, error) {
	if size1 < 0 || size1 > size2 {
		return nil, fmt.Errorf("%w: sizes %d and %d are not 0 <= size1 <= size2", ErrOutOfRange, size1, size2)
	}
	if err := checkSize(ctx, log, size2); err != nil {
		return nil, err
	}
	nodes, err := proof.Consistency(uint64(size1), uint64(size2))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOutOfRange, err)
	}
	if len(nodes.IDs) == 0 {
		return [][]byte{}, nil
	}
	return proofHashes(ctx, log, size2, nodes)
}

// VerifyInclusion checks that proof shows the leaf hash at index to be in
// the tree of the given size with the given root. It needs no log: an
// auditor runs it on a proof and a checkpoint alone.
func VerifyInclusion(leaf [32]byte, index, size int64, proofHashes [][]byte, root [32]byte) error {
	if index < 0 || size < 0 {
		return fmt.Errorf("%w: negative index %d or size %d", ErrInvalidProof, index, size)
	}
	if err := proof.VerifyInclusion(hasher, uint64(index), uint64(size), leaf[:], proofHashes, root[:]); err != nil {
		return fmt.Errorf("%w: inclusion of entry %d in tree of size %d: %v", ErrInvalidProof, index, size, shortProofErr(err))
	}
	return nil
}

// VerifyConsistency checks that proof shows the tree of size2 with root2 to
// extend the tree of size1 with root1. It needs no log.
func VerifyConsistency(size1, size2 int64, proofHashes [][]byte, root1, root2 [32]byte) error {
	if size1 < 0 || size2 < 0 {
		return fmt.Errorf("%w: negative size %d or %d", ErrInvalidProof, size1, size2)
	}
	if err := proof.VerifyConsistency(hasher, uint64(size1), uint64(size2), proofHashes, root1[:], root2[:]); err != nil {
		return fmt.Errorf("%w: consistency of tree size %d with size %d: %v", ErrInvalidProof, size1, size2, shortProofErr(err))
	}
	return nil
}

// shortProofErr replaces the library's multi-line root mismatch message.
func shortProofErr(err error) error {
	var rm proof.RootMismatchError
	if errors.As(err, &rm) {
		return fmt.Errorf("computed root %x, expected %x", rm.CalculatedRoot, rm.ExpectedRoot)
	}
	return err
}

// checkSize checks that 0 <= size <= the log's size.
func checkSize(ctx context.Context, log Log, size int64) error {
	if size < 0 {
		return fmt.Errorf("%w: negative tree size %d", ErrOutOfRange, size)
	}
	n, err := log.AuditSize(ctx)
	if err != nil {
		return fmt.Errorf("audit: log size: %w", err)
	}
	if size > n {
		return fmt.Errorf("%w: tree size %d is beyond the log's %d entries", ErrOutOfRange, size, n)
	}
	return nil
}

// proofHashes reads the first size leaves once, keeps the hashes of the
// proof's nodes as the compact range produces them, and folds them into the
// proof.
func proofHashes(ctx context.Context, log Log, size int64, nodes proof.Nodes) ([][]byte, error) {
	want := make(map[compact.NodeID]int, len(nodes.IDs))
	for i, id := range nodes.IDs {
		want[id] = i
	}
	hashes := make([][]byte, len(nodes.IDs))
	w := walk{size: size, visit: func(id compact.NodeID, hash []byte) {
		if i, ok := want[id]; ok {
			hashes[i] = hash
		}
	}}
	_, p, err := w.run(ctx, log)
	if err == nil && p != nil {
		err = p
	}
	if err != nil {
		return nil, err
	}
	for i, h := range hashes {
		if h == nil {
			return nil, fmt.Errorf("audit: proof node %+v was not computed", nodes.IDs[i])
		}
	}
	return nodes.Rehash(hashes, hashChildren)
}

// walk reads the entries [0, size) of a log in one pass. It checks that each
// entry's Seq is its position, runs check on it, adds its stored leaf hash to
// a compact range, and calls at after each leaf (and once before the first).
// It stops at the first problem.
type walk struct {
	size  int64
	check func(se StoredEntry) *Problem              // optional
	at    func(n int64, rng *compact.Range) *Problem // optional
	visit compact.VisitFn                            // optional
	rng   *compact.Range
}

// errStop ends AuditEntries early once a problem is found.
var errStop = errors.New("stop")

// run returns the number of entries that were in place and passed check, and
// the first problem, if any; err reports failures to read the log.
func (w *walk) run(ctx context.Context, log Log) (n int64, p *Problem, err error) {
	w.rng = ranges.NewEmptyRange(0)
	if w.at != nil {
		if p := w.at(0, w.rng); p != nil {
			return 0, p, nil
		}
	}
	// When an entry skips ahead of its position, the next entry tells
	// whether the ones skipped were removed or come later (reordered).
	skipped, ahead := false, int64(0)
	err = log.AuditEntries(ctx, 0, w.size, func(se StoredEntry) error {
		switch {
		case skipped:
			if se.Seq < ahead {
				p = reordered(n, ahead)
			} else {
				p = removed(n, ahead)
			}
			return errStop
		case se.Seq > n:
			skipped, ahead = true, se.Seq
			return nil
		case se.Seq < n:
			p = repeated(n, se.Seq)
			return errStop
		}
		if w.check != nil {
			if p = w.check(se); p != nil {
				return errStop
			}
		}
		leaf := se.Leaf // a fresh copy: the range keeps the slice
		if err := w.rng.Append(leaf[:], w.visit); err != nil {
			return err
		}
		n++
		if w.at != nil {
			if p = w.at(n, w.rng); p != nil {
				return errStop
			}
		}
		if n%4096 == 0 {
			return ctx.Err()
		}
		return nil
	})
	switch {
	case errors.Is(err, errStop):
		return n, p, nil
	case err != nil:
		return n, nil, fmt.Errorf("audit: read entries: %w", err)
	case skipped:
		return n, removed(n, ahead), nil
	case n < w.size:
		return n, truncated(n, w.size), nil
	}
	return n, nil, nil
}

// root returns the root hash of the leaves walked so far.
func (w *walk) root() []byte {
	return rangeRoot(w.rng)
}

func rangeRoot(rng *compact.Range) []byte {
	if rng.End() == 0 {
		return hasher.EmptyRoot()
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		// The range always begins at 0.
		panic("audit: " + err.Error())
	}
	return root
}
