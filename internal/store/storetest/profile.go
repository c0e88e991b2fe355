package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// testSubjectProfile: a subject's age bracket and region are stored at
// creation and changed with SetSubjectProfile, region in upper case.
func testSubjectProfile(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1")
	var made store.Subject
	write(t, s, func(tx store.Tx) error {
		var err error
		made, err = tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: "kid", AgeFloor: 14, Region: "cn"})
		return err
	})
	want := store.Subject{Tenant: "t1", ID: "kid", Status: store.StatusActive, AgeFloor: 14, Region: "CN",
		CreatedAt: store.Norm(Epoch), UpdatedAt: store.Norm(Epoch)}
	eq(t, "CreateSubject with a profile", made, want)

	later := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		got, err := tx.SetSubjectProfile(ctx, "t1", "kid", 16, "us-ca")
		if err != nil {
			return err
		}
		want.AgeFloor, want.Region, want.UpdatedAt = 16, "US-CA", store.Norm(later)
		eq(t, "SetSubjectProfile", got, want)
		return nil
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.GetSubject(ctx, "t1", "kid")
		eq(t, "GetSubject after SetSubjectProfile", got, want)
		return err
	})

	// Back to unknown; the status is untouched.
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.SetSubjectStatus(ctx, "t1", "kid", store.StatusRestricted); err != nil {
			return err
		}
		got, err := tx.SetSubjectProfile(ctx, "t1", "kid", store.AgeUnknown, "")
		want.AgeFloor, want.Region, want.Status = 0, "", store.StatusRestricted
		eq(t, "SetSubjectProfile(unknown)", got, want)
		return err
	})
	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.SetSubjectProfile(ctx, "t1", "nobody", 18, "DE")
		mustErr(t, err, store.ErrNotFound, "SetSubjectProfile(missing)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every bracket is accepted.
	write(t, s, func(tx store.Tx) error {
		for _, f := range store.AgeFloors {
			got, err := tx.SetSubjectProfile(ctx, "t1", "kid", f, "EU")
			if err != nil {
				return err
			}
			eq(t, "AgeFloor", got.AgeFloor, f)
		}
		return nil
	})
}

func guardianPairs(gs []store.Guardian) string {
	return fmtIDs(gs, func(g store.Guardian) string { return g.Guardian + ">" + g.Minor })
}

// testGuardians: links between minors and guardians, listed from either
// side, refused twice or to a missing subject, and removed.
func testGuardians(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "kid", "kid2", "mom", "dad")
	var made store.Guardian
	write(t, s, func(tx store.Tx) error {
		var err error
		if made, err = tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "mom"}); err != nil {
			return err
		}
		for _, g := range []store.Guardian{{Tenant: "t1", Minor: "kid", Guardian: "dad"}, {Tenant: "t1", Minor: "kid2", Guardian: "mom"}} {
			if _, err := tx.LinkGuardian(ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
	eq(t, "LinkGuardian", made, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "mom", CreatedAt: store.Norm(Epoch)})

	read(t, s, func(r store.Reader) error {
		gs, err := r.ListGuardians(ctx, "t1", "kid")
		if err != nil {
			return err
		}
		eq(t, "ListGuardians(kid)", guardianPairs(gs), "[dad>kid mom>kid]")
		if len(gs) == 2 {
			eq(t, "listed link", gs[1], made)
		}
		ws, err := r.ListWards(ctx, "t1", "mom")
		if err != nil {
			return err
		}
		eq(t, "ListWards(mom)", guardianPairs(ws), "[mom>kid mom>kid2]")
		gs, err = r.ListGuardians(ctx, "t1", "mom")
		eq(t, "ListGuardians(mom)", guardianPairs(gs), "[]")
		return err
	})

	err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "mom"})
		mustErr(t, err, store.ErrConflict, "LinkGuardian(twice)")
		_, err = tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "kid", Guardian: "nobody"})
		mustErr(t, err, store.ErrNotFound, "LinkGuardian(missing guardian)")
		_, err = tx.LinkGuardian(ctx, store.Guardian{Tenant: "t1", Minor: "nobody", Guardian: "mom"})
		mustErr(t, err, store.ErrNotFound, "LinkGuardian(missing minor)")
		mustErr(t, tx.UnlinkGuardian(ctx, "t1", "kid2", "dad"), store.ErrNotFound, "UnlinkGuardian(not linked)")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	write(t, s, func(tx store.Tx) error { return tx.UnlinkGuardian(ctx, "t1", "kid", "dad") })
	read(t, s, func(r store.Reader) error {
		gs, err := r.ListGuardians(ctx, "t1", "kid")
		eq(t, "ListGuardians after unlink", guardianPairs(gs), "[mom>kid]")
		return err
	})
}

func permissionStates(ps []store.PermissionState) string {
	return fmtIDs(ps, func(p store.PermissionState) string {
		v := "off"
		if p.Granted {
			v = "on"
		}
		return p.Device + "/" + p.Permission + "=" + v
	})
}

// testPermissionStates: states are upserted per subject, device and
// permission; a late report does not undo a newer one; a batch is stored
// all or none.
func testPermissionStates(t *testing.T, s store.Store, clk *clock.Fake) {
	ctx := context.Background()
	seed(t, s, "t1", "alice", "bob")
	const camera, mic = "android.permission.CAMERA", "android.permission.RECORD_AUDIO"
	write(t, s, func(tx store.Tx) error {
		return tx.SetPermissionStates(ctx, []store.PermissionState{
			{Tenant: "t1", Subject: "alice", Device: "d2", Permission: camera, Granted: true},
			{Tenant: "t1", Subject: "alice", Device: "d1", Permission: mic},
			{Tenant: "t1", Subject: "alice", Device: "d1", Permission: camera, Granted: true},
		})
	})
	list := func(subject string) []store.PermissionState {
		var ps []store.PermissionState
		read(t, s, func(r store.Reader) error {
			var err error
			ps, err = r.ListPermissionStates(ctx, "t1", subject)
			return err
		})
		return ps
	}
	ps := list("alice")
	eq(t, "ListPermissionStates", permissionStates(ps), "[d1/"+camera+"=on d1/"+mic+"=off d2/"+camera+"=on]")
	if len(ps) > 0 {
		eq(t, "state", ps[0], store.PermissionState{Tenant: "t1", Subject: "alice", Device: "d1", Permission: camera,
			Granted: true, UpdatedAt: store.Norm(Epoch)})
	}
	eq(t, "ListPermissionStates(bob)", len(list("bob")), 0)

	// Upsert: the camera is turned off an hour later.
	later := clk.Advance(time.Hour)
	write(t, s, func(tx store.Tx) error {
		return tx.SetPermissionStates(ctx, []store.PermissionState{{Tenant: "t1", Subject: "alice", Device: "d1", Permission: camera}})
	})
	ps = list("alice")
	eq(t, "after upsert", permissionStates(ps), "[d1/"+camera+"=off d1/"+mic+"=off d2/"+camera+"=on]")
	if len(ps) > 0 {
		eq(t, "UpdatedAt after upsert", ps[0].UpdatedAt, store.Norm(later))
	}

	// A report observed before the stored state arrives late: ignored.
	write(t, s, func(tx store.Tx) error {
		return tx.SetPermissionStates(ctx, []store.PermissionState{{Tenant: "t1", Subject: "alice", Device: "d1",
			Permission: camera, Granted: true, UpdatedAt: later.Add(-time.Minute)}})
	})
	ps = list("alice")
	eq(t, "after a late report", permissionStates(ps), "[d1/"+camera+"=off d1/"+mic+"=off d2/"+camera+"=on]")

	// All or none: a batch naming a missing subject stores nothing.
	err := s.Write(ctx, func(tx store.Tx) error {
		err := tx.SetPermissionStates(ctx, []store.PermissionState{
			{Tenant: "t1", Subject: "bob", Device: "d9", Permission: camera, Granted: true},
			{Tenant: "t1", Subject: "alice", Device: "d1", Permission: mic, Granted: true},
			{Tenant: "t1", Subject: "nobody", Device: "d9", Permission: camera, Granted: true},
		})
		mustErr(t, err, store.ErrNotFound, "SetPermissionStates(missing subject)")
		ps, err := tx.ListPermissionStates(ctx, "t1", "bob")
		eq(t, "bob's states after a failed batch", len(ps), 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "alice's states after a failed batch", permissionStates(list("alice")), "[d1/"+camera+"=off d1/"+mic+"=off d2/"+camera+"=on]")

	// An empty batch changes nothing and needs no audit entry.
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.SetPermissionStates(ctx, nil) }); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
}
