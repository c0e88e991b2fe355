package store

import (
	"context"
	"strconv"
	"time"
)

// PermissionState is whether an OS permission is granted to the app on one
// of a subject's devices, as the app last reported it. When a permission
// is off, the fields it exposes are not collected (the seeds' promise that
// a function stops when its permission is withdrawn).
type PermissionState struct {
	Tenant  string
	Subject string
	// Device is a pseudonymous device id chosen by the app, never a
	// hardware identifier.
	Device string
	// Permission is a permission id of the tenant's declaration or a
	// platform's permission name ("android.permission.CAMERA",
	// "ohos.permission.MICROPHONE", "NSCameraUsageDescription").
	Permission string
	Granted    bool
	// UpdatedAt is when the state was observed; set from the store's clock
	// when zero.
	UpdatedAt time.Time
}

// MaxPermissionBatch is the most states one [Tx.SetPermissionStates] call
// takes.
const MaxPermissionBatch = MaxLimit

func (s *PermissionState) check(i int, now time.Time) error {
	p := "permission[" + strconv.Itoa(i) + "]."
	if err := checkID(p+"tenant", s.Tenant); err != nil {
		return err
	}
	if err := checkID(p+"subject", s.Subject); err != nil {
		return err
	}
	if err := checkID(p+"device", s.Device); err != nil {
		return err
	}
	if err := checkName(p+"permission", s.Permission); err != nil {
		return err
	}
	var err error
	s.UpdatedAt, err = stamp(p+"updated_at", s.UpdatedAt, now)
	return err
}

func (g *guard) SetPermissionStates(ctx context.Context, states []PermissionState) error {
	if err := g.writable(); err != nil {
		return err
	}
	if len(states) == 0 {
		return nil
	}
	if len(states) > MaxPermissionBatch {
		return invalid("permission", "more than "+strconv.Itoa(MaxPermissionBatch)+" states in one batch")
	}
	type key struct{ tenant, subject, device, permission string }
	seen := make(map[key]int, len(states))
	own := make([]PermissionState, len(states))
	for i, s := range states {
		if err := s.check(i, g.now); err != nil {
			return err
		}
		k := key{s.Tenant, s.Subject, s.Device, s.Permission}
		if j, dup := seen[k]; dup {
			return invalid("permission["+strconv.Itoa(i)+"]", "same subject, device and permission as permission["+strconv.Itoa(j)+"]")
		}
		seen[k] = i
		own[i] = s
	}
	err := g.tx.SetPermissionStates(ctx, own)
	if err == nil {
		g.mutate("SetPermissionStates")
	}
	return g.leave(err)
}

func (g *guard) ListPermissionStates(ctx context.Context, tenant, subject string) ([]PermissionState, error) {
	if err := g.enter(); err != nil {
		return nil, err
	}
	if err := checkTenantID(tenant, "subject", subject); err != nil {
		return nil, err
	}
	ps, err := g.r.ListPermissionStates(ctx, tenant, subject)
	return ps, g.leave(err)
}
