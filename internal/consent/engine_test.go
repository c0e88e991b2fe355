package consent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	type tc struct {
		name  string
		state *SubjectState // nil: an unknown subject
		q     Query
		want  Reason
		law   string // a substring of Decision.Law, when set
	}
	// Shorthands.
	consents := func(kv ...any) map[string]ConsentState {
		m := map[string]ConsentState{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(ConsentState)
		}
		return m
	}
	nearbyOK := &SubjectState{Status: StatusActive, Consents: consents("nearby", grant("consent", "1.0")),
		Permissions: map[string]map[string]bool{"phone-1": {"location": true}, "phone-2": {"location": false}}}
	nearby := func(tenant string) Query {
		return Query{Tenant: tenant, Field: "gps", Purpose: "nearby", Device: "phone-1"}
	}
	account := func(tenant string) Query { return Query{Tenant: tenant, Field: "email", Purpose: "account"} }
	q := func(tenant, field, purpose string) Query {
		return Query{Tenant: tenant, Field: field, Purpose: purpose}
	}
	with := func(q Query, f func(*Query)) Query { f(&q); return q }

	cases := []tc{
		// Allowed.
		{name: "unknown subject, no consent needed", q: account(tMin), want: ReasonOK},
		{name: "consent granted, permission on", state: nearbyOK, q: nearby(tMin), want: ReasonOK},
		{name: "active subject, no consent needed", state: &SubjectState{Status: StatusActive}, q: account(tMin), want: ReasonOK},

		// The declaration.
		{name: "no declaration", q: account(tNone), want: ReasonNoDeclaration, law: "PIPL Art. 7, 17"},
		{name: "purpose not declared", q: q(tMin, "email", "marketing"), want: ReasonPurposeNotDeclared, law: "GDPR Art. 5(1)(b)"},
		{name: "field not declared", q: q(tMin, "phone", "account"), want: ReasonFieldNotDeclared, law: "GDPR Art. 5(1)(c)"},
		{name: "field not for purpose", q: q(tMin, "gps", "account"), want: ReasonFieldNotForPurpose, law: "PIPL Art. 6"},
		{name: "no GDPR basis", q: q(tRich, "email", "half_based"), want: ReasonNoLegalBasis, law: "GDPR Art. 6(1)"},

		// The subject's status.
		{name: "restricted", state: &SubjectState{Status: StatusRestricted}, q: account(tMin), want: ReasonSubjectRestricted, law: "GDPR Art. 18, 21"},
		{name: "banned", state: &SubjectState{Status: StatusBanned}, q: account(tMin), want: ReasonSubjectBanned, law: "PIPL Art. 47"},
		{name: "cancelled", state: &SubjectState{Status: StatusCancelled}, q: account(tMin), want: ReasonSubjectCancelled, law: "PIPL Art. 47"},
		{name: "erased", state: &SubjectState{Status: StatusErased}, q: account(tMin), want: ReasonSubjectErased, law: "GDPR Art. 17"},
		{name: "unknown status fails closed", state: &SubjectState{Status: "frozen"}, q: account(tMin), want: ReasonSubjectRestricted},
		{name: "restricted beats consent", state: &SubjectState{Status: StatusRestricted, Consents: nearbyOK.Consents}, q: nearby(tMin), want: ReasonSubjectRestricted},

		// Minors.
		{name: "adult product: 16 is under 18", state: &SubjectState{AgeFloor: 16}, q: account(tAdult), want: ReasonUnderMinimumAge, law: "PIPL Art. 31"},
		{name: "adult product: 18 is enough", state: &SubjectState{AgeFloor: 18, Region: "CN"}, q: account(tAdult), want: ReasonOK},
		{name: "adult product: 18 is under 19 in KR", state: &SubjectState{AgeFloor: 18, Region: "KR"}, q: account(tAdult), want: ReasonUnderMinimumAge},
		{name: "adult product: unknown age", state: &SubjectState{}, q: account(tAdult), want: ReasonOK},
		{name: "13 under guardian age 14, own consent", state: &SubjectState{AgeFloor: 13, Consents: consents("nearby", grant("consent", "1.0"))},
			q: q(tMin, "gps", "nearby"), want: ReasonNoGuardianConsent, law: "PIPL Art. 31"},
		{name: "13 under guardian age 14, no consent", state: &SubjectState{AgeFloor: 13}, q: q(tMin, "gps", "nearby"), want: ReasonNoGuardianConsent},
		{name: "13 with guardian consent", state: &SubjectState{AgeFloor: 13, Consents: consents("nearby", grant("guardian", "1.0"))},
			q: q(tMin, "gps", "nearby"), want: ReasonOK},
		{name: "13, purpose needs no consent", state: &SubjectState{AgeFloor: 13}, q: account(tMin), want: ReasonOK},
		{name: "13, guardian withdrew", state: &SubjectState{AgeFloor: 13, Consents: consents("nearby", withdrawn("guardian", "1.0"))},
			q: q(tMin, "gps", "nearby"), want: ReasonConsentWithdrawn},
		{name: "14 in CN consents alone", state: &SubjectState{AgeFloor: 14, Region: "CN", Consents: consents("nearby", grant("consent", "1.0"))},
			q: q(tRich, "gps", "nearby"), want: ReasonOK},
		{name: "15 in DE needs a guardian (EU rule: 16)", state: &SubjectState{AgeFloor: 15, Region: "DE", Consents: consents("nearby", grant("consent", "1.0"))},
			q: q(tRich, "gps", "nearby"), want: ReasonNoGuardianConsent},
		{name: "guardian purpose, adult's separate consent", state: &SubjectState{AgeFloor: 18, Consents: consents("kids_mode", grant("separate", "1.0"))},
			q: q(tRich, "email", "kids_mode"), want: ReasonNoGuardianConsent},
		{name: "guardian purpose, guardian consent", state: &SubjectState{AgeFloor: 13, Consents: consents("kids_mode", grant("guardian", "1.0"))},
			q: q(tRich, "email", "kids_mode"), want: ReasonOK},

		// Consent.
		{name: "no consent", state: &SubjectState{}, q: nearby(tMin), want: ReasonNoConsent, law: "GDPR Art. 6(1)(a), 7"},
		{name: "unknown subject, no consent", q: nearby(tMin), want: ReasonNoConsent},
		{name: "withdrawn", state: &SubjectState{Consents: consents("nearby", withdrawn("consent", "1.0"))}, q: nearby(tMin),
			want: ReasonConsentWithdrawn, law: "GDPR Art. 7(3)"},
		{name: "separate purpose, ordinary consent", state: &SubjectState{Consents: consents("face_login", grant("consent", "1.0"))},
			q: q(tRich, "face_image", "face_login"), want: ReasonNoSeparateConsent, law: "PIPL Art. 29"},
		{name: "separate purpose, no consent", state: &SubjectState{}, q: q(tRich, "face_image", "face_login"), want: ReasonNoSeparateConsent},
		{name: "separate purpose, separate consent", state: &SubjectState{Consents: consents("face_login", grant("separate", "1.0"))},
			q: q(tRich, "face_image", "face_login"), want: ReasonOK},
		{name: "separate purpose, minor's guardian consent", state: &SubjectState{AgeFloor: 13, Consents: consents("face_login", grant("guardian", "1.0"))},
			q: q(tRich, "face_image", "face_login"), want: ReasonOK},
		{name: "consent for another purpose", state: &SubjectState{Consents: consents("ads", grant("consent", "1.0"))}, q: nearby(tMin), want: ReasonNoConsent},
		{name: "unknown consent kind", state: &SubjectState{Consents: consents("nearby", grant("implied", "1.0"))}, q: nearby(tMin), want: ReasonNoConsent},

		// Re-consent.
		{name: "consent to 1.0, major change in 2.0", state: &SubjectState{Consents: consents("nearby", grant("consent", "1.0"))},
			q: q(tV2, "gps", "nearby"), want: ReasonReconsentRequired, law: "PIPL Art. 14, 17"},
		{name: "consent to 2.0", state: &SubjectState{Consents: consents("nearby", grant("consent", "2.0"))},
			q: q(tV2, "gps", "nearby"), want: ReasonOK},
		{name: "new field, consent to 2.0", state: &SubjectState{Consents: consents("nearby", grant("consent", "2.0"))},
			q: q(tV2, "gps_accuracy", "nearby"), want: ReasonOK},
		{name: "major change, purpose needs no consent", state: &SubjectState{Consents: consents("nearby", grant("consent", "1.0"))},
			q: account(tV2), want: ReasonOK},
		{name: "consent to 1.0, minor change in 1.1", state: &SubjectState{Consents: consents("nearby", grant("consent", "1.0"))},
			q: q(tV11, "gps", "nearby"), want: ReasonOK},
		{name: "consent to an unknown version", state: &SubjectState{Consents: consents("nearby", grant("consent", "0.9-lost"))},
			q: q(tMin, "gps", "nearby"), want: ReasonReconsentRequired},

		// GPC.
		{name: "sale, no opt-out", state: &SubjectState{Consents: consents("ads", grant("consent", "1.0"))}, q: q(tRich, "ad_id", "ads"), want: ReasonOK},
		{name: "sale, Sec-GPC", state: &SubjectState{Consents: consents("ads", grant("consent", "1.0"))},
			q: with(q(tRich, "ad_id", "ads"), func(q *Query) { q.GPC = true }), want: ReasonGPCOptOut, law: "CCPA 1798.120, 1798.135"},
		{name: "sale, recorded opt-out", state: &SubjectState{GPCOptOut: true, Consents: consents("ads", grant("consent", "1.0"))},
			q: q(tRich, "ad_id", "ads"), want: ReasonGPCOptOut},
		{name: "no sale, Sec-GPC", state: &SubjectState{GPCOptOut: true}, q: with(account(tRich), func(q *Query) { q.GPC = true }), want: ReasonOK},

		// Permissions.
		{name: "permission off on the device", state: nearbyOK, q: with(nearby(tMin), func(q *Query) { q.Device = "phone-2" }),
			want: ReasonPermissionOff, law: "GB/T 35273"},
		{name: "permission never recorded on the device", state: nearbyOK, q: with(nearby(tMin), func(q *Query) { q.Device = "tablet" }),
			want: ReasonPermissionOff},
		{name: "no device: permission not checked", state: nearbyOK, q: with(nearby(tMin), func(q *Query) { q.Device = "" }), want: ReasonOK},
		{name: "field behind no permission", state: nearbyOK, q: with(account(tMin), func(q *Query) { q.Device = "tablet" }), want: ReasonOK},

		// Regions and transfers.
		{name: "storage region", q: with(account(tMin), func(q *Query) { q.Region = "CN" }), want: ReasonOK},
		{name: "storage region, lower case", q: with(account(tMin), func(q *Query) { q.Region = "cn" }), want: ReasonOK},
		{name: "undeclared region", q: with(account(tMin), func(q *Query) { q.Region = "US" }), want: ReasonRegionNotDeclared, law: "PIPL Art. 38"},
		{name: "unknown region", q: with(account(tMin), func(q *Query) { q.Region = "ZZ" }), want: ReasonRegionNotDeclared},
		{name: "transfer to HK covers backup only", q: with(q(tRich, "email", "account"), func(q *Query) { q.Region = "HK" }),
			want: ReasonTransferNotDeclared, law: "PIPL Art. 38-39"},
		{name: "transfer needs separate consent", state: &SubjectState{}, q: with(q(tRich, "email", "backup"), func(q *Query) { q.Region = "HK" }),
			want: ReasonNoSeparateConsent, law: "PIPL Art. 39"},
		{name: "transfer with separate consent", state: &SubjectState{Consents: consents("backup", grant("separate", "1.0"))},
			q: with(q(tRich, "email", "backup"), func(q *Query) { q.Region = "HK" }), want: ReasonOK},
		{name: "transfer consent withdrawn", state: &SubjectState{Consents: consents("backup", withdrawn("separate", "1.0"))},
			q: with(q(tRich, "email", "backup"), func(q *Query) { q.Region = "HK" }), want: ReasonConsentWithdrawn},
		{name: "transfer to EU reaches DE", state: &SubjectState{Consents: consents("ads", grant("consent", "1.0"))},
			q: with(q(tRich, "ad_id", "ads"), func(q *Query) { q.Region = "DE" }), want: ReasonOK},
		{name: "transfer to EU does not cover email", state: &SubjectState{Consents: consents("ads", grant("consent", "1.0"))},
			q: with(q(tRich, "email", "ads"), func(q *Query) { q.Region = "DE" }), want: ReasonTransferNotDeclared},
		{name: "US storage, subject in CN, no separate consent", state: &SubjectState{Region: "CN"}, q: account(tUS),
			want: ReasonNoSeparateConsent, law: "PIPL Art. 39"},
		{name: "US storage, subject in CN, separate consent", state: &SubjectState{Region: "CN", Consents: consents("account", grant("separate", "us-1"))},
			q: account(tUS), want: ReasonOK},
		{name: "US storage, subject in US", state: &SubjectState{Region: "US"}, q: account(tUS), want: ReasonOK},
		{name: "US storage, subject in US-CA", state: &SubjectState{Region: "US-CA"}, q: account(tUS), want: ReasonOK},
		{name: "US storage, subject's region unknown", state: &SubjectState{}, q: account(tUS), want: ReasonOK},
	}

	src := fixture(t)
	for i := range cases {
		c := &cases[i]
		c.q.Subject = fmt.Sprintf("subj-%03d-pseudonym", i)
		if c.state != nil {
			src.setSubject(c.q.Tenant, c.q.Subject, *c.state)
		}
	}
	e := NewEngine(src)
	seen := map[Reason]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for pass := range 2 { // cold, then warm
				d, err := e.Decide(context.Background(), c.q)
				if err != nil {
					t.Fatal(err)
				}
				if d.Reason != c.want || d.Allowed != (c.want == ReasonOK) {
					t.Fatalf("pass %d: got %+v, want %s", pass, d, c.want)
				}
				if d.Allowed {
					if d.Detail != "" || d.Law != "" {
						t.Errorf("allowed decision with detail %q, law %q", d.Detail, d.Law)
					}
					continue
				}
				if d.Detail == "" || d.Law == "" {
					t.Errorf("refusal without detail or law: %+v", d)
				}
				if c.law != "" && !strings.Contains(d.Law, c.law) {
					t.Errorf("law = %q, want it to cite %q", d.Law, c.law)
				}
				if strings.Contains(d.Detail, c.q.Subject) || c.q.Device != "" && strings.Contains(d.Detail, c.q.Device) {
					t.Errorf("detail %q names the subject or device", d.Detail)
				}
			}
			seen[c.want] = true
		})
	}
	for _, r := range Reasons() {
		if !seen[r] {
			t.Errorf("no case gives reason %s", r)
		}
	}
}

func TestDecideCitesDeclaredLawsOnly(t *testing.T) {
	src := fixture(t)
	d := richDeclaration(t)
	d.Laws = []string{"gdpr"}
	d.Purposes = d.Purposes[:2]
	src.addVersion("gdpr-only", d, true)
	e := NewEngine(src)
	got, err := e.Decide(context.Background(), Query{Tenant: "gdpr-only", Subject: "s", Field: "gps", Purpose: "nearby"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Reason != ReasonNoConsent || got.Law != "GDPR Art. 6(1)(a), 7" {
		t.Errorf("got %+v, want no_consent citing GDPR only", got)
	}
}

func TestWithdrawalFlipsAtOnce(t *testing.T) {
	src := fixture(t)
	src.setConsent(tMin, "alice", "nearby", grant("consent", "1.0"))
	e := NewEngine(src)
	ctx := context.Background()
	q := Query{Tenant: tMin, Subject: "alice", Field: "gps", Purpose: "nearby"}
	decide := func() Reason {
		t.Helper()
		d, err := e.Decide(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return d.Reason
	}
	if r := decide(); r != ReasonOK {
		t.Fatalf("granted: %s", r)
	}
	src.setConsent(tMin, "alice", "nearby", withdrawn("consent", "1.0"))
	if r := decide(); r != ReasonOK {
		t.Fatalf("before Invalidate the cache still answers: got %s", r)
	}
	e.Invalidate(tMin, "alice")
	if r := decide(); r != ReasonConsentWithdrawn {
		t.Fatalf("after Invalidate: got %s, want consent_withdrawn", r)
	}
	src.setConsent(tMin, "alice", "nearby", grant("consent", "1.0"))
	e.Invalidate(tMin, "alice")
	if r := decide(); r != ReasonOK {
		t.Fatalf("granted again: got %s", r)
	}
}

func TestInvalidateTenantRecompilesSubjects(t *testing.T) {
	src := fixture(t)
	src.addVersion("t", parse(t, minimalYAML(t)), true)
	src.setConsent("t", "bob", "nearby", grant("consent", "1.0"))
	e := NewEngine(src)
	ctx := context.Background()
	q := Query{Tenant: "t", Subject: "bob", Field: "gps", Purpose: "nearby"}
	if d, _ := e.Decide(ctx, q); d.Reason != ReasonOK {
		t.Fatalf("under 1.0: %+v", d)
	}
	reads := src.subjectReads.Load()
	src.addVersion("t", parse(t, v2YAML(t)), true) // a major change is activated
	if d, _ := e.Decide(ctx, q); d.Reason != ReasonOK {
		t.Fatalf("before InvalidateTenant the snapshot still answers: %+v", d)
	}
	e.InvalidateTenant("t")
	if d, _ := e.Decide(ctx, q); d.Reason != ReasonReconsentRequired {
		t.Fatalf("after InvalidateTenant: %+v, want reconsent_required", d)
	}
	if got := src.subjectReads.Load(); got != reads {
		t.Errorf("subject state read %d more times; the cached state should be recompiled", got-reads)
	}
	src.setConsent("t", "bob", "nearby", grant("consent", "2.0"))
	e.Apply([]Change{{Tenant: "t", Subject: "bob", Kind: ChangeSubject}})
	if d, _ := e.Decide(ctx, q); d.Reason != ReasonOK {
		t.Fatalf("re-consented: %+v", d)
	}
}

func TestApply(t *testing.T) {
	src := fixture(t)
	for _, s := range []string{"a", "b"} {
		src.setConsent(tMin, s, "nearby", grant("consent", "1.0"))
	}
	e := NewEngine(src)
	ctx := context.Background()
	decide := func(s string) Reason {
		d, err := e.Decide(ctx, Query{Tenant: tMin, Subject: s, Field: "gps", Purpose: "nearby"})
		if err != nil {
			t.Fatal(err)
		}
		return d.Reason
	}
	decide("a")
	decide("b")
	for _, s := range []string{"a", "b"} {
		src.setConsent(tMin, s, "nearby", withdrawn("consent", "1.0"))
	}
	// A subject change with no subject drops every subject of the tenant.
	e.Apply([]Change{{Tenant: tMin, Kind: ChangeSubject}})
	if decide("a") != ReasonConsentWithdrawn || decide("b") != ReasonConsentWithdrawn {
		t.Error("tenant-wide subject change not applied")
	}
	// An unknown kind drops the tenant's snapshot and subjects.
	src.setConsent(tMin, "a", "nearby", grant("consent", "1.0"))
	e.Apply([]Change{{Tenant: tMin, Subject: "a", Kind: "mystery"}})
	if decide("a") != ReasonOK {
		t.Error("unknown change kind not applied")
	}
}

func TestNoDeclarationThenActivated(t *testing.T) {
	src := fixture(t)
	e := NewEngine(src)
	ctx := context.Background()
	q := Query{Tenant: "new", Subject: "s", Field: "email", Purpose: "account"}
	for range 3 {
		if d, _ := e.Decide(ctx, q); d.Reason != ReasonNoDeclaration {
			t.Fatalf("got %+v", d)
		}
	}
	if n := src.declReads.Load(); n != 1 {
		t.Errorf("absent declaration read %d times, want it cached after 1", n)
	}
	src.addVersion("new", parse(t, minimalYAML(t)), true)
	e.InvalidateTenant("new")
	if d, _ := e.Decide(ctx, q); !d.Allowed {
		t.Fatalf("after activation: %+v", d)
	}
}

func TestSourceErrorRefuses(t *testing.T) {
	src := fixture(t)
	e := NewEngine(src)
	boom := errors.New("database down")
	src.setFail(boom)
	d, err := e.Decide(context.Background(), Query{Tenant: tMin, Subject: "s", Field: "email", Purpose: "account"})
	if !errors.Is(err, boom) || d.Allowed {
		t.Fatalf("got %+v, %v; want a refusal and the source's error", d, err)
	}
	src.setFail(nil)
	if d, err := e.Decide(context.Background(), Query{Tenant: tMin, Subject: "s", Field: "email", Purpose: "account"}); err != nil || !d.Allowed {
		t.Fatalf("after recovery: %+v, %v", d, err)
	}
}

func TestFollow(t *testing.T) {
	src := fixture(t)
	src.setConsent(tMin, "carol", "nearby", grant("consent", "1.0"))
	feed := &fakeFeed{}
	e := NewEngine(src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Follow(ctx, feed, 2*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	q := Query{Tenant: tMin, Subject: "carol", Field: "gps", Purpose: "nearby"}
	decide := func() Reason {
		d, err := e.Decide(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		return d.Reason
	}
	eventually := func(want Reason) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for decide() != want {
			if time.Now().After(deadline) {
				t.Fatalf("decision never became %s", want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitPolls := func(n int64) {
		t.Helper()
		start := feed.polls.Load()
		deadline := time.Now().Add(5 * time.Second)
		for feed.polls.Load() < start+n {
			if time.Now().After(deadline) {
				t.Fatal("feed not polled")
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitPolls(1)
	eventually(ReasonOK)

	// Another node records a withdrawal and publishes the change.
	src.setConsent(tMin, "carol", "nearby", withdrawn("consent", "1.0"))
	if decide() != ReasonOK {
		t.Fatal("cache should still answer before the change arrives")
	}
	feed.push(Change{Tenant: tMin, Subject: "carol", Kind: ChangeSubject})
	eventually(ReasonConsentWithdrawn)

	// Another node activates a declaration with a major change.
	src.setConsent(tMin, "carol", "nearby", grant("consent", "1.0"))
	src.addVersion(tMin, parse(t, v2YAML(t)), true)
	feed.push(Change{Tenant: tMin, Subject: "carol", Kind: ChangeSubject}, Change{Tenant: tMin, Kind: ChangeTenant})
	eventually(ReasonReconsentRequired)

	// While the feed fails, decisions read through to the source.
	feed.setFail(errors.New("feed down"))
	waitPolls(2)
	src.setConsent(tMin, "carol", "nearby", grant("consent", "2.0"))
	if r := decide(); r != ReasonOK {
		t.Fatalf("feed down: got %s, want the source's state (ok)", r)
	}
	feed.setFail(nil)
	feed.push(Change{Tenant: tMin, Subject: "carol", Kind: ChangeSubject})
	waitPolls(2)
	if e.degraded.Load() {
		t.Fatal("still degraded after the feed recovered")
	}
	src.setConsent(tMin, "carol", "nearby", withdrawn("consent", "2.0"))
	feed.push(Change{Tenant: tMin, Subject: "carol", Kind: ChangeSubject})
	eventually(ReasonConsentWithdrawn)
}

func TestEviction(t *testing.T) {
	src := fixture(t)
	e := NewEngine(src, WithMaxSubjects(64))
	ctx := context.Background()
	for i := range 1000 {
		s := fmt.Sprintf("s%d", i)
		if i%2 == 0 {
			src.setConsent(tMin, s, "nearby", grant("consent", "1.0"))
		}
		d, err := e.Decide(ctx, Query{Tenant: tMin, Subject: s, Field: "gps", Purpose: "nearby"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != (i%2 == 0) {
			t.Fatalf("subject %d: %+v", i, d)
		}
	}
	if n := e.nSubjects.Load(); n > 64 || n < 1 {
		t.Errorf("%d subjects cached, want at most 64", n)
	}
	var counted int64
	e.subjects.Range(func(any, any) bool { counted++; return true })
	if counted != e.nSubjects.Load() {
		t.Errorf("count %d, map holds %d", e.nSubjects.Load(), counted)
	}
}

// TestConcurrentDecideInvalidate runs decisions on many goroutines while
// one flips a subject's consent; each flip, once invalidated, must be seen
// by the flipper's next decision. Run with -race.
func TestConcurrentDecideInvalidate(t *testing.T) {
	src := fixture(t)
	e := NewEngine(src, WithMaxSubjects(50))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const subjects = 100
	for i := range subjects {
		src.setConsent(tMin, fmt.Sprintf("s%d", i), "nearby", grant("consent", "1.0"))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; ctx.Err() == nil; i++ {
				if _, err := e.Decide(ctx, Query{Tenant: tMin, Subject: fmt.Sprintf("s%d", i%subjects), Field: "gps", Purpose: "nearby"}); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				if i%97 == 0 {
					e.InvalidateTenant(tMin)
				}
			}
		})
	}
	for i := range 2000 {
		s := fmt.Sprintf("s%d", i%subjects)
		c, want := grant("consent", "1.0"), ReasonOK
		if i%2 == 0 {
			c, want = withdrawn("consent", "1.0"), ReasonConsentWithdrawn
		}
		src.setConsent(tMin, s, "nearby", c)
		e.Invalidate(tMin, s)
		d, err := e.Decide(context.Background(), Query{Tenant: tMin, Subject: s, Field: "gps", Purpose: "nearby"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Reason != want {
			t.Fatalf("flip %d: got %s, want %s", i, d.Reason, want)
		}
	}
	cancel()
	wg.Wait()
}

func TestDecideAllowedDoesNotAllocate(t *testing.T) {
	src := fixture(t)
	src.setSubject(tMin, "alice", SubjectState{Status: StatusActive, Region: "CN",
		Consents:    map[string]ConsentState{"nearby": grant("consent", "1.0")},
		Permissions: map[string]map[string]bool{"phone": {"location": true}}})
	e := NewEngine(src)
	ctx := context.Background()
	q := Query{Tenant: tMin, Subject: "alice", Field: "gps", Purpose: "nearby", Device: "phone", Region: "CN"}
	if d, _ := e.Decide(ctx, q); !d.Allowed {
		t.Fatalf("%+v", d)
	}
	if n := testing.AllocsPerRun(1000, func() { _, _ = e.Decide(ctx, q) }); n != 0 {
		t.Errorf("allowed decision allocates %.1f times", n)
	}
}

func TestReasons(t *testing.T) {
	rs := Reasons()
	if rs[0] != ReasonOK || len(rs) != 20 {
		t.Fatalf("Reasons() = %v", rs)
	}
	seen := map[Reason]bool{}
	for _, r := range rs {
		if seen[r] || !r.Valid() {
			t.Errorf("reason %q repeated or invalid", r)
		}
		seen[r] = true
		if r != ReasonOK && r != ReasonNoLegalBasis && reasonCites[r] == nil {
			t.Errorf("reason %s cites no law", r)
		}
	}
	if Reason("nope").Valid() {
		t.Error("unknown reason valid")
	}
}
