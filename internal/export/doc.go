// Package export answers a subject's access, copy and portability requests
// (PIPL Art. 45; GDPR Art. 15, 20) and requests to explain the processing
// rules (PIPL Art. 48; GDPR Art. 13-15): everything trustee holds about one
// subject of one tenant, decrypted for the subject, in formats the subject
// can read and another controller can import.
//
// # Building an export
//
// [Build] reads the subject's records through the vault, page by page
// ([store.MaxLimit] a page), with [vault.ReasonRightsRequest]: the vault
// audits every page as "record.read" with that reason, and refuses an
// erased subject ([vault.ErrErased]). It adds the subject's consent ledger
// events, rights requests and blob metadata, and, from the active
// declaration, what is done with each field held ([Processing]).
//
// # Formats
//
//   - [Export.WriteJSON]: one JSON document in the schema [SchemaV1]
//     ("trustee.export/v1"), described below; the portable format.
//   - [Export.WriteCSV]: one row per record, for spreadsheets.
//   - [Export.WriteZIP]: a ZIP with export.json, records.csv, consents.csv,
//     every blob decrypted under blobs/, and README.txt explaining the files
//     in English and Chinese. Blobs are streamed from the blob store into
//     the archive, each read audited as "blob.read".
//   - [Explain]: Markdown explaining, for the fields held, what is
//     processed, why, on which legal basis, shared with whom, kept how long,
//     which automated decisions use them and how to ask for review. Its
//     sections are rendered by the policy package, so they say exactly what
//     the published policy says.
//   - [Push]: the JSON export POSTed to another controller, signed with
//     Standard Webhooks headers.
//
// # The trustee.export/v1 schema
//
// The JSON document is an object with these members; times are RFC 3339
// in UTC, members marked optional are left out when empty.
//
//	schema        "trustee.export/v1"
//	tenant        the tenant's id
//	subject       the subject's pseudonymous id
//	generated_at  when the export was built
//	declaration   {"id", "version"} of the declaration Processing comes from (optional)
//	records       [{"id", "field", "purpose", "collected_at", "value",
//	                "encoding" (optional: "base64" when the value is not UTF-8 text),
//	                "device" (optional), "region" (optional)}], in collection order
//	consents      [{"seq", "receipt_id", "purpose", "kind", "action", "channel",
//	                "declaration_version", "notice_hash", "at"}], in ledger order;
//	                receipt_id is the id of the consent receipt the subject was given
//	requests      [{"id", "type", "state", "created_at", "updated_at", "due_at" (optional)}]
//	blobs         [{"id", "field", "purpose", "content_type", "size", "created_at", "file"}];
//	                file is the blob's path in the ZIP
//	processing    [{"field", "label", "category", "category_label", "sensitive",
//	                "declared", "purposes", "recipients", "transfers", "retention",
//	                "automated_decisions"}], one per field held; see [Processing]
//
// Labels are objects {"en", "zh"}. Arrays are never null: an empty section
// is []. New optional members may be added within v1; a change that
// removes or redefines a member makes a new schema name.
//
// # Personal data
//
// Values appear only in the output written for the subject. [Record] and
// [Export] redact themselves when logged or formatted, and no error of
// this package holds a value, a label of the subject's data, or a push
// endpoint's URL (its query may hold a token).
package export
