package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/store"
)

// SubjectOut is a subject: a pseudonymous id and a coarse profile, never
// personal data.
type SubjectOut struct {
	ID       string `json:"id" doc:"The subject's pseudonymous id, chosen by the tenant."`
	Status   string `json:"status" enum:"active,restricted,banned,cancelled,erased" doc:"Where the subject stands; every status but active refuses collection."`
	AgeFloor int    `json:"age_floor" doc:"The lower bound of the subject's age bracket (1 is under 13), 0 when unknown."`
	Region   string `json:"region" doc:"The region the subject lives in, empty when unknown."`
}

func subjectOut(s store.Subject) SubjectOut {
	return SubjectOut{ID: s.ID, Status: string(s.Status), AgeFloor: s.AgeFloor, Region: s.Region}
}

// ConsentEventOut is one event of the consent ledger.
type ConsentEventOut struct {
	Seq                int64            `json:"seq" doc:"The event's number in the ledger."`
	Purpose            string           `json:"purpose" doc:"The declared purpose."`
	Action             string           `json:"action" enum:"grant,withdraw" doc:"grant or withdraw."`
	Kind               string           `json:"kind" enum:"consent,separate,guardian" doc:"The kind of consent."`
	DeclarationVersion string           `json:"declaration_version" doc:"The version of the declaration the event was given under."`
	Channel            string           `json:"channel,omitempty" doc:"How the event was given: web, app, api, agent; gpc for a Sec-GPC opt-out."`
	TextHash           string           `json:"text_hash,omitempty" doc:"The SHA-256 of the notice text shown, in hex."`
	Guardian           string           `json:"guardian,omitempty" doc:"The guardian who acted for the subject."`
	At                 time.Time        `json:"at" doc:"When the event was recorded."`
	Receipt            *consent.Receipt `json:"receipt,omitempty" doc:"The consent receipt, in the shape of a Kantara Consent Receipt v1.1 (ISO/IEC TS 27560)."`
}

func eventOut(e store.ConsentEvent) ConsentEventOut {
	return ConsentEventOut{Seq: e.Seq, Purpose: e.Purpose, Action: string(e.Action), Kind: string(e.Kind),
		DeclarationVersion: e.DeclarationVersion, Channel: e.Channel, TextHash: e.TextHash, At: e.At}
}

// SubjectParam is the subject path parameter of subject-scoped operations.
type SubjectParam struct {
	Subject string `path:"subject" minLength:"1" maxLength:"200" doc:"The subject's pseudonymous id."`
}

type putSubjectIn struct {
	SubjectParam
	GPCParam
	Body struct {
		AgeFloor int    `json:"age_floor,omitempty" enum:"1,13,14,15,16,18" doc:"The lower bound of the subject's age bracket: 1 (under 13), 13, 14, 15, 16 (16 to 17) or 18 (adult). Omitted: unchanged."`
		Region   string `json:"region,omitempty" maxLength:"16" pattern:"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$" doc:"The region the subject lives in: CN, DE, US-CA... Omitted: unchanged."`
	}
}

type subjectOutBody struct{ Body SubjectOut }

type consentIn struct {
	SubjectParam
	GPCParam
	Body struct {
		Purpose  string `json:"purpose" required:"true" minLength:"1" maxLength:"128" doc:"A purpose of the active declaration."`
		Action   string `json:"action" required:"true" enum:"grant,withdraw" doc:"grant or withdraw. Withdrawal stops processing at once and does not undo the past."`
		Kind     string `json:"kind,omitempty" enum:"consent,separate,guardian," doc:"The kind of consent: consent, separate (PIPL's separate consent) or guardian (a guardian's, for a minor). Required for a grant; a withdrawal without it (or with an empty one) withdraws the kind last given."`
		Channel  string `json:"channel,omitempty" maxLength:"128" pattern:"^[a-z0-9_.-]*$" doc:"How the act was made: web, app, api, agent. Default api."`
		TextHash string `json:"text_hash,omitempty" pattern:"^[0-9a-f]{64}$" doc:"The SHA-256, in lower-case hex, of the notice text shown to the subject."`
		Guardian string `json:"guardian,omitempty" maxLength:"200" doc:"For kind guardian: the subject id of the guardian acting, linked to the subject with POST /v1/subjects/{subject}/guardians."`
		Language string `json:"language,omitempty" enum:"en,zh" doc:"The language of the notice shown and of the receipt; default en."`
	}
}

type consentOutBody struct{ Body ConsentEventOut }

type consentsOut struct {
	Body struct {
		Events []ConsentEventOut `json:"events" doc:"The subject's consent events, in ledger order."`
	}
}

type listConsentsIn struct {
	SubjectParam
	GPCParam
}

type permissionsIn struct {
	SubjectParam
	GPCParam
	Device string `path:"device" minLength:"1" maxLength:"1024" doc:"A pseudonymous device id chosen by the app, never a hardware identifier."`
	Body   struct {
		Permissions map[string]bool `json:"permissions" required:"true" minProperties:"1" maxProperties:"1000" doc:"Permission ids of the active declaration, each with whether it is granted on the device."`
	}
}

// PermissionsOut is a device's permission states as stored.
type PermissionsOut struct {
	Device      string          `json:"device" doc:"The device."`
	Permissions map[string]bool `json:"permissions" doc:"Every permission state recorded for the device."`
}

type permissionsOutBody struct{ Body PermissionsOut }

type guardianIn struct {
	SubjectParam
	GPCParam
	Body struct {
		Guardian string `json:"guardian" required:"true" minLength:"1" maxLength:"200" doc:"The subject id of the guardian who consents and acts for the subject, a minor."`
	}
}

// GuardianOut is a guardian link.
type GuardianOut struct {
	Minor     string    `json:"minor" doc:"The minor."`
	Guardian  string    `json:"guardian" doc:"The guardian."`
	CreatedAt time.Time `json:"created_at" doc:"When the link was made."`
}

type guardianOutBody struct{ Body GuardianOut }

func (s *Server) mountSubjects() {
	register(s, huma.Operation{
		OperationID: "put-subject", Method: http.MethodPut, Path: "/v1/subjects/{subject}",
		Summary: "Create or update a subject", Tags: []string{"Subjects"},
		Description: "Creates the subject if it does not exist, and sets its age bracket and region when given. Decisions follow at once.",
	}, ScopeConsent, s.putSubject)
	register(s, huma.Operation{
		OperationID: "record-consent", Method: http.MethodPost, Path: "/v1/subjects/{subject}/consents", DefaultStatus: http.StatusCreated,
		Summary: "Grant or withdraw consent", Tags: []string{"Consent"},
		Description: "Appends a grant or a withdrawal to the subject's consent ledger, under the active declaration, and returns it with its consent receipt. " +
			"A grant must be of the kind the purpose needs (a minor's, a guardian's). Decisions follow at once.",
		Errors: []int{http.StatusConflict},
	}, ScopeConsent, s.recordConsent)
	register(s, huma.Operation{
		OperationID: "list-consents", Method: http.MethodGet, Path: "/v1/subjects/{subject}/consents",
		Summary: "List a subject's consent events", Tags: []string{"Consent"},
	}, ScopeConsent, s.listConsents)
	register(s, huma.Operation{
		OperationID: "set-permissions", Method: http.MethodPut, Path: "/v1/subjects/{subject}/devices/{device}/permissions",
		Summary: "Report OS permission states", Tags: []string{"Consent"},
		Description: "Records whether OS permissions are granted on one of the subject's devices. While a permission is off, the fields it exposes are not collected from the device.",
		Errors:      []int{http.StatusConflict},
	}, ScopeConsent, s.setPermissions)
	register(s, huma.Operation{
		OperationID: "add-guardian", Method: http.MethodPost, Path: "/v1/subjects/{subject}/guardians", DefaultStatus: http.StatusCreated,
		Summary: "Link a guardian to a minor", Tags: []string{"Consent"},
		Description: "Links a guardian, who gives guardian consent and acts for the subject (PIPL Art. 31; GDPR Art. 8). Both subjects are created if new.",
		Errors:      []int{http.StatusConflict},
	}, ScopeConsent, s.addGuardian)
}

func (s *Server) putSubject(ctx context.Context, in *putSubjectIn) (*subjectOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	var sub store.Subject
	err = s.v1.store.Write(ctx, func(tx store.Tx) error {
		var created bool
		var err error
		sub, created, err = consent.EnsureSubject(ctx, tx, tenant, in.Subject)
		if err != nil {
			return err
		}
		if sub.Status == store.StatusErased {
			return consent.ErrErased
		}
		var entries []audit.Entry
		if created {
			entries = append(entries, consent.SubjectCreatedEntry(p.Actor(), tenant, in.Subject))
		}
		age, region := sub.AgeFloor, sub.Region
		var changed []string
		if in.Body.AgeFloor != 0 && in.Body.AgeFloor != age {
			age = in.Body.AgeFloor
			changed = append(changed, "age_floor")
		}
		if in.Body.Region != "" && !strings.EqualFold(in.Body.Region, region) {
			region = in.Body.Region
			changed = append(changed, "region")
		}
		if len(changed) > 0 {
			if sub, err = tx.SetSubjectProfile(ctx, tenant, in.Subject, age, region); err != nil {
				return err
			}
			// The audit names what changed, not the values.
			entries = append(entries, audit.Entry{Tenant: tenant, Actor: p.Actor(), Action: "subject.profile", ObjectType: "subject",
				ObjectID: in.Subject, Subject: in.Subject, Details: map[string]string{"changed": strings.Join(changed, ",")}})
		}
		if len(entries) == 0 {
			return nil
		}
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	s.v1.Engine.Invalidate(tenant, in.Subject)
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &subjectOutBody{Body: subjectOut(sub)}, nil
}

func (s *Server) recordConsent(ctx context.Context, in *consentIn) (*consentOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b := in.Body
	if b.Action == consent.ActionGrant && b.Kind == "" {
		return nil, Problemf(http.StatusBadRequest, "invalid_input", "body.kind", "body.kind: required for a grant: consent, separate or guardian")
	}
	// The signal comes first, so that an explicit grant in the same
	// request is the subject's last word.
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	channel := b.Channel
	if channel == "" {
		channel = "api"
	}
	act := consent.Act{Subject: in.Subject, Purpose: b.Purpose, Kind: b.Kind, Channel: channel, TextHash: b.TextHash, Language: b.Language, Guardian: b.Guardian}
	var (
		ev  store.ConsentEvent
		rcp consent.Receipt
	)
	if b.Action == consent.ActionGrant {
		ev, rcp, err = s.v1.Ledger.Grant(ctx, p.Actor(), tenant, act)
	} else {
		ev, rcp, err = s.v1.Ledger.Withdraw(ctx, p.Actor(), tenant, act)
	}
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	out := eventOut(ev)
	out.Guardian = b.Guardian
	out.Receipt = &rcp
	return &consentOutBody{Body: out}, nil
}

func (s *Server) listConsents(ctx context.Context, in *listConsentsIn) (*consentsOut, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	var evs []store.ConsentEvent
	err = s.v1.store.Read(ctx, func(r store.Reader) error {
		pg := store.Page{Limit: store.MaxLimit}
		for {
			page, next, err := r.ListConsentEvents(ctx, tenant, in.Subject, pg)
			if err != nil {
				return err
			}
			evs = append(evs, page...)
			if next == "" {
				return nil
			}
			pg.After = next
		}
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	out := &consentsOut{}
	out.Body.Events = make([]ConsentEventOut, 0, len(evs))
	for _, e := range evs {
		eo := eventOut(e)
		if rcp, err := s.v1.Ledger.Receipt(ctx, e, ""); err == nil {
			eo.Receipt = &rcp
		}
		out.Body.Events = append(out.Body.Events, eo)
	}
	return out, nil
}

func (s *Server) setPermissions(ctx context.Context, in *permissionsIn) (*permissionsOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.v1.Engine.Declaration(ctx, tenant)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	declared := map[string]bool{}
	for _, perm := range d.Permissions {
		declared[perm.ID] = true
	}
	ids := slices.Sorted(maps.Keys(in.Body.Permissions))
	states := make([]store.PermissionState, 0, len(ids))
	for _, id := range ids {
		if !declared[id] {
			return nil, Problemf(http.StatusBadRequest, "invalid_input", "body.permissions."+id,
				"body.permissions."+id+": not a permission of the active declaration")
		}
		states = append(states, store.PermissionState{Tenant: tenant, Subject: in.Subject, Device: in.Device, Permission: id, Granted: in.Body.Permissions[id]})
	}
	out := PermissionsOut{Device: in.Device, Permissions: map[string]bool{}}
	err = s.v1.store.Write(ctx, func(tx store.Tx) error {
		sub, created, err := consent.EnsureSubject(ctx, tx, tenant, in.Subject)
		if err != nil {
			return err
		}
		if sub.Status == store.StatusErased {
			return consent.ErrErased
		}
		if err := tx.SetPermissionStates(ctx, states); err != nil {
			return err
		}
		all, err := tx.ListPermissionStates(ctx, tenant, in.Subject)
		if err != nil {
			return err
		}
		for _, st := range all {
			if st.Device == in.Device {
				out.Permissions[st.Permission] = st.Granted
			}
		}
		var granted, denied []string
		for _, id := range ids {
			if in.Body.Permissions[id] {
				granted = append(granted, id)
			} else {
				denied = append(denied, id)
			}
		}
		var entries []audit.Entry
		if created {
			entries = append(entries, consent.SubjectCreatedEntry(p.Actor(), tenant, in.Subject))
		}
		entries = append(entries, audit.Entry{Tenant: tenant, Actor: p.Actor(), Action: "permission.set", ObjectType: "device",
			ObjectID: in.Device, Subject: in.Subject, Details: map[string]string{"granted": strings.Join(granted, ","), "denied": strings.Join(denied, ",")}})
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.subject", "subject", err))
	}
	s.v1.Engine.Invalidate(tenant, in.Subject)
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &permissionsOutBody{Body: out}, nil
}

func (s *Server) addGuardian(ctx context.Context, in *guardianIn) (*guardianOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if in.Body.Guardian == in.Subject {
		return nil, Problemf(http.StatusBadRequest, "invalid_input", "body.guardian", "body.guardian: a subject cannot be its own guardian")
	}
	var g store.Guardian
	err = s.v1.store.Write(ctx, func(tx store.Tx) error {
		var entries []audit.Entry
		for _, id := range []string{in.Subject, in.Body.Guardian} {
			sub, created, err := consent.EnsureSubject(ctx, tx, tenant, id)
			if err != nil {
				return err
			}
			if sub.Status == store.StatusErased {
				return consent.ErrErased
			}
			if created {
				entries = append(entries, consent.SubjectCreatedEntry(p.Actor(), tenant, id))
			}
		}
		var err error
		if g, err = tx.LinkGuardian(ctx, store.Guardian{Tenant: tenant, Minor: in.Subject, Guardian: in.Body.Guardian}); err != nil {
			return err
		}
		entries = append(entries, audit.Entry{Tenant: tenant, Actor: p.Actor(), Action: "guardian.link", ObjectType: "guardian",
			ObjectID: in.Body.Guardian, Subject: in.Subject})
		_, err = tx.Audit(ctx, entries...)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("body.guardian", "guardian link", err))
	}
	s.v1.Engine.Invalidate(tenant, in.Subject)
	if err := s.honourGPC(ctx, p, tenant, in.Subject, in.GPCParam); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &guardianOutBody{Body: GuardianOut{Minor: g.Minor, Guardian: g.Guardian, CreatedAt: g.CreatedAt}}, nil
}
