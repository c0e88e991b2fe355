// Package keys holds trustee's key hierarchy: the root key, per-tenant
// key-encryption keys (KEKs), per-subject data keys (DEKs), envelope
// encryption of values and streams, blind indexes, key rotation and
// crypto-shredding.
//
// # Key hierarchy
//
//	root key (a [secrets.Keeper]: key file, Vault, AWS KMS)
//	 ├── tenant KEK, versions 1..n   (AES-256, wrapped by the root; one active)
//	 │    └── subject DEK            (AES-256, wrapped by a KEK version)
//	 └── tenant index key            (HMAC key material, wrapped by the root)
//
// A value is sealed with its subject's DEK ([Manager.Seal]) using AES-256-GCM
// with a random 96-bit nonce. The associated data binds the ciphertext to its
// tenant, subject, field and record id ([Ref]): a ciphertext copied to another
// row, field, subject or tenant fails to open with [ErrDecrypt]. The sealed
// form is a version byte, the nonce and the GCM ciphertext with its tag.
//
// Keys wrapped by the root carry their tenant, purpose and version inside the
// wrapped payload, and DEKs are wrapped by AES-GCM with the tenant, subject and
// KEK version as associated data, so a wrapped key moved to another row of the
// key store is refused too.
//
// Tenants are provisioned with [Manager.EnsureTenant], which creates the
// tenant's first KEK and its index key. Sealing, indexing or rotating for a
// tenant without keys fails with [ErrNoTenantKey]. A subject's DEK is created
// on first [Manager.Seal] (or [Manager.EncryptStream]).
//
// # Root key
//
// [OpenRoot] opens the root key by URL:
//
//   - file:///abs/path/root.key — trustee's default: a local file holding a
//     base64-encoded 32-byte key. It is created on first use (mode 0600, in a
//     directory created 0700) and reused afterwards; trustee refuses to start
//     when the file is readable or writable by group or others. Keep it on a
//     different disk, and in different backups, from the data database.
//   - base64key://KEY — a key given inline (gocloud.dev/secrets/localsecrets);
//     base64key:// with no key makes a random one. For tests.
//   - hashivault://KEYNAME — HashiCorp Vault's transit engine
//     (gocloud.dev/secrets/hashivault; VAULT_SERVER_URL, VAULT_SERVER_TOKEN).
//   - awskms://KEY-ID-OR-ALIAS?region=R — AWS KMS (gocloud.dev/secrets/awskms).
//
// # Key store
//
// Wrapped keys live in a [KeyStore] apart from the data database, opened with
// [OpenKeyStore]: by default a SQLite file keys.db beside the root key file
// ([DefaultKeyStoreURL]), outside the data directory; with PostgreSQL, a
// separate database or schema (postgres://...?search_path=trustee_keys). The
// data database and its backups hold only ciphertexts, so deleting a subject's
// DEK from the key store makes that subject unreadable in every copy and every
// backup of the data database at once. Migrations are embedded per dialect
// and run on open.
//
// The SQLite key store runs with secure_delete on, so a deleted DEK's bytes are
// overwritten in the file rather than left in free pages. With PostgreSQL, a
// deleted row's bytes remain on disk until vacuum reclaims them; leave
// autovacuum on for the key store.
//
// # Crypto-shredding
//
// [Manager.Shred] erases a subject: in one key-store transaction it deletes
// the subject's DEK (one indexed delete) and records a destroyed-subject
// marker, so the key is never silently re-created. Its cost does not depend on
// how many records the subject has: it never touches records. Afterwards
// [Manager.Seal], [Manager.Open] and the stream methods fail with
// [ErrShredded]. Purging the now unreadable rows is the data store's job, in
// the background.
//
// # Caching
//
// Unwrapped DEKs are cached in memory per (tenant, subject), in a cache of
// bounded size ([WithCacheSize]). [Manager.Shred] drops the subject from this
// node's cache at once. Other nodes learn of the shred when their cached entry
// expires: every entry is re-checked against the key store after a short TTL
// ([WithCacheTTL], default 30s). Within that window another node could still
// open the subject's values, so data reads must also check the subject's
// status in the data store, where an erased subject is marked for every node
// at once.
//
// # Rotation
//
// [Manager.RotateTenant] makes a new KEK version active and re-wraps every DEK
// of the tenant under it, in batches; data is not re-encrypted. Old KEK
// versions stay in the key store (inactive) so a DEK created by a node that
// had not yet seen the rotation still opens. [Manager.RotateRoot] re-wraps
// every tenant KEK and index key under a new root key; it can be re-run if it
// stops halfway. Afterwards every node must be restarted with the new root
// key URL.
//
// # Blind indexes
//
// [Manager.BlindIndex] computes a keyed HMAC-SHA256, truncated to 16 bytes, of
// a normalised value, so equality lookups work on encrypted fields. The key is
// derived (HKDF-SHA256) per tenant and field from the tenant's index key,
// which is not a KEK and is never rotated by [Manager.RotateTenant]: an index
// stays stable for the life of the tenant.
//
// # Streams
//
// [Manager.EncryptStream] and [Manager.DecryptStream] encrypt blobs (voice,
// video) as a stream with Tink's AES-GCM-HKDF streaming AEAD (segments of
// 64 KiB, each authenticated, the last one marked, so tampering, reordering and
// truncation are all detected). The stream key is derived with HKDF from the
// subject's DEK and the [Ref], and never leaves this package.
//
// # Secrets in logs
//
// No type here prints key material: [Manager] and the internal key types
// format as "REDACTED" and implement [log/slog.LogValuer]. Errors never carry
// plaintext or key bytes.
//
// # Concurrency
//
// A [Manager] and the key stores returned by [OpenKeyStore] are safe for
// concurrent use.
package keys
