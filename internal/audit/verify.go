package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
)

// ErrTampered is wrapped by every [*Problem] returned as an error: the log
// is not what was written.
var ErrTampered = errors.New("audit: log tampered")

// ProblemKind names what is wrong with a log. Its values are stable: scripts
// may match them in `trustee audit verify --json` output.
type ProblemKind string

// The kinds of problem [Verify] finds.
const (
	// Altered: an entry's content no longer matches the leaf hash stored
	// when it was written.
	Altered ProblemKind = "altered"
	// Removed: entries are missing from the middle of the log (a gap in
	// the sequence numbers).
	Removed ProblemKind = "removed"
	// Reordered: an entry is stored out of sequence order, or twice.
	Reordered ProblemKind = "reordered"
	// Truncated: the log ends before its recorded size or before the size
	// a checkpoint vouches for.
	Truncated ProblemKind = "truncated"
	// BadSignature: a stored checkpoint is malformed or not signed by the
	// verifier key.
	BadSignature ProblemKind = "bad_signature"
	// RootMismatch: the entries no longer hash to a signed checkpoint's
	// root, though each matches its stored leaf hash: entries were changed
	// and their leaf hashes recomputed, or replaced.
	RootMismatch ProblemKind = "root_mismatch"
)

// Problem is the first thing found wrong with a log. As an error it wraps
// [ErrTampered].
type Problem struct {
	Kind ProblemKind `json:"kind"`
	// Seq is the position in the log where the problem was found: the
	// entry at fault, or for a checkpoint problem the last entry the
	// checkpoint covers.
	Seq int64 `json:"seq"`
	// From and To bound, inclusive, the entries the problem concerns: for
	// RootMismatch the range in which the alteration lies (after the
	// previous good checkpoint, up to this one's last entry).
	From int64 `json:"from"`
	To   int64 `json:"to"`
	// Checkpoint is the tree size of the checkpoint concerned, if any.
	Checkpoint int64 `json:"checkpoint,omitempty"`
	// Message says, for an operator, which entries and what is wrong. It
	// holds sequence numbers and hashes, never entry contents.
	Message string `json:"message"`
}

// Error returns the message, prefixed with "audit: ".
func (p *Problem) Error() string { return "audit: " + p.Message }

// Unwrap returns [ErrTampered].
func (p *Problem) Unwrap() error { return ErrTampered }

// String returns the kind and the message.
func (p *Problem) String() string { return string(p.Kind) + ": " + p.Message }

// Report is the outcome of [Verify].
type Report struct {
	// Entries is the number of entries found in place and intact (all of
	// them when OK; those before the problem otherwise).
	Entries int64 `json:"entries"`
	// Checkpoints is the number of signed checkpoints verified.
	Checkpoints int `json:"checkpoints"`
	// OK is true when nothing is wrong; Problem is nil then.
	OK      bool     `json:"ok"`
	Problem *Problem `json:"problem,omitempty"`
}

// String renders the report as one or two lines of text.
func (r Report) String() string {
	if r.OK {
		return fmt.Sprintf("audit log verified: %s, %s", plural(r.Entries, "entry", "entries"),
			plural(int64(r.Checkpoints), "signed checkpoint", "signed checkpoints"))
	}
	if r.Problem == nil {
		return "audit log NOT verified"
	}
	return fmt.Sprintf("audit log NOT verified (%s): %s\n%s and %s checked before the problem was found",
		r.Problem.Kind, r.Problem.Message, plural(r.Entries, "entry", "entries"),
		plural(int64(r.Checkpoints), "checkpoint", "checkpoints"))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Verify reads every entry of the log once and reports the first problem:
//
//   - each entry's Seq is its position: a gap means entries were removed,
//     a repeated or lower Seq that entries were reordered;
//   - each entry's content hashes to its stored leaf hash (else altered);
//   - the log holds as many entries as it claims (else truncated);
//   - each checkpoint is signed by verifierKey, and the stored leaves up to
//     its size hash to its root (else the alteration lies after the previous
//     checkpoint). Consecutive checkpoints are then consistent, since both
//     are roots of the same leaves.
//
// Problems are reported in log order; a checkpoint is checked when the
// entries it covers have been read. A tampered log yields a Report with OK
// false and a nil error; the error reports only failures to read the log or
// an unusable verifier key. Memory use does not grow with the log's size.
func Verify(ctx context.Context, log Log, verifierKey string) (Report, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Report{}, fmt.Errorf("audit: verifier key: %w", err)
	}
	known := note.VerifierList(v)
	// Checkpoints first, then the size, so that checkpoints signed while
	// Verify runs are never beyond the entries it reads.
	cps, err := log.Checkpoints(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: read checkpoints: %w", err)
	}
	size, err := log.AuditSize(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: log size: %w", err)
	}

	checks := make([]cpCheck, len(cps))
	for i, c := range cps {
		checks[i] = newCPCheck(c, known)
	}
	slices.SortStableFunc(checks, func(a, b cpCheck) int { return cmp.Compare(a.size, b.size) })

	var rep Report
	next, prev := 0, int64(0) // next check to run; size of the last good checkpoint
	w := walk{
		size:  size,
		check: checkLeaf,
		at: func(n int64, rng *compact.Range) *Problem {
			for ; next < len(checks) && checks[next].size == n; next++ {
				c := checks[next]
				if c.bad != nil {
					return c.bad
				}
				if p := checkRoot(rng, n, c.root, prev); p != nil {
					return p
				}
				rep.Checkpoints++
				prev = n
			}
			return nil
		},
	}
	n, p, err := w.run(ctx, log)
	if err != nil {
		return Report{}, err
	}
	rep.Entries = n
	if p == nil && next < len(checks) {
		// A checkpoint vouches for entries the log does not hold.
		if c := checks[next]; c.bad != nil {
			p = c.bad
		} else {
			p = checkpointBeyond(n, c.size)
		}
	}
	rep.Problem = p
	rep.OK = p == nil
	return rep, nil
}

// cpCheck is a stored checkpoint, opened: the size it vouches for and its
// root, or the problem with it.
type cpCheck struct {
	size int64
	root [32]byte
	bad  *Problem
}

func newCPCheck(c Checkpoint, known note.Verifiers) cpCheck {
	_, size, root, err := openCheckpoint(c.Note, known)
	at := max(c.Size, 0)
	switch {
	case err != nil:
		return cpCheck{size: at, bad: badSignature(at, err)}
	case size != c.Size:
		return cpCheck{size: at, bad: badSignature(at,
			fmt.Errorf("the checkpoint record says size %d but its signed note says %d", c.Size, size))}
	}
	return cpCheck{size: size, root: root}
}

// checkLeaf checks that an entry's content hashes to its stored leaf.
func checkLeaf(se StoredEntry) *Problem {
	if got := se.LeafHash(); got != se.Leaf {
		return &Problem{Kind: Altered, Seq: se.Seq, From: se.Seq, To: se.Seq, Message: fmt.Sprintf(
			"entry %d was altered: its content hashes to %x, not to the leaf hash %x stored when it was written",
			se.Seq, got, se.Leaf)}
	}
	return nil
}

// span names the entries from to to, inclusive.
func span(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d", from)
	}
	return fmt.Sprintf("entries %d to %d", from, to)
}

// held names the entries a log of n entries holds.
func held(n int64) string {
	if n == 0 {
		return "no entries"
	}
	return span(0, n-1)
}

func removed(pos, found int64) *Problem {
	verb := "was"
	if found > pos+1 {
		verb = "were"
	}
	where := fmt.Sprintf("the log goes from entry %d to entry %d", pos-1, found)
	if pos == 0 {
		where = fmt.Sprintf("the log starts at entry %d", found)
	}
	return &Problem{Kind: Removed, Seq: pos, From: pos, To: found - 1, Message: fmt.Sprintf(
		"%s %s removed: %s", span(pos, found-1), verb, where)}
}

func reordered(pos, found int64) *Problem {
	return &Problem{Kind: Reordered, Seq: pos, From: pos, To: found, Message: fmt.Sprintf(
		"%s are out of order: position %d holds entry %d, and a lower-numbered entry follows it",
		span(pos, found), pos, found)}
}

func repeated(pos, found int64) *Problem {
	from := max(min(found, pos), 0)
	return &Problem{Kind: Reordered, Seq: pos, From: from, To: pos, Message: fmt.Sprintf(
		"%s are out of order: position %d holds entry %d, which belongs earlier (a duplicate, or an entry moved back)",
		span(from, pos), pos, found)}
}

func truncated(n, size int64) *Problem {
	return &Problem{Kind: Truncated, Seq: n, From: n, To: size - 1, Message: fmt.Sprintf(
		"the log was truncated: it records %d entries but holds %s; %s missing",
		size, held(n), isAre(span(n, size-1), n == size-1))}
}

func checkpointBeyond(n, size int64) *Problem {
	return &Problem{Kind: Truncated, Seq: n, From: n, To: size - 1, Checkpoint: size, Message: fmt.Sprintf(
		"the log was truncated: the checkpoint at size %d vouches for %s but the log holds %s; %s missing",
		size, held(size), held(n), isAre(span(n, size-1), n == size-1))}
}

func isAre(subject string, one bool) string {
	if one {
		return subject + " is"
	}
	return subject + " are"
}

func rootMismatch(size, prev int64, want, got [32]byte) *Problem {
	return &Problem{Kind: RootMismatch, Seq: size - 1, From: prev, To: size - 1, Checkpoint: size,
		Message: fmt.Sprintf("entries changed after the checkpoint at size %d was signed: "+
			"it signs root %x but %s hash to %x; the change lies in %s "+
			"(each entry matches its stored leaf hash, so leaf hashes were recomputed or entries replaced)",
			size, want, held(size), got, span(prev, size-1))}
}

// badSignature reports an unusable checkpoint stored at size at.
func badSignature(at int64, err error) *Problem {
	msg, _ := strings.CutPrefix(err.Error(), ErrBadCheckpoint.Error()+": ")
	return &Problem{Kind: BadSignature, Seq: max(at-1, 0), From: 0, To: max(at-1, 0), Checkpoint: at,
		Message: fmt.Sprintf("the checkpoint stored at size %d does not verify: %v; it was forged, edited or signed by another key",
			at, msg)}
}
