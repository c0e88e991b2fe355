package taxonomy

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedDataLoads(t *testing.T) {
	if _, err := load(files); err != nil {
		t.Fatalf("embedded data does not load:\n%v", err)
	}
}

// mutatedFS returns the embedded files with file replaced by what edit makes
// of its decoded content.
func mutatedFS(t *testing.T, file string, edit func([]map[string]any) []map[string]any) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(files, "data")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(files, "data/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == file {
			var v []map[string]any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if b, err = json.Marshal(edit(v)); err != nil {
				t.Fatal(err)
			}
		}
		m["data/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestLoadRejectsBadData(t *testing.T) {
	tests := []struct {
		name string
		file string
		edit func([]map[string]any) []map[string]any
		want string
	}{
		{"duplicate id", "purposes.json",
			func(v []map[string]any) []map[string]any { return append(v, v[0]) },
			`"provide_core_service": duplicate id`},
		{"missing chinese", "rights.json",
			func(v []map[string]any) []map[string]any {
				v[0]["label"] = map[string]any{"en": "Access", "zh": ""}
				return v
			},
			`"access": label needs both en and zh text`},
		{"unknown category", "permissions.json",
			func(v []map[string]any) []map[string]any {
				v[0]["categories"] = []any{"no_such_category"}
				return v
			},
			`unknown category "no_such_category"`},
		{"sensitive without kind", "categories.json",
			func(v []map[string]any) []map[string]any {
				v[0]["sensitive"] = true
				return v
			},
			`"identity": sensitive category needs a sensitive_kind`},
		{"unknown field", "regions.json",
			func(v []map[string]any) []map[string]any {
				v[0]["jurisdicton"] = "cn"
				return v
			},
			`unknown field "jurisdicton"`},
		{"group points at wrong os", "permission_groups.json",
			func(v []map[string]any) []map[string]any {
				v[0]["ios"] = "android.permission.CAMERA"
				return v
			},
			`"android.permission.CAMERA" is not a ios permission`},
		{"alias taken by another group", "permission_groups.json",
			func(v []map[string]any) []map[string]any {
				v[0]["aliases"] = []any{"Microphone"}
				return v
			},
			`name "microphone" already means group "camera", not "microphone"`},
		{"parent outside jurisdiction", "regions.json",
			func(v []map[string]any) []map[string]any {
				v[0]["parent"] = "EU"
				return v
			},
			`"CN": jurisdiction differs from parent "EU"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(mutatedFS(t, tt.file, tt.edit))
			if err == nil {
				t.Fatal("load accepted bad data")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// checkList checks that ids are unique and non-empty, and that every label
// has both languages.
func checkList(t *testing.T, list string, ids []string, labels map[string][]Label) {
	t.Helper()
	if len(ids) == 0 {
		t.Errorf("%s: empty", list)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			t.Errorf("%s: empty id", list)
		}
		if seen[id] {
			t.Errorf("%s: duplicate id %q", list, id)
		}
		seen[id] = true
	}
	for id, ls := range labels {
		for i, l := range ls {
			if strings.TrimSpace(l.EN) == "" || strings.TrimSpace(l.ZH) == "" {
				t.Errorf("%s %q: label %d = %+v, want both en and zh", list, id, i, l)
			}
			if l.ZH != "" && !hasHan(l.ZH) && !slices.Contains(latinZH, l.ZH) {
				t.Errorf("%s %q: zh label %q has no Chinese characters", list, id, l.ZH)
			}
		}
	}
}

// latinZH are Chinese labels that are rightly written in Latin letters.
var latinZH = []string{"Android ID", "OpenUDID", "NFC", "Siri"}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestListsUniqueAndBilingual(t *testing.T) {
	var ids []string
	labels := map[string][]Label{}
	reset := func() { ids, labels = nil, map[string][]Label{} }
	add := func(id string, ls ...Label) { ids = append(ids, id); labels[id] = ls }

	for _, c := range Categories() {
		add(c.ID, c.Label, c.Description)
	}
	checkList(t, "categories", ids, labels)
	reset()
	for _, k := range SensitiveKinds() {
		add(k.ID, k.Label)
	}
	checkList(t, "sensitive kinds", ids, labels)
	reset()
	for _, i := range Identifiers() {
		add(i.ID, i.Label, i.Description)
	}
	checkList(t, "identifiers", ids, labels)
	reset()
	for _, p := range Purposes() {
		add(p.ID, p.Label, p.Description)
	}
	checkList(t, "purposes", ids, labels)
	for _, law := range []string{LawPIPL, LawGDPR, LawCCPA} {
		reset()
		for _, b := range LegalBases(law) {
			add(b.ID, b.Label, b.Description)
		}
		checkList(t, "legal bases of "+law, ids, labels)
	}
	reset()
	for _, p := range Permissions() {
		add(p.ID, p.Label, p.Description)
	}
	checkList(t, "permissions", ids, labels)
	reset()
	for _, g := range PermissionGroups() {
		add(g.ID, g.Label)
	}
	checkList(t, "permission groups", ids, labels)
	reset()
	for _, r := range Regions() {
		add(r.ID, r.Label)
	}
	checkList(t, "regions", ids, labels)
	reset()
	for _, r := range Rights() {
		add(r.ID, r.Label, r.Description)
	}
	checkList(t, "rights", ids, labels)
	reset()
	for _, r := range RefusalReasons() {
		add(r.ID, r.Label, r.Explanation)
	}
	checkList(t, "refusal reasons", ids, labels)
	reset()
	for _, m := range MajorChanges() {
		add(m.ID, m.Label)
	}
	checkList(t, "major changes", ids, labels)
}

func TestRequiredEntries(t *testing.T) {
	required := map[string]struct {
		ids    []string
		lookup func(string) bool
	}{
		"category": {[]string{
			"identity", "contact", "account", "profile", "device_info", "device_identifier",
			"network_info", "location_coarse", "location_precise", "location_track",
			"biometric_face", "biometric_voiceprint", "biometric_fingerprint", "health",
			"financial_account", "transaction", "id_document", "specific_identity", "religion",
			"minor_under_14", "communications", "voice", "images_video", "surveillance_video",
			"contacts_list", "usage_logs", "installed_apps", "sensor_data", "online_identifiers",
			"user_content", "customer_service", "preferences_interests", "social_relationships",
			"education_work", "ai_interaction", "crm_custom", "payment_info",
		}, func(id string) bool { _, ok := LookupCategory(id); return ok }},
		"identifier": {[]string{
			"imei", "meid", "imsi", "iccid", "mac", "bluetooth_mac", "android_id", "oaid", "aaid",
			"idfa", "idfv", "serial_number", "ip_address", "apns_token", "push_token",
			"device_fingerprint", "cookie_id", "bundle_id", "package_name",
		}, func(id string) bool { _, ok := LookupIdentifier(id); return ok }},
		"purpose": {[]string{
			"provide_core_service", "account_management", "customer_service", "messaging",
			"push_notification", "troubleshooting", "security_fraud_prevention",
			"analytics_statistics", "personalized_recommendation", "advertising_marketing",
			"payment", "legal_compliance", "device_binding", "cloud_storage", "ai_generation",
			"identity_verification", "product_improvement",
		}, func(id string) bool { _, ok := LookupPurpose(id); return ok }},
		"region": {[]string{
			"CN", "HK", "MO", "TW", "SG", "JP", "KR", "US", "US-CA", "EU", "GB", "DE", "FR",
			"IE", "NL", "IN", "AU", "CA", "RU", "AE",
		}, func(id string) bool { _, ok := LookupRegion(id); return ok }},
		"right": {[]string{
			"access", "copy", "portability", "correct", "supplement", "delete", "restrict",
			"object", "withdraw_consent", "explain", "adm_review", "cancel_account", "complain",
		}, func(id string) bool { _, ok := LookupRight(id); return ok }},
		"refusal reason": {[]string{
			"legal_obligation", "national_security", "public_safety_health_interest",
			"criminal_investigation", "malice_or_abuse", "vital_interests",
			"serious_harm_to_others", "trade_secrets", "repeated_requests",
			"technically_infeasible", "other_law",
		}, func(id string) bool { _, ok := LookupRefusalReason(id); return ok }},
		"major change": {[]string{
			"purpose_or_processing", "controller", "recipients", "rights", "contact", "impact_assessment",
		}, func(id string) bool { _, ok := LookupMajorChange(id); return ok }},
		"permission": {append(append(
			prefixed("android.permission.", "CAMERA", "RECORD_AUDIO", "ACCESS_FINE_LOCATION",
				"ACCESS_COARSE_LOCATION", "ACCESS_BACKGROUND_LOCATION", "READ_EXTERNAL_STORAGE",
				"WRITE_EXTERNAL_STORAGE", "READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO", "READ_MEDIA_AUDIO",
				"READ_PHONE_STATE", "READ_CONTACTS", "CALL_PHONE", "READ_CALENDAR", "WRITE_CALENDAR",
				"BLUETOOTH", "BLUETOOTH_ADMIN", "BLUETOOTH_SCAN", "BLUETOOTH_CONNECT",
				"NEARBY_WIFI_DEVICES", "ACCESS_WIFI_STATE", "CHANGE_WIFI_STATE",
				"CHANGE_WIFI_MULTICAST_STATE", "INTERNET", "ACCESS_NETWORK_STATE",
				"CHANGE_NETWORK_STATE", "POST_NOTIFICATIONS", "VIBRATE", "WAKE_LOCK",
				"FOREGROUND_SERVICE", "RECEIVE_BOOT_COMPLETED", "SYSTEM_ALERT_WINDOW",
				"REQUEST_INSTALL_PACKAGES", "QUERY_ALL_PACKAGES", "GET_TASKS", "BODY_SENSORS",
				"ACTIVITY_RECOGNITION", "MODIFY_AUDIO_SETTINGS", "USE_BIOMETRIC", "USE_FINGERPRINT",
				"READ_PHONE_NUMBERS", "MANAGE_EXTERNAL_STORAGE", "ACCESS_MEDIA_LOCATION"),
			prefixed("ohos.permission.", "CAMERA", "MICROPHONE", "LOCATION", "APPROXIMATELY_LOCATION",
				"LOCATION_IN_BACKGROUND", "READ_MEDIA", "WRITE_MEDIA", "READ_IMAGEVIDEO",
				"WRITE_IMAGEVIDEO", "READ_AUDIO", "INTERNET", "GET_NETWORK_INFO", "GET_WIFI_INFO",
				"SET_WIFI_INFO", "ACCESS_BLUETOOTH", "DISTRIBUTED_DATASYNC", "APP_TRACKING_CONSENT",
				"READ_CONTACTS", "ACTIVITY_MOTION", "KEEP_BACKGROUND_RUNNING", "ACCELEROMETER",
				"GYROSCOPE", "VIBRATE", "NOTIFICATION_CONTROLLER", "GET_BUNDLE_INFO",
				"STORE_PERSISTENT_DATA", "READ_CALENDAR")...),
			"com.google.android.c2dm.permission.RECEIVE",
			"NSCameraUsageDescription", "NSMicrophoneUsageDescription", "NSPhotoLibraryUsageDescription",
			"NSPhotoLibraryAddUsageDescription", "NSLocationWhenInUseUsageDescription",
			"NSLocationAlwaysAndWhenInUseUsageDescription", "NSContactsUsageDescription",
			"NSBluetoothAlwaysUsageDescription", "NSLocalNetworkUsageDescription",
			"NSUserTrackingUsageDescription", "NSFaceIDUsageDescription",
			"NSSpeechRecognitionUsageDescription", "NSMotionUsageDescription",
			"NSCalendarsUsageDescription", "NSHealthShareUsageDescription",
			"ios.framework.UserNotifications", "ios.framework.CoreMotion", "ios.framework.Network",
		), func(id string) bool { _, ok := LookupPermission(id); return ok }},
	}
	for kind, r := range required {
		for _, id := range r.ids {
			if !r.lookup(id) {
				t.Errorf("%s %q missing", kind, id)
			}
		}
	}
}

func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

func TestReferencesResolve(t *testing.T) {
	for _, p := range Permissions() {
		if p.OS != OSAndroid && p.OS != OSIOS && p.OS != OSHarmonyOS {
			t.Errorf("permission %q: os %q", p.ID, p.OS)
		}
		for _, c := range p.Categories {
			if _, ok := LookupCategory(c); !ok {
				t.Errorf("permission %q: unknown category %q", p.ID, c)
			}
		}
		if _, ok := LookupPermissionGroup(p.Group); !ok {
			t.Errorf("permission %q: unknown group %q", p.ID, p.Group)
		}
	}
	for _, g := range PermissionGroups() {
		for _, os := range oses {
			id := g.For(os)
			if id == "" {
				continue
			}
			if p, ok := LookupPermission(id); !ok || p.OS != os {
				t.Errorf("group %q: %s permission %q missing or of another OS", g.ID, os, id)
			}
		}
	}
	for _, id := range Identifiers() {
		if _, ok := LookupCategory(id.Category); !ok {
			t.Errorf("identifier %q: unknown category %q", id.ID, id.Category)
		}
		for _, p := range id.Permissions {
			if _, ok := LookupPermission(p); !ok {
				t.Errorf("identifier %q: unknown permission %q", id.ID, p)
			}
		}
	}
	for _, r := range Regions() {
		if r.Parent != "" {
			if _, ok := LookupRegion(r.Parent); !ok {
				t.Errorf("region %q: unknown parent %q", r.ID, r.Parent)
			}
		}
	}
}

func TestSensitiveCategories(t *testing.T) {
	kinds := map[string]bool{}
	for _, k := range SensitiveKinds() {
		kinds[k.ID] = false
	}
	pipl28 := []string{"biometrics", "religion", "specific_identity", "health",
		"financial_account", "location_track", "minor_under_14"}
	if got := len(kinds); got != len(pipl28) {
		t.Errorf("SensitiveKinds() has %d kinds, want the %d of PIPL Art. 28", got, len(pipl28))
	}
	for _, c := range Categories() {
		switch {
		case c.Sensitive && c.SensitiveKind == "":
			t.Errorf("category %q: sensitive without a kind", c.ID)
		case !c.Sensitive && c.SensitiveKind != "":
			t.Errorf("category %q: kind %q but not sensitive", c.ID, c.SensitiveKind)
		case c.Sensitive:
			if _, ok := kinds[c.SensitiveKind]; !ok {
				t.Errorf("category %q: unknown kind %q", c.ID, c.SensitiveKind)
			}
			kinds[c.SensitiveKind] = true
		}
		if c.Sensitive && !c.SensitiveGBT {
			t.Errorf("category %q: sensitive under PIPL 28 but not under GB/T 35273", c.ID)
		}
	}
	for _, k := range pipl28 {
		if covered, ok := kinds[k]; !ok || !covered {
			t.Errorf("PIPL Art. 28 kind %q: no category", k)
		}
	}

	tests := []struct {
		id          string
		kind        string // "" for not sensitive
		gdprSpecial bool
	}{
		{"location_track", "location_track", false},
		{"location_precise", "", false},
		{"location_coarse", "", false},
		{"biometric_face", "biometrics", true},
		{"biometric_voiceprint", "biometrics", true},
		{"biometric_fingerprint", "biometrics", true},
		{"health", "health", true},
		{"financial_account", "financial_account", false},
		{"payment_info", "financial_account", false},
		{"transaction", "", false},
		{"id_document", "specific_identity", false},
		{"specific_identity", "specific_identity", true},
		{"religion", "religion", true},
		{"minor_under_14", "minor_under_14", false},
		{"communications", "", false},
		{"contact", "", false},
	}
	for _, tt := range tests {
		c, ok := LookupCategory(tt.id)
		if !ok {
			t.Errorf("category %q missing", tt.id)
			continue
		}
		if c.SensitiveKind != tt.kind || c.Sensitive != (tt.kind != "") || c.GDPRSpecial != tt.gdprSpecial {
			t.Errorf("category %q: sensitive %v kind %q gdpr %v; want kind %q gdpr %v",
				tt.id, c.Sensitive, c.SensitiveKind, c.GDPRSpecial, tt.kind, tt.gdprSpecial)
		}
	}
}

func TestChineseLabels(t *testing.T) {
	want := map[string]string{
		"location_precise":     "精确位置信息",
		"biometric_face":       "人脸信息",
		"location_track":       "行踪轨迹",
		"minor_under_14":       "不满十四周岁未成年人的个人信息",
		"financial_account":    "金融账户信息",
		"biometric_voiceprint": "声纹信息",
	}
	for id, zh := range want {
		c, _ := LookupCategory(id)
		if got := c.Label.In("zh"); got != zh {
			t.Errorf("category %q in zh = %q, want %q", id, got, zh)
		}
	}
}

func TestLabelIn(t *testing.T) {
	l := Label{EN: "Camera", ZH: "相机"}
	tests := []struct{ lang, want string }{
		{"en", "Camera"},
		{"zh", "相机"},
		{"zh-CN", "相机"},
		{"zh-Hans", "相机"},
		{"ZH_cn", "相机"},
		{"fr", "Camera"},
		{"", "Camera"},
		{"zhx", "Camera"},
	}
	for _, tt := range tests {
		if got := l.In(tt.lang); got != tt.want {
			t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := (Label{EN: "Camera"}).In("zh"); got != "Camera" {
		t.Errorf("In(zh) without ZH = %q, want the English fallback", got)
	}
}

func TestLookups(t *testing.T) {
	if c, ok := LookupCategory("contact"); !ok || c.ID != "contact" {
		t.Errorf("LookupCategory(contact) = %+v, %v", c, ok)
	}
	if _, ok := LookupCategory("Contact"); ok {
		t.Error("LookupCategory is case-sensitive; Contact should not be found")
	}
	if i, ok := LookupIdentifier("idfa"); !ok || i.Category != "device_identifier" || !i.Resettable || i.Hardware {
		t.Errorf("LookupIdentifier(idfa) = %+v, %v", i, ok)
	}
	if i, ok := LookupIdentifier("imei"); !ok || !i.Hardware || !i.Persistent || i.Resettable {
		t.Errorf("LookupIdentifier(imei) = %+v, %v", i, ok)
	}
	if p, ok := LookupPurpose("payment"); !ok || p.Label.ZH != "支付" {
		t.Errorf("LookupPurpose(payment) = %+v, %v", p, ok)
	}
	if p, ok := LookupPermission("android.permission.CAMERA"); !ok || p.OS != OSAndroid || !p.Runtime ||
		!slices.Contains(p.Categories, "images_video") {
		t.Errorf("LookupPermission(CAMERA) = %+v, %v", p, ok)
	}
	if p, ok := LookupPermission("android.permission.INTERNET"); !ok || p.Runtime {
		t.Errorf("LookupPermission(INTERNET) = %+v, %v; want a non-runtime permission", p, ok)
	}
	if r, ok := LookupRegion("us-ca"); !ok || r.ID != "US-CA" || r.Jurisdiction != JurisdictionUS {
		t.Errorf("LookupRegion(us-ca) = %+v, %v", r, ok)
	}
	if r, ok := LookupRegion("HK"); !ok || r.Jurisdiction == JurisdictionCN {
		t.Errorf("LookupRegion(HK) = %+v, %v; HK is outside PIPL's mainland jurisdiction", r, ok)
	}
	if r, ok := LookupRight("delete"); !ok || !strings.Contains(r.Articles, "PIPL 47") {
		t.Errorf("LookupRight(delete) = %+v, %v", r, ok)
	}
	if _, ok := LookupRefusalReason("trade_secrets"); !ok {
		t.Error("LookupRefusalReason(trade_secrets) not found")
	}
	if got := len(MajorChanges()); got != 6 {
		t.Errorf("MajorChanges() has %d entries, want the seeds' 6", got)
	}
	if _, ok := LookupMajorChange("nope"); ok {
		t.Error("LookupMajorChange(nope) found")
	}
}

func TestResultsAreCopies(t *testing.T) {
	p, _ := LookupPermission("android.permission.CAMERA")
	p.Categories[0] = "changed"
	all := Permissions()
	all[0].Categories[0] = "changed"
	all[0].ID = "changed"
	if again, _ := LookupPermission("android.permission.CAMERA"); again.Categories[0] == "changed" {
		t.Error("changing a looked-up permission changed the table")
	}
	if Permissions()[0].ID == "changed" || Permissions()[0].Categories[0] == "changed" {
		t.Error("changing Permissions() changed the table")
	}
	id, _ := LookupIdentifier("imei")
	id.Permissions[0] = "changed"
	if again, _ := LookupIdentifier("imei"); again.Permissions[0] == "changed" {
		t.Error("changing a looked-up identifier changed the table")
	}
}

func TestLegalBases(t *testing.T) {
	tests := []struct {
		law      string
		ids      []string
		articles []string
	}{
		{LawPIPL,
			[]string{"consent", "contract", "legal_obligation", "public_health_emergency",
				"news_public_interest", "disclosed_information", "other_law"},
			[]string{"13(1)", "13(2)", "13(3)", "13(4)", "13(5)", "13(6)", "13(7)"}},
		{LawGDPR,
			[]string{"consent", "contract", "legal_obligation", "vital_interests", "public_task",
				"legitimate_interests"},
			[]string{"6(1)(a)", "6(1)(b)", "6(1)(c)", "6(1)(d)", "6(1)(e)", "6(1)(f)"}},
	}
	for _, tt := range tests {
		bases := LegalBases(tt.law)
		var ids, articles []string
		for _, b := range bases {
			ids = append(ids, b.ID)
			articles = append(articles, b.Article)
			if b.Law != tt.law {
				t.Errorf("LegalBases(%q) returned a basis of %q", tt.law, b.Law)
			}
			if b.IsConsent != (b.ID == "consent") {
				t.Errorf("%s %q: IsConsent = %v", tt.law, b.ID, b.IsConsent)
			}
		}
		if !slices.Equal(ids, tt.ids) || !slices.Equal(articles, tt.articles) {
			t.Errorf("LegalBases(%q) = %v %v, want %v %v", tt.law, ids, articles, tt.ids, tt.articles)
		}
	}
	for _, id := range []string{"notice_at_collection", "opt_out"} {
		if b, ok := LookupLegalBasis(LawCCPA, id); !ok || b.IsConsent {
			t.Errorf("LookupLegalBasis(ccpa, %q) = %+v, %v", id, b, ok)
		}
	}
	if _, ok := LookupLegalBasis(LawGDPR, "news_public_interest"); ok {
		t.Error("GDPR has no news_public_interest basis")
	}
	if got := LegalBases("lgpd"); got != nil {
		t.Errorf("LegalBases(lgpd) = %v, want nil", got)
	}
}

func TestCrossBorder(t *testing.T) {
	tests := []struct {
		from, to string
		want     bool
	}{
		{"CN", "CN", false},
		{"CN", "HK", true},
		{"HK", "CN", true},
		{"CN", "MO", true},
		{"CN", "TW", true},
		{"HK", "MO", true},
		{"CN", "SG", true},
		{"CN", "US", true},
		{"DE", "EU", false},
		{"EU", "DE", false},
		{"DE", "FR", false},
		{"IE", "NL", false},
		{"NO", "DE", false}, // EEA, not EU, but one area under the GDPR
		{"DE", "GB", true},
		{"EU", "GB", true},
		{"EU", "CH", true},
		{"US", "US-CA", false},
		{"US-CA", "US", false},
		{"US-CA", "CA", true}, // California, not Canada
		{"JP", "KR", true},
		{"de", "fr", false},
		{"us-ca", "US", false},
		{"XX", "XX", false},
		{"XX", "YY", true},
		{"XX", "CN", true},
	}
	for _, tt := range tests {
		if got := CrossBorder(tt.from, tt.to); got != tt.want {
			t.Errorf("CrossBorder(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func BenchmarkLookupCategory(b *testing.B) {
	for b.Loop() {
		if _, ok := LookupCategory("location_precise"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkCrossBorder(b *testing.B) {
	for b.Loop() {
		CrossBorder("DE", "US-CA")
	}
}
