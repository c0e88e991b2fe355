package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// Unit is the unit of a [Period].
type Unit string

// Period units. Working days count only the working days of a calendar
// (weekends and public holidays excluded, official adjusted working days
// included); the rest are calendar units.
const (
	Hours       Unit = "hours"
	Days        Unit = "days"
	WorkingDays Unit = "working days"
	Weeks       Unit = "weeks"
	Months      Unit = "months"
	Years       Unit = "years"
)

var unitNames = map[string]Unit{
	"hour": Hours, "hours": Hours, "h": Hours,
	"day": Days, "days": Days, "d": Days,
	"working day": WorkingDays, "working days": WorkingDays, "wd": WorkingDays,
	"business day": WorkingDays, "business days": WorkingDays,
	"week": Weeks, "weeks": Weeks, "w": Weeks,
	"month": Months, "months": Months, "mo": Months,
	"year": Years, "years": Years, "y": Years,
}

// Period is a length of time in the law's own units: "72 hours", "7 days",
// "15 working days", "1 month", "3 years". The zero Period means "at once".
type Period struct {
	N    int
	Unit Unit
	// bad holds the error of a value that did not parse. Decoding never
	// fails on a period, so that the check pass can report the error with
	// its position in the file.
	bad string
}

// ParsePeriod parses "N unit".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "0" {
		return Period{}, nil
	}
	num, rest, ok := strings.Cut(s, " ")
	if !ok {
		// "7d", "72h"
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return Period{}, fmt.Errorf("period %q: want a number and a unit, such as \"7 days\" or \"15 working days\"", s)
		}
		num, rest = s[:i], s[i:]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return Period{}, fmt.Errorf("period %q: %q is not a whole non-negative number", s, num)
	}
	u, ok := unitNames[strings.Join(strings.Fields(rest), " ")]
	if !ok {
		return Period{}, fmt.Errorf("period %q: unknown unit %q (use hours, days, working days, weeks, months or years)", s, rest)
	}
	return Period{N: n, Unit: u}, nil
}

// IsZero reports whether the period is empty (at once).
func (p Period) IsZero() bool { return p.N == 0 }

// String returns the period in its canonical form, such as "15 working days".
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	u := string(p.Unit)
	if p.N == 1 {
		u = strings.TrimSuffix(u, "s")
	}
	return strconv.Itoa(p.N) + " " + u
}

// Text returns the period in words in lang ("en" or "zh").
func (p Period) Text(lang string) string {
	if lang != "zh" {
		return p.String()
	}
	zh := map[Unit]string{Hours: "小时", Days: "天", WorkingDays: "个工作日", Weeks: "周", Months: "个月", Years: "年"}
	return strconv.Itoa(p.N) + zh[p.Unit]
}

// AddCalendar adds the period to t in calendar units. Working days cannot be
// added without a calendar: AddCalendar reports ok=false for them.
func (p Period) AddCalendar(t time.Time) (time.Time, bool) {
	switch p.Unit {
	case Hours:
		return t.Add(time.Duration(p.N) * time.Hour), true
	case Days:
		return t.AddDate(0, 0, p.N), true
	case Weeks:
		return t.AddDate(0, 0, 7*p.N), true
	case Months:
		return t.AddDate(0, p.N, 0), true
	case Years:
		return t.AddDate(p.N, 0, 0), true
	case "":
		return t, true
	}
	return t, false
}

// Approx returns the period's approximate length, for ordering and
// comparison only (a month is 30 days, a working day 1.4 days).
func (p Period) Approx() time.Duration {
	day := 24 * time.Hour
	switch p.Unit {
	case Hours:
		return time.Duration(p.N) * time.Hour
	case Days:
		return time.Duration(p.N) * day
	case WorkingDays:
		return time.Duration(p.N) * day * 7 / 5
	case Weeks:
		return time.Duration(p.N) * 7 * day
	case Months:
		return time.Duration(p.N) * 30 * day
	case Years:
		return time.Duration(p.N) * 365 * day
	}
	return 0
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		*p = Period{bad: err.Error()}
		return nil
	}
	*p = v
	return nil
}

// Err returns the parse error of a period decoded from bad text, or nil.
func (p Period) Err() error {
	if p.bad == "" {
		return nil
	}
	return errors.New(p.bad)
}

// JSONSchema describes a Period in the published JSON Schema.
func (Period) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Pattern:     `^\s*[0-9]+\s*(hours?|days?|working days?|business days?|weeks?|months?|years?|h|d|wd|w|mo|y)\s*$`,
		Description: `A length of time: "72 hours", "7 days", "15 working days", "1 month", "3 years".`,
		Examples:    []any{"15 working days", "7 days", "1 month"},
	}
}

// Date is a calendar date, written YYYY-MM-DD.
type Date struct {
	time.Time
	bad string
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, nil
	}
	return []byte(d.Format(time.DateOnly)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(string(b)))
	if err != nil {
		*d = Date{bad: fmt.Sprintf("date %q: want YYYY-MM-DD, such as 2025-05-29", string(b))}
		return nil
	}
	*d = Date{Time: t}
	return nil
}

// Err returns the parse error of a date decoded from bad text, or nil.
func (d Date) Err() error {
	if d.bad == "" {
		return nil
	}
	return errors.New(d.bad)
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// JSONSchema describes a Date in the published JSON Schema.
func (Date) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Format: "date", Description: "A date, YYYY-MM-DD."}
}
