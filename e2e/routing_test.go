package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
	"github.com/trustee-dev/trustee/internal/notify"
)

// receiver is a controller's webhook endpoint: it keeps the bodies whose
// Standard Webhooks signature checks out, and counts the others.
type receiver struct {
	mu     sync.Mutex
	secret string
	got    []string
	forged int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.secret == "" || notify.Verify(rc.secret, r.Header, b, time.Now(), 5*time.Minute) != nil {
		rc.forged++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	rc.got = append(rc.got, string(b))
}

// wait returns the first body holding all of want.
func (rc *receiver) wait(t *testing.T, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		rc.mu.Lock()
		for _, b := range rc.got {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(b, w)
			}
			if ok {
				rc.mu.Unlock()
				return b
			}
		}
		rc.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no signed webhook holding %v arrived", want)
	return ""
}

// TestRouting: an SDK vendor (processor) forwards a request to the
// developer (controller) it processes for; the controller's endpoint gets
// a signed webhook; the controller's answer is synced back to the vendor's
// request and announced to the vendor's endpoint.
func TestRouting(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		d := newDeployment(t, be)
		opToken := d.operatorKey()
		n := d.start("a", nodeOptions{})
		op := n.client(opToken)
		dev, _ := newTenant(ctx, t, n, op, "dev", rightsDecl(t))
		if _, err := op.CreateTenant(ctx, client.Tenant{ID: "sdk", Name: "SDK Vendor", Kind: client.Processor}); err != nil {
			t.Fatal(err)
		}
		key, err := op.CreateKey(ctx, "sdk", "e2e", client.AllScopes()...)
		if err != nil {
			t.Fatal(err)
		}
		sdk := n.client(string(key.Token))
		decl, err := sdk.UploadDeclaration(ctx, rightsDecl(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sdk.ActivateDeclaration(ctx, decl.Seq); err != nil {
			t.Fatal(err)
		}

		devRecv, sdkRecv := &receiver{}, &receiver{}
		for _, x := range []struct {
			c  *client.Client
			rc *receiver
		}{{dev, devRecv}, {sdk, sdkRecv}} {
			srv := httptest.NewServer(x.rc)
			defer srv.Close()
			wh, err := x.c.CreateWebhook(ctx, srv.URL)
			if err != nil {
				t.Fatalf("CreateWebhook: %v", err)
			}
			x.rc.mu.Lock()
			x.rc.secret = string(wh.Secret)
			x.rc.mu.Unlock()
		}

		if _, err := sdk.PutSubject(ctx, "end-user-1", client.Profile{AgeFloor: 18, Region: "CN"}); err != nil {
			t.Fatal(err)
		}
		r, err := sdk.SubmitRequest(ctx, client.NewRequest{Type: client.RequestExplain, Subject: "end-user-1"})
		if err != nil {
			t.Fatal(err)
		}
		// Not linked yet: refused, nothing forwarded.
		if _, err := sdk.ForwardRequest(ctx, r.ID, "dev"); err == nil {
			t.Fatal("forwarding to an unlinked controller succeeded")
		}
		if _, err := op.LinkController(ctx, "sdk", "dev"); err != nil {
			t.Fatal(err)
		}
		if _, err := sdk.ForwardRequest(ctx, r.ID, "dev"); err != nil {
			t.Fatalf("ForwardRequest: %v", err)
		}
		page, err := dev.ListRequests(ctx, client.RequestQuery{})
		if err != nil || len(page.Requests) != 1 || page.Requests[0].Channel != "routed:sdk" {
			t.Fatalf("the controller's requests: %+v, %v", page, err)
		}
		devReq := page.Requests[0]
		devRecv.wait(t, devReq.ID, "request.created")

		// The controller answers; the vendor's request follows.
		if _, err := dev.VerifyRequest(ctx, devReq.ID, client.Verification{Method: "account_login"}); err != nil {
			t.Fatal(err)
		}
		if _, err := dev.RefuseRequest(ctx, devReq.ID, "repeated_requests", "Asked and answered last week."); err != nil {
			t.Fatal(err)
		}
		sdkRecv.wait(t, r.ID, "refused")
		got, err := sdk.GetRequest(ctx, r.ID)
		if err != nil || got.State != "refused" || got.Refusal == nil || got.Refusal.Reason != "repeated_requests" {
			t.Errorf("the vendor's request after the controller refused: %+v, %v", got, err)
		}
		if got.Refusal != nil && got.Refusal.Note != "" {
			t.Error("the controller's own note was copied to the vendor")
		}
		devRecv.mu.Lock()
		forged := devRecv.forged + sdkRecv.forged
		devRecv.mu.Unlock()
		if forged != 0 {
			t.Errorf("%d deliveries failed the signature check", forged)
		}
	})
}
