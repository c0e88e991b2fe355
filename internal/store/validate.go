package store

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
)

// Limits on the strings the store accepts.
const (
	// MaxIDLen is the longest id, in bytes, of a tenant, subject, blob or
	// request.
	MaxIDLen = 200
	// MaxNameLen is the longest field, purpose, type, state or other name.
	MaxNameLen = 128
	// MaxTextLen is the longest free-form value (object key, content type,
	// device, region, channel, text hash, tenant name).
	MaxTextLen = 1024
	// MaxIndexLen is the longest blind index, in bytes.
	MaxIndexLen = 64
)

// Precision is the resolution at which the store keeps times: every time is
// stored in UTC, truncated to the microsecond (PostgreSQL's resolution), so
// that both backends return exactly what they stored.
const Precision = time.Microsecond

// checkID accepts a non-empty id of at most MaxIDLen bytes of valid UTF-8
// without control characters.
func checkID(field, s string) error {
	switch {
	case s == "":
		return invalid(field, "required")
	case len(s) > MaxIDLen:
		return invalid(field, "longer than "+strconv.Itoa(MaxIDLen)+" bytes")
	}
	return checkText(field, s, MaxIDLen)
}

// checkText accepts an optional value of at most max bytes of valid UTF-8
// without control characters.
func checkText(field, s string, max int) error {
	if len(s) > max {
		return invalid(field, "longer than "+strconv.Itoa(max)+" bytes")
	}
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return invalid(field, "contains a control character")
		}
	}
	return nil
}

// checkName accepts a non-empty name made of ASCII letters, digits and
// "._-:/", starting with a letter or digit.
func checkName(field, s string) error {
	if s == "" {
		return invalid(field, "required")
	}
	if len(s) > MaxNameLen {
		return invalid(field, "longer than "+strconv.Itoa(MaxNameLen)+" bytes")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-' || c == ':' || c == '/'):
		default:
			return invalid(field, "must be letters, digits and . _ - : / (starting with a letter or digit)")
		}
	}
	return nil
}

// CheckRecordID reports whether id is a record id: a UUIDv7 in canonical
// lower-case form, so that ids sort in creation order.
func CheckRecordID(field, id string) error {
	if id == "" {
		return invalid(field, "required")
	}
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return invalid(field, "not a UUID in canonical lower-case form")
	}
	if u.Version() != 7 {
		return invalid(field, "not a version 7 UUID")
	}
	return nil
}

// stamp returns t in UTC at the store's precision, or now when t is zero.
func stamp(field string, t, now time.Time) (time.Time, error) {
	if t.IsZero() {
		t = now
	}
	t = t.UTC().Truncate(Precision)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, invalid(field, "year outside 1..9999")
	}
	return t, nil
}

// optStamp is stamp for an optional time: zero stays zero.
func optStamp(field string, t time.Time) (time.Time, error) {
	if t.IsZero() {
		return t, nil
	}
	return stamp(field, t, time.Time{})
}

// Norm returns t as the store keeps it: in UTC, truncated to [Precision].
// The zero time stays zero.
func Norm(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(Precision)
}

// CheckCheckpoint checks a checkpoint before a backend stores it and
// returns it as stored: At stamped with now when zero, at [Precision].
func CheckCheckpoint(c audit.Checkpoint, now time.Time) (audit.Checkpoint, error) {
	if c.Size < 0 {
		return c, invalid("checkpoint.size", "negative")
	}
	if len(c.Note) == 0 {
		return c, invalid("checkpoint.note", "required")
	}
	var err error
	c.At, err = stamp("checkpoint.at", c.At, now)
	return c, err
}
