package export

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/trustee-dev/trustee/internal/policy"
)

// headV1 is the members of the trustee.export/v1 document (see the package
// documentation) before "records"; tailV1 those after. WriteJSON writes
// head, the records one at a time, then tail, as one object.
type headV1 struct {
	Schema      string     `json:"schema"`
	Tenant      string     `json:"tenant"`
	Subject     string     `json:"subject"`
	GeneratedAt time.Time  `json:"generated_at"`
	Declaration *declRefV1 `json:"declaration,omitempty"`
}

type tailV1 struct {
	Consents   []Consent        `json:"consents"`
	Requests   []RequestSummary `json:"requests"`
	Blobs      []BlobInfo       `json:"blobs"`
	Processing []Processing     `json:"processing"`
}

type declRefV1 struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

type recordV1 struct {
	ID          string    `json:"id"`
	Field       string    `json:"field"`
	Purpose     string    `json:"purpose"`
	CollectedAt time.Time `json:"collected_at"`
	Value       string    `json:"value"`
	Encoding    string    `json:"encoding,omitempty"`
	Device      string    `json:"device,omitempty"`
	Region      string    `json:"region,omitempty"`
}

// encodingBase64 marks a value that is not UTF-8 text, written as base64.
const encodingBase64 = "base64"

// text returns a value as text: itself when it is UTF-8, else its base64
// and the encoding "base64".
func text(v []byte) (string, string) {
	if utf8.Valid(v) {
		return string(v), ""
	}
	return base64.StdEncoding.EncodeToString(v), encodingBase64
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteJSON writes the export as one JSON document of schema [SchemaV1],
// described in the package documentation: compact, with each record on a
// line of its own. Records are encoded one at a time, so the document is
// never held in memory whole. The same export always writes the same
// bytes.
func (e *Export) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	fail := func(err error) error { return fmt.Errorf("export: write JSON: %w", err) }

	head := headV1{Schema: SchemaV1, Tenant: e.Tenant, Subject: e.Subject, GeneratedAt: e.GeneratedAt.UTC()}
	if e.DeclarationID != "" {
		head.Declaration = &declRefV1{ID: e.DeclarationID, Version: e.DeclarationVersion}
	}
	tail := tailV1{Consents: orEmpty(e.Consents), Requests: orEmpty(e.Requests), Blobs: orEmpty(e.Blobs), Processing: orEmpty(e.Processing)}
	hb, err := json.Marshal(head)
	if err != nil {
		return fail(err)
	}
	tb, err := json.Marshal(tail)
	if err != nil {
		return fail(err)
	}
	// {head..., "records": [ r1, r2 ... ], tail...}
	bw.Write(hb[:len(hb)-1])
	bw.WriteString(`,"records":[`)
	if len(e.Records) > 0 {
		bw.WriteByte('\n')
	}
	for i, r := range e.Records {
		if i > 0 {
			bw.WriteByte(',') // Encode ended the last record with a newline
		}
		value, encoding := text(r.Value)
		err := enc.Encode(recordV1{ID: r.ID, Field: r.Field, Purpose: r.Purpose, CollectedAt: r.CollectedAt.UTC(),
			Value: value, Encoding: encoding, Device: r.Device, Region: r.Region})
		if err != nil {
			return fail(fmt.Errorf("record %d (%s): %w", i, r.ID, err))
		}
	}
	bw.WriteString("],\n")
	bw.Write(tb[1:])
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	return nil
}

// utf8BOM starts the CSV files, so that spreadsheet programs read them as
// UTF-8 (Chinese text would otherwise be garbled); CSV readers that do not
// skip it see it before the first header.
const utf8BOM = "\uFEFF"

// CSVHeader is the header row of [Export.WriteCSV].
var CSVHeader = []string{"id", "field", "field_label_en", "field_label_zh", "purpose", "collected_at", "value", "value_encoding"}

// WriteCSV writes the records as CSV (RFC 4180 quoting, UTF-8 with a
// byte-order mark, LF line ends so that a value's own CR and LF are kept
// as they are), one row per record in collection order, under
// [CSVHeader]: the record id, the field and its label in English and
// Chinese, the purpose, the collection time (RFC 3339, UTC), the value,
// and "base64" in value_encoding when the value is not UTF-8 text and is
// written as base64. Values are written as they are, also when they start
// with = or +: open the file as text, not as formulas.
func (e *Export) WriteCSV(w io.Writer) error {
	labels := make(map[string]policy.Text, len(e.Processing))
	for _, p := range e.Processing {
		labels[p.Field] = p.Label
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(utf8BOM)
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("export: write CSV: %w", err)
	}
	row := make([]string, len(CSVHeader))
	for i, r := range e.Records {
		l := labels[r.Field]
		value, enc := text(r.Value)
		row[0], row[1], row[2], row[3], row[4] = r.ID, r.Field, l.EN, l.ZH, r.Purpose
		row[5], row[6], row[7] = r.CollectedAt.UTC().Format(time.RFC3339Nano), value, enc
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export: write CSV: record %d (%s): %w", i, r.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: write CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write CSV: %w", err)
	}
	return nil
}

// ConsentsCSVHeader is the header row of consents.csv in [Export.WriteZIP].
var ConsentsCSVHeader = []string{"seq", "receipt_id", "at", "action", "kind", "purpose", "channel", "declaration_version", "notice_hash"}

// writeConsentsCSV writes the consent events as CSV, as WriteCSV writes
// records.
func (e *Export) writeConsentsCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(utf8BOM)
	cw := csv.NewWriter(bw)
	if err := cw.Write(ConsentsCSVHeader); err != nil {
		return fmt.Errorf("export: write consents CSV: %w", err)
	}
	for _, c := range e.Consents {
		err := cw.Write([]string{strconv.FormatInt(c.Seq, 10), c.ReceiptID, c.At.UTC().Format(time.RFC3339Nano),
			c.Action, c.Kind, c.Purpose, c.Channel, c.DeclarationVersion, c.NoticeHash})
		if err != nil {
			return fmt.Errorf("export: write consents CSV: event %d: %w", c.Seq, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: write consents CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write consents CSV: %w", err)
	}
	return nil
}
