package keys

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/tink-crypto/tink-go/v2/streamingaead/subtle"
)

// StreamSegmentSize is the size of a ciphertext segment of an encrypted
// stream; each segment is authenticated on its own.
const StreamSegmentSize = 64 << 10

// streamLabel starts the HKDF info of stream keys.
const streamLabel = "trustee/stream/v1"

// streamCipher returns the streaming AEAD of ref: Tink's AES-256-GCM-HKDF
// keyed with HKDF-SHA256(DEK, info = label || ref). Tink derives a fresh
// AES key per stream from it and a random salt, uses 7-byte nonce prefixes
// with a segment counter and a last-segment flag (the STREAM construction),
// so segments cannot be reordered, dropped or truncated unnoticed.
func (m *Manager) streamCipher(ctx context.Context, ref Ref, create bool) (*subtle.AESGCMHKDF, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	e, err := m.subject(ctx, ref.Tenant, ref.Subject, create)
	if err != nil {
		return nil, err
	}
	k, err := hkdf.Key(sha256.New, e.dek, nil, string(ref.appendAAD(nil, streamLabel)), keySize)
	if err != nil {
		return nil, fmt.Errorf("keys: derive stream key: %w", err)
	}
	defer clear(k)
	c, err := subtle.NewAESGCMHKDF(k, "SHA256", keySize, StreamSegmentSize, 0)
	if err != nil {
		return nil, fmt.Errorf("keys: stream cipher: %w", err)
	}
	return c, nil
}

// EncryptStream returns a writer that encrypts what is written to it for ref
// and writes the ciphertext to dst; aad (such as the object's name) is bound
// to the stream and must be given again to decrypt. Close the writer to
// write the last segment; it does not close dst. The subject's data key is
// created on first use; a shredded subject fails with [ErrShredded].
func (m *Manager) EncryptStream(ctx context.Context, ref Ref, dst io.Writer, aad []byte) (io.WriteCloser, error) {
	c, err := m.streamCipher(ctx, ref, true)
	if err != nil {
		return nil, err
	}
	w, err := c.NewEncryptingWriter(dst, aad)
	if err != nil {
		return nil, fmt.Errorf("keys: start encrypted stream: %w", err)
	}
	return &encryptingWriter{w: w}, nil
}

// DecryptStream reads the stream header from src and returns a reader of the
// plaintext. Reads fail with [ErrDecrypt] as soon as the stream turns out to
// be altered, reordered or truncated (so a reader must not act on data read
// before io.EOF as complete), and errors of src itself pass through
// unchanged. A shredded subject fails with [ErrShredded].
func (m *Manager) DecryptStream(ctx context.Context, ref Ref, src io.Reader, aad []byte) (io.Reader, error) {
	c, err := m.streamCipher(ctx, ref, false)
	if err != nil {
		return nil, err
	}
	t := &trackingReader{r: src}
	r, err := c.NewDecryptingReader(t, aad)
	if err != nil {
		return nil, t.classify(err)
	}
	return &decryptingReader{r: r, t: t}, nil
}

// encryptingWriter hides Tink's writer (which holds key material) from fmt
// and slog.
type encryptingWriter struct{ w io.WriteCloser }

func (e *encryptingWriter) Write(p []byte) (int, error) { return e.w.Write(p) }
func (e *encryptingWriter) Close() error                { return e.w.Close() }

// Format implements [fmt.Formatter].
func (e *encryptingWriter) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements [slog.LogValuer].
func (e *encryptingWriter) LogValue() slog.Value { return slog.StringValue(redacted) }

// decryptingReader hides Tink's reader and turns its errors into ErrDecrypt.
type decryptingReader struct {
	r io.Reader
	t *trackingReader
}

func (d *decryptingReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		return n, d.t.classify(err)
	}
	return n, err
}

// Format implements [fmt.Formatter].
func (d *decryptingReader) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements [slog.LogValuer].
func (d *decryptingReader) LogValue() slog.Value { return slog.StringValue(redacted) }

var (
	_ io.WriteCloser = (*encryptingWriter)(nil)
	_ fmt.Formatter  = (*encryptingWriter)(nil)
	_ slog.LogValuer = (*encryptingWriter)(nil)
	_ io.Reader      = (*decryptingReader)(nil)
	_ fmt.Formatter  = (*decryptingReader)(nil)
	_ slog.LogValuer = (*decryptingReader)(nil)
)

// trackingReader remembers the last error of the underlying reader, so an
// I/O error can be told apart from a decryption failure.
type trackingReader struct {
	r   io.Reader
	err error
}

func (t *trackingReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// classify returns the underlying reader's error if it failed, and
// otherwise an ErrDecrypt (a short or altered stream).
func (t *trackingReader) classify(err error) error {
	if t.err != nil {
		if errors.Is(err, t.err) {
			return err
		}
		return fmt.Errorf("keys: read encrypted stream: %w", t.err)
	}
	return fmt.Errorf("%w: stream is altered or truncated", ErrDecrypt)
}
