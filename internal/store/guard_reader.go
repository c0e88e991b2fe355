package store

import (
	"context"
	"strconv"
)

// The Reader side of guard: each method checks its arguments, then calls
// the backend.

func (g *guard) GetTenant(ctx context.Context, id string) (Tenant, error) {
	if err := g.enter(); err != nil {
		return Tenant{}, err
	}
	if err := checkID("tenant", id); err != nil {
		return Tenant{}, err
	}
	t, err := g.r.GetTenant(ctx, id)
	return t, g.leave(err)
}

func (g *guard) ListTenants(ctx context.Context, p Page) ([]Tenant, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := p.check()
	if err != nil {
		return nil, "", err
	}
	ts, next, err := g.r.ListTenants(ctx, p)
	return ts, next, g.leave(err)
}

func (g *guard) GetSubject(ctx context.Context, tenant, id string) (Subject, error) {
	if err := g.enter(); err != nil {
		return Subject{}, err
	}
	if err := checkTenantID(tenant, "subject", id); err != nil {
		return Subject{}, err
	}
	s, err := g.r.GetSubject(ctx, tenant, id)
	return s, g.leave(err)
}

func (g *guard) ListSubjects(ctx context.Context, tenant string, f SubjectFilter, p Page) ([]Subject, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := f.check(); err != nil {
		return nil, "", err
	}
	ss, next, err := g.r.ListSubjects(ctx, tenant, f, p)
	return ss, next, g.leave(err)
}

func (g *guard) CountSubjects(ctx context.Context, tenant string, f SubjectFilter) (int64, error) {
	if err := g.enter(); err != nil {
		return 0, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return 0, err
	}
	if err := f.check(); err != nil {
		return 0, err
	}
	n, err := g.r.CountSubjects(ctx, tenant, f)
	return n, g.leave(err)
}

func (g *guard) GetRecord(ctx context.Context, tenant, id string) (Record, error) {
	if err := g.enter(); err != nil {
		return Record{}, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return Record{}, err
	}
	if err := CheckRecordID("record", id); err != nil {
		return Record{}, err
	}
	r, err := g.r.GetRecord(ctx, tenant, id)
	return r, g.leave(err)
}

func (g *guard) ListRecords(ctx context.Context, tenant string, f RecordFilter, p Page) ([]Record, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkRecordList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := f.check(); err != nil {
		return nil, "", err
	}
	rs, next, err := g.r.ListRecords(ctx, tenant, f, p)
	return rs, next, g.leave(err)
}

func (g *guard) CountRecords(ctx context.Context, tenant string, f RecordFilter) (int64, error) {
	if err := g.enter(); err != nil {
		return 0, err
	}
	if err := checkID("tenant", tenant); err != nil {
		return 0, err
	}
	if err := f.check(); err != nil {
		return 0, err
	}
	n, err := g.r.CountRecords(ctx, tenant, f)
	return n, g.leave(err)
}

func (g *guard) FindRecordsByIndex(ctx context.Context, tenant, field string, index []byte, p Page) ([]Record, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkRecordList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := checkName("field", field); err != nil {
		return nil, "", err
	}
	switch {
	case len(index) == 0:
		return nil, "", invalid("index", "required")
	case len(index) > MaxIndexLen:
		return nil, "", invalid("index", "longer than "+strconv.Itoa(MaxIndexLen)+" bytes")
	}
	rs, next, err := g.r.FindRecordsByIndex(ctx, tenant, field, index, p)
	return rs, next, g.leave(err)
}

func (g *guard) GetBlob(ctx context.Context, tenant, id string) (BlobMeta, error) {
	if err := g.enter(); err != nil {
		return BlobMeta{}, err
	}
	if err := checkTenantID(tenant, "blob", id); err != nil {
		return BlobMeta{}, err
	}
	b, err := g.r.GetBlob(ctx, tenant, id)
	return b, g.leave(err)
}

func (g *guard) ListBlobs(ctx context.Context, tenant, subject string, p Page) ([]BlobMeta, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := checkOptID("subject", subject); err != nil {
		return nil, "", err
	}
	bs, next, err := g.r.ListBlobs(ctx, tenant, subject, p)
	return bs, next, g.leave(err)
}

func (g *guard) ListConsentEvents(ctx context.Context, tenant, subject string, p Page) ([]ConsentEvent, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if p.After != "" {
		if n, err := strconv.ParseInt(p.After, 10, 64); err != nil || n < 0 || strconv.FormatInt(n, 10) != p.After {
			return nil, "", invalid("page.after", "not a consent event Seq")
		}
	}
	if err := checkOptID("subject", subject); err != nil {
		return nil, "", err
	}
	es, next, err := g.r.ListConsentEvents(ctx, tenant, subject, p)
	return es, next, g.leave(err)
}

func (g *guard) GetRequest(ctx context.Context, tenant, id string) (Request, error) {
	if err := g.enter(); err != nil {
		return Request{}, err
	}
	if err := checkTenantID(tenant, "request", id); err != nil {
		return Request{}, err
	}
	r, err := g.r.GetRequest(ctx, tenant, id)
	return r, g.leave(err)
}

func (g *guard) ListRequests(ctx context.Context, tenant string, f RequestFilter, p Page) ([]Request, string, error) {
	if err := g.enter(); err != nil {
		return nil, "", err
	}
	p, err := checkList(tenant, p)
	if err != nil {
		return nil, "", err
	}
	if err := f.check(); err != nil {
		return nil, "", err
	}
	rs, next, err := g.r.ListRequests(ctx, tenant, f, p)
	return rs, next, g.leave(err)
}

func checkOptID(field, id string) error {
	if id == "" {
		return nil
	}
	return checkID(field, id)
}

func checkTenantID(tenant, field, id string) error {
	if err := checkID("tenant", tenant); err != nil {
		return err
	}
	return checkID(field, id)
}

func checkList(tenant string, p Page) (Page, error) {
	if err := checkID("tenant", tenant); err != nil {
		return p, err
	}
	return p.check()
}

func checkRecordList(tenant string, p Page) (Page, error) {
	p, err := checkList(tenant, p)
	if err != nil {
		return p, err
	}
	if p.After != "" {
		if err := CheckRecordID("page.after", p.After); err != nil {
			return p, err
		}
	}
	return p, nil
}
