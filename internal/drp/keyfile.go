package drp

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LoadOrCreateKey returns the Ed25519 key in the file at path (its 32-byte
// seed in hex), creating the file, readable by its owner only, when it
// does not exist. Every node of a deployment must use the same file: the
// discovery document publishes the key's public half, and agents check
// callbacks and bearer tokens against it.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	for range 2 {
		b, err := os.ReadFile(path)
		if err == nil {
			return parseKeyFile(path, b)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("drp: key file: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("drp: key file: %w", err)
		}
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it first: use that one
		}
		if err != nil {
			return nil, fmt.Errorf("drp: key file: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(seed) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("drp: key file: %w", werr)
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("drp: key file: %w", err)
	}
	return parseKeyFile(path, b)
}

func parseKeyFile(path string, b []byte) (ed25519.PrivateKey, error) {
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("drp: key file %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
		}
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("drp: key file %s: want a %d-byte seed in hex; restore the file or remove it to make a new key (agents must then re-register)", path, ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
