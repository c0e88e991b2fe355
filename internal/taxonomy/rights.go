package taxonomy

// Right is a right of the data subject, such as "access" or "delete".
// Rights requests name one of these.
type Right struct {
	// ID is the stable identifier, e.g. "portability".
	ID          string `json:"id"`
	Label       Label  `json:"label"`
	Description Label  `json:"description"`
	// Articles cites the provisions that grant the right, e.g.
	// "PIPL 47; GDPR 17; CCPA 1798.105".
	Articles string `json:"articles"`
}

// Rights returns every right, in a stable order.
func Rights() []Right { return data.rights.all() }

// LookupRight returns the right with the given ID.
func LookupRight(id string) (Right, bool) { return data.rights.get(id) }

// RefusalReason is one of the fixed reasons for which a rights request may
// be refused (LAW.md; seeds 000 and 002). A refusal always names one, and
// the subject is told its Explanation.
type RefusalReason struct {
	// ID is the stable identifier, e.g. "trade_secrets".
	ID    string `json:"id"`
	Label Label  `json:"label"`
	// Explanation is the text shown to the data subject.
	Explanation Label `json:"explanation"`
}

// RefusalReasons returns every refusal reason, in a stable order.
func RefusalReasons() []RefusalReason { return data.refusals.all() }

// LookupRefusalReason returns the refusal reason with the given ID.
func LookupRefusalReason(id string) (RefusalReason, bool) { return data.refusals.get(id) }

// MajorChange is a kind of policy change that the seed policies call major:
// a new version with such a change must be notified prominently and needs
// fresh consent.
type MajorChange struct {
	// ID is "purpose_or_processing", "controller", "recipients", "rights",
	// "contact" or "impact_assessment".
	ID    string `json:"id"`
	Label Label  `json:"label"`
}

// MajorChanges returns the six kinds of major change, in the seeds' order.
func MajorChanges() []MajorChange { return data.majorChanges.all() }

// LookupMajorChange returns the major-change kind with the given ID.
func LookupMajorChange(id string) (MajorChange, bool) { return data.majorChanges.get(id) }

func (d *db) checkRequests(c *checker) {
	for _, r := range d.rights.items {
		c.labels("rights.json", r.ID, map[string]Label{"label": r.Label, "description": r.Description})
		if r.Articles == "" {
			c.add("rights.json", r.ID, "no articles")
		}
	}
	for _, r := range d.refusals.items {
		c.labels("refusal_reasons.json", r.ID, map[string]Label{"label": r.Label, "explanation": r.Explanation})
	}
	for _, m := range d.majorChanges.items {
		c.labels("major_changes.json", m.ID, map[string]Label{"label": m.Label})
	}
}
