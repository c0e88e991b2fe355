package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Signer signs checkpoints of the audit log with an Ed25519 key, in the
// signed-note format. Its key name is the log's origin.
//
// A Signer never reveals its private key: String, GoString and LogValue name
// the origin and the key hash only. A Signer is safe for concurrent use.
type Signer struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

var _ slog.LogValuer = (*Signer)(nil)

// LoadOrCreateSigner returns the signer whose key is kept in the file at
// path, creating the key (and the file's directory, mode 0700) on first use.
// The file is written atomically with mode 0600 and holds the private key in
// the signed-note encoding; a key file readable by group or others is
// refused, as is a key made for another origin.
//
// The origin names the log, such as "trustee.example.com/audit": it is the
// first line of every checkpoint and the name in the verifier key. It must
// be non-empty, without spaces or '+'.
func LoadOrCreateSigner(path, origin string) (*Signer, error) {
	if !validOrigin(origin) {
		return nil, fmt.Errorf("audit: origin %q: must be non-empty valid UTF-8 without spaces or '+'", origin)
	}
	for range 2 {
		s, err := loadSigner(path, origin)
		if !errors.Is(err, fs.ErrNotExist) {
			return s, err
		}
		err = createKeyFile(path, origin)
		if errors.Is(err, fs.ErrExist) {
			continue // another process created it first: use that one
		}
		if err != nil {
			return nil, err
		}
	}
	return loadSigner(path, origin)
}

func loadSigner(path, origin string) (*Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit: signer key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("audit: signer key file: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit: signer key file %s has mode %04o: it must be readable by its owner only (chmod 600 %s)",
			path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096)) // a key line is about 100 bytes
	if err != nil {
		return nil, fmt.Errorf("audit: signer key file %s: %w", path, err)
	}
	skey := strings.TrimSpace(string(data))
	s, err := newSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("audit: signer key file %s: %w", path, err)
	}
	if got := s.signer.Name(); got != origin {
		return nil, fmt.Errorf("audit: signer key file %s holds the key of origin %q, not %q", path, got, origin)
	}
	return s, nil
}

// newSigner builds a Signer from an encoded note signer key.
func newSigner(skey string) (*Signer, error) {
	sg, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("not a signed-note Ed25519 private key: %w", err)
	}
	// NewSigner checked the layout PRIVATE+KEY+name+hash+base64(alg||seed)
	// and that the hash matches the public key; derive that public key.
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return nil, errors.New("not a signed-note Ed25519 private key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize {
		return nil, errors.New("not a signed-note Ed25519 private key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(sg.Name(), pub)
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	return &Signer{signer: sg, verifier: v, vkey: vkey}, nil
}

// createKeyFile generates a key and links it into place complete, so that a
// concurrent reader never sees a partial file. It returns an error wrapping
// fs.ErrExist when the file already exists.
func createKeyFile(path, origin string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("audit: signer key directory: %w", err)
	}
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return fmt.Errorf("audit: generate signer key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".audit-key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("audit: signer key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(skey + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("audit: write signer key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		// No hard links on this file system: create the file exclusively.
		if err := writeExclusive(path, skey+"\n"); err != nil {
			return err
		}
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new name durable where the platform allows
		d.Close()
	}
	return nil
}

func writeExclusive(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("audit: signer key file: %w", err)
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("audit: write signer key file: %w", err)
	}
	return nil
}

// validOrigin reports whether origin is a valid signed-note key name.
func validOrigin(origin string) bool {
	return origin != "" && utf8.ValidString(origin) &&
		strings.IndexFunc(origin, unicode.IsSpace) < 0 && !strings.Contains(origin, "+")
}

// Origin returns the log's origin, the name of the signer's key.
func (s *Signer) Origin() string { return s.signer.Name() }

// VerifierKey returns the public verifier key in the signed-note encoding
// ("<origin>+<hash>+<key>"). Give it to auditors: with it they can check
// checkpoints offline ([ParseCheckpoint], [Verify]).
func (s *Signer) VerifierKey() string { return s.vkey }

// String names the signer by origin and key hash; it never shows the key.
func (s *Signer) String() string {
	return fmt.Sprintf("audit.Signer(%s+%08x)", s.signer.Name(), s.signer.KeyHash())
}

// GoString is String, so that %#v cannot reveal the key either.
func (s *Signer) GoString() string { return s.String() }

// LogValue logs the origin and key hash only.
func (s *Signer) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("origin", s.signer.Name()),
		slog.String("key_hash", fmt.Sprintf("%08x", s.signer.KeyHash())),
	)
}

// sign signs a note text.
func (s *Signer) sign(text string) ([]byte, error) {
	return note.Sign(&note.Note{Text: text}, s.signer)
}
