package blobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"time"

	"gocloud.dev/secrets/localsecrets"

	"github.com/trustee-dev/trustee/internal/blobs"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/keys"
)

type fixture struct {
	dir   string
	m     *keys.Manager
	store *blobs.Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	k, err := localsecrets.NewRandomKey()
	if err != nil {
		t.Fatal(err)
	}
	root := localsecrets.NewKeeper(k)
	t.Cleanup(func() { root.Close() })
	tmp := t.TempDir()
	ks, err := keys.OpenKeyStore(ctx, "sqlite://"+filepath.ToSlash(filepath.Join(tmp, "keys", "keys.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ks.Close() })
	m := keys.NewManager(root, ks, clock.NewFake(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
	if err := m.EnsureTenant(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "data", "blobs")
	s, err := blobs.Open(ctx, "file://"+filepath.ToSlash(dir), m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{dir: dir, m: m, store: s}
}

func (f *fixture) get(t *testing.T, ref keys.Ref, name string) ([]byte, error) {
	t.Helper()
	r, err := f.store.Get(context.Background(), ref, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if fi, err := os.Stat(f.dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("bucket directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	big := make([]byte, 1<<20+3)
	rand.Read(big)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"t1/voice/multi-segment.bin", big},
		{"t1/voice/empty.bin", nil},
		{"t1/voice/exact-segment.bin", big[:keys.StreamSegmentSize]},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "voice", RecordID: filepath.Base(c.name)}
			n, err := f.store.Put(ctx, ref, c.name, bytes.NewReader(c.data))
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if n != int64(len(c.data)) {
				t.Errorf("Put size %d, want %d", n, len(c.data))
			}
			stored, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(c.name)))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.data) > 64 && bytes.Contains(stored, c.data[:64]) {
				t.Error("the bucket holds plaintext")
			}
			got, err := f.get(t, ref, c.name)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !bytes.Equal(got, c.data) {
				t.Errorf("Get returned %d bytes, want %d equal ones", len(got), len(c.data))
			}
		})
	}
}

func TestTamper(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	data := make([]byte, 200_000) // four segments
	rand.Read(data)
	ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "video", RecordID: "v1"}
	const name = "t1/video/v1"
	if _, err := f.store.Put(ctx, ref, name, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.dir, filepath.FromSlash(name))
	orig, _ := os.ReadFile(path)
	put := func(b []byte, to string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(f.dir, filepath.FromSlash(to)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		desc  string
		bytes func() []byte
	}{
		{"flipped byte in a middle segment", func() []byte { b := bytes.Clone(orig); b[100_000] ^= 1; return b }},
		{"flipped byte in the header", func() []byte { b := bytes.Clone(orig); b[5] ^= 1; return b }},
		{"flipped byte in the last tag", func() []byte { b := bytes.Clone(orig); b[len(b)-1] ^= 1; return b }},
		{"truncated mid-segment", func() []byte { return orig[:len(orig)-1000] }},
		{"truncated at a segment boundary", func() []byte { return orig[:2*keys.StreamSegmentSize] }},
		{"truncated to the header", func() []byte { return orig[:20] }},
		{"emptied", func() []byte { return nil }},
		{"extra bytes appended", func() []byte { return append(bytes.Clone(orig), 0) }},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			put(c.bytes(), name)
			if _, err := f.get(t, ref, name); !errors.Is(err, keys.ErrDecrypt) {
				t.Errorf("Get: %v, want ErrDecrypt", err)
			}
		})
	}
	put(orig, name)
	if got, err := f.get(t, ref, name); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("restored object does not read back: %v", err)
	}
	// The same bytes under another name, or read for another record, fail.
	put(orig, "t1/video/v2")
	if _, err := f.get(t, ref, "t1/video/v2"); !errors.Is(err, keys.ErrDecrypt) {
		t.Errorf("object under another name: %v, want ErrDecrypt", err)
	}
	other := ref
	other.RecordID = "v2"
	if _, err := f.get(t, other, name); !errors.Is(err, keys.ErrDecrypt) {
		t.Errorf("object for another record: %v, want ErrDecrypt", err)
	}
}

func TestShred(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "voice", RecordID: "a1"}
	if _, err := f.store.Put(ctx, ref, "t1/voice/a1", bytes.NewReader([]byte("hello"))); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Shred(ctx, "t1", "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Get(ctx, ref, "t1/voice/a1"); !errors.Is(err, keys.ErrShredded) {
		t.Errorf("Get after Shred: %v, want ErrShredded", err)
	}
	if _, err := f.store.Put(ctx, ref, "t1/voice/a2", bytes.NewReader([]byte("again"))); !errors.Is(err, keys.ErrShredded) {
		t.Errorf("Put after Shred: %v, want ErrShredded", err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "t1", "voice", "a2")); !errors.Is(err, os.ErrNotExist) {
		t.Error("refused Put left an object")
	}
}

func TestNamesAndErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "f", RecordID: "r"}
	for _, name := range []string{"", "li.lei@example.com", "a b", "../escape", "/abs", "dir/", "a//b", "名字"} {
		if _, err := f.store.Put(ctx, ref, name, bytes.NewReader(nil)); !errors.Is(err, blobs.ErrBadName) {
			t.Errorf("Put(%q): %v, want ErrBadName", name, err)
		}
	}
	if _, err := f.store.Get(ctx, ref, "t1/missing"); !errors.Is(err, blobs.ErrNotFound) {
		t.Errorf("Get of a missing object: %v, want ErrNotFound", err)
	}
	// A failing source stores nothing and keeps the previous object.
	if _, err := f.store.Put(ctx, ref, "t1/obj", bytes.NewReader([]byte("first"))); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("upload interrupted")
	src := io.MultiReader(bytes.NewReader(make([]byte, 100_000)), iotest.ErrReader(boom))
	if _, err := f.store.Put(ctx, ref, "t1/obj", src); !errors.Is(err, boom) {
		t.Errorf("Put from a failing reader: %v", err)
	}
	if got, err := f.get(t, ref, "t1/obj"); err != nil || string(got) != "first" {
		t.Errorf("after a failed Put: %q, %v; want the first object", got, err)
	}
	if err := f.store.Delete(ctx, "t1/obj"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Delete(ctx, "t1/obj"); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	if _, err := f.store.Get(ctx, ref, "t1/obj"); !errors.Is(err, blobs.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if _, err := blobs.Open(ctx, "file://relative/dir", f.m); err == nil {
		t.Error("Open accepted a relative file URL")
	}
}

func BenchmarkBlobPut(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "voice", RecordID: "r"}
	data := make([]byte, 1<<20)
	rand.Read(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.store.Put(ctx, ref, "t1/voice/bench", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlobGet(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	ref := keys.Ref{Tenant: "t1", Subject: "s1", Field: "voice", RecordID: "r"}
	data := make([]byte, 1<<20)
	rand.Read(data)
	if _, err := f.store.Put(ctx, ref, "t1/voice/bench", bytes.NewReader(data)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := f.store.Get(ctx, ref, "t1/voice/bench")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
