package policy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// lintRightsItems are the rights PIPL and GDPR require beyond the access and
// delete of testdata/minimal.yaml, with adm_review for the automated-decision
// cases.
var lintRightsItems = []string{"copy", "correct", "withdraw_consent", "explain", "cancel_account", "portability", "restrict", "object"}

// lintBase returns testdata/minimal.yaml completed with the rights its laws
// require (and the cancellation process cancel_account needs), which the
// shared fixture does not declare. Each lint case starts from it.
func lintBase(t *testing.T) string {
	t.Helper()
	s := string(mustRead(t, "testdata/minimal.yaml"))
	const anchor = "    - {right: delete, how: {en: In the app settings., zh: 在应用设置中。}, channels: [app]}\n"
	if !strings.Contains(s, anchor) {
		t.Fatal("testdata/minimal.yaml changed: no delete right to anchor the completed rights on")
	}
	var add strings.Builder
	for _, r := range lintRightsItems {
		if !strings.Contains(s, "right: "+r+",") {
			add.WriteString("    - {right: " + r + ", how: {en: In the app settings., zh: 在应用设置中。}, channels: [app]}\n")
		}
	}
	s = strings.Replace(s, anchor, anchor+add.String(), 1)
	if !strings.Contains(s, "cancellation:") {
		s = strings.Replace(s, "  routing: self\n", "  routing: self\n"+
			"  cancellation:\n"+
			"    how: {en: In the app settings., zh: 在应用设置中。}\n"+
			"    cooling_off: 15 days\n"+
			"    resume: login\n"+
			"    deadline: 10 working days\n"+
			"    action: delete\n", 1)
	}
	return s
}

func lintParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatalf("edited declaration does not parse:\n%v\n%s", err, src)
	}
	return doc
}

// TestLintMinimal lints testdata/minimal.yaml as shipped. It is clean but
// for the rights it leaves out (it declares access and delete only, while
// PIPL 44-48 and GDPR 15-21 require more); lintBase adds them, and the
// completed declaration must be entirely clean.
func TestLintMinimal(t *testing.T) {
	doc := lintParse(t, string(mustRead(t, "testdata/minimal.yaml")))
	for _, f := range Lint(doc) {
		if f.Rule != ruleRights || !strings.Contains(f.Message, "requires the rights") {
			t.Errorf("unexpected finding on minimal.yaml: %v", f)
		} else {
			t.Logf("minimal.yaml (rights left out): %v", f)
		}
	}
	for _, f := range Lint(lintParse(t, lintBase(t))) {
		t.Errorf("unexpected finding on the completed minimal.yaml: %v", f)
	}
}

// lintEdit is one change to the base declaration: replace old (which must
// occur exactly once) by new, or append new when old is empty.
type lintEdit struct{ old, new string }

func lintApply(t *testing.T, s string, edits []lintEdit) string {
	t.Helper()
	for _, e := range edits {
		if e.old == "" {
			s += e.new
			continue
		}
		if n := strings.Count(s, e.old); n != 1 {
			t.Fatalf("edit: %q occurs %d times in the base, want once", e.old, n)
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return s
}

// lineOf returns the 1-based number of the only line of s containing sub,
// or, when sub starts with "=", the only line that is sub[1:] but for
// indentation.
func lineOf(t *testing.T, s, sub string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) || sub[0] == '=' && strings.TrimSpace(l) == sub[1:] {
			if line != 0 {
				t.Fatalf("marker %q is on lines %d and %d", sub, line, i+1)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("marker %q not found", sub)
	}
	return line
}

const (
	sensitiveLocation = "  - {id: location_precise, taxonomy: location_track, label: {en: Location track, zh: 行踪轨迹}, " +
		"necessity: {en: Needed to find places near you., zh: 为查找您附近的地点所必需。}, impact: {en: Reveals where you go., zh: 会显示您的行踪。}, impact_assessment: pia-2025-01}"
	minimalLocation = "  - {id: location_precise, label: {en: Precise location, zh: 精确位置}}"
	rightLine       = "    - {right: access, how: {en: In the app settings., zh: 在应用设置中。}, channels: [app]}\n"
)

// TestLintRules starts from the clean base, applies one edit and expects
// exactly one finding, of the named rule, on the edited line. A case with no
// rule expects no finding.
func TestLintRules(t *testing.T) {
	cases := []struct {
		name  string
		rule  string
		edits []lintEdit
		at    string // a substring of the line the finding must point at
	}{
		{"category without field", ruleFieldCategory, []lintEdit{
			{minimalLocation, minimalLocation + "\n  - {id: profile, label: {en: Profile, zh: 资料}}"},
			{"categories: [contact]", "categories: [contact, profile]"},
		}, "id: profile"},
		{"identifier in another category", ruleFieldCategory, []lintEdit{{"lookup: email}", "lookup: email, identifier: imei}"}}, "id: email"},

		{"field collected by no function", ruleFieldUsed, []lintEdit{{
			"  - {id: gps,", "  - {id: phone, category: contact, label: {en: Phone number, zh: 电话号码}}\n  - {id: gps,"}}, "id: phone"},

		{"field collected for no purpose", ruleFieldUsed, []lintEdit{{"purposes: [account]", "purposes: []"}}, "id: email"},

		{"category without retention", ruleRetention, []lintEdit{{"categories: [location_precise]", "fields: [email]"}}, "id: location_precise"},
		{"retention for another purpose only", ruleRetention, []lintEdit{{"categories: [location_precise]", "categories: [location_precise]\n    purposes: [account]"}}, "id: location_precise"},

		{"sensitive data on plain consent", ruleSensitiveConsent, []lintEdit{{minimalLocation, sensitiveLocation}}, "consent: consent"},
		{"sensitive category without necessity", ruleSensitiveConsent, []lintEdit{
			{minimalLocation, "  - {id: location_precise, taxonomy: location_track, label: {en: Location track, zh: 行踪轨迹}}"},
			{"    consent: consent", "    consent: separate"},
		}, "id: location_precise"},
		{"sensitive data on separate consent", "", []lintEdit{{minimalLocation, sensitiveLocation}, {"    consent: consent", "    consent: separate"}}, ""},

		{"guardian age under PIPL 31", ruleMinorsGuardian, []lintEdit{{"guardian_consent_below: 14", "guardian_consent_below: 13"}}, "guardian_consent_below"},
		{"minimum age covers PIPL 31", "", []lintEdit{{"minimum_age: 0", "minimum_age: 18"}, {"guardian_consent_below: 14", "guardian_consent_below: 0"}}, ""},
		{"regional guardian age", ruleMinorsGuardian, []lintEdit{{"  on_discovery: delete\n", "  on_discovery: delete\n  regions:\n    - {region: DE, guardian_consent_below: 12}\n"}}, "region: DE"},
		{"child's data without guardian consent", ruleMinorsGuardian, []lintEdit{
			{minimalLocation, minimalLocation + "\n  - {id: child, taxonomy: minor_under_14, label: {en: Child's age, zh: 儿童年龄}, " +
				"necessity: {en: To protect children., zh: 为保护儿童。}, impact: {en: Reveals a child., zh: 会显示儿童身份。}, impact_assessment: pia-2025-02}"},
			{"  - {id: gps,", "  - {id: child_age, category: child, label: {en: Age, zh: 年龄}}\n  - {id: gps,"},
			{"fields: [gps]\n    permissions", "fields: [gps, child_age]\n    permissions"},
			{"categories: [contact]", "categories: [contact, child]"},
		}, "consent: consent"},
		{"no statement on minors", ruleMinorsGuardian, []lintEdit{{"  statement: {en: Children need a guardian's consent., zh: 儿童需经监护人同意。}\n", ""}}, "minors:"},

		{"function does not list its permission back", rulePermission, []lintEdit{{"    fields: [gps]\n    permissions: [location]\n", "    fields: [gps]\n"}}, "functions: [nearby]"},
		{"permission names no field", rulePermission, []lintEdit{{"    fields: [gps]\n    purpose:", "    purpose:"}}, "=- id: location"},
		{"permission gating no field", "", []lintEdit{{"    fields: [gps]\n    purpose:", "    fields: []\n    purpose:"}}, ""},
		{"permission field not collected", rulePermission, []lintEdit{{"    fields: [gps]\n    purpose:", "    fields: [gps, email]\n    purpose:"}}, "fields: [gps, email]"},
		{"permission tied to no function", rulePermission, []lintEdit{
			{"    fields: [gps]\n    permissions: [location]\n", "    fields: [gps]\n"},
			{"    functions: [nearby]\n", "    functions: []\n"},
		}, "=- id: location"},

		{"recipient gets a field not collected for its purposes", ruleRecipientFields, []lintEdit{{"", "recipients:\n" +
			"  - id: maps\n    company: {en: Maps Co., zh: 地图公司}\n    kind: sdk\n    role: processor\n    purposes: [nearby]\n" +
			"    fields: [email] # here\n    region: CN\n    way: {en: Through its SDK., zh: 通过其 SDK。}\n"}}, "# here"},
		{"recipient abroad without a transfer", ruleRecipientFields, []lintEdit{{"", "recipients:\n" +
			"  - id: maps\n    company: {en: Maps Co., zh: 地图公司}\n    kind: sdk\n    role: processor\n    purposes: [nearby]\n" +
			"    fields: [gps]\n    region: US # here\n    way: {en: Through its SDK., zh: 通过其 SDK。}\n    consent: separate\n"}}, "# here"},
		{"recipient abroad with a transfer", "", []lintEdit{
			{"", "recipients:\n" +
				"  - id: maps\n    company: {en: Maps Co., zh: 地图公司}\n    kind: sdk\n    role: processor\n    purposes: [nearby]\n" +
				"    fields: [gps]\n    region: US\n    way: {en: Through its SDK., zh: 通过其 SDK。}\n"},
			{"  regions: [CN]\n", "  regions: [CN]\n  transfers:\n    - {id: to-us, to: US, recipient: maps, purposes: [nearby], fields: [gps], mechanism: standard_contract, consent: separate}\n"},
		}, ""},

		{"transfer without separate consent", ruleCrossBorder, []lintEdit{{"  regions: [CN]\n",
			"  regions: [CN]\n  transfers:\n    - {id: to-sg, to: SG, purposes: [nearby], fields: [gps], mechanism: standard_contract, consent: consent}\n"}}, "id: to-sg"},
		{"transfer out of China on an EU mechanism", ruleCrossBorder, []lintEdit{{"  regions: [CN]\n",
			"  regions: [CN]\n  transfers:\n    - {id: to-sg, to: SG, purposes: [nearby], fields: [gps], mechanism: scc, consent: separate}\n"}}, "id: to-sg"},
		{"stored outside China without a transfer", ruleCrossBorder, []lintEdit{{"  regions: [CN]\n", "  regions: [CN, SG]\n"}}, "regions: [CN, SG]"},

		{"no basis under a declared law", ruleLegalBasis, []lintEdit{{"basis: {pipl: contract, gdpr: contract}", "basis: {pipl: contract}"}}, "basis: {pipl: contract}"},
		{"consent basis without consent", ruleLegalBasis, []lintEdit{{"    consent: consent", "    consent: none # here"}}, "# here"},
		{"consent without consent basis", ruleLegalBasis, []lintEdit{{"    consent: none", "    consent: consent # here"}}, "# here"},
		{"unknown CCPA basis", ruleLegalBasis, []lintEdit{{"basis: {pipl: contract, gdpr: contract}", "basis: {pipl: contract, gdpr: contract, ccpa: vibes}"}}, "ccpa: vibes"},

		{"right without channel", ruleRights, []lintEdit{{rightLine, "    - {right: access, how: {en: In the app settings., zh: 在应用设置中。}, channels: []}\n"}}, "right: access"},
		{"GDPR deadline over a month", ruleRights, []lintEdit{{"deadline: 15 working days", "deadline: 2 months"}}, "deadline: 2 months"},
		{"no verification", ruleRights, []lintEdit{{"verification: [account_login]", "verification: []"}}, "verification: []"},
		{"routing to a controller by a controller", ruleRights, []lintEdit{{"routing: self", "routing: controller"}}, "routing: controller"},
		{"entrusted party routes to the controller", "", []lintEdit{{"routing: self", "routing: controller"}, {"role: controller", "role: entrusted"}}, ""},

		{"recommendation without opt-out", ruleADM, []lintEdit{{"", "automated_decisions:\n" +
			"  - id: feed\n    kind: recommendation\n    description: {en: We suggest places., zh: 我们推荐地点。}\n" +
			"    purposes: [nearby]\n    fields: [gps]\n    opt_out: false # here\n"}}, "# here"},
		{"significant decision without human review", ruleADM, []lintEdit{
			{"", "automated_decisions:\n" +
				"  - id: score\n    kind: decision\n    description: {en: We score accounts., zh: 我们为账号评分。}\n" +
				"    purposes: [account]\n    fields: [email]\n    opt_out: false\n    significant_effect: true\n    human_review: false # here\n"},
			{rightLine, rightLine + "    - {right: adm_review, how: {en: Write to us., zh: 请联系我们。}, channels: [app]}\n"},
		}, "# here"},

		{"authority told too late", ruleIncident, []lintEdit{{"authority_deadline: 72 hours", "authority_deadline: 5 days"}}, "authority_deadline: 5 days"},
		{"subjects never told", ruleIncident, []lintEdit{{"notify_subjects: [email]", "notify_subjects: []"}}, "notify_subjects: []"},

		{"measure trustee cannot enforce", ruleUnenforceable, []lintEdit{{"  measures:\n", "  measures:\n    - {id: penetration_tests, description: {en: Yearly tests., zh: 每年测试。}}\n"}}, "penetration_tests"},
		{"attested measure", "", []lintEdit{{"  measures:\n", "  measures:\n    - {id: penetration_tests, description: {en: Yearly tests., zh: 每年测试。}, attestation: {by: CISO}}\n"}}, ""},
		{"commitment without mechanism", ruleUnenforceable, []lintEdit{{"", "commitments:\n  - {id: no-ads, text: {en: We show no ads., zh: 我们不展示广告。}}\n"}}, "id: no-ads"},
		{"commitment on an unknown mechanism", ruleUnenforceable, []lintEdit{{"", "commitments:\n  - {id: no-ads, text: {en: We show no ads., zh: 我们不展示广告。}, enforcement: good_will}\n"}}, "id: no-ads"},
		{"commitment on a mechanism", "", []lintEdit{{"", "commitments:\n  - {id: gate, text: {en: We collect only what we declare., zh: 我们只收集声明的信息。}, enforcement: collection_gate}\n"}}, ""},

		{"label in English only", ruleTextLanguages, []lintEdit{{"label: {en: Contact details, zh: 联系方式}", "label: {en: Contact details}"}}, "label: {en: Contact details}"},
		{"note in Chinese only", ruleTextLanguages, []lintEdit{{"basis: {pipl: contract, gdpr: contract}", "basis: {pipl: contract, gdpr: contract, note: {zh: 履行合同所必需}}"}}, "note: {zh:"},

		{"major change left out", ruleChangePolicy, []lintEdit{{"contact, impact_assessment]", "contact]"}}, "major_changes:"},
		{"changes told through no channel", ruleChangePolicy, []lintEdit{{"notify: [popup]", "notify: []"}}, "notify: []"},

		{"department without contact", ruleContact, []lintEdit{{"    contacts:\n      - {kind: email, value: dpo@example.com}\n", "    contacts: []\n"}}, "    contacts: []"},
		{"no complaint channel", ruleContact, []lintEdit{{"    description: {en: You may complain to the regulator., zh: 您可以向监管部门投诉。}\n", "    authority: {en: The CAC, zh: 国家网信办}\n"}}, "complaint:"},
		{"contact without value", ruleContact, []lintEdit{{"{kind: email, value: privacy@example.com}", "{kind: email, value: \"\"}"}}, "value: \"\""},
	}
	base := lintBase(t)
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := lintApply(t, base, tc.edits)
			got := Lint(lintParse(t, src))
			if tc.rule == "" {
				for _, f := range got {
					t.Errorf("unexpected finding: %v", f)
				}
				return
			}
			covered[tc.rule] = true
			if len(got) != 1 {
				t.Fatalf("want one %s finding, got %d:\n%s", tc.rule, len(got), lintLines(got))
			}
			f := got[0]
			if f.Rule != tc.rule {
				t.Errorf("rule = %s, want %s: %v", f.Rule, tc.rule, f)
			}
			if f.Pos.Line < 1 || f.Pos.Column < 1 || f.Pos.File != "x.yaml" {
				t.Errorf("bad position %v", f.Pos)
			}
			if want := lineOf(t, src, tc.at); f.Pos.Line != want {
				t.Errorf("line = %d, want %d (%q): %v", f.Pos.Line, want, tc.at, f)
			}
			if f.Message == "" || f.Hint == "" || !strings.HasPrefix(f.Path, "$") {
				t.Errorf("finding lacks message, hint or path: %#v", f)
			}
			if !strings.HasPrefix(f.String(), f.Pos.String()+": "+tc.rule+": ") {
				t.Errorf("String() = %q", f.String())
			}
		})
	}
	for _, r := range Rules {
		if !covered[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
	}
}

func lintLines(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\t" + f.String() + "\n")
	}
	return b.String()
}

func TestLintRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.ID != strings.ToLower(r.ID) || strings.ContainsAny(r.ID, " _") {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if r.Summary == "" || r.Law == "" {
			t.Errorf("rule %s lacks a summary or a law citation", r.ID)
		}
	}
}

// TestLintSorted checks that findings come sorted by position, and that
// Lint never panics on a declaration that failed Parse's checks.
func TestLintSorted(t *testing.T) {
	src := lintApply(t, lintBase(t), []lintEdit{
		{"notify: [popup]", "notify: []"},
		{"label: {en: Contact details, zh: 联系方式}", "label: {en: Contact details}"},
		{"authority_deadline: 72 hours", "authority_deadline: 5 days"},
	})
	got := Lint(lintParse(t, src))
	if len(got) != 3 {
		t.Fatalf("want 3 findings, got:\n%s", lintLines(got))
	}
	if !slices.IsSortedFunc(got, func(a, b Finding) int { return a.Pos.Line - b.Pos.Line }) {
		t.Errorf("findings not sorted:\n%s", lintLines(got))
	}

	bad := strings.Replace(src, "fields: [gps]\n    permissions", "fields: [gps, altitude]\n    permissions", 1)
	doc, err := Parse("bad.yaml", []byte(bad))
	if err == nil || doc == nil {
		t.Fatalf("want a document with errors, got %v, %v", doc, err)
	}
	_ = Lint(doc)
	if Lint(nil) != nil {
		t.Error("Lint(nil) returned findings")
	}
}

func TestFindingJSON(t *testing.T) {
	f := Finding{Pos: Pos{File: "app.yaml", Line: 36, Column: 5}, Path: "$.purposes[1].consent", Rule: "sensitive-consent", Message: "m", Hint: "h"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"file":"app.yaml","line":36,"column":5,"path":"$.purposes[1].consent","rule":"sensitive-consent","message":"m","hint":"h"}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip = %#v, %v", back, err)
	}
	if got, want := f.String(), "app.yaml:36:5: sensitive-consent: m (fix: h)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	b, _ = json.Marshal(Rules[0])
	if !strings.HasPrefix(string(b), `{"id":"field-category","summary":`) || !strings.Contains(string(b), `"law":`) {
		t.Errorf("Rule JSON = %s", b)
	}
}
