package keys_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/trustee-dev/trustee/internal/keys"
)

func TestStream(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqliteURL(t))
	ref := keys.Ref{Tenant: tenantA, Subject: "s", Field: "voice", RecordID: "b1"}
	plain := make([]byte, 3*keys.StreamSegmentSize+7)
	rand.Read(plain)

	var ct bytes.Buffer
	w, err := f.m.EncryptStream(ctx, ref, &ct, []byte("obj-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, bytes.NewReader(plain)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	read := func(ref keys.Ref, data, aad []byte) ([]byte, error) {
		r, err := f.m.DecryptStream(ctx, ref, bytes.NewReader(data), aad)
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	if got, err := read(ref, ct.Bytes(), []byte("obj-1")); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip: %v", err)
	}
	other := ref
	other.RecordID = "b2"
	for name, c := range map[string]struct {
		ref  keys.Ref
		data []byte
		aad  []byte
	}{
		"other aad":      {ref, ct.Bytes(), []byte("obj-2")},
		"other record":   {other, ct.Bytes(), []byte("obj-1")},
		"truncated":      {ref, ct.Bytes()[:ct.Len()-100], []byte("obj-1")},
		"cut at segment": {ref, ct.Bytes()[:keys.StreamSegmentSize], []byte("obj-1")},
		"header only":    {ref, ct.Bytes()[:10], []byte("obj-1")},
		"empty":          {ref, nil, []byte("obj-1")},
	} {
		if _, err := read(c.ref, c.data, c.aad); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", name, err)
		}
	}
	// An I/O error of the source passes through as itself.
	boom := errors.New("disk on fire")
	r, err := f.m.DecryptStream(ctx, ref, io.MultiReader(bytes.NewReader(ct.Bytes()[:100000]), iotest.ErrReader(boom)), []byte("obj-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, boom) || errors.Is(err, keys.ErrDecrypt) {
		t.Errorf("I/O error came back as %v", err)
	}
}
