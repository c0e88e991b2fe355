package store

import (
	"errors"
	"strings"
)

// Errors that callers test with [errors.Is]. Backends wrap them with detail
// (which entity, which id); the wrapped text never holds personal data.
var (
	// ErrNotFound: the entity (tenant, subject, record, request, API key,
	// declaration version, link...) does not exist in the tenant named, or
	// an entity refers to one that does not.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: an entity with the same id already exists in the tenant
	// (for an API key, in the instance; for a declaration version, one
	// with the same Version), or the link already exists.
	ErrConflict = errors.New("store: already exists")
	// ErrUnaudited: a transaction changed data without appending an audit
	// entry; [Store.Write] rolled it back.
	ErrUnaudited = errors.New("store: mutation without an audit entry")
	// ErrInvalid is wrapped by every [*InvalidError].
	ErrInvalid = errors.New("store: invalid input")
	// ErrTxBroken: an earlier call in the same transaction failed in a way
	// that left the transaction unusable; [Store.Write] rolls it back.
	ErrTxBroken = errors.New("store: transaction already failed")
)

// InvalidError reports input the store refuses, naming the field at fault
// ("record[3].purpose", "page.after"). Reason says what is wrong without
// repeating the value, so the error can be shown and logged safely.
type InvalidError struct {
	Field  string
	Reason string
}

// Error returns "store: invalid <field>: <reason>".
func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("store: invalid ")
	b.WriteString(e.Field)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *InvalidError) Unwrap() error { return ErrInvalid }

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }
