package examples_test

import (
	"testing"

	"github.com/trustee-dev/trustee/internal/policy"
)

// TestSeed004 checks the Xiaoying Kankan declaration (seed 004, the Weipai
// IoT camera and doorbell app) against facts taken from the seed policy's
// text: each fact is held by the declaration, said by the rendered English
// policy, and the declaration lints clean.
func TestSeed004(t *testing.T) {
	const file = "xiaoying-kankan.yaml"
	d := load(t, file)

	// Local helpers; eq, has, categoryOf and permissionOn are the harness's.
	rule := func(t *testing.T, id, duration, trigger, action string) policy.RetentionRule {
		t.Helper()
		r := retention(t, d, id)
		eq(t, id+" duration", r.Duration, period(t, duration))
		eq(t, id+" trigger", r.Trigger, trigger)
		eq(t, id+" action", r.Action, action)
		return r
	}
	sdk := func(t *testing.T, id, company, product, url string, fields ...string) policy.Recipient {
		t.Helper()
		r := recipient(t, d, id)
		eq(t, id+" company", r.Company.EN, company)
		if product != "" {
			eq(t, id+" product", r.Product.EN, product)
		}
		eq(t, id+" policy_url", r.PolicyURL, url)
		eq(t, id+" region", r.Region, "CN")
		has(t, id+" fields", r.Fields, fields...)
		return r
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
	contact := func(t *testing.T, kind, value string) policy.Contact {
		t.Helper()
		for _, c := range d.Controller.Contacts {
			if c.Kind == kind && c.Value == value {
				return c
			}
		}
		t.Fatalf("no %s contact %q", kind, value)
		return policy.Contact{}
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

	facts := []struct {
		name string
		decl func(t *testing.T)
		says []string
	}{
		{
			// "This product is a software-and-hardware integrated product
			// provided by Shenzhen Weipai IoT Intelligent Technology Co., Ltd."
			name: "controller",
			decl: func(t *testing.T) {
				eq(t, "controller", d.Controller.Name.EN, "Shenzhen Weipai IoT Intelligent Technology Co., Ltd.")
				eq(t, "country", d.Controller.Country, "CN")
				eq(t, "product", d.Product.Name.EN, "Xiaoying Kankan")
				eq(t, "role", d.Product.Role, "controller")
				eq(t, "laws", d.Laws, []string{"pipl"})
			},
			says: []string{"Shenzhen Weipai IoT Intelligent Technology Co., Ltd.", "Xiaoying Kankan"},
		},
		{
			// "This Version update date: April 10, 2026 / Effective date:
			// November 15, 2021"
			name: "dates",
			decl: func(t *testing.T) {
				eq(t, "effective", d.Effective.Format("2006-01-02"), "2021-11-15")
				eq(t, "updated", d.Updated.Format("2006-01-02"), "2026-04-10")
			},
			says: []string{"2021-11-15"},
		},
		{
			// "Domestic customer service after-sales service telephone:
			// 0731-88672100 ... Domestic after-sales service hours: 08:00-23:00"
			name: "domestic phone",
			decl: func(t *testing.T) {
				c := contact(t, "phone", "0731-88672100")
				eq(t, "hours", c.Hours.EN, "08:00-23:00")
			},
			says: []string{"0731-88672100", "08:00-23:00"},
		},
		{
			// "Overseas customer service after-sales service telephone:
			// 0016468142996 (number belongs to the United States) ...
			// Overseas after-sales service hours: 20:00-11:00 (Beijing Time)"
			name: "overseas phone",
			decl: func(t *testing.T) {
				c := contact(t, "phone", "0016468142996")
				eq(t, "hours", c.Hours.EN, "20:00-11:00 (Beijing Time)")
			},
			says: []string{"0016468142996", "20:00-11:00 (Beijing Time)"},
		},
		{
			// "Overseas after-sales email: oksmart2022@outlook.com"
			name: "overseas email",
			decl: func(t *testing.T) { contact(t, "email", "oksmart2022@outlook.com") },
			says: []string{"oksmart2022@outlook.com"},
		},
		{
			// "Address: 401-1, Building 10, Phase I Plant, CEC Software Park,
			// No. 39 Jianshan Road, ... Changsha City, Hunan Province
			// Postal Code: 410205"
			name: "postal address",
			decl: func(t *testing.T) {
				c := contact(t, "postal", "401-1, Building 10, Phase I Plant, CEC Software Park, No. 39 Jianshan Road, Lugu Subdistrict, Yuelu District, Changsha City, Hunan Province, 410205")
				if c.Label.EN == "" {
					t.Error("postal contact has no label")
				}
			},
			says: []string{"CEC Software Park", "410205"},
		},
		{
			// "you may complain to relevant regulatory authorities such as
			// cyberspace administration, public security, and market
			// supervision authorities, or file a lawsuit with a judicial
			// authority."
			name: "complaint",
			decl: func(t *testing.T) {
				if d.Controller.Complaint.Authority.EN == "" {
					t.Error("no complaint authority")
				}
				if len(right(t, "complain").Channels) == 0 {
					t.Error("complain right has no channel")
				}
			},
			says: []string{"cyberspace administration, public security, and market supervision authorities"},
		},
		{
			// "Such video files are retained for only 7 days."
			name: "cloud video 7 days",
			decl: func(t *testing.T) {
				r := rule(t, "cloud-video-7-days", "7 days", policy.TriggerCollected, "delete")
				eq(t, "fields", r.Fields, []string{"cloud_video"})
				eq(t, "cloud_video blob", field(t, d, "cloud_video").Blob, true)
			},
			says: []string{"7 days"},
		},
		{
			// "the maximum storage duration of videos captured by smart
			// hardware devices on the server is based on the term of the
			// “Cloud Storage” package you purchased. When you no longer use
			// Cloud Storage, the relevant video files will no longer be
			// stored on the server."
			name: "cloud package term",
			decl: func(t *testing.T) {
				r := rule(t, "cloud-video-package-ended", "", policy.TriggerContractEnded, "delete")
				has(t, "fields", r.Fields, "cloud_video")
			},
			says: []string{"term of the Cloud Storage package"},
		},
		{
			// "This function provides one month of around-the-clock
			// camera-recorded videos and playback"
			name: "message center 1 month",
			decl: func(t *testing.T) {
				r := rule(t, "message-center-1-month", "1 month", policy.TriggerCollected, "delete")
				has(t, "fields", r.Fields, "message_center_video", "alarm_video", "event_records")
			},
			says: []string{"1 month", "Message Center"},
		},
		{
			// "You may view the list of persons who appeared in front of the
			// smart hardware devices ... and were captured in the past two
			// days, along with related recordings."
			name: "human detection 2 days",
			decl: func(t *testing.T) {
				r := rule(t, "human-detection-2-days", "2 days", policy.TriggerCollected, "delete")
				has(t, "fields", r.Fields, "face_features", "detected_persons")
			},
			says: []string{"2 days"},
		},
		{
			// "You may unbind smart hardware devices and delete all your
			// personal information related to the smart hardware devices
			// through “Settings -> Unbind and Delete This Camera” and
			// “Settings -> Unbind and Delete This Doorbell”."
			name: "unbinding deletes device data",
			decl: func(t *testing.T) {
				r := rule(t, "unbind-deletes-device-data", "", policy.TriggerDeviceUnbound, "delete")
				has(t, "categories", r.Categories, "smart_device", "device_ids", "device_network", "surveillance_video", "biometric_face")
				has(t, "fields", r.Fields, "wifi_password")
			},
			says: []string{"Unbind and Delete This Camera"},
		},
		{
			// "If you stop using the APP or unbind the smart hardware
			// devices, we will immediately stop collecting your personal
			// information, anonymize the personal information you have
			// provided to us, and delete it within 3 years."
			name: "stopped use 3 years",
			decl: func(t *testing.T) {
				r := rule(t, "stopped-use-3-years", "3 years", policy.TriggerLastActivity, "delete")
				has(t, "categories", r.Categories, "account", "contact", "phone_ids")
			},
			says: []string{"3 years"},
		},
		{
			// "If we stop operating our products or services, we will ...
			// notify you of the cessation of operations individually or by
			// announcement, and delete or anonymize the personal information
			// stored by us."
			name: "operations stopped",
			decl: func(t *testing.T) {
				rule(t, "operations-stopped", "", policy.TriggerServiceTerminated, "delete")
				commitment(t, "cessation-notice")
			},
			says: []string{"individually or by announcement"},
		},
		{
			// "After you cancel your account ... we will ... delete or
			// anonymize your personal information within 10 working days."
			// "If you need to terminate the cancellation midway, you may log
			// in to the account that is being canceled and choose “Continue
			// Login” to terminate it."
			name: "account cancellation",
			decl: func(t *testing.T) {
				c := d.Rights.Cancellation
				if c == nil {
					t.Fatal("no cancellation")
				}
				eq(t, "deadline", c.Deadline, period(t, "10 working days"))
				eq(t, "resume", c.Resume, "login")
				if c.CoolingOff.IsZero() {
					t.Error("no cooling-off period")
				}
				eq(t, "action", c.Action, "delete")
				r := rule(t, "account-cancelled-10-working-days", "10 working days", policy.TriggerAccountCancelled, "delete")
				has(t, "exceptions", r.Exceptions, "legal_requirement")
				has(t, "channels", right(t, "cancel_account").Channels, "app")
			},
			says: []string{"10 working days", "Continue Login", "Account and Security"},
		},
		{
			// "we will reply within 15 working days" / "Under normal
			// circumstances, we will respond to your request within 15
			// working days."
			name: "response deadline",
			decl: func(t *testing.T) {
				eq(t, "deadline", d.Rights.Deadline, period(t, "15 working days"))
				eq(t, "calendar", d.Rights.Calendar, "CN")
				eq(t, "routing", d.Rights.Routing, "self")
				eq(t, "free", d.Rights.Fees.Free, true)
				has(t, "refusals", d.Rights.Refusals, "legal_obligation")
			},
			says: []string{"15 working days"},
		},
		{
			// "You may correct your account information ... through “Me ->
			// Modify Personal Information”." / deletion on the five grounds.
			name: "access, correct, delete",
			decl: func(t *testing.T) {
				has(t, "access", right(t, "access").Channels, "app")
				has(t, "correct", right(t, "correct").Channels, "app")
				has(t, "delete", right(t, "delete").Channels, "phone_domestic", "email")
			},
			says: []string{"Modify Personal Information", "when the system updates the backup information"},
		},
		{
			// "You may withdraw authorization and consent ... [local mobile
			// phone: Settings -> Permission Management ...] ... [“Me” page
			// -> System Permissions ...]"
			name: "withdraw consent",
			decl: func(t *testing.T) {
				has(t, "withdraw", right(t, "withdraw_consent").Channels, "app", "os_settings")
			},
			says: []string{"Permission Management", "System Permissions"},
		},
		{
			// "For the International Mobile Equipment Identity (IMEI) and
			// network device address (MAC) of your mobile device, we will
			// anonymize and encrypt them on your mobile device using the MD5
			// algorithm, and only collect and upload the anonymized and
			// encrypted identifiers."
			name: "IMEI and MAC hashed",
			decl: func(t *testing.T) {
				imei := field(t, d, "phone_imei")
				eq(t, "imei identifier", imei.Identifier, "imei")
				eq(t, "imei hashing", imei.Hashing, "hmac_sha256")
				mac := field(t, d, "phone_mac")
				eq(t, "mac identifier", mac.Identifier, "mac")
				eq(t, "mac hashing", mac.Hashing, "hmac_sha256")
				eq(t, "category", categoryOf(t, d, imei.Category).Taxonomy, "device_identifier")
			},
			says: []string{"MD5"},
		},
		{
			// "sensitive information relating to you will be involved,
			// including the facial recognition features of you and your
			// family members, voiceprint information, location information,
			// and the purchase and consumption records of this product."
			name: "sensitive information",
			decl: func(t *testing.T) {
				eq(t, "face category", field(t, d, "face_features").Category, "biometric_face")
				for _, id := range []string{"location_precise", "voice", "transaction"} {
					if c := categoryOf(t, d, id); !c.Sensitive || c.Necessity.IsZero() || c.Impact.IsZero() {
						t.Errorf("category %s: want sensitive with necessity and impact", id)
					}
				}
				eq(t, "intercom voice", field(t, d, "intercom_voice").Category, "voice")
				eq(t, "orders", field(t, d, "order_info").Category, "transaction")
			},
			says: []string{"facial recognition features", "voiceprint information", "purchase and consumption records"},
		},
		{
			// "We will identify the facial features of persons recorded by
			// smart hardware devices to realize alerts for abnormal movements
			// by strangers"
			name: "human detection separate consent",
			decl: func(t *testing.T) {
				fn := function(t, d, "human_detection")
				eq(t, "kind", fn.Kind, policy.FunctionOptional)
				has(t, "fields", fn.Fields, "face_features", "family_annotations")
				eq(t, "consent", purpose(t, d, "human_detection").Consent, policy.ConsentSeparate)
			},
			says: []string{"Human body detection"},
		},
		{
			// "the videos recorded by smart hardware devices may capture the
			// facial features of you, your family members, or third-party
			// individuals ... please read and understand the “Disclaimer
			// Agreement for This Product” through “Me -> General Settings ->
			// About”" — public-place images need separate consent (PIPL 26).
			name: "video surveillance separate consent",
			decl: func(t *testing.T) {
				eq(t, "video_monitoring", purpose(t, d, "video_monitoring").Consent, policy.ConsentSeparate)
				eq(t, "cloud_storage", purpose(t, d, "cloud_storage").Consent, policy.ConsentSeparate)
				eq(t, "category", field(t, d, "live_footage").Category, "surveillance_video")
				if commitment(t, "public-place-images").Attestation == nil {
					t.Error("public-place-images not attested")
				}
			},
			says: []string{"Disclaimer Agreement for This Product", "hotel rooms, changing rooms, bathrooms"},
		},
		{
			// "Videos from smart hardware devices ... will not use the
			// recorded videos for any other purpose, and will not share them
			// with any third party."
			name: "videos go to no recipient",
			decl: func(t *testing.T) {
				for _, r := range d.Recipients {
					for _, f := range r.Fields {
						if category := field(t, d, f).Category; category == "surveillance_video" || category == "biometric_face" {
							t.Errorf("recipient %s receives video field %s", r.ID, f)
						}
					}
				}
			},
			says: []string{"will not share them with any third party"},
		},
		{
			// "Device Permission: Phone permission / Purpose of Invoking the
			// Permission: For risk control and operational security assurance"
			name: "phone permission",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "phone", []string{"android.permission.READ_PHONE_STATE"}, []string{"ios.framework.CoreTelephony"}, []string{"ohos.permission.GET_TELEPHONY_STATE"})
				has(t, "functions", p.Functions, "security")
				has(t, "fields", p.Fields, "phone_imei")
			},
			says: []string{"risk control and operational security assurance", "android.permission.READ_PHONE_STATE"},
		},
		{
			// "Device Permission: Location permission / ... To obtain the
			// list of Wi-Fi networks at your location"
			name: "location permission",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "location",
					[]string{"android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"},
					[]string{"NSLocationWhenInUseUsageDescription"},
					[]string{"ohos.permission.LOCATION", "ohos.permission.APPROXIMATELY_LOCATION"})
				has(t, "functions", p.Functions, "device_binding")
				has(t, "binding permissions", function(t, d, "device_binding").Permissions, "location")
			},
			says: []string{"list of Wi-Fi networks at your location", "android.permission.ACCESS_FINE_LOCATION"},
		},
		{
			// "Device Permission: Storage permission / ... Local storage on
			// the mobile phone of videos and images"
			name: "storage permission",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "storage",
					[]string{"android.permission.READ_EXTERNAL_STORAGE", "android.permission.WRITE_EXTERNAL_STORAGE"},
					[]string{"NSPhotoLibraryUsageDescription", "NSPhotoLibraryAddUsageDescription"},
					[]string{"ohos.permission.READ_IMAGEVIDEO", "ohos.permission.WRITE_IMAGEVIDEO"})
				has(t, "functions", p.Functions, "video_viewing")
			},
			says: []string{"android.permission.WRITE_EXTERNAL_STORAGE"},
		},
		{
			// "Device Permission: Camera permission / Corresponding Business:
			// Additional functions / ... To add or share smart hardware
			// devices by scanning QR codes"
			name: "camera permission",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "camera", []string{"android.permission.CAMERA"}, []string{"NSCameraUsageDescription"}, []string{"ohos.permission.CAMERA"})
				eq(t, "functions", p.Functions, []string{"qr_code_scan"})
				eq(t, "kind", function(t, d, "qr_code_scan").Kind, policy.FunctionOptional)
			},
			says: []string{"scanning QR codes", "NSCameraUsageDescription"},
		},
		{
			// "Device Permission: Microphone permission / Corresponding
			// Business: Additional functions / ... Intercom calls"
			name: "microphone permission",
			decl: func(t *testing.T) {
				p := permissionOn(t, d, "microphone", []string{"android.permission.RECORD_AUDIO"}, []string{"NSMicrophoneUsageDescription"}, []string{"ohos.permission.MICROPHONE"})
				eq(t, "functions", p.Functions, []string{"intercom"})
				eq(t, "consent", purpose(t, d, "intercom").Consent, policy.ConsentSeparate)
			},
			says: []string{"NSMicrophoneUsageDescription"},
		},
		{
			// "To receive message reminders in a timely manner, you need to
			// enable system notification permissions and allow background
			// running." / "(X) Self-Start and Associated Start Explanation"
			name: "notifications and self-start",
			decl: func(t *testing.T) {
				has(t, "message center", function(t, d, "message_center").Permissions, "notifications", "background")
				eq(t, "background", function(t, d, "message_center").Background, true)
				permissionOn(t, d, "background", []string{"android.permission.RECEIVE_BOOT_COMPLETED", "android.permission.FOREGROUND_SERVICE"}, nil, []string{"ohos.permission.KEEP_BACKGROUND_RUNNING"})
			},
			says: []string{"android.permission.POST_NOTIFICATIONS", "self-start"},
		},
		{
			// "Partner Name: Alipay Open Platform ... Shared Personal
			// Information Fields: None"
			name: "Alipay",
			decl: func(t *testing.T) {
				r := sdk(t, "alipay", "Alipay Open Platform", "", "https://render.alipay.com/p/yuyan/180020010001196791/preview.html?agreementId=AG00000132")
				eq(t, "fields", len(r.Fields), 0)
				has(t, "purposes", r.Purposes, "payment")
			},
			says: []string{"Alipay Open Platform", "https://render.alipay.com/p/yuyan/180020010001196791/preview.html?agreementId=AG00000132"},
		},
		{
			// "Partner Name: WeChat Open Platform / Purpose of Cooperation:
			// Provide third-party login and sharing services; provide
			// third-party payment services"
			name: "WeChat",
			decl: func(t *testing.T) {
				r := sdk(t, "wechat_open_platform", "WeChat Open Platform", "", "https://mp.weixin.qq.com/cgi-bin/announce?action=getannouncement&key=1503979103&version=1&lang=zh_CN&platform=2")
				has(t, "purposes", r.Purposes, "wechat_services", "payment")
				sdk(t, "wechat_mini_program", "WeChat Open Platform", "", "https://www.wechat.com/tpl/oversea/new/page/privacy_policy/index?lang=en_US")
			},
			says: []string{"WeChat Open Platform", "WeChat Mini Programs"},
		},
		{
			// The four phone-vendor push services: Xiaomi "Device MAC
			// address, unique device identifier, location information,
			// application list"; Huawei, OPPO, VIVO "Unique device identifier"
			name: "vendor push services",
			decl: func(t *testing.T) {
				sdk(t, "xiaomi_push", "Xiaomi Open Platform", "", "https://dev.mi.com/console/doc/detail?pId=1822", "phone_mac", "unique_device_id", "phone_location", "installed_apps")
				sdk(t, "huawei_push", "Huawei Push Service", "", "https://consumer.huawei.com/cn/privacy/privacy-statement-huawei/", "unique_device_id")
				sdk(t, "oppo_push", "OPPO Push Service", "", "https://privacy.oppo.com/cn/overview/", "unique_device_id")
				sdk(t, "vivo_push", "VIVO Push Service", "", "https://www.vivo.com.cn/about-vivo/privacy-policy", "unique_device_id")
			},
			says: []string{"Xiaomi Open Platform", "Huawei Push Service", "OPPO Push Service", "VIVO Push Service"},
		},
		{
			// "Partner Name: Getui Push Service ... used to generate a unique
			// push target ID (CID) and device ID (GID) ... (Device
			// identifiers include IMEI, IDFA, Android ID, MAC, OAID,
			// Advertising ID, Serial Number, IMSI, UAID, ICCID, and IDFV.)"
			name: "Getui",
			decl: func(t *testing.T) {
				sdk(t, "getui", "Getui Push Service", "", "https://www.getui.com/privacy",
					"phone_imei", "idfa", "android_id", "phone_mac", "oaid", "gaid", "hardware_serial", "imsi", "uaid", "iccid", "idfv", "push_ids", "installed_apps", "phone_ssid", "phone_bssid", "base_station")
			},
			says: []string{"Getui Push Service", "https://www.getui.com/privacy"},
		},
		{
			// "SDK Name: Zhuoxin ID ... Partner Entity: China Academy of
			// Information and Communications Technology ... Partner Privacy
			// Policy Link: https://zxid.caict.ac.cn/privacy"
			name: "Zhuoxin ID",
			decl: func(t *testing.T) {
				sdk(t, "zhuoxin_id", "China Academy of Information and Communications Technology", "Zhuoxin ID SDK (integrated by the Getui push SDK)", "https://zxid.caict.ac.cn/privacy", "screen_brightness", "country")
			},
			says: []string{"Zhuoxin ID", "China Academy of Information and Communications Technology"},
		},
		{
			// "Partner Name: Qiniu Cloud / Purpose of Cooperation: Provide
			// third-party data storage services ... Shared Personal
			// Information Fields: Device MAC address, unique device
			// identifier, user avatar information"
			name: "Qiniu Cloud",
			decl: func(t *testing.T) {
				r := sdk(t, "qiniu", "Qiniu Cloud", "", "https://www.qiniu.com/agreements/privacy-right", "phone_mac", "unique_device_id", "avatar")
				eq(t, "role", r.Role, "processor")
			},
			says: []string{"Qiniu Cloud"},
		},
		{
			// "Partner Name: Umeng SDK / Purpose of Cooperation: APP
			// operation statistics and analysis ... Privacy Policy:
			// https://www.umeng.com/page/policy"
			name: "Umeng",
			decl: func(t *testing.T) {
				sdk(t, "umeng", "Umeng", "", "https://www.umeng.com/page/policy", "phone_imei", "phone_mac", "android_id", "idfa", "oaid", "openudid", "guid", "imsi", "iccid", "phone_location")
				eq(t, "analytics consent", purpose(t, d, "analytics").Consent, policy.ConsentSeparate)
			},
			says: []string{"Umeng SDK"},
		},
		{
			// The advertising SDKs of Appendix II, with their policy links.
			name: "advertising SDKs",
			decl: func(t *testing.T) {
				sdk(t, "beizi", "BeiZi Network", "BeiZi SDK", "http://sdkdoc.beizi.biz/#/", "oaid", "gaid", "phone_imei", "idfa", "idfv")
				sdk(t, "youlianghui", "Youlianghui", "Tencent Youlianghui SDK", "https://e.qq.com/dev/help_detail.html?cid=2005&pid=5983", "accelerometer", "magnetic_field")
				sdk(t, "pangle", "Pangle", "Pangle SDK", "https://e.qq.com/dev/help_detail.html?cid=2005&pid=5983", "meid", "hardware_serial", "gaid")
				sdk(t, "baidu", "Baidu Alliance", "BaiQingteng SDK", "https://union.baidu.com/aibqt/", "phone_imei", "imsi", "idfa", "oaid")
				sdk(t, "mango", "Mango", "Mango Aggregation SDK", "https://www.mangolm.com/privacy", "phone_imei")
				sdk(t, "jd", "JD", "JD SDK", "https://union.jd.com/searchResultDetail?articleId=113000", "hardware_serial", "base_station")
				sdk(t, "kuaishou", "Kuaishou", "Kuaishou SDK", "https://www.kuaishou.com/about/policy?tab=privacy", "gyroscope", "gravity_sensor")
				sdk(t, "ubix", "UbiX", "UBiX Merak SDK", "https://ubixai.com/ubix_sdk_Merak_privacy.html", "oaid")
				sdk(t, "octopus", "Octopus Advertising", "Octopus SDK", "https://doc.adintl.cn/", "idfa")
				sdk(t, "youtui", "Beijing Leyou Sunshine Technology Co., Ltd.", "Youtui Advertising SDK", "http://youtui.gameley.com/agreement.html", "linear_acceleration")
				sdk(t, "fangge", "Shanghai Fangge Technology Co., Ltd.", "Fangge Adbiding Advertising SDK", "https://sdk.adbiding.com/sdk_privacy.html")
				sdk(t, "taku", "Guangzhou Taku Information Technology Co., Ltd.", "TaKu SDK", "https://help.takuad.com/docs/1Mn1B7")
				sdk(t, "jutui", "Hangzhou Tuia Network Technology Co., Ltd.", "Jutui Advertising SDK", "https://ssp-web.tuia.cn/#/public/PrivacyPolicy", "sim_mcc_mnc", "rotation_vector", "sd_card")
				// "Privacy Policy: [[ Link ]]": the seed gives none.
				sdk(t, "meishu", "Meishu", "Meishu Aggregated Advertising SDK", "")
				fn := function(t, d, "advertising")
				eq(t, "kind", fn.Kind, policy.FunctionThirdParty)
				has(t, "advertising fields", fn.Fields, "odid", "meid", "sim_mcc_mnc", "rotation_vector")
			},
			says: []string{"BaiQingteng SDK", "Pangle SDK", "Tencent Youlianghui SDK", "UBiX Merak SDK", "Jutui Advertising SDK", "Beijing Leyou Sunshine Technology Co., Ltd.", "https://sdk.adbiding.com/sdk_privacy.html"},
		},
		{
			// "Cooperation Type: Mobile One-Tap Login (CMI Mobile
			// Authentication) SDK (Android, iOS) / Partner Name: China Mobile
			// Internet Co., Ltd. ... local phone number information"
			name: "One-Tap Login",
			decl: func(t *testing.T) {
				sdk(t, "cmi_auth", "China Mobile Internet Co., Ltd.", "Mobile One-Tap Login (CMI Mobile Authentication) SDK (Android, iOS)", "https://wap.cmpassport.com/resources/html/contract.html", "phone_number", "oaid", "phone_sim_status")
				eq(t, "kind", function(t, d, "one_tap_login").Kind, policy.FunctionThirdParty)
			},
			says: []string{"China Mobile Internet Co., Ltd.", "Alibaba Cloud Number Authentication SDK"},
		},
		{
			// Every SDK of the seed's list is declared, with separate consent
			// for those acting on their own account.
			name: "every SDK",
			decl: func(t *testing.T) {
				eq(t, "recipients", len(d.Recipients), 26)
				for _, r := range d.Recipients {
					if r.Role == "controller" && r.Consent != policy.ConsentSeparate {
						t.Errorf("recipient %s is a controller without separate consent", r.ID)
					}
				}
			},
		},
		{
			// "Personal information collected and generated by us within the
			// territory of the People’s Republic of China will be stored
			// within the territory ... and does not involve cross-border
			// transfer."
			name: "storage in China",
			decl: func(t *testing.T) {
				eq(t, "regions", d.Storage.Regions, []string{"CN"})
				eq(t, "transfers", len(d.Storage.Transfers), 0)
			},
			says: []string{"does not involve cross-border transfer"},
		},
		{
			// "When minors use our products (or services), the consent and
			// authorization of their guardians are required." / "Children:
			// refers to minors under the age of fourteen."
			name: "minors",
			decl: func(t *testing.T) {
				eq(t, "guardian below", d.Minors.GuardianConsentBelow, 18)
				eq(t, "minimum age", d.Minors.MinimumAge, 0)
			},
			says: []string{"consent and authorization of their guardians", "under the age of fourteen"},
		},
		{
			// "Major changes referred to in this Policy include ..." (six
			// items) / "we will notify you in a timely manner by pop-up
			// window" / "Without your explicit consent, we will not restrict
			// the rights you should enjoy"
			name: "change policy",
			decl: func(t *testing.T) {
				eq(t, "major", d.Changes.MajorChanges, []string{"purpose_or_processing", "controller", "recipients", "rights", "contact", "impact_assessment"})
				has(t, "notify", d.Changes.Notify, "popup")
				eq(t, "no reduction", d.Changes.NoReductionWithoutConsent, true)
			},
			says: []string{"pop-up window"},
		},
		{
			// "Applicable to serious violations (such as posting illegal
			// information, fraud, malicious marketing, bulk registration,
			// etc.) ... your account has been permanently restricted from
			// use ... cannot have the ban lifted."
			name: "account ban",
			decl: func(t *testing.T) {
				if commitment(t, "account-ban").Attestation == nil {
					t.Error("account-ban not attested")
				}
				has(t, "security purposes", function(t, d, "security").Purposes, "legal_compliance")
			},
			says: []string{"permanently restricted from use"},
		},
		{
			// "we will promptly activate the emergency response plan ...
			// report it to the national competent authorities ... by
			// reasonable and effective means such as push notifications and
			// announcements."
			name: "incidents",
			decl: func(t *testing.T) {
				eq(t, "notify subjects", d.Incidents.NotifySubjects, []string{"push", "announcement"})
				eq(t, "notify authority", d.Incidents.NotifyAuthority, true)
			},
			says: []string{"emergency response plan"},
		},
		{
			// "“National Information Security Classified Protection Level
			// III Certification” ... ISO 27001 Information Security
			// Management System certification" / "dual encryption"
			name: "security measures",
			decl: func(t *testing.T) {
				ids := map[string]bool{}
				for _, m := range d.Security.Measures {
					ids[m.ID] = true
					if _, enforced := policy.EnforcedMeasures[m.ID]; !enforced && m.Attestation == nil {
						t.Errorf("measure %s neither enforced nor attested", m.ID)
					}
				}
				for _, id := range []string{"mlps_level_3", "iso_27001", "encryption_at_rest", "access_control", "imei_mac_md5_on_device"} {
					if !ids[id] {
						t.Errorf("measure %s not declared", id)
					}
				}
			},
			says: []string{"ISO 27001", "Level III", "HTTPS"},
		},
		{
			// "The Xiaoying Kankan APP does not currently use Cookies or
			// similar technologies."
			name: "no cookies",
			decl: func(t *testing.T) {
				eq(t, "cookies", len(d.Cookies), 0)
				commitment(t, "no-cookies")
			},
			says: []string{"does not currently use Cookies"},
		},
		{
			// "(VIII) Clipboard ... read the passcodes, sharing codes, and
			// links" / "(IX) Gravity Sensor ... automatically rotate the
			// video from portrait mode to landscape mode"
			name: "clipboard and gravity sensor",
			decl: func(t *testing.T) {
				has(t, "clipboard", function(t, d, "clipboard").Fields, "clipboard_content")
				rule(t, "clipboard-after-use", "", policy.TriggerPurposeFulfilled, "delete")
				eq(t, "gravity", field(t, d, "gravity_sensor").Category, "sensor_data")
				has(t, "rotation", function(t, d, "screen_rotation").Fields, "gravity_sensor")
			},
			says: []string{"clipboard", "gravity sensor"},
		},
		{
			// "[Motion Detection, AI Intelligent Recognition] ... to analyze
			// and label video data through AI large-model capabilities,
			// describe events with AI, and conduct AI model training."
			name: "AI recognition",
			decl: func(t *testing.T) {
				fn := function(t, d, "ai_recognition")
				has(t, "purposes", fn.Purposes, "ai_event_analysis", "ai_model_training")
				eq(t, "training consent", purpose(t, d, "ai_model_training").Consent, policy.ConsentSeparate)
			},
			says: []string{"AI model training"},
		},
		{
			// "we only obtain the type of Cloud Storage package you purchase,
			// the smart hardware devices you select, and the status
			// information of whether the payment is successful"
			name: "Cloud Storage purchase",
			decl: func(t *testing.T) {
				fn := function(t, d, "cloud_storage")
				eq(t, "kind", fn.Kind, policy.FunctionOptional)
				has(t, "fields", fn.Fields, "cloud_package_type", "device_uid", "payment_status", "cloud_video")
			},
			says: []string{"third-party payment account"},
		},
		{
			// "[Device Binding and Networking] ... Wi-Fi name (SSID), Wi-Fi
			// password, signal strength), and Bluetooth MAC address"
			name: "device binding fields",
			decl: func(t *testing.T) {
				fn := function(t, d, "device_binding")
				eq(t, "kind", fn.Kind, policy.FunctionCore)
				has(t, "fields", fn.Fields, "device_uid", "device_mac", "wifi_ssid", "wifi_password", "wifi_signal", "device_bt_mac", "phone_location")
				eq(t, "device mac hashing", field(t, d, "device_mac").Hashing, "none")
				eq(t, "bt mac", field(t, d, "device_bt_mac").Identifier, "bluetooth_mac")
			},
			says: []string{"acoustic sensing"},
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
			if len(f.says) > 0 {
				t.Run(f.name, func(t *testing.T) { says(t, en, f.says...) })
			}
		}
	})
}
