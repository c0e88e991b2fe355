package examples_test

import (
	"slices"
	"testing"

	"github.com/trustee-dev/trustee/internal/policy"
)

// seed001Fact is one concrete fact of the Easemob IM SDK Privacy Policy
// Statement (seed 001): decl checks it against the declaration, says lists
// what the rendered English policy must say about it.
type seed001Fact struct {
	name string
	decl func(t *testing.T, d *policy.Declaration)
	says []string
}

func TestSeed001(t *testing.T) {
	const file = "easemob-im-sdk.yaml"
	d := load(t, file)

	// necessary are the fields of the seed's "Necessary personal
	// information to be collected" table.
	necessary := []string{"apns_token", "bundle_id", "package_name", "app_version", "install_path",
		"device_type", "device_name", "device_model", "os_version", "network_type", "network_status", "ip_address"}

	facts := []seed001Fact{
		{
			// "Easemob IM SDK is a public cloud product provided by Beijing
			// Easemob Technology Co, Ltd."
			name: "controller",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Controller.Name.EN != "Beijing Easemob Technology Co, Ltd." || d.Controller.Country != "CN" {
					t.Errorf("controller = %q in %s", d.Controller.Name.EN, d.Controller.Country)
				}
				if d.Product.Name.EN != "Easemob IM SDK" || d.Product.Kind != "sdk" {
					t.Errorf("product = %q (%s)", d.Product.Name.EN, d.Product.Kind)
				}
			},
			says: []string{"Beijing Easemob Technology Co, Ltd.", "Easemob IM SDK"},
		},
		{
			// "Effective Date: Nov.1st, 2024 / Last Updated: Nov.1st, 2024"
			name: "effective date",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Effective.String() != "2024-11-01" || d.Updated.String() != "2024-11-01" {
					t.Errorf("effective %s, updated %s", d.Effective, d.Updated)
				}
			},
			says: []string{"2024-11-01"},
		},
		{
			// "We, as the trustee of personal information processing, only
			// collect data on behalf of developers and process data according
			// to the entrustment and instructions of developers"
			name: "entrusted party",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Product.Role != "entrusted" {
					t.Errorf("role = %q, want entrusted", d.Product.Role)
				}
			},
			says: []string{"trustee of personal information processing"},
		},
		{
			// "please pay attention to comply with the EU General Data
			// Protection Regulation (hereinafter referred to as "GDPR")"
			name: "laws",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Laws, []string{"pipl", "gdpr"}) {
					t.Errorf("laws = %v", d.Laws)
				}
			},
			says: []string{"GDPR"},
		},
		{
			// "Device identification code (APNS Token) | To provide message
			// delivery, multi-terminal message synchronization, and message
			// roaming functions ... | iOS"
			name: "APNS token",
			decl: func(t *testing.T, d *policy.Declaration) {
				f := field(t, d, "apns_token")
				if f.Category != "device_identifier" || f.Identifier != "apns_token" {
					t.Errorf("apns_token: category %q, identifier %q", f.Category, f.Identifier)
				}
				if p := purpose(t, d, "message_delivery"); p.Consent != policy.ConsentConsent {
					t.Errorf("message_delivery consent = %q", p.Consent)
				}
				if !slices.Contains(function(t, d, "push").Fields, "apns_token") {
					t.Error("push does not collect apns_token")
				}
			},
			says: []string{"APNS Token", "message roaming"},
		},
		{
			// "Bundle ID | To protect your account security, ensure that the
			// IM service is only used in applications authorized by you. | iOS"
			name: "bundle id",
			decl: func(t *testing.T, d *policy.Declaration) {
				if f := field(t, d, "bundle_id"); f.Category != "device_info" || f.Identifier != "bundle_id" {
					t.Errorf("bundle_id: %+v", f)
				}
				if p := purpose(t, d, "app_authorization"); p.Taxonomy != "security_fraud_prevention" {
					t.Errorf("app_authorization taxonomy = %q", p.Taxonomy)
				}
			},
			says: []string{"Bundle ID", "only used in applications authorized by you"},
		},
		{
			// "The application package name, application version number, and
			// installation path of the application | Android, HarmonyOS"
			name: "package name, version, installation path",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"package_name", "app_version", "install_path"} {
					if f := field(t, d, id); f.Category != "device_info" {
						t.Errorf("%s category = %q", id, f.Category)
					}
				}
			},
			says: []string{"Application package name", "Application version number", "Installation path of the application"},
		},
		{
			// "Device type, device name and model, operating system (version
			// information), network connection type and status, IP address |
			// Accurately judge the operating environment, optimize network
			// scheduling ... | Android, iOS, HarmonyOS"
			name: "device and network fields",
			decl: func(t *testing.T, d *policy.Declaration) {
				want := map[string]string{"device_type": "device_info", "device_name": "device_info", "device_model": "device_info",
					"os_version": "device_info", "network_type": "network_info", "network_status": "network_info", "ip_address": "network_info"}
				for id, cat := range want {
					if f := field(t, d, id); f.Category != cat {
						t.Errorf("%s category = %q, want %q", id, f.Category, cat)
					}
				}
				if f := field(t, d, "ip_address"); f.Identifier != "ip_address" {
					t.Errorf("ip_address identifier = %q", f.Identifier)
				}
			},
			says: []string{"Device type", "Device name", "Device model", "Operating system (version information)", "Network connection type", "IP address", "optimize network scheduling"},
		},
		{
			// "... and facilitate troubleshooting of problems that arise
			// during communication service operation"
			name: "troubleshooting purpose",
			decl: func(t *testing.T, d *policy.Declaration) {
				if p := purpose(t, d, "troubleshooting"); p.Taxonomy != "troubleshooting" || p.Basis.PIPL != "consent" {
					t.Errorf("troubleshooting: %+v", p)
				}
			},
			says: []string{"troubleshooting of problems that arise during communication service operation"},
		},
		{
			// "The personal information that must be collected to achieve
			// both basic and extended functions is as follows"
			name: "necessary fields serve the chats",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, fn := range []string{"conversation", "one_to_one_chat", "group_chat", "chat_room"} {
					for _, f := range necessary {
						if !slices.Contains(function(t, d, fn).Fields, f) {
							t.Errorf("function %s does not collect %s", fn, f)
						}
					}
				}
			},
		},
		{
			// "including login, conversation, friend relationship, one-to-one
			// chat, group chat, chat room, push, and other basic services"
			name: "basic functions",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"login", "conversation", "friends", "one_to_one_chat", "group_chat", "chat_room", "push"} {
					if fn := function(t, d, id); fn.Kind != policy.FunctionCore {
						t.Errorf("%s kind = %q, want core", id, fn.Kind)
					}
				}
			},
			says: []string{"Login", "Conversation", "Friend relationship", "One-to-one chat", "Group chat", "Chat room"},
		},
		{
			// "this SDK also provides additional extended functions, such as
			// text message translation, content moderation"
			name: "extended functions",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"text_translation", "content_moderation"} {
					if fn := function(t, d, id); fn.Kind != policy.FunctionOptional || !slices.Contains(fn.Fields, "text_message") {
						t.Errorf("%s: kind %q, fields %v", id, fn.Kind, fn.Fields)
					}
				}
			},
			says: []string{"Text message translation", "Content moderation"},
		},
		{
			// "Network connection status (ACCESS_NETWORK_STATE) | Determine the
			// network connection status and whether the network is available
			// | Android | Required permissions"
			name: "ACCESS_NETWORK_STATE",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "network_state")
				if !slices.Equal(p.Android, []string{"android.permission.ACCESS_NETWORK_STATE"}) || len(p.IOS)+len(p.HarmonyOS) != 0 {
					t.Errorf("network_state names %v %v %v", p.Android, p.IOS, p.HarmonyOS)
				}
				if function(t, d, "login").Kind != policy.FunctionCore || !slices.Contains(p.Functions, "login") {
					t.Error("a required permission must serve a core function")
				}
			},
			says: []string{"android.permission.ACCESS_NETWORK_STATE", "whether the network is available"},
		},
		{
			// "Wi-Fi network status (ACCESS_Wi-Fi_STATE and
			// CHANGE_Wi-Fi_STATE) | ... | Android | Required permissions"
			name: "Wi-Fi state",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "wifi_state")
				if !slices.Equal(p.Android, []string{"android.permission.ACCESS_WIFI_STATE", "android.permission.CHANGE_WIFI_STATE"}) {
					t.Errorf("wifi_state android = %v", p.Android)
				}
			},
			says: []string{"android.permission.ACCESS_WIFI_STATE", "android.permission.CHANGE_WIFI_STATE"},
		},
		{
			// "Access to the Internet (INTERNET) | Determine whether the network
			// is connected to ensure the normal operation of the SDK function |
			// Android, iOS, HarmonyOS | Required permissions"
			name: "INTERNET",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "internet")
				if !slices.Equal(p.Android, []string{"android.permission.INTERNET"}) ||
					!slices.Equal(p.IOS, []string{"ios.framework.Network"}) ||
					!slices.Equal(p.HarmonyOS, []string{"ohos.permission.INTERNET"}) {
					t.Errorf("internet names %v %v %v", p.Android, p.IOS, p.HarmonyOS)
				}
			},
			says: []string{"android.permission.INTERNET", "ohos.permission.INTERNET", "normal operation of the SDK function"},
		},
		{
			// "Get network information (GET_NETWORK_INFO) | ... | HarmonyOS |
			// Required permissions"
			name: "GET_NETWORK_INFO",
			decl: func(t *testing.T, d *policy.Declaration) {
				if p := permission(t, d, "network_info"); !slices.Equal(p.HarmonyOS, []string{"ohos.permission.GET_NETWORK_INFO"}) {
					t.Errorf("network_info harmonyos = %v", p.HarmonyOS)
				}
			},
			says: []string{"ohos.permission.GET_NETWORK_INFO"},
		},
		{
			// "Device storage (WRITE_EXTERNAL_STORAGE) | Provides the function
			// of sending local file messages | Android | Required permissions"
			// and the same for READ_EXTERNAL_STORAGE.
			name: "device storage",
			decl: func(t *testing.T, d *policy.Declaration) {
				if p := permission(t, d, "storage_write"); !slices.Equal(p.Android, []string{"android.permission.WRITE_EXTERNAL_STORAGE"}) {
					t.Errorf("storage_write = %v", p.Android)
				}
				if p := permission(t, d, "storage_read"); !slices.Equal(p.Android, []string{"android.permission.READ_EXTERNAL_STORAGE"}) {
					t.Errorf("storage_read = %v", p.Android)
				}
				if fn := function(t, d, "file_message"); fn.Kind != policy.FunctionCore {
					t.Errorf("file_message kind = %q, want core (required permission)", fn.Kind)
				}
			},
			says: []string{"android.permission.WRITE_EXTERNAL_STORAGE", "android.permission.READ_EXTERNAL_STORAGE", "sending local file messages"},
		},
		{
			// "Location information | Provides the function of sending location
			// messages | Android, iOS, HarmonyOS | Non-essential permissions"
			name: "location",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "location")
				if len(p.Android) == 0 || len(p.IOS) == 0 || len(p.HarmonyOS) == 0 {
					t.Errorf("location must be named on all three platforms: %v %v %v", p.Android, p.IOS, p.HarmonyOS)
				}
				if !slices.Equal(p.Fields, []string{"location_message"}) {
					t.Errorf("location gates %v", p.Fields)
				}
				if fn := function(t, d, "location_message"); fn.Kind != policy.FunctionOptional {
					t.Errorf("location_message kind = %q, want optional", fn.Kind)
				}
			},
			says: []string{"android.permission.ACCESS_FINE_LOCATION", "NSLocationWhenInUseUsageDescription", "ohos.permission.LOCATION", "sending location messages"},
		},
		{
			// "CAMERA | Provides the function of taking photos and sending
			// picture messages | Android | Non-essential permissions"
			name: "camera",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "camera")
				if !slices.Equal(p.Android, []string{"android.permission.CAMERA"}) || len(p.IOS)+len(p.HarmonyOS) != 0 {
					t.Errorf("camera names %v %v %v", p.Android, p.IOS, p.HarmonyOS)
				}
				if function(t, d, "picture_message").Kind != policy.FunctionOptional {
					t.Error("picture_message must be optional")
				}
			},
			says: []string{"android.permission.CAMERA", "taking photos and sending picture messages"},
		},
		{
			// "Microphone (RECORD_AUDIO) | Provides the function of sending
			// audio messages | Android | Non-essential permissions"
			name: "microphone",
			decl: func(t *testing.T, d *policy.Declaration) {
				p := permission(t, d, "microphone")
				if !slices.Equal(p.Android, []string{"android.permission.RECORD_AUDIO"}) || !slices.Equal(p.Fields, []string{"audio_message"}) {
					t.Errorf("microphone: %v gates %v", p.Android, p.Fields)
				}
			},
			says: []string{"android.permission.RECORD_AUDIO", "sending audio messages"},
		},
		{
			// "Device storage (STORE_PERSISTENT_DATA) | Persistently store the
			// data required for the operation of the business system |
			// HarmonyOS | Non-essential permissions"
			name: "STORE_PERSISTENT_DATA",
			decl: func(t *testing.T, d *policy.Declaration) {
				if p := permission(t, d, "persistent_data"); !slices.Equal(p.HarmonyOS, []string{"ohos.permission.STORE_PERSISTENT_DATA"}) {
					t.Errorf("persistent_data = %v", p.HarmonyOS)
				}
			},
			says: []string{"ohos.permission.STORE_PERSISTENT_DATA", "Persistently store the data required for the operation of the business system"},
		},
		{
			// "When the end user closes the permissions ... We will no longer
			// continue to collect and use the corresponding personal
			// information"
			name: "permission off stops collection",
			decl: func(t *testing.T, d *policy.Declaration) {
				for _, id := range []string{"location_message", "picture_message", "audio_message", "file_message"} {
					if function(t, d, id).IfRefused.IsZero() {
						t.Errorf("%s says nothing of a refused permission", id)
					}
				}
			},
			says: []string{"no longer collect and use the corresponding personal information"},
		},
		{
			// "we will embed the message push SDK of third-party mobile phone
			// manufacturers in SDK products"
			name: "manufacturers' push SDKs",
			decl: func(t *testing.T, d *policy.Declaration) {
				r := recipient(t, d, "vendor_push_sdks")
				if r.Kind != "sdk" || r.Region != "CN" || !slices.Equal(r.Fields, []string{"vendor_push_token"}) || !slices.Equal(r.Purposes, []string{"push"}) {
					t.Errorf("vendor_push_sdks: %+v", r)
				}
				if function(t, d, "vendor_push").Kind != policy.FunctionThirdParty {
					t.Error("vendor_push must be a third-party function")
				}
			},
			says: []string{"Third-party mobile phone manufacturers", "list of third-party SDKs connected to Easemob IM SDK"},
		},
		{
			// "We may disclose your personal information to our affiliates as
			// necessary to achieve the purposes mentioned in Article 1"
			name: "affiliates",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := recipient(t, d, "affiliates"); r.Kind != "affiliate" || r.Region != "CN" {
					t.Errorf("affiliates: kind %q, region %q", r.Kind, r.Region)
				}
			},
			says: []string{"directly or indirectly controls us"},
		},
		{
			// "We will store personal information collected within China ...
			// At present, we do not transfer or store the personal information
			// ... across borders."
			name: "storage in China",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Storage.Regions, []string{"CN"}) || len(d.Storage.Transfers) != 0 {
					t.Errorf("storage %v, transfers %d", d.Storage.Regions, len(d.Storage.Transfers))
				}
			},
			says: []string{"we do not transfer or store the personal information of third-party developers or end users across borders"},
		},
		{
			// "After the SDK products and/or services ... cease operations, or
			// after ... withdraw their authorization ..., or after ... cancel
			// their accounts, we will destroy or anonymize all personal
			// information ... unless otherwise provided by law."
			name: "retention triggers",
			decl: func(t *testing.T, d *policy.Declaration) {
				for id, trigger := range map[string]string{
					"service-terminated": policy.TriggerServiceTerminated,
					"consent-withdrawn":  policy.TriggerConsentWithdrawn,
					"account-cancelled":  policy.TriggerAccountCancelled,
					"purpose-fulfilled":  policy.TriggerPurposeFulfilled,
				} {
					r := retention(t, d, id)
					if r.Trigger != trigger || r.Action != "delete" || !slices.Contains(r.Exceptions, "legal_requirement") {
						t.Errorf("%s: trigger %q, action %q, exceptions %v", id, r.Trigger, r.Action, r.Exceptions)
					}
				}
			},
			says: []string{"cease operations", "withdraw their authorization", "shortest period necessary"},
		},
		{
			// "(2) Comply with court judgments, rulings or other legal
			// procedures" — the longer-retention circumstances.
			name: "longer retention",
			decl: func(t *testing.T, d *policy.Declaration) {
				if r := retention(t, d, "purpose-fulfilled"); !slices.Contains(r.Exceptions, "legal_hold") {
					t.Errorf("purpose-fulfilled exceptions = %v", r.Exceptions)
				}
			},
			says: []string{"court judgments, rulings or other legal procedures", "handle complaints or disputes"},
		},
		{
			// "The technical means we use include but are not limited to
			// firewalls, encryption (such as SSL), de-identification or
			// anonymization, access control measures, etc."
			name: "security measures",
			decl: func(t *testing.T, d *policy.Declaration) {
				var ids []string
				for _, m := range d.Security.Measures {
					ids = append(ids, m.ID)
				}
				for _, id := range []string{"firewall", "encryption_in_transit", "de_identification", "access_control", "management_system"} {
					if !slices.Contains(ids, id) {
						t.Errorf("no security measure %q in %v", id, ids)
					}
				}
			},
			says: []string{"Firewalls", "SSL", "De-identification or anonymization", "Access control measures"},
		},
		{
			// "we will promptly inform ... in the form of push notifications,
			// emails, etc."
			name: "incident notice",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Incidents.NotifySubjects, []string{"push", "email"}) {
					t.Errorf("notify_subjects = %v", d.Incidents.NotifySubjects)
				}
			},
			says: []string{"activate the emergency plan", "push notifications, emails"},
		},
		{
			// "We will review the issue as soon as possible and provide
			// feedback within 15 working days after identity verification"
			name: "response deadline",
			decl: func(t *testing.T, d *policy.Declaration) {
				r := d.Rights
				if r.Deadline != period(t, "15 working days") || r.DeadlineFrom != "verification" || r.Calendar != "CN" {
					t.Errorf("deadline %s from %s (%s)", r.Deadline, r.DeadlineFrom, r.Calendar)
				}
			},
			says: []string{"15 working days"},
		},
		{
			// "Contact us through customer service (400-622-1776) or log in to
			// the Easemob Console to conduct online consultation"
			name: "phone and console",
			decl: func(t *testing.T, d *policy.Declaration) {
				var phone, web bool
				for _, c := range d.Controller.Contacts {
					phone = phone || c.Kind == "phone" && c.Value == "400-622-1776"
					web = web || c.Kind == "web"
				}
				if !phone || !web {
					t.Errorf("contacts = %+v", d.Controller.Contacts)
				}
			},
			says: []string{"400-622-1776", "Easemob Console"},
		},
		{
			// "Send an email to support@easemob.com."
			name: "email",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.ContainsFunc(d.Rights.Channels, func(c policy.Channel) bool { return c.Kind == "email" && c.Value == "support@easemob.com" }) {
					t.Errorf("no email channel in %+v", d.Rights.Channels)
				}
			},
			says: []string{"support@easemob.com"},
		},
		{
			// "we will promptly forward your request to the corresponding
			// developer, who will respond to you and process it"
			name: "routing to the developer",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Rights.Routing != "controller" {
					t.Errorf("routing = %q", d.Rights.Routing)
				}
				if !slices.ContainsFunc(d.Rights.Channels, func(c policy.Channel) bool { return c.Kind == "developer" }) {
					t.Error("no developer channel")
				}
			},
			says: []string{"forward your request to the corresponding developer"},
		},
		{
			// "End users have the right to view, copy, modify, delete, and
			// withdraw consent to their personal information."
			name: "end users' rights",
			decl: func(t *testing.T, d *policy.Declaration) {
				var have []string
				for _, it := range d.Rights.Items {
					have = append(have, it.Right)
				}
				for _, r := range []string{"access", "copy", "correct", "delete", "withdraw_consent", "restrict", "portability", "cancel_account", "complain"} {
					if !slices.Contains(have, r) {
						t.Errorf("right %q not declared (have %v)", r, have)
					}
				}
			},
		},
		{
			// "please contact us ... and attach the necessary written
			// credentials. We will verify the relevant credentials"
			name: "verification",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Rights.Verification, []string{"developer_confirmation", "written_request"}) {
					t.Errorf("verification = %v", d.Rights.Verification)
				}
			},
			says: []string{"written credentials"},
		},
		{
			// "Unless we need to preserve such information for legal reasons"
			name: "refusal",
			decl: func(t *testing.T, d *policy.Declaration) {
				if !slices.Equal(d.Rights.Refusals, []string{"legal_obligation"}) {
					t.Errorf("refusals = %v", d.Rights.Refusals)
				}
			},
		},
		{
			// "once the third-party developer account is cancelled, it cannot
			// be restored"
			name: "developer account cancellation",
			decl: func(t *testing.T, d *policy.Declaration) {
				c := d.Rights.Cancellation
				if c == nil || c.Resume != "none" || c.Action != "delete" {
					t.Fatalf("cancellation = %+v", c)
				}
			},
			says: []string{"cannot be restored"},
		},
		{
			// "The third-party developer should make sure that users are 14
			// years old or above ... ensure that the guardian ... has read and
			// agreed"
			name: "minors",
			decl: func(t *testing.T, d *policy.Declaration) {
				m := d.Minors
				if m.MinimumAge != 0 || m.GuardianConsentBelow != 14 || m.OnDiscovery != "delete" {
					t.Errorf("minors = %+v", m)
				}
			},
			says: []string{"14 years old or above", "assist in deleting"},
		},
		{
			// "we will provide reminders through pop-up windows, in-site
			// messages, website announcements, etc ... For major changes, we
			// will also provide more prominent notices"
			name: "changes",
			decl: func(t *testing.T, d *policy.Declaration) {
				c := d.Changes
				if !slices.Equal(c.Notify, []string{"popup", "in_app", "announcement", "email"}) || len(c.MajorChanges) != 6 {
					t.Errorf("changes: notify %v, major %v", c.Notify, c.MajorChanges)
				}
			},
			says: []string{"pop-up windows", "more prominent notice"},
		},
		{
			// "We have established a dedicated personal information protection
			// team and a personal information protection officer."
			name: "department",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Controller.Department.Name.IsZero() || len(d.Controller.Department.Contacts) == 0 {
					t.Errorf("department = %+v", d.Controller.Department)
				}
			},
			says: []string{"personal information protection officer"},
		},
		{
			// "they have the right to complain to the competent data
			// protection authority or bring an action in a court with
			// jurisdiction"
			name: "complaint",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Controller.Complaint.Authority.IsZero() {
					t.Error("no complaint authority")
				}
			},
			says: []string{"competent data protection authority"},
		},
		{
			// "(3) It is necessary to respond to public health emergencies or to
			// protect the life, health and property safety of natural persons
			// in an emergency"
			name: "consent exceptions",
			decl: func(t *testing.T, d *policy.Declaration) {
				i := slices.IndexFunc(d.Commitments, func(c policy.Commitment) bool { return c.ID == "consent-exceptions" })
				if i < 0 || d.Commitments[i].Attestation == nil {
					t.Fatal("consent-exceptions is not declared and attested")
				}
			},
			says: []string{"public health emergencies"},
		},
		{
			// "If personal information needs to be transferred due to merger,
			// division, dissolution, bankruptcy, etc., we will inform the
			// developer and/or end user of the name or name and contact
			// information of the recipient"
			name: "transfer on merger",
			decl: func(t *testing.T, d *policy.Declaration) {
				if d.Sharing.Transfer.IsZero() || d.Sharing.PublicDisclosure.IsZero() {
					t.Error("transfer or public disclosure text missing")
				}
			},
			says: []string{"merger, division, dissolution, bankruptcy"},
		},
		{
			// "If we want to use the collected personal information for other
			// purposes not specified in this statement, we will inform the
			// third-party developer ... and obtain the consent ... again"
			name: "new purpose needs consent",
			decl: func(t *testing.T, d *policy.Declaration) {
				i := slices.IndexFunc(d.Commitments, func(c policy.Commitment) bool { return c.ID == "new-purpose-reconsent" })
				if i < 0 || d.Commitments[i].Enforcement != "change_reconsent" {
					t.Fatal("new-purpose-reconsent is not enforced by change_reconsent")
				}
				if !slices.Contains(d.Changes.MajorChanges, "purpose_or_processing") {
					t.Error("a change of purpose is not a major change")
				}
			},
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
