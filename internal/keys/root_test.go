package keys_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/keys"
)

func TestRootKeyFile(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "secret")
	path := filepath.Join(dir, "root.key")
	rootURL := "file://" + filepath.ToSlash(path)

	root, err := keys.OpenRoot(ctx, rootURL)
	if err != nil {
		t.Fatalf("OpenRoot (create): %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %04o, want 0600", perm)
	}
	di, _ := os.Stat(dir)
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("key directory mode %04o, want 0700", perm)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want just the key", len(entries))
	}
	content, _ := os.ReadFile(path)

	// The default key store sits beside the key.
	storeURL, err := keys.DefaultKeyStoreURL(rootURL)
	if err != nil {
		t.Fatal(err)
	}
	if want := "sqlite://" + filepath.ToSlash(filepath.Join(dir, "keys.db")); storeURL != want {
		t.Errorf("DefaultKeyStoreURL = %s, want %s", storeURL, want)
	}
	ks := openStore(t, storeURL)
	if fi, err := os.Stat(filepath.Join(dir, "keys.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("keys.db: %v, %v", fi.Mode(), err)
	}
	m := keys.NewManager(root, ks, clock.Real{})
	if err := m.EnsureTenant(ctx, "t"); err != nil {
		t.Fatal(err)
	}
	ref := keys.Ref{Tenant: "t", Subject: "s", Field: "f"}
	sealed, err := m.Seal(ctx, ref, []byte("kept"))
	if err != nil {
		t.Fatal(err)
	}
	root.Close()

	// A restart reuses the same key.
	root2, err := keys.OpenRoot(ctx, rootURL)
	if err != nil {
		t.Fatalf("OpenRoot (reuse): %v", err)
	}
	defer root2.Close()
	if again, _ := os.ReadFile(path); string(again) != string(content) {
		t.Error("key file rewritten on reopen")
	}
	got, err := keys.NewManager(root2, openStore(t, storeURL), clock.Real{}).Open(ctx, ref, sealed)
	if err != nil || string(got) != "kept" {
		t.Errorf("Open after restart = %q, %v", got, err)
	}

	// Loose permissions are refused, with a clear message.
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := keys.OpenRoot(ctx, rootURL)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("OpenRoot with mode %04o: %v, want a refusal", mode, err)
		}
		if err != nil && strings.Contains(err.Error(), strings.TrimSpace(string(content))) {
			t.Error("error leaks the key")
		}
	}
	os.Chmod(path, 0o600)

	// A corrupt key file is refused without echoing it.
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not a key at all"), 0o600)
	if _, err := keys.OpenRoot(ctx, "file://"+filepath.ToSlash(bad)); err == nil || strings.Contains(err.Error(), "not a key at all") {
		t.Errorf("OpenRoot of a corrupt file: %v", err)
	}
	// Relative paths are refused.
	if _, err := keys.OpenRoot(ctx, "file://relative/root.key"); err == nil {
		t.Error("OpenRoot accepted a URL with a host")
	}
}

func TestOpenRootSchemes(t *testing.T) {
	ctx := context.Background()
	k, err := keys.OpenRoot(ctx, "base64key://")
	if err != nil {
		t.Fatalf("base64key://: %v", err)
	}
	defer k.Close()
	ct, err := k.Encrypt(ctx, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := k.Decrypt(ctx, ct); err != nil || string(pt) != "x" {
		t.Errorf("round trip = %q, %v", pt, err)
	}
	if _, err := keys.OpenRoot(ctx, "nosuch://x"); err == nil {
		t.Error("unknown scheme accepted")
	}
	if _, err := keys.DefaultKeyStoreURL("awskms://alias/x"); err == nil {
		t.Error("DefaultKeyStoreURL for KMS gave a default")
	}
	if _, err := keys.OpenKeyStore(ctx, "mysql://x"); err == nil {
		t.Error("OpenKeyStore accepted mysql://")
	}
	if _, err := keys.OpenKeyStore(ctx, "postgres://u:hunter2@[::1"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("OpenKeyStore with a bad URL: %v", err)
	}
}
