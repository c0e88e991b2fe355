package calendar

import (
	"maps"
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/us"
)

// libHoliday is a day off a library computed for a year.
type libHoliday struct {
	year  int
	month time.Month
	day   int
	name  string
}

// libraries are the holiday sources a calendar file names on its library
// line: rules computed by github.com/rickar/cal/v2, the standard Go holiday
// library, for the countries it serves well. China is not among them: its
// holidays follow the lunar calendar and a yearly State Council notice, so
// its table is data (data/CN.cal).
var libraries = map[string]func(year int) []libHoliday{
	// The eleven federal holidays of 5 U.S.C. 6103, on their observed days.
	"us-federal": observed(us.Holidays),
	// The bank holidays of England and Wales.
	"gb-england-wales": observed(gb.Holidays),
}

// Libraries returns the names a calendar file may use on its library line.
func Libraries() []string {
	return slices.Sorted(maps.Keys(libraries))
}

// observed returns the days the holidays are observed on in a year: the day
// off, which for a holiday on a weekend is its substitute day.
func observed(hs []*cal.Holiday) func(int) []libHoliday {
	return func(year int) []libHoliday {
		out := make([]libHoliday, 0, len(hs))
		for _, h := range hs {
			_, obs := h.Calc(year)
			if obs.IsZero() {
				continue // not held that year
			}
			y, m, d := obs.Date()
			out = append(out, libHoliday{year: y, month: m, day: d, name: h.Name})
		}
		return out
	}
}
