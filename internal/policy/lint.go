package policy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// Finding is one problem [Lint] found in a declaration: a promise that is
// incomplete, contradicts another, or that trustee cannot keep.
//
// In JSON a finding is flat and snake_case:
// {"file","line","column","path","rule","message","hint"}.
type Finding struct {
	// Pos is where the problem is in the declaration file.
	Pos Pos
	// Path is the YAML path of the node at fault, such as
	// "$.purposes[1].consent".
	Path string
	// Rule is the stable id of the rule that found it (see [Rules]).
	Rule string
	// Message says what is wrong; Hint says how to fix it.
	Message string
	Hint    string
}

// String returns "file:line:col: rule-id: message (fix: hint)".
func (f Finding) String() string {
	s := f.Pos.String() + ": " + f.Rule + ": " + f.Message
	if f.Hint != "" {
		s += " (fix: " + f.Hint + ")"
	}
	return s
}

// findingJSON is the JSON form of a [Finding].
type findingJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// MarshalJSON implements json.Marshaler.
func (f Finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(findingJSON{File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Column, Path: f.Path, Rule: f.Rule, Message: f.Message, Hint: f.Hint})
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var j findingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Finding{Pos: Pos{File: j.File, Line: j.Line, Column: j.Column}, Path: j.Path, Rule: j.Rule, Message: j.Message, Hint: j.Hint}
	return nil
}

// Rule documents one lint rule: its stable id, what it demands, and the law
// or seed promise it comes from.
type Rule struct {
	ID      string `json:"id"`
	Summary string `json:"summary"`
	Law     string `json:"law"`
}

// Rule ids. They are stable: scripts, docs and tests name them.
const (
	ruleFieldCategory    = "field-category"
	ruleFieldUsed        = "field-used"
	ruleRetention        = "retention-coverage"
	ruleSensitiveConsent = "sensitive-consent"
	ruleMinorsGuardian   = "minors-guardian"
	rulePermission       = "permission-function"
	ruleRecipientFields  = "recipient-fields"
	ruleCrossBorder      = "cross-border"
	ruleLegalBasis       = "legal-basis"
	ruleRights           = "rights-channel-deadline"
	ruleADM              = "adm-opt-out"
	ruleIncident         = "incident-notice"
	ruleUnenforceable    = "unenforceable"
	ruleTextLanguages    = "text-languages"
	ruleChangePolicy     = "change-policy"
	ruleContact          = "contact"
)

// Rules lists every lint rule, in the order docs and
// `trustee policy lint --rules` show them. It must not be modified.
var Rules = []Rule{
	{ruleFieldCategory, "every declared category has at least one field, and a field naming a taxonomy identifier is in that identifier's category", "PIPL 17(1)(2); GDPR 13(1)(c), 30(1)(c)"},
	{ruleFieldUsed, "every declared field is collected by at least one function, for at least one purpose", "PIPL 6 (minimisation); GDPR 5(1)(c)"},
	{ruleRetention, "every declared category, and every field for every purpose it is processed for, is covered by a retention rule", "PIPL 19; GDPR 5(1)(e)"},
	{ruleSensitiveConsent, "a purpose processing sensitive data on consent needs separate consent; a sensitive category states its necessity and impact and references an impact assessment", "PIPL 28-30, 55; GDPR 9(2)(a)"},
	{ruleMinorsGuardian, "a purpose processing data of children under 14 on consent needs guardian consent; guardian-consent ages meet the law's floor (14 PIPL, 13 GDPR); the policy says how it treats minors", "PIPL 28, 31; GDPR 8"},
	{rulePermission, "every OS permission is tied to a function that lists it back, its fields are collected by one of its functions, and a permission exposing personal information names the fields it gates (`fields: []` for none)", "PIPL 6, 17; GB/T 35273 5.3; seeds 001, 004"},
	{ruleRecipientFields, "a recipient receives only fields collected for its purposes, and a recipient outside the storage regions is covered by a declared transfer of those fields", "PIPL 23, 38-39; GDPR 13(1)(e)(f), 44"},
	{ruleCrossBorder, "a cross-border transfer has separate consent under PIPL and a mechanism of the law it leaves; a PIPL product storing outside mainland China declares the transfer", "PIPL 38-39; GDPR 44-49"},
	{ruleLegalBasis, "every purpose has a basis under every declared law, and relies on consent exactly when it asks for consent", "PIPL 13; GDPR 6(1); CCPA 1798.100"},
	{ruleRights, "every right has a channel; requests have a deadline within the law's limit and a way to verify identity; the law's rights are all offered; routing to the controller only for entrusted parties", "PIPL 44-50; GDPR 12(3), 15-22; CCPA 1798.130"},
	{ruleADM, "personalised recommendation and targeted ads offer an opt-out and say how; decisions with a significant effect have human review and the adm_review right", "PIPL 24; GDPR 22"},
	{ruleIncident, "a breach is notified to subjects through at least one channel and to the authority, within 72 hours under GDPR", "PIPL 57; GDPR 33-34"},
	{ruleUnenforceable, "every security measure and commitment is enforced by a trustee mechanism or explicitly attested by the controller", "DESIGN non-negotiable 5; PIPL 51, 9"},
	{ruleTextLanguages, "every text of the declaration is given in both English and Chinese, since the policy renders in both", "PIPL 17 (clear, understandable language)"},
	{ruleChangePolicy, "the change policy lists the six major changes (under PIPL) and at least one way subjects are told", "PIPL 14, 17; seeds 000-004"},
	{ruleContact, "the controller, its responsible department and the complaint channel can be reached", "PIPL 17(1)(4), 50, 52; GDPR 13(1)(a)(b)"},
}

// Lint checks the declaration in doc against every rule of [Rules] and
// returns the findings sorted by position. A declaration with no findings
// makes only promises trustee keeps or that are explicitly attested.
//
// Lint only reads doc, so it is safe for concurrent use. It assumes the
// structural checks of [Parse] passed, and does not repeat them; on a
// declaration that failed them it still returns without panicking, but its
// findings may be incomplete.
func Lint(doc *Document) []Finding {
	if doc == nil || doc.Decl == nil {
		return nil
	}
	l := newLinter(doc)
	l.fieldCategory()
	l.fieldUsed()
	l.retention()
	l.sensitive()
	l.minors()
	l.permissions()
	l.recipients()
	l.crossBorder()
	l.legalBasis()
	l.rights()
	l.adm()
	l.incidents()
	l.unenforceable()
	l.textLanguages()
	l.changePolicy()
	l.contact()
	slices.SortStableFunc(l.out, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return l.out
}

// linter holds one declaration, indexes of its elements and the findings.
type linter struct {
	doc  *Document
	d    *Declaration
	laws map[string]bool
	out  []Finding

	cats      map[string]int // category id → index
	fields    map[string]int
	purposes  map[string]int
	functions map[string]int
	perms     map[string]int
	// processed[field][purpose] is true when a function lists both; a
	// field some function collects has an entry, even with no purpose.
	processed map[string]map[string]bool
}

func newLinter(doc *Document) *linter {
	d := doc.Decl
	l := &linter{doc: doc, d: d, laws: map[string]bool{}, processed: map[string]map[string]bool{}}
	for _, law := range d.Laws {
		l.laws[law] = true
	}
	l.cats = lintIndex(d.Categories, func(c Category) string { return c.ID })
	l.fields = lintIndex(d.Fields, func(f Field) string { return f.ID })
	l.purposes = lintIndex(d.Purposes, func(p Purpose) string { return p.ID })
	l.functions = lintIndex(d.Functions, func(f Function) string { return f.ID })
	l.perms = lintIndex(d.Permissions, func(p Permission) string { return p.ID })
	for _, fn := range d.Functions {
		for _, f := range fn.Fields {
			if l.processed[f] == nil {
				l.processed[f] = map[string]bool{}
			}
			for _, p := range fn.Purposes {
				l.processed[f][p] = true
			}
		}
	}
	return l
}

// lintIndex maps each element's id to its first index.
func lintIndex[T any](list []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(list))
	for i, v := range list {
		if _, dup := m[id(v)]; !dup {
			m[id(v)] = i
		}
	}
	return m
}

// add records a finding at path.
func (l *linter) add(rule, path, hint, format string, args ...any) {
	l.out = append(l.out, Finding{Pos: l.doc.Pos(path), Path: path, Rule: rule, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// category returns the declared category with id and its taxonomy entry.
func (l *linter) category(id string) (Category, taxonomy.Category, bool) {
	i, ok := l.cats[id]
	if !ok {
		return Category{}, taxonomy.Category{}, false
	}
	c := l.d.Categories[i]
	tc, _ := taxonomy.LookupCategory(lintTaxonomyID(c))
	return c, tc, true
}

// lintTaxonomyID returns the taxonomy category the declared category c is
// an instance of.
func lintTaxonomyID(c Category) string {
	if c.Taxonomy != "" {
		return c.Taxonomy
	}
	return c.ID
}

// lintSensitive reports whether a category is sensitive personal
// information (PIPL Art. 28), by the taxonomy or by the declaration's own
// marking.
func lintSensitive(c Category, tc taxonomy.Category) bool { return tc.Sensitive || c.Sensitive }

// lintMinor reports whether a category holds data of children under 14.
func lintMinor(tc taxonomy.Category) bool { return tc.SensitiveKind == "minor_under_14" }

// purposesOfCategory returns, in declaration order, the purposes that process any
// field of the category with id cat.
func (l *linter) purposesOfCategory(cat string) []string {
	seen := map[string]bool{}
	for _, f := range l.d.Fields {
		if f.Category != cat {
			continue
		}
		for p := range l.processed[f.ID] {
			seen[p] = true
		}
	}
	var out []string
	for _, p := range l.d.Purposes {
		if seen[p.ID] {
			out = append(out, p.ID)
		}
	}
	return out
}

// lintConsentBasis reports whether the basis id of law rests on consent.
func lintConsentBasis(law, id string) bool {
	b, ok := taxonomy.LookupLegalBasis(law, id)
	return ok && b.IsConsent
}

// lintBasis returns the basis of purpose p under law.
func lintBasis(p Purpose, law string) string {
	switch law {
	case taxonomy.LawPIPL:
		return p.Basis.PIPL
	case taxonomy.LawGDPR:
		return p.Basis.GDPR
	case taxonomy.LawCCPA:
		return p.Basis.CCPA
	}
	return ""
}

// reliesOnConsent reports whether the purpose's basis under any declared
// law rests on consent.
func (l *linter) reliesOnConsent(p Purpose) bool {
	for _, law := range []string{taxonomy.LawPIPL, taxonomy.LawGDPR, taxonomy.LawCCPA} {
		if l.laws[law] && lintConsentBasis(law, lintBasis(p, law)) {
			return true
		}
	}
	return false
}

// lintList joins ids for messages: "a", "b" and "c".
func lintList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = quote(id)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
