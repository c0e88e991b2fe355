package examples_test

import (
	"slices"
	"testing"

	"github.com/trustee-dev/trustee/internal/policy"
)

// seed003Fact is one concrete fact of the Sopi Privacy Policy (seed 003):
// decl checks it against the declaration, says lists what the rendered
// English policy must say about it.
type seed003Fact struct {
	name string
	decl func(t *testing.T, d *policy.Declaration)
	says []string
}

func TestSeed003(t *testing.T) {
	const file = "sopi.yaml"
	d := load(t, file)

	hasRight := func(d *policy.Declaration, r string) bool {
		return slices.ContainsFunc(d.Rights.Items, func(it policy.RightItem) bool { return it.Right == r })
	}
	commitment := func(t *testing.T, d *policy.Declaration, id string) policy.Commitment {
		t.Helper()
		i := slices.IndexFunc(d.Commitments, func(c policy.Commitment) bool { return c.ID == id })
		if i < 0 {
			t.Fatalf("commitment %q not declared", id)
		}
		return d.Commitments[i]
	}

	facts := []seed003Fact{
		{
			// "Company Name: HONG KONG SILK WAY TECHNOLOGY LIMITED"
			name: "controller",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Controller.Name.EN != "HONG KONG SILK WAY TECHNOLOGY LIMITED" || d.Controller.Country != "HK" {
					t.Errorf("controller = %q in %s", d.Controller.Name.EN, d.Controller.Country)
				}
				if d.Product.Name.EN != "Sopi" || d.Product.Kind != "app" || d.Product.Role != "controller" {
					t.Errorf("product = %+v", d.Product)
				}
			},
			says: []string{"HONG KONG SILK WAY TECHNOLOGY LIMITED", "Sopi"},
		},
		{
			// "Address: ROOM S068, 2/F, THE CAPITAL, 61-65 CHATHAM ROAD SOUTH,
			// TSIM SHA TSUI, KOWLOON, HONG KONG / Postal Code: 999077"
			name: "address",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.ContainsFunc(d.Controller.Contacts, func(c policy.Contact) bool {
					return c.Kind == "postal" && c.Value == "ROOM S068, 2/F, THE CAPITAL, 61-65 CHATHAM ROAD SOUTH, TSIM SHA TSUI, KOWLOON, HONG KONG 999077"
				}) {
					t.Errorf("no postal contact in %+v", d.Controller.Contacts)
				}
			},
			says: []string{"ROOM S068, 2/F, THE CAPITAL, 61-65 CHATHAM ROAD SOUTH", "999077"},
		},
		{
			// "Telephone: +852 46139194"
			name: "telephone",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.ContainsFunc(d.Controller.Contacts, func(c policy.Contact) bool { return c.Kind == "phone" && c.Value == "+852 46139194" }) {
					t.Errorf("no phone contact in %+v", d.Controller.Contacts)
				}
			},
			says: []string{"+852 46139194"},
		},
		{
			// "If you wish to exercise the above rights, you can contact us by
			// sending an email to contacts@sopi.chat."
			name: "email",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.ContainsFunc(d.Rights.Channels, func(c policy.Channel) bool { return c.Kind == "email" && c.Value == "contacts@sopi.chat" }) {
					t.Errorf("no email channel in %+v", d.Rights.Channels)
				}
				for _, it := range d.Rights.Items {
					if it.Right != "cancel_account" && !slices.Contains(it.Channels, "email") {
						t.Errorf("right %q cannot be exercised by email", it.Right)
					}
				}
			},
			says: []string{"contacts@sopi.chat"},
		},
		{
			// "applies to users who are 18 years of age or older ... If you are
			// under 18 years of age ... please do not use this Platform."
			name: "adults only",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Minors.MinimumAge != 18 || d.Minors.GuardianConsentBelow != 0 {
					t.Errorf("minors = %+v", d.Minors)
				}
			},
			says: []string{"18 years of age or older"},
		},
		{
			// "we ... firmly do not provide services to minor users under 18
			// years of age (or the age of majority stipulated by local laws)"
			name: "local age of majority",
			decl: func(t *testing.T, d *policy.Declaration) {
				i := slices.IndexFunc(d.Minors.Regions, func(r policy.RegionAge) bool { return r.Region == "KR" })
				if i < 0 || d.Minors.Regions[i].MinimumAge != 19 {
					t.Errorf("regions = %+v", d.Minors.Regions)
				}
			},
			says: []string{"age of majority stipulated by local laws"},
		},
		{
			// "we will respond promptly, assist you in deleting all the child's
			// information, and block the relevant account"
			name: "discovered minors",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Minors.OnDiscovery != "delete_and_block" {
					t.Errorf("on_discovery = %q", d.Minors.OnDiscovery)
				}
			},
			says: []string{"delete all the child's information and block the account"},
		},
		{
			// "During registration, you need to accurately fill in your date of
			// birth, select your gender, set a personalized username, and
			// upload a profile picture"
			name: "registration",
			decl: func(t *testing.T, d *policy.Declaration) {
				fn := function(t, d, "registration")
				for _, f := range []string{"date_of_birth", "gender", "username", "profile_picture"} {
					if !slices.Contains(fn.Fields, f) {
						t.Errorf("registration does not collect %s", f)
					}
				}
				if fn.Kind != policy.FunctionCore {
					t.Errorf("registration kind = %q", fn.Kind)
				}
				if f := field(t, d, "date_of_birth"); f.Category != "profile" {
					t.Errorf("date_of_birth category = %q", f.Category)
				}
			},
			says: []string{"Date of birth", "Gender", "Personalized username", "Profile picture"},
		},
		{
			// "the text messages you post and the chat records with AI all
			// belong to user-generated content"
			name: "user-generated content",
			decl: func(t *testing.T, d *policy.Declaration) {
				if f := field(t, d, "posted_text"); f.Category != "user_content" {
					t.Errorf("posted_text category = %q", f.Category)
				}
				if f := field(t, d, "ai_chat_records"); f.Category != "ai_interaction" {
					t.Errorf("ai_chat_records category = %q", f.Category)
				}
			},
			says: []string{"Text messages you post", "Chat records with AI"},
		},
		{
			// "If you contact our customer support team via contacts@sopi.chat,
			// we will receive your email address ... track your IP address ...
			// including complaints between you and other users"
			name: "customer support",
			decl: func(t *testing.T, d *policy.Declaration) {
				fn := function(t, d, "customer_support")
				if !slices.Equal(fn.Fields, []string{"support_email", "ip_address", "support_communications"}) {
					t.Errorf("customer_support fields = %v", fn.Fields)
				}
				if f := field(t, d, "support_email"); f.Category != "contact" || f.Lookup != "email" {
					t.Errorf("support_email = %+v", f)
				}
			},
			says: []string{"complaints between you and other users"},
		},
		{
			// "device information (such as device version, ID, model, operating
			// system, etc.), and network information (such as network operator,
			// network type)"
			name: "activity, device and network information",
			decl: func(t *testing.T, d *policy.Declaration) {
				fn := function(t, d, "activity")
				for _, f := range []string{"interaction_text", "log_data", "in_app_operations", "device_version", "device_id", "device_model", "operating_system", "network_operator", "network_type"} {
					if !slices.Contains(fn.Fields, f) {
						t.Errorf("activity does not collect %s", f)
					}
				}
				if f := field(t, d, "device_id"); f.Category != "device_identifier" {
					t.Errorf("device_id category = %q", f.Category)
				}
			},
			says: []string{"In-app operation records", "Device version", "Network operator"},
		},
		{
			// "we may obtain the approximate range of your location based on
			// your IP address, Wi-Fi SSID, etc."
			name: "approximate geolocation",
			decl: func(t *testing.T, d *policy.Declaration) {
				if f := field(t, d, "approximate_location"); f.Category != "location_coarse" {
					t.Errorf("approximate_location category = %q", f.Category)
				}
				if f := field(t, d, "wifi_ssid"); f.Identifier != "ssid" {
					t.Errorf("wifi_ssid identifier = %q", f.Identifier)
				}
				if p := purpose(t, d, "location_services"); p.Consent != policy.ConsentConsent {
					t.Errorf("location_services consent = %q", p.Consent)
				}
			},
			says: []string{"Approximate location", "Wi-Fi SSID"},
		},
		{
			// "Shumei SDK | Data statistics and Anti-cheating | ... Android ID,
			// IDFV (Identifier For Vendor), IDFA (Identity for Advertisers),
			// OAID (Open Anonymous Device Identifier) ... BSSID, SSID ... WIFI
			// list, network operator information, network base station
			// information"
			name: "Shumei SDK",
			decl: func(t *testing.T, d *policy.Declaration) {
				r := recipient(t, d, "shumei")
				if r.Kind != "sdk" || r.Product.EN != "Shumei SDK" || !slices.Equal(r.Purposes, []string{"statistics", "anti_cheating"}) {
					t.Errorf("shumei: %+v", r)
				}
				for _, f := range []string{"device_brand", "device_manufacturer", "device_environment", "android_id", "idfv", "idfa", "oaid", "wifi_bssid", "wifi_ssid", "wifi_list", "base_station_info", "network_connection_status", "package_name", "app_version"} {
					if !slices.Contains(r.Fields, f) {
						t.Errorf("shumei does not receive %s", f)
					}
				}
				for id, ident := range map[string]string{"android_id": "android_id", "idfv": "idfv", "idfa": "idfa", "oaid": "oaid", "wifi_bssid": "bssid"} {
					if f := field(t, d, id); f.Identifier != ident {
						t.Errorf("%s identifier = %q, want %q", id, f.Identifier, ident)
					}
				}
			},
			says: []string{"Shumei SDK", "Data statistics", "IDFA (Identity for Advertisers)", "OAID (Open Anonymous Device Identifier)", "Wireless router identification (BSSID)", "Network base station information"},
		},
		{
			// "For Android: INTERNET ACCESS_COARSE_LOCATION
			// READ/WRITE_EXTERNAL_STORAGE ACCESS_NETWORK_STATE / For iOS:
			// INTERNET" (Shumei SDK)
			name: "Shumei permissions",
			decl: func(t *testing.T, d *policy.Declaration) {
				fn := function(t, d, "anti_cheating")
				if fn.Kind != policy.FunctionThirdParty || !slices.Equal(fn.Permissions, []string{"internet", "coarse_location", "storage_read", "storage_write", "network_state"}) {
					t.Errorf("anti_cheating: kind %q, permissions %v", fn.Kind, fn.Permissions)
				}
				if p := permission(t, d, "coarse_location"); !slices.Equal(p.Android, []string{"android.permission.ACCESS_COARSE_LOCATION"}) {
					t.Errorf("coarse_location = %v", p.Android)
				}
			},
			says: []string{"android.permission.ACCESS_COARSE_LOCATION", "android.permission.INTERNET"},
		},
		{
			// "Hyphenate-chat SDK | One-to-one chat | (1) User ID, app ID
			// (application package name), random device ID, device hardware
			// type, device model, system type, SDK version, device network
			// type, and time taken for login."
			name: "Hyphenate-chat SDK",
			decl: func(t *testing.T, d *policy.Declaration) {
				r := recipient(t, d, "hyphenate")
				want := []string{"user_id", "package_name", "random_device_id", "device_hardware_type", "device_model", "operating_system", "sdk_version", "network_type", "login_time"}
				if r.Product.EN != "Hyphenate-chat SDK" || !slices.Equal(r.Fields, want) || !slices.Equal(r.Purposes, []string{"messaging"}) {
					t.Errorf("hyphenate: %+v", r)
				}
			},
			says: []string{"Hyphenate-chat SDK", "Random device ID", "Time taken for login"},
		},
		{
			// "Network connection status (ACCESS_NETWORK_STATE) Wi-Fi network
			// status (ACCESS_Wi-Fi_STATE and CHANGE_Wi-Fi_STATE) Access to the
			// Internet (INTERNET) Device storage (WRITE_EXTERNAL_STORAGE)
			// Device storage (READ_EXTERNAL_STORAGE)" (Hyphenate-chat, Android)
			name: "Hyphenate permissions",
			decl: func(t *testing.T, d *policy.Declaration) {
				fn := function(t, d, "messaging")
				if !slices.Equal(fn.Permissions, []string{"network_state", "wifi_state", "wifi_change", "internet", "storage_read", "storage_write"}) {
					t.Errorf("messaging permissions = %v", fn.Permissions)
				}
			},
			says: []string{"android.permission.ACCESS_WIFI_STATE", "android.permission.CHANGE_WIFI_STATE", "android.permission.READ_EXTERNAL_STORAGE"},
		},
		{
			// "Zego Express-Video SDK | Real-time audio services | 1) User ID and
			// username ... 2) Device SDK ID, device brand, app version number,
			// and app name ... 3) IP address and system operation logs"
			name: "Zego Express-Video SDK",
			decl: func(t *testing.T, d *policy.Declaration) {
				r := recipient(t, d, "zego")
				want := []string{"user_id", "username", "device_sdk_id", "device_brand", "app_version", "app_name", "ip_address", "system_operation_logs"}
				if r.Product.EN != "Zego Express-Video SDK" || !slices.Equal(r.Fields, want) || !slices.Equal(r.Purposes, []string{"voice_chat"}) {
					t.Errorf("zego: %+v", r)
				}
			},
			says: []string{"Zego Express-Video SDK", "Device SDK ID", "System operation logs", "Real-time audio chat"},
		},
		{
			// "For Android: android.permission.RECORD_AUDIO ...
			// android.permission.BLUETOOTH android.permission.WRITE_EXTERNAL_STORAGE
			// / For IOS: NSMicrophoneUsageDescription" (Zego)
			name: "Zego permissions",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "microphone")
				if !slices.Equal(p.Android, []string{"android.permission.RECORD_AUDIO"}) || !slices.Equal(p.IOS, []string{"NSMicrophoneUsageDescription"}) || !slices.Equal(p.Fields, []string{"voice_data"}) {
					t.Errorf("microphone = %+v", p)
				}
				if p := permission(t, d, "bluetooth"); !slices.Equal(p.Android, []string{"android.permission.BLUETOOTH"}) {
					t.Errorf("bluetooth = %v", p.Android)
				}
				if !slices.Contains(function(t, d, "voice_chat").Permissions, "storage_write") {
					t.Error("voice_chat does not use WRITE_EXTERNAL_STORAGE")
				}
			},
			says: []string{"android.permission.RECORD_AUDIO", "NSMicrophoneUsageDescription", "android.permission.BLUETOOTH"},
		},
		{
			// "We only collect audio when you actively trigger voice chat
			// scenarios and will inform you of the permission purpose in
			// advance."
			name: "audio only on trigger",
			decl: func(t *testing.T, d *policy.Declaration) {
				if c := commitment(t, d, "audio-only-on-trigger"); c.Enforcement != "collection_gate" {
					t.Errorf("enforcement = %q", c.Enforcement)
				}
				if function(t, d, "voice_chat").Kind != policy.FunctionOptional {
					t.Error("voice_chat must be optional")
				}
			},
			says: []string{"only when you actively trigger a voice chat"},
		},
		{
			// "When using features like uploading avatars or photos, we will
			// request camera permissions to capture or select and upload image
			// content."
			name: "camera",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "camera")
				if !slices.Equal(p.Functions, []string{"photo_upload"}) || !slices.Contains(p.Fields, "photos") {
					t.Errorf("camera = %+v", p)
				}
				if f := field(t, d, "photos"); f.Category != "images_video" || !f.Blob {
					t.Errorf("photos = %+v", f)
				}
			},
			says: []string{"android.permission.CAMERA", "NSCameraUsageDescription", "uploading avatars or photos"},
		},
		{
			// "During payments, we may collect payment channels and your
			// payment user ID information (sensitive data), which is necessary
			// to enable these functions."
			name: "payment user ID is sensitive",
			decl: func(t *testing.T, d *policy.Declaration) {
				if f := field(t, d, "payment_user_id"); f.Category != "payment_info" {
					t.Errorf("payment_user_id category = %q", f.Category)
				}
				if p := purpose(t, d, "payment"); p.Consent != policy.ConsentSeparate {
					t.Errorf("payment consent = %q, want separate", p.Consent)
				}
				i := slices.IndexFunc(d.Categories, func(c policy.Category) bool { return c.ID == "payment_info" })
				if i < 0 || d.Categories[i].Necessity.IsZero() || d.Categories[i].Impact.IsZero() {
					t.Error("payment_info states no necessity or impact")
				}
			},
			says: []string{"Payment user ID", "Payment channel", "cannot be used to associate with personal property details"},
		},
		{
			// "We record recharge and consumption records to ensure transaction
			// security."
			name: "recharge records",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"recharge_records", "consumption_records"} {
					if f := field(t, d, id); f.Category != "transaction" {
						t.Errorf("%s category = %q", id, f.Category)
					}
				}
			},
			says: []string{"Recharge records", "Consumption records", "transaction security"},
		},
		{
			// "II. Purposes of Information Use": the eight purposes.
			name: "eight purposes",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"service_provision", "identity_authentication", "contract_performance", "service_optimization", "security", "customer_communication", "advertising", "rights_and_obligations"} {
					purpose(t, d, id)
				}
				if p := purpose(t, d, "rights_and_obligations"); p.Basis.PIPL != "legal_obligation" {
					t.Errorf("rights_and_obligations basis = %q", p.Basis.PIPL)
				}
			},
			says: []string{"Service provision and operation", "Identity recognition and authentication", "Performance of contractual obligations",
				"Service optimization and analysis", "Security assurance", "Communication and customer service", "Advertising and marketing",
				"Exercise of rights and fulfilment of obligations"},
		},
		{
			// "When required by law, we will obtain your prior consent before
			// sending you marketing materials"
			name: "advertising consent",
			decl: func(t *testing.T, d *policy.Declaration) {
				if p := purpose(t, d, "advertising"); p.Basis.PIPL != "consent" || p.Consent != policy.ConsentConsent {
					t.Errorf("advertising: basis %q, consent %q", p.Basis.PIPL, p.Consent)
				}
				i := slices.IndexFunc(d.AutomatedDecisions, func(a policy.AutomatedDecision) bool { return a.Kind == "targeted_ads" })
				if i < 0 || !d.AutomatedDecisions[i].OptOut {
					t.Error("targeted ads offer no opt-out")
				}
			},
			says: []string{"prior consent before sending marketing materials"},
		},
		{
			// "Cloud Service Providers: ... provide us with stable and reliable
			// data storage services"
			name: "cloud service providers",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := recipient(t, d, "cloud_providers"); r.Role != "processor" || len(r.Fields) != len(d.Fields) {
					t.Errorf("cloud_providers: role %q, %d of %d fields", r.Role, len(r.Fields), len(d.Fields))
				}
			},
			says: []string{"Cloud service providers", "data storage"},
		},
		{
			// "Advertising and Attribution Service Providers: ... to count the
			// conversion rate of advertisements"
			name: "advertising and attribution providers",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := recipient(t, d, "ad_attribution"); !slices.Equal(r.Purposes, []string{"advertising"}) || r.Consent != policy.ConsentSeparate {
					t.Errorf("ad_attribution: %+v", r)
				}
			},
			says: []string{"Advertising and attribution service providers", "conversion rates"},
		},
		{
			// "we may share your information with the parent company,
			// subsidiaries, or other group companies"
			name: "group companies",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := recipient(t, d, "group_companies"); r.Kind != "affiliate" {
					t.Errorf("group_companies kind = %q", r.Kind)
				}
				recipient(t, d, "analytics_security")
				recipient(t, d, "other_partners")
			},
			says: []string{"Parent company, subsidiaries and other group companies", "Data analysis and security service providers", "Other business partners"},
		},
		{
			// "your personal information may be transferred to the business
			// successor ... the business successor will assume the
			// corresponding responsibility"
			name: "business succession",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Sharing.Transfer.IsZero() {
					t.Error("no transfer text")
				}
				commitment(t, d, "successor-responsibility")
			},
			says: []string{"business successor"},
		},
		{
			// "When responding to legal processes such as subpoenas and court
			// orders ... we may disclose your information within the scope
			// permitted by law"
			name: "legal reasons",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Sharing.PublicDisclosure.IsZero() || len(d.Sharing.Exceptions) == 0 {
					t.Error("no legal disclosure")
				}
			},
			says: []string{"subpoenas and court orders"},
		},
		{
			// "IV. User Rights": access, correction, deletion, restriction,
			// withdrawal of consent, portability, confirmation, review of
			// automated decision-making.
			name: "rights",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, r := range []string{"access", "correct", "delete", "restrict", "withdraw_consent", "portability", "explain", "adm_review", "cancel_account"} {
					if !hasRight(d, r) {
						t.Errorf("right %q not declared", r)
					}
				}
			},
			says: []string{"structured, common format", "review of the decision-making process"},
		},
		{
			// "After successfully verifying your identity, we will ... respond
			// to your request ... within a reasonable period of time"
			name: "deadline after verification",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Rights.DeadlineFrom != "verification" || d.Rights.Deadline != period(t, "30 days") || len(d.Rights.Verification) == 0 {
					t.Errorf("deadline %s from %s, verification %v", d.Rights.Deadline, d.Rights.DeadlineFrom, d.Rights.Verification)
				}
			},
			says: []string{"30 days"},
		},
		{
			// "We solemnly promise that we will not take any discriminatory
			// measures against you for exercising any of the above rights."
			name: "no discrimination",
			decl: func(t *testing.T, d *policy.Declaration) {
				if c := commitment(t, d, "no-discrimination"); c.Attestation == nil {
					t.Error("no-discrimination is not attested")
				}
			},
			says: []string{"discriminatory measures"},
		},
		{
			// "when your request may damage the legitimate rights of others; ...
			// when satisfying your request violates existing laws and
			// regulations; ... or other circumstances where the law clearly
			// allows us to refuse"
			name: "refusals",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Rights.Refusals, []string{"serious_harm_to_others", "legal_obligation", "other_law"}) {
					t.Errorf("refusals = %v", d.Rights.Refusals)
				}
			},
			says: []string{"damage the legitimate rights of others", "seriously hinder our normal business operations"},
		},
		{
			// "click "Profile" > "Settings" > "Account Security" > "DELETE
			// ACCOUNT" in sequence, and finally click "DELETE ACCOUNT" >
			// "CONFIRM""
			name: "account deletion",
			decl: func(t *testing.T, d *policy.Declaration) {
				c := d.Rights.Cancellation
				if c == nil || c.Resume != "none" || c.Action != "delete" {
					t.Fatalf("cancellation = %+v", c)
				}
				if !slices.ContainsFunc(d.Rights.Channels, func(ch policy.Channel) bool { return ch.Kind == "in_app" }) {
					t.Error("no in-app channel")
				}
			},
			says: []string{"Account Security", "DELETE ACCOUNT", "CONFIRM"},
		},
		{
			// "the operation of Sopi relies on servers distributed in multiple
			// countries (including the United States) ... we have signed legally
			// binding contract commitments with all parties involved in data
			// storage and transmission"
			name: "storage and transfer",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Storage.Regions, []string{"US"}) || len(d.Storage.Transfers) != 1 {
					t.Fatalf("storage %v, transfers %d", d.Storage.Regions, len(d.Storage.Transfers))
				}
				tr := d.Storage.Transfers[0]
				if tr.To != "US" || tr.Mechanism != "standard_contract" || tr.Consent != policy.ConsentSeparate || len(tr.Fields) != len(d.Fields) {
					t.Errorf("transfer = %+v", tr)
				}
			},
			says: []string{"including the United States", "legally binding contract commitments"},
		},
		{
			// "Once the specified period has passed, we will promptly delete or
			// anonymize the information"
			name: "retention",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := retention(t, d, "period-passed"); r.Trigger != policy.TriggerPurposeFulfilled || r.Action != "delete" || len(r.Categories) != len(d.Categories) {
					t.Errorf("period-passed = %+v", r)
				}
				if r := retention(t, d, "account-deleted"); r.Trigger != policy.TriggerAccountCancelled {
					t.Errorf("account-deleted trigger = %q", r.Trigger)
				}
			},
			says: []string{"delete or anonymize"},
		},
		{
			// "we adopt advanced firewall technology and build servers with
			// excellent security performance"
			name: "security measures",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"firewall", "secure_servers", "security_team"} {
					i := slices.IndexFunc(d.Security.Measures, func(m policy.Measure) bool { return m.ID == id })
					if i < 0 || d.Security.Measures[i].Attestation == nil {
						t.Errorf("measure %q is not declared and attested", id)
					}
				}
			},
			says: []string{"firewall technology", "excellent security performance"},
		},
		{
			// "you should immediately change your password through the
			// "Settings" page of the Platform"
			name: "password self-protection",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Security.Description.IsZero() {
					t.Error("no security description")
				}
			},
			says: []string{"keep your password safe", "online customer service"},
		},
		{
			// "Its main function is to remember ... your login status, browsing
			// history, personalized interface settings, etc."
			name: "cookies",
			decl: func(t *testing.T, d *policy.Declaration) {
				if len(d.Cookies) != 3 {
					t.Fatalf("%d cookies, want 3", len(d.Cookies))
				}
				for _, c := range d.Cookies {
					if c.Provider != "first_party" || c.OptOut.IsZero() {
						t.Errorf("cookie %s: %+v", c.ID, c)
					}
				}
			},
			says: []string{"login status", "browsing history", "personalized interface settings"},
		},
		{
			// "We strictly prohibit any form of dating or escort advertising."
			name: "dating and escort ads",
			decl: func(t *testing.T, d *policy.Declaration) {
				commitment(t, d, "minors-ad-restrictions")
			},
			says: []string{"dating or escort advertising"},
		},
		{
			// "the right to request a review of the decision-making process" on
			// "algorithm-based recommendations"
			name: "automated decisions",
			decl: func(t *testing.T, d *policy.Declaration) {
				i := slices.IndexFunc(d.AutomatedDecisions, func(a policy.AutomatedDecision) bool { return a.Kind == "recommendation" })
				if i < 0 || !d.AutomatedDecisions[i].HumanReview || !d.AutomatedDecisions[i].OptOut {
					t.Error("recommendations offer no review or opt-out")
				}
			},
			says: []string{"Algorithm-based personalized recommendations"},
		},
		{
			// "this Policy does not apply to the collection and processing of
			// your information by third parties. The processing of your
			// information by third parties is subject to their respective
			// privacy policies."
			name: "third-party sources",
			decl: func(t *testing.T, d *policy.Declaration) {
				if c := commitment(t, d, "third-party-sources"); c.Attestation == nil {
					t.Error("third-party-sources is not attested")
				}
			},
			says: []string{"advertising, payment and analysis partners"},
		},
	}

	t.Run("declaration", func(t *testing.T) {
		for _, f := range facts {
			t.Run(f.name, func(t *testing.T) { f.decl(t, d) })
		}
	})
	t.Run("rendered", func(t *testing.T) {
		en := rendered(t, d, "en")
		for _, f := range facts {
			says(t, en, f.says...)
		}
	})
}
