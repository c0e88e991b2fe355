package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// DeclarationVersion is one uploaded version of a tenant's declaration
// (its privacy policy as code). Versions are numbered 1, 2, 3... per
// tenant in upload order and never change; exactly one of them is active
// once the tenant has activated any (see [Tx.ActivateDeclaration]).
type DeclarationVersion struct {
	Tenant string
	// Seq is assigned by the store: 1 for the tenant's first upload, then
	// one more than the tenant's highest. A value given to
	// [Tx.PutDeclaration] is ignored.
	Seq int64
	// PolicyID and Version are the declaration's own id and version, as
	// written in it. Version is unique in the tenant: the consent ledger
	// names declarations by it ([ConsentEvent.DeclarationVersion]).
	PolicyID string
	Version  string
	// Source is the declaration as uploaded (YAML). Listings leave it nil.
	Source []byte
	// SHA256 is the lower-case hex SHA-256 of Source; computed by the store
	// when empty, checked when given.
	SHA256 string
	// UploadedAt is set from the store's clock when zero.
	UploadedAt time.Time
	// Active is set by the store: true for the tenant's active version.
	Active bool
}

// MaxDeclarationLen is the largest declaration source the store accepts,
// in bytes.
const MaxDeclarationLen = 4 << 20

func (d *DeclarationVersion) check(now time.Time) error {
	if err := checkID("declaration.tenant", d.Tenant); err != nil {
		return err
	}
	if err := checkName("declaration.policy_id", d.PolicyID); err != nil {
		return err
	}
	if err := checkName("declaration.version", d.Version); err != nil {
		return err
	}
	switch {
	case len(d.Source) == 0:
		return invalid("declaration.source", "required")
	case len(d.Source) > MaxDeclarationLen:
		return invalid("declaration.source", "longer than "+strconv.Itoa(MaxDeclarationLen)+" bytes")
	}
	sum := sha256.Sum256(d.Source)
	h := hex.EncodeToString(sum[:])
	switch d.SHA256 {
	case "":
		d.SHA256 = h
	case h:
	default:
		return invalid("declaration.sha256", "is not the SHA-256 of the source (lower-case hex)")
	}
	if d.Active {
		return invalid("declaration.active", "must be false: a version is activated with ActivateDeclaration")
	}
	d.Seq = 0
	d.Source = append([]byte(nil), d.Source...)
	var err error
	d.UploadedAt, err = stamp("declaration.uploaded_at", d.UploadedAt, now)
	return err
}

func checkSeq(field string, seq int64) error {
	if seq < 1 {
		return invalid(field, "must be 1 or more")
	}
	return nil
}

// checkSeqPage checks a listing ordered by a numeric Seq: After, when set,
// is a decimal Seq.
func checkSeqPage(tenant string, p Page, what string) (Page, error) {
	p, err := checkList(tenant, p)
	if err != nil {
		return p, err
	}
	if p.After != "" {
		if n, err := strconv.ParseInt(p.After, 10, 64); err != nil || n < 0 || strconv.FormatInt(n, 10) != p.After {
			return p, invalid("page.after", "not a "+what+" Seq")
		}
	}
	return p, nil
}

func (g *guard) PutDeclaration(ctx context.Context, d DeclarationVersion) (DeclarationVersion, error) {
	if err := g.writable(); err != nil {
		return DeclarationVersion{}, err
	}
	if err := d.check(g.now); err != nil {
		return DeclarationVersion{}, err
	}
	d, err := g.tx.PutDeclaration(ctx, d)
	if err == nil {
		g.mutate("PutDeclaration")
	}
	return d, g.leave(err)
}

func (g *guard) ActivateDeclaration(ctx context.Context, tenant string, seq int64) (DeclarationVersion, error) {
	if err := g.writable(); err != nil {
		return DeclarationVersion{}, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return DeclarationVersion{}, err
	}
	if err := checkSeq("seq", seq); err != nil {
		return DeclarationVersion{}, err
	}
	d, err := g.tx.ActivateDeclaration(ctx, tenant, seq)
	if err == nil {
		g.mutate("ActivateDeclaration")
	}
	return d, g.leave(err)
}

func (g *guard) GetDeclaration(ctx context.Context, tenant string, seq int64) (DeclarationVersion, error) {
	if err := g.enter(); err != nil {
		return DeclarationVersion{}, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return DeclarationVersion{}, err
	}
	if err := checkSeq("seq", seq); err != nil {
		return DeclarationVersion{}, err
	}
	d, err := g.r.GetDeclaration(ctx, tenant, seq)
	return d, g.leave(err)
}

func (g *guard) ActiveDeclaration(ctx context.Context, tenant string) (DeclarationVersion, error) {
	if err := g.enter(); err != nil {
		return DeclarationVersion{}, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return DeclarationVersion{}, err
	}
	d, err := g.r.ActiveDeclaration(ctx, tenant)
	return d, g.leave(err)
}

func (g *guard) ListDeclarations(ctx context.Context, tenant string, p Page) ([]DeclarationVersion, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkSeqPage(tenant, p, "declaration")
	if err != nil {
		return nil, "", err
	}
	ds, next, err := g.r.ListDeclarations(ctx, tenant, p)
	return ds, next, g.leave(err)
}
