package consent

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func keys(t *testing.T, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not an object", v)
	}
	return slices.Sorted(maps.Keys(m))
}

func TestReceiptJSON(t *testing.T) {
	d := richDeclaration(t)
	ev := Event{
		Subject: "subj-7f3a", Purpose: "face_login", DeclarationVersion: "1.0", Kind: "separate", Action: ActionGrant,
		Channel: "app", TextHash: TextHash("We use your face to sign you in."), At: at, ID: "evt-0001",
	}
	r := NewReceipt(d, ev, "https://example.com/privacy/1.0")
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}

	want := []string{"collectionMethod", "consentReceiptID", "consentTimestamp", "evidence", "jurisdiction", "language",
		"piiControllers", "piiPrincipalId", "policyUrl", "sensitive", "services", "spiCat", "version"}
	if k := keys(t, got); !slices.Equal(k, want) {
		t.Errorf("receipt keys\n got %v\nwant %v", k, want)
	}
	ctl := got["piiControllers"].([]any)[0]
	if k, want := keys(t, ctl), []string{"address", "contact", "email", "onBehalf", "piiController"}; !slices.Equal(k, want) {
		t.Errorf("piiController keys\n got %v\nwant %v", k, want)
	}
	svc := got["services"].([]any)[0]
	if k, want := keys(t, svc), []string{"purposes", "service"}; !slices.Equal(k, want) {
		t.Errorf("service keys\n got %v\nwant %v", k, want)
	}
	pur := svc.(map[string]any)["purposes"].([]any)[0]
	if k, want := keys(t, pur), []string{"consentType", "piiCategory", "primaryPurpose", "purpose", "purposeCategory",
		"termination", "thirdPartyDisclosure"}; !slices.Equal(k, want) {
		t.Errorf("purpose keys\n got %v\nwant %v", k, want)
	}
	if k, want := keys(t, got["evidence"]), []string{"action", "declarationId", "declarationVersion", "kind", "noticeHash", "purposeId"}; !slices.Equal(k, want) {
		t.Errorf("evidence keys\n got %v\nwant %v", k, want)
	}

	checks := map[string]any{
		"version":          ReceiptVersion,
		"jurisdiction":     "CN",
		"consentTimestamp": float64(at.Unix()),
		"collectionMethod": "app",
		"consentReceiptID": "evt-0001",
		"language":         "en",
		"piiPrincipalId":   "subj-7f3a",
		"policyUrl":        "https://example.com/privacy/1.0",
		"sensitive":        true,
	}
	for k, v := range checks {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	p := r.Services[0].Purposes[0]
	if p.ConsentType != ConsentTypeExplicit || p.Purpose != "Face login" || p.PrimaryPurpose || p.ThirdPartyDisclosure {
		t.Errorf("purpose = %+v", p)
	}
	if !slices.Equal(p.PIICategory, []string{"Face"}) || !slices.Equal(r.SPICat, []string{"Face"}) {
		t.Errorf("categories %v, sensitive %v", p.PIICategory, r.SPICat)
	}
	c := r.PIIControllers[0]
	if c.PIIController != "Example Ltd." || c.Contact != "Privacy Office" || c.Email != "dpo@example.com" || c.Address.AddressCountry != "CN" {
		t.Errorf("controller = %+v", c)
	}
	if r.Evidence.NoticeHash != ev.TextHash || r.Evidence.Action != "grant" || r.Evidence.DeclarationID != "rich-app" {
		t.Errorf("evidence = %+v", r.Evidence)
	}
	if p.Termination != "In the app settings." {
		t.Errorf("termination = %q", p.Termination)
	}
}

func TestReceiptPurposes(t *testing.T) {
	d := richDeclaration(t)
	ads := NewReceipt(d, Event{Purpose: "ads", Kind: "consent", Action: ActionGrant, At: at}, "")
	p := ads.Services[0].Purposes[0]
	if p.ConsentType != ConsentTypeExpressed || !p.ThirdPartyDisclosure || p.ThirdPartyName != "AdNet Inc." || ads.Sensitive {
		t.Errorf("ads receipt = %+v, sensitive %v", p, ads.Sensitive)
	}
	acct := NewReceipt(d, Event{Purpose: "half_based", Kind: "consent", Action: ActionWithdraw, At: at, Language: "zh"}, "")
	if p := acct.Services[0].Purposes[0]; !p.PrimaryPurpose || acct.Language != "zh" || acct.Services[0].Service != "示例应用" {
		t.Errorf("zh receipt = %+v", acct)
	}
	if acct.Evidence.Action != ActionWithdraw {
		t.Errorf("evidence action = %q", acct.Evidence.Action)
	}
}

func TestTextHash(t *testing.T) {
	if got := TextHash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("TextHash(abc) = %s", got)
	}
	if TextHash("a") == TextHash("a ") {
		t.Error("different texts hash alike")
	}
}

func TestCheckGrant(t *testing.T) {
	d := richDeclaration(t)
	cases := []struct {
		purpose, kind string
		minor         bool
		want          error
		need          string
	}{
		{"nearby", "consent", false, nil, ""},
		{"nearby", "separate", false, nil, ""},
		{"nearby", "guardian", false, nil, ""},
		{"nearby", "consent", true, ErrWeakConsent, "guardian"},
		{"nearby", "guardian", true, nil, ""},
		{"face_login", "consent", false, ErrWeakConsent, "separate"},
		{"face_login", "separate", false, nil, ""},
		{"face_login", "guardian", true, nil, ""},
		{"face_login", "separate", true, ErrWeakConsent, "guardian"},
		{"kids_mode", "separate", false, ErrWeakConsent, "guardian"},
		{"kids_mode", "guardian", false, nil, ""},
		{"account", "consent", false, ErrConsentNotNeeded, ""},
		{"account", "guardian", true, ErrConsentNotNeeded, ""},
		{"backup", "consent", false, ErrWeakConsent, "separate"}, // its transfer to HK needs separate consent
		{"backup", "separate", false, nil, ""},
		{"marketing", "consent", false, ErrUnknownPurpose, ""},
		{"nearby", "implied", false, ErrInvalidKind, ""},
		{"nearby", "none", false, ErrInvalidKind, ""},
	}
	for _, c := range cases {
		err := CheckGrant(d, c.purpose, c.kind, c.minor)
		if !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
			t.Errorf("CheckGrant(%s, %s, minor=%v) = %v, want %v", c.purpose, c.kind, c.minor, err, c.want)
			continue
		}
		if err == nil {
			continue
		}
		var ge *GrantError
		if !errors.As(err, &ge) || ge.Purpose != c.purpose || ge.Need != c.need {
			t.Errorf("CheckGrant(%s, %s): %#v, want a GrantError naming the purpose, need %q", c.purpose, c.kind, err, c.need)
		}
		if !strings.Contains(err.Error(), `"`+c.purpose+`"`) {
			t.Errorf("error %q does not name the purpose", err)
		}
	}
	if err := CheckGrant(nil, "nearby", "consent", false); !errors.Is(err, ErrNoDeclaration) {
		t.Errorf("nil declaration: %v", err)
	}
}
