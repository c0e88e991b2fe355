package policy

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// diffPair parses testdata/minimal.yaml with the base edits applied as the
// old version, and with the base and the change edits as the new one.
func diffPair(t *testing.T, base, change []lintEdit) (*Declaration, *Declaration) {
	t.Helper()
	src := lintApply(t, string(mustRead(t, "testdata/minimal.yaml")), base)
	return lintParse(t, src).Decl, lintParse(t, lintApply(t, src, change)).Decl
}

func diffLines(cs ChangeSet) string {
	var b strings.Builder
	for _, c := range cs.Changes {
		b.WriteString("\t" + c.Kind + " " + c.Path + " " + strings.TrimSpace(c.Old+" → "+c.New) + " [" + c.Item + "] " + c.Summary + "\n")
	}
	return b.String()
}

// TestDiffMajor covers each of the six kinds of major change, each from
// minimal.yaml with one edit.
func TestDiffMajor(t *testing.T) {
	cases := []struct {
		name      string
		base      []lintEdit
		change    []lintEdit
		item      string
		path      string // the path of a change of that item
		reconsent []string
	}{
		{name: "field added to a consent purpose's function",
			change: []lintEdit{{"fields: [gps]\n    permissions", "fields: [gps, email]\n    permissions"}},
			item:   majorProcessing, path: "functions[nearby].fields", reconsent: []string{"nearby"}},
		{name: "field added to a purpose without consent",
			change: []lintEdit{
				{"  - {id: gps,", "  - {id: phone, category: contact, label: {en: Phone number, zh: 电话号码}}\n  - {id: gps,"},
				{"fields: [email]", "fields: [email, phone]"},
			},
			item: majorProcessing, path: "functions[login].fields"},
		{name: "new consent purpose",
			change: []lintEdit{{"functions:\n", "  - id: ads\n    label: {en: Ads, zh: 广告}\n    basis: {pipl: consent, gdpr: consent}\n    consent: separate\nfunctions:\n"}},
			item:   majorProcessing, path: "purposes[ads]", reconsent: []string{"ads"}},
		{name: "consent kind changed",
			change: []lintEdit{{"    consent: consent", "    consent: separate"}},
			item:   majorProcessing, path: "purposes[nearby].consent", reconsent: []string{"nearby"}},
		{name: "retention lengthened",
			change: []lintEdit{{"duration: 24 hours", "duration: 30 days"}},
			item:   majorProcessing, path: "retention[location-short].duration", reconsent: []string{"nearby"}},
		{name: "storage regions changed",
			change: []lintEdit{{"regions: [CN]", "regions: [CN, SG]"}},
			item:   majorProcessing, path: "storage.regions", reconsent: []string{"nearby"}},
		{name: "controller renamed",
			change: []lintEdit{{"name: {en: Example Ltd., zh: 示例有限公司}", "name: {en: Example Holdings Ltd., zh: 示例控股有限公司}"}},
			item:   majorController, path: "controller.name.en", reconsent: []string{"nearby"}},
		{name: "new recipient",
			change: []lintEdit{{"", "recipients:\n  - id: maps\n    company: {en: Maps Co., zh: 地图公司}\n    kind: sdk\n    role: processor\n" +
				"    purposes: [nearby]\n    fields: [gps]\n    region: CN\n    way: {en: Through its SDK., zh: 通过其 SDK。}\n"}},
			item: majorRecipients, path: "recipients[maps]", reconsent: []string{"nearby"}},
		{name: "right removed",
			change: []lintEdit{{"    - {right: delete, how: {en: In the app settings., zh: 在应用设置中。}, channels: [app]}\n", ""}},
			item:   majorRights, path: "rights.items[delete]", reconsent: []string{"nearby"}},
		{name: "deadline lengthened",
			change: []lintEdit{{"deadline: 15 working days", "deadline: 1 month"}},
			item:   majorRights, path: "rights.deadline", reconsent: []string{"nearby"}},
		{name: "department contact changed",
			change: []lintEdit{{"value: dpo@example.com", "value: privacy-office@example.com"}},
			item:   majorContact, path: "controller.department.contacts[email:privacy-office@example.com]", reconsent: []string{"nearby"}},
		{name: "new impact assessment for sensitive data",
			base:   []lintEdit{{minimalLocation, sensitiveLocation}},
			change: []lintEdit{{"impact_assessment: pia-2025-01", "impact_assessment: pia-2026-01"}},
			item:   majorImpact, path: "categories[location_precise].impact_assessment", reconsent: []string{"nearby"}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, new := diffPair(t, tc.base, tc.change)
			cs := Diff(old, new)
			if !cs.Major {
				t.Errorf("not major:\n%s", diffLines(cs))
			}
			i := slices.IndexFunc(cs.Changes, func(c Change) bool { return c.Path == tc.path })
			if i < 0 {
				t.Fatalf("no change at %s:\n%s", tc.path, diffLines(cs))
			}
			if c := cs.Changes[i]; !c.Major || c.Item != tc.item || c.Summary == "" {
				t.Errorf("change %s: major=%v item=%q summary=%q, want item %s", c.Path, c.Major, c.Item, c.Summary, tc.item)
			}
			seen[tc.item] = true
			want := tc.reconsent
			if want == nil {
				want = []string{}
			}
			if cs.ReconsentRequired != (len(want) > 0) || !slices.Equal(cs.ReconsentPurposes, want) {
				t.Errorf("reconsent = %v %v, want %v\n%s", cs.ReconsentRequired, cs.ReconsentPurposes, want, diffLines(cs))
			}
		})
	}
	for _, item := range []string{majorProcessing, majorController, majorRecipients, majorRights, majorContact, majorImpact} {
		if !seen[item] {
			t.Errorf("no case for major change %s", item)
		}
	}
}

// TestDiffMinor covers changes that are not major.
func TestDiffMinor(t *testing.T) {
	cases := []struct {
		name   string
		change []lintEdit
		paths  []string
	}{
		{"label wording and version", []lintEdit{
			{`version: "1.0"`, `version: "1.1"`},
			{"label: {en: Nearby search, zh: 附近搜索}", "label: {en: Search nearby, zh: 附近搜索}"},
		}, []string{"version", "purposes[nearby].label.en"}},
		{"retention shortened", []lintEdit{{"duration: 24 hours", "duration: 12 hours"}}, []string{"retention[location-short].duration"}},
		{"right added", []lintEdit{{"    - {right: delete,", "    - {right: complain, how: {en: In the app settings., zh: 在应用设置中。}, channels: [app]}\n    - {right: delete,"}}, []string{"rights.items[complain]"}},
		{"field removed from a function", []lintEdit{{"fields: [gps]\n    permissions", "fields: []\n    permissions"}}, []string{"functions[nearby].fields"}},
		{"deadline shortened", []lintEdit{{"deadline: 15 working days", "deadline: 10 working days"}}, []string{"rights.deadline"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := Diff(diffPair(t, nil, tc.change))
			if cs.Major || cs.ReconsentRequired || len(cs.ReconsentPurposes) != 0 {
				t.Errorf("major or reconsent:\n%s", diffLines(cs))
			}
			var paths []string
			for _, c := range cs.Changes {
				paths = append(paths, c.Path)
				if c.Major || c.Item != "" || c.Summary == "" {
					t.Errorf("change %+v", c)
				}
			}
			if !slices.Equal(paths, tc.paths) {
				t.Errorf("paths = %v, want %v", paths, tc.paths)
			}
		})
	}
}

func TestDiffIdentical(t *testing.T) {
	old, new := diffPair(t, nil, nil)
	cs := Diff(old, new)
	if len(cs.Changes) != 0 || cs.Major || cs.ReconsentRequired {
		t.Errorf("changes between identical declarations:\n%s", diffLines(cs))
	}
	if cs.Changes == nil || cs.ReconsentPurposes == nil {
		t.Error("empty lists must be non-nil, to marshal as []")
	}
	if cs.From != "1.0" || cs.To != "1.0" {
		t.Errorf("versions %q → %q", cs.From, cs.To)
	}
	if got := Diff(nil, nil); len(got.Changes) != 0 {
		t.Errorf("Diff(nil, nil) has changes:\n%s", diffLines(got))
	}
}

// TestDiffReordered checks that lists are matched by id and plain string
// lists compared as sets, so reordering changes nothing.
func TestDiffReordered(t *testing.T) {
	const (
		account = "  - id: account\n    label: {en: Account management, zh: 账号管理}\n    basis: {pipl: contract, gdpr: contract}\n    consent: none\n"
		nearby  = "  - id: nearby\n    label: {en: Nearby search, zh: 附近搜索}\n    basis: {pipl: consent, gdpr: consent}\n    consent: consent\n"
	)
	old, new := diffPair(t, nil, []lintEdit{
		{account + nearby, nearby + account},
		{"laws: [pipl, gdpr]", "laws: [gdpr, pipl]"},
		{"  - {id: contact, label: {en: Contact details, zh: 联系方式}}\n" + minimalLocation + "\n", minimalLocation + "\n  - {id: contact, label: {en: Contact details, zh: 联系方式}}\n"},
		{"major_changes: [purpose_or_processing, controller, recipients, rights, contact, impact_assessment]", "major_changes: [impact_assessment, contact, rights, recipients, controller, purpose_or_processing]"},
	})
	if reflect.DeepEqual(old, new) {
		t.Fatal("the edits did not reorder anything")
	}
	if cs := Diff(old, new); len(cs.Changes) != 0 {
		t.Errorf("reordering gave changes:\n%s", diffLines(cs))
	}
}

// TestDiffDeterministic checks that two runs give the same order, and that
// every path names elements by id.
func TestDiffDeterministic(t *testing.T) {
	old, new := diffPair(t, nil, []lintEdit{
		{"regions: [CN]", "regions: [SG, HK]"},
		{"fields: [gps]\n    permissions", "fields: [gps, email]\n    permissions"},
		{`version: "1.0"`, `version: "2.0"`},
		{"    consent: consent", "    consent: separate"},
	})
	a, b := Diff(old, new), Diff(old, new)
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs differ")
	}
	for _, c := range a.Changes {
		if strings.ContainsAny(c.Path, "0123456789") && !strings.HasPrefix(c.Path, "version") {
			t.Errorf("path %q looks positional", c.Path)
		}
	}
	if len(a.Changes) != 6 { // version, 2 regions, CN removed, consent, fields
		t.Errorf("want 6 changes:\n%s", diffLines(a))
	}
}

func TestChangeSetJSON(t *testing.T) {
	old, new := diffPair(t, nil, []lintEdit{{`version: "1.0"`, `version: "1.1"`}, {"    consent: consent", "    consent: separate"}})
	b, err := json.Marshal(Diff(old, new))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"from":"1.0","to":"1.1","changes":[` +
		`{"path":"version","kind":"changed","old":"1.0","new":"1.1","major":false,"item":"","summary":"version label changed"},` +
		`{"path":"purposes[nearby].consent","kind":"changed","old":"consent","new":"separate","major":true,"item":"purpose_or_processing","summary":"the consent a purpose asks for changed"}` +
		`],"major":true,"reconsent_required":true,"reconsent_purposes":["nearby"]}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
	b, _ = json.Marshal(Diff(old, old))
	if want := `{"from":"1.0","to":"1.0","changes":[],"major":false,"reconsent_required":false,"reconsent_purposes":[]}`; string(b) != want {
		t.Errorf("empty JSON = %s", b)
	}
}

// TestDiffRulesValid checks that every classification rule names a
// taxonomy major-change kind and matches a path a declaration can produce,
// so a misspelt rule cannot silently classify nothing.
func TestDiffRulesValid(t *testing.T) {
	valid := map[string]bool{"": true}
	for _, id := range lintMajorIDs() {
		valid[id] = true
	}
	shapes := diffShapes(reflect.TypeFor[Declaration](), "")
	for _, r := range diffRules {
		if !valid[r.item] {
			t.Errorf("rule %s: unknown item %q", r.shape, r.item)
		}
		if r.what == "" {
			t.Errorf("rule %s: no summary", r.shape)
		}
		if !slices.ContainsFunc(shapes, func(s string) bool { return diffMatch(strings.Split(r.shape, "."), strings.Split(s, ".")) }) {
			t.Errorf("rule %s matches no path of a declaration", r.shape)
		}
	}
}

// diffShapes returns every shape the walker can produce for type t.
func diffShapes(t reflect.Type, shape string) []string {
	out := []string{}
	if shape != "" {
		out = append(out, shape)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return append(out[:0], diffShapes(t.Elem(), shape)...)
	case reflect.Slice:
		if _, keyed := diffKeyFunc(t.Elem()); keyed {
			return append(out, diffShapes(t.Elem(), shape+"[]")...)
		}
	case reflect.Struct:
		if t == diffPeriodType || t == diffDateType {
			return out
		}
		for f := range t.Fields() {
			if f.IsExported() {
				name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				out = append(out, diffShapes(f.Type, diffJoin(shape, name))...)
			}
		}
	}
	return out
}
