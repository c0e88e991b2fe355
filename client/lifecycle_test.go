package client

import (
	"context"
	"errors"
	"testing"
)

func TestLifecycleRoutes(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	f.on("PUT /v1/subjects/{subject}/devices/{device}/binding", 200, map[string]any{"device": "cam 1", "bound": true, "at": "2025-01-02T03:04:05Z"})
	f.on("DELETE /v1/subjects/{subject}/devices/{device}/binding", 200, map[string]any{"device": "cam 1", "bound": false, "deleted": 3, "kept": 1, "holds": []string{"h1"}})
	f.on("POST /v1/subjects/{subject}/ban", 200, map[string]any{"id": "u1", "status": "banned"})
	f.on("POST /v1/subjects/{subject}/unban", 200, map[string]any{"id": "u1", "status": "active"})
	f.on("POST /v1/subjects/{subject}/minor-discovered", 200, map[string]any{"subject": map[string]any{"id": "u1", "status": "erased"}, "action": "erased", "minimum_age": 18, "records": 2})

	if b, err := c.BindDevice(ctx, "u1", "cam 1"); err != nil || !b.Bound || b.At.IsZero() {
		t.Errorf("BindDevice = %+v, %v", b, err)
	}
	if got := f.last.URL.EscapedPath(); got != "/v1/subjects/u1/devices/cam%201/binding" {
		t.Errorf("BindDevice path = %s", got)
	}
	if u, err := c.UnbindDevice(ctx, "u1", "cam 1"); err != nil || u.Bound || u.Deleted != 3 || u.Kept != 1 || u.Holds[0] != "h1" {
		t.Errorf("UnbindDevice = %+v, %v", u, err)
	}
	if s, err := c.BanSubject(ctx, "u1", BanFraud); err != nil || s.Status != "banned" {
		t.Errorf("BanSubject = %+v, %v", s, err)
	}
	var ban map[string]string
	f.decodeBody(&ban)
	if ban["reason"] != "fraud" {
		t.Errorf("BanSubject sent %v", ban)
	}
	if s, err := c.UnbanSubject(ctx, "u1"); err != nil || s.Status != "active" {
		t.Errorf("UnbanSubject = %+v, %v", s, err)
	}
	o, err := c.MinorDiscovered(ctx, "u1", 16)
	if err != nil || o.Action != "erased" || o.Subject.Status != "erased" || o.MinimumAge != 18 || o.Records != 2 {
		t.Errorf("MinorDiscovered = %+v, %v", o, err)
	}
	var minor map[string]int
	f.decodeBody(&minor)
	if minor["age_floor"] != 16 {
		t.Errorf("MinorDiscovered sent %v", minor)
	}

	f2, c2 := newFake(t)
	f2.on("DELETE /v1/subjects/{subject}/devices/{device}/binding", 404, &Problem{Status: 404, Code: "not_bound", Field: "path.device"})
	_, err = c2.UnbindDevice(ctx, "u1", "never")
	var p *Problem
	if !errors.As(err, &p) || p.Code != "not_bound" {
		t.Errorf("UnbindDevice of an unbound device: %v", err)
	}
}
