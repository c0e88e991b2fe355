package keys

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// BlindIndexSize is the length of a blind index: HMAC-SHA256 truncated to
// 128 bits.
const BlindIndexSize = 16

// Normalization says how a value is brought to a canonical form before it
// is indexed, so that equal values written differently index the same.
type Normalization int

// The normalisations.
const (
	// NormNone indexes the value exactly as given.
	NormNone Normalization = iota
	// NormEmail trims spaces and lower-cases the whole address.
	NormEmail
	// NormPhone parses the number and indexes its E.164 form; numbers
	// without a country code are read in the region set by
	// [WithPhoneRegion].
	NormPhone
	// NormIdentifier trims, upper-cases and strips spaces, hyphens, colons
	// and dots, so every usual notation of an IMEI or a MAC address (with
	// hyphens, colons or Cisco dots) indexes the same.
	NormIdentifier
)

// String returns the normalisation's name.
func (n Normalization) String() string {
	switch n {
	case NormNone:
		return "none"
	case NormEmail:
		return "email"
	case NormPhone:
		return "phone"
	case NormIdentifier:
		return "identifier"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// normalize brings value to n's canonical form. Errors name the field and
// never the value.
func normalize(n Normalization, field, value, region string) (string, error) {
	switch n {
	case NormNone:
		return value, nil
	case NormEmail:
		v := strings.ToLower(strings.TrimSpace(value))
		if v == "" {
			return "", fmt.Errorf("%w: field %q: empty email address", ErrInvalidValue, field)
		}
		return v, nil
	case NormPhone:
		num, err := phonenumbers.Parse(value, region)
		if err != nil || !phonenumbers.IsPossibleNumber(num) {
			// phonenumbers' errors are fixed texts, but the value must never
			// reach an error: say only that it is not a phone number.
			return "", fmt.Errorf("%w: field %q: not a valid phone number (region %q)", ErrInvalidValue, field, region)
		}
		return phonenumbers.Format(num, phonenumbers.E164), nil
	case NormIdentifier:
		v := strings.Map(func(r rune) rune {
			switch {
			case r == '-' || r == ':' || r == '.' || unicode.IsSpace(r):
				return -1
			}
			return unicode.ToUpper(r)
		}, value)
		if v == "" {
			return "", fmt.Errorf("%w: field %q: empty identifier", ErrInvalidValue, field)
		}
		return v, nil
	}
	return "", fmt.Errorf("keys: field %q: unknown normalisation %d", field, int(n))
}

// BlindIndex returns the blind index of value in the tenant's field: the
// value is normalised as kind says, then HMAC-SHA256 is computed with a key
// derived (HKDF-SHA256) from the tenant's index key and the field name, and
// truncated to [BlindIndexSize] bytes. Equal values give equal indexes, for
// the life of the tenant and on every node; different tenants or fields give
// unrelated indexes. A value that cannot be normalised fails with
// [ErrInvalidValue], naming the field but not the value.
func (m *Manager) BlindIndex(ctx context.Context, tenant, field string, kind Normalization, value string) ([]byte, error) {
	if tenant == "" || field == "" {
		return nil, errors.New("keys: BlindIndex: empty tenant or field")
	}
	v, err := normalize(kind, field, value, m.opt.region)
	if err != nil {
		return nil, err
	}
	key, err := m.indexKey(ctx, tenant, field)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(v))
	var sum [sha256.Size]byte
	return mac.Sum(sum[:0])[:BlindIndexSize:BlindIndexSize], nil
}

// indexLabel is the HKDF info prefix of per-field index keys.
const indexLabel = "trustee/blind-index/v1"

// indexKey returns the HMAC key of the tenant's field.
func (m *Manager) indexKey(ctx context.Context, tenant, field string) (secret, error) {
	id := indexID{tenant, field}
	if k, ok := m.indexes.get(id); ok {
		return k, nil
	}
	ik, err := m.ks.IndexKey(ctx, tenant)
	if err != nil {
		return nil, err
	}
	m.rootMu.RLock()
	root, err := unwrapRoot(ctx, m.root, tenant, purposeIndex, 1, ik.Wrapped)
	m.rootMu.RUnlock()
	if err != nil {
		return nil, err
	}
	info := appendField(appendField([]byte(indexLabel), tenant), field)
	k, err := hkdf.Key(sha256.New, root, nil, string(info), keySize)
	clear(root)
	if err != nil {
		return nil, fmt.Errorf("keys: derive index key: %w", err)
	}
	m.indexes.put(id, secret(k), nil)
	return k, nil
}
