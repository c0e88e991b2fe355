package consent

import (
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

func TestChangeOf(t *testing.T) {
	cases := []struct {
		e    audit.Entry
		want Change
		ok   bool
	}{
		{audit.Entry{Tenant: "t", Action: "consent.grant", Subject: "s"}, Change{Tenant: "t", Subject: "s", Kind: ChangeSubject}, true},
		{audit.Entry{Tenant: "t", Action: "subject.status", Subject: "s"}, Change{Tenant: "t", Subject: "s", Kind: ChangeSubject}, true},
		{audit.Entry{Tenant: "t", Action: "permission.set", Subject: "s"}, Change{Tenant: "t", Subject: "s", Kind: ChangeSubject}, true},
		{audit.Entry{Tenant: "t", Action: "guardian.link", Subject: "s"}, Change{Tenant: "t", Subject: "s", Kind: ChangeSubject}, true},
		{audit.Entry{Tenant: "t", Action: "subject.bulk"}, Change{Tenant: "t", Kind: ChangeSubject}, true},
		{audit.Entry{Tenant: "t", Action: "declaration.activate"}, Change{Tenant: "t", Kind: ChangeTenant}, true},
		{audit.Entry{Tenant: "t", Action: "declaration.upload"}, Change{}, false},
		{audit.Entry{Tenant: "t", Action: "record.create", Subject: "s"}, Change{}, false},
		{audit.Entry{Tenant: "t", Action: "record.read", Subject: "s"}, Change{}, false},
		{audit.Entry{Action: "key.rotate_root"}, Change{}, false},
	}
	for _, c := range cases {
		got, ok := ChangeOf(c.e)
		if got != c.want || ok != c.ok {
			t.Errorf("ChangeOf(%s) = %+v, %t; want %+v, %t", c.e.Action, got, ok, c.want, c.ok)
		}
	}
}

// TestConsentsOfGPC checks how GPC withdrawals enter the subject state:
// they set the opt-out and leave the purpose's own consent as it was, and
// a later own event for the purpose ends the opt-out.
func TestConsentsOfGPC(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(purpose string, a store.ConsentAction, channel string) store.ConsentEvent {
		return store.ConsentEvent{Purpose: purpose, Action: a, Channel: channel, Kind: store.ConsentOrdinary, DeclarationVersion: "1", At: at}
	}
	fold := func(evs ...store.ConsentEvent) (map[string]ConsentState, bool) {
		last := map[string]purposeEvents{}
		for _, e := range evs {
			pe := last[e.Purpose]
			pe.last = e
			if !isGPC(e) {
				pe.lastOwn, pe.hasOwn = e, true
			}
			last[e.Purpose] = pe
		}
		return consentsOf(last)
	}
	cs, gpc := fold(ev("ads", store.ConsentGrant, "app"), ev("ads", store.ConsentWithdraw, ChannelGPC))
	if !gpc || !cs["ads"].Granted {
		t.Errorf("grant then GPC: %+v gpc=%t; want the grant kept and the opt-out set", cs, gpc)
	}
	cs, gpc = fold(ev("ads", store.ConsentGrant, "app"), ev("ads", store.ConsentWithdraw, ChannelGPC), ev("ads", store.ConsentGrant, "web"))
	if gpc || !cs["ads"].Granted {
		t.Errorf("a grant after GPC: %+v gpc=%t; want opted back in", cs, gpc)
	}
	cs, gpc = fold(ev("ads", store.ConsentWithdraw, ChannelGPC))
	if !gpc || len(cs) != 0 {
		t.Errorf("GPC only: %+v gpc=%t", cs, gpc)
	}
	cs, gpc = fold(ev("nearby", store.ConsentGrant, "app"), ev("nearby", store.ConsentWithdraw, "app"))
	if gpc || cs["nearby"].Granted {
		t.Errorf("own withdrawal: %+v gpc=%t", cs, gpc)
	}
}
