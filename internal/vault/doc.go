// Package vault is where personal data lives: it composes the store
// (package store, on SQLite or PostgreSQL), the key hierarchy (package
// keys), encrypted blobs (package blobs) and the tamper-evident audit log
// (package audit) into the operations every feature writes and reads
// through. Nothing outside the vault sees a value in clear except the
// caller it is returned to.
//
// # Opening
//
// [Open] takes URLs for the database, the root key, the key store and the
// blob store, and the path of the audit signing key. Empty ones default to
// the embedded set-up under [Options.DataDir] (./trustee-data): a SQLite
// database in db/, the root key, key store and audit key in keys/ (files
// 0600, directories 0700), blobs in blobs/. Everything is created on first
// start. The key store is a database of its own, apart from the data
// database: a copy of the data database alone cannot be decrypted.
//
// # Writes and audit
//
// Every mutation is one [store.Store.Write] that appends its audit
// entries in the same transaction. Entries carry ids, field names, counts
// and SHA-256 digests of record ids: never a value, a blind index or a
// digest of a value. Reads of values ([Vault.Records], [Vault.GetBlob])
// are audited too, with a [Reason] from a fixed list, and so are refusals.
// Key rotation happens in the key store, a separate database, so its audit
// entry follows the rotation rather than sharing its transaction.
//
// # Erasure
//
// [Vault.Shred] erases a subject in three steps: (1) one transaction marks
// the subject erased and appends "subject.shred", so every node refuses its
// reads at once; (2) the subject's data key is destroyed in the key store
// (crypto-shredding: O(1), whatever the record count), so every copy of
// its values and blobs, in every backup, is unreadable; (3) its rows and
// blobs are purged and "subject.purge" records the counts. A shred stopped
// between steps is finished by [Vault.ReconcileShreds], which [Open] runs.
//
// # Subject status
//
// Values of an erased subject cannot be read or written ([ErrErased]).
// Values of a restricted subject (PIPL Art. 44, GDPR Art. 18 and 21) are
// kept but not read ([ErrRestricted]) unless the [Reason] is one the law
// still allows: answering the subject's own request, or a legal claim or
// obligation ([Reason.AllowedWhenRestricted]).
//
// # Personal data in logs and errors
//
// [Value] and [Record] hold values in clear; they redact themselves in
// logs (slog.LogValuer) and when formatted with fmt. Error texts name
// tenants, subjects, record ids, field names and positions, never values.
// The tests write unique marker values through every operation, with debug
// logging on, and check that no marker appears in logs, errors or the
// audit log.
//
// # Concurrency
//
// A Vault is safe for concurrent use.
package vault
