package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/notify/smtptest"
)

func rightsDecl(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rights.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// TestRequestTypes drives every request type from submission to its
// answer through the Go client against a real trustee serve, on SQLite and
// PostgreSQL, with one-time codes read back from a real SMTP server.
func TestRequestTypes(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		mail := smtptest.Start(t, smtptest.Options{})
		d := newDeployment(t, be)
		opToken := d.operatorKey()
		n := d.start("a", nodeOptions{args: []string{"--smtp", mail.URL("privacy@example.com")}})
		c, _ := newTenant(ctx, t, n, n.client(opToken), "acme", rightsDecl(t))

		// subject creates an adult subject holding an e-mail address.
		subject := func(t *testing.T, id string) string {
			t.Helper()
			if _, err := c.PutSubject(ctx, id, client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
				t.Fatal(err)
			}
			ids, err := c.Collect(ctx, id, []client.NewRecord{{Field: "email", Purpose: "account", Value: id + "@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			return ids[0]
		}
		// verified submits a request and verifies it as the tenant's
		// logged-in user.
		verified := func(t *testing.T, subj, typ string) *client.Request {
			t.Helper()
			r, err := c.SubmitRequest(ctx, client.NewRequest{Type: typ, Subject: subj, Channel: "app"})
			if err != nil {
				t.Fatalf("SubmitRequest %s: %v", typ, err)
			}
			if r, err = c.VerifyRequest(ctx, r.ID, client.Verification{Method: "account_login"}); err != nil {
				t.Fatalf("VerifyRequest %s: %v", typ, err)
			}
			if r.State != "verified" || r.DueAt.IsZero() || r.RuleID == "" {
				t.Fatalf("verified %s request: %+v; want a deadline and its rule", typ, r)
			}
			return r
		}
		fulfilled := func(t *testing.T, r *client.Request, err error) *client.Request {
			t.Helper()
			if err != nil {
				t.Fatalf("fulfil %s: %v", r.Type, err)
			}
			if r.State != "fulfilled" {
				t.Fatalf("%s request is %s, want fulfilled", r.Type, r.State)
			}
			return r
		}
		values := func(t *testing.T, subj string) []string {
			t.Helper()
			var out []string
			for rec, err := range c.AllRecords(ctx, subj, client.RecordQuery{Reason: client.AccessRightsRequest}) {
				if err != nil {
					t.Fatalf("Records: %v", err)
				}
				out = append(out, rec.Value)
			}
			return out
		}

		t.Run("access verified by e-mail code, JSON export", func(t *testing.T) {
			subject(t, "alice")
			r, err := c.SubmitRequest(ctx, client.NewRequest{Type: client.RequestAccess, Subject: "alice"})
			if err != nil || r.State != "received" || !r.DueAt.IsZero() {
				t.Fatalf("SubmitRequest: %+v, %v; want received, no deadline before verification", r, err)
			}
			ch, err := c.SendCode(ctx, r.ID, "email_code", "alice@example.com", "en")
			if err != nil || ch.Request.State != "verifying" {
				t.Fatalf("SendCode: %+v, %v", ch, err)
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			msg, err := mail.Next(wctx, "alice@example.com")
			if err != nil {
				t.Fatalf("no code e-mail: %v", err)
			}
			code := sixDigits.FindString(msg.Text)
			if code == "" || strings.Contains(msg.Subject, code) {
				t.Fatalf("code e-mail: subject %q, text %q", msg.Subject, msg.Text)
			}
			if r, err = c.VerifyRequest(ctx, r.ID, client.Verification{Method: "email_code", Code: code}); err != nil || r.State != "verified" || r.DueAt.IsZero() {
				t.Fatalf("VerifyRequest: %+v, %v", r, err)
			}
			body, err := c.Export(ctx, r.ID, "json")
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			if !bytes.Contains(body, []byte("alice@example.com")) || !bytes.Contains(body, []byte("trustee.export/v1")) {
				t.Errorf("export lacks the subject's value or schema: %.300s", body)
			}
			if r, _ = c.GetRequest(ctx, r.ID); r.State != "fulfilled" {
				t.Errorf("after the export the request is %s", r.State)
			}
			if strings.Contains(n.logTail(), "alice@example.com") || strings.Contains(n.logTail(), code) {
				t.Error("the address or the code reached the server's log")
			}
		})

		t.Run("copy as ZIP", func(t *testing.T) {
			subject(t, "bob")
			r := verified(t, "bob", client.RequestCopy)
			body, err := c.Export(ctx, r.ID, "zip")
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatalf("not a ZIP: %v", err)
			}
			names := map[string]bool{}
			for _, f := range zr.File {
				names[f.Name] = true
			}
			if !names["export.json"] || !names["records.csv"] || !names["README.txt"] {
				t.Errorf("ZIP holds %v", names)
			}
			if r, _ = c.GetRequest(ctx, r.ID); r.State != "fulfilled" {
				t.Errorf("request is %s", r.State)
			}
		})

		t.Run("portability to another controller", func(t *testing.T) {
			subject(t, "carol")
			secret := notify.GenerateSecret()
			got := make(chan []byte, 1)
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				b, _ := io.ReadAll(req.Body)
				if err := notify.Verify(secret, req.Header, b, time.Now(), 5*time.Minute); err != nil {
					http.Error(w, "bad signature", http.StatusUnauthorized)
					return
				}
				got <- b
			}))
			defer recv.Close()
			r := verified(t, "carol", client.RequestPortability)
			if _, err := c.PushExport(ctx, r.ID, recv.URL, "whsec_"+strings.Repeat("A", 32)); err == nil {
				t.Error("a push signed with the wrong secret was accepted")
			}
			if r, _ = c.GetRequest(ctx, r.ID); r.State != "verified" {
				t.Errorf("a refused push left the request %s, want verified", r.State)
			}
			r, err := c.PushExport(ctx, r.ID, recv.URL, secret)
			fulfilled(t, r, err)
			if b := <-got; !bytes.Contains(b, []byte("carol@example.com")) {
				t.Errorf("pushed export lacks the value")
			}
		})

		t.Run("correct and supplement", func(t *testing.T) {
			old := subject(t, "dave")
			r := verified(t, "dave", client.RequestCorrect)
			r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{Values: []client.Value{{Field: "email", Purpose: "account", Value: "dave.new@example.com"}}, Supersedes: []string{old}})
			fulfilled(t, r, err)
			if v := values(t, "dave"); len(v) != 1 || v[0] != "dave.new@example.com" {
				t.Errorf("after the correction the subject holds %v", v)
			}
			r = verified(t, "dave", client.RequestSupplement)
			r, err = c.FulfilRequest(ctx, r.ID, client.Fulfilment{Values: []client.Value{{Field: "email", Purpose: "account", Value: "dave.work@example.com"}}})
			fulfilled(t, r, err)
			if v := values(t, "dave"); len(v) != 2 {
				t.Errorf("after the supplement the subject holds %d values", len(v))
			}
		})

		t.Run("delete", func(t *testing.T) {
			subject(t, "erin")
			r := verified(t, "erin", client.RequestDelete)
			r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{})
			fulfilled(t, r, err)
			_, err = c.Records(ctx, "erin", client.RecordQuery{Reason: client.AccessRightsRequest})
			mustRefuse(t, "Records after erasure", err, "subject_erased")
		})

		for _, typ := range []string{client.RequestRestrict, client.RequestObject} {
			t.Run(typ, func(t *testing.T) {
				subj := "frank-" + typ
				subject(t, subj)
				r := verified(t, subj, typ)
				r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{})
				fulfilled(t, r, err)
				_, err = c.Collect(ctx, subj, []client.NewRecord{{Field: "email", Purpose: "account", Value: "x@example.com"}})
				mustRefuse(t, "Collect when restricted", err, "subject_restricted")
			})
		}

		t.Run("withdraw consent", func(t *testing.T) {
			subject(t, "gina")
			if _, err := c.Consent(ctx, "gina", client.ConsentChange{Purpose: "ads", Action: client.Grant, Kind: client.KindConsent}); err != nil {
				t.Fatal(err)
			}
			r := verified(t, "gina", client.RequestWithdrawConsent)
			r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{})
			fulfilled(t, r, err)
			dec, err := c.Decide(ctx, client.DecisionQuery{Subject: "gina", Field: "email", Purpose: "ads"})
			if err != nil || dec.Allowed || dec.Reason != "consent_withdrawn" {
				t.Errorf("after withdrawal: %+v, %v", dec, err)
			}
		})

		t.Run("explain", func(t *testing.T) {
			subject(t, "hank")
			r := verified(t, "hank", client.RequestExplain)
			ex, err := c.Explain(ctx, r.ID, "zh")
			if err != nil {
				t.Fatal(err)
			}
			fulfilled(t, &ex.Request, nil)
			if !strings.Contains(ex.Markdown, "账号管理") {
				t.Errorf("the explanation does not name the purpose: %.400s", ex.Markdown)
			}
		})

		t.Run("review of an automated decision", func(t *testing.T) {
			subject(t, "ivy")
			r := verified(t, "ivy", client.RequestADMReview)
			if _, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{Review: &client.Review{Decision: "no-such", Outcome: "upheld", Reason: "checked"}}); err == nil {
				t.Error("a review of an undeclared decision was accepted")
			}
			r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{Review: &client.Review{Decision: "nearby-ranking", Outcome: "changed", Reason: "data_error", Note: "Your ranking was recomputed."}})
			fulfilled(t, r, err)
		})

		t.Run("cancel account, resume by login, cancel again", func(t *testing.T) {
			subject(t, "jack")
			r := verified(t, "jack", client.RequestCancelAccount)
			r, err := c.FulfilRequest(ctx, r.ID, client.Fulfilment{})
			if err != nil || r.State != "in_progress" {
				t.Fatalf("cancel: %+v, %v; want in_progress during the cooling-off", r, err)
			}
			_, err = c.Collect(ctx, "jack", []client.NewRecord{{Field: "email", Purpose: "account", Value: "j@example.com"}})
			mustRefuse(t, "Collect when cancelled", err, "subject_cancelled")
			res, err := c.Resume(ctx, "jack")
			if err != nil || res.State != "withdrawn" {
				t.Fatalf("Resume: %+v, %v", res, err)
			}
			if _, err := c.Collect(ctx, "jack", []client.NewRecord{{Field: "email", Purpose: "account", Value: "j@example.com"}}); err != nil {
				t.Errorf("Collect after resuming: %v", err)
			}
			if _, err := c.Resume(ctx, "jack"); err == nil {
				t.Error("resuming with no cancellation pending succeeded")
			}
		})

		t.Run("refusal from the declared list only", func(t *testing.T) {
			subject(t, "kate")
			r := verified(t, "kate", client.RequestAccess)
			if _, err := c.RefuseRequest(ctx, r.ID, "trade_secrets", ""); err == nil {
				t.Error("a refusal reason the declaration does not list was accepted")
			}
			r, err := c.RefuseRequest(ctx, r.ID, "national_security", "We cannot answer this request.")
			if err != nil || r.State != "refused" || r.Refusal == nil || r.Refusal.Explanation.Zh == "" {
				t.Fatalf("RefuseRequest: %+v, %v", r, err)
			}
			if _, err := c.Export(ctx, r.ID, "json"); err == nil {
				t.Error("a refused request got an export")
			}
		})

		page, err := c.ListRequests(ctx, client.RequestQuery{State: "fulfilled"})
		if err != nil {
			t.Fatalf("ListRequests(fulfilled): %v", err)
		}
		if len(page.Requests) < 10 {
			t.Errorf("ListRequests(fulfilled): %d requests, want the ten fulfilled above", len(page.Requests))
		}
	})
}

// TestRequestsCLI: staff record, verify, answer and list requests with the
// CLI on the database a running server uses.
func TestRequestsCLI(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		d := newDeployment(t, be)
		opToken := d.operatorKey()
		n := d.start("a", nodeOptions{})
		c, _ := newTenant(ctx, t, n, n.client(opToken), "acme", rightsDecl(t))
		for _, id := range []string{"u1", "u2"} {
			if _, err := c.PutSubject(ctx, id, client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Collect(ctx, id, []client.NewRecord{{Field: "email", Purpose: "account", Value: id + "@example.com"}}); err != nil {
				t.Fatal(err)
			}
		}
		idRE := regexp.MustCompile(`request ([0-9a-f-]{36}) is received`)
		create := func(subject, typ string) string {
			out := d.cli("requests", "create", "--tenant", "acme", "--subject", subject, "--type", typ, "--channel", "email")
			m := idRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("requests create printed %q", out)
			}
			return m[1]
		}
		access := create("u1", "access")
		if out := d.cli("requests", "verify", "--tenant", "acme", access, "--method", "account_login"); !strings.Contains(out, "is verified, due ") {
			t.Errorf("verify: %q", out)
		}
		zipPath := filepath.Join(t.TempDir(), "u1.zip")
		if out := d.cli("requests", "export", "--tenant", "acme", access, "--format", "zip", "--out", zipPath); !strings.Contains(out, "is fulfilled") {
			t.Errorf("export: %q", out)
		}
		zr, err := zip.OpenReader(zipPath)
		if err != nil {
			t.Fatalf("the export is not a ZIP: %v", err)
		}
		zr.Close()

		del := create("u2", "delete")
		d.cli("requests", "verify", "--tenant", "acme", del, "--method", "account_login")
		if out := d.cli("requests", "fulfil", "--tenant", "acme", del); !strings.Contains(out, "is fulfilled") {
			t.Errorf("fulfil: %q", out)
		}
		// The server sees what the CLI did.
		r, err := c.GetRequest(ctx, del)
		if err != nil || r.State != "fulfilled" {
			t.Errorf("GetRequest after the CLI's fulfil: %+v, %v", r, err)
		}
		_, err = c.Records(ctx, "u2", client.RecordQuery{Reason: client.AccessRightsRequest})
		mustRefuse(t, "Records after the CLI's erasure", err, "subject_erased")
		if out := d.cli("requests", "list", "--tenant", "acme", "--json"); !strings.Contains(out, access) || !strings.Contains(out, del) {
			t.Errorf("list: %q", out)
		}
	})
}
