package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
)

// DeclarationOut is one uploaded version of the tenant's declaration.
type DeclarationOut struct {
	Seq       int64     `json:"seq" doc:"The version's number in the tenant: 1, 2, 3... in upload order."`
	PolicyID  string    `json:"policy_id" doc:"The declaration's own id."`
	Version   string    `json:"version" doc:"The declaration's version label; consents name it."`
	SHA256    string    `json:"sha256" doc:"The SHA-256 of the uploaded text, in hex."`
	Active    bool      `json:"active" doc:"Whether this is the tenant's active version."`
	CreatedAt time.Time `json:"created_at" doc:"When the version was uploaded."`
	// ReconsentPurposes is set by activation only.
	ReconsentPurposes []string `json:"reconsent_purposes,omitempty" doc:"On activation: the purposes whose consent, given to the previously active version, a major change has overtaken; subjects must consent again."`
	Major             *bool    `json:"major,omitempty" doc:"On activation: whether the change from the previously active version is major and must be notified prominently."`
}

func declOut(d store.DeclarationVersion) DeclarationOut {
	return DeclarationOut{Seq: d.Seq, PolicyID: d.PolicyID, Version: d.Version, SHA256: d.SHA256, Active: d.Active, CreatedAt: d.UploadedAt}
}

type uploadDeclIn struct {
	Body struct {
		Source string `json:"source" required:"true" minLength:"1" maxLength:"4194304" doc:"The declaration, in YAML (schema trustee/v1). It must parse and lint clean."`
	}
}

type declOutBody struct{ Body DeclarationOut }

type seqPath struct {
	Seq int64 `path:"seq" minimum:"1" doc:"The version's number."`
}

type declsOut struct {
	Body struct {
		Declarations []DeclarationOut `json:"declarations" doc:"Every uploaded version, by seq."`
	}
}

// declarationFile names an uploaded declaration in positions.
const declarationFile = "declaration.yaml"

func (s *Server) mountDeclarations() {
	register(s, huma.Operation{
		OperationID: "upload-declaration", Method: http.MethodPost, Path: "/v1/declarations", DefaultStatus: http.StatusCreated,
		Summary: "Upload a declaration version", Tags: []string{"Declarations"},
		Description: "Stores a new, inactive version of the tenant's declaration. It must parse (400 invalid_declaration otherwise) and " +
			"lint clean (422 invalid_declaration with one error per finding otherwise); nothing is stored when it does not.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, ScopeAdmin, s.uploadDeclaration)
	register(s, huma.Operation{
		OperationID: "activate-declaration", Method: http.MethodPost, Path: "/v1/declarations/{seq}/activate",
		Summary: "Activate a declaration version", Tags: []string{"Declarations"},
		Description: "Makes the version the tenant's active one: decisions follow it at once, on every node. The response lists the purposes " +
			"that need re-consent because of a major change from the previously active version.",
		Errors: []int{http.StatusNotFound},
	}, ScopeAdmin, s.activateDeclaration)
	register(s, huma.Operation{
		OperationID: "list-declarations", Method: http.MethodGet, Path: "/v1/declarations",
		Summary: "List declaration versions", Tags: []string{"Declarations"},
	}, ScopeAdmin, s.listDeclarations)
	register(s, huma.Operation{
		OperationID: "active-declaration", Method: http.MethodGet, Path: "/v1/declarations/active",
		Summary: "Get the active declaration version", Tags: []string{"Declarations"}, Errors: []int{http.StatusNotFound},
	}, ScopeCollect, s.activeDeclaration)
}

func (s *Server) uploadDeclaration(ctx context.Context, in *uploadDeclIn) (*declOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	src := []byte(in.Body.Source)
	doc, err := policy.Parse(declarationFile, src)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if findings := policy.Lint(doc); len(findings) > 0 {
		e := Problemf(http.StatusUnprocessableEntity, "invalid_declaration", "body.source",
			"the declaration has "+strconv.Itoa(len(findings))+" lint finding(s): promises trustee cannot keep; fix them and upload again")
		for _, f := range findings {
			msg := f.Rule + ": " + f.Message
			if f.Hint != "" {
				msg += " (" + f.Hint + ")"
			}
			e.Errors = append(e.Errors, &ErrorDetail{Location: posString(f.Pos) + " " + f.Rule, Message: msg})
		}
		return nil, e
	}
	var dv store.DeclarationVersion
	err = s.v1.store.Write(ctx, func(tx store.Tx) error {
		var err error
		dv, err = tx.PutDeclaration(ctx, store.DeclarationVersion{Tenant: tenant, PolicyID: doc.Decl.ID, Version: doc.Decl.Version, Source: src})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: p.Actor(), Action: "declaration.upload", ObjectType: "declaration",
			ObjectID: strconv.FormatInt(dv.Seq, 10), Details: map[string]string{"policy_id": dv.PolicyID, "version": dv.Version, "sha256": dv.SHA256}})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("body.source", "declaration version with this version label", err))
	}
	return &declOutBody{Body: declOut(dv)}, nil
}

func (s *Server) activateDeclaration(ctx context.Context, in *seqPath) (*declOutBody, error) {
	p, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	var prev, dv store.DeclarationVersion
	hadPrev := false
	err = s.v1.store.Write(ctx, func(tx store.Tx) error {
		old, err := tx.ActiveDeclaration(ctx, tenant)
		switch {
		case err == nil:
			prev, hadPrev = old, true
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if dv, err = tx.ActivateDeclaration(ctx, tenant, in.Seq); err != nil {
			return err
		}
		details := map[string]string{"version": dv.Version, "sha256": dv.SHA256}
		if hadPrev {
			details["previous_seq"] = strconv.FormatInt(prev.Seq, 10)
		}
		_, err = tx.Audit(ctx, audit.Entry{Tenant: tenant, Actor: p.Actor(), Action: "declaration.activate", ObjectType: "declaration",
			ObjectID: strconv.FormatInt(dv.Seq, 10), Details: details})
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, on("path.seq", "declaration version", err))
	}
	s.v1.Engine.InvalidateTenant(tenant)
	out := declOut(dv)
	out.Active = true
	out.ReconsentPurposes = []string{}
	var oldDecl *policy.Declaration
	if hadPrev {
		if oldDecl, err = parseStored(prev); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	newDecl, err := parseStored(dv)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if hadPrev && prev.Seq != dv.Seq {
		cs := policy.Diff(oldDecl, newDecl)
		out.ReconsentPurposes = append(out.ReconsentPurposes, cs.ReconsentPurposes...)
		out.Major = &cs.Major
	}
	return &declOutBody{Body: out}, nil
}

// parseStored parses a stored declaration version, which parsed when it
// was uploaded.
func parseStored(dv store.DeclarationVersion) (*policy.Declaration, error) {
	doc, err := policy.Parse(declarationFile, dv.Source)
	if err != nil {
		return nil, errors.New("a stored declaration no longer parses: seq " + strconv.FormatInt(dv.Seq, 10))
	}
	return doc.Decl, nil
}

func (s *Server) listDeclarations(ctx context.Context, _ *struct{}) (*declsOut, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	out := &declsOut{}
	out.Body.Declarations = []DeclarationOut{}
	err = s.v1.store.Read(ctx, func(r store.Reader) error {
		p := store.Page{Limit: store.MaxLimit}
		for {
			ds, next, err := r.ListDeclarations(ctx, tenant, p)
			if err != nil {
				return err
			}
			for _, d := range ds {
				out.Body.Declarations = append(out.Body.Declarations, declOut(d))
			}
			if next == "" {
				return nil
			}
			p.After = next
		}
	})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return out, nil
}

func (s *Server) activeDeclaration(ctx context.Context, _ *struct{}) (*declOutBody, error) {
	_, tenant, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	var dv store.DeclarationVersion
	err = s.v1.store.Read(ctx, func(r store.Reader) error {
		var err error
		dv, err = r.ActiveDeclaration(ctx, tenant)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, Problemf(http.StatusNotFound, "no_declaration", "", "the tenant has no active declaration: upload one (POST /v1/declarations) and activate it")
	}
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &declOutBody{Body: declOut(dv)}, nil
}
