package taxonomy

import "slices"

// Identifier is a kind of device or online identifier, such as "imei" or
// "idfa". Identifiers matter because they link records to one device across
// apps and over time; which of them an SDK reads is a frequent finding of
// regulators.
type Identifier struct {
	// ID is the stable identifier, e.g. "android_id".
	ID          string `json:"id"`
	Label       Label  `json:"label"`
	Description Label  `json:"description"`
	// Category is the ID of the [Category] the identifier belongs to.
	Category string `json:"category"`
	// Persistent is true when the identifier survives uninstalling and
	// reinstalling the app.
	Persistent bool `json:"persistent,omitempty"`
	// Resettable is true when the user can reset or turn off the
	// identifier without a factory reset.
	Resettable bool `json:"resettable,omitempty"`
	// Hardware is true when the identifier is tied to hardware (the device,
	// its SIM card or a network interface).
	Hardware bool `json:"hardware,omitempty"`
	// Platforms lists the operating systems that expose the identifier
	// ("android", "ios", "harmonyos"); empty means all of them.
	Platforms []string `json:"platforms,omitempty"`
	// Permissions lists IDs of [Permission]s that gate reading the
	// identifier on one platform or another (any one suffices on its OS).
	Permissions []string `json:"permissions,omitempty"`
}

func (id Identifier) clone() Identifier {
	id.Platforms = slices.Clone(id.Platforms)
	id.Permissions = slices.Clone(id.Permissions)
	return id
}

// Identifiers returns every identifier, in a stable order.
func Identifiers() []Identifier { return data.identifiers.all() }

// LookupIdentifier returns the identifier with the given ID.
func LookupIdentifier(id string) (Identifier, bool) { return data.identifiers.get(id) }

func (d *db) checkIdentifiers(c *checker) {
	const file = "identifiers.json"
	for _, id := range d.identifiers.items {
		c.labels(file, id.ID, map[string]Label{"label": id.Label, "description": id.Description})
		if _, ok := d.categories.index[id.Category]; !ok {
			c.add(file, id.ID, "unknown category %q", id.Category)
		}
		for _, os := range id.Platforms {
			if !validOS(os) {
				c.add(file, id.ID, "unknown platform %q", os)
			}
		}
		for _, p := range id.Permissions {
			if _, ok := d.permissions.index[p]; !ok {
				c.add(file, id.ID, "unknown permission %q", p)
			}
		}
	}
}
