package export_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/policy"
)

// Explain answers "how do you process my data?" for the fields a subject
// has values of, from the tenant's active declaration.
func ExampleExplain() {
	data, err := os.ReadFile("../../examples/sopi.yaml")
	if err != nil {
		panic(err)
	}
	doc, err := policy.Parse("sopi.yaml", data)
	if err != nil {
		panic(err)
	}
	md, err := export.Explain(doc.Decl, "en", []string{"username"})
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "###") {
			fmt.Println(line)
		}
	}
	// Output:
	// # How we process your personal information
	// ## 1. How we collect and use your personal information
	// ## 2. Device permissions
	// ## 3. How we share, transfer and publicly disclose your personal information
	// ## 4. How we store your personal information
	// ## 5. How long we keep your personal information
	// ## 6. Your rights
	// ## 7. How to contact us
}

// Push hands an export to another controller, which checks the Standard
// Webhooks signature before it trusts the data.
func ExamplePush() {
	secret := notify.GenerateSecret() // shared with the receiver beforehand
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var doc struct {
			Schema  string            `json:"schema"`
			Subject string            `json:"subject"`
			Records []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		fmt.Println("received", doc.Schema, "of", doc.Subject, "with", len(doc.Records), "records")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer receiver.Close()

	// Usually from export.Build; a literal here.
	e := &export.Export{Tenant: "t1", Subject: "alice", GeneratedAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		Records: []export.Record{{ID: "0196...", Field: "username", Purpose: "service_provision", Value: []byte("Alice")}}}
	err := export.Push(context.Background(), nil, receiver.URL, secret, e, time.Now())
	fmt.Println("pushed:", err == nil)
	// Output:
	// received trustee.export/v1 of alice with 1 records
	// pushed: true
}
