package taxonomy

// Purpose is a common purpose of processing, such as "customer_service".
// Declarations may define their own purposes; these are the ones trustee
// knows how to label and render in both languages.
type Purpose struct {
	// ID is the stable identifier, e.g. "push_notification".
	ID          string `json:"id"`
	Label       Label  `json:"label"`
	Description Label  `json:"description"`
}

// Purposes returns every purpose, in a stable order.
func Purposes() []Purpose { return data.purposes.all() }

// LookupPurpose returns the purpose with the given ID.
func LookupPurpose(id string) (Purpose, bool) { return data.purposes.get(id) }

func (d *db) checkPurposes(c *checker) {
	for _, p := range d.purposes.items {
		c.labels("purposes.json", p.ID, map[string]Label{"label": p.Label, "description": p.Description})
	}
}
