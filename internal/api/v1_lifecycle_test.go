package api

import (
	"net/http"
	"strings"
	"testing"
)

// wantProblem fails unless res is a problem of status, code and field.
func (h *harness) wantProblem(res response, status int, code, field string) {
	h.t.Helper()
	p := h.problem(res)
	if res.status != status || (code != "" && p.Code != code) || (field != "" && p.Field != field) {
		h.t.Fatalf("got %d %s, want %d %s at %s", res.status, res.body, status, code, field)
	}
}

func TestDeviceBindingAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		var b BindingOut
		h.decode(h.must(http.StatusOK, "PUT", "/v1/subjects/u1/devices/cam-a/binding", h.admin, nil), &b)
		if !b.Bound || b.Device != "cam-a" || b.At.IsZero() {
			t.Fatalf("bind = %+v", b)
		}
		h.must(http.StatusOK, "PUT", "/v1/subjects/u1/devices/cam-b/binding", h.admin, nil)
		h.wantProblem(h.do("PUT", "/v1/subjects/u1/devices/cam-c/binding", h.collect, nil), http.StatusForbidden, "forbidden", "")

		h.must(http.StatusCreated, "POST", "/v1/subjects/u1/records", h.collect, batch(
			rec("email", "account", "a1@example.com", "device", "cam-a"),
			rec("email", "account", "a2@example.com", "device", "cam-b"),
			rec("email", "account", "a3@example.com", "device", "cam-a"),
			rec("email", "account", "a4@example.com")))
		h.must(http.StatusCreated, "POST", "/v1/subjects/u2/records", h.collect, batch(rec("email", "account", "b1@example.com", "device", "cam-a")))

		var u UnbindingOut
		h.decode(h.must(http.StatusOK, "DELETE", "/v1/subjects/u1/devices/cam-a/binding", h.admin, nil), &u)
		if u.Bound || u.Deleted != 2 || u.Kept != 0 {
			t.Fatalf("unbind = %+v", u)
		}
		if n := h.records("t1", "u1"); n != 2 {
			t.Fatalf("u1 has %d records left, want 2", n)
		}
		if n := h.records("t1", "u2"); n != 1 {
			t.Fatalf("u2 has %d records, want 1", n)
		}
		if a := h.lastAudit(); a.Action != "record.delete" || a.Details["count"] != "2" || a.Details["reason"] != "device_unbound" {
			t.Fatalf("last audit entry = %+v", a)
		}
		if j := h.auditJSON(); strings.Contains(j, "@example.com") {
			t.Fatal("the audit log holds a value")
		}
		h.wantProblem(h.do("DELETE", "/v1/subjects/u1/devices/never/binding", h.admin, nil), http.StatusNotFound, "not_bound", "path.device")
		h.wantProblem(h.do("DELETE", "/v1/subjects/nobody/devices/cam-a/binding", h.admin, nil), http.StatusNotFound, "not_found", "path.subject")
		// The other tenant sees none of it.
		h.wantProblem(h.do("DELETE", "/v1/subjects/u1/devices/cam-b/binding", h.other, nil), http.StatusNotFound, "not_found", "path.subject")
		if n := h.records("t1", "u1"); n != 2 {
			t.Fatalf("u1 has %d records after t2's call, want 2", n)
		}
		if strings.Contains(h.logs.String(), "@example.com") {
			t.Fatal("the server log holds a value")
		}
	})
}

func TestBanAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		h.must(http.StatusCreated, "POST", "/v1/subjects/u1/records", h.collect, batch(rec("email", "account", "a@example.com")))
		res := h.do("POST", "/v1/subjects/u1/ban", h.admin, map[string]any{"reason": "he was rude"})
		if p := h.problem(res); res.status != http.StatusUnprocessableEntity || !strings.Contains(p.Field+res.String(), "body.reason") {
			t.Fatalf("free-text reason: %d %s", res.status, res.body)
		}
		h.wantProblem(h.do("POST", "/v1/subjects/u1/ban", h.collect, map[string]any{"reason": "fraud"}), http.StatusForbidden, "forbidden", "")
		var s SubjectOut
		h.decode(h.must(http.StatusOK, "POST", "/v1/subjects/u1/ban", h.admin, map[string]any{"reason": "fraud"}), &s)
		if s.Status != "banned" {
			t.Fatalf("ban = %+v", s)
		}
		if a := h.lastAudit(); a.Action != "subject.ban" || a.Details["reason"] != "fraud" {
			t.Fatalf("last audit entry = %+v", a)
		}
		h.wantProblem(h.do("POST", "/v1/subjects/u1/records", h.collect, batch(rec("email", "account", "b@example.com"))),
			http.StatusForbidden, "subject_banned", "body.records[0]")
		h.wantProblem(h.do("POST", "/v1/subjects/u1/ban", h.admin, map[string]any{"reason": "fraud"}), http.StatusConflict, "subject_banned", "path.subject")
		h.wantProblem(h.do("PUT", "/v1/subjects/u1/devices/cam/binding", h.admin, nil), http.StatusConflict, "subject_banned", "path.subject")
		if n := h.records("t1", "u1"); n != 1 {
			t.Fatalf("the ban deleted data: %d records", n)
		}
		// Reads for the service stop; the subject's own request still reads.
		h.wantProblem(h.do("GET", "/v1/subjects/u1/records?reason=service", h.collect, nil), http.StatusForbidden, "subject_banned", "query.reason")
		h.must(http.StatusOK, "GET", "/v1/subjects/u1/records?reason=rights_request", h.collect, nil)
		h.decode(h.must(http.StatusOK, "POST", "/v1/subjects/u1/unban", h.admin, nil), &s)
		if s.Status != "active" {
			t.Fatalf("unban = %+v", s)
		}
		h.must(http.StatusCreated, "POST", "/v1/subjects/u1/records", h.collect, batch(rec("email", "account", "c@example.com")))
		h.wantProblem(h.do("POST", "/v1/subjects/u1/unban", h.admin, nil), http.StatusConflict, "not_banned", "path.subject")
		h.wantProblem(h.do("POST", "/v1/subjects/nobody/ban", h.admin, map[string]any{"reason": "fraud"}), http.StatusNotFound, "not_found", "path.subject")
	})
}

func TestMinorDiscoveredAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		// rich.yaml: minimum age 13, guardian consent below 14, delete.
		h.must(http.StatusCreated, "POST", "/v1/subjects/kid/guardians", h.admin, map[string]any{"guardian": "mum"})
		h.must(http.StatusOK, "PUT", "/v1/subjects/kid", h.admin, map[string]any{"age_floor": 13})
		h.grant("kid", "nearby", "guardian", "guardian", "mum")
		h.must(http.StatusCreated, "POST", "/v1/subjects/kid/records", h.collect, batch(rec("email", "account", "kid@example.com")))
		h.must(http.StatusCreated, "POST", "/v1/subjects/lone/records", h.collect, batch(rec("email", "account", "lone@example.com")))
		var o MinorOut
		h.decode(h.must(http.StatusOK, "POST", "/v1/subjects/kid/minor-discovered", h.admin, map[string]any{}), &o)
		if o.Action != "kept" || !o.GuardianConsent || o.Subject.Status != "active" || h.records("t1", "kid") != 1 {
			t.Fatalf("with guardian consent: %+v", o)
		}
		h.decode(h.must(http.StatusOK, "POST", "/v1/subjects/lone/minor-discovered", h.admin, map[string]any{"age_floor": 13}), &o)
		if o.Action != "deleted" || o.Records != 1 || o.Subject.Status != "active" || o.Subject.AgeFloor != 13 || h.records("t1", "lone") != 0 {
			t.Fatalf("without guardian consent: %+v", o)
		}

		// An adults-only version (seed 003): minimum age 18, delete and block.
		y := edit(t, richYAML(t), `version: "1.0"`, `version: "3.0"`)
		y = edit(t, y, "  minimum_age: 13\n  guardian_consent_below: 14\n  on_discovery: delete\n",
			"  minimum_age: 18\n  guardian_consent_below: 0\n  on_discovery: delete_and_block\n")
		var d DeclarationOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/declarations", h.admin, map[string]any{"source": y}), &d)
		h.must(http.StatusOK, "POST", "/v1/declarations/2/activate", h.admin, nil)
		h.must(http.StatusCreated, "POST", "/v1/subjects/teen/records", h.collect, batch(rec("email", "account", "teen@example.com")))
		h.wantProblem(h.do("POST", "/v1/subjects/teen/minor-discovered", h.admin, map[string]any{"age_floor": 17}), http.StatusUnprocessableEntity, "", "")
		h.decode(h.must(http.StatusOK, "POST", "/v1/subjects/teen/minor-discovered", h.admin, map[string]any{"age_floor": 16}), &o)
		if o.Action != "erased" || o.MinimumAge != 18 || o.Subject.Status != "erased" || h.records("t1", "teen") != 0 {
			t.Fatalf("adults-only: %+v", o)
		}
		h.wantProblem(h.do("POST", "/v1/subjects/teen/records", h.collect, batch(rec("email", "account", "teen2@example.com"))),
			http.StatusForbidden, "subject_erased", "")
		h.wantProblem(h.do("POST", "/v1/subjects/teen/minor-discovered", h.admin, map[string]any{}), http.StatusForbidden, "subject_erased", "path.subject")
		// A new subject of 16 is refused at the gate.
		h.must(http.StatusOK, "PUT", "/v1/subjects/young", h.admin, map[string]any{"age_floor": 16})
		h.wantProblem(h.do("POST", "/v1/subjects/young/records", h.collect, batch(rec("email", "account", "y@example.com"))),
			http.StatusForbidden, "under_minimum_age", "")
		if j := h.auditJSON(); strings.Contains(j, "@example.com") {
			t.Fatal("the audit log holds a value")
		}
	})
}
