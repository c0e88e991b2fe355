package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
)

type bindingIn struct {
	SubjectParam
	Device string `path:"device" minLength:"1" maxLength:"200" doc:"A pseudonymous device id chosen by the app, never a hardware identifier."`
}

// BindingOut is a device's binding to a subject.
type BindingOut struct {
	Device string    `json:"device" doc:"The device."`
	Bound  bool      `json:"bound" doc:"Whether the device is bound to the subject."`
	At     time.Time `json:"at" doc:"When the device was last bound or unbound."`
}

type bindingOutBody struct{ Body BindingOut }

// UnbindingOut says what unbinding a device did.
type UnbindingOut struct {
	BindingOut
	Deleted int64    `json:"deleted" doc:"How many of the device's records were deleted."`
	Kept    int64    `json:"kept" doc:"How many of the device's records a legal hold keeps."`
	Holds   []string `json:"holds,omitempty" doc:"The legal holds that keep them."`
}

type unbindingOutBody struct{ Body UnbindingOut }

type banIn struct {
	SubjectParam
	Body struct {
		Reason string `json:"reason" required:"true" enum:"illegal_content,fraud,malicious_marketing,bulk_registration,security,legal_order,minor" doc:"Why the account is banned, as a code; it is audited. Keep any narrative outside trustee's audit log."`
	}
}

type unbanIn struct {
	SubjectParam
}

type minorIn struct {
	SubjectParam
	Body struct {
		AgeFloor int `json:"age_floor,omitempty" enum:"1,13,14,15,16,18" doc:"The subject's age bracket as now known: 1 (under 13), 13, 14, 15, 16 (16 to 17) or 18. Omitted: the stored one."`
	}
}

// MinorOut says what the discovery of a minor did.
type MinorOut struct {
	Subject              SubjectOut `json:"subject" doc:"The subject after the handling."`
	Action               string     `json:"action" enum:"none,kept,blocked,deleted,erased,seek_guardian_consent" doc:"none: not below an age the declaration sets; kept: a guardian's consent covers the data; blocked: the account is banned (reason minor) and its data kept, under a guardian's consent or a legal hold; deleted: the subject's records were deleted, the account stays; erased: the account was banned and the subject erased; seek_guardian_consent: the declaration asks for a guardian's consent first."`
	MinimumAge           int        `json:"minimum_age" doc:"The declaration's minimum age for the subject's region."`
	GuardianConsentBelow int        `json:"guardian_consent_below" doc:"The age below which the declaration needs a guardian's consent, for the subject's region."`
	GuardianConsent      bool       `json:"guardian_consent" doc:"Whether a guardian's consent is in force in the ledger."`
	Records              int64      `json:"records" doc:"How many records were deleted or purged."`
	Blobs                int64      `json:"blobs" doc:"How many blobs were purged."`
	Holds                []string   `json:"holds,omitempty" doc:"The legal holds that kept the data."`
}

type minorOutBody struct{ Body MinorOut }

func (s *Server) mountLifecycle() {
	register(s, huma.Operation{
		OperationID: "bind-device", Method: http.MethodPut, Path: "/v1/subjects/{subject}/devices/{device}/binding",
		Summary: "Bind a device to a subject", Tags: []string{"Subjects"},
		Description: "Binds one of the app's pseudonymous device ids to the subject (creating the subject if new). Binding a bound device changes nothing.",
		Errors:      []int{http.StatusConflict},
	}, ScopeConsent, s.bindDevice)
	register(s, huma.Operation{
		OperationID: "unbind-device", Method: http.MethodDelete, Path: "/v1/subjects/{subject}/devices/{device}/binding",
		Summary: "Unbind a device and delete its data", Tags: []string{"Subjects"},
		Description: "Unbinds the device and, in the same transaction, deletes every record of the subject collected from it, " +
			"but those a legal hold keeps. The deletion is audited with the count and the digest of the record ids.",
		Errors: []int{http.StatusNotFound},
	}, ScopeConsent, s.unbindDevice)
	register(s, huma.Operation{
		OperationID: "ban-subject", Method: http.MethodPost, Path: "/v1/subjects/{subject}/ban",
		Summary: "Ban a subject's account", Tags: []string{"Subjects"},
		Description: "Blocks the account: collection is refused (subject_banned) and its data is no longer processed. Nothing is deleted. " +
			"Only an active subject can be banned.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeAdmin, s.banSubject)
	register(s, huma.Operation{
		OperationID: "unban-subject", Method: http.MethodPost, Path: "/v1/subjects/{subject}/unban",
		Summary: "Lift a subject's ban", Tags: []string{"Subjects"},
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeAdmin, s.unbanSubject)
	register(s, huma.Operation{
		OperationID: "minor-discovered", Method: http.MethodPost, Path: "/v1/subjects/{subject}/minor-discovered",
		Summary: "Handle a subject found to be under age", Tags: []string{"Subjects"},
		Description: "Sets the subject's age bracket when given, then applies the declaration's minors rules: without a guardian's consent " +
			"the data is deleted (on_discovery delete) or the account banned and the subject erased (delete_and_block); a subject below " +
			"the minimum age is banned even with a guardian's consent; a legal hold suspends the deletion.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, ScopeAdmin, s.minorDiscovered)
}

// lifecycle returns the lifecycle operations over the server's vault.
func (s *Server) lifecycle() *rights.Lifecycle {
	return &rights.Lifecycle{Vault: s.v1.Vault, Declaration: s.v1.Engine.Declaration, Invalidate: s.v1.Engine.Invalidate}
}

// lifecycleFail maps the lifecycle's errors, then the rest through fail.
func (s *Server) lifecycleFail(ctx context.Context, field, what string, err error) error {
	switch {
	case errors.Is(err, rights.ErrNotBound):
		return Problemf(http.StatusNotFound, "not_bound", "path.device", "the device is not bound to the subject")
	case errors.Is(err, rights.ErrBanned):
		return Problemf(http.StatusConflict, "subject_banned", "path.subject", "the subject is banned: lift the ban first (POST /v1/subjects/{subject}/unban)")
	case errors.Is(err, rights.ErrNotBanned):
		return Problemf(http.StatusConflict, "not_banned", "path.subject", "the subject is not banned")
	case errors.Is(err, rights.ErrNotActive):
		return Problemf(http.StatusConflict, "not_active", "path.subject",
			"only an active subject can be banned: a restricted, cancelled or erased one is refused all processing already")
	case errors.Is(err, rights.ErrNoDecl):
		return Problemf(http.StatusConflict, "no_declaration", "",
			"the tenant has no active declaration: upload one (POST /v1/declarations) and activate it")
	}
	var ie *store.InvalidError
	if errors.As(err, &ie) && (ie.Field == "reason" || ie.Field == "age_floor") {
		return Problemf(http.StatusBadRequest, "invalid_input", "body."+ie.Field, "body."+ie.Field+": "+ie.Reason)
	}
	return s.fail(ctx, on(field, what, err))
}

func bindingOut(b rights.Binding) BindingOut {
	return BindingOut{Device: b.Device, Bound: b.Bound, At: b.At}
}

func (s *Server) bindDevice(ctx context.Context, in *bindingIn) (*bindingOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	b, err := s.lifecycle().BindDevice(ctx, p.Actor(), tenant, in.Subject, in.Device)
	if err != nil {
		return nil, s.lifecycleFail(ctx, "path.subject", "subject", err)
	}
	return &bindingOutBody{Body: bindingOut(b)}, nil
}

func (s *Server) unbindDevice(ctx context.Context, in *bindingIn) (*unbindingOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.lifecycle().UnbindDevice(ctx, p.Actor(), tenant, in.Subject, in.Device)
	if err != nil {
		return nil, s.lifecycleFail(ctx, "path.subject", "subject", err)
	}
	return &unbindingOutBody{Body: UnbindingOut{BindingOut: bindingOut(u.Binding), Deleted: u.Deleted, Kept: u.Kept, Holds: u.HoldIDs}}, nil
}

func (s *Server) banSubject(ctx context.Context, in *banIn) (*subjectOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := s.lifecycle().Ban(ctx, p.Actor(), tenant, in.Subject, in.Body.Reason)
	if err != nil {
		return nil, s.lifecycleFail(ctx, "path.subject", "subject", err)
	}
	return &subjectOutBody{Body: subjectOut(sub)}, nil
}

func (s *Server) unbanSubject(ctx context.Context, in *unbanIn) (*subjectOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := s.lifecycle().Unban(ctx, p.Actor(), tenant, in.Subject)
	if err != nil {
		return nil, s.lifecycleFail(ctx, "path.subject", "subject", err)
	}
	return &subjectOutBody{Body: subjectOut(sub)}, nil
}

func (s *Server) minorDiscovered(ctx context.Context, in *minorIn) (*minorOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.lifecycle().MinorDiscovered(ctx, p.Actor(), tenant, in.Subject, in.Body.AgeFloor)
	if err != nil {
		return nil, s.lifecycleFail(ctx, "path.subject", "subject", err)
	}
	return &minorOutBody{Body: MinorOut{Subject: subjectOut(o.Subject), Action: o.Action, MinimumAge: o.MinimumAge,
		GuardianConsentBelow: o.GuardianConsentBelow, GuardianConsent: o.GuardianConsent, Records: o.Records, Blobs: o.Blobs, Holds: o.HoldIDs}}, nil
}
