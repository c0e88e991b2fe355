package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/client"
)

// clientRoutes are the /v1 operations package client has a method for.
var clientRoutes = []string{
	"POST /v1/tenants",                                        // CreateTenant
	"GET /v1/tenants/{tenant}",                                // GetTenant
	"POST /v1/tenants/{tenant}/keys",                          // CreateKey
	"GET /v1/tenants/{tenant}/keys",                           // ListKeys
	"DELETE /v1/tenants/{tenant}/keys/{id}",                   // RevokeKey
	"POST /v1/tenants/{processor}/controllers",                // LinkController
	"POST /v1/declarations",                                   // UploadDeclaration
	"POST /v1/declarations/{seq}/activate",                    // ActivateDeclaration
	"GET /v1/declarations",                                    // ListDeclarations
	"GET /v1/declarations/active",                             // ActiveDeclaration
	"PUT /v1/subjects/{subject}",                              // PutSubject
	"POST /v1/subjects/{subject}/consents",                    // Consent
	"GET /v1/subjects/{subject}/consents",                     // ListConsents
	"PUT /v1/subjects/{subject}/devices/{device}/permissions", // SetPermissions
	"POST /v1/subjects/{subject}/guardians",                   // AddGuardian
	"GET /v1/decisions",                                       // Decide
	"POST /v1/subjects/{subject}/records",                     // Collect
	"GET /v1/subjects/{subject}/records",                      // Records
	"POST /v1/requests",                                       // SubmitRequest
	"GET /v1/requests",                                        // ListRequests
	"GET /v1/requests/{id}",                                   // GetRequest
	"POST /v1/requests/{id}/start",                            // StartRequest
	"POST /v1/requests/{id}/withdraw",                         // WithdrawRequest
	"POST /v1/requests/{id}/refuse",                           // RefuseRequest
	"POST /v1/requests/{id}/extend",                           // ExtendRequest
	"POST /v1/requests/{id}/verification",                     // SendCode
	"POST /v1/requests/{id}/verify",                           // VerifyRequest
	"POST /v1/requests/{id}/fulfil",                           // FulfilRequest
	"GET /v1/requests/{id}/export",                            // Export
	"POST /v1/requests/{id}/push",                             // PushExport
	"GET /v1/requests/{id}/explain",                           // Explain
	"POST /v1/requests/{id}/forward",                          // ForwardRequest
	"POST /v1/subjects/{subject}/resume",                      // Resume
	"POST /v1/trusted-keys",                                   // CreateTrustedKey
	"GET /v1/trusted-keys",                                    // ListTrustedKeys
	"DELETE /v1/trusted-keys/{id}",                            // RevokeTrustedKey
	"POST /v1/webhooks",                                       // CreateWebhook
	"GET /v1/webhooks",                                        // ListWebhooks
	"DELETE /v1/webhooks/{id}",                                // DisableWebhook
	"POST /v1/holds",                                          // PlaceHold
	"GET /v1/holds",                                           // ListHolds
	"POST /v1/holds/{id}/release",                             // ReleaseHold
	"PUT /v1/subjects/{subject}/devices/{device}/binding",     // BindDevice
	"DELETE /v1/subjects/{subject}/devices/{device}/binding",  // UnbindDevice
	"POST /v1/subjects/{subject}/ban",                         // BanSubject
	"POST /v1/subjects/{subject}/unban",                       // UnbanSubject
	"POST /v1/subjects/{subject}/minor-discovered",            // MinorDiscovered
}

// TestClientCoversOpenAPI checks that the client has a method for every
// /v1 operation the server's OpenAPI document lists, and no method for an
// operation the server lacks.
func TestClientCoversOpenAPI(t *testing.T) {
	d := newDeployment(t, sqliteBackend)
	n := d.start("a", nodeOptions{})
	resp, err := http.Get(n.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %s", resp.Status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("decode /openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	var served []string
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/v1/") {
			continue
		}
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch":
				served = append(served, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, r := range served {
		if !slices.Contains(clientRoutes, r) {
			t.Errorf("the server serves %s, which package client has no method for", r)
		}
	}
	for _, r := range clientRoutes {
		if !slices.Contains(served, r) {
			t.Errorf("package client calls %s, which the server's OpenAPI document does not list", r)
		}
	}
}

// TestProcessorLink links a processor tenant to a controller.
func TestProcessorLink(t *testing.T) {
	ctx := context.Background()
	d := newDeployment(t, sqliteBackend)
	opToken := d.operatorKey()
	n := d.start("a", nodeOptions{})
	op := n.client(opToken)
	if _, err := op.CreateTenant(ctx, client.Tenant{ID: "sdk", Name: "SDK Vendor", Kind: client.Processor}); err != nil {
		t.Fatal(err)
	}
	if _, err := op.CreateTenant(ctx, client.Tenant{ID: "app", Name: "App Developer", Kind: client.Controller}); err != nil {
		t.Fatal(err)
	}
	if tn, err := op.GetTenant(ctx, "sdk"); err != nil || tn.Kind != client.Processor {
		t.Fatalf("GetTenant = %+v, %v", tn, err)
	}
	l, err := op.LinkController(ctx, "sdk", "app")
	if err != nil || l.Processor != "sdk" || l.Controller != "app" || l.CreatedAt.IsZero() {
		t.Fatalf("LinkController = %+v, %v", l, err)
	}
	if _, err := op.LinkController(ctx, "sdk", "app"); !errors.Is(err, client.ErrConflict) {
		t.Errorf("linking twice: %v, want a 409", err)
	}
	if _, err := op.LinkController(ctx, "app", "sdk"); err == nil {
		t.Error("a controller was linked as a processor")
	}
}
