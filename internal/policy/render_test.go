package policy

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	renderLangs   = []string{"en", "zh"}
	renderFormats = []string{"md", "html"}
)

func parseFile(t testing.TB, path string) *Declaration {
	t.Helper()
	doc, err := Parse(path, mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Decl
}

func mustRender(t testing.TB, d *Declaration, lang, format string) string {
	t.Helper()
	out, err := Render(d, lang, format)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", lang, format, err)
	}
	return string(out)
}

// fullDecl is minimal.yaml with every optional part of the model filled
// in, so that every section and every branch of the renderer shows in its
// golden files. The product is an SDK run by an entrusted party.
func fullDecl(t testing.TB) *Declaration {
	d := parseFile(t, "testdata/minimal.yaml")
	d.Updated = Date{Time: d.Effective.AddDate(0, 2, 14)}
	d.Laws = []string{"pipl", "gdpr", "ccpa"}
	d.Summary = Text{EN: "This policy explains how Example SDK handles personal information.\n\nPlease read it carefully.", ZH: "本政策说明示例SDK如何处理个人信息。\n\n请您仔细阅读。"}
	d.Controller.Address = Text{EN: "1 Example Road, Beijing", ZH: "北京市示例路1号"}
	d.Controller.Affiliates = Text{EN: "Example Ltd. and its affiliates.", ZH: "示例有限公司及其关联公司。"}
	d.Controller.Contacts = append(d.Controller.Contacts, Contact{Kind: "phone", Value: "400-000-0000", Label: Text{EN: "Hotline", ZH: "客服热线"}, Hours: Text{EN: "working days 9:00-18:00", ZH: "工作日9:00-18:00"}})
	d.Controller.Complaint.Authority = Text{EN: "Cyberspace Administration of China", ZH: "国家网信部门"}
	d.Controller.Complaint.Channels = []Contact{{Kind: "web", Value: "https://www.12377.cn"}}
	d.Controller.Representative = &Contact{Kind: "email", Value: "eu-rep@example.eu", Label: Text{EN: "EU Rep GmbH", ZH: "EU Rep GmbH"}}
	d.Product = Product{
		Name: Text{EN: "Example SDK", ZH: "示例SDK"}, Kind: "sdk", Role: "entrusted",
		Description: Text{EN: "A chat SDK for apps.", ZH: "供应用集成的聊天SDK。"},
		Platforms:   []string{"android", "ios", "harmonyos"},
		Integrators: Text{EN: "Tell your users about this SDK and obtain their consent.", ZH: "请告知您的用户本SDK的存在并取得其同意。"},
	}
	d.Categories = append(d.Categories,
		Category{ID: "biometric_face", Label: Text{EN: "Face features", ZH: "人脸特征"}, Necessity: Text{EN: "Needed to unlock with your face.", ZH: "用于刷脸解锁。"}, Impact: Text{EN: "A leak could enable impersonation.", ZH: "一旦泄露可能被冒用身份。"}, ImpactAssessment: "PIPIA-2025-01"},
		Category{ID: "device_identifier", Label: Text{EN: "Device identifiers", ZH: "设备标识符"}},
	)
	d.Fields = append(d.Fields,
		Field{ID: "face", Category: "biometric_face", Label: Text{EN: "Face template", ZH: "人脸模板"}, Source: "subject", Blob: true},
		Field{ID: "imei", Category: "device_identifier", Label: Text{EN: "IMEI", ZH: "IMEI"}, Source: "device", Identifier: "imei", Hashing: "sha256"},
		Field{ID: "oaid", Category: "device_identifier", Label: Text{EN: "OAID", ZH: "OAID"}, Source: "device", Identifier: "oaid", Hashing: "hmac_sha256"},
	)
	d.Purposes = append(d.Purposes,
		Purpose{ID: "face_unlock", Label: Text{EN: "Face unlock", ZH: "刷脸解锁"}, Description: Text{EN: "Unlock the app with your face", ZH: "通过人脸解锁应用"}, Basis: Basis{PIPL: "consent", GDPR: "consent"}, Consent: ConsentSeparate},
		Purpose{ID: "ads", Label: Text{EN: "Advertising", ZH: "广告"}, Basis: Basis{PIPL: "consent", GDPR: "legitimate_interests", CCPA: "opt_out", Note: Text{EN: "Our interest is funding the free service", ZH: "我们的正当利益是维持免费服务"}}, Consent: ConsentConsent, SaleOrShare: true},
		Purpose{ID: "kids", Label: Text{EN: "Kids mode", ZH: "儿童模式"}, Basis: Basis{PIPL: "consent"}, Consent: ConsentGuardian},
	)
	d.Functions = append(d.Functions,
		Function{ID: "face", Name: Text{EN: "Face unlock", ZH: "刷脸解锁"}, Kind: FunctionOptional, Description: Text{EN: "Unlock with your face.", ZH: "刷脸解锁应用。"}, Purposes: []string{"face_unlock"}, Fields: []string{"face"}, Permissions: []string{"camera"}, IfRefused: Text{EN: "You can still unlock with a password.", ZH: "您仍可使用密码解锁。"}},
		Function{ID: "ads", Name: Text{EN: "Ads", ZH: "广告"}, Kind: FunctionThirdParty, Purposes: []string{"ads", "kids"}, Fields: []string{"imei", "oaid"}, Background: true, Frequency: Text{EN: "every 30 minutes", ZH: "每30分钟一次"}},
		Function{ID: "sync", Name: Text{EN: "Sync", ZH: "同步"}, Kind: FunctionCore, Purposes: []string{"account"}, Fields: []string{"email"}, Background: true},
	)
	d.Permissions = append(d.Permissions,
		Permission{ID: "camera", Name: Text{EN: "Camera", ZH: "相机"}, Android: []string{"android.permission.CAMERA"}, IOS: []string{"NSCameraUsageDescription"}, HarmonyOS: []string{"ohos.permission.CAMERA"}, Functions: []string{"face"}, Fields: []string{"face"}, Purpose: Text{EN: "Capture your face", ZH: "采集您的人脸"}},
		Permission{ID: "internet", Name: Text{EN: "Network", ZH: "网络"}, Android: []string{"android.permission.INTERNET"}, Functions: []string{"login", "ads"}, Purpose: Text{EN: "Talk to our servers", ZH: "与服务器通信"}},
	)
	d.Storage.Description = Text{EN: "Our servers are in Beijing.", ZH: "我们的服务器位于北京。"}
	d.Storage.Transfers = []Transfer{
		{ID: "eu", To: "DE", Purposes: []string{"account"}, Fields: []string{"email"}, Recipient: "cloud", Mechanism: "standard_contract", Consent: ConsentSeparate, Description: Text{EN: "For users in Europe.", ZH: "面向欧洲用户。"}},
		{ID: "sg", To: "SG", Purposes: []string{"ads"}, Fields: []string{"oaid"}, Mechanism: "certification", Consent: ConsentNone},
	}
	d.Recipients = []Recipient{
		{ID: "cloud", Company: Text{EN: "Cloud GmbH", ZH: "Cloud GmbH"}, Product: Text{EN: "Object storage", ZH: "对象存储"}, Kind: "processor", Role: "processor", Purposes: []string{"account"}, Fields: []string{"email"}, Region: "DE", Way: Text{EN: "Server to server", ZH: "服务器间传输"}, PolicyURL: "https://cloud.example/privacy", Contact: "dpo@cloud.example"},
		{ID: "adsdk", Company: Text{EN: "Ads Co.", ZH: "广告公司"}, Product: Text{EN: "Ads SDK", ZH: "广告SDK"}, Kind: "sdk", Role: "controller", Purposes: []string{"ads"}, Fields: []string{"imei", "oaid"}, Region: "CN", Way: Text{EN: "Embedded SDK", ZH: "嵌入SDK"}, Consent: ConsentConsent, PolicyURL: "javascript:alert(1)"},
		{ID: "partner", Company: Text{EN: "Partner Co.", ZH: "合作公司"}, Kind: "partner", Role: "joint", Purposes: []string{"account"}, Fields: []string{"email"}, Region: "HK", Way: Text{EN: "API", ZH: "API"}, Consent: ConsentNone},
	}
	d.Sharing = Sharing{
		Principles:       Text{EN: "We share only what is needed.", ZH: "我们仅共享必要的信息。"},
		Transfer:         Text{EN: "On a merger we require the new holder to keep this policy.", ZH: "如发生合并，我们会要求新的持有方继续受本政策约束。"},
		PublicDisclosure: Text{EN: "We do not publicly disclose personal information.", ZH: "我们不会公开披露个人信息。"},
		Exceptions:       []Text{{EN: "Where a law requires it", ZH: "法律法规规定的"}, {EN: "To protect life or property", ZH: "为保护生命财产安全所必需的"}},
	}
	d.Retention = append(d.Retention,
		RetentionRule{ID: "face-now", Fields: []string{"face"}, Trigger: TriggerConsentWithdrawn, Action: "delete", Exceptions: []string{"legal_requirement", "legal_hold"}, Description: Text{EN: "Face data never outlives your consent", ZH: "人脸数据不会在您撤回同意后保留"}},
		RetentionRule{ID: "ids-anon", Categories: []string{"device_identifier"}, Purposes: []string{"ads"}, Duration: Period{N: 1, Unit: Years}, Trigger: TriggerLastActivity, Action: "anonymize", Anonymize: []AnonymizeStep{{Field: "imei", Strategy: "drop"}, {Field: "oaid", Strategy: "keyed_hash"}}},
		RetentionRule{ID: "ids-end", Categories: []string{"device_identifier"}, Trigger: TriggerServiceTerminated, Action: "anonymize"},
	)
	d.Cookies = []Cookie{
		{ID: "session_id", Kind: "cookie", Category: "strictly_necessary", Purpose: Text{EN: "Keeps you signed in", ZH: "保持登录状态"}, Provider: "first_party"},
		{ID: "_ads", Kind: "pixel", Category: "advertising", Purpose: Text{EN: "Measures ads", ZH: "衡量广告效果"}, Duration: Period{N: 13, Unit: Months}, Provider: "adsdk", OptOut: Text{EN: "Turn off personalised ads in Settings", ZH: "在设置中关闭个性化广告"}},
	}
	d.AutomatedDecisions = []AutomatedDecision{
		{ID: "recs", Kind: "recommendation", Description: Text{EN: "We recommend content you may like.", ZH: "我们向您推荐可能感兴趣的内容。"}, Purposes: []string{"ads"}, Fields: []string{"oaid"}, OptOut: true, OptOutHow: Text{EN: "Settings > Recommendations", ZH: "设置 > 推荐"}, Logic: Text{EN: "Ranks items by past clicks.", ZH: "按历史点击排序。"}},
		{ID: "fraud", Kind: "decision", Description: Text{EN: "We block suspicious sign-ins.", ZH: "我们会拦截可疑登录。"}, Purposes: []string{"account"}, Fields: []string{"email"}, SignificantEffect: true, HumanReview: true},
	}
	d.Security.Description = Text{EN: "We follow industry standards.", ZH: "我们遵循行业标准。"}
	d.Security.Measures = append(d.Security.Measures,
		Measure{ID: "iso27001", Description: Text{EN: "ISO 27001 certified.", ZH: "通过ISO 27001认证。"}, Attestation: &Attestation{By: "Example Ltd.", Evidence: "Certificate 123"}},
		Measure{ID: "training", Description: Text{EN: "Staff are trained yearly.", ZH: "员工每年接受培训。"}, Attestation: &Attestation{By: "Example Ltd."}},
	)
	d.Incidents.NotifySubjects = []string{"email", "sms", "announcement"}
	d.Rights.Items = []RightItem{
		{Right: "access", How: Text{EN: "In the app settings.", ZH: "在应用设置中。"}, Channels: []string{"app", "dev"}},
		{Right: "delete", How: Text{EN: "In the app settings.", ZH: "在应用设置中。"}, Channels: []string{"app"}},
		{Right: "portability", How: Text{EN: "Email us.", ZH: "发送邮件给我们。"}, Channels: []string{"mail"}, Deadline: Period{N: 1, Unit: Months}},
		{Right: "adm_review", How: Text{EN: "Reply to the decision notice", ZH: "回复决策通知"}, Channels: []string{"mail"}, Deadline: Period{N: 10, Unit: WorkingDays}},
		{Right: "cancel_account", How: Text{EN: "Settings > Account > Cancel.", ZH: "设置 > 账号 > 注销。"}, Channels: []string{"app"}},
	}
	d.Rights.Channels = []Channel{
		{ID: "app", Kind: "in_app", Label: Text{EN: "Settings > Privacy", ZH: "设置 > 隐私"}},
		{ID: "mail", Kind: "email", Value: "privacy@example.com"},
		{ID: "dev", Kind: "developer"},
	}
	d.Rights.DeadlineFrom = "receipt"
	d.Rights.Verification = []string{"email_code", "sms_code", "developer_confirmation"}
	d.Rights.Fees = Fees{Free: true, RepeatLimit: 2, RepeatWindow: Period{N: 1, Unit: Years}, RepeatAction: "charge", Description: Text{EN: "Fees never exceed cost.", ZH: "收费不超过成本。"}}
	d.Rights.Routing = "controller"
	d.Rights.Cancellation = &Cancellation{How: Text{EN: "Apply in Settings.", ZH: "在设置中申请。"}, CoolingOff: Period{N: 15, Unit: Days}, Resume: "login", Deadline: Period{N: 15, Unit: WorkingDays}, Action: "anonymize", Conditions: Text{EN: "Settle open orders first.", ZH: "请先结清未完成的订单。"}}
	d.Rights.Notes = Text{EN: "You may also complain to a regulator.", ZH: "您也可以向监管部门投诉。"}
	d.Minors = Minors{MinimumAge: 13, GuardianConsentBelow: 14, OnDiscovery: "delete_and_block", Statement: Text{EN: "We protect minors.", ZH: "我们重视未成年人保护。"},
		Regions: []RegionAge{{Region: "US", MinimumAge: 13, GuardianConsentBelow: 13}, {Region: "EU", GuardianConsentBelow: 16}}}
	d.Changes.Notify = []string{"popup", "email", "developer"}
	d.Changes.NoReductionWithoutConsent = true
	d.Definitions = []Definition{{Term: Text{EN: "Personal information", ZH: "个人信息"}, Meaning: Text{EN: "Information about an identified or identifiable person.", ZH: "与已识别或者可识别的自然人有关的各种信息。"}}}
	d.Commitments = []Commitment{
		{ID: "no-sale", Text: Text{EN: "We never sell your data.", ZH: "我们绝不出售您的数据。"}, Enforcement: "sharing"},
		{ID: "audit", Text: Text{EN: "We are audited yearly.", ZH: "我们每年接受审计。"}, Attestation: &Attestation{By: "Example Ltd."}},
	}
	return d
}

// goldenCase is one declaration rendered into golden files.
type goldenCase struct {
	name string
	decl *Declaration
}

func goldenCases(t *testing.T) []goldenCase {
	cases := []goldenCase{
		{"minimal", parseFile(t, "testdata/minimal.yaml")},
		{"full", fullDecl(t)},
	}
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		doc, err := Parse(f, mustRead(t, f))
		if err != nil {
			t.Logf("skipping %s: it does not parse yet:\n%v", f, err)
			continue
		}
		cases = append(cases, goldenCase{"example-" + strings.TrimSuffix(filepath.Base(f), ".yaml"), doc.Decl})
	}
	return cases
}

// TestRenderGolden compares each rendering with its golden file in
// testdata/golden (go test ./internal/policy -run TestRenderGolden -update
// rewrites them).
func TestRenderGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		for _, lang := range renderLangs {
			for _, format := range renderFormats {
				name := fmt.Sprintf("%s.%s.%s", c.name, lang, format)
				t.Run(name, func(t *testing.T) {
					got := []byte(mustRender(t, c.decl, lang, format))
					path := filepath.Join("testdata", "golden", name)
					if *update {
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, got, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./internal/policy -run TestRenderGolden -update)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s is stale or the renderer changed: diff it with the output of go test ./internal/policy -run TestRenderGolden -update\nfirst difference at line %d", path, firstDiffLine(got, want))
					}
				})
			}
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// sectionTitles are the section headings, in order.
var sectionTitles = []Text{
	renderMsg.SecCollect, renderMsg.SecSensitive, renderMsg.SecPermissions, renderMsg.SecCookies,
	renderMsg.SecAutomated, renderMsg.SecSharing, renderMsg.SecStorage, renderMsg.SecRetention,
	renderMsg.SecSecurity, renderMsg.SecRights, renderMsg.SecMinors, renderMsg.SecChanges,
	renderMsg.SecContact, renderMsg.SecDefinitions, renderMsg.SecCommitments,
}

// subheadings are the fixed subheadings.
var subheadings = []Text{
	renderMsg.Contents, renderMsg.Sharing, renderMsg.Transfer, renderMsg.PublicDisclosure, renderMsg.Exceptions,
	renderMsg.StorageWhere, renderMsg.CrossBorder, renderMsg.Measures, renderMsg.Incidents,
	renderMsg.Channels, renderMsg.ResponseTime, renderMsg.Verification, renderMsg.Fees, renderMsg.Refusals,
	renderMsg.Cancellation, renderMsg.Department, renderMsg.Complaints, renderMsg.Representative,
}

// TestRenderSections checks that every section is there, in order, under
// its heading in the right language, and that sections with nothing to say
// are left out, except rights, contact and changes.
func TestRenderSections(t *testing.T) {
	full, minimal := fullDecl(t), parseFile(t, "testdata/minimal.yaml")
	for _, lang := range renderLangs {
		t.Run(lang, func(t *testing.T) {
			hs := headings(t, mustRender(t, full, lang, "html"))
			var h2 []string
			for _, h := range hs {
				for _, s := range sectionTitles {
					if strings.HasSuffix(h, s.In(lang)) {
						h2 = append(h2, s.In(lang))
					}
				}
			}
			var want []string
			for _, s := range sectionTitles {
				want = append(want, s.In(lang))
			}
			if !slices.Equal(h2, want) {
				t.Errorf("section headings:\n got %q\nwant %q", h2, want)
			}
			for _, s := range subheadings {
				if !slices.Contains(hs, s.In(lang)) {
					t.Errorf("no heading %q", s.In(lang))
				}
			}
			md := mustRender(t, full, lang, "md")
			for _, s := range append(slices.Clone(sectionTitles), subheadings...) {
				if !regexp.MustCompile(`(?m)^#{2,4} .*` + regexp.QuoteMeta(s.In(lang)) + `$`).MatchString(md) {
					t.Errorf("Markdown has no heading %q", s.In(lang))
				}
			}

			min := mustRender(t, minimal, lang, "md")
			for _, s := range []Text{renderMsg.SecRights, renderMsg.SecChanges, renderMsg.SecContact, renderMsg.SecCollect, renderMsg.SecRetention} {
				if !strings.Contains(min, s.In(lang)) {
					t.Errorf("minimal: no section %q", s.In(lang))
				}
			}
			for _, s := range []Text{renderMsg.SecSensitive, renderMsg.SecCookies, renderMsg.SecAutomated, renderMsg.SecSharing, renderMsg.SecDefinitions, renderMsg.SecCommitments} {
				if strings.Contains(min, s.In(lang)) {
					t.Errorf("minimal has nothing for %q, but the section is there", s.In(lang))
				}
			}
		})
	}
}

// TestRenderChineseIsChinese checks that the Chinese policy has no English
// heading, nor any fixed English sentence.
func TestRenderChineseIsChinese(t *testing.T) {
	d := fullDecl(t)
	for _, format := range renderFormats {
		out := mustRender(t, d, "zh", format)
		for _, s := range append(slices.Clone(sectionTitles), subheadings...) {
			if strings.Contains(out, s.EN) {
				t.Errorf("%s: Chinese policy has the English heading %q", format, s.EN)
			}
		}
		v := reflect.ValueOf(renderMsg)
		for i := 0; i < v.NumField(); i++ {
			m, ok := v.Field(i).Interface().(Text)
			if !ok || m.EN == m.ZH {
				continue
			}
			for _, piece := range regexp.MustCompile(`%(\[\d\])?[sd]`).Split(m.EN, -1) {
				if piece = strings.TrimSpace(piece); strings.Count(piece, " ") >= 2 && strings.Contains(out, piece) {
					t.Errorf("%s: Chinese policy has English text %q (%s)", format, piece, v.Type().Field(i).Name)
				}
			}
		}
	}
}

// TestRenderSays checks sentences the brief and the seeds require.
func TestRenderSays(t *testing.T) {
	d := fullDecl(t)
	says := map[string][]string{
		"en": {
			"Example SDK Privacy Policy", "Version", "2025-03-15",
			"The developer whose product you use is the personal information processor (controller)",
			"as an entrusted party", "Core function", "Optional function", "Third-party function",
			"PIPL Art. 13(1)", "GDPR Art. 6(1)(f)", "CCPA § 1798.120", "requires your separate consent",
			"requires the consent of your parent or guardian", "Sec-GPC: 1", "Face template (sensitive)",
			"stored as a SHA-256 hash", "stored as a keyed hash (HMAC-SHA-256)", "identifier: IMEI",
			"stored as an encrypted file", "every 30 minutes", "You can still unlock with a password.",
			"Why it is necessary", "PIPIA-2025-01", "Biometric information", "`ohos.permission.CAMERA`",
			"granted by the system at installation", "only when you use a function that needs it",
			"turn it off at any time in your device's system settings", "we do not collect the personal information it gives access to",
			"`session_id`", "Session only", "13 months", "Ads Co. (Ads SDK)", "PIPL Art. 24", "reviewed by a person",
			"Settings > Recommendations", "Server to server", "[https://cloud.example/privacy](https://cloud.example/privacy)",
			"Transfer to Germany", "standard contract", "separate consent before the transfer",
			"Deleted at once after you withdraw your consent", "1 year after your last activity",
			"Anonymized (IMEI removed; OAID replaced with a keyed hash)", "Anonymized at once after the service ends",
			"Kept longer where a law requires it.", "attested by Example Ltd.; evidence: Certificate 123",
			"email, SMS and public announcement", "within 72 hours", "we forward it to the developer that controls the data",
			"within 15 working days after we receive your request", "We respond within 1 month.",
			"more than 2 requests of the same type within 1 year", "1. **National security**", "cooling-off period of 15 days",
			"sign in again", "Within 15 working days after the cooling-off period ends, we will anonymize",
			"at least 13 years old", "under 14", "**European Union / EEA**", "block the account",
			"ask for your consent again", "will not reduce your rights", "**Hotline**: 400-000-0000 (working days 9:00-18:00)",
			"Cyberspace Administration of China", "EU Rep GmbH", "We never sell your data.", "(attested by Example Ltd.)",
		},
		"zh": {
			"示例SDK隐私政策", "2025年3月15日", "个人信息处理者", "受托方", "基本业务功能", "扩展业务功能", "第三方功能",
			"《个人信息保护法》第十三条第一款第（一）项", "需要您的单独同意", "人脸模板（敏感个人信息）", "以SHA-256哈希值存储",
			"权限说明", "系统设置中关闭", "立即删除", "在您撤回同意后立即删除", "在您最后一次使用后1年",
			"在收到您的请求后15个工作日内", "冷静期结束后15个工作日内，我们将匿名化处理您的个人信息", "会将请求转交给控制该数据的开发者",
			"重新征得您的同意", "未经您的明确同意", "如何联系我们", "定义", "我们如何存储您的个人信息", "我们如何保护您的个人信息",
			"我们如何共享、转让、公开披露您的个人信息", "我们如何收集和使用您的个人信息", "您的权利", "未成年人保护", "本政策如何更新",
		},
	}
	for lang, phrases := range says {
		out := mustRender(t, d, lang, "md")
		for _, p := range phrases {
			if !strings.Contains(out, p) {
				t.Errorf("%s policy does not say %q", lang, p)
			}
		}
	}
	min := mustRender(t, parseFile(t, "testdata/minimal.yaml"), "zh", "md")
	if !strings.Contains(min, "在完成身份验证后15个工作日内") {
		t.Errorf("zh: no response deadline from verification")
	}
	min = mustRender(t, parseFile(t, "testdata/minimal.yaml"), "en", "md")
	for _, p := range []string{"within 15 working days after identity verification", "We are the personal information processor (controller) of Example App"} {
		if !strings.Contains(min, p) {
			t.Errorf("en policy does not say %q", p)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	d := parseFile(t, "testdata/minimal.yaml")
	for _, tc := range []struct{ lang, format, bad string }{
		{"fr", "md", `"fr"`},
		{"", "md", `""`},
		{"zh-CN", "html", `"zh-CN"`},
		{"en", "pdf", `"pdf"`},
		{"zh", "HTML", `"HTML"`},
	} {
		out, err := Render(d, tc.lang, tc.format)
		if err == nil || out != nil {
			t.Errorf("Render(%q, %q) = %d bytes, %v; want an error", tc.lang, tc.format, len(out), err)
			continue
		}
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.bad) {
			t.Errorf("Render(%q, %q): error %q does not wrap ErrUnsupported and name %s", tc.lang, tc.format, err, tc.bad)
		}
	}
	if _, err := Render(nil, "en", "md"); err == nil {
		t.Error("Render(nil) did not fail")
	}
}

// TestRenderUnchecked renders a declaration that never went through Parse,
// with references to nothing: it must not panic.
func TestRenderUnchecked(t *testing.T) {
	d := &Declaration{
		Functions:   []Function{{ID: "f", Purposes: []string{"nope"}, Fields: []string{"nada"}, Permissions: []string{"zilch"}}},
		Permissions: []Permission{{ID: "p", Android: []string{"android.permission.NOPE"}, Functions: []string{"ghost"}}},
		Retention:   []RetentionRule{{ID: "r", Categories: []string{"ghost"}, Trigger: "whenever"}},
		Cookies:     []Cookie{{ID: "c", Provider: "ghost"}},
		Storage:     Storage{Transfers: []Transfer{{ID: "t", To: "XX", Recipient: "ghost"}}},
		Rights:      Rights{Items: []RightItem{{Right: "fly", Channels: []string{"ghost"}}}, Refusals: []string{"moon"}},
		Changes:     ChangePolicy{MajorChanges: []string{"weather"}},
	}
	for _, lang := range renderLangs {
		for _, format := range renderFormats {
			out := mustRender(t, d, lang, format)
			for _, id := range []string{"nope", "nada", "ghost", "fly", "moon", "weather"} {
				if !strings.Contains(out, id) {
					t.Errorf("%s %s: unknown reference %q is not shown", lang, format, id)
				}
			}
		}
	}
}

// TestRenderConcurrent renders from many goroutines (run with -race) and
// checks the output never varies.
func TestRenderConcurrent(t *testing.T) {
	d := fullDecl(t)
	want := mustRender(t, d, "zh", "html")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := Render(d, "zh", "html"); err != nil || string(got) != want {
				t.Errorf("concurrent render differs (err %v)", err)
			}
		})
	}
	wg.Wait()
}

func BenchmarkRender(b *testing.B) {
	type benchCase struct {
		name string
		decl *Declaration
	}
	cases := []benchCase{{"full", fullDecl(b)}}
	if files, _ := filepath.Glob("../../examples/*.yaml"); len(files) > 0 {
		// The largest example is the realistic worst case.
		var biggest string
		var size int64
		for _, f := range files {
			if st, err := os.Stat(f); err == nil && st.Size() > size {
				biggest, size = f, st.Size()
			}
		}
		if doc, err := Parse(biggest, mustRead(b, biggest)); err == nil {
			cases = append(cases, benchCase{"largest-example", doc.Decl})
		}
	}
	for _, c := range cases {
		for _, format := range renderFormats {
			b.Run(c.name+"/"+format, func(b *testing.B) {
				var n int
				for b.Loop() {
					out, err := Render(c.decl, "zh", format)
					if err != nil {
						b.Fatal(err)
					}
					n = len(out)
				}
				b.SetBytes(int64(n))
			})
		}
	}
}
