package taxonomy

import "strings"

// Jurisdictions, the values of [Region.Jurisdiction].
const (
	JurisdictionCN    = "cn"    // mainland China: PIPL
	JurisdictionEU    = "eu"    // the EU and the EEA: GDPR
	JurisdictionUS    = "us"    // the United States, with state laws such as the CCPA
	JurisdictionOther = "other" // every other place, each its own country or territory
)

// Region is a country, territory or economic area where data is stored or
// to which it is transferred.
type Region struct {
	// ID is an ISO 3166-1 alpha-2 code ("CN", "HK", "DE"), "EU" for the
	// European Economic Area as one, or "US-CA" for California.
	ID    string `json:"id"`
	Label Label  `json:"label"`
	// Jurisdiction is [JurisdictionCN], [JurisdictionEU], [JurisdictionUS]
	// or [JurisdictionOther].
	Jurisdiction string `json:"jurisdiction"`
	// Parent is the region this one lies within for transfers ("EU" for
	// the EEA member states, "US" for "US-CA"), "" for none.
	Parent string `json:"parent,omitempty"`
}

// Regions returns every region, in a stable order.
func Regions() []Region { return data.regions.all() }

// LookupRegion returns the region with the given ID. Case does not matter:
// "us-ca" finds "US-CA".
func LookupRegion(id string) (Region, bool) {
	return data.regions.get(strings.ToUpper(strings.TrimSpace(id)))
}

// CrossBorder reports whether moving data from region from to region to
// crosses a border: true when the two lie in different jurisdictions or
// different countries. Mainland China and Hong Kong are different regions
// (CN→HK is cross-border under PIPL), while the EEA is one area: DE→EU,
// EU→DE and DE→FR are not cross-border, nor is US→US-CA. A region the
// taxonomy does not know counts as a country of its own, so a transfer
// between two different unknown IDs is cross-border. Case does not matter.
func CrossBorder(from, to string) bool {
	return area(from) != area(to)
}

// area returns the ID of the largest region containing id.
func area(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	if r, ok := data.regions.get(id); ok && r.Parent != "" {
		return r.Parent
	}
	return id
}

func (d *db) checkRegions(c *checker) {
	const file = "regions.json"
	for _, r := range d.regions.items {
		c.labels(file, r.ID, map[string]Label{"label": r.Label})
		if r.ID != strings.ToUpper(r.ID) {
			c.add(file, r.ID, "id must be upper case")
		}
		switch r.Jurisdiction {
		case JurisdictionCN, JurisdictionEU, JurisdictionUS, JurisdictionOther:
		default:
			c.add(file, r.ID, "unknown jurisdiction %q", r.Jurisdiction)
		}
		if r.Parent == "" {
			continue
		}
		i, ok := d.regions.index[r.Parent]
		switch {
		case !ok:
			c.add(file, r.ID, "unknown parent %q", r.Parent)
		case d.regions.items[i].Parent != "":
			c.add(file, r.ID, "parent %q has a parent itself", r.Parent)
		case d.regions.items[i].Jurisdiction != r.Jurisdiction:
			c.add(file, r.ID, "jurisdiction differs from parent %q", r.Parent)
		}
	}
}
