package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// jsonDoc is the trustee.export/v1 document as a reader outside trustee
// decodes it.
type jsonDoc struct {
	Schema      string `json:"schema"`
	Tenant      string `json:"tenant"`
	Subject     string `json:"subject"`
	GeneratedAt string `json:"generated_at"`
	Declaration struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"declaration"`
	Records []struct {
		ID, Field, Purpose, Value, Encoding, Device, Region string
		CollectedAt                                         string `json:"collected_at"`
	} `json:"records"`
	Consents []struct {
		Seq                int64
		ReceiptID          string `json:"receipt_id"`
		Purpose, Action    string
		DeclarationVersion string `json:"declaration_version"`
	} `json:"consents"`
	Requests []struct{ ID, Type, State string } `json:"requests"`
	Blobs    []struct {
		ID, Field, File string
		ContentType     string `json:"content_type"`
		Size            int64
	} `json:"blobs"`
	Processing []struct {
		Field    string
		Declared bool
		Label    struct{ EN, ZH string }
		Purposes []struct {
			ID        string
			Collected bool
			Basis     struct{ PIPL string }
		}
		Recipients         []struct{ ID string }
		Retention          []struct{ Rule string }
		AutomatedDecisions []struct{ ID string } `json:"automated_decisions"`
	} `json:"processing"`
}

func build(t testing.TB, v *vault.Vault, tenant, subject string) *export.Export {
	t.Helper()
	e, err := export.Build(context.Background(), v, decl(t), actor, tenant, subject)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestBuildJSON(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		f := populate(t, v)
		auditBefore := len(entries(t, v))
		e := build(t, v, "t1", "alice")

		var buf bytes.Buffer
		if err := e.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		raw := buf.String()
		for _, other := range []string{bobMarker, t2Marker, "bobpurpose", "t2purpose", "req-bob-1", "req-t2-1"} {
			if strings.Contains(raw, other) {
				t.Errorf("alice's export holds %q, of another subject or tenant", other)
			}
		}
		var doc jsonDoc
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Schema != "trustee.export/v1" || doc.Tenant != "t1" || doc.Subject != "alice" || doc.GeneratedAt == "" {
			t.Errorf("header: %q %q %q %q", doc.Schema, doc.Tenant, doc.Subject, doc.GeneratedAt)
		}
		if doc.Declaration.ID != "sopi" || doc.Declaration.Version != "2023" {
			t.Errorf("declaration: %+v", doc.Declaration)
		}

		// Records: all of alice's, in collection order, values exact.
		if len(doc.Records) != len(f.recordIDs) {
			t.Fatalf("records: %d, want %d", len(doc.Records), len(f.recordIDs))
		}
		want := map[string]string{"username": tricky, "support_email": aliceEmail, "ip_address": aliceIP, "legacy_note": aliceLegacy}
		for i, r := range doc.Records {
			if r.ID != f.recordIDs[i] {
				t.Errorf("records[%d].id = %s, want %s", i, r.ID, f.recordIDs[i])
			}
			if r.CollectedAt == "" || r.Purpose == "" {
				t.Errorf("records[%d]: no collected_at or purpose", i)
			}
			if r.Field == "device_id" {
				got, err := base64.StdEncoding.DecodeString(r.Value)
				if r.Encoding != "base64" || err != nil || !bytes.Equal(got, binary) || r.Device != "dev-1" {
					t.Errorf("binary record: encoding %q value %q device %q", r.Encoding, r.Value, r.Device)
				}
				continue
			}
			if r.Value != want[r.Field] || r.Encoding != "" {
				t.Errorf("records[%d] (%s) = %q (%q), want %q", i, r.Field, r.Value, r.Encoding, want[r.Field])
			}
		}
		if doc.Records[2].Region != "CN" {
			t.Errorf("ip_address region = %q", doc.Records[2].Region)
		}

		if len(doc.Consents) != 2 || doc.Consents[0].Action != "grant" || doc.Consents[1].Action != "withdraw" ||
			doc.Consents[0].Purpose != "advertising" || doc.Consents[0].ReceiptID == "" || doc.Consents[0].ReceiptID == doc.Consents[1].ReceiptID {
			t.Errorf("consents: %+v", doc.Consents)
		}
		if len(doc.Requests) != 1 || doc.Requests[0].ID != "req-alice-1" || doc.Requests[0].Type != "access" {
			t.Errorf("requests: %+v", doc.Requests)
		}
		if len(doc.Blobs) != 1 || doc.Blobs[0].ID != f.blob.ID || doc.Blobs[0].ContentType != "image/png" ||
			doc.Blobs[0].File != "blobs/"+f.blob.ID+"-photos.png" {
			t.Errorf("blobs: %+v", doc.Blobs)
		}

		// Processing: one per field held, declaration order, then undeclared.
		var fields []string
		for _, p := range doc.Processing {
			fields = append(fields, p.Field)
		}
		if want := []string{"username", "support_email", "device_id", "ip_address", "photos", "legacy_note"}; !slices.Equal(fields, want) {
			t.Errorf("processing fields = %v, want %v", fields, want)
		}
		for _, p := range doc.Processing {
			switch p.Field {
			case "legacy_note":
				if p.Declared || len(p.Purposes) != 1 || !p.Purposes[0].Collected {
					t.Errorf("legacy_note: %+v", p)
				}
			case "username":
				if !p.Declared || p.Label.EN != "Personalized username" || p.Label.ZH != "个性化用户名" {
					t.Errorf("username label: %+v", p.Label)
				}
				var rs []string
				for _, r := range p.Recipients {
					rs = append(rs, r.ID)
				}
				if !slices.Contains(rs, "zego") || !slices.Contains(rs, "cloud_providers") || slices.Contains(rs, "shumei") {
					t.Errorf("username recipients = %v", rs)
				}
				var ps []string
				for _, pp := range p.Purposes {
					ps = append(ps, pp.ID)
					if pp.Basis.PIPL == "" {
						t.Errorf("purpose %s without PIPL basis", pp.ID)
					}
					if pp.Collected != (pp.ID == "service_provision") {
						t.Errorf("purpose %s collected = %t", pp.ID, pp.Collected)
					}
				}
				if !slices.Contains(ps, "voice_chat") || !slices.Contains(ps, "service_provision") {
					t.Errorf("username purposes = %v", ps)
				}
				if len(p.Retention) == 0 {
					t.Error("username: no retention")
				}
			case "ip_address":
				var ads []string
				for _, a := range p.AutomatedDecisions {
					ads = append(ads, a.ID)
				}
				if !slices.Equal(ads, []string{"targeted-ads"}) {
					t.Errorf("ip_address automated decisions = %v", ads)
				}
			}
		}

		// The reads are audited with the reason, and the audit log holds
		// no value.
		var reads int
		for _, en := range entries(t, v)[auditBefore:] {
			noMarkers(t, "audit entry", fmt.Sprintf("%+v", en.Entry))
			if en.Action == "record.read" {
				reads++
				if en.Details["reason"] != string(vault.ReasonRightsRequest) || en.Subject != "alice" || en.Actor != actor {
					t.Errorf("record.read entry: %+v", en.Entry)
				}
			}
		}
		if reads != 1 {
			t.Errorf("%d record.read entries, want 1", reads)
		}

		// The same export writes the same bytes.
		var again bytes.Buffer
		if err := e.WriteJSON(&again); err != nil || again.String() != raw {
			t.Errorf("second WriteJSON differs (%v)", err)
		}
	})
}

func TestBuildPagesAndEmpty(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		ctx := context.Background()
		// 2,345 records: three pages of store.MaxLimit.
		vals := make([]vault.Value, 2345)
		for i := range vals {
			vals[i] = vault.Value{Field: "log_data", Purpose: "security", Plain: fmt.Appendf(nil, "line %d", i)}
		}
		ids, err := v.PutRecords(ctx, actor, "t1", "bob", vals)
		if err != nil {
			t.Fatal(err)
		}
		e := build(t, v, "t1", "bob")
		if len(e.Records) != len(ids) {
			t.Fatalf("records: %d, want %d", len(e.Records), len(ids))
		}
		for i, r := range e.Records {
			if r.ID != ids[i] || string(r.Value) != fmt.Sprintf("line %d", i) {
				t.Fatalf("records[%d] = %s, want %s", i, r.ID, ids[i])
			}
		}
		// A subject with nothing gives empty arrays, not nulls.
		e = build(t, v, "t2", "alice")
		var buf bytes.Buffer
		if err := e.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"records", "consents", "requests", "blobs", "processing"} {
			if !strings.Contains(buf.String(), `"`+k+`":[]`) {
				t.Errorf("empty export: %s is not []:\n%s", k, buf.String())
			}
		}
	})
}

func TestWriteCSV(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		f := populate(t, v)
		e := build(t, v, "t1", "alice")
		var buf bytes.Buffer
		if err := e.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\uFEFF"))
		if !ok {
			t.Fatal("records.csv does not start with a UTF-8 BOM")
		}
		// The file holds the tricky value quoted, its CR LF and LF kept.
		if !bytes.Contains(body, []byte(`"Zhang, ""San"" 张三`+"\r\n"+`second line, 第二行`+"\n"+`third"`)) {
			t.Errorf("tricky value not quoted as RFC 4180 says:\n%s", body)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], export.CSVHeader) {
			t.Errorf("header = %q", rows[0])
		}
		rows = rows[1:]
		if len(rows) != len(f.recordIDs) {
			t.Fatalf("%d rows, want %d", len(rows), len(f.recordIDs))
		}
		for i, row := range rows {
			if row[0] != f.recordIDs[i] {
				t.Errorf("row %d id = %s", i, row[0])
			}
		}
		// encoding/csv reads a quoted CR LF as LF; everything else is exact.
		if got, want := rows[0][6], strings.ReplaceAll(tricky, "\r\n", "\n"); got != want {
			t.Errorf("tricky value read back as %q, want %q", got, want)
		}
		if rows[0][1] != "username" || rows[0][2] != "Personalized username" || rows[0][3] != "个性化用户名" || rows[0][4] != "service_provision" {
			t.Errorf("row 0 = %q", rows[0])
		}
		if got, _ := base64.StdEncoding.DecodeString(rows[3][6]); rows[3][7] != "base64" || !bytes.Equal(got, binary) {
			t.Errorf("binary row = %q", rows[3])
		}
		if rows[4][1] != "legacy_note" || rows[4][2] != "" || rows[4][6] != aliceLegacy {
			t.Errorf("undeclared field row = %q", rows[4])
		}
	})
}

func TestWriteZIP(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		f := populate(t, v)
		e := build(t, v, "t1", "alice")
		auditBefore := len(entries(t, v))
		var buf bytes.Buffer
		if err := e.WriteZIP(context.Background(), &buf, v); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		var names []string
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", zf.Name, err)
			}
			files[zf.Name] = data
			names = append(names, zf.Name)
		}
		blobName := "blobs/" + f.blob.ID + "-photos.png"
		if want := []string{"README.txt", "export.json", "records.csv", "consents.csv", blobName}; !slices.Equal(names, want) {
			t.Fatalf("files = %v, want %v", names, want)
		}
		if !bytes.Equal(files[blobName], blobBytes) {
			t.Errorf("blob: %d bytes, want the %d stored", len(files[blobName]), len(blobBytes))
		}
		var j, c bytes.Buffer
		if err := e.WriteJSON(&j); err != nil {
			t.Fatal(err)
		}
		if err := e.WriteCSV(&c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["export.json"], j.Bytes()) || !bytes.Equal(files["records.csv"], c.Bytes()) {
			t.Error("export.json or records.csv differ from WriteJSON or WriteCSV")
		}
		consents, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files["consents.csv"], []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(consents) != 3 || !slices.Equal(consents[0], export.ConsentsCSVHeader) || consents[1][3] != "grant" || consents[2][3] != "withdraw" {
			t.Errorf("consents.csv = %q", consents)
		}
		readme := string(files["README.txt"])
		for _, s := range []string{"export.json", "records.csv", "consents.csv", "blobs/", "5 stored values", "您的个人信息", "同意"} {
			if !strings.Contains(readme, s) {
				t.Errorf("README.txt lacks %q:\n%s", s, readme)
			}
		}
		var blobReads int
		for _, en := range entries(t, v)[auditBefore:] {
			if en.Action == "blob.read" && en.ObjectID == f.blob.ID && en.Details["reason"] == string(vault.ReasonRightsRequest) {
				blobReads++
			}
		}
		if blobReads != 1 {
			t.Errorf("%d blob.read entries for the blob, want 1", blobReads)
		}
	})
}

func TestErasedAndUnknown(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		populate(t, v)
		ctx := context.Background()
		e := build(t, v, "t1", "alice") // before the erasure, for WriteZIP below
		if _, err := v.Shred(ctx, actor, "t1", "alice"); err != nil {
			t.Fatal(err)
		}
		_, err := export.Build(ctx, v, decl(t), actor, "t1", "alice")
		if !errors.Is(err, vault.ErrErased) {
			t.Fatalf("Build of an erased subject: %v, want ErrErased", err)
		}
		if !strings.Contains(err.Error(), `"alice"`) || !strings.Contains(err.Error(), "erased") {
			t.Errorf("error does not say who and why: %v", err)
		}
		noMarkers(t, "error", err.Error())
		// An export built before the erasure cannot fetch the blobs since.
		err = e.WriteZIP(ctx, io.Discard, v)
		if err == nil {
			t.Error("WriteZIP after erasure succeeded")
		} else {
			noMarkers(t, "error", err.Error())
		}

		_, err = export.Build(ctx, v, decl(t), actor, "t1", "nobody")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Build of an unknown subject: %v, want ErrNotFound", err)
		}
	})
}

func TestRestrictedSubjectIsExported(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		v := openVault(t, b)
		f := populate(t, v)
		if _, err := v.SetSubjectStatus(context.Background(), actor, "t1", "alice", store.StatusRestricted); err != nil {
			t.Fatal(err)
		}
		e := build(t, v, "t1", "alice")
		if len(e.Records) != len(f.recordIDs) {
			t.Errorf("restricted subject: %d records, want %d", len(e.Records), len(f.recordIDs))
		}
	})
}

func TestRedaction(t *testing.T) {
	v := openVault(t, backends[0])
	populate(t, v)
	e := build(t, v, "t1", "alice")
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("export", "export", e, "record", e.Records[0])
	noMarkers(t, "log", logs.String())
	for _, x := range []any{e, *e, e.Records[0], e.Records} {
		noMarkers(t, "formatted", fmt.Sprintf("%v|%+v|%#v|%s|%x|%q", x, x, x, x, x, x))
	}
}

func TestBuildWithoutDeclaration(t *testing.T) {
	v := openVault(t, backends[0])
	populate(t, v)
	e, err := export.Build(context.Background(), v, nil, actor, "t1", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Records) != 5 || len(e.Processing) != 0 || e.DeclarationID != "" {
		t.Errorf("records %d processing %d declaration %q", len(e.Records), len(e.Processing), e.DeclarationID)
	}
	var buf bytes.Buffer
	if err := e.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"declaration"`) {
		t.Error("export without declaration names one")
	}
}

// TestWriteZIPNeedsBuild: an Export not made by Build has no actor to read
// its blobs for, and WriteZIP says so rather than reading them unaudited.
func TestWriteZIPNeedsBuild(t *testing.T) {
	v := openVault(t, backends[0])
	f := populate(t, v)
	e := &export.Export{Tenant: "t1", Subject: "alice", Blobs: []export.BlobInfo{{ID: f.blob.ID, Field: "photos", File: "blobs/x.png"}}}
	err := e.WriteZIP(context.Background(), io.Discard, v)
	if err == nil || !strings.Contains(err.Error(), "use Build") {
		t.Errorf("WriteZIP of a literal Export with blobs: %v", err)
	}
}
