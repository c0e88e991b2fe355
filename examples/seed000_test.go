package examples_test

import (
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/policy"
)

// TestSeed000 checks the Sobot SDK declaration (seed 000) against facts
// taken from the seed policy's text: each fact is held by the declaration,
// said by the rendered English policy, and the declaration lints clean.
func TestSeed000(t *testing.T) {
	const file = "sobot-sdk.yaml"
	d := load(t, file)

	// Local helpers; eq, has, categoryOf and permissionOn are the harness's.
	cat := func(t *testing.T, fieldID, wantCategory string) policy.Field {
		t.Helper()
		f := field(t, d, fieldID)
		eq(t, "field "+fieldID+" category", f.Category, wantCategory)
		return f
	}
	containsAll := func(s string, subs ...string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}
	rights := func() []string {
		var out []string
		for _, it := range d.Rights.Items {
			out = append(out, it.Right)
		}
		return out
	}
	contact := func(kind string) policy.Contact {
		for _, c := range d.Controller.Contacts {
			if c.Kind == kind {
				return c
			}
		}
		return policy.Contact{}
	}

	facts := []struct {
		name string
		decl func(t *testing.T)
		says []string
	}{
		{
			// "Sobot SDK is a customer service software development kit provided by Beijing
			// Sobot Bochuang Technology Co., Ltd. And its affiliated companies"
			name: "controller",
			decl: func(t *testing.T) {
				eq(t, "controller", d.Controller.Name.EN, "Beijing Sobot Bochuang Technology Co., Ltd.")
				eq(t, "country", d.Controller.Country, "CN")
				eq(t, "product kind", d.Product.Kind, "sdk")
				eq(t, "laws", d.Laws, []string{"pipl"})
			},
			says: []string{"Beijing Sobot Bochuang Technology Co., Ltd.", "Sobot SDK"},
		},
		{
			// "As the entrusted party handling end users' personal information, we only collect
			// data on behalf of the developer ... and process the data according to the
			// developer's entrustment and instructions."
			name: "entrusted",
			decl: func(t *testing.T) {
				eq(t, "product role", d.Product.Role, "entrusted")
				eq(t, "rights routing", d.Rights.Routing, "controller")
			},
			says: []string{"entrusted party", "on behalf of the developer"},
		},
		{
			// "Update date: May 29, 2025"
			name: "date",
			decl: func(t *testing.T) {
				eq(t, "updated", d.Updated.String(), "2025-05-29")
			},
			says: []string{"2025-05-29"},
		},
		{
			// "Unique device identifier (APNS Token) and (Bundle ID) for iOS apps ... | To provide
			// message push functionality on iOS devices"
			name: "ios-push",
			decl: func(t *testing.T) {
				eq(t, "apns_token identifier", cat(t, "apns_token", "device_identifier").Identifier, "apns_token")
				eq(t, "bundle_id identifier", cat(t, "bundle_id", "device_info").Identifier, "bundle_id")
				fn := function(t, d, "ios_push")
				has(t, "ios_push fields", fn.Fields, "apns_token", "bundle_id")
				has(t, "ios_push purposes", fn.Purposes, "ios_push")
				eq(t, "ios_push consent", purpose(t, d, "ios_push").Consent, "consent")
			},
			says: []string{"APNS Token", "Bundle ID", "message push functionality on iOS devices"},
		},
		{
			// "Device and system information (including operating system type, system version, APP
			// package name, APP version, device type, device manufacturer, device model, network
			// type) ... | To help troubleshoot issues during the operation of the online customer service"
			name: "device-info",
			decl: func(t *testing.T) {
				for _, id := range []string{"os_type", "os_version", "app_package_name", "app_version", "device_type", "device_manufacturer", "device_model"} {
					cat(t, id, "device_info")
				}
				cat(t, "network_type", "network_info")
				eq(t, "package name identifier", field(t, d, "app_package_name").Identifier, "package_name")
				fn := function(t, d, "troubleshooting")
				eq(t, "troubleshooting fields", len(fn.Fields), 9)
				has(t, "troubleshooting purposes", fn.Purposes, "troubleshooting")
			},
			says: []string{"Operating system type", "Device manufacturer", "APP package name", "Network type", "troubleshoot issues during the operation of the online customer service"},
		},
		{
			// "network identity information (IP address)"
			name: "ip-address",
			decl: func(t *testing.T) {
				eq(t, "ip identifier", cat(t, "ip_address", "network_info").Identifier, "ip_address")
				has(t, "troubleshooting fields", function(t, d, "troubleshooting").Fields, "ip_address")
			},
			says: []string{"IP address"},
		},
		{
			// "Sensors (accelerometer and proximity sensor) | To determine the distance between the
			// phone and the user, allowing for switching between earpiece and speaker modes when
			// playing voice messages"
			name: "sensors",
			decl: func(t *testing.T) {
				cat(t, "accelerometer", "sensor_data")
				cat(t, "proximity_sensor", "sensor_data")
				fn := function(t, d, "earpiece_switching")
				has(t, "earpiece fields", fn.Fields, "accelerometer", "proximity_sensor")
				eq(t, "earpiece kind", fn.Kind, "optional")
			},
			says: []string{"Accelerometer", "Proximity sensor", "switching between earpiece and speaker modes"},
		},
		{
			// "End-user's voice information | To provide the function of sending audio messages"
			name: "voice",
			decl: func(t *testing.T) {
				f := cat(t, "voice_message", "voice")
				eq(t, "voice blob", f.Blob, true)
				has(t, "voice_messages fields", function(t, d, "voice_messages").Fields, "voice_message")
				eq(t, "voice_messages consent", purpose(t, d, "voice_messages").Consent, "consent")
			},
			says: []string{"voice information", "sending audio messages"},
		},
		{
			// "End-user's image and video information | To provide the function of sending image
			// and video messages"
			name: "images-videos",
			decl: func(t *testing.T) {
				for _, id := range []string{"selected_image", "selected_video", "camera_photo", "camera_video"} {
					eq(t, id+" blob", cat(t, id, "images_video").Blob, true)
				}
				has(t, "media_messages fields", function(t, d, "media_messages").Fields, "selected_image", "selected_video", "camera_photo", "camera_video")
			},
			says: []string{"image information", "video information", "sending image and video messages"},
		},
		{
			// "INTERNET Network | Access network permission | Interact with business platforms for
			// data exchange | Android / iOS / HarmonyOS"
			name: "perm-internet",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "internet", []string{"android.permission.INTERNET"}, []string{"ios.framework.Network"}, []string{"ohos.permission.INTERNET"})
				has(t, "internet functions", p.Functions, "online_customer_service")
			},
			says: []string{"android.permission.INTERNET", "ohos.permission.INTERNET", "Interact with business platforms for data exchange"},
		},
		{
			// "ACCESS_NETWORK_STATE Get network status | Obtain network information status | Monitor
			// network state changes to maintain stable message connections"
			name: "perm-network-state",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "network_state", []string{"android.permission.ACCESS_NETWORK_STATE"}, []string{"ios.framework.Network"}, []string{"ohos.permission.GET_NETWORK_INFO"})
				eq(t, "network_state fields", p.Fields, []string{"network_type"})
			},
			says: []string{"android.permission.ACCESS_NETWORK_STATE", "ohos.permission.GET_NETWORK_INFO", "maintain stable message connections"},
		},
		{
			// "READ_EXTERNAL_STORAGE Access storage | Access external storage data | Select and
			// upload images or videos when contacting customer service or leaving messages"
			name: "perm-storage",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "storage",
					[]string{"android.permission.READ_EXTERNAL_STORAGE", "android.permission.READ_MEDIA_IMAGES", "android.permission.READ_MEDIA_VIDEO"},
					[]string{"NSPhotoLibraryUsageDescription"}, []string{"ohos.permission.READ_MEDIA"})
				eq(t, "storage fields", p.Fields, []string{"selected_image", "selected_video"})
				eq(t, "storage functions", p.Functions, []string{"media_messages"})
			},
			says: []string{"android.permission.READ_EXTERNAL_STORAGE", "NSPhotoLibraryUsageDescription", "Select and upload images or videos"},
		},
		{
			// "RECORD_AUDIO Recording | Use the microphone to record audio or video | Send voice
			// messages when consulting customer service"
			name: "perm-microphone",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "microphone", []string{"android.permission.RECORD_AUDIO"}, []string{"NSMicrophoneUsageDescription"}, []string{"ohos.permission.MICROPHONE"})
				eq(t, "microphone fields", p.Fields, []string{"voice_message"})
				has(t, "voice_messages permissions", function(t, d, "voice_messages").Permissions, "microphone")
			},
			says: []string{"android.permission.RECORD_AUDIO", "NSMicrophoneUsageDescription", "ohos.permission.MICROPHONE", "Send voice messages when consulting customer service"},
		},
		{
			// "CAMERA Camera | Use the phone camera | Take photos or record videos for uploading when
			// consulting customer service or leaving messages"
			name: "perm-camera",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "camera", []string{"android.permission.CAMERA"}, []string{"NSCameraUsageDescription"}, []string{"ohos.permission.CAMERA"})
				eq(t, "camera fields", p.Fields, []string{"camera_photo", "camera_video"})
			},
			says: []string{"android.permission.CAMERA", "NSCameraUsageDescription", "ohos.permission.CAMERA", "Take photos or record videos"},
		},
		{
			// "User ID, user name, nickname, avatar, phone number, email, QQ, remarks, company name,
			// landing page URL, and any other information defined by the developer | To help
			// developers manage users better and contact users promptly"
			name: "crm-fields",
			decl: func(t *testing.T) {
				want := map[string]string{
					"crm_user_id": "account", "crm_user_name": "identity", "crm_nickname": "identity",
					"crm_avatar": "profile", "crm_phone": "contact", "crm_email": "contact", "crm_qq": "contact",
					"crm_remarks": "crm_custom", "crm_company_name": "education_work",
					"crm_landing_page_url": "usage_logs", "crm_custom_fields": "crm_custom",
				}
				fn := function(t, d, "crm")
				for id, c := range want {
					eq(t, id+" source", cat(t, id, c).Source, "developer")
					has(t, "crm fields", fn.Fields, id)
				}
				eq(t, "crm kind", fn.Kind, "optional")
				eq(t, "phone lookup", field(t, d, "crm_phone").Lookup, "phone")
				eq(t, "email lookup", field(t, d, "crm_email").Lookup, "email")
			},
			says: []string{"User ID", "Nickname", "QQ", "Remarks", "Company name", "Landing page URL", "contact users promptly to resolve pre-sales, after-sales"},
		},
		{
			// "Examples include the end user's ID card number (gaming industry), the age/school
			// information of the end user's children (education industry), the end user's medical
			// condition/physical status (healthcare industry), home address (housekeeping industry)
			// ... Developers must ensure they have fulfilled obligations such as full disclosure,
			// obtaining separate consent"
			name: "crm-sensitive",
			decl: func(t *testing.T) {
				cat(t, "crm_id_card_number", "id_document")
				cat(t, "crm_children_age_school", "children_info")
				cat(t, "crm_medical_condition", "health")
				cat(t, "crm_home_address", "home_address")
				eq(t, "children_info sensitive", categoryOf(t, d, "children_info").Sensitive, true)
				eq(t, "home_address sensitive", categoryOf(t, d, "home_address").Sensitive, true)
				for _, c := range []string{"id_document", "children_info", "health", "home_address"} {
					if categoryOf(t, d, c).Necessity.IsZero() {
						t.Errorf("sensitive category %s states no necessity", c)
					}
				}
				eq(t, "crm_sensitive consent", purpose(t, d, "crm_sensitive").Consent, "separate")
				has(t, "crm_sensitive fields", function(t, d, "crm_sensitive").Fields, "crm_id_card_number", "crm_children_age_school", "crm_medical_condition", "crm_home_address")
			},
			says: []string{"ID card number", "gaming industry", "medical condition", "home address", "housekeeping industry"},
		},
		{
			// "We only store the personal information of end users within China."
			name: "storage",
			decl: func(t *testing.T) {
				eq(t, "regions", d.Storage.Regions, []string{"CN"})
				eq(t, "transfers", len(d.Storage.Transfers), 0)
			},
			says: []string{"We only store the personal information of end users within China", "security assessment for data export"},
		},
		{
			// "In general, we do not share the personal information of end users with third parties."
			name: "sharing",
			decl: func(t *testing.T) {
				eq(t, "recipients", len(d.Recipients), 0)
				eq(t, "sharing exceptions", len(d.Sharing.Exceptions), 3)
				if d.Sharing.Transfer.IsZero() || d.Sharing.PublicDisclosure.IsZero() {
					t.Error("transfer or public disclosure statement missing")
				}
			},
			says: []string{"we do not share the personal information of end users with third parties", "strict confidentiality agreements", "merger, acquisition"},
		},
		{
			// "we will store the personal information of end users only for the necessary period and
			// the shortest time required for the purposes stated in this policy"
			name: "retention-purpose",
			decl: func(t *testing.T) {
				r := retention(t, d, "purpose-fulfilled")
				eq(t, "trigger", r.Trigger, "purpose_fulfilled")
				eq(t, "action", r.Action, "delete")
				eq(t, "categories", len(r.Categories), len(d.Categories))
				has(t, "exceptions", r.Exceptions, "legal_requirement")
			},
			says: []string{"the shortest time required for the purposes"},
		},
		{
			// "After terminating our services or operations, we will delete or anonymize the relevant
			// personal information, unless otherwise provided by laws, regulations or regulatory
			// authorities."
			name: "retention-termination",
			decl: func(t *testing.T) {
				r := retention(t, d, "service-terminated")
				eq(t, "trigger", r.Trigger, "service_terminated")
				eq(t, "action", r.Action, "delete")
				has(t, "exceptions", r.Exceptions, "legal_requirement")
			},
			says: []string{"delete or anonymize the relevant personal information", "promptly stop collecting personal information"},
		},
		{
			// "encrypting the personal information of end users and isolating it through isolation
			// technology ... ISO27001 Information Security Management System certification and Level
			// 3 certification for classified protection of information system security"
			name: "security",
			decl: func(t *testing.T) {
				ids := map[string]*policy.Attestation{}
				for _, m := range d.Security.Measures {
					ids[m.ID] = m.Attestation
				}
				for _, id := range []string{"encryption_at_rest", "tenant_isolation", "access_control", "confidentiality_obligations", "data_security_management", "certifications", "incident_response_team"} {
					if _, ok := ids[id]; !ok {
						t.Errorf("security measure %q not declared", id)
					}
				}
				if ids["certifications"] == nil {
					t.Error("certifications are not attested")
				}
			},
			says: []string{"ISO27001", "Level 3", "isolation technology", "strict access control"},
		},
		{
			// "We have also built an emergency response team for security incidents ... and cooperate
			// with relevant departments for tracing and addressing the root causes."
			name: "incidents",
			decl: func(t *testing.T) {
				eq(t, "notify authority", d.Incidents.NotifyAuthority, true)
				if len(d.Incidents.NotifySubjects) == 0 {
					t.Error("no channel to tell subjects of a breach")
				}
			},
			says: []string{"emergency response team", "cooperate with relevant departments"},
		},
		{
			// "to ensure that end users can exercise their rights to access, update, supplement,
			// delete their personal information, cancel their accounts, change the scope of their
			// consent, obtain a copy of their personal information, or transfer their personal
			// information, we recommend that end users first exercise these rights with the developer."
			name: "rights",
			decl: func(t *testing.T) {
				has(t, "rights", rights(), "access", "correct", "supplement", "delete", "cancel_account", "withdraw_consent", "copy", "portability", "explain", "complain")
				for _, it := range d.Rights.Items {
					if it.Right != "explain" && it.Right != "complain" && it.Channels[0] != "developer" {
						t.Errorf("right %s: first channel %q, want the developer", it.Right, it.Channels[0])
					}
				}
			},
			says: []string{"first with the developer", "Right to rectification", "Right to deletion"},
		},
		{
			// "If an end user chooses to submit a related request directly to Sobot ... we will
			// require the user to verify their identity ... We may also choose to verify with the
			// developer." / "the end user may need to provide a written request"
			name: "verification",
			decl: func(t *testing.T) {
				eq(t, "verification", d.Rights.Verification, []string{"written_request", "developer_confirmation"})
			},
			says: []string{"written request", "verify with the developer"},
		},
		{
			// "For reasonable requests from end users, we generally do not charge fees. However, for
			// repeated requests that exceed reasonable limits, we will charge a certain cost-based fee"
			name: "fees",
			decl: func(t *testing.T) {
				eq(t, "free", d.Rights.Fees.Free, true)
				eq(t, "repeat action", d.Rights.Fees.RepeatAction, "charge")
			},
			says: []string{"we generally do not charge fees", "cost-based fee"},
		},
		{
			// "In the following situations, we will be unable to respond to the end user's request:
			// 5.2.1 ... legal obligations ... 5.2.9 Other circumstances stipulated by laws and
			// regulations." and "groundlessly repetitive, requiring excessive technical measures"
			name: "refusals",
			decl: func(t *testing.T) {
				has(t, "refusals", d.Rights.Refusals, "legal_obligation", "national_security", "public_safety_health_interest",
					"criminal_investigation", "malice_or_abuse", "vital_interests", "serious_harm_to_others", "trade_secrets",
					"other_law", "repeated_requests", "technically_infeasible")
				eq(t, "refusal count", len(d.Rights.Refusals), 11)
			},
			says: []string{"national security", "criminal investigation", "trade secrets", "malicious intent"},
		},
		{
			// "We will complete identity verification and respond to your comments and suggestions
			// within 15 working days after receiving them."
			name: "deadline",
			decl: func(t *testing.T) {
				eq(t, "deadline", d.Rights.Deadline, period(t, "15 working days"))
				eq(t, "deadline from", d.Rights.DeadlineFrom, "receipt")
				eq(t, "calendar", d.Rights.Calendar, "CN")
			},
			says: []string{"15 working days"},
		},
		{
			// "If you are an end user and a minor under the age of 14, we recommend ... use the
			// developer's application or provide personal information only after obtaining the
			// guardian's consent."
			name: "minors-guardian",
			decl: func(t *testing.T) {
				eq(t, "guardian consent below", d.Minors.GuardianConsentBelow, 14)
				eq(t, "minimum age", d.Minors.MinimumAge, 0)
			},
			says: []string{"under the age of 14", "guardian's consent"},
		},
		{
			// "If we discover such situations ourselves, we will also delete the information without
			// needing the consent of developers or end users, unless the law requires us to retain
			// such data."
			name: "minors-discovery",
			decl: func(t *testing.T) {
				eq(t, "on discovery", d.Minors.OnDiscovery, "delete")
			},
			says: []string{"verifiable parental consent", "we will delete the information"},
		},
		{
			// "Without your explicit consent, we will not reduce any rights you are entitled to under
			// this Privacy Policy. ... Major changes referred to in this policy include ... 6. When the
			// Personal Information Security Impact Assessment report indicates high risk."
			name: "changes",
			decl: func(t *testing.T) {
				eq(t, "major changes", d.Changes.MajorChanges, []string{"purpose_or_processing", "controller", "recipients", "rights", "contact", "impact_assessment"})
				eq(t, "no reduction", d.Changes.NoReductionWithoutConsent, true)
				has(t, "notify", d.Changes.Notify, "website", "email")
			},
			says: []string{"we will not reduce any rights", "by email", "impact assessment"},
		},
		{
			// "1. Call our customer service hotline: 4008-690-981 (Workdays: 09:30-18:30)."
			name: "contact-phone",
			decl: func(t *testing.T) {
				c := contact("phone")
				eq(t, "phone", c.Value, "4008-690-981")
				eq(t, "hours", c.Hours.EN, "Workdays: 09:30-18:30")
			},
			says: []string{"4008-690-981", "09:30-18:30"},
		},
		{
			// "2. Send an email for personal information protection: Privacy@sobot.com."
			name: "contact-email",
			decl: func(t *testing.T) {
				eq(t, "email", contact("email").Value, "Privacy@sobot.com")
			},
			says: []string{"Privacy@sobot.com"},
		},
		{
			// "3. Mail a letter to: Personal Information Protection Officer, 2M Floor, Building 9,
			// Hanwei International Plaza, District 2, Fengtai District, Beijing, China (Postal Code: 100070)."
			name: "contact-postal",
			decl: func(t *testing.T) {
				eq(t, "department", d.Controller.Department.Name.EN, "Personal Information Protection Officer")
				if c := contact("postal"); !containsAll(c.Value, "Hanwei International Plaza", "Fengtai District", "100070") {
					t.Errorf("postal contact = %q", c.Value)
				}
			},
			says: []string{"Personal Information Protection Officer", "Hanwei International Plaza", "Fengtai District", "100070"},
		},
		{
			// "you can file a complaint or report to the relevant regulatory authority."
			name: "complaint",
			decl: func(t *testing.T) {
				if d.Controller.Complaint.Description.IsZero() {
					t.Error("no complaint channel")
				}
			},
			says: []string{"relevant regulatory authority"},
		},
		{
			// "read the detailed instructions in \" Sobot SDK Visitor Compliance Configuration Guide \""
			name: "integrators",
			decl: func(t *testing.T) {
				if !containsAll(d.Product.Integrators.EN, "Sobot SDK Visitor Compliance Configuration Guide", "valid consent") {
					t.Error("integrator duties incomplete")
				}
			},
			says: []string{"Sobot SDK Visitor Compliance Configuration Guide"},
		},
		{
			// "processing the information of end users does not require the consent of the end user:
			// 1.3.1 It is necessary for the conclusion or performance of a contract ..."
			name: "consent-exceptions",
			decl: func(t *testing.T) {
				for _, c := range d.Commitments {
					if c.ID == "consent-exceptions" {
						return
					}
				}
				t.Error("consent exceptions not declared")
			},
			says: []string{"news reporting, public opinion supervision"},
		},
		{
			// "If we cannot respond to your request, we will send you a notification and explain the
			// reason within the maximum time limit required by law."
			name: "refusal-explained",
			decl: func(t *testing.T) {
				for _, c := range d.Commitments {
					if c.ID == "refusal-explained" {
						eq(t, "enforcement", c.Enforcement, "rights_requests")
						return
					}
				}
				t.Error("refusal-explained not declared")
			},
			says: []string{"explain the reason within the maximum time limit required by law"},
		},
	}

	if len(facts) < 25 {
		t.Fatalf("only %d facts; the brief asks for at least 25", len(facts))
	}
	t.Run("declaration", func(t *testing.T) {
		for _, f := range facts {
			t.Run(f.name, f.decl)
		}
	})
	t.Run("rendered", func(t *testing.T) {
		en := rendered(t, d, "en")
		for _, f := range facts {
			t.Run(f.name, func(t *testing.T) { says(t, en, f.says...) })
		}
	})
}
