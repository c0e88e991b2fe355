package client

// Receipt is a consent receipt in the shape of a Kantara Initiative
// Consent Receipt v1.1 (whose fields ISO/IEC TS 27560 consent records
// carry too), with trustee's Evidence extension. Its JSON uses the Kantara
// field names.
type Receipt struct {
	Version      string `json:"version"`
	Jurisdiction string `json:"jurisdiction"`
	// ConsentTimestamp is the event's time in seconds since the Unix epoch.
	ConsentTimestamp int64  `json:"consentTimestamp"`
	CollectionMethod string `json:"collectionMethod"`
	ConsentReceiptID string `json:"consentReceiptID"`
	Language         string `json:"language"`
	// PIIPrincipalID is the subject's pseudonymous id.
	PIIPrincipalID string                 `json:"piiPrincipalId"`
	PIIControllers []ReceiptPIIController `json:"piiControllers"`
	PolicyURL      string                 `json:"policyUrl"`
	Services       []ReceiptService       `json:"services"`
	Sensitive      bool                   `json:"sensitive"`
	SPICat         []string               `json:"spiCat"`
	Evidence       ReceiptEvidence        `json:"evidence"`
}

// ReceiptPIIController is the controller named in a [Receipt].
type ReceiptPIIController struct {
	PIIController    string         `json:"piiController"`
	OnBehalf         bool           `json:"onBehalf"`
	Contact          string         `json:"contact"`
	Address          ReceiptAddress `json:"address"`
	Email            string         `json:"email,omitempty"`
	Phone            string         `json:"phone,omitempty"`
	PIIControllerURL string         `json:"piiControllerUrl,omitempty"`
}

// ReceiptAddress is a postal address in a [Receipt].
type ReceiptAddress struct {
	StreetAddress  string `json:"streetAddress,omitempty"`
	AddressCountry string `json:"addressCountry"`
}

// ReceiptService is the product in a [Receipt] and the purposes consented
// to.
type ReceiptService struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is one purpose in a [Receipt].
type ReceiptPurpose struct {
	Purpose         string   `json:"purpose"`
	PurposeCategory []string `json:"purposeCategory"`
	// ConsentType is EXPRESSED (consent) or EXPLICIT (separate or
	// guardian consent).
	ConsentType          string   `json:"consentType"`
	PIICategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
	ThirdPartyName       string   `json:"thirdPartyName,omitempty"`
}

// ReceiptEvidence ties a [Receipt] to its ledger event.
type ReceiptEvidence struct {
	Action             string `json:"action"`
	Kind               string `json:"kind"`
	Purpose            string `json:"purposeId"`
	DeclarationID      string `json:"declarationId"`
	DeclarationVersion string `json:"declarationVersion"`
	// NoticeHash is the SHA-256 of the notice text shown, in hex.
	NoticeHash string `json:"noticeHash"`
}
