package drp_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"time"

	"github.com/trustee-dev/trustee/internal/drp"
)

// An agent signs a request in combined mode (DRP 3.07.1), and checks a
// status callback with the business's verify_key.
func Example() {
	_, agentKey, _ := ed25519.GenerateKey(bytes.NewReader(make([]byte, 64)))
	body := drp.Seal([]byte(`{"agent-id":"AGENT_A","business-id":"t1","exercise":"deletion"}`), agentKey)
	msg, err := drp.Open(body, agentKey.Public().(ed25519.PublicKey))
	fmt.Println(string(msg), err)

	verify, businessKey, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{1}, 64)))
	at := time.Date(2025, 3, 4, 2, 0, 0, 0, time.UTC)
	status := []byte(`{"request_id":"r1","status":"fulfilled"}`)
	hdr := http.Header{}
	drp.SignCallback(hdr, businessKey, "msg_1", at, status)
	fmt.Println(drp.VerifyCallback(verify, hdr, status, at.Add(time.Second), 0))
	// Output:
	// {"agent-id":"AGENT_A","business-id":"t1","exercise":"deletion"} <nil>
	// <nil>
}
