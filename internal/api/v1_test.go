package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/store"
)

// TestV1Refusals sends, for every refusal reason of the gate, a batch that
// the reason refuses, and checks the problem (403, code = the reason, field
// = the record, rule = the law) and that nothing was stored: no record and
// no audit entry.
//
// no_legal_basis has no HTTP case: lint refuses a declaration with a
// purpose lacking a basis, so no active declaration can give it; the
// engine's tests cover it (internal/consent TestDecide "no GDPR basis").
func TestV1Refusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		status := func(subject string, s store.SubjectStatus) func() {
			return func() {
				h.must(http.StatusOK, "PUT", "/v1/subjects/"+subject, h.admin, map[string]any{})
				if _, err := h.v.SetSubjectStatus(ctx, "test", "t1", subject, s); err != nil {
					t.Fatal(err)
				}
			}
		}
		cases := []struct {
			name    string
			subject string
			setup   func()
			records []map[string]any
			gpc     bool
			reason  consent.Reason
			index   int
		}{
			{name: "field not declared", subject: "r-field", records: []map[string]any{rec("shoe_size", "account", "42")}, reason: consent.ReasonFieldNotDeclared},
			{name: "purpose not declared", subject: "r-purpose", records: []map[string]any{rec("email", "marketing", "a@example.com")}, reason: consent.ReasonPurposeNotDeclared},
			{name: "field not for purpose", subject: "r-fnp", records: []map[string]any{rec("gps", "account", "1,2")}, reason: consent.ReasonFieldNotForPurpose},
			{name: "no consent", subject: "r-noconsent", records: []map[string]any{rec("gps", "nearby", "1,2")}, reason: consent.ReasonNoConsent},
			{name: "no separate consent", subject: "r-nosep", records: []map[string]any{rec("face_template", "face_login", "tmpl")}, reason: consent.ReasonNoSeparateConsent},
			{name: "no separate consent for a transfer", subject: "r-transfer-consent",
				records: []map[string]any{rec("email", "account", "a@example.com", "region", "EU")}, reason: consent.ReasonNoSeparateConsent},
			{name: "no guardian consent", subject: "r-minor", setup: func() {
				h.must(http.StatusOK, "PUT", "/v1/subjects/r-minor", h.admin, map[string]any{"age_floor": 13})
			}, records: []map[string]any{rec("gps", "nearby", "1,2")}, reason: consent.ReasonNoGuardianConsent},
			{name: "consent withdrawn", subject: "r-withdrawn", setup: func() {
				h.grant("r-withdrawn", "nearby", "consent")
				h.must(http.StatusCreated, "POST", "/v1/subjects/r-withdrawn/consents", h.admin, map[string]any{"purpose": "nearby", "action": "withdraw", "channel": "app"})
			}, records: []map[string]any{rec("gps", "nearby", "1,2")}, reason: consent.ReasonConsentWithdrawn},
			{name: "permission off", subject: "r-perm", setup: func() {
				h.grant("r-perm", "nearby", "consent")
				h.must(http.StatusOK, "PUT", "/v1/subjects/r-perm/devices/d1/permissions", h.admin, map[string]any{"permissions": map[string]bool{"location": false}})
			}, records: []map[string]any{rec("gps", "nearby", "1,2", "device", "d1")}, reason: consent.ReasonPermissionOff},
			{name: "permission never reported", subject: "r-perm2", setup: func() {
				h.grant("r-perm2", "nearby", "consent")
			}, records: []map[string]any{rec("gps", "nearby", "1,2", "device", "d9")}, reason: consent.ReasonPermissionOff},
			{name: "under minimum age", subject: "r-child", setup: func() {
				h.must(http.StatusOK, "PUT", "/v1/subjects/r-child", h.admin, map[string]any{"age_floor": 1})
			}, records: []map[string]any{rec("email", "account", "a@example.com")}, reason: consent.ReasonUnderMinimumAge},
			{name: "restricted", subject: "r-restricted", setup: status("r-restricted", store.StatusRestricted),
				records: []map[string]any{rec("email", "account", "a@example.com")}, reason: consent.ReasonSubjectRestricted},
			{name: "banned", subject: "r-banned", setup: status("r-banned", store.StatusBanned),
				records: []map[string]any{rec("email", "account", "a@example.com")}, reason: consent.ReasonSubjectBanned},
			{name: "cancelled", subject: "r-cancelled", setup: status("r-cancelled", store.StatusCancelled),
				records: []map[string]any{rec("email", "account", "a@example.com")}, reason: consent.ReasonSubjectCancelled},
			{name: "erased", subject: "r-erased", setup: func() {
				h.must(http.StatusOK, "PUT", "/v1/subjects/r-erased", h.admin, map[string]any{})
				if _, err := h.v.Shred(ctx, "test", "t1", "r-erased"); err != nil {
					t.Fatal(err)
				}
			}, records: []map[string]any{rec("email", "account", "a@example.com")}, reason: consent.ReasonSubjectErased},
			{name: "region not declared", subject: "r-region", records: []map[string]any{rec("email", "account", "a@example.com", "region", "JP")}, reason: consent.ReasonRegionNotDeclared},
			{name: "transfer not declared", subject: "r-transfer", records: []map[string]any{rec("imei", "account", "352099001761481", "region", "EU")}, reason: consent.ReasonTransferNotDeclared},
			{name: "GPC", subject: "r-gpc", setup: func() {
				h.grant("r-gpc", "ads", "consent")
				// The first signal records the opt-out; the refused request
				// below then writes nothing.
				h.must(http.StatusOK, "GET", "/v1/decisions?subject=r-gpc&field=email&purpose=ads", h.admin, nil, "Sec-GPC", "1")
			}, records: []map[string]any{rec("email", "ads", "a@example.com")}, gpc: true, reason: consent.ReasonGPCOptOut},
			{name: "GPC recorded", subject: "r-gpc2", setup: func() {
				h.grant("r-gpc2", "ads", "consent")
				h.must(http.StatusOK, "PUT", "/v1/subjects/r-gpc2", h.admin, map[string]any{}, "Sec-GPC", "1")
			}, records: []map[string]any{rec("email", "ads", "a@example.com")}, reason: consent.ReasonGPCOptOut},
			{name: "one refusal refuses the batch", subject: "r-batch", records: []map[string]any{
				rec("email", "account", "a@example.com"), rec("imei", "account", "352099001761481"), rec("gps", "nearby", "1,2"), rec("email", "account", "b@example.com"),
			}, reason: consent.ReasonNoConsent, index: 2},
		}
		seen := map[consent.Reason]bool{}
		for _, c := range cases {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				if c.setup != nil {
					c.setup()
				}
				recs, size := h.records("t1", ""), h.auditSize()
				var hdr []string
				if c.gpc {
					hdr = []string{"Sec-GPC", "1"}
				}
				res := h.do("POST", "/v1/subjects/"+c.subject+"/records", h.collect, batch(c.records...), hdr...)
				if res.status != http.StatusForbidden {
					t.Fatalf("status %d %s, want 403", res.status, res.body)
				}
				p := h.problem(res)
				if p.Code != string(c.reason) {
					t.Errorf("code %q, want %q (%s)", p.Code, c.reason, p.Detail)
				}
				if want := "body.records[" + strconv.Itoa(c.index) + "]"; p.Field != want {
					t.Errorf("field %q, want %q", p.Field, want)
				}
				if p.Rule == "" {
					t.Errorf("no rule: %+v", p)
				}
				if got := h.records("t1", ""); got != recs {
					t.Errorf("records %d after a refused batch, want %d", got, recs)
				}
				if got := h.auditSize(); got != size {
					t.Errorf("audit size %d after a refused batch, want %d", got, size)
				}
				seen[c.reason] = true
			})
		}
		for _, r := range consent.Reasons() {
			if r != consent.ReasonOK && r != consent.ReasonNoLegalBasis && r != consent.ReasonNoDeclaration && r != consent.ReasonReconsentRequired && !seen[r] {
				t.Errorf("reason %s has no HTTP test", r)
			}
		}
		// no_declaration and reconsent_required: TestV1Declarations.
	})
}

// TestV1Collect covers accepted batches: stored encrypted, hashed where
// declared, read back with a reason, audited.
func TestV1Collect(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		h.grant("alice", "nearby", "consent")
		h.must(http.StatusOK, "PUT", "/v1/subjects/alice/devices/phone-1/permissions", h.admin, map[string]any{"permissions": map[string]bool{"location": true}})
		var out struct{ IDs []string }
		h.decode(h.must(http.StatusCreated, "POST", "/v1/subjects/alice/records", h.collect, batch(
			rec("email", "account", "Alice@Example.com"),
			rec("gps", "nearby", "31.2,121.5", "device", "phone-1"),
			rec("imei", "account", "35-209900-176148-1"),
		)), &out)
		if len(out.IDs) != 3 {
			t.Fatalf("ids %v", out.IDs)
		}
		// Guardian consent for a minor.
		h.must(http.StatusOK, "PUT", "/v1/subjects/kid", h.admin, map[string]any{"age_floor": 13})
		h.must(http.StatusCreated, "POST", "/v1/subjects/kid/guardians", h.admin, map[string]any{"guardian": "mum"})
		res := h.do("POST", "/v1/subjects/kid/consents", h.admin, map[string]any{"purpose": "nearby", "action": "grant", "kind": "consent", "channel": "app"})
		if p := h.problem(res); res.status != http.StatusBadRequest || p.Code != "consent_too_weak" || p.Field != "body.kind" {
			t.Errorf("a minor's own consent: %d %s", res.status, res.body)
		}
		res = h.do("POST", "/v1/subjects/kid/consents", h.admin, map[string]any{"purpose": "nearby", "action": "grant", "kind": "guardian", "channel": "app", "guardian": "stranger"})
		if p := h.problem(res); p.Code != "guardian_not_linked" {
			t.Errorf("an unlinked guardian: %d %s", res.status, res.body)
		}
		h.grant("kid", "nearby", "guardian", "guardian", "mum")
		h.must(http.StatusCreated, "POST", "/v1/subjects/kid/records", h.collect, batch(rec("gps", "nearby", "1,2")))

		// Reads need a reason and are audited.
		res = h.do("GET", "/v1/subjects/alice/records", h.collect, nil)
		if p := h.problem(res); p.Field != "query.reason" {
			t.Errorf("read without a reason: %d %s", res.status, res.body)
		}
		size := h.auditSize()
		var page struct {
			Records []RecordOut
			Next    string
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/subjects/alice/records?reason=service", h.collect, nil), &page)
		if len(page.Records) != 3 || page.Records[0].Value != "Alice@Example.com" || page.Records[1].Value != "31.2,121.5" {
			t.Fatalf("records %+v", page.Records)
		}
		if imei := page.Records[2].Value; !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(imei) {
			t.Errorf("imei stored as %q, want its keyed hash", imei)
		}
		if h.auditSize() != size+1 {
			t.Errorf("a read added %d audit entries, want 1", h.auditSize()-size)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/subjects/alice/records?reason=service&field=gps&limit=2", h.collect, nil), &page)
		if len(page.Records) != 1 || page.Records[0].Field != "gps" || page.Next == "" {
			t.Errorf("field filter: %+v next %q", page.Records, page.Next)
		}
		// The same identifier written differently hashes the same.
		h.decode(h.must(http.StatusCreated, "POST", "/v1/subjects/alice/records", h.collect, batch(rec("imei", "account", "352099001761481"))), &out)
		var all struct{ Records []RecordOut }
		h.decode(h.must(http.StatusOK, "GET", "/v1/subjects/alice/records?reason=service&field=imei", h.collect, nil), &all)
		if len(all.Records) != 2 || all.Records[0].Value != all.Records[1].Value {
			t.Errorf("imei hashes %+v", all.Records)
		}

		// Restriction: reads only for the subject's request or the law.
		if _, err := h.v.SetSubjectStatus(context.Background(), "test", "t1", "alice", store.StatusRestricted); err != nil {
			t.Fatal(err)
		}
		res = h.do("GET", "/v1/subjects/alice/records?reason=service", h.collect, nil)
		if p := h.problem(res); res.status != http.StatusForbidden || p.Code != "subject_restricted" || p.Rule == "" {
			t.Errorf("restricted read: %d %s", res.status, res.body)
		}
		h.must(http.StatusOK, "GET", "/v1/subjects/alice/records?reason=rights_request", h.collect, nil)
		h.must(http.StatusOK, "GET", "/v1/subjects/alice/records?reason=legal_obligation", h.collect, nil)

		// Decisions.
		var d DecisionOut
		h.decode(h.must(http.StatusOK, "GET", "/v1/decisions?subject=bob&field=gps&purpose=nearby", h.collect, nil), &d)
		if d.Allowed || d.Reason != "no_consent" || d.Law == "" {
			t.Errorf("decision %+v", d)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/decisions?subject=bob&field=email&purpose=account", h.collect, nil), &d)
		if !d.Allowed || d.Reason != "ok" {
			t.Errorf("decision %+v", d)
		}
		_, metrics := get(t, h.h, "/metrics")
		for _, want := range []string{`trustee_decisions_total{reason="ok"}`, `trustee_collect_refusals_total{reason="no_consent"} 0`,
			`trustee_http_requests_total{code="201",route="POST /v1/subjects/{subject}/records"}`} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// TestV1Auth checks authentication, scopes and tenant isolation.
func TestV1Auth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		cases := []struct {
			name, method, path, token string
			body                      any
			status                    int
			code                      string
		}{
			{"no token", "GET", "/v1/declarations", "", nil, 401, "unauthenticated"},
			{"bad token", "GET", "/v1/declarations", "trk_nope_secret", nil, 401, "unauthenticated"},
			{"wrong secret", "GET", "/v1/declarations", h.admin + "x", nil, 401, "unauthenticated"},
			{"wrong scope", "POST", "/v1/declarations", h.collect, map[string]any{"source": "x"}, 403, "forbidden"},
			{"wrong scope for consent", "PUT", "/v1/subjects/s", h.collect, map[string]any{}, 403, "forbidden"},
			{"other tenant", "GET", "/v1/tenants/t2", h.admin, nil, 404, "not_found"},
			{"other tenant's keys", "POST", "/v1/tenants/t2/keys", h.admin, map[string]any{"name": "x", "scopes": []string{"admin"}}, 404, "not_found"},
			{"tenant key creates tenants", "POST", "/v1/tenants", h.admin, map[string]any{"id": "t9", "name": "x", "kind": "controller"}, 403, "forbidden"},
			{"operator key on tenant data", "GET", "/v1/declarations", h.operator, nil, 403, "forbidden"},
			{"unknown tenant", "GET", "/v1/tenants/nobody", h.operator, nil, 404, "not_found"},
		}
		for _, c := range cases {
			res := h.do(c.method, c.path, c.token, c.body)
			if res.status != c.status {
				t.Errorf("%s: %s %s = %d %s, want %d", c.name, c.method, c.path, res.status, res.body, c.status)
				continue
			}
			if p := h.problem(res); p.Code != c.code {
				t.Errorf("%s: code %q, want %q", c.name, p.Code, c.code)
			}
		}
		h.must(http.StatusOK, "GET", "/v1/tenants/t1", h.admin, nil)
		h.must(http.StatusOK, "GET", "/v1/tenants/t2", h.operator, nil)

		// Tenant isolation of data: t2 sees none of t1's subjects.
		h.must(http.StatusCreated, "POST", "/v1/subjects/shared-id/records", h.admin, batch(rec("email", "account", "a@example.com")))
		var page struct{ Records []RecordOut }
		res := h.do("GET", "/v1/subjects/shared-id/records?reason=service", h.other, nil)
		if res.status != http.StatusNotFound {
			h.decode(res, &page)
			if len(page.Records) != 0 {
				t.Errorf("t2 reads t1's records: %s", res.body)
			}
		}

		// Keys: listed without secrets, revoked at once.
		var k KeyOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/tenants/t1/keys", h.admin, map[string]any{"name": "ci", "scopes": []string{"collect"}}), &k)
		if !strings.HasPrefix(k.Token, "trk_"+k.ID+"_") {
			t.Fatalf("token %q for key %q", k.Token, k.ID)
		}
		h.must(http.StatusOK, "GET", "/v1/declarations/active", k.Token, nil)
		var keys struct{ Keys []KeyOut }
		h.decode(h.must(http.StatusOK, "GET", "/v1/tenants/t1/keys", h.admin, nil), &keys)
		if len(keys.Keys) != 3 || slices.ContainsFunc(keys.Keys, func(k KeyOut) bool { return k.Token != "" }) {
			t.Errorf("keys %+v", keys.Keys)
		}
		h.must(http.StatusNoContent, "DELETE", "/v1/tenants/t1/keys/"+k.ID, h.admin, nil)
		if res := h.do("GET", "/v1/declarations/active", k.Token, nil); res.status != http.StatusUnauthorized {
			t.Errorf("revoked key: %d", res.status)
		}
		h.must(http.StatusNotFound, "DELETE", "/v1/tenants/t2/keys/"+k.ID, h.operator, nil)

		// Processor links: the operator or the controller's admin.
		h.must(http.StatusCreated, "POST", "/v1/tenants", h.operator, map[string]any{"id": "sdk", "name": "SDK Vendor", "kind": "processor"})
		h.must(http.StatusCreated, "POST", "/v1/tenants/sdk/controllers", h.admin, map[string]any{"controller": "t1"})
		h.must(http.StatusForbidden, "POST", "/v1/tenants/sdk/controllers", h.admin, map[string]any{"controller": "t2"})
		h.must(http.StatusCreated, "POST", "/v1/tenants/sdk/controllers", h.operator, map[string]any{"controller": "t2"})
		h.must(http.StatusConflict, "POST", "/v1/tenants/sdk/controllers", h.operator, map[string]any{"controller": "t2"})
		if p := h.problem(h.must(http.StatusBadRequest, "POST", "/v1/tenants/t1/controllers", h.operator, map[string]any{"controller": "t2"})); p.Code != "invalid_input" {
			t.Errorf("a controller as processor: %+v", p)
		}
		h.must(http.StatusConflict, "POST", "/v1/tenants", h.operator, map[string]any{"id": "t1", "name": "again", "kind": "controller"})
	})
}

// TestV1StrictInput checks that bad input is refused with a problem naming
// the field, and that oversized bodies are refused.
func TestV1StrictInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		cases := []struct {
			name   string
			method string
			path   string
			body   any
			status int
			field  string
		}{
			{"unknown field", "POST", "/v1/subjects/s/records", map[string]any{"records": []any{rec("email", "account", "x")}, "bogus": 1}, 422, "body.bogus"},
			{"unknown field in a record", "POST", "/v1/subjects/s/records", batch(rec("email", "account", "x", "colour", "red")), 422, "body.records[0].colour"},
			{"missing field", "POST", "/v1/subjects/s/records", batch(map[string]any{"purpose": "account", "value": "x"}), 422, "body.records[0].field"},
			{"empty batch", "POST", "/v1/subjects/s/records", map[string]any{"records": []any{}}, 422, "body.records"},
			{"null batch", "POST", "/v1/subjects/s/records", map[string]any{"records": nil}, 422, "body.records"},
			{"wrong type", "POST", "/v1/subjects/s/records", map[string]any{"records": "x"}, 422, "body.records"},
			{"bad enum", "POST", "/v1/subjects/s/consents", map[string]any{"purpose": "nearby", "action": "maybe", "kind": "consent"}, 422, "body.action"},
			{"bad age", "PUT", "/v1/subjects/s", map[string]any{"age_floor": 12}, 422, "body.age_floor"},
			{"grant without kind", "POST", "/v1/subjects/s/consents", map[string]any{"purpose": "nearby", "action": "grant"}, 400, "body.kind"},
			{"undeclared purpose", "POST", "/v1/subjects/s/consents", map[string]any{"purpose": "nope", "action": "grant", "kind": "consent"}, 400, "body.purpose"},
			{"consent too weak", "POST", "/v1/subjects/s/consents", map[string]any{"purpose": "face_login", "action": "grant", "kind": "consent"}, 400, "body.kind"},
			{"guardian without guardian", "POST", "/v1/subjects/s/consents", map[string]any{"purpose": "nearby", "action": "grant", "kind": "guardian"}, 400, "body.guardian"},
			{"undeclared permission", "PUT", "/v1/subjects/s/devices/d/permissions", map[string]any{"permissions": map[string]bool{"camera": true}}, 400, "body.permissions.camera"},
			{"bad access reason", "GET", "/v1/subjects/s/records?reason=curiosity", nil, 422, "query.reason"},
			{"bad page", "GET", "/v1/subjects/s/records?reason=service&limit=5000", nil, 422, "query.limit"},
			{"malformed JSON", "POST", "/v1/subjects/s/records", `{"records": [`, 400, "body"},
		}
		for _, c := range cases {
			res := h.do(c.method, c.path, h.admin, c.body)
			if res.status != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, res.status, res.body, c.status)
				continue
			}
			p := h.problem(res)
			if p.Field != c.field || (c.field != "" && !strings.Contains(p.Detail, c.field) && !strings.Contains(p.Detail, strings.TrimPrefix(c.field, "body."))) {
				t.Errorf("%s: field %q detail %q, want field %s named", c.name, p.Field, p.Detail, c.field)
			}
			if c.status == 422 || c.status == 400 {
				if p.Code == "" || p.Code == "internal" {
					t.Errorf("%s: code %q", c.name, p.Code)
				}
			}
		}
		// Too large: 413, before any work.
		big := `{"records":[{"field":"email","purpose":"account","value":"` + strings.Repeat("x", maxBody) + `"}]}`
		res := h.do("POST", "/v1/subjects/s/records", h.admin, big)
		if res.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("big body: %d %.200s", res.status, res.body)
		}
		if p := h.problem(res); p.Code != "body_too_large" {
			t.Errorf("big body code %q", p.Code)
		}
		// 10,001 records: refused by the schema.
		recs := make([]map[string]any, 10001)
		for i := range recs {
			recs[i] = rec("email", "account", "x")
		}
		if res := h.do("POST", "/v1/subjects/s/records", h.admin, batch(recs...)); res.status != 422 {
			t.Errorf("10,001 records: %d", res.status)
		}
		if n := h.records("t1", ""); n != 0 {
			t.Errorf("%d records stored by bad input", n)
		}
	})
}

// TestV1Declarations covers upload, lint, activation and re-consent.
func TestV1Declarations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		// A new tenant with no declaration refuses everything.
		h.must(http.StatusCreated, "POST", "/v1/tenants", h.operator, map[string]any{"id": "t3", "name": "T3", "kind": "controller"})
		var k KeyOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/tenants/t3/keys", h.operator, map[string]any{"name": "a", "scopes": []string{"admin", "collect", "consent"}}), &k)
		tok := k.Token
		if p := h.problem(h.must(http.StatusNotFound, "GET", "/v1/declarations/active", tok, nil)); p.Code != "no_declaration" {
			t.Errorf("no active: %+v", p)
		}
		res := h.must(http.StatusForbidden, "POST", "/v1/subjects/s/records", tok, batch(rec("email", "account", "x")))
		if p := h.problem(res); p.Code != "no_declaration" {
			t.Errorf("collect without a declaration: %+v", p)
		}
		if p := h.problem(h.must(http.StatusConflict, "POST", "/v1/subjects/s/consents", tok, map[string]any{"purpose": "nearby", "action": "grant", "kind": "consent"})); p.Code != "no_declaration" {
			t.Errorf("consent without a declaration: %+v", p)
		}

		// Parse errors: 400 with positions; lint findings: 422 with rules.
		size := h.auditSize()
		p := h.problem(h.must(http.StatusBadRequest, "POST", "/v1/declarations", tok, map[string]any{"source": "schema: trustee/v1\ncolour: red\n"}))
		if p.Code != "invalid_declaration" || len(p.Errors) == 0 || !regexp.MustCompile(`^declaration\.yaml:\d+:\d+$`).MatchString(p.Errors[0].Location) {
			t.Errorf("parse error problem %+v", p)
		}
		nobasis := edit(t, richYAML(t), "    basis: {pipl: consent, gdpr: consent}\n    consent: consent\n", "    basis: {pipl: consent}\n    consent: consent\n")
		p = h.problem(h.must(http.StatusUnprocessableEntity, "POST", "/v1/declarations", tok, map[string]any{"source": nobasis}))
		if p.Code != "invalid_declaration" || len(p.Errors) == 0 || !regexp.MustCompile(`^declaration\.yaml:\d+:\d+ legal-basis$`).MatchString(p.Errors[0].Location) {
			t.Errorf("lint problem %+v", p)
		}
		if h.auditSize() != size {
			t.Error("a refused declaration was stored")
		}

		var d DeclarationOut
		h.decode(h.must(http.StatusCreated, "POST", "/v1/declarations", tok, map[string]any{"source": richYAML(t)}), &d)
		if d.Seq != 1 || d.Active || d.Version != "1.0" || d.PolicyID != "api-test-app" || len(d.SHA256) != 64 {
			t.Errorf("uploaded %+v", d)
		}
		h.must(http.StatusConflict, "POST", "/v1/declarations", tok, map[string]any{"source": richYAML(t)})
		h.decode(h.must(http.StatusOK, "POST", "/v1/declarations/1/activate", tok, nil), &d)
		if !d.Active || len(d.ReconsentPurposes) != 0 {
			t.Errorf("activated %+v", d)
		}
		h.must(http.StatusNotFound, "POST", "/v1/declarations/9/activate", tok, nil)

		// Consent under 1.0, then a major change in 2.0 touching it.
		h.must(http.StatusCreated, "POST", "/v1/subjects/s/consents", tok, map[string]any{"purpose": "nearby", "action": "grant", "kind": "consent", "channel": "app"})
		h.must(http.StatusCreated, "POST", "/v1/subjects/s/records", tok, batch(rec("gps", "nearby", "1,2")))
		h.decode(h.must(http.StatusCreated, "POST", "/v1/declarations", tok, map[string]any{"source": richV2YAML(t)}), &d)
		if d.Seq != 2 {
			t.Errorf("second upload %+v", d)
		}
		// Uploading does not change what is enforced.
		h.must(http.StatusCreated, "POST", "/v1/subjects/s/records", tok, batch(rec("gps", "nearby", "1,2")))
		h.decode(h.must(http.StatusOK, "POST", "/v1/declarations/2/activate", tok, nil), &d)
		if !d.Active || !slices.Equal(d.ReconsentPurposes, []string{"nearby"}) || d.Major == nil || !*d.Major {
			t.Errorf("activated v2 %+v", d)
		}
		recs, size := h.records("t3", ""), h.auditSize()
		p = h.problem(h.must(http.StatusForbidden, "POST", "/v1/subjects/s/records", tok, batch(rec("gps", "nearby", "1,2"))))
		if p.Code != string(consent.ReasonReconsentRequired) || p.Field != "body.records[0]" || p.Rule == "" {
			t.Errorf("after a major change: %+v", p)
		}
		if h.records("t3", "") != recs || h.auditSize() != size {
			t.Error("a refused batch stored something")
		}
		// Consent again under 2.0: allowed.
		h.must(http.StatusCreated, "POST", "/v1/subjects/s/consents", tok, map[string]any{"purpose": "nearby", "action": "grant", "kind": "consent", "channel": "app"})
		h.must(http.StatusCreated, "POST", "/v1/subjects/s/records", tok, batch(rec("gps", "nearby", "1,2"), rec("gps_accuracy", "nearby", "5")))

		var list struct{ Declarations []DeclarationOut }
		h.decode(h.must(http.StatusOK, "GET", "/v1/declarations", tok, nil), &list)
		if len(list.Declarations) != 2 || list.Declarations[0].Active || !list.Declarations[1].Active {
			t.Errorf("list %+v", list.Declarations)
		}
		h.decode(h.must(http.StatusOK, "GET", "/v1/declarations/active", tok, nil), &d)
		if d.Seq != 2 || d.Version != "2.0" {
			t.Errorf("active %+v", d)
		}
	})
}

// TestV1ConsentReceipt checks the consent response, its receipt and its
// audit entry.
func TestV1ConsentReceipt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		text := "We use your face to sign you in."
		res := h.must(http.StatusCreated, "POST", "/v1/subjects/subj-42/consents", h.admin, map[string]any{
			"purpose": "face_login", "action": "grant", "kind": "separate", "channel": "app", "text_hash": consent.TextHash(text), "language": "zh"})
		var ev struct {
			Seq                int64          `json:"seq"`
			Purpose            string         `json:"purpose"`
			Action             string         `json:"action"`
			Kind               string         `json:"kind"`
			DeclarationVersion string         `json:"declaration_version"`
			At                 string         `json:"at"`
			Receipt            map[string]any `json:"receipt"`
		}
		h.decode(res, &ev)
		if ev.Seq == 0 || ev.Purpose != "face_login" || ev.Action != "grant" || ev.Kind != "separate" || ev.DeclarationVersion != "1.0" || ev.At == "" {
			t.Errorf("event %+v", ev)
		}
		r := ev.Receipt
		for _, k := range []string{"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID", "language",
			"piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat", "evidence"} {
			if _, ok := r[k]; !ok {
				t.Errorf("receipt lacks %s", k)
			}
		}
		if r["version"] != consent.ReceiptVersion || r["piiPrincipalId"] != "subj-42" || r["language"] != "zh" || r["sensitive"] != true ||
			r["collectionMethod"] != "app" || r["jurisdiction"] != "CN" {
			t.Errorf("receipt %v", r)
		}
		ev2 := r["evidence"].(map[string]any)
		if ev2["noticeHash"] != consent.TextHash(text) || ev2["kind"] != "separate" || ev2["declarationId"] != "api-test-app" {
			t.Errorf("evidence %v", ev2)
		}
		purpose := r["services"].([]any)[0].(map[string]any)["purposes"].([]any)[0].(map[string]any)
		if purpose["consentType"] != consent.ConsentTypeExplicit {
			t.Errorf("purpose %v", purpose)
		}
		// Listed with the same receipt id.
		var list struct{ Events []ConsentEventOut }
		h.decode(h.must(http.StatusOK, "GET", "/v1/subjects/subj-42/consents", h.admin, nil), &list)
		if len(list.Events) != 1 || list.Events[0].Receipt == nil || list.Events[0].Receipt.ConsentReceiptID != r["consentReceiptID"] {
			t.Errorf("listed %+v", list.Events)
		}
		// The audit entry names the purpose, never the text.
		var last audit.Entry
		size := h.auditSize()
		if err := h.v.AuditEntries(context.Background(), size-1, size, func(e audit.StoredEntry) error { last = e.Entry; return nil }); err != nil {
			t.Fatal(err)
		}
		if last.Action != "consent.grant" || last.Details["purpose"] != "face_login" || last.Subject != "subj-42" {
			t.Errorf("audit %+v", last)
		}
		b, _ := json.Marshal(last)
		if strings.Contains(string(b), "sign you in") {
			t.Error("the notice text reached the audit log")
		}
		// Withdrawal stops processing at once.
		h.must(http.StatusCreated, "POST", "/v1/subjects/subj-42/records", h.collect, batch(rec("face_template", "face_login", "t")))
		h.must(http.StatusCreated, "POST", "/v1/subjects/subj-42/consents", h.admin, map[string]any{"purpose": "face_login", "action": "withdraw", "channel": "app"})
		res = h.must(http.StatusForbidden, "POST", "/v1/subjects/subj-42/records", h.collect, batch(rec("face_template", "face_login", "t")))
		if p := h.problem(res); p.Code != "consent_withdrawn" {
			t.Errorf("after withdrawal: %+v", p)
		}
	})
}

// TestV1NoPersonalDataInLogs collects marked values for a marked subject
// and checks that neither marker reaches the server's logs (at debug) or
// its metrics.
func TestV1NoPersonalDataInLogs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		const subj, value = "subj-MARKER-7731", "value-MARKER-9942@example.com"
		h.grant(subj, "nearby", "consent")
		h.must(http.StatusOK, "PUT", "/v1/subjects/"+subj, h.admin, map[string]any{"age_floor": 18, "region": "CN"}, "Sec-GPC", "1")
		h.must(http.StatusCreated, "POST", "/v1/subjects/"+subj+"/records", h.collect, batch(rec("email", "account", value)))
		h.must(http.StatusForbidden, "POST", "/v1/subjects/"+subj+"/records", h.collect, batch(rec("email", "account", value), rec("gps", "nearby", value, "device", "d-MARKER")))
		h.must(http.StatusOK, "GET", "/v1/subjects/"+subj+"/records?reason=service", h.collect, nil)
		h.must(http.StatusOK, "GET", "/v1/decisions?subject="+subj+"&field=email&purpose=ads", h.collect, nil)
		h.do("POST", "/v1/subjects/"+subj+"/records", h.collect, `{"records": [{"field": "email", "value": "`+value+`"`)
		_, metrics := get(t, h.h, "/metrics")
		logs := h.logs.String()
		if !strings.Contains(logs, `route="POST /v1/subjects/{subject}/records"`) {
			t.Fatalf("no access log for collect:\n%s", logs)
		}
		for _, marker := range []string{"MARKER"} {
			if strings.Contains(logs, marker) {
				t.Errorf("logs carry personal data:\n%s", logs)
			}
			if strings.Contains(metrics, marker) {
				t.Error("metrics carry personal data")
			}
		}
	})
}

// TestV1TwoNodes runs two nodes on one database, each with its own engine
// following the audit log: a consent change on one is enforced on the
// other.
func TestV1TwoNodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b := openNode(t, h.opts, h.srv.opts.Log)
		go h.engine.Follow(ctx, consent.AuditFeed{Log: h.v.Store()}, 10*time.Millisecond)
		go b.engine.Follow(ctx, consent.AuditFeed{Log: b.v.Store()}, 10*time.Millisecond)
		decide := func(n http.Handler) string {
			res := do(t, n, "GET", "/v1/decisions?subject=dana&field=gps&purpose=nearby", h.collect, nil)
			var d DecisionOut
			_ = json.Unmarshal(res.body, &d)
			return d.Reason
		}
		if r := decide(b.h); r != "no_consent" {
			t.Fatalf("node b before: %s", r)
		}
		h.grant("dana", "nearby", "consent") // on node a
		eventually(t, "node b to see the grant", func() bool { return decide(b.h) == "ok" })
		if r := decide(h.h); r != "ok" {
			t.Fatalf("node a: %s", r)
		}
		do(t, b.h, "POST", "/v1/subjects/dana/consents", h.admin, map[string]any{"purpose": "nearby", "action": "withdraw", "channel": "web"})
		eventually(t, "node a to see the withdrawal", func() bool { return decide(h.h) == "consent_withdrawn" })
		// A declaration activated on one node is enforced on the other.
		do(t, b.h, "POST", "/v1/declarations", h.admin, map[string]any{"source": richV2YAML(t)})
		do(t, b.h, "POST", "/v1/declarations/2/activate", h.admin, nil)
		eventually(t, "node a to see version 2.0", func() bool {
			res := do(t, h.h, "GET", "/v1/decisions?subject=dana&field=gps_accuracy&purpose=nearby", h.collect, nil)
			var d DecisionOut
			_ = json.Unmarshal(res.body, &d)
			return d.Reason == "consent_withdrawn"
		})
	})
}

// TestV1WithdrawEmptyKind: a withdrawal may send an empty kind, as the Go
// client does.
func TestV1WithdrawEmptyKind(t *testing.T) {
	h := newHarness(t, backends[0].opts(t))
	h.grant("w", "nearby", "consent")
	var ev ConsentEventOut
	h.decode(h.must(http.StatusCreated, "POST", "/v1/subjects/w/consents", h.admin, map[string]any{"purpose": "nearby", "action": "withdraw", "kind": "", "channel": ""}), &ev)
	if ev.Kind != "consent" || ev.Action != "withdraw" || ev.Channel != "api" {
		t.Errorf("withdrawal %+v", ev)
	}
	if res := h.do("POST", "/v1/subjects/w/consents", h.admin, map[string]any{"purpose": "nearby", "action": "withdraw", "kind": "strong"}); res.status != 422 {
		t.Errorf("bad kind: %d", res.status)
	}
}
