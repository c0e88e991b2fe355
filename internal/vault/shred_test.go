package vault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func TestShred(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		for _, n := range []int{10, 1000} {
			t.Run(fmt.Sprint(n), func(t *testing.T) { testShred(t, b, n) })
		}
	})
}

func testShred(t *testing.T, b backend, n int) {
	ctx := context.Background()
	f := newFixture(t, b)
	vals := values(n, "nickname")
	vals[0] = vault.Value{Field: "email", Purpose: "login", Plain: []byte("alice@example.com"), Lookup: keys.NormEmail}
	f.put(t, "t1", "alice", vals...)
	f.put(t, "t1", "bob", values(3, "nickname")...)
	content := bytes.Repeat([]byte("voice"), 30000)
	blob, err := f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "voice", Purpose: "service"},
		bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}

	// What a backup holds: the sealed rows, and for SQLite a copy of the
	// database file and of the bucket, taken before the shred.
	var sealed []store.Record
	err = f.v.Store().Read(ctx, func(r store.Reader) error {
		var err error
		sealed, _, err = r.ListRecords(ctx, "t1", store.RecordFilter{Subject: "alice"}, store.Page{Limit: store.MaxLimit})
		return err
	})
	if err != nil || len(sealed) != n {
		t.Fatalf("%d sealed records, %v", len(sealed), err)
	}
	backup := vault.Options{}
	if b.name == "sqlite" {
		dir := t.TempDir()
		backup = vault.Options{
			DataDir:  dir,
			Database: "sqlite://" + filepath.ToSlash(filepath.Join(dir, "backup.db")),
			RootKey:  "file://" + filepath.ToSlash(filepath.Join(f.o.DataDir, "keys", "root.key")),
			KeyStore: "sqlite://" + filepath.ToSlash(filepath.Join(f.o.DataDir, "keys", "keys.db")),
			Blobs:    "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
			AuditKey: filepath.Join(dir, "audit.key"),
		}
		f.raw.exec(t, "VACUUM INTO ?", filepath.Join(dir, "backup.db"))
		if err := os.CopyFS(filepath.Join(dir, "blobs"), os.DirFS(filepath.Join(f.o.DataDir, "blobs"))); err != nil {
			t.Fatal(err)
		}
	}

	res, err := f.v.Shred(ctx, "apikey:privacy-officer", "t1", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if res != (vault.ShredResult{Records: int64(n), Blobs: 1}) {
		t.Errorf("Shred purged %+v, want %d records and 1 blob", res, n)
	}

	// Every value is unreadable, through the vault and from the backup.
	_, _, err = f.v.Records(ctx, actor, "t1", "alice", vault.ReasonRightsRequest, store.Page{})
	wantErr(t, err, vault.ErrErased)
	_, _, err = f.v.GetBlob(ctx, actor, "t1", blob.ID, vault.ReasonLegalClaim)
	wantErr(t, err, store.ErrNotFound)
	for _, r := range sealed {
		_, err := f.v.Keys().Open(ctx, keys.Ref{Tenant: "t1", Subject: "alice", Field: r.Field, RecordID: r.ID}, r.Ciphertext)
		wantErr(t, err, keys.ErrShredded)
	}
	_, err = f.v.PutRecords(ctx, actor, "t1", "alice", values(1, "nickname"))
	wantErr(t, err, vault.ErrErased)
	_, err = f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "voice", Purpose: "service"}, strings.NewReader("x"))
	wantErr(t, err, vault.ErrErased)
	_, _, err = f.v.EnsureSubject(ctx, actor, "t1", "alice")
	wantErr(t, err, vault.ErrErased)
	_, err = f.v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusActive)
	wantErr(t, err, vault.ErrErased)

	// Rows and objects are purged; bob is untouched.
	if c := count(t, f.v, "t1", "alice"); c != 0 {
		t.Errorf("%d records left", c)
	}
	if c := blobObjects(t, f.o); c != 0 {
		t.Errorf("%d objects left in the bucket", c)
	}
	if ms, _, err := f.v.FindByIndex(ctx, "t1", "email", keys.NormEmail, "alice@example.com", store.Page{}); err != nil || len(ms) != 0 {
		t.Errorf("FindByIndex after shred: %v %v", ms, err)
	}
	if rs, err := f.all(t, "t1", "bob"); err != nil || len(rs) != 3 {
		t.Errorf("bob: %d, %v", len(rs), err)
	}

	// The audit log says what happened, and verifies.
	var shred, purge *audit.StoredEntry
	for _, e := range entries(t, f.v) {
		if e.Subject == "alice" && e.Tenant == "t1" {
			switch e.Action {
			case "subject.shred":
				shred = &e
			case "subject.purge":
				purge = &e
			}
		}
	}
	if shred == nil || purge == nil || shred.Seq > purge.Seq || shred.Actor != "apikey:privacy-officer" {
		t.Fatalf("audit: shred %+v, purge %+v", shred, purge)
	}
	if purge.Details["records"] != fmt.Sprint(n) || purge.Details["blobs"] != "1" {
		t.Errorf("subject.purge details: %v", purge.Details)
	}
	verifyOK(t, f.v)

	// A second Shred is harmless.
	if res, err := f.v.Shred(ctx, actor, "t1", "alice"); err != nil || res != (vault.ShredResult{}) {
		t.Errorf("second Shred: %+v, %v", res, err)
	}
	_, err = f.v.Shred(ctx, actor, "t1", "nobody")
	wantErr(t, err, store.ErrNotFound)

	if b.name != "sqlite" {
		return
	}
	// The backup, opened with the live key store, still has alice's rows
	// and blob, as active: none of them opens.
	bv := openVault(t, backup)
	if c := count(t, bv, "t1", "alice"); c != int64(n) {
		t.Fatalf("backup has %d records of alice, want %d", c, n)
	}
	_, _, err = bv.Records(ctx, actor, "t1", "alice", vault.ReasonLegalClaim, store.Page{})
	wantErr(t, err, keys.ErrShredded)
	_, _, err = bv.GetBlob(ctx, actor, "t1", blob.ID, vault.ReasonLegalClaim)
	wantErr(t, err, keys.ErrShredded)
	if rs, _, err := bv.Records(ctx, actor, "t1", "bob", vault.ReasonProcessing, store.Page{}); err != nil || len(rs) != 3 {
		t.Errorf("bob in the backup: %d, %v", len(rs), err)
	}
}

// TestReconcileShreds stops a shred after its first step, and after its
// second, as a crash would, and checks that the next start finishes it.
func TestReconcileShreds(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		f.put(t, "t1", "alice", values(20, "nickname")...)
		f.put(t, "t1", "bob", values(5, "nickname")...)
		if _, err := f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "bob", Field: "voice", Purpose: "service"},
			strings.NewReader("bob's voice")); err != nil {
			t.Fatal(err)
		}
		var sealed []store.Record
		err := f.v.Store().Read(ctx, func(r store.Reader) error {
			var err error
			sealed, _, err = r.ListRecords(ctx, "t1", store.RecordFilter{Subject: "alice"}, store.Page{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// alice: step 1 only (status erased, key still there).
		err = f.v.Store().Write(ctx, func(tx store.Tx) error {
			if _, err := tx.SetSubjectStatus(ctx, "t1", "alice", store.StatusErased); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: actor, Action: "subject.shred", Subject: "alice"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// bob: steps 1 and 2 (key destroyed, rows and blob still there).
		if err := f.v.Erase(ctx, actor, "t1", "bob"); err != nil {
			t.Fatal(err)
		}
		if err := f.v.Close(); err != nil {
			t.Fatal(err)
		}

		f.v = openVault(t, f.o) // runs ReconcileShreds
		for _, s := range []string{"alice", "bob"} {
			if c := count(t, f.v, "t1", s); c != 0 {
				t.Errorf("%s: %d records left after restart", s, c)
			}
		}
		if c := blobObjects(t, f.o); c != 0 {
			t.Errorf("%d objects left", c)
		}
		_, err = f.v.Keys().Open(ctx, keys.Ref{Tenant: "t1", Subject: "alice", Field: sealed[0].Field, RecordID: sealed[0].ID}, sealed[0].Ciphertext)
		wantErr(t, err, keys.ErrShredded)
		var purged []string
		for _, e := range entries(t, f.v) {
			if e.Action == "subject.purge" && e.Actor == "system:reconcile-shreds" {
				purged = append(purged, e.Subject)
			}
		}
		slices.Sort(purged)
		if !slices.Equal(purged, []string{"alice", "bob"}) {
			t.Errorf("purges by the reconciler: %v", purged)
		}
		if n, err := f.v.ReconcileShreds(ctx); err != nil || n != 0 {
			t.Errorf("second ReconcileShreds: %d, %v", n, err)
		}
		verifyOK(t, f.v)
	})
}

// readAll reads a blob's plaintext.
func readAll(t testing.TB, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShredRacesWrites shreds a subject while writers keep storing its
// values: every write either lands before the erasure (and is purged) or
// is refused, so nothing of the subject is left once Shred returns.
func TestShredRacesWrites(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		f.put(t, "t1", "alice", values(50, "nickname")...)
		done := make(chan error, 4)
		stop := make(chan struct{})
		for range 4 {
			go func() {
				for {
					select {
					case <-stop:
						done <- nil
						return
					default:
					}
					_, err := f.v.PutRecords(ctx, actor, "t1", "alice", values(20, "nickname"))
					if err != nil && !errors.Is(err, vault.ErrErased) && !errors.Is(err, keys.ErrShredded) {
						done <- err
						return
					}
				}
			}()
		}
		time.Sleep(20 * time.Millisecond)
		if _, err := f.v.Shred(ctx, actor, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		if c := count(t, f.v, "t1", "alice"); c != 0 {
			t.Errorf("%d records left right after Shred", c)
		}
		close(stop)
		for range 4 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
		if c := count(t, f.v, "t1", "alice"); c != 0 {
			t.Errorf("%d records stored after Shred", c)
		}
		verifyOK(t, f.v)
	})
}
