package api

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/notify/smtptest"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/verify"
)

// requestsKey returns a t1 key with the requests scope.
func (h *harness) requestsKey() string {
	h.t.Helper()
	var out KeyOut
	h.decode(h.must(http.StatusCreated, "POST", "/v1/tenants/t1/keys", h.operator, map[string]any{"name": "rights", "scopes": []string{ScopeRequests}}), &out)
	return out.Token
}

// newRequest submits a request for t1's subject and returns it.
func (h *harness) newRequest(token, subject, typ string) RequestOut {
	h.t.Helper()
	var r RequestOut
	h.decode(h.must(http.StatusCreated, "POST", "/v1/requests", token, map[string]any{"type": typ, "subject": subject}), &r)
	return r
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

func TestV1RequestsVerification(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *harness) {
		mail := smtptest.Start(t, smtptest.Options{})
		sender, err := notify.NewSMTP(mail.URL("privacy@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		h.srv.v1.Email = sender
		tok := h.requestsKey()
		h.must(http.StatusOK, "PUT", "/v1/subjects/alice", h.admin, map[string]any{"age_floor": 18, "region": "CN"})
		h.must(http.StatusCreated, "POST", "/v1/subjects/alice/records", h.admin, batch(rec("email", "account", "Alice@Example.com")))
		h.must(http.StatusOK, "PUT", "/v1/subjects/bob", h.admin, map[string]any{"age_floor": 18, "region": "CN"})

		// A request for an unknown subject is refused, naming the field.
		if p := h.problem(h.do("POST", "/v1/requests", tok, map[string]any{"type": "access", "subject": "nobody"})); p.Field != "body.subject" {
			t.Errorf("unknown subject: field %q", p.Field)
		}
		// The collect-only key may not submit requests.
		if res := h.do("POST", "/v1/requests", h.collect, map[string]any{"type": "access", "subject": "alice"}); res.status != http.StatusForbidden {
			t.Errorf("collect key: %d %s", res.status, res.body)
		}

		r := h.newRequest(tok, "alice", "access")
		if r.State != "received" || !r.DueAt.IsZero() {
			t.Fatalf("new request %+v: want received with no deadline yet (it runs from verification)", r)
		}
		// A method the declaration does not list, a contact not on file.
		if p := h.problem(h.do("POST", "/v1/requests/"+r.ID+"/verification", tok, map[string]any{"method": "sms_code", "to": "+8613800138000"})); p.Code != "method_not_declared" {
			t.Errorf("sms_code: %+v", p)
		}
		if p := h.problem(h.do("POST", "/v1/requests/"+r.ID+"/verification", tok, map[string]any{"method": "email_code", "to": "mallory@example.com"})); p.Code != "contact_not_on_file" || p.Field != "body.to" {
			t.Errorf("someone else's address: %+v", p)
		}
		if strings.Contains(h.logs.String(), "mallory") {
			t.Error("the address reached the logs")
		}

		var ch ChallengeOut
		h.decode(h.must(http.StatusAccepted, "POST", "/v1/requests/"+r.ID+"/verification", tok,
			map[string]any{"method": "email_code", "to": "alice@example.com", "language": "zh"}), &ch)
		if ch.Request.State != "verifying" || ch.TriesLeft != 5 || ch.SendsLeft != 2 {
			t.Errorf("after sending: %+v", ch)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		msg, err := mail.Next(ctx, "alice@example.com")
		if err != nil {
			t.Fatal(err)
		}
		code := codeRE.FindString(msg.Text)
		if code == "" {
			t.Fatalf("no code in the message: %q", msg.Text)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		p := h.problem(h.do("POST", "/v1/requests/"+r.ID+"/verify", tok, map[string]any{"method": "email_code", "code": wrong}))
		if p.Code != "wrong_code" || p.Field != "body.code" {
			t.Errorf("wrong code: %+v", p)
		}
		var got RequestOut
		h.decode(h.must(http.StatusOK, "POST", "/v1/requests/"+r.ID+"/verify", tok, map[string]any{"method": "email_code", "code": code}), &got)
		if got.State != "verified" || got.VerifiedAt.IsZero() || got.DueAt.IsZero() || got.RuleID == "" {
			t.Errorf("verified request %+v: want verified with a deadline and its rule", got)
		}
		if p := h.problem(h.do("POST", "/v1/requests/"+r.ID+"/verify", tok, map[string]any{"method": "email_code", "code": code})); p.Code != "invalid_transition" {
			t.Errorf("verifying twice: %+v", p)
		}

		// Neither the code nor the address is in the audit log or the logs.
		var leaked []string
		err = h.v.AuditEntries(context.Background(), 0, h.auditSize(), func(e audit.StoredEntry) error {
			s := e.Entry.Action + " " + strings.Join(mapValues(e.Entry.Details), " ")
			if strings.Contains(s, code) || strings.Contains(strings.ToLower(s), "alice@") {
				leaked = append(leaked, e.Entry.Action)
			}
			return nil
		})
		if err != nil || len(leaked) > 0 {
			t.Errorf("audit entries with the code or the address: %v %v", leaked, err)
		}
		if logs := h.logs.String(); strings.Contains(logs, code) || strings.Contains(strings.ToLower(logs), "alice@example") {
			t.Error("the code or the address reached the logs")
		}

		// account_login: the tenant vouches with its API key.
		r2 := h.newRequest(tok, "bob", "delete")
		h.decode(h.must(http.StatusOK, "POST", "/v1/requests/"+r2.ID+"/verify", tok, map[string]any{"method": "account_login"}), &got)
		if got.State != "verified" {
			t.Errorf("account_login: %+v", got)
		}

		// app_assertion: signed by a trusted app key, bound to the request.
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		err = h.v.Store().Write(context.Background(), func(tx store.Tx) error {
			if _, err := tx.CreateTrustedKey(context.Background(), store.TrustedKey{Tenant: "t1", ID: "app-1", Kind: store.TrustedKeyApp, Algorithm: store.AlgorithmEd25519, PublicKey: pub}); err != nil {
				return err
			}
			_, err := tx.Audit(context.Background(), audit.Entry{Tenant: "t1", Actor: "test", Action: "trusted_key.create", ObjectType: "trusted_key", ObjectID: "app-1"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r3 := h.newRequest(tok, "alice", "copy")
		other := h.newRequest(tok, "alice", "explain")
		now := time.Now()
		forOther, _ := verify.SignAssertion(priv, "app-1", "t1", "alice", other.ID, now, 5*time.Minute)
		if p := h.problem(h.do("POST", "/v1/requests/"+r3.ID+"/verify", tok, map[string]any{"method": "app_assertion", "assertion": forOther})); p.Code != "assertion_request" {
			t.Errorf("assertion for another request: %+v", p)
		}
		asBob, _ := verify.SignAssertion(priv, "app-1", "t1", "bob", r3.ID, now, 5*time.Minute)
		if p := h.problem(h.do("POST", "/v1/requests/"+r3.ID+"/verify", tok, map[string]any{"method": "app_assertion", "assertion": asBob})); p.Code != "assertion_subject" {
			t.Errorf("assertion for another subject: %+v", p)
		}
		good, _ := verify.SignAssertion(priv, "app-1", "t1", "alice", r3.ID, now, 5*time.Minute)
		h.decode(h.must(http.StatusOK, "POST", "/v1/requests/"+r3.ID+"/verify", tok, map[string]any{"method": "app_assertion", "assertion": good}), &got)
		if got.State != "verified" {
			t.Errorf("app assertion: %+v", got)
		}

		// Another tenant sees none of t1's requests.
		if res := h.do("GET", "/v1/requests/"+r.ID, h.other, nil); res.status != http.StatusForbidden && res.status != http.StatusNotFound {
			t.Errorf("t2 reading t1's request: %d", res.status)
		}
	})
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
