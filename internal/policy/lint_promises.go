package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// This file holds the rules about the policy's promises to the subject:
// legal bases, rights, automated decisions, incidents, security measures
// and commitments, languages, changes and contacts.

// EnforcedMeasures maps each security measure id that trustee's own code
// enforces to the mechanism that does. A measure not listed here must carry
// an attestation. It must not be modified.
var EnforcedMeasures = map[string]string{
	"encryption_at_rest":    "vault: AES-256-GCM under per-subject data keys (internal/keys)",
	"access_control":        "scoped API keys and staff roles (internal/api)",
	"audit_logging":         "tamper-evident audit log, Merkle tree with signed checkpoints (internal/audit)",
	"de_identification":     "keyed blind indexes and anonymization strategies (internal/keys, internal/retention)",
	"crypto_shredding":      "erasure by destroying the subject's data key (internal/keys)",
	"retention_enforcement": "retention rules, triggers, sweeps and legal holds (internal/retention)",
	"minimisation":          "collection gate: only declared fields, for declared purposes (internal/collect)",
}

// Mechanisms maps each id a commitment may name as its enforcement to the
// trustee mechanism that keeps it. A commitment naming none of these must
// carry an attestation. It must not be modified.
var Mechanisms = map[string]string{
	"collection_gate":   "collection gate: declared field, purpose, consent, age, region and permission (internal/collect)",
	"consent_ledger":    "append-only consent ledger and decision engine (internal/consent)",
	"retention_sweep":   "retention triggers, sweeps and holds (internal/retention)",
	"rights_requests":   "rights requests with verification, deadlines, routing and answers (internal/rights)",
	"disclosure_ledger": "recipients registry and disclosure ledger (internal/sharing)",
	"incident_workflow": "breach workflow, clocks and notices (internal/incident)",
	"audit_log":         "tamper-evident audit log (internal/audit)",
	"vault":             "encrypted vault with per-subject keys and crypto-shredding (internal/keys)",
	"minors_gate":       "age gates and guardian links (internal/minors)",
	"change_reconsent":  "policy diff of major changes and re-consent (internal/policy, internal/consent)",
}

// legalBasis: a basis under every declared law, and consent asked exactly
// when a basis rests on it (PIPL 13; GDPR 6(1)).
func (l *linter) legalBasis() {
	for i, p := range l.d.Purposes {
		path := fmt.Sprintf("$.purposes[%d]", i)
		for _, law := range []string{taxonomy.LawPIPL, taxonomy.LawGDPR, taxonomy.LawCCPA} {
			if l.laws[law] && lintBasis(p, law) == "" {
				l.add(ruleLegalBasis, path+".basis",
					fmt.Sprintf("add `%s:` under basis: with one of: %s", law, strings.Join(lintBasisIDs(law), ", ")),
					"purpose %q has no legal basis under %s", p.ID, strings.ToUpper(law))
			}
		}
		if p.Basis.CCPA != "" {
			if _, ok := taxonomy.LookupLegalBasis(taxonomy.LawCCPA, p.Basis.CCPA); !ok {
				l.add(ruleLegalBasis, path+".basis.ccpa", "use one of: "+strings.Join(lintBasisIDs(taxonomy.LawCCPA), ", "),
					"unknown CCPA basis %q", p.Basis.CCPA)
			}
		}
		switch consent := l.reliesOnConsent(p); {
		case consent && p.Consent == ConsentNone:
			l.add(ruleLegalBasis, path+".consent", "set consent: to consent, separate or guardian, or rest the purpose on another basis",
				"purpose %q relies on consent but asks for none", p.ID)
		case !consent && p.Consent != ConsentNone && p.Consent != "":
			l.add(ruleLegalBasis, path+".consent", "set `consent: none`, or make consent the basis",
				"purpose %q asks for consent (%s) but no basis under a declared law rests on consent: withdrawing it would change nothing", p.ID, p.Consent)
		}
	}
}

// lintBasisIDs lists the basis ids of law.
func lintBasisIDs(law string) []string {
	var ids []string
	for _, b := range taxonomy.LegalBases(law) {
		ids = append(ids, b.ID)
	}
	return ids
}

// Rights each law requires the policy to offer.
var lintRequiredRights = []struct {
	law, cite string
	rights    []string
}{
	{taxonomy.LawPIPL, "PIPL 44-48", []string{"access", "copy", "correct", "delete", "withdraw_consent", "explain", "cancel_account"}},
	{taxonomy.LawGDPR, "GDPR 15-21", []string{"access", "copy", "correct", "delete", "withdraw_consent", "portability", "restrict", "object"}},
	{taxonomy.LawCCPA, "CCPA 1798.100-1798.121", []string{"access", "correct", "delete"}},
}

// Response deadlines each law allows (GDPR 12(3): one month; CCPA
// 1798.130(a)(2): 45 days), compared with [Period.Approx].
var lintMaxDeadline = []struct {
	law, cite string
	max       time.Duration
}{
	{taxonomy.LawGDPR, "GDPR 12(3) allows 1 month", Period{N: 1, Unit: Months}.Approx()},
	{taxonomy.LawCCPA, "CCPA 1798.130 allows 45 days", Period{N: 45, Unit: Days}.Approx()},
}

// rights: channels, deadlines, verification, the law's rights and routing.
func (l *linter) rights() {
	r := l.d.Rights
	have := map[string]bool{}
	for i, it := range r.Items {
		have[it.Right] = true
		if len(it.Channels) == 0 {
			l.add(ruleRights, fmt.Sprintf("$.rights.items[%d]", i), "list the channels: the right can be exercised through",
				"right %q has no channel", it.Right)
		}
	}
	for _, req := range lintRequiredRights {
		if !l.laws[req.law] {
			continue
		}
		var missing []string
		for _, id := range req.rights {
			if !have[id] {
				missing = append(missing, id)
			}
		}
		// CCPA 1798.120: the right to opt out of sale or sharing.
		if req.law == taxonomy.LawCCPA && !have["object"] && slices.ContainsFunc(l.d.Purposes, func(p Purpose) bool { return p.SaleOrShare }) {
			missing = append(missing, "object")
		}
		if len(missing) > 0 {
			l.add(ruleRights, "$.rights.items", "declare each right under rights.items with how: and channels:",
				"%s requires the rights %s, which the policy does not offer", req.cite, lintList(missing))
		}
	}
	if r.Deadline.IsZero() {
		l.add(ruleRights, "$.rights.deadline", "add `deadline:` such as 15 working days",
			"rights requests have no response deadline")
	}
	deadlines := []struct {
		path string
		p    Period
	}{{"$.rights.deadline", r.Deadline}}
	for i, it := range r.Items {
		if !it.Deadline.IsZero() {
			deadlines = append(deadlines, struct {
				path string
				p    Period
			}{fmt.Sprintf("$.rights.items[%d].deadline", i), it.Deadline})
		}
	}
	for _, lim := range lintMaxDeadline {
		if !l.laws[lim.law] {
			continue
		}
		for _, dl := range deadlines {
			if !dl.p.IsZero() && dl.p.Approx() > lim.max {
				l.add(ruleRights, dl.path, "shorten the deadline; extensions are granted per request, with notice",
					"deadline %s is longer than %s", dl.p, lim.cite)
			}
		}
	}
	if len(r.Verification) == 0 {
		l.add(ruleRights, "$.rights.verification", "list at least one way to verify identity, such as account_login",
			"rights requests name no way to verify the requester's identity")
	}
	if r.Routing == "controller" && l.d.Product.Role != "entrusted" {
		l.add(ruleRights, "$.rights.routing", "use `routing: self`, or set product.role to entrusted",
			"requests are routed to a controller, but the product is itself the controller (role %q)", l.d.Product.Role)
	}
	if have["cancel_account"] && r.Cancellation == nil {
		l.add(ruleRights, "$.rights", "add rights.cancellation with how:, deadline:, resume: and action:",
			"the policy offers account cancellation but does not say how it works")
	}
}

// adm: opt-out of personalisation and human review of significant
// decisions (PIPL 24; GDPR 22).
func (l *linter) adm() {
	for i, a := range l.d.AutomatedDecisions {
		path := fmt.Sprintf("$.automated_decisions[%d]", i)
		if (a.Kind == "recommendation" || a.Kind == "targeted_ads") && !a.OptOut {
			l.add(ruleADM, path+".opt_out", "set `opt_out: true` and say how under opt_out_how:",
				"%s %q offers no opt-out (PIPL 24(2))", a.Kind, a.ID)
		}
		if a.OptOut && a.OptOutHow.IsZero() {
			l.add(ruleADM, path+".opt_out", "add opt_out_how: saying where the subject turns it off",
				"%q promises an opt-out but does not say how", a.ID)
		}
		if a.SignificantEffect && !a.HumanReview {
			l.add(ruleADM, path+".human_review", "set `human_review: true`",
				"decision %q has a significant effect on the subject but offers no human review (PIPL 24(3); GDPR 22(3))", a.ID)
		}
		if a.SignificantEffect && !slices.ContainsFunc(l.d.Rights.Items, func(it RightItem) bool { return it.Right == "adm_review" }) {
			l.add(ruleADM, path+".significant_effect", "declare the adm_review right under rights.items",
				"decision %q has a significant effect, but the policy offers no adm_review right", a.ID)
		}
	}
}

// incidents: subjects and authority are told, on time (PIPL 57; GDPR 33).
func (l *linter) incidents() {
	in := l.d.Incidents
	if in.Description.IsZero() {
		l.add(ruleIncident, "$.incidents.description", "say what the controller does on a breach",
			"the policy says nothing about security incidents")
	}
	if len(in.NotifySubjects) == 0 {
		l.add(ruleIncident, "$.incidents.notify_subjects", "list at least one channel, such as [email, in_app]",
			"subjects are told of a breach through no channel")
	}
	if (l.laws[taxonomy.LawPIPL] || l.laws[taxonomy.LawGDPR]) && !in.NotifyAuthority {
		l.add(ruleIncident, "$.incidents.notify_authority", "set `notify_authority: true`",
			"a breach must be notified to the authority (PIPL 57; GDPR 33)")
	}
	if l.laws[taxonomy.LawGDPR] && in.NotifyAuthority {
		limit := Period{N: 72, Unit: Hours}
		switch d := in.AuthorityDeadline; {
		case d.IsZero():
			l.add(ruleIncident, "$.incidents.authority_deadline", "add `authority_deadline: 72 hours`",
				"no deadline to notify the authority; GDPR 33 allows 72 hours")
		case d.Unit == WorkingDays || d.Approx() > limit.Approx():
			l.add(ruleIncident, "$.incidents.authority_deadline", "use at most 72 hours",
				"authority deadline %s is longer than the 72 hours of GDPR 33", d)
		}
	}
}

// unenforceable: every security measure and commitment is kept by trustee
// or attested (DESIGN, non-negotiable 5).
func (l *linter) unenforceable() {
	const hint = "attest it (attestation: {by: ..., evidence: ...}) or remove it"
	attested := func(path string, a *Attestation) bool {
		if a == nil {
			return false
		}
		if strings.TrimSpace(a.By) == "" {
			l.add(ruleUnenforceable, path+".attestation.by", "name who vouches for it under by:",
				"attestation names nobody")
		}
		return true
	}
	for i, m := range l.d.Security.Measures {
		path := fmt.Sprintf("$.security.measures[%d]", i)
		if _, ok := EnforcedMeasures[m.ID]; ok {
			attested(path, m.Attestation)
			continue
		}
		if !attested(path, m.Attestation) {
			l.add(ruleUnenforceable, path, hint+"; trustee enforces "+strings.Join(lintKeys(EnforcedMeasures), ", "),
				"promise trustee cannot enforce: security measure %q", m.ID)
		}
	}
	for i, c := range l.d.Commitments {
		path := fmt.Sprintf("$.commitments[%d]", i)
		_, known := Mechanisms[c.Enforcement]
		switch {
		case known:
			attested(path, c.Attestation)
		case c.Enforcement != "":
			l.add(ruleUnenforceable, path+".enforcement", "use one of: "+strings.Join(lintKeys(Mechanisms), ", ")+"; or attest it and drop enforcement:",
				"commitment %q names %q, which is not a trustee mechanism", c.ID, c.Enforcement)
		case !attested(path, c.Attestation):
			l.add(ruleUnenforceable, path, hint+", or name the trustee mechanism under enforcement:",
				"promise trustee cannot enforce: commitment %q", c.ID)
		}
	}
}

// lintKeys returns the keys of m, sorted.
func lintKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// textLanguages: every non-empty text has both English and Chinese.
func (l *linter) textLanguages() {
	l.texts(reflect.ValueOf(l.d).Elem(), "$")
}

var (
	lintTextType   = reflect.TypeFor[Text]()
	lintPeriodType = reflect.TypeFor[Period]()
	lintDateType   = reflect.TypeFor[Date]()
)

func (l *linter) texts(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			l.texts(v.Elem(), path)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			l.texts(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		switch v.Type() {
		case lintTextType:
			t := v.Interface().(Text)
			en, zh := strings.TrimSpace(t.EN) != "", strings.TrimSpace(t.ZH) != ""
			switch {
			case en && !zh:
				l.add(ruleTextLanguages, path, "add `zh:` with the Chinese text", "%s is in English only", strings.TrimPrefix(path, "$."))
			case zh && !en:
				l.add(ruleTextLanguages, path, "add `en:` with the English text", "%s is in Chinese only", strings.TrimPrefix(path, "$."))
			}
			return
		case lintPeriodType, lintDateType:
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				l.texts(v.Field(i), path+"."+name)
			}
		}
	}
}

// changePolicy: the six major changes under PIPL, and a way to tell
// subjects (PIPL 14, 17; seeds).
func (l *linter) changePolicy() {
	c := l.d.Changes
	if l.laws[taxonomy.LawPIPL] {
		var missing []string
		for _, m := range taxonomy.MajorChanges() {
			if !slices.Contains(c.MajorChanges, m.ID) {
				missing = append(missing, m.ID)
			}
		}
		if len(missing) > 0 {
			l.add(ruleChangePolicy, "$.changes.major_changes", "list every kind of major change: "+strings.Join(lintMajorIDs(), ", "),
				"the change policy leaves out the major changes %s, which need fresh consent", lintList(missing))
		}
	}
	if len(c.Notify) == 0 {
		l.add(ruleChangePolicy, "$.changes.notify", "list how subjects are told, such as [popup, email]",
			"the change policy tells subjects of changes through no channel")
	}
	if c.Description.IsZero() {
		l.add(ruleChangePolicy, "$.changes.description", "say how and when the policy changes",
			"the change policy has no description")
	}
}

func lintMajorIDs() []string {
	var ids []string
	for _, m := range taxonomy.MajorChanges() {
		ids = append(ids, m.ID)
	}
	return ids
}

// contact: the controller, its department and the complaint channel can be
// reached (PIPL 17, 50, 52).
func (l *linter) contact() {
	c := l.d.Controller
	if len(c.Contacts) == 0 {
		l.add(ruleContact, "$.controller.contacts", "add at least one contact, such as {kind: email, value: privacy@example.com}",
			"the controller has no contact (PIPL 17(1))")
	}
	if c.Department.Name.IsZero() {
		l.add(ruleContact, "$.controller.department.name", "name the department or officer responsible for personal information",
			"the responsible department has no name (PIPL 52)")
	}
	if len(c.Department.Contacts) == 0 {
		l.add(ruleContact, "$.controller.department.contacts", "add at least one contact of the department",
			"the responsible department has no contact (PIPL 52)")
	}
	if c.Complaint.Description.IsZero() {
		l.add(ruleContact, "$.controller.complaint.description", "say where a subject may complain beyond the controller",
			"the policy names no complaint channel (PIPL 50; GDPR 77)")
	}
	check := func(path string, list []Contact) {
		for i, ct := range list {
			if strings.TrimSpace(ct.Value) == "" {
				l.add(ruleContact, fmt.Sprintf("%s[%d].value", path, i), "give the address, number or URL under value:",
					"%s contact has no value", ct.Kind)
			}
		}
	}
	check("$.controller.contacts", c.Contacts)
	check("$.controller.department.contacts", c.Department.Contacts)
	check("$.controller.complaint.channels", c.Complaint.Channels)
	if r := c.Representative; r != nil && strings.TrimSpace(r.Value) == "" {
		l.add(ruleContact, "$.controller.representative.value", "give the representative's address under value:",
			"the representative has no contact value")
	}
}
