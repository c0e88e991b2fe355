package keys

import "errors"

// Errors returned by the [Manager]; test for them with [errors.Is]. None of
// them ever carries plaintext or key bytes.
var (
	// ErrShredded reports that the subject's data key has been destroyed: its
	// values can no longer be sealed or opened.
	ErrShredded = errors.New("keys: subject's data key has been shredded")

	// ErrDecrypt reports a ciphertext that does not open: tampered, truncated,
	// sealed for another tenant, subject, field or record, or with no data key
	// for its subject.
	ErrDecrypt = errors.New("keys: cannot decrypt")

	// ErrNoTenantKey reports a tenant without keys: call
	// [Manager.EnsureTenant] first.
	ErrNoTenantKey = errors.New("keys: tenant has no key")

	// ErrInvalidValue reports a value that cannot be normalised for a blind
	// index (an unparseable phone number, an empty identifier). The error
	// names the field, never the value.
	ErrInvalidValue = errors.New("keys: invalid value")
)

// Errors of the [KeyStore] contract: a KeyStore returns them, the [Manager]
// acts on them.
var (
	// ErrNoSubjectKey reports that a subject has no data key yet (and has not
	// been shredded).
	ErrNoSubjectKey = errors.New("keys: subject has no data key")

	// ErrKEKNotActive reports an attempt to store a data key wrapped by a KEK
	// version that is no longer the tenant's active one.
	ErrKEKNotActive = errors.New("keys: KEK version is not active")

	// ErrKeyConflict reports a key version that already exists, typically
	// two rotations of one tenant at once.
	ErrKeyConflict = errors.New("keys: key version conflict")
)
