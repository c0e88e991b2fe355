package collect

import (
	"context"
	"slices"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// maxIdentified bounds the subjects Identify returns: a contact shared by
// more subjects than that identifies none of them.
const maxIdentified = 16

// Identify returns the tenant's subjects, sorted, holding value in a field
// the declaration makes searchable with lookup ("email", "phone" or
// "identifier"), through the blind index: the value itself is never
// stored or compared in clear. It is how a requester who is not logged in
// (a one-time code sent to an address, an authorised agent's verified
// claims) is matched to the subject the data is about. None is not an
// error; more than a few (a shared contact) give none, since they cannot
// tell who asks.
func Identify(ctx context.Context, v *vault.Vault, d *policy.Declaration, tenant, lookup, value string) ([]string, error) {
	kind := LookupOf(lookup)
	if d == nil || value == "" || lookup == "" {
		return nil, nil
	}
	var out []string
	for _, f := range d.Fields {
		if f.Lookup != lookup {
			continue
		}
		p := store.Page{Limit: store.MaxLimit}
		for {
			ms, next, err := v.FindByIndex(ctx, tenant, f.ID, kind, value, p)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if !slices.Contains(out, m.Subject) {
					out = append(out, m.Subject)
				}
			}
			if next == "" || len(out) > maxIdentified {
				break
			}
			p.After = next
		}
		if len(out) > maxIdentified {
			return nil, nil
		}
	}
	slices.Sort(out)
	return out, nil
}
