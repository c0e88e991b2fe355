package calendar

import (
	"errors"
	"fmt"
	"maps"
	"time"
)

// MaxWorkingDays is the largest count [Calendar.AddWorkingDays] accepts:
// about forty years, far beyond any deadline the law sets.
const MaxWorkingDays = 10000

// ErrNotCovered is matched (with errors.Is) by the error returned when a
// count of working days reaches a year the calendar has no data for. The
// error itself is a [*NotCoveredError] naming the calendar and the year.
var ErrNotCovered = errors.New("calendar: year not covered by the calendar's data")

// NotCoveredError reports a count of working days that reached a year the
// calendar has no holiday data for.
type NotCoveredError struct {
	Calendar    string // the calendar's id, such as "CN"
	Year        int    // the first uncovered year the count reached
	First, Last int    // the years the calendar covers
}

func (e *NotCoveredError) Error() string {
	return fmt.Sprintf("calendar %s has no holiday data for %d (it covers %s): add that year's official holidays and adjusted working days",
		e.Calendar, e.Year, yearRange(e.First, e.Last))
}

// Is reports whether target is [ErrNotCovered].
func (e *NotCoveredError) Is(target error) bool { return target == ErrNotCovered }

func yearRange(first, last int) string {
	if first > last {
		return "no year"
	}
	if first == last {
		return fmt.Sprint(first)
	}
	return fmt.Sprintf("%d to %d", first, last)
}

// entry is a day a calendar lists: a holiday (work false) or an adjusted
// working day (work true).
type entry struct {
	work bool
	name string
	line int // the line of the file that listed it; 0 when computed
}

// Calendar tells working days from days off. It is immutable and safe for
// concurrent use; build one with [Load], [Parse] or [Calendar.Merge].
type Calendar struct {
	id, name string
	loc      *time.Location
	weekend  [7]bool
	// bounded is false for a calendar that covers every year (it lists no
	// holidays that could run out); otherwise it covers first..last.
	bounded     bool
	first, last int
	lo, hi      day // first and last covered day, when bounded
	days        map[day]entry
}

// ID returns the calendar's id, such as "CN" or a tenant's own.
func (c *Calendar) ID() string { return c.id }

// Name returns the calendar's name in words.
func (c *Calendar) Name() string { return c.name }

// Location returns the time zone whose days the calendar counts.
func (c *Calendar) Location() *time.Location { return c.loc }

// Years returns the first and last year the calendar's data covers; ok is
// false for a calendar that covers every year.
func (c *Calendar) Years() (first, last int, ok bool) {
	return c.first, c.last, c.bounded
}

// WithLocation returns a copy of c that counts the days of loc: a deadline
// then ends at 23:59:59 there.
func (c *Calendar) WithLocation(loc *time.Location) *Calendar {
	cp := *c
	cp.loc = loc
	return &cp
}

// Covers reports whether the calendar's data covers the year of t (in the
// calendar's time zone).
func (c *Calendar) Covers(t time.Time) bool {
	return c.covers(dayOf(t.In(c.loc)))
}

func (c *Calendar) covers(d day) bool {
	return !c.bounded || (d >= c.lo && d <= c.hi)
}

func (c *Calendar) notCovered(d day) error {
	return &NotCoveredError{Calendar: c.id, Year: d.year(), First: c.first, Last: c.last}
}

// IsWorkingDay reports whether the day of t, in the calendar's time zone, is
// a working day: an adjusted working day, or a day outside the weekend that
// is not a holiday. In a year the calendar does not cover ([Calendar.Covers]
// is false) it knows only the weekend and reports that.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(dayOf(t.In(c.loc)))
}

func (c *Calendar) working(d day) bool {
	if e, ok := c.days[d]; ok {
		return e.work
	}
	return !c.weekend[d.weekday()]
}

// AddWorkingDays returns the deadline n working days after t: the end
// (23:59:59, in the calendar's time zone) of the nth working day after the
// day of t. The day of t never counts, whatever the hour: a request verified
// on a Friday evening in China with 1 working day to answer is due at the end
// of the next working day, which may be an adjusted Sunday. With n = 0 it
// returns the end of the day of t.
//
// It fails with a [*NotCoveredError] (matching [ErrNotCovered]) when the
// count reaches a year the calendar does not cover, and for n below 0 or
// above [MaxWorkingDays].
func (c *Calendar) AddWorkingDays(t time.Time, n int) (time.Time, error) {
	if n < 0 || n > MaxWorkingDays {
		return time.Time{}, fmt.Errorf("calendar %s: cannot add %d working days (want 0 to %d)", c.id, n, MaxWorkingDays)
	}
	d := dayOf(t.In(c.loc))
	for k := 0; k < n; {
		d++
		if !c.covers(d) {
			return time.Time{}, c.notCovered(d)
		}
		if c.working(d) {
			k++
		}
	}
	return d.endIn(c.loc), nil
}

// WorkingDaysBetween returns the number of working days after the day of a
// up to and including the day of b (days in the calendar's time zone), or
// minus the number from b to a when b is before a. For n >= 1 working days
// between them, AddWorkingDays(a, n) is the end of the last working day on
// or before the day of b.
//
// It fails with a [*NotCoveredError] when the span reaches a year the
// calendar does not cover.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	da, db := dayOf(a.In(c.loc)), dayOf(b.In(c.loc))
	sign := 1
	if db < da {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da + 1; d <= db; d++ {
		if !c.covers(d) {
			return 0, c.notCovered(d)
		}
		if c.working(d) {
			n++
		}
	}
	return sign * n, nil
}

// Merge returns a calendar that lays overlay over c: each day overlay lists
// (a company day off, or a day the company works) replaces what c says of
// it. The result keeps c's time zone and weekend, covers the years both
// cover, and has the id "c+overlay", such as "CN+acme". Neither c nor overlay
// changes.
func (c *Calendar) Merge(overlay *Calendar) *Calendar {
	m := &Calendar{
		id:      c.id + "+" + overlay.id,
		name:    c.name + ", with " + overlay.name,
		loc:     c.loc,
		weekend: c.weekend,
		days:    make(map[day]entry, len(c.days)+len(overlay.days)),
	}
	maps.Copy(m.days, c.days)
	maps.Copy(m.days, overlay.days)
	switch {
	case c.bounded && overlay.bounded:
		m.bounded, m.first, m.last = true, max(c.first, overlay.first), min(c.last, overlay.last)
		if m.first > m.last {
			// Nothing is covered by both: an empty range that every day misses.
			m.lo, m.hi = 1, 0
			return m
		}
	case c.bounded:
		m.bounded, m.first, m.last = true, c.first, c.last
	case overlay.bounded:
		m.bounded, m.first, m.last = true, overlay.first, overlay.last
	}
	if m.bounded {
		m.lo, m.hi = civil(m.first, time.January, 1), civil(m.last, time.December, 31)
	}
	return m
}
