package calendar

import "time"

// day is a civil date, counted in days from 1970-01-01. Working-day
// arithmetic runs on days rather than on time.Time so that counting a
// deadline is integer steps and map look-ups.
type day int64

const secondsPerDay = 24 * 60 * 60

// civil returns the day of the date y-m-d (normalized as time.Date does).
func civil(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// dayOf returns the date of t as t's own location reports it.
func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return civil(y, m, d)
}

// date returns the year, month and day of d.
func (d day) date() (int, time.Month, int) {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
}

func (d day) year() int {
	y, _, _ := d.date()
	return y
}

// weekday returns d's day of the week (1970-01-01 was a Thursday).
func (d day) weekday() time.Weekday {
	return time.Weekday(((int64(d)+int64(time.Thursday))%7 + 7) % 7)
}

// endIn returns the last second of d in loc: 23:59:59.
func (d day) endIn(loc *time.Location) time.Time {
	y, m, dd := d.date()
	return time.Date(y, m, dd, 23, 59, 59, 0, loc)
}

// String returns d as YYYY-MM-DD.
func (d day) String() string {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Format(time.DateOnly)
}
