package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// ReceiptVersion is the version of the Kantara Consent Receipt
// specification receipts follow.
const ReceiptVersion = "KI-CR-v1.1.0"

// Consent types of a receipt's purposes.
const (
	// ConsentTypeExpressed is ordinary consent.
	ConsentTypeExpressed = "EXPRESSED"
	// ConsentTypeExplicit is separate or guardian consent: given for this
	// purpose alone, by an explicit act (PIPL Art. 29, 31; GDPR Art. 9(2)(a)).
	ConsentTypeExplicit = "EXPLICIT"
)

// Event is one consent ledger event, as a receipt records it.
type Event struct {
	// Subject is the subject's pseudonymous id.
	Subject string
	Purpose string
	// DeclarationVersion is the version of the declaration shown.
	DeclarationVersion string
	// Kind is "consent", "separate" or "guardian".
	Kind string
	// Action is "grant" or "withdraw".
	Action string
	// Channel is how the event was given ("web", "app", "api", "agent").
	Channel string
	// TextHash is [TextHash] of the notice text shown.
	TextHash string
	At       time.Time
	// ID is the event's (and the receipt's) unique id.
	ID string
	// Language is the language of the notice shown, "en" or "zh"; "" is
	// "en".
	Language string
}

// Receipt is a consent receipt in the shape of a Kantara Initiative Consent
// Receipt v1.1, whose fields ISO/IEC TS 27560 consent records carry too,
// with one extension, Evidence. Its JSON uses the Kantara field names.
type Receipt struct {
	Version      string `json:"version"`
	Jurisdiction string `json:"jurisdiction"`
	// ConsentTimestamp is the event's time in seconds since the Unix epoch.
	ConsentTimestamp int64  `json:"consentTimestamp"`
	CollectionMethod string `json:"collectionMethod"`
	ConsentReceiptID string `json:"consentReceiptID"`
	Language         string `json:"language"`
	// PIIPrincipalID is the subject's pseudonymous id, never a contact.
	PIIPrincipalID string          `json:"piiPrincipalId"`
	PIIControllers []PIIController `json:"piiControllers"`
	PolicyURL      string          `json:"policyUrl"`
	Services       []Service       `json:"services"`
	// Sensitive is true when the purpose processes sensitive personal
	// information (PIPL Art. 28; GDPR Art. 9); SPICat names its categories.
	Sensitive bool     `json:"sensitive"`
	SPICat    []string `json:"spiCat"`
	// Evidence is trustee's extension: what the ledger event proves.
	Evidence Evidence `json:"evidence"`
}

// PIIController is the controller in a [Receipt].
type PIIController struct {
	PIIController string `json:"piiController"`
	// OnBehalf is true when the product processes on behalf of another
	// controller (an entrusted party, PIPL Art. 21).
	OnBehalf         bool    `json:"onBehalf"`
	Contact          string  `json:"contact"`
	Address          Address `json:"address"`
	Email            string  `json:"email,omitempty"`
	Phone            string  `json:"phone,omitempty"`
	PIIControllerURL string  `json:"piiControllerUrl,omitempty"`
}

// Address is a postal address in a [Receipt].
type Address struct {
	StreetAddress  string `json:"streetAddress,omitempty"`
	AddressCountry string `json:"addressCountry"`
}

// Service is the product in a [Receipt] and the purpose consented to.
type Service struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is one purpose in a [Receipt].
type ReceiptPurpose struct {
	Purpose         string   `json:"purpose"`
	PurposeCategory []string `json:"purposeCategory"`
	// ConsentType is ConsentTypeExpressed or ConsentTypeExplicit.
	ConsentType string   `json:"consentType"`
	PIICategory []string `json:"piiCategory"`
	// PrimaryPurpose is true when a core function serves the purpose.
	PrimaryPurpose bool `json:"primaryPurpose"`
	// Termination says how the consent ends.
	Termination          string `json:"termination"`
	ThirdPartyDisclosure bool   `json:"thirdPartyDisclosure"`
	ThirdPartyName       string `json:"thirdPartyName,omitempty"`
}

// Evidence ties a [Receipt] to its ledger event.
type Evidence struct {
	// Action is "grant" or "withdraw"; Kind "consent", "separate" or
	// "guardian".
	Action             string `json:"action"`
	Kind               string `json:"kind"`
	Purpose            string `json:"purposeId"`
	DeclarationID      string `json:"declarationId"`
	DeclarationVersion string `json:"declarationVersion"`
	// NoticeHash is the SHA-256 of the notice text shown, in hex.
	NoticeHash string `json:"noticeHash"`
}

// TextHash returns the SHA-256 of the notice text shown to the subject, in
// lower-case hex: what the ledger keeps to prove what was shown.
func TextHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// NewReceipt returns the receipt of ledger event ev under declaration d,
// whose rendered policy is at policyURL. Texts are in ev.Language. It
// only reads d.
func NewReceipt(d *policy.Declaration, ev Event, policyURL string) Receipt {
	lang := ev.Language
	if lang == "" {
		lang = "en"
	}
	r := Receipt{
		Version:          ReceiptVersion,
		Jurisdiction:     d.Controller.Country,
		ConsentTimestamp: ev.At.Unix(),
		CollectionMethod: ev.Channel,
		ConsentReceiptID: ev.ID,
		Language:         lang,
		PIIPrincipalID:   ev.Subject,
		PolicyURL:        policyURL,
		SPICat:           []string{},
		Evidence: Evidence{
			Action:             ev.Action,
			Kind:               ev.Kind,
			Purpose:            ev.Purpose,
			DeclarationID:      d.ID,
			DeclarationVersion: ev.DeclarationVersion,
			NoticeHash:         ev.TextHash,
		},
	}
	r.PIIControllers = []PIIController{controllerOf(d, lang)}

	rp := ReceiptPurpose{
		Purpose:         ev.Purpose,
		PurposeCategory: []string{},
		ConsentType:     ConsentTypeExpressed,
		PIICategory:     []string{},
		Termination:     termination(d, lang),
	}
	if k := parseKind(ev.Kind); k == kindSeparate || k == kindGuardian {
		rp.ConsentType = ConsentTypeExplicit
	}
	if i := slices.IndexFunc(d.Purposes, func(p policy.Purpose) bool { return p.ID == ev.Purpose }); i >= 0 {
		p := d.Purposes[i]
		rp.Purpose = p.Label.In(lang)
		cat := p.Taxonomy
		if cat == "" {
			cat = p.ID
		}
		if tp, ok := taxonomy.LookupPurpose(cat); ok {
			cat = tp.Label.In(lang)
		}
		rp.PurposeCategory = []string{cat}
	}
	fields := map[string]bool{}
	for _, fn := range d.Functions {
		if !slices.Contains(fn.Purposes, ev.Purpose) {
			continue
		}
		if fn.Kind == policy.FunctionCore {
			rp.PrimaryPurpose = true
		}
		for _, f := range fn.Fields {
			fields[f] = true
		}
	}
	cats := map[string]bool{}
	for _, f := range d.Fields {
		if fields[f.ID] {
			cats[f.Category] = true
		}
	}
	for _, c := range d.Categories {
		if !cats[c.ID] {
			continue
		}
		label := c.Label.In(lang)
		rp.PIICategory = append(rp.PIICategory, label)
		tid := c.Taxonomy
		if tid == "" {
			tid = c.ID
		}
		if tc, ok := taxonomy.LookupCategory(tid); c.Sensitive || ok && tc.Sensitive {
			r.Sensitive = true
			r.SPICat = append(r.SPICat, label)
		}
	}
	var names []string
	for _, rc := range d.Recipients {
		if slices.Contains(rc.Purposes, ev.Purpose) {
			rp.ThirdPartyDisclosure = true
			if n := rc.Company.In(lang); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	sep := ", "
	if lang == "zh" {
		sep = "、"
	}
	rp.ThirdPartyName = strings.Join(names, sep)

	r.Services = []Service{{Service: d.Product.Name.In(lang), Purposes: []ReceiptPurpose{rp}}}
	return r
}

// controllerOf describes d's controller.
func controllerOf(d *policy.Declaration, lang string) PIIController {
	c := d.Controller
	pc := PIIController{
		PIIController: c.Name.In(lang),
		OnBehalf:      d.Product.Role == "entrusted",
		Contact:       c.Department.Name.In(lang),
		Address:       Address{StreetAddress: c.Address.In(lang), AddressCountry: c.Country},
	}
	if pc.Contact == "" {
		pc.Contact = pc.PIIController
	}
	for _, ct := range slices.Concat(c.Department.Contacts, c.Contacts) {
		switch {
		case ct.Kind == "email" && pc.Email == "":
			pc.Email = ct.Value
		case ct.Kind == "phone" && pc.Phone == "":
			pc.Phone = ct.Value
		case ct.Kind == "web" && pc.PIIControllerURL == "":
			pc.PIIControllerURL = ct.Value
		}
	}
	return pc
}

// termination says how consent ends: the declaration's way to withdraw it.
func termination(d *policy.Declaration, lang string) string {
	for _, it := range d.Rights.Items {
		if it.Right == "withdraw_consent" && !it.How.IsZero() {
			return it.How.In(lang)
		}
	}
	if lang == "zh" {
		return "您可随时撤回同意；撤回不影响撤回前基于同意已进行的处理。"
	}
	return "You may withdraw consent at any time; withdrawal does not affect processing before it."
}
