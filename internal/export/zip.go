package export

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/vault"
)

// Names of the files in the ZIP.
const (
	ZIPJSON     = "export.json"
	ZIPRecords  = "records.csv"
	ZIPConsents = "consents.csv"
	ZIPReadme   = "README.txt"
	// ZIPBlobDir holds the blobs, as blobs/<id>-<field><extension>.
	ZIPBlobDir = "blobs/"
)

// blobFile names a blob in the ZIP: its id (unique), its field (a declared
// name, [a-z0-9_.]) and an extension for its content type, so that the
// subject's system opens it with the right program.
func blobFile(id, field, contentType string) string {
	ext := ".bin"
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		if exts, err := mime.ExtensionsByType(mt); err == nil && len(exts) > 0 {
			ext = preferredExt(mt, exts)
		}
	}
	return ZIPBlobDir + id + "-" + field + ext
}

// preferredExt picks the usual extension among those the mime package
// knows for a type (which it lists sorted, so ".jpe" before ".jpg").
func preferredExt(mt string, exts []string) string {
	usual := map[string]string{"image/jpeg": ".jpg", "audio/mpeg": ".mp3", "video/mpeg": ".mpg", "text/plain": ".txt"}
	if e, ok := usual[mt]; ok {
		for _, x := range exts {
			if x == e {
				return e
			}
		}
	}
	return exts[0]
}

// WriteZIP writes the export as a ZIP archive: export.json ([Export.WriteJSON]),
// records.csv ([Export.WriteCSV]), consents.csv (one row per consent
// event, under [ConsentsCSVHeader]), every blob decrypted at its
// [BlobInfo.File], and README.txt explaining the files in English and
// Chinese. Blobs are streamed from v, each read audited as "blob.read"
// with [vault.ReasonRightsRequest] for the actor Build was given. If
// WriteZIP fails (a blob that no longer opens, a subject erased meanwhile,
// a write error), what it wrote is incomplete and must be discarded: the
// error names the file, never its content.
func (e *Export) WriteZIP(ctx context.Context, w io.Writer, v *vault.Vault) error {
	if len(e.Blobs) > 0 && e.actor == "" {
		return errors.New("export: write ZIP: the export was not made by Build, so its blobs cannot be read on anyone's behalf: use Build")
	}
	zw := zip.NewWriter(w)
	// The fastest level: a 10,000-record export compresses about as well
	// (JSON and CSV are repetitive) in a fraction of the time.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	mod := e.GeneratedAt
	if mod.IsZero() {
		mod = time.Now()
	}
	create := func(name string, method uint16) (io.Writer, error) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mod})
		if err != nil {
			return nil, fmt.Errorf("export: write ZIP: %s: %w", name, err)
		}
		return f, nil
	}
	for _, part := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{ZIPReadme, e.writeReadme},
		{ZIPJSON, e.WriteJSON},
		{ZIPRecords, e.WriteCSV},
		{ZIPConsents, e.writeConsentsCSV},
	} {
		f, err := create(part.name, zip.Deflate)
		if err != nil {
			return err
		}
		if err := part.write(f); err != nil {
			return fmt.Errorf("export: write ZIP: %s: %w", part.name, err)
		}
	}
	for _, b := range e.Blobs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("export: write ZIP: %w", context.Cause(ctx))
		}
		// Images, audio and video are compressed already: store them.
		f, err := create(b.File, zip.Store)
		if err != nil {
			return err
		}
		if err := e.copyBlob(ctx, f, v, b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export: write ZIP: %w", err)
	}
	return nil
}

// copyBlob streams one blob's plaintext into w.
func (e *Export) copyBlob(ctx context.Context, w io.Writer, v *vault.Vault, b BlobInfo) error {
	_, rc, err := v.GetBlob(ctx, e.actor, e.Tenant, b.ID, vault.ReasonRightsRequest)
	if err != nil {
		return fmt.Errorf("export: write ZIP: %s: %w", b.File, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export: write ZIP: %s: %w", b.File, err)
	}
	return nil
}

// writeReadme writes README.txt: what each file holds, in English, then
// in Chinese.
func (e *Export) writeReadme(w io.Writer) error {
	var b strings.Builder
	n := func(k int) string { return strconv.Itoa(k) }
	at := e.GeneratedAt.UTC().Format(time.RFC3339)
	decl := ""
	if e.DeclarationID != "" {
		decl = e.DeclarationID + " " + e.DeclarationVersion
	}

	b.WriteString("YOUR PERSONAL DATA\n==================\n\n")
	b.WriteString("This archive holds all the personal data we keep about you (subject \"" + e.Subject + "\" of \"" + e.Tenant + "\"),\n")
	b.WriteString("as of " + at + ", given to you at your request.\n\n")
	b.WriteString("  " + ZIPJSON + "   Everything, in one machine-readable file (schema " + SchemaV1 + "):\n")
	b.WriteString("                  your " + n(len(e.Records)) + " stored values, " + n(len(e.Consents)) + " consent events, " +
		n(len(e.Requests)) + " requests and " + n(len(e.Blobs)) + " files, and for each kind of\n")
	b.WriteString("                  information: why we process it, on which legal basis, who we share it\n")
	b.WriteString("                  with and how long we keep it")
	if decl != "" {
		b.WriteString(" (privacy policy " + decl + ")")
	}
	b.WriteString(".\n                  Give it to another service to take your data there.\n")
	b.WriteString("  " + ZIPRecords + "   Your stored values, one per row, for a spreadsheet (UTF-8).\n")
	b.WriteString("                  A value that is not text is written in base64 (column value_encoding).\n")
	b.WriteString("  " + ZIPConsents + "  Each time you gave or withdrew consent: when, for what purpose,\n")
	b.WriteString("                  under which version of the policy, and the id of the receipt you received.\n")
	b.WriteString("  " + ZIPBlobDir + "          Your files (photos, recordings, documents), decrypted.\n\n")
	b.WriteString("Values are shown exactly as stored. If anything is wrong or missing, you may ask us to\n")
	b.WriteString("correct or complete it, or to delete it, in the ways our privacy policy describes.\n\n")

	b.WriteString("您的个人信息\n============\n\n")
	b.WriteString("本压缩包包含我们保存的关于您的全部个人信息（\"" + e.Tenant + "\" 的主体 \"" + e.Subject + "\"），\n")
	b.WriteString("截至 " + at + "，应您的请求提供。\n\n")
	b.WriteString("  " + ZIPJSON + "   全部信息，机器可读的单一文件（格式 " + SchemaV1 + "）：\n")
	b.WriteString("                  您的 " + n(len(e.Records)) + " 条存储的信息、" + n(len(e.Consents)) + " 条同意记录、" +
		n(len(e.Requests)) + " 个请求和 " + n(len(e.Blobs)) + " 个文件，\n")
	b.WriteString("                  以及每类信息的处理目的、法律依据、共享对象和保存期限")
	if decl != "" {
		b.WriteString("（隐私政策 " + decl + "）")
	}
	b.WriteString("。\n                  您可将其提供给其他服务，以转移您的个人信息。\n")
	b.WriteString("  " + ZIPRecords + "   您存储的信息，每行一条，可用电子表格打开（UTF-8 编码）。\n")
	b.WriteString("                  非文本的信息以 base64 编码写出（见 value_encoding 列）。\n")
	b.WriteString("  " + ZIPConsents + "  您每次给予或撤回同意的记录：时间、目的、所依据的政策版本及您收到的同意回执编号。\n")
	b.WriteString("  " + ZIPBlobDir + "          您的文件（照片、录音、文档等），已解密。\n\n")
	b.WriteString("信息按存储原样提供。如有错误或遗漏，您可按照我们隐私政策所述的方式，请求更正、补充或删除。\n")

	_, err := io.WriteString(w, b.String())
	return err
}
