package vault_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func TestOpenCreatesEverything(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trustee-data")
	v := openVault(t, vault.Options{DataDir: dir})
	if err := v.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{
		"db":                0o700 | os.ModeDir,
		"db/trustee.db":     0o600,
		"keys":              0o700 | os.ModeDir,
		"keys/root.key":     0o600,
		"keys/keys.db":      0o600,
		"keys/audit.key":    0o600,
		"blobs":             0o700 | os.ModeDir,
		"db/trustee.db-wal": 0o600,
		"keys/keys.db-wal":  0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Error(err)
			continue
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	// A second start finds everything in place, with the same audit key.
	key := v.VerifierKey()
	v2 := openVault(t, vault.Options{DataDir: dir})
	if v2.VerifierKey() != key {
		t.Error("second start made a new audit key")
	}
}

func TestOpenBadDatabaseURL(t *testing.T) {
	for _, u := range []string{"mysql://db/x", "sqlite://relative/path.db", "::"} {
		if _, err := vault.Open(context.Background(), vault.Options{DataDir: t.TempDir(), Database: u}); err == nil {
			t.Errorf("Open with database %q: no error", u)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		ids := f.put(t, "t1", "alice",
			vault.Value{Field: "email", Purpose: "login", Plain: []byte("Alice@Example.com"), Lookup: keys.NormEmail},
			vault.Value{Field: "phone", Purpose: "login", Plain: []byte("+86 138 0013 8000"), Lookup: keys.NormPhone, Device: "dev-1", Region: "CN"},
			vault.Value{Field: "nickname", Purpose: "service", Plain: []byte("小爱")},
		)
		f.put(t, "t2", "alice", vault.Value{Field: "email", Purpose: "login", Plain: []byte("alice@example.com"), Lookup: keys.NormEmail})

		got, next, err := f.v.Records(ctx, actor, "t1", "alice", vault.ReasonProcessing, store.Page{})
		if err != nil || next != "" {
			t.Fatal(err, next)
		}
		want := []string{"Alice@Example.com", "+86 138 0013 8000", "小爱"}
		if len(got) != 3 {
			t.Fatalf("got %d records", len(got))
		}
		for i, r := range got {
			if r.ID != ids[i] || string(r.Plain) != want[i] || r.Subject != "alice" {
				t.Errorf("record %d: %s %s, want %s", i, r.ID, r, ids[i])
			}
		}
		if !got[0].Indexed || got[2].Indexed || got[1].Device != "dev-1" || got[1].Region != "CN" || got[1].Purpose != "login" {
			t.Errorf("record attributes: %+v", got)
		}

		// Lookups by blind index, normalised, scoped to the tenant.
		for _, c := range []struct {
			field string
			kind  keys.Normalization
			value string
			want  string
		}{
			{"email", keys.NormEmail, " ALICE@example.COM ", ids[0]},
			{"phone", keys.NormPhone, "+8613800138000", ids[1]},
		} {
			ms, _, err := f.v.FindByIndex(ctx, "t1", c.field, c.kind, c.value, store.Page{})
			if err != nil || len(ms) != 1 || ms[0].RecordID != c.want || ms[0].Subject != "alice" {
				t.Errorf("FindByIndex(%s): %v, %v", c.field, ms, err)
			}
		}
		if ms, _, err := f.v.FindByIndex(ctx, "t1", "email", keys.NormEmail, "nobody@example.com", store.Page{}); err != nil || len(ms) != 0 {
			t.Errorf("FindByIndex(unknown): %v, %v", ms, err)
		}
		if _, _, err := f.v.FindByIndex(ctx, "t1", "email", keys.NormNone, "x", store.Page{}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("FindByIndex(NormNone): %v", err)
		}

		// Tenant t2's alice is another subject: she sees only her value.
		got2, err := f.all(t, "t2", "alice")
		if err != nil || len(got2) != 1 || string(got2[0].Plain) != "alice@example.com" {
			t.Errorf("t2 alice: %v, %v", got2, err)
		}
		_, _, err = f.v.Records(ctx, actor, "t2", "bob", vault.ReasonProcessing, store.Page{})
		wantErr(t, err, store.ErrNotFound)

		es := entries(t, f.v)
		if a := actions(es); !slices.Contains(a, "record.create:alice") || !slices.Contains(a, "record.read:alice") {
			t.Errorf("audit actions: %v", a)
		}
		for _, e := range es {
			if e.Action == "record.create" && e.Tenant == "t1" {
				if e.Details["count"] != "3" || e.Details["ids_sha256"] != vault.IDsDigest(ids) ||
					!slices.Equal(e.Fields, []string{"email", "nickname", "phone"}) || e.Details["indexed"] != "2" {
					t.Errorf("record.create entry: %+v", e.Entry)
				}
			}
			if e.Action == "record.read" && e.Tenant == "t1" && e.Details["reason"] != "processing" {
				t.Errorf("record.read entry: %+v", e.Entry)
			}
		}
		verifyOK(t, f.v)
	})
}

func TestFindByIndexPages(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		var want []string
		for _, s := range []string{"alice", "bob", "alice"} {
			want = append(want, f.put(t, "t1", s, vault.Value{Field: "device_id", Purpose: "service",
				Plain: []byte("AA:BB:CC:DD:EE:FF"), Lookup: keys.NormIdentifier})...)
		}
		var got []string
		var p store.Page
		for {
			ms, next, err := f.v.FindByIndex(ctx, "t1", "device_id", keys.NormIdentifier, "aabb.ccdd.eeff", store.Page{After: p.After, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				got = append(got, m.RecordID)
			}
			if next == "" {
				break
			}
			p.After = next
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages: %v, want %v", got, want)
		}
		// The fast path agrees with the store's transactional reader.
		idx, err := f.v.Keys().BlindIndex(ctx, "t1", "device_id", keys.NormIdentifier, "AABBCCDDEEFF")
		if err != nil {
			t.Fatal(err)
		}
		err = f.v.Store().Read(ctx, func(r store.Reader) error {
			rs, _, err := r.FindRecordsByIndex(ctx, "t1", "device_id", idx, store.Page{})
			if len(rs) != 3 || rs[0].ID != want[0] || rs[2].ID != want[2] {
				t.Errorf("reader found %d", len(rs))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ms, _, err := f.v.FindByIndex(ctx, "t2", "device_id", keys.NormIdentifier, "AABBCCDDEEFF", store.Page{}); err != nil || len(ms) != 0 {
			t.Errorf("t2 sees t1's records: %v %v", ms, err)
		}
		if _, _, err := f.v.FindByIndex(ctx, "t1", "device_id", keys.NormIdentifier, "AABBCCDDEEFF", store.Page{After: "not-an-id"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("bad page.after: %v", err)
		}
	})
}

func TestBatchAtomicity(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		f.put(t, "t1", "alice", values(2, "nickname")...)
		size0, _ := f.v.AuditSize(ctx)

		bad := values(5, "nickname")
		bad[3].Field = "bad field!"
		_, err := f.v.PutRecords(ctx, actor, "t1", "alice", bad)
		wantErr(t, err, store.ErrInvalid)
		if !strings.Contains(err.Error(), "record[3].field") {
			t.Errorf("error does not name the field at fault: %v", err)
		}

		badPurpose := values(5, "nickname")
		badPurpose[4].Purpose = ""
		_, err = f.v.PutRecords(ctx, actor, "t1", "alice", badPurpose)
		wantErr(t, err, store.ErrInvalid)

		badPhone := values(5, "nickname")
		badPhone[2] = vault.Value{Field: "phone", Purpose: "login", Plain: []byte("not a phone"), Lookup: keys.NormPhone}
		_, err = f.v.PutRecords(ctx, actor, "t1", "alice", badPhone)
		wantErr(t, err, keys.ErrInvalidValue)

		_, err = f.v.PutRecords(ctx, actor, "t1", "carol", values(5, "nickname"))
		wantErr(t, err, store.ErrNotFound)
		_, err = f.v.PutRecords(ctx, actor, "t1", "alice", nil)
		wantErr(t, err, store.ErrInvalid)
		_, err = f.v.PutRecords(ctx, "not an actor", "t1", "alice", values(1, "nickname"))
		wantErr(t, err, store.ErrInvalid)

		if n := count(t, f.v, "t1", "alice"); n != 2 {
			t.Errorf("alice has %d records after failed batches, want 2", n)
		}
		if n := count(t, f.v, "t1", "carol"); n != 0 {
			t.Errorf("carol has %d records", n)
		}
		if size, _ := f.v.AuditSize(ctx); size != size0 {
			t.Errorf("failed batches appended %d audit entries", size-size0)
		}
	})
}

func TestAADSwap(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		f := newFixture(t, b)
		a := f.put(t, "t1", "alice", values(2, "nickname")...)
		bob := f.put(t, "t1", "bob", values(1, "nickname")...)
		if _, err := f.all(t, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		// Same subject and field, another record: the record id is bound.
		f.raw.exec(t, "UPDATE records SET ciphertext = (SELECT ciphertext FROM records WHERE id = ?) WHERE id = ?", a[0], a[1])
		_, err := f.all(t, "t1", "alice")
		wantErr(t, err, keys.ErrDecrypt)
		if !strings.Contains(err.Error(), a[1]) {
			t.Errorf("error does not name the record: %v", err)
		}
		// Another subject's ciphertext (another data key, another AAD).
		f.raw.exec(t, "UPDATE records SET ciphertext = (SELECT ciphertext FROM records WHERE id = ?) WHERE id = ?", a[0], bob[0])
		_, err = f.all(t, "t1", "bob")
		wantErr(t, err, keys.ErrDecrypt)
		// A flipped bit.
		f.put(t, "t2", "alice", values(1, "nickname")...)
		var ct []byte
		if err := f.raw.queryRow(t, "SELECT ciphertext FROM records WHERE tenant = 't2'").Scan(&ct); err != nil {
			t.Fatal(err)
		}
		ct[len(ct)/2] ^= 1
		f.raw.exec(t, "UPDATE records SET ciphertext = ? WHERE tenant = 't2'", ct)
		_, err = f.all(t, "t2", "alice")
		wantErr(t, err, keys.ErrDecrypt)
	})
}

func TestSubjectStatus(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		f.put(t, "t1", "alice", values(3, "nickname")...)
		blob, err := f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "voice", Purpose: "service", ContentType: "audio/ogg"},
			strings.NewReader("voice bytes"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusRestricted); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.v.Records(ctx, actor, "t1", "alice", vault.ReasonProcessing, store.Page{})
		wantErr(t, err, vault.ErrRestricted)
		_, _, err = f.v.GetBlob(ctx, actor, "t1", blob.ID, vault.ReasonSupport)
		wantErr(t, err, vault.ErrRestricted)
		for _, r := range []vault.Reason{vault.ReasonRightsRequest, vault.ReasonLegalClaim, vault.ReasonLegalObligation} {
			rs, _, err := f.v.Records(ctx, actor, "t1", "alice", r, store.Page{})
			if err != nil || len(rs) != 3 {
				t.Errorf("read with %s: %d, %v", r, len(rs), err)
			}
		}
		_, rc, err := f.v.GetBlob(ctx, actor, "t1", blob.ID, vault.ReasonRightsRequest)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		_, _, err = f.v.Records(ctx, actor, "t1", "alice", vault.Reason("because"), store.Page{})
		wantErr(t, err, store.ErrInvalid)
		_, err = f.v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusErased)
		wantErr(t, err, store.ErrInvalid)

		a := actions(entries(t, f.v))
		for _, want := range []string{"subject.status:alice", "record.read_refused:alice", "blob.read_refused:alice", "blob.read:alice"} {
			if !slices.Contains(a, want) {
				t.Errorf("no %s in audit log %v", want, a)
			}
		}
		if _, err := f.v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusActive); err != nil {
			t.Fatal(err)
		}
		if _, err := f.all(t, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		// EnsureSubject creates once.
		if _, created, err := f.v.EnsureSubject(ctx, actor, "t1", "dave"); err != nil || !created {
			t.Fatal(created, err)
		}
		if _, created, err := f.v.EnsureSubject(ctx, actor, "t1", "dave"); err != nil || created {
			t.Fatal(created, err)
		}
		verifyOK(t, f.v)
	})
}

func TestBlobRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		content := bytes.Repeat([]byte("0123456789abcdef"), 10000) // several stream segments
		meta, err := f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "voice", Purpose: "service", ContentType: "audio/ogg"},
			bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if meta.Size != int64(len(content)) || meta.ID == "" || strings.Contains(meta.ObjectKey, "alice") {
			t.Errorf("meta: %+v", meta)
		}
		got, rc, err := f.v.GetBlob(ctx, actor, "t1", meta.ID, vault.ReasonProcessing)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(data, content) || got.ID != meta.ID {
			t.Fatalf("blob read back: %d bytes, %v", len(data), err)
		}
		_, _, err = f.v.GetBlob(ctx, actor, "t2", meta.ID, vault.ReasonProcessing)
		wantErr(t, err, store.ErrNotFound)
		_, err = f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "nobody", Field: "voice", Purpose: "service"}, strings.NewReader("x"))
		wantErr(t, err, store.ErrNotFound)
		// Bad metadata: nothing is kept, neither row nor object.
		_, err = f.v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "bad field!", Purpose: "service"}, strings.NewReader("x"))
		wantErr(t, err, store.ErrInvalid)
		if n := blobObjects(t, f.o); n != 1 {
			t.Errorf("%d objects in the bucket, want 1", n)
		}
		a := actions(entries(t, f.v))
		if !slices.Contains(a, "blob.create:alice") || !slices.Contains(a, "blob.read:alice") {
			t.Errorf("audit: %v", a)
		}
	})
}

// blobObjects counts the files in the default blob directory.
func blobObjects(t testing.TB, o vault.Options) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(o.DataDir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRotation(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixture(t, b)
		f.put(t, "t1", "alice", values(3, "nickname")...)
		f.put(t, "t2", "alice", vault.Value{Field: "email", Purpose: "login", Plain: []byte("a@example.com"), Lookup: keys.NormEmail})

		rot, err := f.v.RotateKeys(ctx, actor, "")
		if err != nil || len(rot) != 2 || rot[0] != (vault.Rotation{Tenant: "t1", Version: 2}) {
			t.Fatalf("RotateKeys: %v, %v", rot, err)
		}
		rot, err = f.v.RotateKeys(ctx, actor, "t1")
		if err != nil || len(rot) != 1 || rot[0].Version != 3 {
			t.Fatalf("RotateKeys(t1): %v, %v", rot, err)
		}
		_, err = f.v.RotateKeys(ctx, actor, "t9")
		wantErr(t, err, store.ErrNotFound)
		if _, err := f.all(t, "t1", "alice"); err != nil {
			t.Fatal(err)
		}

		newRoot := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "root2.key"))
		n, err := f.v.RotateRoot(ctx, "operator", newRoot)
		if err != nil || n == 0 {
			t.Fatalf("RotateRoot: %d, %v", n, err)
		}
		if _, err := f.all(t, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		a := actions(entries(t, f.v))
		if !slices.Contains(a, "key.rotate") || !slices.Contains(a, "key.rotate_root") {
			t.Errorf("audit: %v", a)
		}
		verifyOK(t, f.v)

		// A restart with the new root key reads everything, and the blind
		// index is unchanged.
		if err := f.v.Close(); err != nil {
			t.Fatal(err)
		}
		o := f.o
		o.RootKey = newRoot
		if o.KeyStore == "" { // SQLite: the key store stays where it was
			o.KeyStore = "sqlite://" + filepath.ToSlash(filepath.Join(o.DataDir, "keys", "keys.db"))
		}
		o.AuditKey = filepath.Join(o.DataDir, "keys", "audit.key")
		v2, err := vault.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer v2.Close()
		f.v = v2
		if rs, err := f.all(t, "t1", "alice"); err != nil || len(rs) != 3 {
			t.Fatalf("after restart: %d, %v", len(rs), err)
		}
		if ms, _, err := v2.FindByIndex(ctx, "t2", "email", keys.NormEmail, "A@example.com", store.Page{}); err != nil || len(ms) != 1 {
			t.Errorf("FindByIndex after root rotation: %v %v", ms, err)
		}
	})
}

func TestValueRedaction(t *testing.T) {
	v := vault.Value{Field: "email", Purpose: "login", Plain: []byte("secret@example.com")}
	r := vault.Record{ID: "x", Field: "email", Plain: []byte("secret@example.com")}
	for _, s := range []string{
		fmtAll(v), fmtAll(r), fmtAll(&v), fmtAll([]vault.Value{v}), fmtAll(map[string]vault.Record{"k": r}),
	} {
		if strings.Contains(s, "secret") || strings.Contains(s, hexOf("secret")) {
			t.Errorf("formatted value leaks: %s", s)
		}
	}
}
