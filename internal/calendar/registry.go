package calendar

import (
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	// The calendars name IANA time zones; embed the zone database so that
	// they load on a machine without one (a scratch container).
	_ "time/tzdata"
)

//go:embed data/*.cal
var dataFS embed.FS

// ErrUnknownCalendar is returned by [Load] for an id that is not a built-in
// calendar's.
var ErrUnknownCalendar = errors.New("calendar: unknown calendar")

// builtin maps each built-in id to its file, parsed once on first use.
var builtin = map[string]func() (*Calendar, error){
	"CN": loader("CN"),
	"US": loader("US"),
	"GB": loader("GB"),
	"EU": loader("EU"),
}

func loader(id string) func() (*Calendar, error) {
	return sync.OnceValues(func() (*Calendar, error) {
		data, err := dataFS.ReadFile("data/" + id + ".cal")
		if err != nil {
			return nil, err
		}
		return parse(id, data)
	})
}

// IDs returns the ids of the built-in calendars, sorted.
func IDs() []string {
	return slices.Sorted(maps.Keys(builtin))
}

// Load returns the built-in calendar with the given id (case does not
// matter): CN, US, GB or EU. The calendar is shared, which is safe because a
// Calendar never changes.
func Load(id string) (*Calendar, error) {
	load, ok := builtin[strings.ToUpper(id)]
	if !ok {
		return nil, fmt.Errorf("%w %q (built in: %s; a tenant's own calendar comes from Parse)", ErrUnknownCalendar, id, strings.Join(IDs(), ", "))
	}
	return load()
}
