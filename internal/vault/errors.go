package vault

import (
	"errors"

	"github.com/trustee-dev/trustee/internal/store"
)

// Errors that callers test with errors.Is. The vault also passes on the
// store's ([store.ErrNotFound], [store.ErrConflict], [store.ErrInvalid])
// and the key manager's ([keys.ErrDecrypt], [keys.ErrShredded],
// [keys.ErrInvalidValue]). No error text holds a value.
var (
	// ErrErased: the subject has been erased; its values are gone.
	ErrErased = errors.New("vault: subject has been erased")
	// ErrRestricted: the subject restricted processing of its data, and
	// the read's reason is not one that restriction allows.
	ErrRestricted = errors.New("vault: subject has restricted processing")
	// ErrBanned: the tenant banned the account; its data is kept but read
	// only for the reasons a restriction allows (the subject's own
	// request, a legal claim or obligation).
	ErrBanned = errors.New("vault: subject is banned")
)

// invalid returns the error for input the vault refuses, naming the field
// at fault; it wraps [store.ErrInvalid], like the store's own, so that one
// mapping turns both into a client error.
func invalid(field, reason string) error {
	return &store.InvalidError{Field: field, Reason: reason}
}
