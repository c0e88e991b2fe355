package rights

import (
	"slices"

	"github.com/trustee-dev/trustee/internal/store"
)

// SortByDeadline orders requests as staff work on them: open requests
// first, earliest deadline first (those without a deadline after them),
// then answered ones; ties by id, i.e. by arrival.
func SortByDeadline(list []store.Request) {
	slices.SortStableFunc(list, func(a, b store.Request) int {
		if fa, fb := Final(a.State), Final(b.State); fa != fb {
			if fa {
				return 1
			}
			return -1
		}
		switch az, bz := a.DueAt.IsZero(), b.DueAt.IsZero(); {
		case az && !bz:
			return 1
		case !az && bz:
			return -1
		case !az && !bz:
			if c := a.DueAt.Compare(b.DueAt); c != 0 {
				return c
			}
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
}
