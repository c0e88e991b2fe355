package export

import (
	"slices"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// Processing is what the declaration does with one field the subject has
// values of: why it is processed and on which basis, who it is shared
// with, where it goes abroad, how long it is kept and which automated
// decisions use it. Labels come from the declaration in both languages.
type Processing struct {
	Field         string      `json:"field"`
	Label         policy.Text `json:"label"`
	Category      string      `json:"category,omitempty"`
	CategoryLabel policy.Text `json:"category_label"`
	// Sensitive marks sensitive personal information (PIPL Art. 28; GDPR
	// Art. 9): the category is declared so, or its taxonomy category is.
	Sensitive bool `json:"sensitive"`
	// Declared is false for a field the declaration no longer names
	// (values collected under an earlier version): the other members are
	// then empty.
	Declared           bool                 `json:"declared"`
	Purposes           []ProcessingPurpose  `json:"purposes"`
	Recipients         []ProcessingShare    `json:"recipients"`
	Transfers          []ProcessingTransfer `json:"transfers"`
	Retention          []ProcessingKeep     `json:"retention"`
	AutomatedDecisions []ProcessingDecision `json:"automated_decisions"`
}

// ProcessingPurpose is a purpose a field is processed for.
type ProcessingPurpose struct {
	ID    string      `json:"id"`
	Label policy.Text `json:"label"`
	// Basis is the legal basis under each declared law.
	Basis policy.Basis `json:"basis"`
	// Consent is the consent the purpose needs: none, consent, separate or
	// guardian.
	Consent string `json:"consent,omitempty"`
	// Collected is true when some of the subject's values of the field
	// were collected for this purpose; the others are purposes a function
	// using the field declares.
	Collected bool `json:"collected"`
}

// ProcessingShare is a recipient the field is shared with.
type ProcessingShare struct {
	ID      string      `json:"id"`
	Company policy.Text `json:"company"`
	Product policy.Text `json:"product"`
	// Kind is sdk, partner, processor, affiliate or authority; Role is
	// the recipient's own role: controller, processor or joint.
	Kind     string   `json:"kind"`
	Role     string   `json:"role"`
	Region   string   `json:"region"`
	Purposes []string `json:"purposes"`
	// PolicyURL is the recipient's privacy policy, when declared.
	PolicyURL string `json:"policy_url,omitempty"`
}

// ProcessingTransfer is a declared cross-border transfer of the field.
type ProcessingTransfer struct {
	ID        string   `json:"id"`
	To        string   `json:"to"`
	Recipient string   `json:"recipient,omitempty"`
	Mechanism string   `json:"mechanism"`
	Purposes  []string `json:"purposes"`
}

// ProcessingKeep is a retention rule that covers the field.
type ProcessingKeep struct {
	Rule string `json:"rule"`
	// Duration runs from Trigger ("" means at once); Action is delete or
	// anonymize.
	Duration policy.Period `json:"duration"`
	Trigger  string        `json:"trigger"`
	Action   string        `json:"action"`
	// Purposes, when not empty, limit the rule to values processed for
	// them.
	Purposes    []string    `json:"purposes"`
	Exceptions  []string    `json:"exceptions"`
	Description policy.Text `json:"description"`
}

// ProcessingDecision is an automated decision (recommendation, targeted
// ads, a decision with effects) that uses the field.
type ProcessingDecision struct {
	ID          string      `json:"id"`
	Kind        string      `json:"kind"`
	Description policy.Text `json:"description"`
	// OptOut says the subject can refuse it, OptOutHow how.
	OptOut    bool        `json:"opt_out"`
	OptOutHow policy.Text `json:"opt_out_how"`
	// SignificantEffect marks a decision with a major effect on the
	// subject, who may ask for an explanation and, when HumanReview, for
	// a human to review it.
	SignificantEffect bool `json:"significant_effect"`
	HumanReview       bool `json:"human_review"`
}

// heldFields returns the fields with values, in the declaration's order,
// then those it does not declare in order of first appearance; and, per
// field, the purposes its values were collected for.
func heldFields(d *policy.Declaration, recs []Record, blobs []BlobInfo) ([]string, map[string][]string) {
	collected := map[string][]string{}
	var order []string
	add := func(field, purpose string) {
		ps, ok := collected[field]
		if !ok {
			order = append(order, field)
		}
		if !slices.Contains(ps, purpose) {
			collected[field] = append(ps, purpose)
		}
	}
	for _, r := range recs {
		add(r.Field, r.Purpose)
	}
	for _, b := range blobs {
		add(b.Field, b.Purpose)
	}
	out := make([]string, 0, len(order))
	if d != nil {
		for _, f := range d.Fields {
			if _, ok := collected[f.ID]; ok {
				out = append(out, f.ID)
			}
		}
	}
	for _, f := range order {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, collected
}

// processingOf returns the Processing of every field held.
func processingOf(d *policy.Declaration, recs []Record, blobs []BlobInfo) []Processing {
	fields, collected := heldFields(d, recs, blobs)
	out := make([]Processing, 0, len(fields))
	for _, id := range fields {
		out = append(out, processingOfField(d, id, collected[id]))
	}
	return out
}

// processingOfField states what d does with field id, whose values were
// collected for the purposes in collected.
func processingOfField(d *policy.Declaration, id string, collected []string) Processing {
	p := Processing{Field: id, Purposes: []ProcessingPurpose{}, Recipients: []ProcessingShare{},
		Transfers: []ProcessingTransfer{}, Retention: []ProcessingKeep{}, AutomatedDecisions: []ProcessingDecision{}}
	fi := slices.IndexFunc(d.Fields, func(f policy.Field) bool { return f.ID == id })
	if fi < 0 {
		// Undeclared now: say only what the values were collected for.
		for _, pid := range collected {
			p.Purposes = append(p.Purposes, purposeOf(d, pid, true))
		}
		return p
	}
	f := d.Fields[fi]
	p.Declared, p.Label, p.Category = true, f.Label, f.Category
	if ci := slices.IndexFunc(d.Categories, func(c policy.Category) bool { return c.ID == f.Category }); ci >= 0 {
		c := d.Categories[ci]
		p.CategoryLabel = c.Label
		tid := c.Taxonomy
		if tid == "" {
			tid = c.ID
		}
		tc, ok := taxonomy.LookupCategory(tid)
		p.Sensitive = c.Sensitive || ok && tc.Sensitive
	}

	// Purposes: those of the functions using the field, in the
	// declaration's order, and any the values were collected for.
	declared := map[string]bool{}
	for _, fn := range d.Functions {
		if slices.Contains(fn.Fields, id) {
			for _, pid := range fn.Purposes {
				declared[pid] = true
			}
		}
	}
	for _, pu := range d.Purposes {
		if declared[pu.ID] || slices.Contains(collected, pu.ID) {
			p.Purposes = append(p.Purposes, purposeOf(d, pu.ID, slices.Contains(collected, pu.ID)))
		}
	}
	for _, pid := range collected {
		if !slices.ContainsFunc(p.Purposes, func(pp ProcessingPurpose) bool { return pp.ID == pid }) {
			p.Purposes = append(p.Purposes, purposeOf(d, pid, true))
		}
	}
	purposeIDs := make([]string, len(p.Purposes))
	for i, pp := range p.Purposes {
		purposeIDs[i] = pp.ID
	}

	for _, r := range d.Recipients {
		if slices.Contains(r.Fields, id) {
			p.Recipients = append(p.Recipients, ProcessingShare{ID: r.ID, Company: r.Company, Product: r.Product,
				Kind: r.Kind, Role: r.Role, Region: r.Region, Purposes: nonNil(r.Purposes), PolicyURL: r.PolicyURL})
		}
	}
	for _, t := range d.Storage.Transfers {
		if slices.Contains(t.Fields, id) {
			p.Transfers = append(p.Transfers, ProcessingTransfer{ID: t.ID, To: t.To, Recipient: t.Recipient,
				Mechanism: t.Mechanism, Purposes: nonNil(t.Purposes)})
		}
	}
	for _, r := range d.Retention {
		if retentionCovers(r, id, f.Category, purposeIDs) {
			p.Retention = append(p.Retention, ProcessingKeep{Rule: r.ID, Duration: r.Duration, Trigger: r.Trigger,
				Action: r.Action, Purposes: nonNil(r.Purposes), Exceptions: nonNil(r.Exceptions), Description: r.Description})
		}
	}
	for _, a := range d.AutomatedDecisions {
		if slices.Contains(a.Fields, id) {
			p.AutomatedDecisions = append(p.AutomatedDecisions, ProcessingDecision{ID: a.ID, Kind: a.Kind,
				Description: a.Description, OptOut: a.OptOut, OptOutHow: a.OptOutHow,
				SignificantEffect: a.SignificantEffect, HumanReview: a.HumanReview})
		}
	}
	return p
}

// retentionCovers reports whether rule r applies to a field of category
// cat processed for purposes: it names the field or its category (or
// names neither), and it names none of the purposes or one of the field's.
func retentionCovers(r policy.RetentionRule, field, cat string, purposes []string) bool {
	what := len(r.Fields) == 0 && len(r.Categories) == 0 ||
		slices.Contains(r.Fields, field) || slices.Contains(r.Categories, cat)
	why := len(r.Purposes) == 0 ||
		slices.ContainsFunc(r.Purposes, func(p string) bool { return slices.Contains(purposes, p) })
	return what && why
}

// purposeOf returns purpose id as the declaration states it; an id it does
// not declare keeps only its id (and the taxonomy's label, if any).
func purposeOf(d *policy.Declaration, id string, collected bool) ProcessingPurpose {
	pp := ProcessingPurpose{ID: id, Collected: collected}
	if i := slices.IndexFunc(d.Purposes, func(p policy.Purpose) bool { return p.ID == id }); i >= 0 {
		pu := d.Purposes[i]
		pp.Label, pp.Basis, pp.Consent = pu.Label, pu.Basis, pu.Consent
		return pp
	}
	if tp, ok := taxonomy.LookupPurpose(id); ok {
		pp.Label = policy.Text{EN: tp.Label.EN, ZH: tp.Label.ZH}
	}
	return pp
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
