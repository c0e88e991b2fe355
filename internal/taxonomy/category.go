package taxonomy

// Category is a category of personal information, such as "contact" or
// "biometric_face". Declarations assign every field to one category.
type Category struct {
	// ID is the stable identifier, e.g. "location_precise".
	ID string `json:"id"`
	// Label names the category; Description says what it covers.
	Label       Label `json:"label"`
	Description Label `json:"description"`
	// Sensitive marks sensitive personal information under PIPL Art. 28:
	// processing it needs a specific purpose, sufficient necessity, strict
	// protection and separate consent (PIPL Art. 28-29).
	Sensitive bool `json:"sensitive,omitempty"`
	// SensitiveKind names the Art. 28 kind that makes the category
	// sensitive, one of the IDs of [SensitiveKinds]: "biometrics",
	// "religion", "specific_identity", "health", "financial_account",
	// "location_track" or "minor_under_14". It is "" when Sensitive is false.
	SensitiveKind string `json:"sensitive_kind,omitempty"`
	// GDPRSpecial marks a special category of personal data under GDPR
	// Art. 9, which needs one of the conditions of Art. 9(2).
	GDPRSpecial bool `json:"gdpr_special,omitempty"`
	// SensitiveGBT marks categories that GB/T 35273-2020 Annex B lists as
	// sensitive, a wider list than Art. 28's named kinds (precise location,
	// address book, transaction records, ...). It is advisory: lint may warn,
	// but only Sensitive is enforced.
	SensitiveGBT bool `json:"sensitive_gbt,omitempty"`
}

// Categories returns every data category, in a stable order.
func Categories() []Category { return data.categories.all() }

// LookupCategory returns the category with the given ID.
func LookupCategory(id string) (Category, bool) { return data.categories.get(id) }

// SensitiveKind is one of the seven kinds of sensitive personal information
// that PIPL Art. 28 names. [Category.SensitiveKind] holds its ID.
type SensitiveKind struct {
	// ID is "biometrics", "religion", "specific_identity", "health",
	// "financial_account", "location_track" or "minor_under_14".
	ID    string `json:"id"`
	Label Label  `json:"label"`
}

// SensitiveKinds returns the seven kinds of PIPL Art. 28, in the order the
// article lists them.
func SensitiveKinds() []SensitiveKind { return data.sensitiveKinds.all() }

// LookupSensitiveKind returns the sensitive kind with the given ID.
func LookupSensitiveKind(id string) (SensitiveKind, bool) { return data.sensitiveKinds.get(id) }

func (d *db) checkCategories(c *checker) {
	const file = "categories.json"
	for _, k := range d.sensitiveKinds.items {
		c.labels("sensitive_kinds.json", k.ID, map[string]Label{"label": k.Label})
	}
	for _, cat := range d.categories.items {
		c.labels(file, cat.ID, map[string]Label{"label": cat.Label, "description": cat.Description})
		switch {
		case cat.Sensitive && cat.SensitiveKind == "":
			c.add(file, cat.ID, "sensitive category needs a sensitive_kind")
		case !cat.Sensitive && cat.SensitiveKind != "":
			c.add(file, cat.ID, "sensitive_kind %q on a category that is not sensitive", cat.SensitiveKind)
		case cat.Sensitive:
			if _, ok := d.sensitiveKinds.index[cat.SensitiveKind]; !ok {
				c.add(file, cat.ID, "unknown sensitive_kind %q", cat.SensitiveKind)
			}
		}
	}
}
