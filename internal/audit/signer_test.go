package audit

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const testOrigin = "trustee.test/audit"

func newTestSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := LoadOrCreateSigner(filepath.Join(t.TempDir(), "audit.key"), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSignerCreatedThenReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	path := filepath.Join(dir, "audit.key")
	s1, err := LoadOrCreateSigner(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LoadOrCreateSigner(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if s1.VerifierKey() != s2.VerifierKey() {
		t.Errorf("second load made a new key: %s != %s", s2.VerifierKey(), s1.VerifierKey())
	}
	if !strings.HasPrefix(s1.VerifierKey(), testOrigin+"+") || s1.Origin() != testOrigin {
		t.Errorf("verifier key %q, origin %q: want both named %q", s1.VerifierKey(), s1.Origin(), testOrigin)
	}
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", got)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("key directory mode = %04o, want 0700", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".audit-key-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestSignerRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.key")
	if _, err := LoadOrCreateSigner(path, testOrigin); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigner(path, "other.test/audit"); err == nil || !strings.Contains(err.Error(), "other.test/audit") {
		t.Errorf("key of another origin: err = %v", err)
	}
	for _, origin := range []string{"", "has space", "has+plus"} {
		if _, err := LoadOrCreateSigner(filepath.Join(dir, "x.key"), origin); err == nil {
			t.Errorf("origin %q accepted", origin)
		}
	}
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("PRIVATE+KEY+nonsense\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigner(bad, testOrigin); err == nil {
		t.Error("malformed key file accepted")
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateSigner(path, testOrigin); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("world-readable key file: err = %v", err)
		}
	}
}

func TestSignerNeverPrintsPrivateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.key")
	s, err := LoadOrCreateSigner(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	skey := strings.TrimSpace(string(raw))
	secret := strings.SplitN(skey, "+", 5)[4]

	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("signer", "signer", s)
	fmt.Fprintf(&buf, "%v %+v %#v %s", s, s, s, s)
	fmt.Fprintf(&buf, "%v %+v", *s, *s)
	if out := buf.String(); strings.Contains(out, secret) || strings.Contains(out, "PRIVATE") {
		t.Fatalf("private key printed: %s", out)
	}
	if !strings.Contains(buf.String(), testOrigin) {
		t.Errorf("signer output does not name its origin: %s", buf.String())
	}
}
