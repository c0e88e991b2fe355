package store

import (
	"errors"
	"slices"
	"strconv"
	"testing"
)

func TestAllPages(t *testing.T) {
	items := make([]int, 2500)
	for i := range items {
		items[i] = i
	}
	calls := 0
	got, err := AllPages(func(p Page) ([]int, string, error) {
		calls++
		from := 0
		if p.After != "" {
			from, _ = strconv.Atoi(p.After)
		}
		to := min(from+p.Limit, len(items))
		next := ""
		if to < len(items) {
			next = strconv.Itoa(to)
		}
		return items[from:to], next, nil
	})
	if err != nil || !slices.Equal(got, items) || calls != 3 {
		t.Errorf("AllPages: %d items in %d calls, %v", len(got), calls, err)
	}
	boom := errors.New("boom")
	if _, err := AllPages(func(Page) ([]int, string, error) { return nil, "", boom }); !errors.Is(err, boom) {
		t.Errorf("error not returned: %v", err)
	}
}
