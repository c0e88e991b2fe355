package keys

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/secrets"
	"gocloud.dev/secrets/localsecrets"

	// Root key drivers selectable by URL scheme.
	_ "gocloud.dev/secrets/awskms"
	_ "gocloud.dev/secrets/hashivault"
)

// OpenRoot opens the root key named by url; the package documentation lists
// the schemes. The caller closes the keeper.
//
// For file:// URLs the key file is created on first use (a random 32-byte
// key, base64, mode 0600, its directory created 0700) and reused afterwards.
// OpenRoot refuses a key file that group or others may read or write, and a
// file that does not hold exactly one base64-encoded 32-byte key.
func OpenRoot(ctx context.Context, rawURL string) (*secrets.Keeper, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("keys: root key URL: %w", urlError(err))
	}
	if u.Scheme != "file" {
		k, err := secrets.OpenKeeper(ctx, rawURL)
		if err != nil {
			return nil, fmt.Errorf("keys: open root key: %w", err)
		}
		return k, nil
	}
	path, err := filePath(u)
	if err != nil {
		return nil, err
	}
	key, err := loadOrCreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	return localsecrets.NewKeeper(key), nil
}

// DefaultKeyStoreURL returns the default key-store URL for a root key URL: a
// SQLite file keys.db beside a file:// root key. Other root keys (KMS, Vault)
// have no default; their key-store URL must be given.
func DefaultKeyStoreURL(rootURL string) (string, error) {
	u, err := url.Parse(rootURL)
	if err != nil {
		return "", fmt.Errorf("keys: root key URL: %w", urlError(err))
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("keys: no default key store for a %s:// root key: give the key store URL", u.Scheme)
	}
	path, err := filePath(u)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "sqlite", Path: filepath.ToSlash(filepath.Join(filepath.Dir(path), "keys.db"))}).String(), nil
}

// filePath returns the absolute path of a file:// URL.
func filePath(u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("keys: file URL %q: want file:///absolute/path", u.Redacted())
	}
	p := filepath.FromSlash(u.Path)
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("keys: file URL %q: path must be absolute (file:///absolute/path)", u.Redacted())
	}
	return filepath.Clean(p), nil
}

// loadOrCreateKeyFile reads the key file at path, creating it first if it
// does not exist.
func loadOrCreateKeyFile(path string) ([32]byte, error) {
	var key [32]byte
	b, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return key, err
		}
		b, err = readKeyFile(path)
	}
	if err != nil {
		return key, err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	clear(b)
	if err != nil || len(raw) != len(key) {
		return key, fmt.Errorf("keys: root key file %s must hold one base64-encoded 32-byte key", path)
	}
	copy(key[:], raw)
	clear(raw)
	return key, nil
}

// readKeyFile reads the key file after checking that only its owner can
// read it.
func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("keys: root key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keys: root key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("keys: root key file %s is accessible by group or others (mode %04o): run chmod 600 %s", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: read root key file: %w", err)
	}
	return b, nil
}

// createKeyFile writes a new random key to path without ever exposing a
// partly written file: it writes a temporary file beside it and links it into
// place, so if another process created the key first, that key is kept.
func createKeyFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keys: create root key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".root-key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("keys: create root key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	key := newSecret()
	enc := base64.StdEncoding.EncodeToString(key) + "\n"
	clear(key)
	if _, err := tmp.WriteString(enc); err != nil {
		tmp.Close()
		return fmt.Errorf("keys: write root key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("keys: write root key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keys: write root key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("keys: create root key file: %w", err)
	}
	return nil
}
