package consent

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
)

// fakeSource is an in-memory Source.
type fakeSource struct {
	mu       sync.Mutex
	active   map[string]*policy.Declaration            // by tenant
	versions map[string]map[string]*policy.Declaration // by tenant, version
	subjects map[subjectKey]SubjectState
	fail     error

	subjectReads atomic.Int64
	declReads    atomic.Int64
}

var _ Source = (*fakeSource)(nil)

func newFakeSource() *fakeSource {
	return &fakeSource{
		active:   map[string]*policy.Declaration{},
		versions: map[string]map[string]*policy.Declaration{},
		subjects: map[subjectKey]SubjectState{},
	}
}

// addVersion records d as a version of tenant's declaration, and makes it
// the active one when active is true.
func (f *fakeSource) addVersion(tenant string, d *policy.Declaration, active bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions[tenant] == nil {
		f.versions[tenant] = map[string]*policy.Declaration{}
	}
	f.versions[tenant][d.Version] = d
	if active {
		f.active[tenant] = d
	}
}

func (f *fakeSource) setSubject(tenant, subject string, st SubjectState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subjects[subjectKey{tenant, subject}] = st
}

// setConsent replaces the subject's last event for purpose.
func (f *fakeSource) setConsent(tenant, subject, purpose string, c ConsentState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := subjectKey{tenant, subject}
	st := f.subjects[k]
	m := make(map[string]ConsentState, len(st.Consents)+1)
	for p, v := range st.Consents {
		m[p] = v
	}
	m[purpose] = c
	st.Consents = m
	f.subjects[k] = st
}

func (f *fakeSource) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

func (f *fakeSource) ActiveDeclaration(_ context.Context, tenant string) (*policy.Declaration, error) {
	f.declReads.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	if d, ok := f.active[tenant]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("tenant %s: %w", tenant, ErrNoDeclaration)
}

func (f *fakeSource) DeclarationByVersion(_ context.Context, tenant, version string) (*policy.Declaration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	if d, ok := f.versions[tenant][version]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("tenant %s version %s: %w", tenant, version, ErrNoDeclaration)
}

func (f *fakeSource) SubjectState(_ context.Context, tenant, subject string) (SubjectState, error) {
	f.subjectReads.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return SubjectState{}, f.fail
	}
	return f.subjects[subjectKey{tenant, subject}], nil
}

// fakeFeed is an in-memory Feed.
type fakeFeed struct {
	mu      sync.Mutex
	changes []Change // change i has cursor i+1
	fail    error
	polls   atomic.Int64
}

var _ Feed = (*fakeFeed)(nil)

func (f *fakeFeed) push(cs ...Change) {
	f.mu.Lock()
	f.changes = append(f.changes, cs...)
	f.mu.Unlock()
}

func (f *fakeFeed) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

func (f *fakeFeed) Changes(_ context.Context, after int64) ([]Change, int64, error) {
	defer f.polls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, after, f.fail
	}
	if after < 0 { // the first poll: only the cursor
		return nil, int64(len(f.changes)), nil
	}
	return append([]Change(nil), f.changes[after:]...), int64(len(f.changes)), nil
}

// minimalYAML is the policy package's minimal declaration.
func minimalYAML(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../policy/testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parse parses a declaration, failing the test on error.
func parse(t testing.TB, yaml string) *policy.Declaration {
	t.Helper()
	doc, err := policy.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

// edit replaces old by new in s, failing the test when old is absent.
func edit(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("edit: %q not found", old)
	}
	return strings.Replace(s, old, new, 1)
}

func text(en string) policy.Text { return policy.Text{EN: en, ZH: en} }

// richDeclaration is minimal.yaml plus purposes of every consent kind, a
// sale, a purpose lacking a GDPR basis, transfers and a regional age rule.
func richDeclaration(t testing.TB) *policy.Declaration {
	d := parse(t, minimalYAML(t))
	d.ID, d.Version = "rich-app", "1.0"
	d.Categories = append(d.Categories,
		policy.Category{ID: "biometric_face", Label: text("Face")},
		policy.Category{ID: "online_identifiers", Label: text("Advertising identifiers")})
	d.Fields = append(d.Fields,
		policy.Field{ID: "face_image", Category: "biometric_face", Label: text("Face image")},
		policy.Field{ID: "ad_id", Category: "online_identifiers", Label: text("Advertising id")})
	consentBasis := policy.Basis{PIPL: "consent", GDPR: "consent"}
	d.Purposes = append(d.Purposes,
		policy.Purpose{ID: "ads", Label: text("Targeted ads"), Basis: consentBasis, Consent: "consent", SaleOrShare: true},
		policy.Purpose{ID: "face_login", Label: text("Face login"), Basis: consentBasis, Consent: "separate"},
		policy.Purpose{ID: "kids_mode", Label: text("Kids mode"), Basis: consentBasis, Consent: "guardian"},
		policy.Purpose{ID: "half_based", Label: text("Half based"), Basis: policy.Basis{PIPL: "contract"}, Consent: "none"},
		policy.Purpose{ID: "backup", Label: text("Backup"), Basis: policy.Basis{PIPL: "contract", GDPR: "contract"}, Consent: "none"})
	d.Functions = append(d.Functions,
		policy.Function{ID: "ads", Name: text("Ads"), Kind: "third_party", Purposes: []string{"ads"}, Fields: []string{"ad_id", "email"}},
		policy.Function{ID: "face", Name: text("Face login"), Kind: "optional", Purposes: []string{"face_login"}, Fields: []string{"face_image"}},
		policy.Function{ID: "kids", Name: text("Kids"), Kind: "optional", Purposes: []string{"kids_mode"}, Fields: []string{"email"}},
		policy.Function{ID: "half", Name: text("Half"), Kind: "core", Purposes: []string{"half_based", "backup"}, Fields: []string{"email"}})
	d.Storage.Transfers = []policy.Transfer{
		{ID: "hk-backup", To: "HK", Purposes: []string{"backup"}, Fields: []string{"email"}, Mechanism: "standard_contract", Consent: "separate"},
		{ID: "eu-ads", To: "EU", Purposes: []string{"ads"}, Fields: []string{"ad_id"}, Mechanism: "standard_contract", Consent: "consent"},
	}
	d.Recipients = []policy.Recipient{{ID: "adnet", Company: text("AdNet Inc."), Kind: "sdk", Role: "controller",
		Purposes: []string{"ads"}, Fields: []string{"ad_id"}, Region: "DE", Consent: "consent"}}
	d.Minors.Regions = []policy.RegionAge{{Region: "EU", GuardianConsentBelow: 16}}
	return d
}

// adultDeclaration is minimal.yaml for a product for adults only (seed 003):
// minimum age 18, 19 in South Korea.
func adultDeclaration(t testing.TB) *policy.Declaration {
	y := edit(t, minimalYAML(t), "  minimum_age: 0\n  guardian_consent_below: 14\n",
		"  minimum_age: 18\n  guardian_consent_below: 0\n  regions:\n    - {region: KR, minimum_age: 19, guardian_consent_below: 0}\n")
	return parse(t, y)
}

// v2YAML is minimal.yaml after a major change: the consent-based purpose's
// function collects one more field.
func v2YAML(t testing.TB) string {
	y := minimalYAML(t)
	y = edit(t, y, `version: "1.0"`, `version: "2.0"`)
	y = edit(t, y, "  - {id: gps, category: location_precise, label: {en: GPS position, zh: GPS 位置}, source: device}\n",
		"  - {id: gps, category: location_precise, label: {en: GPS position, zh: GPS 位置}, source: device}\n"+
			"  - {id: gps_accuracy, category: location_precise, label: {en: GPS accuracy, zh: GPS 精度}, source: device}\n")
	return edit(t, y, "    fields: [gps]\n    permissions: [location]", "    fields: [gps, gps_accuracy]\n    permissions: [location]")
}

// v11YAML is minimal.yaml after a minor change: a label reworded.
func v11YAML(t testing.TB) string {
	y := edit(t, minimalYAML(t), `version: "1.0"`, `version: "1.1"`)
	return edit(t, y, "label: {en: Nearby search, zh: 附近搜索}", "label: {en: Search nearby, zh: 搜索附近}")
}

// usStorageDeclaration stores in the US, with a transfer there for the
// account purpose needing separate consent (as seed 003 does).
func usStorageDeclaration(t testing.TB) *policy.Declaration {
	d := parse(t, minimalYAML(t))
	d.Version = "us-1"
	d.Storage.Regions = []string{"US"}
	d.Storage.Transfers = []policy.Transfer{{ID: "us-servers", To: "US", Purposes: []string{"account"}, Fields: []string{"email"},
		Mechanism: "standard_contract", Consent: "separate"}}
	return d
}

// Tenants of the fixture.
const (
	tMin   = "t-minimal"
	tRich  = "t-rich"
	tAdult = "t-adult"
	tV2    = "t-v2"
	tV11   = "t-v11"
	tUS    = "t-us"
	tNone  = "t-none"
)

// fixture returns a source holding every tenant of the tests.
func fixture(t testing.TB) *fakeSource {
	t.Helper()
	f := newFakeSource()
	f.addVersion(tMin, parse(t, minimalYAML(t)), true)
	f.addVersion(tRich, richDeclaration(t), true)
	f.addVersion(tAdult, adultDeclaration(t), true)
	f.addVersion(tV2, parse(t, minimalYAML(t)), false)
	f.addVersion(tV2, parse(t, v2YAML(t)), true)
	f.addVersion(tV11, parse(t, minimalYAML(t)), false)
	f.addVersion(tV11, parse(t, v11YAML(t)), true)
	f.addVersion(tUS, usStorageDeclaration(t), true)
	return f
}

var at = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func grant(kind, version string) ConsentState {
	return ConsentState{Granted: true, Kind: kind, DeclarationVersion: version, At: at}
}

func withdrawn(kind, version string) ConsentState {
	return ConsentState{Granted: false, Kind: kind, DeclarationVersion: version, At: at}
}
