package vault_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// TestCanary writes unique marker values through every vault operation,
// including the failing ones, with debug logging on, and checks that no
// marker, in any of the forms the vault normalises it to, appears in the
// logs, in an error text or in the audit log.
func TestCanary(t *testing.T) {
	forEach(t, testCanary)
}

func testCanary(t *testing.T, b backend) {
	ctx := context.Background()
	tag := randHex(t, 6)
	email := "CANARY-" + tag + "@Example.COM"
	national := "139" + randDigits(t, 8)
	phone := "+86 " + national[:3] + " " + national[3:7] + " " + national[7:]
	name := "CANARY-NAME-" + tag
	badPhone := "CANARY-NOT-A-PHONE-" + tag
	blobText := strings.Repeat("CANARY-BLOB-"+tag+" ", 5000)
	markers := []string{
		email, strings.ToLower(email), strings.ToUpper(email), "CANARY-" + tag, "canary-" + tag,
		phone, "+86" + national, "86" + national, national,
		name, badPhone, "CANARY-BLOB-" + tag,
	}

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o, raw := b.setup(t)
	o.Log = log
	f := &fixture{o: o, raw: raw, v: openVault(t, o)}
	v := f.v

	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error(), fmt.Sprintf("%+v", err))
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	_, err := v.CreateTenant(ctx, actor, store.Tenant{ID: "t1", Name: "Tenant one", Kind: store.KindController})
	must(err)
	_, err = v.CreateTenant(ctx, actor, store.Tenant{ID: "t2", Name: "Tenant two", Kind: store.KindController})
	must(err)
	_, err = v.CreateSubject(ctx, actor, store.Subject{Tenant: "t1", ID: "alice"})
	must(err)
	_, _, err = v.EnsureSubject(ctx, actor, "t1", "bob")
	must(err)

	vals := []vault.Value{
		{Field: "email", Purpose: "login", Plain: []byte(email), Lookup: keys.NormEmail},
		{Field: "phone", Purpose: "login", Plain: []byte(phone), Lookup: keys.NormPhone},
		{Field: "name", Purpose: "service", Plain: []byte(name)},
	}
	log.Debug("canary values", "values", vals, "value", vals[0]) // LogValuer
	ids, err := v.PutRecords(ctx, actor, "t1", "alice", vals)
	must(err)
	_, err = v.PutRecords(ctx, actor, "t1", "bob", vals[:1])
	must(err)
	recs, _, err := v.Records(ctx, actor, "t1", "alice", vault.ReasonSupport, store.Page{})
	must(err)
	if len(recs) != 3 || string(recs[0].Plain) != email {
		t.Fatalf("read back %d records", len(recs))
	}
	log.Debug("canary records", "records", recs, "record", recs[1])
	errs = append(errs, fmtAll(vals[0]), fmtAll(recs[1]), fmtAll(recs))

	for _, q := range []struct {
		field string
		kind  keys.Normalization
		value string
	}{{"email", keys.NormEmail, strings.ToLower(email)}, {"phone", keys.NormPhone, "+86" + national}} {
		ms, _, err := v.FindByIndex(ctx, "t1", q.field, q.kind, q.value, store.Page{})
		must(err)
		if len(ms) == 0 {
			t.Fatalf("FindByIndex(%s) found nothing", q.field)
		}
	}
	meta, err := v.PutBlob(ctx, actor, store.BlobMeta{Tenant: "t1", Subject: "alice", Field: "voice", Purpose: "service", ContentType: "text/plain"},
		strings.NewReader(blobText))
	must(err)
	_, rc, err := v.GetBlob(ctx, actor, "t1", meta.ID, vault.ReasonProcessing)
	must(err)
	if got := readAll(t, rc); string(got) != blobText {
		t.Fatal("blob read back differs")
	}
	_, err = v.RotateKeys(ctx, "operator", "")
	must(err)
	_, err = v.Checkpoint(ctx)
	must(err)

	// Error paths, each with a marker in its input.
	_, err = v.PutRecords(ctx, actor, "t1", "alice", []vault.Value{{Field: "bad field " + name, Purpose: "service", Plain: []byte(email)}})
	note(err)
	_, err = v.PutRecords(ctx, actor, "t1", "alice", []vault.Value{{Field: "phone", Purpose: "login", Plain: []byte(badPhone), Lookup: keys.NormPhone}})
	note(err)
	_, err = v.PutRecords(ctx, actor, "t1", "carol", vals)
	note(err)
	_, err = v.PutRecords(ctx, actor, "t9", "alice", vals)
	note(err)
	_, _, err = v.FindByIndex(ctx, "t1", "phone", keys.NormPhone, badPhone, store.Page{})
	note(err)
	_, _, err = v.FindByIndex(ctx, "t1", "phone", keys.NormPhone, national, store.Page{}) // no country code, no default region
	note(err)
	_, _, err = v.FindByIndex(ctx, "t9", "email", keys.NormEmail, email, store.Page{})
	note(err)
	ms, _, err := v.FindByIndex(ctx, "t2", "email", keys.NormEmail, email, store.Page{})
	note(err)
	if len(ms) != 0 {
		t.Error("t2 finds t1's record")
	}
	_, _, err = v.Records(ctx, actor, "t2", "alice", vault.ReasonProcessing, store.Page{})
	note(err)
	_, _, err = v.GetBlob(ctx, actor, "t2", meta.ID, vault.ReasonProcessing)
	note(err)
	_, err = v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusRestricted)
	must(err)
	_, _, err = v.Records(ctx, actor, "t1", "alice", vault.ReasonProcessing, store.Page{})
	note(err)
	_, _, err = v.GetBlob(ctx, actor, "t1", meta.ID, vault.ReasonSupport)
	note(err)
	_, err = v.SetSubjectStatus(ctx, actor, "t1", "alice", store.StatusActive)
	must(err)
	// Corrupted ciphertext: the phone's row gets the e-mail's ciphertext.
	raw.exec(t, "UPDATE records SET ciphertext = (SELECT ciphertext FROM records WHERE id = ?) WHERE id = ?", ids[0], ids[1])
	_, _, err = v.Records(ctx, actor, "t1", "alice", vault.ReasonProcessing, store.Page{})
	note(err)
	if err == nil {
		t.Error("corrupted ciphertext read without error")
	}

	_, err = v.Shred(ctx, actor, "t1", "alice")
	must(err)
	_, _, err = v.Records(ctx, actor, "t1", "alice", vault.ReasonLegalClaim, store.Page{})
	note(err)
	_, err = v.PutRecords(ctx, actor, "t1", "alice", vals)
	note(err)
	_, _, err = v.GetBlob(ctx, actor, "t1", meta.ID, vault.ReasonLegalClaim)
	note(err)
	_, err = v.RotateRoot(ctx, "operator", "file://"+t.TempDir()+"/root2.key")
	must(err)
	rep := verifyOK(t, v)
	errs = append(errs, rep.String())
	if len(errs) < 15 {
		t.Fatalf("only %d error texts collected", len(errs))
	}

	// Everything that left the vault.
	var hay strings.Builder
	hay.WriteString(logs.String())
	for _, e := range errs {
		hay.WriteString(e + "\n")
	}
	for _, e := range entries(t, v) {
		j, err := json.Marshal(e)
		must(err)
		hay.Write(j)
		hay.WriteString(fmt.Sprintf("%+v\n", e))
	}
	cps, err := v.Store().Checkpoints(ctx)
	must(err)
	for _, c := range cps {
		hay.Write(c.Note)
	}
	all := hay.String()
	lower := strings.ToLower(all)
	for _, m := range markers {
		if i := strings.Index(lower, strings.ToLower(m)); i >= 0 {
			t.Errorf("marker %q leaked: …%s…", m, all[max(0, i-80):min(len(all), i+len(m)+40)])
		}
		if strings.Contains(lower, hexOf(m)) {
			t.Errorf("marker %q leaked in hex", m)
		}
	}
	if logs.Len() == 0 || !strings.Contains(logs.String(), "level=DEBUG") {
		t.Error("the vault logged nothing at debug level: the test proves nothing")
	}
	t.Logf("%d bytes of logs, %d error texts, %d audit entries checked", logs.Len(), len(errs), len(entries(t, v)))
}

func randHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func randDigits(t testing.TB, n int) string {
	var s strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			t.Fatal(err)
		}
		s.WriteString(d.String())
	}
	return s.String()
}
