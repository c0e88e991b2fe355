// Package blobs stores subjects' large values (voice, video, images) in
// object storage, encrypted as a stream with the subject's data key.
//
// # Storage
//
// [Open] takes a bucket URL:
//
//   - file:///abs/dir — trustee's default: files under dir (created 0700),
//     through gocloud.dev/blob/fileblob;
//   - s3://bucket?region=R — Amazon S3 or an S3-compatible store (add
//     endpoint=, use_path_style=true for MinIO and the like), through
//     gocloud.dev/blob/s3blob.
//
// # Encryption
//
// [Store.Put] encrypts the stream with [keys.Manager.EncryptStream]: Tink's
// AES-256-GCM-HKDF streaming AEAD in 64 KiB segments, keyed from the
// subject's data key and bound to the [keys.Ref] and to the object's name.
// Only ciphertext reaches the bucket. [Store.Get] decrypts as it reads and
// fails with [keys.ErrDecrypt] on a tampered, swapped or truncated object,
// so a reader must not treat data as complete before io.EOF. After
// [keys.Manager.Shred], Get fails with [keys.ErrShredded]: every copy of the
// object, in the bucket or its backups, is unreadable.
//
// # Object names
//
// Object names are ids, never personal data: they appear in bucket listings,
// access logs and URLs. Put accepts only names made of ASCII letters,
// digits and . _ - / (such as "tenant-1/voice/7f3c9a.bin"), which keeps
// e-mail addresses and free text out by construction.
//
// A [Store] is safe for concurrent use.
package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// buckets
	"gocloud.dev/gcerrors"

	"github.com/trustee-dev/trustee/internal/keys"
)

// StreamCipher encrypts and decrypts subjects' streams; [keys.Manager]
// implements it.
type StreamCipher interface {
	EncryptStream(ctx context.Context, ref keys.Ref, dst io.Writer, aad []byte) (io.WriteCloser, error)
	DecryptStream(ctx context.Context, ref keys.Ref, src io.Reader, aad []byte) (io.Reader, error)
}

var _ StreamCipher = (*keys.Manager)(nil)

// ErrNotFound reports an object that does not exist.
var ErrNotFound = errors.New("blobs: object not found")

// ErrBadName reports an object name that is not an id.
var ErrBadName = errors.New("blobs: object name must be an id (letters, digits, . _ - /)")

// maxNameLen bounds object names (S3 allows 1024 bytes).
const maxNameLen = 512

// Store is a bucket of encrypted objects.
type Store struct {
	bucket *blob.Bucket
	cipher StreamCipher
}

// Open opens the bucket named by rawURL (see the package documentation);
// objects are encrypted with c. Close the Store when done.
func Open(ctx context.Context, rawURL string, c StreamCipher) (*Store, error) {
	if c == nil {
		return nil, errors.New("blobs: Open: nil StreamCipher")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("blobs: bucket URL is not a valid URL")
	}
	var b *blob.Bucket
	if u.Scheme == "file" {
		b, err = openDir(u)
	} else {
		b, err = blob.OpenBucket(ctx, rawURL)
	}
	if err != nil {
		return nil, fmt.Errorf("blobs: open bucket: %w", err)
	}
	return &Store{bucket: b, cipher: c}, nil
}

// openDir opens a file:// bucket, creating its directory 0700.
func openDir(u *url.URL) (*blob.Bucket, error) {
	if u.Host != "" && u.Host != "localhost" {
		return nil, errors.New("want file:///absolute/dir")
	}
	dir := filepath.FromSlash(u.Path)
	if !filepath.IsAbs(dir) {
		return nil, errors.New("want file:///absolute/dir")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return fileblob.OpenBucket(dir, &fileblob.Options{
		DirFileMode: 0o700,
		// Write temporary files inside the private directory, not os.TempDir.
		NoTempDir: true,
		// Attributes (content type, MD5 of the ciphertext) are of no use here.
		Metadata: fileblob.MetadataDontWrite,
	})
}

// Close closes the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// validName reports whether name is an id-like object name.
func validName(name string) bool {
	if name == "" || len(name) > maxNameLen || name[0] == '/' || name[len(name)-1] == '/' ||
		strings.Contains(name, "//") || strings.Contains(name, "..") {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-', r == '/':
		default:
			return false
		}
	}
	return true
}

// Put encrypts what r yields for ref and stores it as object name, replacing
// any object of that name. It returns the number of plaintext bytes stored.
// On error nothing is stored (an object of that name already there is
// kept). A shredded subject fails with [keys.ErrShredded].
func (s *Store) Put(ctx context.Context, ref keys.Ref, name string, r io.Reader) (size int64, err error) {
	if !validName(name) {
		return 0, ErrBadName
	}
	// Cancelling the writer's context before Close abandons the upload.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bw, err := s.bucket.NewWriter(wctx, name, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return 0, fmt.Errorf("blobs: put: %w", err)
	}
	abort := func(err error) (int64, error) {
		cancel()
		_ = bw.Close()
		return 0, err
	}
	ew, err := s.cipher.EncryptStream(ctx, ref, bw, []byte(name))
	if err != nil {
		return abort(err)
	}
	n, err := io.Copy(ew, r)
	if err != nil {
		return abort(fmt.Errorf("blobs: put: %w", err))
	}
	if err := ew.Close(); err != nil {
		return abort(fmt.Errorf("blobs: put: %w", err))
	}
	if err := bw.Close(); err != nil {
		return 0, fmt.Errorf("blobs: put: %w", err)
	}
	return n, nil
}

// Get returns a reader of the plaintext of object name, sealed for ref.
// It fails with [ErrNotFound] if there is no such object and with
// [keys.ErrShredded] if the subject has been shredded; reads fail with
// [keys.ErrDecrypt] if the object was altered, truncated, or stored for
// another ref or name. Close the reader when done.
func (s *Store) Get(ctx context.Context, ref keys.Ref, name string) (io.ReadCloser, error) {
	if !validName(name) {
		return nil, ErrBadName
	}
	br, err := s.bucket.NewReader(ctx, name, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blobs: get: %w", err)
	}
	dr, err := s.cipher.DecryptStream(ctx, ref, br, []byte(name))
	if err != nil {
		br.Close()
		return nil, err
	}
	return &reader{Reader: dr, c: br}, nil
}

// reader is a decrypting reader that closes the object reader.
type reader struct {
	io.Reader
	c io.Closer
}

func (r *reader) Close() error { return r.c.Close() }

// Delete removes object name. Deleting an object that does not exist is not
// an error.
func (s *Store) Delete(ctx context.Context, name string) error {
	if !validName(name) {
		return ErrBadName
	}
	err := s.bucket.Delete(ctx, name)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("blobs: delete: %w", err)
	}
	return nil
}
