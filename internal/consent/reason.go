package consent

import (
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// Reason says why a [Decision] went the way it did. The values are stable:
// they are the machine codes of the API's refusals and the labels of its
// metrics.
type Reason string

// The reasons, in the order [Engine.Decide] checks the rules that give them.
const (
	// ReasonOK: every rule passed.
	ReasonOK Reason = "ok"
	// ReasonNoDeclaration: the tenant has no active declaration, so it has
	// promised nothing and may process nothing (PIPL 7, 17; GDPR 13).
	ReasonNoDeclaration Reason = "no_declaration"
	// ReasonPurposeNotDeclared: the purpose is not in the declaration
	// (purpose limitation: PIPL 6; GDPR 5(1)(b)).
	ReasonPurposeNotDeclared Reason = "purpose_not_declared"
	// ReasonFieldNotDeclared: the field is not in the declaration
	// (minimisation: PIPL 6; GDPR 5(1)(c)).
	ReasonFieldNotDeclared Reason = "field_not_declared"
	// ReasonFieldNotForPurpose: no declared function collects the field for
	// the purpose (PIPL 6; GDPR 5(1)(b)).
	ReasonFieldNotForPurpose Reason = "field_not_for_purpose"
	// ReasonNoLegalBasis: the purpose has no basis under one of the
	// declaration's laws (PIPL 13; GDPR 6(1); CCPA 1798.100).
	ReasonNoLegalBasis Reason = "no_legal_basis"
	// ReasonSubjectRestricted: the subject restricted or objected to
	// processing (PIPL 44; GDPR 18, 21).
	ReasonSubjectRestricted Reason = "subject_restricted"
	// ReasonSubjectBanned: the tenant stopped serving the subject
	// (PIPL 47(1)(2)).
	ReasonSubjectBanned Reason = "subject_banned"
	// ReasonSubjectCancelled: the subject cancelled the account; deletion
	// follows (PIPL 47; GDPR 17).
	ReasonSubjectCancelled Reason = "subject_cancelled"
	// ReasonSubjectErased: the subject's data was erased (PIPL 47; GDPR 17).
	ReasonSubjectErased Reason = "subject_erased"
	// ReasonUnderMinimumAge: the subject is below the product's minimum age.
	ReasonUnderMinimumAge Reason = "under_minimum_age"
	// ReasonNoGuardianConsent: a guardian's consent is needed and there is
	// none (PIPL 31; GDPR 8).
	ReasonNoGuardianConsent Reason = "no_guardian_consent"
	// ReasonNoConsent: the purpose rests on consent and there is none
	// (PIPL 13(1)(1), 14; GDPR 6(1)(a), 7).
	ReasonNoConsent Reason = "no_consent"
	// ReasonNoSeparateConsent: separate consent is needed and there is
	// none (PIPL 23, 25, 26, 29, 39).
	ReasonNoSeparateConsent Reason = "no_separate_consent"
	// ReasonConsentWithdrawn: the subject's last word on the purpose was a
	// withdrawal (PIPL 15; GDPR 7(3)).
	ReasonConsentWithdrawn Reason = "consent_withdrawn"
	// ReasonReconsentRequired: the consent was given to a version of the
	// declaration that a major change has since overtaken (PIPL 14, 17).
	ReasonReconsentRequired Reason = "reconsent_required"
	// ReasonGPCOptOut: the purpose sells or shares personal information and
	// the subject opted out (Sec-GPC: 1; CCPA 1798.120, 1798.135).
	ReasonGPCOptOut Reason = "gpc_opt_out"
	// ReasonPermissionOff: the field is exposed by an OS permission that is
	// off on the device (PIPL 6; GB/T 35273 5.3; seeds 001, 004).
	ReasonPermissionOff Reason = "permission_off"
	// ReasonRegionNotDeclared: the region is neither a storage region nor
	// the destination of a declared transfer (PIPL 38; GDPR 44).
	ReasonRegionNotDeclared Reason = "region_not_declared"
	// ReasonTransferNotDeclared: transfers to the region are declared, but
	// none covers the field for the purpose (PIPL 38-39; GDPR 44-49).
	ReasonTransferNotDeclared Reason = "transfer_not_declared"
)

var reasons = []Reason{
	ReasonOK,
	ReasonNoDeclaration,
	ReasonPurposeNotDeclared,
	ReasonFieldNotDeclared,
	ReasonFieldNotForPurpose,
	ReasonNoLegalBasis,
	ReasonSubjectRestricted,
	ReasonSubjectBanned,
	ReasonSubjectCancelled,
	ReasonSubjectErased,
	ReasonUnderMinimumAge,
	ReasonNoGuardianConsent,
	ReasonNoConsent,
	ReasonNoSeparateConsent,
	ReasonConsentWithdrawn,
	ReasonReconsentRequired,
	ReasonGPCOptOut,
	ReasonPermissionOff,
	ReasonRegionNotDeclared,
	ReasonTransferNotDeclared,
}

// Reasons returns every reason, in the order the rules are checked (ReasonOK
// first). The API uses it for its enum and its metric labels.
func Reasons() []Reason { return slices.Clone(reasons) }

// Valid reports whether r is one of [Reasons].
func (r Reason) Valid() bool { return slices.Contains(reasons, r) }

// cite is one law's article for a reason.
type cite struct{ law, text string }

// reasonCites gives, per reason, the articles of each law that ground it.
// A Decision cites the articles of the laws its declaration is under (all
// of them when none of those laws is listed here for the reason).
var reasonCites = map[Reason][]cite{
	ReasonNoDeclaration:      {{taxonomy.LawPIPL, "PIPL Art. 7, 17"}, {taxonomy.LawGDPR, "GDPR Art. 13"}, {taxonomy.LawCCPA, "CCPA 1798.100(a)"}},
	ReasonPurposeNotDeclared: {{taxonomy.LawPIPL, "PIPL Art. 6"}, {taxonomy.LawGDPR, "GDPR Art. 5(1)(b)"}, {taxonomy.LawCCPA, "CCPA 1798.100(c)"}},
	ReasonFieldNotDeclared:   {{taxonomy.LawPIPL, "PIPL Art. 6"}, {taxonomy.LawGDPR, "GDPR Art. 5(1)(c)"}, {taxonomy.LawCCPA, "CCPA 1798.100(a)(1)"}},
	ReasonFieldNotForPurpose: {{taxonomy.LawPIPL, "PIPL Art. 6"}, {taxonomy.LawGDPR, "GDPR Art. 5(1)(b)"}, {taxonomy.LawCCPA, "CCPA 1798.100(c)"}},
	// ReasonNoLegalBasis cites the article of the law that has no basis.
	ReasonSubjectRestricted: {{taxonomy.LawPIPL, "PIPL Art. 44"}, {taxonomy.LawGDPR, "GDPR Art. 18, 21"}},
	ReasonSubjectBanned:     {{taxonomy.LawPIPL, "PIPL Art. 47(1)(2)"}, {taxonomy.LawGDPR, "GDPR Art. 17(1)(a)"}},
	ReasonSubjectCancelled:  {{taxonomy.LawPIPL, "PIPL Art. 47"}, {taxonomy.LawGDPR, "GDPR Art. 17"}, {taxonomy.LawCCPA, "CCPA 1798.105"}},
	ReasonSubjectErased:     {{taxonomy.LawPIPL, "PIPL Art. 47"}, {taxonomy.LawGDPR, "GDPR Art. 17"}, {taxonomy.LawCCPA, "CCPA 1798.105"}},
	ReasonUnderMinimumAge:   {{taxonomy.LawPIPL, "PIPL Art. 31"}, {taxonomy.LawGDPR, "GDPR Art. 8"}, {taxonomy.LawCCPA, "CCPA 1798.120(c)"}},
	ReasonNoGuardianConsent: {{taxonomy.LawPIPL, "PIPL Art. 31"}, {taxonomy.LawGDPR, "GDPR Art. 8(1)"}, {taxonomy.LawCCPA, "CCPA 1798.120(c)"}},
	ReasonNoConsent:         {{taxonomy.LawPIPL, "PIPL Art. 13(1)(1), 14"}, {taxonomy.LawGDPR, "GDPR Art. 6(1)(a), 7"}},
	ReasonNoSeparateConsent: {{taxonomy.LawPIPL, "PIPL Art. 29"}, {taxonomy.LawGDPR, "GDPR Art. 9(2)(a)"}},
	ReasonConsentWithdrawn:  {{taxonomy.LawPIPL, "PIPL Art. 15"}, {taxonomy.LawGDPR, "GDPR Art. 7(3)"}, {taxonomy.LawCCPA, "CCPA 1798.120"}},
	ReasonReconsentRequired: {{taxonomy.LawPIPL, "PIPL Art. 14, 17"}, {taxonomy.LawGDPR, "GDPR Art. 6(4), 13(3)"}},
	ReasonGPCOptOut:         {{taxonomy.LawCCPA, "CCPA 1798.120, 1798.135"}},
	ReasonPermissionOff:     {{taxonomy.LawPIPL, "PIPL Art. 6; GB/T 35273 5.3"}, {taxonomy.LawGDPR, "GDPR Art. 5(1)(c)"}},
	ReasonRegionNotDeclared: {{taxonomy.LawPIPL, "PIPL Art. 38"}, {taxonomy.LawGDPR, "GDPR Art. 44"}},
	ReasonTransferNotDeclared: {
		{taxonomy.LawPIPL, "PIPL Art. 38-39"}, {taxonomy.LawGDPR, "GDPR Art. 44-49"},
	},
}

// transferConsentCites ground the consent a cross-border transfer needs.
var transferConsentCites = []cite{{taxonomy.LawPIPL, "PIPL Art. 39"}, {taxonomy.LawGDPR, "GDPR Art. 49(1)(a)"}}

// basisCites ground a purpose's legal basis, per law.
var basisCites = map[string]string{
	taxonomy.LawPIPL: "PIPL Art. 13",
	taxonomy.LawGDPR: "GDPR Art. 6(1)",
	taxonomy.LawCCPA: "CCPA 1798.100",
}

// joinCites joins the cites of the laws in laws, or all of them when none
// matches (laws nil: all).
func joinCites(cs []cite, laws []string) string {
	var parts []string
	for _, c := range cs {
		if slices.Contains(laws, c.law) {
			parts = append(parts, c.text)
		}
	}
	if len(parts) == 0 {
		for _, c := range cs {
			parts = append(parts, c.text)
		}
	}
	return strings.Join(parts, "; ")
}
