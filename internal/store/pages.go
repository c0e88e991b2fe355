package store

// AllPages calls list with successive pages of [MaxLimit] items, from the
// first, until it returns no next page, and returns every item in order.
// Use it inside one Read, so that the pages come from one snapshot.
func AllPages[T any](list func(p Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := Page{Limit: MaxLimit}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.After = next
	}
}
