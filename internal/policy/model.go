package policy

// SchemaV1 is the value of [Declaration.Schema] for this version of the
// declaration format.
const SchemaV1 = "trustee/v1"

// Text is a piece of human-readable text in English and Chinese.
type Text struct {
	EN string `yaml:"en,omitempty" json:"en,omitempty" jsonschema:"title=English"`
	ZH string `yaml:"zh,omitempty" json:"zh,omitempty" jsonschema:"title=Chinese (简体中文)"`
}

// In returns the text in lang ("en" or "zh"), falling back to the other
// language when the requested one is empty.
func (t Text) In(lang string) string {
	if lang == "zh" && t.ZH != "" {
		return t.ZH
	}
	if t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// IsZero reports whether the text is empty in both languages.
func (t Text) IsZero() bool { return t.EN == "" && t.ZH == "" }

// Declaration is one version of a product's privacy policy, as code. Every
// sentence of the rendered policy comes from it, and every promise in it is
// either enforced by trustee or reported by lint.
type Declaration struct {
	// Schema names the declaration format: "trustee/v1".
	Schema string `yaml:"schema" json:"schema" jsonschema:"enum=trustee/v1"`
	// ID is the declaration's stable name, used in URLs (/policies/{id}).
	ID string `yaml:"id" json:"id" jsonschema:"pattern=^[a-z0-9][a-z0-9-]*$"`
	// Version is this version's label; versions of one ID are compared by diff.
	Version string `yaml:"version" json:"version"`
	// Effective is the date this version takes effect (YYYY-MM-DD).
	Effective Date `yaml:"effective" json:"effective"`
	// Updated is the date this version was last updated (YYYY-MM-DD).
	Updated Date `yaml:"updated,omitempty" json:"updated,omitempty"`
	// Laws lists the regimes the product is declared under: pipl, gdpr, ccpa.
	Laws []string `yaml:"laws" json:"laws" jsonschema:"enum=pipl,enum=gdpr,enum=ccpa"`
	// Summary is the policy's opening paragraph.
	Summary Text `yaml:"summary,omitempty" json:"summary,omitempty"`

	Controller Controller `yaml:"controller" json:"controller"`
	Product    Product    `yaml:"product" json:"product"`

	Categories  []Category   `yaml:"categories" json:"categories"`
	Fields      []Field      `yaml:"fields" json:"fields"`
	Purposes    []Purpose    `yaml:"purposes" json:"purposes"`
	Functions   []Function   `yaml:"functions" json:"functions"`
	Permissions []Permission `yaml:"permissions,omitempty" json:"permissions,omitempty"`

	Storage    Storage         `yaml:"storage" json:"storage"`
	Recipients []Recipient     `yaml:"recipients,omitempty" json:"recipients,omitempty"`
	Sharing    Sharing         `yaml:"sharing,omitempty" json:"sharing,omitempty"`
	Retention  []RetentionRule `yaml:"retention" json:"retention"`
	Cookies    []Cookie        `yaml:"cookies,omitempty" json:"cookies,omitempty"`

	AutomatedDecisions []AutomatedDecision `yaml:"automated_decisions,omitempty" json:"automated_decisions,omitempty"`

	Security    Security       `yaml:"security" json:"security"`
	Incidents   IncidentPolicy `yaml:"incidents" json:"incidents"`
	Rights      Rights         `yaml:"rights" json:"rights"`
	Minors      Minors         `yaml:"minors" json:"minors"`
	Changes     ChangePolicy   `yaml:"changes" json:"changes"`
	Definitions []Definition   `yaml:"definitions,omitempty" json:"definitions,omitempty"`
	// Commitments are further promises of the policy. Each names the trustee
	// mechanism that enforces it, or is explicitly attested by the controller
	// as outside trustee; lint reports any other.
	Commitments []Commitment `yaml:"commitments,omitempty" json:"commitments,omitempty"`
}

// Controller is the company that publishes the policy.
type Controller struct {
	Name    Text   `yaml:"name" json:"name"`
	Address Text   `yaml:"address,omitempty" json:"address,omitempty"`
	Country string `yaml:"country" json:"country"`
	// Affiliates describes affiliated companies covered by "we".
	Affiliates Text      `yaml:"affiliates,omitempty" json:"affiliates,omitempty"`
	Contacts   []Contact `yaml:"contacts" json:"contacts"`
	// Department is the department or officer responsible for personal
	// information protection (PIPL Art. 52; GDPR Art. 37 DPO).
	Department Department `yaml:"department" json:"department"`
	// Complaint says where a subject may complain beyond the controller.
	Complaint Complaint `yaml:"complaint" json:"complaint"`
	// Representative is the EU representative (GDPR Art. 27), if any.
	Representative *Contact `yaml:"representative,omitempty" json:"representative,omitempty"`
}

// Contact is one way to reach someone.
type Contact struct {
	Kind  string `yaml:"kind" json:"kind" jsonschema:"enum=email,enum=phone,enum=postal,enum=web,enum=in_app,enum=form,enum=api"`
	Value string `yaml:"value" json:"value"`
	Label Text   `yaml:"label,omitempty" json:"label,omitempty"`
	Hours Text   `yaml:"hours,omitempty" json:"hours,omitempty"`
}

// Department is the responsible department or officer.
type Department struct {
	Name     Text      `yaml:"name" json:"name"`
	Contacts []Contact `yaml:"contacts" json:"contacts"`
}

// Complaint is the complaint channel beyond the controller.
type Complaint struct {
	Description Text      `yaml:"description" json:"description"`
	Authority   Text      `yaml:"authority,omitempty" json:"authority,omitempty"`
	Channels    []Contact `yaml:"channels,omitempty" json:"channels,omitempty"`
}

// Product is what the policy covers.
type Product struct {
	Name Text `yaml:"name" json:"name"`
	// Kind is app, sdk, service, device or website.
	Kind string `yaml:"kind" json:"kind" jsonschema:"enum=app,enum=sdk,enum=service,enum=device,enum=website"`
	// Role is controller, or entrusted (a processor acting for developers).
	Role        string   `yaml:"role" json:"role" jsonschema:"enum=controller,enum=entrusted"`
	Description Text     `yaml:"description,omitempty" json:"description,omitempty"`
	Platforms   []string `yaml:"platforms,omitempty" json:"platforms,omitempty" jsonschema:"enum=android,enum=ios,enum=harmonyos,enum=web,enum=mini_program,enum=windows,enum=macos,enum=device"`
	// Integrators states what an integrating developer must do (SDKs).
	Integrators Text `yaml:"integrators,omitempty" json:"integrators,omitempty"`
}

// Category is a declared data category.
type Category struct {
	ID string `yaml:"id" json:"id"`
	// Taxonomy is the taxonomy category this one is an instance of; it
	// defaults to ID.
	Taxonomy string `yaml:"taxonomy,omitempty" json:"taxonomy,omitempty"`
	Label    Text   `yaml:"label" json:"label"`
	// Sensitive marks the category as sensitive personal information even
	// when its taxonomy category is not; it cannot unmark one that is.
	Sensitive bool `yaml:"sensitive,omitempty" json:"sensitive,omitempty"`
	// Necessity states why sensitive data is necessary (PIPL Art. 28, 30).
	Necessity Text `yaml:"necessity,omitempty" json:"necessity,omitempty"`
	// ImpactAssessment references the PIPIA that covers it (PIPL Art. 55).
	ImpactAssessment string `yaml:"impact_assessment,omitempty" json:"impact_assessment,omitempty"`
	// Impact states the effect on the subject's rights (PIPL Art. 30).
	Impact Text `yaml:"impact,omitempty" json:"impact,omitempty"`
}

// Field is one collected data element.
type Field struct {
	ID       string `yaml:"id" json:"id" jsonschema:"pattern=^[a-z0-9_.]+$"`
	Category string `yaml:"category" json:"category"`
	Label    Text   `yaml:"label" json:"label"`
	// Source says where the value comes from.
	Source string `yaml:"source,omitempty" json:"source,omitempty" jsonschema:"enum=subject,enum=device,enum=developer,enum=third_party,enum=generated"`
	// Identifier names the taxonomy device or network identifier it holds.
	Identifier string `yaml:"identifier,omitempty" json:"identifier,omitempty"`
	// Hashing is how the value is transformed before storage (seed 004
	// hashes IMEI and MAC): none, sha256 or hmac_sha256 (keyed).
	Hashing string `yaml:"hashing,omitempty" json:"hashing,omitempty" jsonschema:"enum=none,enum=sha256,enum=hmac_sha256"`
	// Lookup makes the field searchable through a blind index, with the
	// given normalisation: email, phone or identifier.
	Lookup string `yaml:"lookup,omitempty" json:"lookup,omitempty" jsonschema:"enum=email,enum=phone,enum=identifier,enum=exact"`
	// Blob stores values as encrypted objects (video, voice, images).
	Blob bool `yaml:"blob,omitempty" json:"blob,omitempty"`
}

// Basis gives a purpose's legal basis under each declared law.
type Basis struct {
	PIPL string `yaml:"pipl,omitempty" json:"pipl,omitempty" jsonschema:"enum=consent,enum=contract,enum=legal_obligation,enum=public_health_emergency,enum=news_public_interest,enum=disclosed_information,enum=other_law"`
	GDPR string `yaml:"gdpr,omitempty" json:"gdpr,omitempty" jsonschema:"enum=consent,enum=contract,enum=legal_obligation,enum=vital_interests,enum=public_task,enum=legitimate_interests"`
	CCPA string `yaml:"ccpa,omitempty" json:"ccpa,omitempty" jsonschema:"enum=notice_at_collection,enum=opt_out"`
	// Note explains the basis (for example the legitimate interest).
	Note Text `yaml:"note,omitempty" json:"note,omitempty"`
}

// Consent kinds.
const (
	ConsentNone     = "none"
	ConsentConsent  = "consent"
	ConsentSeparate = "separate"
	ConsentGuardian = "guardian"
)

// Purpose is a declared purpose of processing.
type Purpose struct {
	ID          string `yaml:"id" json:"id"`
	Taxonomy    string `yaml:"taxonomy,omitempty" json:"taxonomy,omitempty"`
	Label       Text   `yaml:"label" json:"label"`
	Description Text   `yaml:"description,omitempty" json:"description,omitempty"`
	Basis       Basis  `yaml:"basis" json:"basis"`
	// Consent is the consent the purpose needs: none, consent, separate or
	// guardian.
	Consent string `yaml:"consent" json:"consent" jsonschema:"enum=none,enum=consent,enum=separate,enum=guardian"`
	// SaleOrShare marks a sale or sharing of personal information (CCPA);
	// Sec-GPC: 1 opts the subject out of it.
	SaleOrShare bool `yaml:"sale_or_share,omitempty" json:"sale_or_share,omitempty"`
}

// Function kinds.
const (
	FunctionCore       = "core"
	FunctionOptional   = "optional"
	FunctionThirdParty = "third_party"
)

// Function is a product function and what it processes.
type Function struct {
	ID          string   `yaml:"id" json:"id"`
	Name        Text     `yaml:"name" json:"name"`
	Kind        string   `yaml:"kind" json:"kind" jsonschema:"enum=core,enum=optional,enum=third_party"`
	Description Text     `yaml:"description,omitempty" json:"description,omitempty"`
	Purposes    []string `yaml:"purposes" json:"purposes"`
	Fields      []string `yaml:"fields" json:"fields"`
	Permissions []string `yaml:"permissions,omitempty" json:"permissions,omitempty"`
	// Background says collection also runs while the app is in the
	// background; Frequency says how often.
	Background bool `yaml:"background,omitempty" json:"background,omitempty"`
	Frequency  Text `yaml:"frequency,omitempty" json:"frequency,omitempty"`
	// IfRefused says what happens when the subject refuses.
	IfRefused Text `yaml:"if_refused,omitempty" json:"if_refused,omitempty"`
}

// Permission is an OS permission, named per platform, tied to functions.
type Permission struct {
	ID   string `yaml:"id" json:"id"`
	Name Text   `yaml:"name" json:"name"`
	// Android, IOS and HarmonyOS list the platform's permission names
	// (android.permission.CAMERA, NSCameraUsageDescription,
	// ohos.permission.CAMERA).
	Android   []string `yaml:"android,omitempty" json:"android,omitempty"`
	IOS       []string `yaml:"ios,omitempty" json:"ios,omitempty"`
	HarmonyOS []string `yaml:"harmonyos,omitempty" json:"harmonyos,omitempty"`
	Functions []string `yaml:"functions" json:"functions"`
	// Fields are the fields the permission exposes: while it is off they
	// are not collected.
	Fields  []string `yaml:"fields,omitempty" json:"fields,omitempty"`
	Purpose Text     `yaml:"purpose" json:"purpose"`
}

// Storage says where data is stored and where it goes.
type Storage struct {
	Regions     []string   `yaml:"regions" json:"regions"`
	Description Text       `yaml:"description,omitempty" json:"description,omitempty"`
	Transfers   []Transfer `yaml:"transfers,omitempty" json:"transfers,omitempty"`
}

// Transfer is a declared cross-border transfer.
type Transfer struct {
	ID        string   `yaml:"id" json:"id"`
	To        string   `yaml:"to" json:"to"`
	Purposes  []string `yaml:"purposes" json:"purposes"`
	Fields    []string `yaml:"fields" json:"fields"`
	Recipient string   `yaml:"recipient,omitempty" json:"recipient,omitempty"`
	// Mechanism is the legal mechanism (PIPL Art. 38; GDPR Art. 45-49).
	Mechanism   string `yaml:"mechanism" json:"mechanism" jsonschema:"enum=security_assessment,enum=standard_contract,enum=certification,enum=adequacy,enum=scc,enum=bcr,enum=derogation"`
	Consent     string `yaml:"consent" json:"consent" jsonschema:"enum=none,enum=consent,enum=separate"`
	Description Text   `yaml:"description,omitempty" json:"description,omitempty"`
}

// Recipient is a third party that receives data: an SDK, a partner, an
// entrusted processor or an affiliate.
type Recipient struct {
	ID      string `yaml:"id" json:"id"`
	Company Text   `yaml:"company" json:"company"`
	// Product names the SDK or service, when there is one.
	Product Text   `yaml:"product,omitempty" json:"product,omitempty"`
	Kind    string `yaml:"kind" json:"kind" jsonschema:"enum=sdk,enum=partner,enum=processor,enum=affiliate,enum=authority"`
	// Role is the recipient's own role: controller (its own purposes) or
	// processor (entrusted, PIPL Art. 21).
	Role     string   `yaml:"role" json:"role" jsonschema:"enum=controller,enum=processor,enum=joint"`
	Purposes []string `yaml:"purposes" json:"purposes"`
	Fields   []string `yaml:"fields" json:"fields"`
	Region   string   `yaml:"region" json:"region"`
	// Way says how data reaches the recipient.
	Way       Text   `yaml:"way" json:"way"`
	Consent   string `yaml:"consent,omitempty" json:"consent,omitempty" jsonschema:"enum=none,enum=consent,enum=separate"`
	PolicyURL string `yaml:"policy_url,omitempty" json:"policy_url,omitempty"`
	Contact   string `yaml:"contact,omitempty" json:"contact,omitempty"`
}

// Sharing holds the policy's general statements on sharing, transfer on
// merger and public disclosure.
type Sharing struct {
	Principles       Text   `yaml:"principles,omitempty" json:"principles,omitempty"`
	Transfer         Text   `yaml:"transfer,omitempty" json:"transfer,omitempty"`
	PublicDisclosure Text   `yaml:"public_disclosure,omitempty" json:"public_disclosure,omitempty"`
	Exceptions       []Text `yaml:"exceptions,omitempty" json:"exceptions,omitempty"`
}

// Retention triggers.
const (
	TriggerCollected         = "collected"
	TriggerLastActivity      = "last_activity"
	TriggerDeviceUnbound     = "device_unbound"
	TriggerAccountCancelled  = "account_cancelled"
	TriggerConsentWithdrawn  = "consent_withdrawn"
	TriggerServiceTerminated = "service_terminated"
	TriggerContractEnded     = "contract_ended"
	TriggerPurposeFulfilled  = "purpose_fulfilled"
)

// RetentionRule says how long data lives and what happens after.
type RetentionRule struct {
	ID         string   `yaml:"id" json:"id"`
	Categories []string `yaml:"categories,omitempty" json:"categories,omitempty"`
	Fields     []string `yaml:"fields,omitempty" json:"fields,omitempty"`
	Purposes   []string `yaml:"purposes,omitempty" json:"purposes,omitempty"`
	// Duration runs from the trigger; empty means at once.
	Duration Period `yaml:"duration,omitempty" json:"duration,omitempty"`
	Trigger  string `yaml:"trigger" json:"trigger" jsonschema:"enum=collected,enum=last_activity,enum=device_unbound,enum=account_cancelled,enum=consent_withdrawn,enum=service_terminated,enum=contract_ended,enum=purpose_fulfilled"`
	Action   string `yaml:"action" json:"action" jsonschema:"enum=delete,enum=anonymize"`
	// Anonymize gives the strategy per field when Action is anonymize.
	Anonymize []AnonymizeStep `yaml:"anonymize,omitempty" json:"anonymize,omitempty"`
	// Exceptions suspend the rule: legal_requirement, legal_hold.
	Exceptions  []string `yaml:"exceptions,omitempty" json:"exceptions,omitempty" jsonschema:"enum=legal_requirement,enum=legal_hold"`
	Description Text     `yaml:"description,omitempty" json:"description,omitempty"`
}

// AnonymizeStep is the anonymisation strategy of one field.
type AnonymizeStep struct {
	Field    string `yaml:"field" json:"field"`
	Strategy string `yaml:"strategy" json:"strategy" jsonschema:"enum=drop,enum=generalize,enum=keyed_hash"`
}

// Cookie is a cookie or similar technology.
type Cookie struct {
	ID       string `yaml:"id" json:"id"`
	Kind     string `yaml:"kind" json:"kind" jsonschema:"enum=cookie,enum=local_storage,enum=pixel,enum=sdk,enum=web_beacon"`
	Category string `yaml:"category" json:"category" jsonschema:"enum=strictly_necessary,enum=functional,enum=analytics,enum=advertising"`
	Purpose  Text   `yaml:"purpose" json:"purpose"`
	Duration Period `yaml:"duration,omitempty" json:"duration,omitempty"`
	// Provider is "first_party" or a recipient id.
	Provider string `yaml:"provider" json:"provider"`
	OptOut   Text   `yaml:"opt_out,omitempty" json:"opt_out,omitempty"`
}

// AutomatedDecision is personalised recommendation, targeted advertising or
// a decision made by automated means (PIPL Art. 24; GDPR Art. 22).
type AutomatedDecision struct {
	ID          string   `yaml:"id" json:"id"`
	Kind        string   `yaml:"kind" json:"kind" jsonschema:"enum=recommendation,enum=targeted_ads,enum=decision,enum=ai_generation"`
	Description Text     `yaml:"description" json:"description"`
	Purposes    []string `yaml:"purposes" json:"purposes"`
	Fields      []string `yaml:"fields" json:"fields"`
	// OptOut offers a way to refuse it (PIPL Art. 24 requires one for
	// personalised push and marketing).
	OptOut    bool `yaml:"opt_out" json:"opt_out"`
	OptOutHow Text `yaml:"opt_out_how,omitempty" json:"opt_out_how,omitempty"`
	// SignificantEffect marks decisions with a major effect on the subject:
	// the subject may demand an explanation, refuse, or ask for human review.
	SignificantEffect bool `yaml:"significant_effect,omitempty" json:"significant_effect,omitempty"`
	HumanReview       bool `yaml:"human_review,omitempty" json:"human_review,omitempty"`
	Logic             Text `yaml:"logic,omitempty" json:"logic,omitempty"`
}

// Security lists the security measures.
type Security struct {
	Description Text      `yaml:"description,omitempty" json:"description,omitempty"`
	Measures    []Measure `yaml:"measures" json:"measures"`
}

// Measure is one security measure. Measures trustee enforces (see
// [EnforcedMeasures]) need nothing more; any other must be attested.
type Measure struct {
	ID          string `yaml:"id" json:"id"`
	Description Text   `yaml:"description" json:"description"`
	// Attestation names who vouches for a measure trustee does not enforce.
	Attestation *Attestation `yaml:"attestation,omitempty" json:"attestation,omitempty"`
}

// Attestation records that the controller, not trustee, keeps a promise.
type Attestation struct {
	By       string `yaml:"by" json:"by"`
	Evidence string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
}

// IncidentPolicy is what the policy promises on a breach.
type IncidentPolicy struct {
	Description Text `yaml:"description" json:"description"`
	// NotifySubjects lists the channels used to tell subjects.
	NotifySubjects  []string `yaml:"notify_subjects" json:"notify_subjects" jsonschema:"enum=email,enum=sms,enum=phone,enum=in_app,enum=push,enum=announcement,enum=letter"`
	NotifyAuthority bool     `yaml:"notify_authority" json:"notify_authority"`
	// AuthorityDeadline is the promised time to notify the authority.
	AuthorityDeadline Period `yaml:"authority_deadline,omitempty" json:"authority_deadline,omitempty"`
}

// Rights says how subjects exercise their rights.
type Rights struct {
	Items    []RightItem `yaml:"items" json:"items"`
	Channels []Channel   `yaml:"channels" json:"channels"`
	// Deadline is the response deadline, from DeadlineFrom.
	Deadline     Period `yaml:"deadline" json:"deadline"`
	DeadlineFrom string `yaml:"deadline_from" json:"deadline_from" jsonschema:"enum=receipt,enum=verification"`
	// Calendar is the working-day calendar deadlines count in (CN, ...).
	Calendar string `yaml:"calendar,omitempty" json:"calendar,omitempty"`
	// Verification lists the accepted ways to verify identity.
	Verification []string `yaml:"verification" json:"verification" jsonschema:"enum=email_code,enum=sms_code,enum=app_assertion,enum=account_login,enum=written_request,enum=developer_confirmation"`
	Fees         Fees     `yaml:"fees" json:"fees"`
	// Refusals are the reasons a request may be refused (taxonomy ids).
	Refusals []string `yaml:"refusals" json:"refusals"`
	// Routing is "self", or "controller" when an entrusted party forwards
	// requests to the developer that controls the data.
	Routing      string        `yaml:"routing" json:"routing" jsonschema:"enum=self,enum=controller"`
	Cancellation *Cancellation `yaml:"cancellation,omitempty" json:"cancellation,omitempty"`
	Notes        Text          `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// RightItem is one right and how to exercise it.
type RightItem struct {
	Right    string   `yaml:"right" json:"right"`
	How      Text     `yaml:"how" json:"how"`
	Channels []string `yaml:"channels" json:"channels"`
	// Deadline overrides Rights.Deadline for this right.
	Deadline Period `yaml:"deadline,omitempty" json:"deadline,omitempty"`
}

// Channel is a way to submit requests.
type Channel struct {
	ID    string `yaml:"id" json:"id"`
	Kind  string `yaml:"kind" json:"kind" jsonschema:"enum=in_app,enum=email,enum=phone,enum=web,enum=postal,enum=api,enum=developer"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	Label Text   `yaml:"label,omitempty" json:"label,omitempty"`
}

// Fees says when requests cost money (seed 000: repeated requests beyond a
// reasonable limit are charged).
type Fees struct {
	// Free is true when ordinary requests are free.
	Free bool `yaml:"free" json:"free"`
	// RepeatLimit requests of one type per RepeatWindow are free; more are
	// handled by RepeatAction (charge or refuse). Zero means no limit.
	RepeatLimit  int    `yaml:"repeat_limit,omitempty" json:"repeat_limit,omitempty"`
	RepeatWindow Period `yaml:"repeat_window,omitempty" json:"repeat_window,omitempty"`
	RepeatAction string `yaml:"repeat_action,omitempty" json:"repeat_action,omitempty" jsonschema:"enum=charge,enum=refuse"`
	Description  Text   `yaml:"description,omitempty" json:"description,omitempty"`
}

// Cancellation is the account-cancellation process.
type Cancellation struct {
	How Text `yaml:"how" json:"how"`
	// CoolingOff is the period during which logging in again resumes the
	// account (seed 004's "Continue Login").
	CoolingOff Period `yaml:"cooling_off,omitempty" json:"cooling_off,omitempty"`
	Resume     string `yaml:"resume" json:"resume" jsonschema:"enum=login,enum=none"`
	// Deadline is the time to delete or anonymize after the cooling-off.
	Deadline   Period `yaml:"deadline,omitempty" json:"deadline,omitempty"`
	Action     string `yaml:"action" json:"action" jsonschema:"enum=delete,enum=anonymize"`
	Conditions Text   `yaml:"conditions,omitempty" json:"conditions,omitempty"`
}

// Minors says how the product treats minors.
type Minors struct {
	// MinimumAge is the age below which the product refuses a subject
	// outright (seed 003: 18). Zero means none.
	MinimumAge int `yaml:"minimum_age" json:"minimum_age"`
	// GuardianConsentBelow is the age below which a guardian must consent
	// (PIPL Art. 31: 14).
	GuardianConsentBelow int         `yaml:"guardian_consent_below" json:"guardian_consent_below"`
	Regions              []RegionAge `yaml:"regions,omitempty" json:"regions,omitempty"`
	// OnDiscovery is what happens to a subject found under age:
	// delete, delete_and_block, or seek_guardian_consent.
	OnDiscovery string `yaml:"on_discovery" json:"on_discovery" jsonschema:"enum=delete,enum=delete_and_block,enum=seek_guardian_consent"`
	Statement   Text   `yaml:"statement" json:"statement"`
}

// RegionAge overrides the age rules in one region.
type RegionAge struct {
	Region               string `yaml:"region" json:"region"`
	MinimumAge           int    `yaml:"minimum_age,omitempty" json:"minimum_age,omitempty"`
	GuardianConsentBelow int    `yaml:"guardian_consent_below" json:"guardian_consent_below"`
}

// ChangePolicy says how the policy changes.
type ChangePolicy struct {
	Description Text `yaml:"description" json:"description"`
	// Notify lists how subjects are told of changes.
	Notify []string `yaml:"notify" json:"notify" jsonschema:"enum=in_app,enum=popup,enum=email,enum=sms,enum=announcement,enum=website,enum=developer"`
	// MajorChanges lists the kinds of change the policy calls major
	// (taxonomy major-change ids); they require re-consent.
	MajorChanges []string `yaml:"major_changes" json:"major_changes"`
	// NoReductionWithoutConsent promises rights are never reduced without
	// explicit consent.
	NoReductionWithoutConsent bool `yaml:"no_reduction_without_consent,omitempty" json:"no_reduction_without_consent,omitempty"`
}

// Definition is a term the policy defines.
type Definition struct {
	Term    Text `yaml:"term" json:"term"`
	Meaning Text `yaml:"meaning" json:"meaning"`
}

// Commitment is a further promise. Enforcement names the trustee mechanism
// that keeps it (see [Mechanisms]); otherwise Attestation must say who does.
type Commitment struct {
	ID          string       `yaml:"id" json:"id"`
	Text        Text         `yaml:"text" json:"text"`
	Enforcement string       `yaml:"enforcement,omitempty" json:"enforcement,omitempty"`
	Attestation *Attestation `yaml:"attestation,omitempty" json:"attestation,omitempty"`
}
