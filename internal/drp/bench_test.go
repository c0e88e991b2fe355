package drp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/drp"
)

// BenchmarkOpen measures signature verification and decoding of an
// exercise body, the work every signed request does before the store.
func BenchmarkOpen(b *testing.B) {
	a := newAgent(b, "AGENT_A")
	msg, _ := json.Marshal(map[string]any{"agent-id": "AGENT_A", "business-id": "t1", "issued-at": "2025-03-04T02:00:00Z",
		"expires-at": "2025-03-04T02:05:00Z", "drp.version": "1.0", "exercise": "deletion", "email": email, "email_verified": true})
	body := drp.Seal(msg, a.priv)
	b.ReportAllocs()
	for b.Loop() {
		out, err := drp.Open(body, a.pub)
		if err != nil {
			b.Fatal(err)
		}
		var ex drp.Exercise
		if err := json.Unmarshal(out, &ex); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExercise measures a whole signed exercise over HTTP into a
// SQLite store (handler, rights.Service and store; no network).
func BenchmarkExercise(b *testing.B) {
	e := newEnv(b, openSQLite, loadDecl(b, "sobot-sdk.yaml"))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		m := e.exerciseMsg(e.agent, "deletion")
		m["agent-request-id"] = fmt.Sprintf("bench-%d", i)
		e.clk.Set(start.Add(time.Duration(i) * time.Millisecond))
		req := httptest.NewRequest("POST", "/drp/t1/v1/data-rights-request", bytes.NewReader(seal(b, m, e.agent.priv)))
		req.Header.Set("Authorization", "Bearer "+e.token)
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/request")
}
