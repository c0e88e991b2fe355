package policy

// renderMessages holds every fixed sentence, heading and label of a
// rendered policy, each in English and Chinese side by side, so that the two
// languages are written and reviewed together. Sentences with verbs (%s, %d)
// take the same arguments in both languages; a test checks that.
type renderMessages struct {
	// Front matter.
	Title, Contents, Version, Effective, Updated Text
	RoleController, RoleEntrusted                Text
	Laws, Affiliates, Product, ProductKind       Text
	Platforms, Integrators                       Text

	// Section headings.
	SecCollect, SecSensitive, SecPermissions, SecCookies, SecAutomated Text
	SecSharing, SecStorage, SecRetention, SecSecurity, SecRights       Text
	SecMinors, SecChanges, SecContact, SecDefinitions, SecCommitments  Text

	// How we collect and use.
	CollectIntro, FunctionKind, FunctionPermissions, Background Text
	BackgroundYes, BackgroundYesFreq, BackgroundNo, Frequency   Text
	IfRefused, Purposes, LegalBasis, SaleOrShare                Text
	ColField, ColCategory, ColSource, ColNotes                  Text
	SensitiveMark, Identifier, Blob                             Text

	// Sensitive personal information.
	SensitiveIntro, SensitiveKind, SensitiveFields, Necessity Text
	Impact, ImpactAssessment, UsedFor                         Text

	// Permissions.
	PermIntro, PermInstall, ColPermission, ColPermName Text
	ColPurpose, ColFunctions, ColExposes               Text

	// Cookies.
	CookieIntro, ColName, ColKind, ColDuration, ColProvider, ColOptOut Text
	CookieSession, FirstParty                                          Text

	// Automated decisions.
	ADInformation, ADLogic, ADOptOut, ADOptOutYes, ADOptOutNo Text
	ADSignificant, ADHumanReview                              Text

	// Sharing, transfer, public disclosure.
	Sharing, SharingList, Transfer, PublicDisclosure, Exceptions Text
	ExceptionsIntro, ColCompany, ColProduct, ColType, ColShared  Text
	ColRegion, ColWay, ColConsent, ColPolicy                     Text

	// Storage and cross-border transfers.
	StorageWhere, StorageRegions, CrossBorder, TransferTo Text
	TransferRecipient, Mechanism, Consent                 Text

	// Retention.
	RetentionIntro, ColHowLong, ColThen, ColExceptions  Text
	ForPurposes, PeriodAfter, DeleteAtOnce              Text
	AnonymizeAtOnce, Deleted, Anonymized, AnonymizeStep Text

	// Security.
	Measures, Attested, AttestedEvidence, Incidents Text
	IncidentNotify, IncidentAuthority               Text
	IncidentAuthorityBy                             Text

	// Rights.
	RightsIntro, RoutingController, ColRight, ColHow, ColChannels Text
	ItemDeadline, Channels, ResponseTime, DeadlineVerification    Text
	DeadlineReceipt, Calendar, Verification, VerificationBy       Text
	Fees, FeesFree, FeesNotFree, RepeatCharge, RepeatChargeWithin Text
	RepeatRefuse, RepeatRefuseWithin, Refusals, RefusalsIntro     Text
	Cancellation, CoolingOff, ResumeLogin, ResumeNone             Text
	EraseAfter, EraseAtOnce, CoolingOffEnds, AccountCancelled     Text
	Delete, Anonymize                                             Text

	// Minors.
	MinimumAge, GuardianConsent, MinorRegions, MinorRegionMin Text
	MinorRegionGuardian, OnDiscovery                          Text

	// Changes.
	ChangesNotify, MajorChanges, NoReduction Text

	// Contact.
	ContactIntro, Company, Address, Country, Department Text
	Complaints, Authority, Representative               Text

	// Enumerations, keyed by the declaration's ids.
	LawNames, ProductKinds, PlatformNames, FunctionKinds, Sources    map[string]Text
	Hashing, ConsentKinds, OSNames, CookieKinds, CookieCategories    map[string]Text
	ADKinds, RecipientKinds, RecipientRoles, RecipientConsent        map[string]Text
	Mechanisms, TransferConsent, Triggers, Strategies, RetentionExcs map[string]Text
	NotifySubjects, ChannelKinds, VerificationKinds, DiscoveryAction map[string]Text
	ChangeNotify                                                     map[string]Text
}

var renderMsg = renderMessages{
	Title:     Text{"%s Privacy Policy", "%s隐私政策"},
	Contents:  Text{"Contents", "目录"},
	Version:   Text{"Version", "版本"},
	Effective: Text{"Effective date", "生效日期"},
	Updated:   Text{"Last updated", "更新日期"},
	RoleController: Text{
		`This policy is published by %[1]s ("we" or "us"). We are the personal information processor (controller) of %[2]s and are responsible for the personal information it processes.`,
		"本政策由%[1]s（以下简称“我们”）发布。我们是%[2]s的个人信息处理者，对%[2]s所处理的个人信息负责。",
	},
	RoleEntrusted: Text{
		`%[1]s ("we" or "us") provides %[2]s to developers, who build it into their own products. The developer whose product you use is the personal information processor (controller) of your personal information; we process it only on that developer's behalf, as an entrusted party, for the purposes and in the ways this policy describes.`,
		"%[1]s（以下简称“我们”）向开发者提供%[2]s，由开发者将其集成到自己的产品中。您所使用产品的开发者是您个人信息的个人信息处理者；我们作为受托方，仅代表该开发者、按照本政策所述的目的和方式处理您的个人信息。",
	},
	Laws:        Text{"This policy is made under %s.", "本政策依据%s制定。"},
	Affiliates:  Text{"Affiliates", "关联公司"},
	Product:     Text{"Product", "产品名称"},
	ProductKind: Text{"Type of product", "产品类型"},
	Platforms:   Text{"Platforms", "适用平台"},
	Integrators: Text{"For developers", "开发者须知"},

	SecCollect:     Text{"How we collect and use your personal information", "我们如何收集和使用您的个人信息"},
	SecSensitive:   Text{"Sensitive personal information", "敏感个人信息"},
	SecPermissions: Text{"Device permissions", "权限说明"},
	SecCookies:     Text{"Cookies and similar technologies", "Cookie和同类技术"},
	SecAutomated:   Text{"Personalised recommendation and automated decision-making", "个性化推荐与自动化决策"},
	SecSharing:     Text{"How we share, transfer and publicly disclose your personal information", "我们如何共享、转让、公开披露您的个人信息"},
	SecStorage:     Text{"How we store your personal information", "我们如何存储您的个人信息"},
	SecRetention:   Text{"How long we keep your personal information", "个人信息的保存期限"},
	SecSecurity:    Text{"How we protect your personal information", "我们如何保护您的个人信息"},
	SecRights:      Text{"Your rights", "您的权利"},
	SecMinors:      Text{"Protection of minors", "未成年人保护"},
	SecChanges:     Text{"How this policy is updated", "本政策如何更新"},
	SecContact:     Text{"How to contact us", "如何联系我们"},
	SecDefinitions: Text{"Definitions", "定义"},
	SecCommitments: Text{"Our further commitments", "我们的其他承诺"},

	CollectIntro: Text{
		"We collect and use your personal information only for the functions described below, and only for the purposes stated for each. Core functions are those the product needs in order to work; optional functions are ones you choose whether to use; third-party functions are provided by third parties within the product.",
		"我们仅为实现下述功能、按照各项功能所述的目的收集和使用您的个人信息。基本业务功能是产品正常运行所必需的功能；扩展业务功能是您可以自主选择是否使用的功能；第三方功能由第三方在产品中提供。",
	},
	FunctionKind:        Text{"Type of function", "功能类型"},
	FunctionPermissions: Text{"Permissions needed", "所需权限"},
	Background:          Text{"Runs in the background", "后台运行"},
	BackgroundYes:       Text{"Yes: it also collects while the app is in the background", "是，应用在后台运行时也会收集"},
	BackgroundYesFreq:   Text{"Yes: it also collects while the app is in the background (how often: %s)", "是，应用在后台运行时也会收集（频率：%s）"},
	BackgroundNo:        Text{"No: it collects only while you use the function", "否，仅在您使用该功能时收集"},
	Frequency:           Text{"How often", "收集频率"},
	IfRefused:           Text{"If you refuse", "如您拒绝"},
	Purposes:            Text{"Purposes", "处理目的"},
	LegalBasis:          Text{"Legal basis", "合法性基础"},
	SaleOrShare: Text{
		"Under the CCPA this is a sale or sharing of personal information: you can opt out at any time, and we treat a Global Privacy Control signal (Sec-GPC: 1) from your browser as an opt-out.",
		"根据CCPA，该处理属于出售或共享个人信息：您可以随时选择退出，我们也会将您的浏览器发出的全球隐私控制信号（Sec-GPC: 1）视为选择退出。",
	},
	ColField:      Text{"Personal information", "个人信息"},
	ColCategory:   Text{"Category", "类别"},
	ColSource:     Text{"Source", "来源"},
	ColNotes:      Text{"Notes", "说明"},
	SensitiveMark: Text{" (sensitive)", "（敏感个人信息）"},
	Identifier:    Text{"identifier: %s", "标识符：%s"},
	Blob:          Text{"stored as an encrypted file", "以加密文件形式存储"},

	SensitiveIntro: Text{
		"Sensitive personal information is personal information that, once leaked or used unlawfully, can easily harm your dignity or the safety of your person or property (PIPL Art. 28). We process the sensitive personal information below only for specific purposes and where it is sufficiently necessary, and we protect it strictly.",
		"敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害或者人身、财产安全受到危害的个人信息（《个人信息保护法》第二十八条）。我们仅在具有特定的目的和充分的必要性的情形下处理以下敏感个人信息，并对其采取严格的保护措施。",
	},
	SensitiveKind:    Text{"Kind", "类型"},
	SensitiveFields:  Text{"Personal information", "涉及的个人信息"},
	Necessity:        Text{"Why it is necessary", "处理的必要性"},
	Impact:           Text{"Impact on your rights and interests", "对您个人权益的影响"},
	ImpactAssessment: Text{"Impact assessment", "个人信息保护影响评估"},
	UsedFor:          Text{"Used for", "处理目的"},

	PermIntro: Text{
		"We request each permission below only when you use a function that needs it, never in advance. You may refuse it, or turn it off at any time in your device's system settings. While a permission is off we do not collect the personal information it gives access to, and the functions that need it are not available.",
		"我们仅在您使用需要相应权限的功能时才会申请该权限，不会提前申请。您可以拒绝授权，也可以随时在设备的系统设置中关闭相应权限。权限关闭后，我们不会再收集通过该权限获取的个人信息，依赖该权限的功能将无法使用。",
	},
	PermInstall:   Text{" (granted by the system at installation, without a prompt)", "（安装时由系统授予，不会弹窗询问）"},
	ColPermission: Text{"System permission", "系统权限"},
	ColPermName:   Text{"Name", "权限名称"},
	ColPurpose:    Text{"Purpose", "使用目的"},
	ColFunctions:  Text{"Functions", "对应功能"},
	ColExposes:    Text{"Personal information it gives access to", "涉及的个人信息"},

	CookieIntro: Text{
		"We use the cookies and similar technologies below. You can delete cookies or block them in your browser or device settings; if you block strictly necessary ones, parts of the product may not work.",
		"我们使用以下Cookie和同类技术。您可以在浏览器或设备设置中删除或阻止Cookie；如您阻止绝对必要的Cookie，产品的部分功能可能无法正常使用。",
	},
	ColName:       Text{"Name", "名称"},
	ColKind:       Text{"Type", "类型"},
	ColDuration:   Text{"Duration", "保存期限"},
	ColProvider:   Text{"Provider", "提供方"},
	ColOptOut:     Text{"How to refuse", "如何拒绝"},
	CookieSession: Text{"Session only", "仅在会话期间"},
	FirstParty:    Text{"Us (first party)", "我们（第一方）"},

	ADInformation: Text{"Personal information used", "使用的个人信息"},
	ADLogic:       Text{"How it works", "运行机制"},
	ADOptOut:      Text{"Can you turn it off?", "能否关闭"},
	ADOptOutYes:   Text{"Yes.", "可以。"},
	ADOptOutNo:    Text{"No, it cannot be turned off on its own.", "不能单独关闭。"},
	ADSignificant: Text{
		"This decision may significantly affect your rights and interests. You have the right to ask us to explain it, and to refuse a decision made solely by automated means (PIPL Art. 24).",
		"该决策可能对您的个人权益有重大影响。您有权要求我们予以说明，并有权拒绝我们仅通过自动化决策的方式作出决定（《个人信息保护法》第二十四条）。",
	},
	ADHumanReview: Text{"You can also ask for the decision to be reviewed by a person.", "您还可以要求对该决策进行人工复核。"},

	Sharing:          Text{"Sharing", "共享"},
	SharingList:      Text{"We share personal information only with the recipients below, only the personal information listed for each, and only for the purposes listed.", "我们仅与下列接收方共享个人信息，且仅共享为各接收方列明的个人信息、仅用于所列明的目的。"},
	Transfer:         Text{"Transfer", "转让"},
	PublicDisclosure: Text{"Public disclosure", "公开披露"},
	Exceptions:       Text{"Exceptions to consent", "征得授权同意的例外"},
	ExceptionsIntro:  Text{"We may share, transfer or publicly disclose your personal information without your prior consent in the following cases:", "在以下情形中，我们共享、转让、公开披露您的个人信息无需事先征得您的授权同意："},
	ColCompany:       Text{"Company", "公司名称"},
	ColProduct:       Text{"Product or SDK", "产品或SDK名称"},
	ColType:          Text{"Type", "类型"},
	ColShared:        Text{"Personal information shared", "共享的个人信息"},
	ColRegion:        Text{"Region", "所在地区"},
	ColWay:           Text{"How it is shared", "共享方式"},
	ColConsent:       Text{"Consent", "同意方式"},
	ColPolicy:        Text{"Privacy policy and contact", "隐私政策及联系方式"},

	StorageWhere:      Text{"Where we store it", "存储地点"},
	StorageRegions:    Text{"We store your personal information in the following regions: %s.", "我们将您的个人信息存储在以下地区：%s。"},
	CrossBorder:       Text{"Cross-border transfers", "跨境传输"},
	TransferTo:        Text{"Transfer to %s", "向%s传输"},
	TransferRecipient: Text{"Recipient", "境外接收方"},
	Mechanism:         Text{"Legal mechanism", "传输依据"},
	Consent:           Text{"Consent", "同意"},

	RetentionIntro:  Text{"We keep your personal information for the periods below. When a period ends, we delete or anonymize the information as stated.", "我们按照下表所列的期限保存您的个人信息。期限届满后，我们将按下表所述删除或匿名化处理相关信息。"},
	ColHowLong:      Text{"How long", "保存期限"},
	ColThen:         Text{"Then", "期限届满后"},
	ColExceptions:   Text{"Exceptions and notes", "例外与说明"},
	ForPurposes:     Text{"for: %s", "用于：%s"},
	PeriodAfter:     Text{"%[1]s after %[2]s", "在%[2]s后%[1]s"},
	DeleteAtOnce:    Text{"Deleted at once after %s", "在%s后立即删除"},
	AnonymizeAtOnce: Text{"Anonymized at once after %s", "在%s后立即匿名化处理"},
	Deleted:         Text{"Deleted", "删除"},
	Anonymized:      Text{"Anonymized", "匿名化处理"},
	AnonymizeStep:   Text{"%s %s", "%s：%s"},

	Measures:            Text{"Security measures", "安全措施"},
	Attested:            Text{" (attested by %s)", "（由%s证明）"},
	AttestedEvidence:    Text{" (attested by %s; evidence: %s)", "（由%s证明，证明材料：%s）"},
	Incidents:           Text{"Security incidents", "安全事件处置"},
	IncidentNotify:      Text{"If a personal information security incident happens, we will tell you by: %s.", "如发生个人信息安全事件，我们将通过以下方式告知您：%s。"},
	IncidentAuthority:   Text{"We will also report the incident to the competent authorities.", "我们还将依法向有关主管部门报告。"},
	IncidentAuthorityBy: Text{"We will also report the incident to the competent authorities within %s.", "我们还将在%s内向有关主管部门报告。"},

	RightsIntro:          Text{"You have the following rights over your personal information, and can exercise them as described below.", "您对您的个人信息享有以下权利，可以通过下述方式行使。"},
	RoutingController:    Text{"We process your personal information on behalf of the developer that controls it, so please exercise your rights with that developer first. If you send a request to us, we forward it to the developer that controls the data.", "我们受开发者委托处理您的个人信息，建议您首先向相应的开发者行使权利。如您直接向我们提出请求，我们会将请求转交给控制该数据的开发者。"},
	ColRight:             Text{"Right", "权利"},
	ColHow:               Text{"How to exercise it", "行使方式"},
	ColChannels:          Text{"Where", "渠道"},
	ItemDeadline:         Text{"We respond within %s.", "我们将在%s内答复。"},
	Channels:             Text{"How to submit a request", "提交请求的方式"},
	ResponseTime:         Text{"Response time", "答复期限"},
	DeadlineVerification: Text{"We respond within %s after identity verification.", "我们将在完成身份验证后%s内答复您。"},
	DeadlineReceipt:      Text{"We respond within %s after we receive your request.", "我们将在收到您的请求后%s内答复您。"},
	Calendar:             Text{"Working days are counted by the official calendar of %s.", "工作日按照%s的法定工作日计算。"},
	Verification:         Text{"Identity verification", "身份验证"},
	VerificationBy:       Text{"To protect your personal information, we first verify your identity, by: %s.", "为保障您的个人信息安全，我们会先验证您的身份，验证方式包括：%s。"},
	Fees:                 Text{"Fees", "费用"},
	FeesFree:             Text{"We handle your requests free of charge.", "我们不会就处理您的请求收取费用。"},
	FeesNotFree:          Text{"We may charge a reasonable fee for handling requests.", "我们可能就处理请求收取合理的费用。"},
	RepeatCharge:         Text{"If you make more than %d requests of the same type, we may charge a reasonable fee for the further ones.", "如您就同一类型提出超过%d次请求，我们可能对超出部分收取合理的成本费用。"},
	RepeatChargeWithin:   Text{"If you make more than %d requests of the same type within %s, we may charge a reasonable fee for the further ones.", "如您在%[2]s内就同一类型提出超过%[1]d次请求，我们可能对超出部分收取合理的成本费用。"},
	RepeatRefuse:         Text{"If you make more than %d requests of the same type, we may refuse the further ones.", "如您就同一类型提出超过%d次请求，我们可能拒绝超出部分的请求。"},
	RepeatRefuseWithin:   Text{"If you make more than %d requests of the same type within %s, we may refuse the further ones.", "如您在%[2]s内就同一类型提出超过%[1]d次请求，我们可能拒绝超出部分的请求。"},
	Refusals:             Text{"When we may refuse a request", "我们可能无法响应请求的情形"},
	RefusalsIntro:        Text{"We may refuse a request in the following cases, and will tell you the reason:", "在以下情形中，我们可能无法响应您的请求，并会向您说明理由："},
	Cancellation:         Text{"Cancelling your account", "注销账号"},
	CoolingOff:           Text{"After you apply, a cooling-off period of %s begins.", "提交注销申请后，将进入%s的冷静期。"},
	ResumeLogin:          Text{"If you sign in again during it, the cancellation is withdrawn and your account is restored.", "冷静期内，如您再次登录，注销申请将被撤销，账号恢复正常使用。"},
	ResumeNone:           Text{"Once you have applied, the cancellation cannot be withdrawn.", "注销申请提交后不可撤回。"},
	EraseAfter:           Text{"Within %[1]s after %[2]s, we will %[3]s your personal information.", "%[2]s后%[1]s内，我们将%[3]s您的个人信息。"},
	EraseAtOnce:          Text{"As soon as %[1]s, we will %[2]s your personal information.", "%[1]s后，我们将立即%[2]s您的个人信息。"},
	CoolingOffEnds:       Text{"the cooling-off period ends", "冷静期结束"},
	AccountCancelled:     Text{"your account is cancelled", "账号注销"},
	Delete:               Text{"delete", "删除"},
	Anonymize:            Text{"anonymize", "匿名化处理"},

	MinimumAge:          Text{"You must be at least %[1]d years old to use %[2]s.", "您须年满%[1]d周岁方可使用%[2]s。"},
	GuardianConsent:     Text{"If you are under %[1]d, you need the consent of your parent or guardian before you use %[2]s or give us any personal information.", "如您未满%[1]d周岁，在使用%[2]s或向我们提供任何个人信息前，应当取得您的父母或其他监护人的同意。"},
	MinorRegions:        Text{"Different ages apply in the following regions:", "在以下地区适用不同的年龄要求："},
	MinorRegionMin:      Text{"minimum age %d", "最低年龄为%d周岁"},
	MinorRegionGuardian: Text{"guardian consent needed under %d", "未满%d周岁须取得监护人同意"},
	OnDiscovery:         Text{"If we find that a user is below the required age, or that we have collected a minor's personal information without the required consent of a parent or guardian, %s", "如我们发现用户未达到规定年龄，或在未依法取得父母或其他监护人同意的情况下收集了未成年人的个人信息，%s"},

	ChangesNotify: Text{"We will tell you about changes to this policy by: %s.", "本政策发生变更时，我们会通过以下方式通知您：%s。"},
	MajorChanges:  Text{"The following are major changes. For a major change we will ask for your consent again:", "以下情形属于重大变更。发生重大变更时，我们会重新征得您的同意："},
	NoReduction:   Text{"We will not reduce your rights under this policy without your explicit consent.", "未经您的明确同意，我们不会削减您依据本政策所享有的权利。"},

	ContactIntro:   Text{"If you have any question, comment or request about this policy or your personal information, you can contact us:", "如您对本政策或您的个人信息有任何疑问、意见或请求，可以通过以下方式与我们联系："},
	Company:        Text{"Company", "公司名称"},
	Address:        Text{"Address", "地址"},
	Country:        Text{"Country or region", "所在国家或地区"},
	Department:     Text{"Department responsible for personal information protection", "个人信息保护负责部门"},
	Complaints:     Text{"Complaints", "投诉与举报"},
	Authority:      Text{"Authority", "监管机构"},
	Representative: Text{"Our representative in the EU", "我们在欧盟的代表"},

	LawNames: map[string]Text{
		"pipl": {"the Personal Information Protection Law of the People's Republic of China (PIPL)", "《中华人民共和国个人信息保护法》"},
		"gdpr": {"the EU General Data Protection Regulation (GDPR)", "欧盟《通用数据保护条例》（GDPR）"},
		"ccpa": {"the California Consumer Privacy Act (CCPA)", "美国《加州消费者隐私法》（CCPA）"},
	},
	ProductKinds: map[string]Text{
		"app":     {"App", "应用程序"},
		"sdk":     {"SDK (software development kit)", "SDK（软件开发工具包）"},
		"service": {"Online service", "在线服务"},
		"device":  {"Smart device", "智能设备"},
		"website": {"Website", "网站"},
	},
	PlatformNames: map[string]Text{
		"android":      {"Android", "Android（安卓）"},
		"ios":          {"iOS", "iOS"},
		"harmonyos":    {"HarmonyOS", "HarmonyOS（鸿蒙）"},
		"web":          {"Web", "网页"},
		"mini_program": {"Mini program", "小程序"},
		"windows":      {"Windows", "Windows"},
		"macos":        {"macOS", "macOS"},
		"device":       {"Device firmware", "设备固件"},
	},
	FunctionKinds: map[string]Text{
		FunctionCore:       {"Core function", "基本业务功能"},
		FunctionOptional:   {"Optional function", "扩展业务功能"},
		FunctionThirdParty: {"Third-party function", "第三方功能"},
	},
	Sources: map[string]Text{
		"subject":     {"provided by you", "由您提供"},
		"device":      {"collected from your device", "从您的设备收集"},
		"developer":   {"provided by the developer", "由开发者提供"},
		"third_party": {"obtained from third parties", "从第三方获取"},
		"generated":   {"generated as you use the service", "在您使用服务的过程中产生"},
	},
	Hashing: map[string]Text{
		"sha256":      {"stored as a SHA-256 hash", "以SHA-256哈希值存储"},
		"hmac_sha256": {"stored as a keyed hash (HMAC-SHA-256)", "以带密钥的哈希值（HMAC-SHA-256）存储"},
	},
	ConsentKinds: map[string]Text{
		ConsentNone:     {"This does not depend on your consent.", "该处理不以您的同意为前提。"},
		ConsentConsent:  {"This requires your consent.", "该处理需要征得您的同意。"},
		ConsentSeparate: {"This requires your separate consent.", "该处理需要您的单独同意。"},
		ConsentGuardian: {"This requires the consent of your parent or guardian.", "该处理需要征得您的父母或其他监护人的同意。"},
	},
	OSNames: map[string]Text{
		"android":   {"Android", "Android（安卓）"},
		"ios":       {"iOS", "iOS"},
		"harmonyos": {"HarmonyOS", "HarmonyOS（鸿蒙）"},
	},
	CookieKinds: map[string]Text{
		"cookie":        {"Cookie", "Cookie"},
		"local_storage": {"Local storage", "本地存储"},
		"pixel":         {"Pixel", "像素标签"},
		"sdk":           {"SDK", "SDK"},
		"web_beacon":    {"Web beacon", "网络信标"},
	},
	CookieCategories: map[string]Text{
		"strictly_necessary": {"Strictly necessary", "绝对必要"},
		"functional":         {"Functional", "功能性"},
		"analytics":          {"Analytics", "统计分析"},
		"advertising":        {"Advertising", "广告"},
	},
	ADKinds: map[string]Text{
		"recommendation": {"Personalised recommendation", "个性化推荐"},
		"targeted_ads":   {"Targeted advertising", "定向广告推送"},
		"decision":       {"Automated decision", "自动化决策"},
		"ai_generation":  {"AI-generated content", "AI生成内容"},
	},
	RecipientKinds: map[string]Text{
		"sdk":       {"Third-party SDK", "第三方SDK"},
		"partner":   {"Partner", "合作方"},
		"processor": {"Entrusted processor", "受托处理者"},
		"affiliate": {"Affiliate", "关联公司"},
		"authority": {"Public authority", "政府机关"},
	},
	RecipientRoles: map[string]Text{
		"controller": {"processes it for its own purposes", "作为独立的个人信息处理者处理"},
		"processor":  {"processes it only on our behalf", "仅受我们委托处理"},
		"joint":      {"decides jointly with us how it is processed", "与我们共同决定处理目的和方式"},
	},
	RecipientConsent: map[string]Text{
		ConsentNone:     {"Not needed (another legal basis applies)", "无需同意（基于其他合法性基础）"},
		ConsentConsent:  {"Your consent", "征得您的同意"},
		ConsentSeparate: {"Your separate consent", "征得您的单独同意"},
	},
	Mechanisms: map[string]Text{
		"security_assessment": {"a security assessment by the Cyberspace Administration of China (PIPL Art. 38)", "通过国家网信部门组织的安全评估（《个人信息保护法》第三十八条）"},
		"standard_contract":   {"the standard contract for outbound transfers of personal information (PIPL Art. 38)", "与境外接收方订立国家网信部门制定的标准合同（《个人信息保护法》第三十八条）"},
		"certification":       {"personal information protection certification by a professional body (PIPL Art. 38)", "经专业机构进行个人信息保护认证（《个人信息保护法》第三十八条）"},
		"adequacy":            {"an adequacy decision of the European Commission (GDPR Art. 45)", "欧盟委员会的充分性认定（GDPR第45条）"},
		"scc":                 {"standard contractual clauses (GDPR Art. 46)", "标准合同条款（GDPR第46条）"},
		"bcr":                 {"binding corporate rules (GDPR Art. 47)", "具有约束力的公司规则（GDPR第47条）"},
		"derogation":          {"a derogation for a specific situation (GDPR Art. 49)", "特定情形下的例外（GDPR第49条）"},
	},
	TransferConsent: map[string]Text{
		ConsentNone:     {"Not needed", "无需另行征得您的同意"},
		ConsentConsent:  {"We ask for your consent before the transfer", "传输前征得您的同意"},
		ConsentSeparate: {"We ask for your separate consent before the transfer", "传输前征得您的单独同意"},
	},
	Triggers: map[string]Text{
		TriggerCollected:         {"we collect it", "收集"},
		TriggerLastActivity:      {"your last activity", "您最后一次使用"},
		TriggerDeviceUnbound:     {"you unbind the device", "您解绑设备"},
		TriggerAccountCancelled:  {"you cancel your account", "您注销账号"},
		TriggerConsentWithdrawn:  {"you withdraw your consent", "您撤回同意"},
		TriggerServiceTerminated: {"the service ends", "服务终止"},
		TriggerContractEnded:     {"the contract ends", "合同终止"},
		TriggerPurposeFulfilled:  {"the purpose is fulfilled", "处理目的实现"},
	},
	Strategies: map[string]Text{
		"drop":       {"removed", "删除"},
		"generalize": {"generalised", "泛化处理"},
		"keyed_hash": {"replaced with a keyed hash", "替换为带密钥的哈希值"},
	},
	RetentionExcs: map[string]Text{
		"legal_requirement": {"Kept longer where a law requires it.", "法律法规另有规定的，依照其规定保存。"},
		"legal_hold":        {"Deletion is suspended while a legal hold applies, such as during litigation or an investigation.", "在诉讼、调查等依法需要保全的期间，暂停删除。"},
	},
	NotifySubjects: map[string]Text{
		"email":        {"email", "电子邮件"},
		"sms":          {"SMS", "短信"},
		"phone":        {"phone call", "电话"},
		"in_app":       {"in-app message", "应用内消息"},
		"push":         {"push notification", "推送通知"},
		"announcement": {"public announcement", "公告"},
		"letter":       {"letter", "信函"},
	},
	ChannelKinds: map[string]Text{
		"in_app":    {"In the app", "应用内"},
		"email":     {"Email", "电子邮件"},
		"phone":     {"Phone", "电话"},
		"web":       {"Website", "网站"},
		"postal":    {"Post", "邮寄地址"},
		"api":       {"API", "API接口"},
		"developer": {"Through the developer", "通过开发者"},
		"form":      {"Online form", "在线表单"},
	},
	VerificationKinds: map[string]Text{
		"email_code":             {"a code sent to your email address", "向您的电子邮箱发送验证码"},
		"sms_code":               {"a code sent to your phone by SMS", "向您的手机发送短信验证码"},
		"app_assertion":          {"confirmation in the app you are signed in to", "在您已登录的应用内确认"},
		"account_login":          {"signing in to your account", "登录您的账号"},
		"written_request":        {"a signed written request", "提交签名的书面申请"},
		"developer_confirmation": {"confirmation by the developer whose product you use", "由您所使用产品的开发者确认"},
	},
	DiscoveryAction: map[string]Text{
		"delete":                {"we delete that information.", "我们会删除相关信息。"},
		"delete_and_block":      {"we delete that information and block the account.", "我们会删除相关信息并停用相关账号。"},
		"seek_guardian_consent": {"we stop processing that information until a parent or guardian consents.", "我们会暂停处理相关信息，直至取得其父母或其他监护人的同意。"},
	},
	ChangeNotify: map[string]Text{
		"in_app":       {"an in-app notice", "应用内通知"},
		"popup":        {"a pop-up window", "弹窗提示"},
		"email":        {"email", "电子邮件"},
		"sms":          {"SMS", "短信"},
		"announcement": {"a public announcement", "公告"},
		"website":      {"a notice on our website", "网站公告"},
		"developer":    {"the developer of the product you use", "您所使用产品的开发者"},
	},
}
