package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// This file holds the rules about what data is processed, for what and
// where it goes: categories, fields, retention, sensitive data, minors,
// permissions, recipients and transfers.

// fieldCategory: every declared category holds a field; a field's
// identifier belongs to the field's category. (That every field names a
// declared category is checked by Parse.)
func (l *linter) fieldCategory() {
	used := map[string]bool{}
	for _, f := range l.d.Fields {
		used[f.Category] = true
	}
	for i, c := range l.d.Categories {
		if !used[c.ID] {
			l.add(ruleFieldCategory, fmt.Sprintf("$.categories[%d]", i),
				"declare the fields of the category, or remove it",
				"category %q has no field: the policy would name data it never collects", c.ID)
		}
	}
	for i, f := range l.d.Fields {
		if f.Identifier == "" {
			continue
		}
		id, ok := taxonomy.LookupIdentifier(f.Identifier)
		c, _, okc := l.category(f.Category)
		if !ok || !okc || id.Category == lintTaxonomyID(c) {
			continue
		}
		l.add(ruleFieldCategory, fmt.Sprintf("$.fields[%d].category", i),
			"put the field in a category whose taxonomy is "+quote(id.Category),
			"field %q holds identifier %q, which is %q data, but its category %q is %q data", f.ID, f.Identifier, id.Category, c.ID, lintTaxonomyID(c))
	}
}

// fieldUsed: every field is collected by at least one function, for at
// least one purpose.
func (l *linter) fieldUsed() {
	for i, f := range l.d.Fields {
		switch purposes, ok := l.processed[f.ID]; {
		case !ok:
			l.add(ruleFieldUsed, fmt.Sprintf("$.fields[%d]", i),
				"add the field to the fields: of the function that collects it, or remove it",
				"field %q is collected by no function", f.ID)
		case len(purposes) == 0:
			l.add(ruleFieldUsed, fmt.Sprintf("$.fields[%d]", i),
				"give the functions that collect it their purposes:",
				"field %q is collected for no purpose", f.ID)
		}
	}
}

// retention: every category is covered by a retention rule, for every
// purpose each of its fields is processed for (PIPL 19; GDPR 5(1)(e)).
func (l *linter) retention() {
	covers := func(field, cat, purpose string) bool {
		for _, r := range l.d.Retention {
			if !slices.Contains(r.Categories, cat) && (field == "" || !slices.Contains(r.Fields, field)) {
				continue
			}
			if purpose == "" || len(r.Purposes) == 0 || slices.Contains(r.Purposes, purpose) {
				return true
			}
		}
		return false
	}
	for i, c := range l.d.Categories {
		var fields, gaps []string
		for _, f := range l.d.Fields {
			if f.Category != c.ID {
				continue
			}
			fields = append(fields, f.ID)
			if len(l.processed[f.ID]) == 0 {
				if !covers(f.ID, c.ID, "") {
					gaps = append(gaps, quote(f.ID))
				}
				continue
			}
			for _, p := range l.d.Purposes {
				if l.processed[f.ID][p.ID] && !covers(f.ID, c.ID, p.ID) {
					gaps = append(gaps, quote(f.ID)+" for "+quote(p.ID))
				}
			}
		}
		path := fmt.Sprintf("$.categories[%d]", i)
		hint := "add a retention rule with `categories: [" + c.ID + "]`, a duration, a trigger and an action"
		switch {
		case len(fields) == 0 && !covers("", c.ID, ""):
			l.add(ruleRetention, path, hint, "category %q has no retention rule", c.ID)
		case len(gaps) > 0:
			l.add(ruleRetention, path, hint, "category %q has no retention rule for %s", c.ID, strings.Join(gaps, ", "))
		}
	}
}

// sensitive: consent-based processing of sensitive data needs separate
// consent (PIPL 29; GDPR 9(2)(a) explicit consent), and a sensitive
// category states its necessity and impact and names its impact
// assessment (PIPL 28, 30, 55).
func (l *linter) sensitive() {
	for i, c := range l.d.Categories {
		_, tc, _ := l.category(c.ID)
		if !lintSensitive(c, tc) {
			continue
		}
		var missing []string
		if c.Necessity.IsZero() {
			missing = append(missing, "necessity (PIPL 28, 30)")
		}
		if c.Impact.IsZero() {
			missing = append(missing, "impact (PIPL 30)")
		}
		if strings.TrimSpace(c.ImpactAssessment) == "" {
			missing = append(missing, "impact_assessment (PIPL 55)")
		}
		if len(missing) > 0 {
			l.add(ruleSensitiveConsent, fmt.Sprintf("$.categories[%d]", i),
				"state why the data is necessary and its effect on the subject, and reference the personal information protection impact assessment that covers it",
				"sensitive category %q lacks %s", c.ID, strings.Join(missing, ", "))
		}
	}
	for i, p := range l.d.Purposes {
		// A purpose asking no consent while relying on it is legal-basis's
		// concern; separate and guardian consent are enough.
		if p.Consent != ConsentConsent {
			continue
		}
		pipl := l.laws[taxonomy.LawPIPL] && lintConsentBasis(taxonomy.LawPIPL, p.Basis.PIPL)
		gdpr := l.laws[taxonomy.LawGDPR] && lintConsentBasis(taxonomy.LawGDPR, p.Basis.GDPR)
		if !pipl && !gdpr {
			continue
		}
		var cats []string
		for _, c := range l.d.Categories {
			_, tc, _ := l.category(c.ID)
			// Children's data is minors-guardian's concern.
			if lintMinor(tc) || !slices.Contains(l.purposesOfCategory(c.ID), p.ID) {
				continue
			}
			if pipl && lintSensitive(c, tc) || gdpr && tc.GDPRSpecial {
				cats = append(cats, c.ID)
			}
		}
		if len(cats) > 0 {
			l.add(ruleSensitiveConsent, fmt.Sprintf("$.purposes[%d].consent", i),
				"set `consent: separate`, so the gate asks for this purpose on its own",
				"purpose %q processes sensitive data (%s) on consent, which must be separate consent, not %q", p.ID, lintList(cats), p.Consent)
		}
	}
}

// minors: guardian consent for children's data and lawful age thresholds
// (PIPL 31; GDPR 8).
func (l *linter) minors() {
	for i, p := range l.d.Purposes {
		if p.Consent == ConsentGuardian || p.Consent == ConsentNone {
			continue
		}
		var cats []string
		for _, c := range l.d.Categories {
			if _, tc, _ := l.category(c.ID); lintMinor(tc) && slices.Contains(l.purposesOfCategory(c.ID), p.ID) {
				cats = append(cats, c.ID)
			}
		}
		if len(cats) > 0 {
			l.add(ruleMinorsGuardian, fmt.Sprintf("$.purposes[%d].consent", i),
				"set `consent: guardian`: a parent or guardian consents for a child under 14",
				"purpose %q processes data of children under 14 (%s) on consent, which must be the guardian's (PIPL 31)", p.ID, lintList(cats))
		}
	}
	m := l.d.Minors
	floor := func(path string, minimum, guardian, want int, law string) {
		// Under the minimum age the product refuses the subject outright,
		// so guardian consent is needed only between the two.
		if age := max(minimum, guardian); age < want {
			l.add(ruleMinorsGuardian, path,
				fmt.Sprintf("set guardian_consent_below, or minimum_age, to at least %d", want),
				"a guardian's consent is needed only below %d, but %s requires it below %d", age, law, want)
		}
	}
	if l.laws[taxonomy.LawPIPL] {
		floor("$.minors.guardian_consent_below", m.MinimumAge, m.GuardianConsentBelow, 14, "PIPL 31")
	}
	if l.laws[taxonomy.LawGDPR] {
		floor("$.minors.guardian_consent_below", m.MinimumAge, m.GuardianConsentBelow, 13, "GDPR 8")
	}
	for i, ra := range m.Regions {
		r, ok := taxonomy.LookupRegion(ra.Region)
		if !ok {
			continue
		}
		minimum := m.MinimumAge
		if ra.MinimumAge != 0 {
			minimum = ra.MinimumAge
		}
		path := fmt.Sprintf("$.minors.regions[%d].guardian_consent_below", i)
		switch {
		case r.Jurisdiction == taxonomy.JurisdictionCN && l.laws[taxonomy.LawPIPL]:
			floor(path, minimum, ra.GuardianConsentBelow, 14, "PIPL 31")
		case r.Jurisdiction == taxonomy.JurisdictionEU && l.laws[taxonomy.LawGDPR]:
			floor(path, minimum, ra.GuardianConsentBelow, 13, "GDPR 8")
		}
	}
	if m.Statement.IsZero() {
		l.add(ruleMinorsGuardian, "$.minors.statement",
			"add `statement:` saying how the product treats minors and their guardians",
			"the policy says nothing about minors")
	}
}

// permissions: each OS permission and its functions list each other, its
// fields are collected by its functions, and a permission that exposes
// personal information names the fields it gates.
func (l *linter) permissions() {
	for i, fn := range l.d.Functions {
		for j, pid := range fn.Permissions {
			k, ok := l.perms[pid]
			if ok && !slices.Contains(l.d.Permissions[k].Functions, fn.ID) {
				l.add(rulePermission, fmt.Sprintf("$.functions[%d].permissions[%d]", i, j),
					fmt.Sprintf("add %q to the functions: of permission %q", fn.ID, pid),
					"function %q uses permission %q, which does not list it back", fn.ID, pid)
			}
		}
	}
	for i, pm := range l.d.Permissions {
		path := fmt.Sprintf("$.permissions[%d]", i)
		if len(pm.Functions) == 0 {
			l.add(rulePermission, path, "list the functions that need the permission under functions:, or remove it",
				"permission %q is tied to no function", pm.ID)
		}
		for j, fid := range pm.Functions {
			k, ok := l.functions[fid]
			if ok && !slices.Contains(l.d.Functions[k].Permissions, pm.ID) {
				l.add(rulePermission, fmt.Sprintf("%s.functions[%d]", path, j),
					fmt.Sprintf("add %q to the permissions: of function %q", pm.ID, fid),
					"permission %q names function %q, which does not list it", pm.ID, fid)
			}
		}
		for j, f := range pm.Fields {
			if len(pm.Functions) == 0 {
				break // reported above
			}
			collected := false
			for _, fid := range pm.Functions {
				if k, ok := l.functions[fid]; ok && slices.Contains(l.d.Functions[k].Fields, f) {
					collected = true
					break
				}
			}
			if !collected {
				l.add(rulePermission, fmt.Sprintf("%s.fields[%d]", path, j),
					fmt.Sprintf("add %q to the fields: of one of the permission's functions", f),
					"permission %q gates field %q, which none of its functions collects", pm.ID, f)
			}
		}
		// An explicit `fields: []` states that the permission gates nothing
		// the product collects (storage written to, never read).
		if _, declared := l.doc.pos[path+".fields"]; declared || len(pm.Fields) > 0 {
			continue
		}
		var exposed []string
		for _, names := range [][]string{pm.Android, pm.IOS, pm.HarmonyOS} {
			for _, n := range names {
				if tp, ok := taxonomy.LookupPermission(n); ok {
					for _, c := range tp.Categories {
						if !slices.Contains(exposed, c) {
							exposed = append(exposed, c)
						}
					}
				}
			}
		}
		if len(exposed) > 0 {
			l.add(rulePermission, path,
				"list the fields it gives access to under fields:, so the gate stops collecting them while it is off; or write `fields: []` if the product collects none of them",
				"permission %q exposes %s data but does not say which fields it gates", pm.ID, lintList(exposed))
		}
	}
}

// recipients: a recipient gets only fields collected for its purposes, and
// one outside every storage region is covered by a declared transfer.
func (l *linter) recipients() {
	for i, r := range l.d.Recipients {
		path := fmt.Sprintf("$.recipients[%d]", i)
		for j, f := range r.Fields {
			ok := false
			for _, p := range r.Purposes {
				if l.processed[f][p] {
					ok = true
					break
				}
			}
			if !ok {
				l.add(ruleRecipientFields, fmt.Sprintf("%s.fields[%d]", path, j),
					"collect the field in a function serving one of the recipient's purposes, or stop sharing it",
					"recipient %q receives field %q, which is not collected for any of its purposes (%s)", r.ID, f, strings.Join(r.Purposes, ", "))
			}
		}
		if !l.outside(r.Region) {
			continue
		}
		ts := l.transfersFor(r)
		if len(ts) == 0 {
			l.add(ruleRecipientFields, path+".region",
				fmt.Sprintf("declare a transfer under storage.transfers with `to: %s` and `recipient: %s`", r.Region, r.ID),
				"recipient %q is in %s, outside the storage regions (%s), and no transfer covers it", r.ID, r.Region, strings.Join(l.d.Storage.Regions, ", "))
			continue
		}
		for j, f := range r.Fields {
			if !slices.ContainsFunc(ts, func(t Transfer) bool { return slices.Contains(t.Fields, f) }) {
				l.add(ruleRecipientFields, fmt.Sprintf("%s.fields[%d]", path, j),
					fmt.Sprintf("add %q to the fields: of the transfer to %s", f, r.Region),
					"recipient %q in %s receives field %q, which no transfer declares", r.ID, r.Region, f)
			}
		}
	}
}

// outside reports whether region lies across a border from every storage
// region.
func (l *linter) outside(region string) bool {
	if len(l.d.Storage.Regions) == 0 {
		return false
	}
	for _, s := range l.d.Storage.Regions {
		if !taxonomy.CrossBorder(s, region) {
			return false
		}
	}
	return true
}

// transfersFor returns the transfers that carry data to recipient r: those
// naming it, and those to its region naming no recipient.
func (l *linter) transfersFor(r Recipient) []Transfer {
	var out []Transfer
	for _, t := range l.d.Storage.Transfers {
		if t.Recipient == r.ID || t.Recipient == "" && !taxonomy.CrossBorder(t.To, r.Region) {
			out = append(out, t)
		}
	}
	return out
}

// Transfer mechanisms by the law whose territory the data leaves.
var (
	lintPIPLMechanisms = []string{"security_assessment", "standard_contract", "certification"}
	lintGDPRMechanisms = []string{"adequacy", "scc", "bcr", "derogation"}
)

// crossBorder: transfers have separate consent (PIPL 39) and a mechanism of
// the law they leave (PIPL 38; GDPR 45-49); a PIPL product storing outside
// mainland China declares the transfer.
func (l *linter) crossBorder() {
	pipl, gdpr := l.laws[taxonomy.LawPIPL], l.laws[taxonomy.LawGDPR]
	leaves := func(jurisdiction, to string) bool {
		for _, s := range l.d.Storage.Regions {
			if r, ok := taxonomy.LookupRegion(s); ok && r.Jurisdiction == jurisdiction && taxonomy.CrossBorder(s, to) {
				return true
			}
		}
		return false
	}
	for i, t := range l.d.Storage.Transfers {
		path := fmt.Sprintf("$.storage.transfers[%d]", i)
		if pipl && t.Consent != ConsentSeparate {
			l.add(ruleCrossBorder, path+".consent", "set `consent: separate`",
				"transfer %q to %s needs separate consent under PIPL 39, not %q", t.ID, t.To, t.Consent)
		}
		switch {
		case pipl && leaves(taxonomy.JurisdictionCN, t.To) && !slices.Contains(lintPIPLMechanisms, t.Mechanism):
			l.add(ruleCrossBorder, path+".mechanism", "use one of: "+strings.Join(lintPIPLMechanisms, ", "),
				"transfer %q leaves mainland China on %q, which is not a PIPL 38 mechanism", t.ID, t.Mechanism)
		case gdpr && leaves(taxonomy.JurisdictionEU, t.To) && !slices.Contains(lintGDPRMechanisms, t.Mechanism):
			l.add(ruleCrossBorder, path+".mechanism", "use one of: "+strings.Join(lintGDPRMechanisms, ", "),
				"transfer %q leaves the EEA on %q, which is not a GDPR 45-49 mechanism", t.ID, t.Mechanism)
		}
	}
	if pipl {
		for i, r := range l.d.Recipients {
			// A recipient covered by a transfer has its consent checked
			// there.
			if !l.outside(r.Region) || r.Consent == ConsentSeparate || len(l.transfersFor(r)) > 0 {
				continue
			}
			l.add(ruleCrossBorder, fmt.Sprintf("$.recipients[%d].consent", i), "set `consent: separate` on the recipient or its transfer",
				"recipient %q in %s receives data across the border without separate consent (PIPL 39)", r.ID, r.Region)
		}
		for i, s := range l.d.Storage.Regions {
			if !taxonomy.CrossBorder("CN", s) {
				continue
			}
			if !slices.ContainsFunc(l.d.Storage.Transfers, func(t Transfer) bool { return !taxonomy.CrossBorder(t.To, s) }) {
				l.add(ruleCrossBorder, fmt.Sprintf("$.storage.regions[%d]", i),
					fmt.Sprintf("declare a transfer under storage.transfers with `to: %s`, a mechanism and separate consent", s),
					"data is stored in %s, outside mainland China, but no transfer to %s is declared (PIPL 38-39)", s, s)
			}
		}
	}
}
