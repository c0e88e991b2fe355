package examples_test

import (
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/policy"
)

// TestSeed002 checks the XiaoSuan Cloud Phone SDK declaration (seed 002)
// against facts taken from the seed policy's text: each fact is held by the
// declaration, said by the rendered English policy, and the declaration
// lints clean.
func TestSeed002(t *testing.T) {
	const file = "xiaosuan-cloud-phone-sdk.yaml"
	d := load(t, file)

	// Local helpers; eq, has, categoryOf and permissionOn are the harness's.
	cat := func(t *testing.T, fieldID, wantCategory string) policy.Field {
		t.Helper()
		f := field(t, d, fieldID)
		eq(t, "field "+fieldID+" category", f.Category, wantCategory)
		return f
	}
	androidOnly := func(t *testing.T, id string, android ...string) policy.Permission {
		t.Helper()
		p := permission(t, d, id)
		eq(t, id+" android", p.Android, android)
		if len(p.IOS)+len(p.HarmonyOS) != 0 {
			t.Errorf("%s names iOS/HarmonyOS permissions; the seed lists the Android SDK only", id)
		}
		return p
	}
	basis := func(t *testing.T, id, pipl, consent string) {
		t.Helper()
		p := purpose(t, d, id)
		eq(t, id+" PIPL basis", p.Basis.PIPL, pipl)
		eq(t, id+" consent", p.Consent, consent)
	}
	commitment := func(t *testing.T, id string) policy.Commitment {
		t.Helper()
		for _, c := range d.Commitments {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("commitment %q not declared", id)
		return policy.Commitment{}
	}
	right := func(t *testing.T, id string) policy.RightItem {
		t.Helper()
		for _, it := range d.Rights.Items {
			if it.Right == id {
				return it
			}
		}
		t.Fatalf("right %q not declared", id)
		return policy.RightItem{}
	}
	necessary := []string{"device_brand", "device_model", "operating_system", "os_api_version", "system_language",
		"screen_resolution", "user_agent", "cpu_frequency", "cpu_model", "cpu_architecture", "app_release_channel", "app_package_name"}

	facts := []struct {
		name string
		decl func(t *testing.T)
		says []string
	}{
		{
			// "As the provider of the cloud phone SDK, Hunan Xiaosuan Technology Information Co.,
			// Ltd. (hereinafter referred to as \"Xiaosuan Technology\" or \"we\")"
			name: "controller",
			decl: func(t *testing.T) {
				eq(t, "controller", d.Controller.Name.EN, "Hunan Xiaosuan Technology Information Co., Ltd.")
				eq(t, "country", d.Controller.Country, "CN")
				eq(t, "product kind", d.Product.Kind, "sdk")
				eq(t, "laws", d.Laws, []string{"pipl"})
			},
			says: []string{"Hunan Xiaosuan Technology Information Co., Ltd.", "Cloud Phone SDK"},
		},
		{
			// "Release Date: June 1, 2024 / Effective Date: June 1, 2024"
			name: "dates",
			decl: func(t *testing.T) {
				eq(t, "effective", d.Effective.String(), "2024-06-01")
				eq(t, "updated", d.Updated.String(), "2024-06-01")
			},
			says: []string{"2024-06-01"},
		},
		{
			// "developers act as \"personal information processors,\" ... We ... only collect data on
			// behalf of the developers and process the data according to the developers'
			// authorization and instructions."
			name: "entrusted",
			decl: func(t *testing.T) {
				eq(t, "product role", d.Product.Role, "entrusted")
				eq(t, "routing", d.Rights.Routing, "controller")
			},
			says: []string{"personal information processors", "on behalf of the developers"},
		},
		{
			// "Personal device information: Device brand, device model, operating system, operating
			// system API version, system language, screen resolution, user agent, CPU information
			// (frequency, model, architecture)"
			name: "device-info",
			decl: func(t *testing.T) {
				for _, id := range necessary {
					cat(t, id, "device_info")
				}
				fn := function(t, d, "cloud_phone_service")
				eq(t, "kind", fn.Kind, "core")
				has(t, "cloud_phone_service fields", fn.Fields, necessary...)
			},
			says: []string{"Device brand", "Operating system API version", "Screen resolution", "User agent", "CPU frequency", "CPU architecture"},
		},
		{
			// "IP address" (necessary information)
			name: "ip-address",
			decl: func(t *testing.T) {
				eq(t, "ip identifier", cat(t, "ip_address", "network_info").Identifier, "ip_address")
				has(t, "cloud_phone_service fields", function(t, d, "cloud_phone_service").Fields, "ip_address")
			},
			says: []string{"IP address"},
		},
		{
			// "Application information: Application release channel, application package name"
			name: "app-info",
			decl: func(t *testing.T) {
				cat(t, "app_release_channel", "device_info")
				eq(t, "package identifier", cat(t, "app_package_name", "device_info").Identifier, "package_name")
			},
			says: []string{"Application release channel", "Application package name"},
		},
		{
			// "Necessary Information (Basic information required for your cooperation with XiaoSuan
			// Technology) | Provides APP data flow services and identifies application product
			// service analysis"
			name: "necessary-purposes",
			decl: func(t *testing.T) {
				basis(t, "data_flow_service", "contract", "none")
				basis(t, "app_service_identification", "contract", "none")
				has(t, "cloud_phone_service purposes", function(t, d, "cloud_phone_service").Purposes, "data_flow_service", "app_service_identification")
			},
			says: []string{"APP data flow service", "identifies application product service analysis"},
		},
		{
			// "Sensor information: Accelerometer, magnetometer, gyroscope, gravity sensor ... used to
			// simulate mobile functions and local experience behavior with user consent"
			name: "sensors",
			decl: func(t *testing.T) {
				fn := function(t, d, "sensor_simulation")
				eq(t, "kind", fn.Kind, "optional")
				for _, id := range []string{"accelerometer", "magnetometer", "gyroscope", "gravity_sensor"} {
					cat(t, id, "sensor_data")
					has(t, "sensor_simulation fields", fn.Fields, id)
				}
				basis(t, "sensor_simulation", "consent", "consent")
			},
			says: []string{"Magnetometer", "Gyroscope", "Gravity sensor", "simulate mobile functions and local experience"},
		},
		{
			// "Personal location information: Wireless network name, latitude and longitude information"
			name: "location",
			decl: func(t *testing.T) {
				eq(t, "wifi identifier", cat(t, "wifi_name", "network_info").Identifier, "ssid")
				cat(t, "latitude_longitude", "location_precise")
				fn := function(t, d, "location_simulation")
				eq(t, "kind", fn.Kind, "optional")
				has(t, "location fields", fn.Fields, "wifi_name", "latitude_longitude")
				basis(t, "location_simulation", "consent", "consent")
			},
			says: []string{"Wireless network name", "Latitude and longitude"},
		},
		{
			// "Other information: Access to camera, recording, clipboard"
			name: "camera-recording-clipboard",
			decl: func(t *testing.T) {
				eq(t, "camera blob", cat(t, "camera_data", "images_video").Blob, true)
				eq(t, "recording blob", cat(t, "audio_recording", "voice").Blob, true)
				cat(t, "clipboard", "user_content")
				has(t, "media_sync fields", function(t, d, "media_sync").Fields, "camera_data", "audio_recording")
				has(t, "clipboard_sync fields", function(t, d, "clipboard_sync").Fields, "clipboard")
				basis(t, "media_sync", "consent", "consent")
				basis(t, "clipboard_sync", "consent", "consent")
			},
			says: []string{"Camera access", "Recording", "Clipboard"},
		},
		{
			// "Android SDK | CAMERA Take photos | Use camera | Complete audio and video publishing,
			// synchronize data between cloud and mobile device"
			name: "perm-camera",
			decl: func(t *testing.T) {
				p := androidOnly(t, "camera", "android.permission.CAMERA")
				eq(t, "camera fields", p.Fields, []string{"camera_data"})
			},
			says: []string{"android.permission.CAMERA", "synchronize data between cloud and mobile device"},
		},
		{
			// "Android SDK | MICROPHONE Microphone | Access microphone"
			name: "perm-microphone",
			decl: func(t *testing.T) {
				p := androidOnly(t, "microphone", "android.permission.RECORD_AUDIO")
				eq(t, "microphone fields", p.Fields, []string{"audio_recording"})
			},
			says: []string{"android.permission.RECORD_AUDIO", "Access microphone"},
		},
		{
			// "Android SDK | READ_EXTERNAL_STORAGE ... | WRITE_EXTERNAL_STORAGE Write external storage"
			name: "perm-storage",
			decl: func(t *testing.T) {
				androidOnly(t, "read_storage", "android.permission.READ_EXTERNAL_STORAGE")
				androidOnly(t, "write_storage", "android.permission.WRITE_EXTERNAL_STORAGE")
				has(t, "media_sync permissions", function(t, d, "media_sync").Permissions, "camera", "microphone", "read_storage", "write_storage")
			},
			says: []string{"android.permission.READ_EXTERNAL_STORAGE", "android.permission.WRITE_EXTERNAL_STORAGE"},
		},
		{
			// "Android SDK | ACCESS_FINE_LOCATION ... Access precise geographical location | Simulate
			// local position in cloud device" / "ACCESS_COARSE_LOCATION ... Access approximate
			// geographical location"
			name: "perm-location",
			decl: func(t *testing.T) {
				fine := androidOnly(t, "fine_location", "android.permission.ACCESS_FINE_LOCATION")
				has(t, "fine fields", fine.Fields, "latitude_longitude")
				coarse := androidOnly(t, "coarse_location", "android.permission.ACCESS_COARSE_LOCATION")
				has(t, "coarse fields", coarse.Fields, "latitude_longitude")
				has(t, "location permissions", function(t, d, "location_simulation").Permissions, "fine_location", "coarse_location")
			},
			says: []string{"android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION", "Simulate local position in cloud device"},
		},
		{
			// "we will collect end users' device information, location information, log information,
			// and other information related to the login environment."
			name: "security-optimization",
			decl: func(t *testing.T) {
				cat(t, "log_info", "usage_logs")
				cat(t, "login_environment", "device_info")
				fn := function(t, d, "security_optimization")
				has(t, "fields", fn.Fields, "log_info", "login_environment", "latitude_longitude", "device_model")
				has(t, "purposes", fn.Purposes, "troubleshooting", "security", "product_improvement")
				basis(t, "troubleshooting", "contract", "none")
				basis(t, "security", "contract", "none")
			},
			says: []string{"Log information", "login environment", "detect and investigate fraud"},
		},
		{
			// "(4) Exceptions ... 10. Necessary for academic research institutions to conduct
			// statistical or academic research based on public interest"
			name: "consent-exceptions",
			decl: func(t *testing.T) {
				if !strings.Contains(commitment(t, "consent-exceptions").Text.EN, "academic research") {
					t.Error("exception 10 (academic research) missing")
				}
			},
			says: []string{"academic research"},
		},
		{
			// "End users are reminded that when we intend to use information for purposes not stated
			// in this privacy policy, we will seek the consent of the end user in advance."
			name: "new-purpose-consent",
			decl: func(t *testing.T) {
				eq(t, "enforcement", commitment(t, "new-purpose-consent").Enforcement, "change_reconsent")
				has(t, "major changes", d.Changes.MajorChanges, "purpose_or_processing")
			},
			says: []string{"purposes not stated in this privacy policy"},
		},
		{
			// "The information we collect cannot independently identify a specific natural person's
			// identity"
			name: "no-identification",
			decl: func(t *testing.T) {
				if commitment(t, "no-identification").Attestation == nil {
					t.Error("not attested")
				}
			},
			says: []string{"cannot independently identify a specific natural person"},
		},
		{
			// "Without publicly disclosing or providing end users' personal information, XiaoSuan
			// Technology has the right to mine, analyze, and utilize (including commercial use) the
			// user database that has been anonymized."
			name: "anonymized-use",
			decl: func(t *testing.T) {
				commitment(t, "anonymized-use")
			},
			says: []string{"including commercially", "anonymized statistical information"},
		},
		{
			// "Unless you have separately agreed in advance ... we will not share your personal
			// information with any third parties outside of XiaoSuan Technology ... (1) Service
			// platforms or service providers. ... (2) Software/hardware/system service providers."
			name: "recipients",
			decl: func(t *testing.T) {
				for _, id := range []string{"third_party_service_providers", "software_hardware_system_providers"} {
					r := recipient(t, d, id)
					eq(t, id+" consent", r.Consent, "separate")
					eq(t, id+" region", r.Region, "CN")
					eq(t, id+" kind", r.Kind, "partner")
				}
				basis(t, "third_party_services", "consent", "separate")
				basis(t, "partner_services", "consent", "separate")
			},
			says: []string{"Service platforms or service providers", "Software/hardware/system service providers"},
		},
		{
			// "except for information that has been processed in a way that cannot identify a
			// specific individual and cannot be restored" / "we will investigate their data security
			// environment, sign strict confidentiality agreements"
			name: "sharing",
			decl: func(t *testing.T) {
				if commitment(t, "partner-vetting").Attestation == nil {
					t.Error("partner vetting not attested")
				}
				eq(t, "sharing exceptions", len(d.Sharing.Exceptions), 8)
			},
			says: []string{"cannot identify a specific individual and cannot be restored", "data security environment"},
		},
		{
			// "If we or our affiliates are involved in mergers, divisions, liquidations, acquisitions,
			// or sales of assets or businesses ... seek authorization and consent from the end user
			// again." / "Public Disclosure ... Obtaining separate consent from the end user"
			name: "transfer-disclosure",
			decl: func(t *testing.T) {
				has(t, "major changes", d.Changes.MajorChanges, "controller")
				if !strings.Contains(d.Sharing.PublicDisclosure.EN, "separate") {
					t.Error("public disclosure does not require separate consent")
				}
			},
			says: []string{"mergers, divisions, liquidations", "separate consent"},
		},
		{
			// "we will store personal information collected and generated within the People's
			// Republic of China domestically. Currently, we will not transfer the aforementioned
			// information overseas."
			name: "storage",
			decl: func(t *testing.T) {
				eq(t, "regions", d.Storage.Regions, []string{"CN"})
				eq(t, "transfers", len(d.Storage.Transfers), 0)
			},
			says: []string{"People's Republic of China", "we will not transfer it overseas"},
		},
		{
			// "After exceeding the storage duration agreed upon with developers, or upon receiving
			// relevant instructions from developers, we will delete or anonymize your personal
			// information, except as otherwise required by laws and regulations."
			name: "retention",
			decl: func(t *testing.T) {
				r := retention(t, d, "developer-agreement")
				eq(t, "trigger", r.Trigger, "contract_ended")
				eq(t, "action", r.Action, "delete")
				has(t, "exceptions", r.Exceptions, "legal_requirement")
				eq(t, "necessary-period trigger", retention(t, d, "necessary-period").Trigger, "purpose_fulfilled")
				eq(t, "service-stopped trigger", retention(t, d, "service-stopped").Trigger, "service_terminated")
				eq(t, "categories", len(r.Categories), len(d.Categories))
			},
			says: []string{"storage duration agreed upon with developers", "only for as long as necessary"},
		},
		{
			// "We will use encryption technologies and anonymization methods that meet or exceed
			// industry standards ... only authorized personnel can access your information and
			// conduct timely security audits"
			name: "security",
			decl: func(t *testing.T) {
				att := map[string]bool{}
				for _, m := range d.Security.Measures {
					att[m.ID] = m.Attestation != nil
				}
				for id, attested := range map[string]bool{"encryption_at_rest": false, "de_identification": false, "access_control": false,
					"security_audit": true, "attack_prevention": true, "security_organization": true, "incident_response_plan": true} {
					got, ok := att[id]
					if !ok {
						t.Errorf("security measure %q not declared", id)
					} else if got != attested {
						t.Errorf("security measure %q attested = %v, want %v", id, got, attested)
					}
				}
			},
			says: []string{"encryption technologies", "dedicated security departments", "100%"},
		},
		{
			// "We will timely notify you of the incident details via push notifications, emails,
			// letters, or text messages. If it is difficult to notify each individual, we will ...
			// publish announcements. ... we will report the handling ... to relevant regulatory
			// authorities"
			name: "incidents",
			decl: func(t *testing.T) {
				eq(t, "notify subjects", d.Incidents.NotifySubjects, []string{"push", "email", "letter", "sms", "announcement"})
				eq(t, "notify authority", d.Incidents.NotifyAuthority, true)
			},
			says: []string{"push notifications, emails, letters or text messages", "publish announcements", "possible impact"},
		},
		{
			// "If an end user wishes to access, correct, supplement, copy their personal information,
			// or cancel their developer application account, they should do so through the methods
			// provided by the developer. If the developer fails to provide as promised, the end user
			// can contact us"
			name: "rights",
			decl: func(t *testing.T) {
				for _, id := range []string{"access", "correct", "supplement", "copy", "cancel_account", "delete", "portability"} {
					it := right(t, id)
					eq(t, id+" channels", it.Channels, []string{"developer", "email"})
				}
				if d.Rights.Cancellation == nil {
					t.Error("no cancellation process")
				}
			},
			says: []string{"through the method the developer provides", "If the developer fails to provide it as promised"},
		},
		{
			// "we may not immediately delete the corresponding information from backup systems but
			// will delete it when the backup is updated ... we will cease processing except for
			// storage and necessary security protection measures."
			name: "delete",
			decl: func(t *testing.T) {
				eq(t, "backup enforcement", commitment(t, "backup-deletion").Enforcement, "vault")
				eq(t, "infeasible enforcement", commitment(t, "deletion-infeasible").Enforcement, "rights_requests")
				has(t, "refusals", d.Rights.Refusals, "legal_obligation")
			},
			says: []string{"when the backup is updated", "cease processing except for storage and necessary security protection measures"},
		},
		{
			// "End users can directly turn off the device system permissions ... the decision to
			// withdraw consent will not affect the processing of personal information conducted based
			// on their prior consent."
			name: "withdraw-consent",
			decl: func(t *testing.T) {
				eq(t, "withdraw channels", right(t, "withdraw_consent").Channels, []string{"developer"})
			},
			says: []string{"turning off the device system permissions", "does not affect processing carried out earlier"},
		},
		{
			// "if technically feasible, end users can also request us to transfer their personal
			// information to other entities designated by them."
			name: "portability",
			decl: func(t *testing.T) {
				right(t, "portability")
				has(t, "refusals", d.Rights.Refusals, "technically_infeasible", "other_law")
			},
			says: []string{"other entities they designate", "technically feasible"},
		},
		{
			// "(6) Right to Request Explanation: End users have the right to request explanations
			// regarding our personal information processing rules."
			name: "explain",
			decl: func(t *testing.T) {
				eq(t, "explain channels", right(t, "explain").Channels, []string{"email"})
			},
			says: []string{"request explanations of our personal information processing rules"},
		},
		{
			// "(5) Right to Advance Notice of Service Suspension ... we will notify developers and end
			// users within a reasonable period through the main page of the product or service,
			// internal messaging, emails"
			name: "service-suspension",
			decl: func(t *testing.T) {
				commitment(t, "service-suspension-notice")
			},
			says: []string{"advance notice of service suspension", "internal messaging"},
		},
		{
			// "We will respond within 15 working days (the \"Response Period\")."
			name: "deadline",
			decl: func(t *testing.T) {
				eq(t, "deadline", d.Rights.Deadline, period(t, "15 working days"))
				eq(t, "calendar", d.Rights.Calendar, "CN")
			},
			says: []string{"15 working days"},
		},
		{
			// "you can contact us by sending an email to armcloud.vmos.cn."
			name: "contact",
			decl: func(t *testing.T) {
				eq(t, "contacts", len(d.Controller.Contacts), 1)
				eq(t, "email", d.Controller.Contacts[0].Value, "armcloud.vmos.cn")
			},
			says: []string{"armcloud.vmos.cn"},
		},
		{
			// "The products and services of XiaoSuan Cloud Phone SDK are primarily aimed at adults.
			// If the end user is a minor under the age of 14, ... use the developer application or
			// provide personal information only after obtaining the guardian's consent."
			name: "minors",
			decl: func(t *testing.T) {
				eq(t, "guardian consent below", d.Minors.GuardianConsentBelow, 14)
				eq(t, "minimum age", d.Minors.MinimumAge, 0)
				eq(t, "on discovery", d.Minors.OnDiscovery, "delete")
			},
			says: []string{"primarily aimed at adults", "under the age of 14", "verifiable parental consent"},
		},
		{
			// "After this privacy policy is updated, we will publish the updated version on the
			// relevant pages of this service ... if the updated content requires obtaining additional
			// user information, we will still seek your consent again in a prominent manner."
			name: "changes",
			decl: func(t *testing.T) {
				eq(t, "notify", d.Changes.Notify, []string{"website", "popup"})
				has(t, "major changes", d.Changes.MajorChanges, "purpose_or_processing")
			},
			says: []string{"seek your consent again in a prominent manner"},
		},
		{
			// "This privacy policy cannot replace the privacy policy of the developer applications."
			name: "integrators",
			decl: func(t *testing.T) {
				if !strings.Contains(d.Product.Integrators.EN, "cannot replace") {
					t.Error("integrators do not say the policy cannot replace theirs")
				}
			},
			says: []string{"cannot replace the privacy policy of the developer applications"},
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
