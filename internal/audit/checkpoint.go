package audit

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"

	"github.com/trustee-dev/trustee/internal/clock"
)

// ErrBadCheckpoint is returned by [ParseCheckpoint] for a checkpoint that is
// malformed, not signed by the verifier key, or made for another origin.
var ErrBadCheckpoint = errors.New("audit: bad checkpoint")

// SignCheckpoint computes the root of the whole log, signs it as a C2SP
// tlog-checkpoint with s, and stores it with [Log.PutCheckpoint], stamped
// with clk's time. It returns the checkpoint stored.
//
// When the log has not grown since the latest stored checkpoint, nothing is
// signed and that checkpoint is returned; when the log is empty and has no
// checkpoint, the zero Checkpoint is returned.
//
// SignCheckpoint never signs over tampering it can see: it refuses (with a
// [*Problem], which wraps [ErrTampered]) when the entries are not numbered
// in order, when an entry added since the latest checkpoint does not match
// its stored leaf hash, or when the tree no longer has the latest
// checkpoint's root at its size. Entries covered by earlier checkpoints are
// only hashed, not re-read in full; [Verify] checks those.
func SignCheckpoint(ctx context.Context, log Log, s *Signer, clk clock.Clock) (Checkpoint, error) {
	cps, err := log.Checkpoints(ctx)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: read checkpoints: %w", err)
	}
	var last Checkpoint
	var lastRoot [32]byte
	var lastSize int64
	if len(cps) > 0 {
		last = cps[len(cps)-1]
		_, size, root, err := openCheckpoint(last.Note, note.VerifierList(s.verifier))
		if err != nil {
			return Checkpoint{}, badSignature(last.Size, err)
		}
		lastSize, lastRoot = size, root
	}

	size, err := log.AuditSize(ctx)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: log size: %w", err)
	}
	switch {
	case size < lastSize:
		return Checkpoint{}, checkpointBeyond(size, lastSize)
	case size == lastSize:
		return last, nil
	}

	w := walk{
		size: size,
		check: func(se StoredEntry) *Problem {
			if se.Seq < lastSize {
				return nil
			}
			return checkLeaf(se)
		},
		at: func(n int64, rng *compact.Range) *Problem {
			if n != lastSize || len(cps) == 0 {
				return nil
			}
			return checkRoot(rng, lastSize, lastRoot, 0)
		},
	}
	_, p, err := w.run(ctx, log)
	if err != nil {
		return Checkpoint{}, err
	}
	if p != nil {
		return Checkpoint{}, p
	}
	var root [32]byte
	copy(root[:], w.root())
	signed, err := s.sign(formatCheckpoint(s.Origin(), size, root))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	c := Checkpoint{Size: size, Note: signed, At: clk.Now().UTC()}
	if err := log.PutCheckpoint(ctx, c); err != nil {
		return Checkpoint{}, fmt.Errorf("audit: store checkpoint: %w", err)
	}
	return c, nil
}

// ParseCheckpoint checks the signature of a checkpoint note against the
// verifier key and returns its origin, tree size and root hash. It rejects,
// with an error wrapping [ErrBadCheckpoint], a note not signed by that key,
// a note whose origin is not the key's name, and any text that is not a
// C2SP tlog-checkpoint body (origin, decimal size, base64 root hash, then
// optional extension lines, which are ignored).
func ParseCheckpoint(msg []byte, verifierKey string) (origin string, size int64, root [32]byte, err error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return "", 0, root, fmt.Errorf("%w: verifier key: %v", ErrBadCheckpoint, err)
	}
	return openCheckpoint(msg, note.VerifierList(v))
}

// openCheckpoint is ParseCheckpoint with the verifier already decoded.
func openCheckpoint(msg []byte, known note.Verifiers) (origin string, size int64, root [32]byte, err error) {
	n, err := note.Open(msg, known)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			err = errors.New("not signed by the verifier key")
		case errors.As(err, &invalid):
			err = errors.New("signature does not match the text")
		}
		return "", 0, root, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	origin, size, root, err = parseCheckpointText(n.Text)
	if err != nil {
		return "", 0, [32]byte{}, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	if want := n.Sigs[0].Name; origin != want {
		return "", 0, [32]byte{}, fmt.Errorf("%w: origin %q is not the key's name %q", ErrBadCheckpoint, origin, want)
	}
	return origin, size, root, nil
}

// formatCheckpoint returns the body of a C2SP tlog-checkpoint.
func formatCheckpoint(origin string, size int64, root [32]byte) string {
	return origin + "\n" + strconv.FormatInt(size, 10) + "\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
}

// parseCheckpointText parses the body of a C2SP tlog-checkpoint.
func parseCheckpointText(text string) (origin string, size int64, root [32]byte, err error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return "", 0, root, errors.New("want origin, size and root hash lines")
	}
	for _, l := range lines {
		if l == "" {
			return "", 0, root, errors.New("empty line in checkpoint body")
		}
	}
	origin = lines[0]
	if !isDecimal(lines[1]) {
		return "", 0, root, errors.New("tree size is not a decimal number")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return "", 0, root, errors.New("tree size out of range")
	}
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != len(root) {
		return "", 0, root, errors.New("root hash is not 32 bytes of base64")
	}
	copy(root[:], h)
	return origin, size, root, nil
}

// isDecimal reports whether s is a canonical decimal number: digits only,
// no sign, no leading zero except for "0" itself.
func isDecimal(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkRoot compares the root of the range with a checkpoint's root.
func checkRoot(rng *compact.Range, size int64, want [32]byte, prev int64) *Problem {
	if got := rangeRoot(rng); !bytes.Equal(got, want[:]) {
		var g [32]byte
		copy(g[:], got)
		return rootMismatch(size, prev, want, g)
	}
	return nil
}
