package audit

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trustee-dev/trustee/internal/clock"
)

func TestCheckpointRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newTestSigner(t)
	clk := clock.NewFake(testEpoch)
	log := filledLog(7)

	c, err := SignCheckpoint(ctx, log, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size != 7 || !c.At.Equal(testEpoch) {
		t.Errorf("checkpoint size %d at %v, want 7 at %v", c.Size, c.At, testEpoch)
	}
	origin, size, root, err := ParseCheckpoint(c.Note, s.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	want, err := Root(ctx, log, 7)
	if err != nil {
		t.Fatal(err)
	}
	if origin != testOrigin || size != 7 || root != want {
		t.Errorf("parsed (%q, %d, %x), want (%q, 7, %x)", origin, size, root, testOrigin, want)
	}
	// The C2SP layout: origin, size, base64 root, blank line, signature.
	lines := strings.Split(string(c.Note), "\n")
	if len(lines) != 6 || lines[0] != testOrigin || lines[1] != "7" ||
		lines[2] != base64.StdEncoding.EncodeToString(want[:]) || lines[3] != "" ||
		!strings.HasPrefix(lines[4], "— "+testOrigin+" ") || lines[5] != "" {
		t.Errorf("checkpoint note is not a C2SP checkpoint:\n%s", c.Note)
	}
	stored, _ := log.Checkpoints(ctx)
	if len(stored) != 1 || !bytes.Equal(stored[0].Note, c.Note) {
		t.Fatalf("stored checkpoints = %v, want the one signed", stored)
	}

	// No growth: nothing new is signed.
	clk.Advance(time.Hour)
	again, err := SignCheckpoint(ctx, log, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Note, c.Note) || len(log.cps) != 1 {
		t.Errorf("checkpoint of an unchanged log was re-signed")
	}

	// Growth: a new checkpoint, consistent with the first.
	log.append(testEntry(7))
	log.append(testEntry(8))
	c2, err := SignCheckpoint(ctx, log, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	_, size2, root2, err := ParseCheckpoint(c2.Note, s.VerifierKey())
	if err != nil || size2 != 9 || len(log.cps) != 2 {
		t.Fatalf("second checkpoint: size %d, %d stored, err %v", size2, len(log.cps), err)
	}
	p, err := ConsistencyProof(ctx, log, size, size2)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsistency(size, size2, p, root, root2); err != nil {
		t.Error(err)
	}
}

func TestCheckpointEmptyLog(t *testing.T) {
	c, err := SignCheckpoint(context.Background(), newMemLog(), newTestSigner(t), clock.NewFake(testEpoch))
	if err != nil || c.Size != 0 || c.Note != nil {
		t.Errorf("empty log: checkpoint %+v, err %v; want none", c, err)
	}
}

func TestCheckpointRefusesTamperedLog(t *testing.T) {
	ctx := context.Background()
	s := newTestSigner(t)
	clk := clock.NewFake(testEpoch)
	for _, tc := range []struct {
		name   string
		tamper func(m *memLog)
		kind   ProblemKind
	}{
		{"altered new entry", func(m *memLog) { m.entries[7].Action = "record.read" }, Altered},
		{"rewritten history", func(m *memLog) {
			m.entries[2].Action = "record.read"
			m.entries[2].Leaf = m.entries[2].LeafHash()
		}, RootMismatch},
		{"gap", func(m *memLog) { m.entries = append(m.entries[:3], m.entries[4:]...) }, Removed},
		{"truncated below checkpoint", func(m *memLog) { m.entries, m.size = m.entries[:3], 3 }, Truncated},
		{"forged checkpoint", func(m *memLog) { m.cps[0].Note = bytes.Replace(m.cps[0].Note, []byte("\n5\n"), []byte("\n4\n"), 1) }, BadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filledLog(5)
			if _, err := SignCheckpoint(ctx, log, s, clk); err != nil {
				t.Fatal(err)
			}
			for i := 5; i < 9; i++ {
				log.append(testEntry(i))
			}
			tc.tamper(log)
			_, err := SignCheckpoint(ctx, log, s, clk)
			var p *Problem
			if !errors.As(err, &p) || p.Kind != tc.kind || !errors.Is(err, ErrTampered) {
				t.Fatalf("err = %v, want a %s problem", err, tc.kind)
			}
			if len(log.cps) != 1 {
				t.Errorf("a checkpoint was signed over a tampered log")
			}
		})
	}
}

func TestParseCheckpointRejectsForgeries(t *testing.T) {
	ctx := context.Background()
	s := newTestSigner(t)
	other := newTestSigner(t) // same origin, another key
	log := filledLog(8)
	c, err := SignCheckpoint(ctx, log, s, clock.NewFake(testEpoch))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := Root(ctx, log, 8)
	otherRoot, _ := Root(ctx, log, 7)
	text := formatCheckpoint(testOrigin, 8, root)

	resign := func(text string, by *Signer) []byte {
		t.Helper()
		msg, err := by.sign(text)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	otherOrigin, err := LoadOrCreateSigner(t.TempDir()+"/k", "elsewhere.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	for name, msg := range map[string][]byte{
		"size edited":        bytes.Replace(c.Note, []byte("\n8\n"), []byte("\n9\n"), 1),
		"root edited":        bytes.Replace(c.Note, []byte(base64.StdEncoding.EncodeToString(root[:])), []byte(base64.StdEncoding.EncodeToString(otherRoot[:])), 1),
		"origin edited":      bytes.Replace(c.Note, []byte(testOrigin+"\n"), []byte("trustee.test/other\n"), 1),
		"signed by another":  resign(text, other),
		"another origin":     resign(formatCheckpoint("elsewhere.test/audit", 8, root), otherOrigin),
		"signature stripped": []byte(text + "\n"),
		"not a note":         []byte("hello"),
		"empty":              nil,
	} {
		if _, _, _, err := ParseCheckpoint(msg, s.VerifierKey()); !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("%s: err = %v, want ErrBadCheckpoint", name, err)
		}
	}
	// Well signed, but not a checkpoint body.
	for name, text := range map[string]string{
		"two lines":        testOrigin + "\n8\n",
		"signed size":      testOrigin + "\n+8\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n",
		"leading zero":     testOrigin + "\n08\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n",
		"huge size":        testOrigin + "\n99999999999999999999\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n",
		"short root":       testOrigin + "\n8\n" + base64.StdEncoding.EncodeToString(root[:31]) + "\n",
		"hex root":         testOrigin + "\n8\n" + strings.Repeat("ab", 32) + "\n",
		"empty extension":  text + "\n",
		"origin not name":  "trustee.test/other\n8\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n",
		"blank first line": "\n" + text,
	} {
		msg, err := note.Sign(&note.Note{Text: text}, s.signer)
		if err != nil {
			continue // not even a note: fine
		}
		if _, _, _, err := ParseCheckpoint(msg, s.VerifierKey()); !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("%s: err = %v, want ErrBadCheckpoint", name, err)
		}
	}
	// Extension lines are allowed and ignored.
	msg := resign(text+"extension line\n", s)
	if _, size, got, err := ParseCheckpoint(msg, s.VerifierKey()); err != nil || size != 8 || got != root {
		t.Errorf("checkpoint with an extension line: size %d root %x err %v", size, got, err)
	}
	if _, _, _, err := ParseCheckpoint(c.Note, "not a key"); !errors.Is(err, ErrBadCheckpoint) {
		t.Errorf("bad verifier key: err = %v", err)
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	s := newTestSigner(f)
	var root [32]byte
	good, err := s.sign(formatCheckpoint(testOrigin, 42, root))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(formatCheckpoint(testOrigin, 1, root)))
	f.Add([]byte("x\n1\n\n— x AAAA\n"))
	vkey := s.VerifierKey()
	f.Fuzz(func(t *testing.T, msg []byte) {
		origin, size, root, err := ParseCheckpoint(msg, vkey)
		if err != nil {
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Fatalf("error does not wrap ErrBadCheckpoint: %v", err)
			}
			return
		}
		if origin != testOrigin || size < 0 {
			t.Fatalf("accepted origin %q size %d", origin, size)
		}
		// What was accepted was signed by the key over exactly this body.
		if !bytes.HasPrefix(msg, []byte(formatCheckpoint(origin, size, root))) {
			t.Fatalf("accepted a note whose body does not start with its own fields: %q", msg)
		}
	})
}
