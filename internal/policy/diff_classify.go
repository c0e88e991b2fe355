package policy

import (
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// The six kinds of major change (taxonomy.MajorChanges).
const (
	majorProcessing = "purpose_or_processing"
	majorController = "controller"
	majorRecipients = "recipients"
	majorRights     = "rights"
	majorContact    = "contact"
	majorImpact     = "impact_assessment"
)

// diffRule classifies the changes whose shape matches.
type diffRule struct {
	// shape is matched segment by segment (segments split at "."): "*"
	// matches one segment, "**" any number of them.
	shape string
	// kinds lists the change kinds the rule applies to; "" for all.
	kinds string
	// item is the major-change id; "" makes the change minor.
	item string
	// when, if set, must also hold.
	when func(*diffCtx, *rawChange) bool
	what string
}

// diffRules is the classification table documented on [Diff]. The first
// rule that matches decides; no match means minor.
var diffRules = []diffRule{
	{shape: "version", what: "version label changed"},
	{shape: "effective", what: "effective date changed"},
	{shape: "updated", what: "update date changed"},
	{shape: "**.label.*", what: "wording of a label changed"},
	{shape: "**.hours.*", what: "wording of opening hours changed"},

	{shape: "controller.name.*", item: majorController, what: "the controller's name changed"},
	{shape: "controller.country", item: majorController, what: "the controller's country changed"},
	{shape: "product.role", item: majorController, what: "the product's role (controller or entrusted party) changed"},

	{shape: "controller.contacts[]", kinds: "added removed", item: majorContact, what: "the controller's contacts changed"},
	{shape: "controller.department.contacts[]", kinds: "added removed", item: majorContact, what: "the responsible department's contacts changed"},
	{shape: "controller.department.name.*", item: majorContact, what: "the responsible department was renamed"},
	{shape: "controller.complaint.**", item: majorContact, what: "the complaint channel changed"},
	{shape: "controller.representative", item: majorContact, what: "the EU representative changed"},
	{shape: "controller.representative.kind", item: majorContact, what: "the EU representative's contact changed"},
	{shape: "controller.representative.value", item: majorContact, what: "the EU representative's contact changed"},

	{shape: "categories[]", kinds: "added", item: majorProcessing, what: "a new category of data is processed"},
	{shape: "categories[].taxonomy", item: majorProcessing, what: "the kind of data in a category changed"},
	{shape: "categories[].sensitive", item: majorProcessing, when: diffBecomesTrue, what: "a category is now sensitive data"},
	{shape: "categories[].impact_assessment", item: majorImpact, when: diffSensitiveAssessment, what: "a new impact assessment covers sensitive data"},
	{shape: "fields[]", kinds: "added", item: majorProcessing, what: "a new field is declared"},
	{shape: "fields[].category", item: majorProcessing, what: "a field moved to another category"},
	{shape: "fields[].source", item: majorProcessing, what: "a field is obtained another way"},
	{shape: "fields[].identifier", item: majorProcessing, when: diffNewSet, what: "a field holds another device identifier"},
	{shape: "fields[].hashing", item: majorProcessing, when: diffHashingWeakened, what: "a field is no longer hashed"},

	{shape: "purposes[]", kinds: "added", item: majorProcessing, what: "a new purpose"},
	{shape: "purposes[]", kinds: "removed", item: majorProcessing, what: "a purpose was removed"},
	{shape: "purposes[].basis.note.*", what: "wording of a basis note changed"},
	{shape: "purposes[].basis.*", item: majorProcessing, what: "a purpose's legal basis changed"},
	{shape: "purposes[].consent", item: majorProcessing, what: "the consent a purpose asks for changed"},
	{shape: "purposes[].sale_or_share", item: majorProcessing, when: diffBecomesTrue, what: "a purpose now sells or shares personal information"},

	{shape: "functions[]", kinds: "added", item: majorProcessing, what: "a new function processes data"},
	{shape: "functions[].purposes", kinds: "added", item: majorProcessing, what: "a function serves a new purpose"},
	{shape: "functions[].fields", kinds: "added", item: majorProcessing, what: "a function collects a new field"},
	{shape: "functions[].permissions", kinds: "added", item: majorProcessing, what: "a function uses a new permission"},
	{shape: "functions[].kind", item: majorProcessing, when: diffFunctionMandatory, what: "a function became core or third-party"},
	{shape: "functions[].background", item: majorProcessing, when: diffBecomesTrue, what: "a function now also runs in the background"},

	{shape: "permissions[]", kinds: "added", item: majorProcessing, what: "a new OS permission is requested"},
	{shape: "permissions[].android", kinds: "added", item: majorProcessing, what: "a new Android permission is requested"},
	{shape: "permissions[].ios", kinds: "added", item: majorProcessing, what: "a new iOS permission is requested"},
	{shape: "permissions[].harmonyos", kinds: "added", item: majorProcessing, what: "a new HarmonyOS permission is requested"},
	{shape: "permissions[].fields", kinds: "added", item: majorProcessing, what: "a permission exposes a new field"},

	{shape: "automated_decisions[]", kinds: "added", item: majorProcessing, what: "a new automated decision or personalisation"},
	{shape: "automated_decisions[].kind", item: majorProcessing, what: "the kind of an automated decision changed"},
	{shape: "automated_decisions[].purposes", kinds: "added", item: majorProcessing, what: "an automated decision serves a new purpose"},
	{shape: "automated_decisions[].fields", kinds: "added", item: majorProcessing, what: "an automated decision uses a new field"},
	{shape: "automated_decisions[].opt_out", item: majorProcessing, when: diffBecomesFalse, what: "the opt-out of an automated decision was removed"},
	{shape: "automated_decisions[].human_review", item: majorProcessing, when: diffBecomesFalse, what: "human review of an automated decision was removed"},
	{shape: "automated_decisions[].significant_effect", item: majorProcessing, when: diffBecomesTrue, what: "an automated decision now has a significant effect"},

	{shape: "retention[]", kinds: "removed", item: majorProcessing, what: "a retention rule was removed"},
	{shape: "retention[].duration", item: majorProcessing, when: diffLonger, what: "data is kept longer"},
	{shape: "retention[].trigger", item: majorProcessing, what: "the event retention counts from changed"},
	{shape: "retention[].action", item: majorProcessing, when: diffDeleteToAnonymize, what: "data is anonymized instead of deleted"},
	{shape: "retention[].exceptions", kinds: "added", item: majorProcessing, what: "a retention rule can now be suspended"},
	{shape: "storage.regions", item: majorProcessing, what: "data is stored in other regions"},

	{shape: "cookies[]", kinds: "added", item: majorProcessing, when: diffCookieNotNecessary, what: "a new cookie or tracker"},
	{shape: "cookies[].category", item: majorProcessing, when: diffNewNot("strictly_necessary"), what: "a cookie is used for another kind of purpose"},
	{shape: "cookies[].duration", item: majorProcessing, when: diffLonger, what: "a cookie lives longer"},
	{shape: "cookies[].provider", item: majorRecipients, what: "a cookie is set by another party"},

	{shape: "minors.minimum_age", item: majorProcessing, when: diffLowered, what: "younger subjects are accepted"},
	{shape: "minors.guardian_consent_below", item: majorProcessing, when: diffLowered, what: "guardian consent is needed below a lower age"},
	{shape: "minors.on_discovery", item: majorProcessing, what: "the treatment of discovered minors changed"},
	{shape: "minors.regions[]", kinds: "added removed", item: majorProcessing, what: "a regional age rule changed"},
	{shape: "minors.regions[].minimum_age", item: majorProcessing, when: diffLowered, what: "younger subjects are accepted in a region"},
	{shape: "minors.regions[].guardian_consent_below", item: majorProcessing, when: diffLowered, what: "guardian consent is needed below a lower age in a region"},

	{shape: "recipients[]", kinds: "added", item: majorRecipients, what: "a new recipient"},
	{shape: "recipients[]", kinds: "removed", item: majorRecipients, what: "a recipient was removed"},
	{shape: "recipients[].company.*", item: majorRecipients, what: "a recipient's company changed"},
	{shape: "recipients[].kind", item: majorRecipients, what: "the kind of a recipient changed"},
	{shape: "recipients[].role", item: majorRecipients, what: "a recipient's role changed"},
	{shape: "recipients[].purposes", item: majorRecipients, what: "a recipient's purposes changed"},
	{shape: "recipients[].fields", item: majorRecipients, what: "the fields a recipient receives changed"},
	{shape: "recipients[].region", item: majorRecipients, what: "a recipient's region changed"},
	{shape: "recipients[].consent", item: majorRecipients, what: "the consent for a recipient changed"},
	{shape: "storage.transfers[]", kinds: "added", item: majorRecipients, what: "a new cross-border transfer"},
	{shape: "storage.transfers[].description.*", what: "wording of a transfer changed"},
	{shape: "storage.transfers[].*", item: majorRecipients, what: "a cross-border transfer changed"},

	{shape: "rights.items[]", kinds: "removed", item: majorRights, what: "a right is no longer offered"},
	{shape: "rights.items[].channels", kinds: "removed", item: majorRights, what: "a right can no longer be exercised through a channel"},
	{shape: "rights.items[].deadline", item: majorRights, when: diffLonger, what: "a right is answered later"},
	{shape: "rights.channels[]", kinds: "removed", item: majorRights, what: "a request channel was removed"},
	{shape: "rights.channels[].kind", item: majorRights, what: "a request channel changed"},
	{shape: "rights.channels[].value", item: majorRights, what: "a request channel changed"},
	{shape: "rights.deadline", item: majorRights, when: diffLonger, what: "requests are answered later"},
	{shape: "rights.deadline_from", item: majorRights, when: diffNewIs("verification"), what: "the deadline now runs from identity verification"},
	{shape: "rights.calendar", item: majorRights, what: "the deadline's calendar changed"},
	{shape: "rights.verification", item: majorRights, what: "how identity is verified changed"},
	{shape: "rights.fees.description.*", what: "wording of the fees changed"},
	{shape: "rights.fees.**", item: majorRights, what: "the fees for requests changed"},
	{shape: "rights.refusals", item: majorRights, what: "the reasons a request may be refused changed"},
	{shape: "rights.routing", item: majorRights, what: "where requests are answered changed"},
	{shape: "rights.cancellation.how.*", what: "wording of account cancellation changed"},
	{shape: "rights.cancellation.**", item: majorRights, what: "account cancellation terms changed"},
	{shape: "changes.major_changes", kinds: "removed", item: majorRights, what: "fewer changes need fresh consent"},
	{shape: "changes.no_reduction_without_consent", item: majorRights, when: diffBecomesFalse, what: "rights may be reduced without consent"},

	// Minor changes worth a summary of their own.
	{shape: "laws", what: "the laws the product is declared under changed"},
	{shape: "categories[]", kinds: "removed", what: "a category is no longer processed"},
	{shape: "fields[]", kinds: "removed", what: "a field is no longer collected"},
	{shape: "functions[]", kinds: "removed", what: "a function was removed"},
	{shape: "functions[].fields", kinds: "removed", what: "a function no longer collects a field"},
	{shape: "functions[].purposes", kinds: "removed", what: "a function no longer serves a purpose"},
	{shape: "permissions[]", kinds: "removed", what: "a permission is no longer requested"},
	{shape: "retention[]", kinds: "added", what: "a new retention rule"},
	{shape: "retention[].duration", what: "retention period changed, not lengthened"},
	{shape: "rights.items[]", kinds: "added", what: "a new right is offered"},
	{shape: "rights.items[].channels", kinds: "added", what: "a right can be exercised through a new channel"},
	{shape: "rights.items[].deadline", what: "a right's deadline changed, not lengthened"},
	{shape: "rights.channels[]", kinds: "added", what: "a new request channel"},
	{shape: "rights.deadline", what: "the response deadline changed, not lengthened"},
	{shape: "storage.transfers[]", kinds: "removed", what: "a cross-border transfer ended"},
	{shape: "definitions[]", what: "a definition changed"},
	{shape: "security.**", what: "security measures changed"},
	{shape: "incidents.**", what: "incident promises changed"},
	{shape: "commitments[]", what: "a commitment changed"},
}

// diffMatch reports whether shape matches pattern (see [diffRule.shape]).
func diffMatch(pattern, shape []string) bool {
	if len(pattern) == 0 {
		return len(shape) == 0
	}
	if pattern[0] == "**" {
		for i := 0; i <= len(shape); i++ {
			if diffMatch(pattern[1:], shape[i:]) {
				return true
			}
		}
		return false
	}
	return len(shape) > 0 && (pattern[0] == "*" || pattern[0] == shape[0]) && diffMatch(pattern[1:], shape[1:])
}

// classify sets Major, Item and Summary of c.
func (x *diffCtx) classify(c *rawChange) {
	shape := strings.Split(c.shape, ".")
	for _, r := range diffRules {
		if r.kinds != "" && !slices.Contains(strings.Fields(r.kinds), c.Kind) {
			continue
		}
		if !diffMatch(strings.Split(r.shape, "."), shape) {
			continue
		}
		if r.when != nil && !r.when(x, c) {
			continue
		}
		c.Major, c.Item, c.Summary = r.item != "", r.item, r.what
		return
	}
	switch {
	case strings.HasSuffix(c.shape, ".en") || strings.HasSuffix(c.shape, ".zh"):
		c.Summary = "wording changed"
	default:
		c.Summary = "detail " + c.Kind
	}
}

// Conditions of classification rules.

func diffBecomesTrue(_ *diffCtx, c *rawChange) bool  { return c.New == "true" }
func diffBecomesFalse(_ *diffCtx, c *rawChange) bool { return c.Old == "true" && c.New != "true" }
func diffNewSet(_ *diffCtx, c *rawChange) bool       { return c.New != "" }

func diffNewIs(v string) func(*diffCtx, *rawChange) bool {
	return func(_ *diffCtx, c *rawChange) bool { return c.New == v }
}

func diffNewNot(v string) func(*diffCtx, *rawChange) bool {
	return func(_ *diffCtx, c *rawChange) bool { return c.New != v }
}

func diffLonger(_ *diffCtx, c *rawChange) bool {
	a, _ := c.old.Interface().(Period)
	b, _ := c.new.Interface().(Period)
	// The zero period means "at once": any period is longer.
	return b.Approx() > a.Approx()
}

func diffLowered(_ *diffCtx, c *rawChange) bool {
	return c.old.IsValid() && c.new.IsValid() && c.new.Int() < c.old.Int()
}

func diffHashingWeakened(_ *diffCtx, c *rawChange) bool { return c.New == "" || c.New == "none" }

func diffDeleteToAnonymize(_ *diffCtx, c *rawChange) bool {
	return c.Old == "delete" && c.New == "anonymize"
}

func diffFunctionMandatory(_ *diffCtx, c *rawChange) bool {
	return c.New == FunctionCore || c.New == FunctionThirdParty
}

func diffCookieNotNecessary(_ *diffCtx, c *rawChange) bool {
	ck, _ := c.new.Interface().(Cookie)
	return ck.Category != "strictly_necessary"
}

// diffSensitiveAssessment: an impact assessment reference is set on a
// category that is sensitive in the new version.
func diffSensitiveAssessment(x *diffCtx, c *rawChange) bool {
	if c.New == "" || len(c.keys) == 0 {
		return false
	}
	for _, cat := range x.new.Categories {
		if cat.ID == c.keys[0] {
			tc, _ := taxonomy.LookupCategory(lintTaxonomyID(cat))
			return lintSensitive(cat, tc)
		}
	}
	return false
}

// diffCtx holds both versions, to find the purposes a change touches.
type diffCtx struct {
	old, new *Declaration
	consent  map[string]bool // purpose id → asks for consent in new
}

func newDiffCtx(old, new *Declaration) *diffCtx {
	x := &diffCtx{old: old, new: new, consent: map[string]bool{}}
	for _, p := range new.Purposes {
		x.consent[p.ID] = p.Consent != "" && p.Consent != ConsentNone
	}
	return x
}

// asksConsent reports whether purpose id asks for consent in the new
// version.
func (x *diffCtx) asksConsent(id string) bool { return x.consent[id] }

// touched returns the purposes a change touches, in either version; every
// purpose for a change that is not tied to particular purposes.
func (x *diffCtx) touched(c *rawChange) []string {
	top, _, _ := strings.Cut(c.shape, ".")
	top = strings.TrimSuffix(top, "[]")
	key := ""
	if len(c.keys) > 0 {
		key = c.keys[0]
	}
	var out []string
	for _, d := range []*Declaration{x.old, x.new} {
		switch {
		case top == "purposes":
			out = append(out, key)
		case top == "fields":
			out = append(out, diffPurposesOfFields(d, []string{key})...)
		case top == "categories":
			out = append(out, diffPurposesOfFields(d, diffFieldsOf(d, []string{key}, nil))...)
		case top == "functions":
			for _, fn := range d.Functions {
				if fn.ID == key {
					out = append(out, fn.Purposes...)
				}
			}
		case top == "permissions":
			for _, pm := range d.Permissions {
				if pm.ID != key {
					continue
				}
				for _, fn := range d.Functions {
					if slices.Contains(pm.Functions, fn.ID) || slices.Contains(fn.Permissions, pm.ID) {
						out = append(out, fn.Purposes...)
					}
				}
			}
		case top == "recipients":
			for _, r := range d.Recipients {
				if r.ID == key {
					out = append(out, r.Purposes...)
				}
			}
		case top == "automated_decisions":
			for _, a := range d.AutomatedDecisions {
				if a.ID == key {
					out = append(out, a.Purposes...)
				}
			}
		case top == "retention":
			for _, r := range d.Retention {
				if r.ID != key {
					continue
				}
				if len(r.Purposes) > 0 {
					out = append(out, r.Purposes...)
				} else {
					out = append(out, diffPurposesOfFields(d, diffFieldsOf(d, r.Categories, r.Fields))...)
				}
			}
		case strings.HasPrefix(c.shape, "storage.transfers[]"):
			for _, t := range d.Storage.Transfers {
				if t.ID != key {
					continue
				}
				if len(t.Purposes) > 0 {
					out = append(out, t.Purposes...)
				} else {
					out = append(out, diffPurposesOfFields(d, t.Fields)...)
				}
			}
		default:
			// Controller, contact, rights, storage regions, cookies,
			// minors: every purpose.
			for _, p := range d.Purposes {
				out = append(out, p.ID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// diffFieldsOf returns the fields of the categories cats, and fields.
func diffFieldsOf(d *Declaration, cats, fields []string) []string {
	out := slices.Clone(fields)
	for _, f := range d.Fields {
		if slices.Contains(cats, f.Category) {
			out = append(out, f.ID)
		}
	}
	return out
}

// diffPurposesOfFields returns the purposes of the functions that collect
// any of fields.
func diffPurposesOfFields(d *Declaration, fields []string) []string {
	var out []string
	for _, fn := range d.Functions {
		if slices.ContainsFunc(fn.Fields, func(f string) bool { return slices.Contains(fields, f) }) {
			out = append(out, fn.Purposes...)
		}
	}
	return out
}
