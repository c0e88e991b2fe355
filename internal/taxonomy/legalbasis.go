package taxonomy

// Laws whose legal bases the taxonomy knows, the values of [LegalBasis.Law].
const (
	LawPIPL = "pipl" // China's Personal Information Protection Law, Art. 13
	LawGDPR = "gdpr" // EU General Data Protection Regulation, Art. 6(1)
	LawCCPA = "ccpa" // California Consumer Privacy Act as amended by the CPRA
)

// LegalBasis is a lawful basis for processing under one law, such as PIPL
// Art. 13(1) consent or GDPR Art. 6(1)(f) legitimate interests. IDs are unique
// within a law, and the same ID names the closest counterpart in another law
// ("consent", "contract", "legal_obligation").
type LegalBasis struct {
	// ID is the identifier within Law, e.g. "legitimate_interests".
	ID string `json:"id"`
	// Law is [LawPIPL], [LawGDPR] or [LawCCPA].
	Law string `json:"law"`
	// Article cites the provision within the law, e.g. "13(2)", "6(1)(b)".
	Article     string `json:"article"`
	Label       Label  `json:"label"`
	Description Label  `json:"description"`
	// IsConsent is true for bases that rest on the individual's consent,
	// which must then be recorded and can be withdrawn.
	IsConsent bool `json:"is_consent,omitempty"`
}

// LegalBases returns the legal bases of law ("pipl", "gdpr" or "ccpa"), in
// the order the law lists them, or nil for a law the taxonomy does not know.
func LegalBases(law string) []LegalBasis {
	var out []LegalBasis
	for _, b := range data.legalBases.items {
		if b.Law == law {
			out = append(out, b)
		}
	}
	return out
}

// LookupLegalBasis returns the legal basis id of law.
func LookupLegalBasis(law, id string) (LegalBasis, bool) {
	return data.legalBases.get(law + "/" + id)
}

func (d *db) checkLegalBases(c *checker) {
	const file = "legal_bases.json"
	for _, b := range d.legalBases.items {
		c.labels(file, b.Law+"/"+b.ID, map[string]Label{"label": b.Label, "description": b.Description})
		switch b.Law {
		case LawPIPL, LawGDPR, LawCCPA:
		default:
			c.add(file, b.ID, "unknown law %q", b.Law)
		}
		if b.Article == "" {
			c.add(file, b.Law+"/"+b.ID, "no article")
		}
	}
}
