package export_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/notify"
)

// receiver is another controller's endpoint: it verifies each push with
// notify.Verify and keeps the webhook-ids and bodies it accepted,
// dropping duplicates by webhook-id.
type receiver struct {
	secret string
	status int // answered after a valid push; 0 means 204

	mu     sync.Mutex
	ids    []string
	bodies map[string][]byte
	bad    []error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := notify.Verify(rc.secret, r.Header, body, time.Now(), 0); err != nil {
		rc.bad = append(rc.bad, err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Method != http.MethodPost {
		rc.bad = append(rc.bad, errors.New("not a JSON POST"))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id := r.Header.Get(notify.HeaderWebhookID)
	rc.ids = append(rc.ids, id)
	if rc.bodies == nil {
		rc.bodies = map[string][]byte{}
	}
	if _, dup := rc.bodies[id]; !dup {
		rc.bodies[id] = body
	}
	if rc.status != 0 {
		w.WriteHeader(rc.status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestPush(t *testing.T) {
	v := openVault(t, backends[0])
	populate(t, v)
	e := build(t, v, "t1", "alice")
	secret := notify.GenerateSecret()
	ctx := context.Background()

	rc := &receiver{secret: secret}
	srv := httptest.NewServer(rc) // http://127.0.0.1:port: loopback
	defer srv.Close()
	for range 2 { // a retry of the same export
		if err := export.Push(ctx, nil, srv.URL+"/import?token=s3cret", secret, e, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(rc.bad) > 0 {
		t.Fatalf("receiver refused: %v", rc.bad)
	}
	if len(rc.ids) != 2 || rc.ids[0] != rc.ids[1] || rc.ids[0] != e.PushID() || !strings.HasPrefix(rc.ids[0], "msg_") {
		t.Errorf("webhook-ids %v, want the same %s twice", rc.ids, e.PushID())
	}
	var doc jsonDoc
	if err := json.Unmarshal(rc.bodies[e.PushID()], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != export.SchemaV1 || doc.Subject != "alice" || len(doc.Records) != 5 {
		t.Errorf("pushed document: schema %q subject %q %d records", doc.Schema, doc.Subject, len(doc.Records))
	}

	// A later export of the same subject is another message.
	e2 := build(t, v, "t1", "alice")
	if e2.PushID() == e.PushID() {
		t.Error("two exports share a webhook-id")
	}

	// https works with the server's client.
	tls := httptest.NewTLSServer(&receiver{secret: secret})
	defer tls.Close()
	if err := export.Push(ctx, tls.Client(), tls.URL, secret, e, time.Now()); err != nil {
		t.Errorf("https push: %v", err)
	}
}

func TestPushErrors(t *testing.T) {
	v := openVault(t, backends[0])
	populate(t, v)
	e := build(t, v, "t1", "alice")
	secret := notify.GenerateSecret()
	ctx := context.Background()

	// Every request any test makes goes through rt, so that a refused URL
	// is seen to send nothing.
	rt := &countingTransport{next: http.DefaultTransport}
	client := &http.Client{Transport: rt}

	tests := []struct {
		name      string
		url       string
		secret    string
		status    int
		want      error
		temporary bool
		sent      bool
	}{
		{"plain http to another host", "http://example.com/import?token=s3cret", secret, 0, export.ErrPushURL, false, false},
		{"plain http to a private address", "http://10.0.0.1/import?token=s3cret", secret, 0, export.ErrPushURL, false, false},
		{"ftp", "ftp://127.0.0.1/import?token=s3cret", secret, 0, export.ErrPushURL, false, false},
		{"no host", "https:///import?token=s3cret", secret, 0, export.ErrPushURL, false, false},
		{"not a URL", "://token=s3cret", secret, 0, export.ErrPushURL, false, false},
		{"bad secret", "", "s3cret", 0, notify.ErrInvalidSecret, false, false},
		{"receiver down", "", secret, http.StatusServiceUnavailable, export.ErrPushUnavailable, true, true},
		{"rate limited", "", secret, http.StatusTooManyRequests, export.ErrPushUnavailable, true, true},
		{"receiver refuses", "", secret, http.StatusUnprocessableEntity, export.ErrPushRejected, false, true},
		{"redirect", "", secret, http.StatusTemporaryRedirect, export.ErrPushRejected, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			rc := &receiver{secret: secret, status: tt.status}
			if url == "" {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if tt.status/100 == 3 {
						w.Header().Set("Location", "http://example.com/elsewhere")
					}
					rc.ServeHTTP(w, r)
				}))
				defer srv.Close()
				url = srv.URL + "/import?token=s3cret"
			}
			before := rt.n.Load()
			err := export.Push(ctx, client, url, tt.secret, e, time.Now())
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var pe *export.PushError
			if !errors.As(err, &pe) || pe.Temporary() != tt.temporary || pe.ID != e.PushID() {
				t.Errorf("error %#v: temporary %t, want %t", err, pe != nil && pe.Temporary(), tt.temporary)
			}
			if tt.status != 0 && pe.Status != tt.status {
				t.Errorf("status %d, want %d", pe.Status, tt.status)
			}
			if sent := rt.n.Load() > before; sent != tt.sent || sent != (len(rc.ids) > 0) {
				t.Errorf("sent %t (received %d), want %t", sent, len(rc.ids), tt.sent)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "example.com") {
				t.Errorf("error names the URL or secret: %v", err)
			}
			noMarkers(t, "error", err.Error())
		})
	}

	// A receiver that does not answer: unavailable, without the URL.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/import?token=s3cret"
	srv.Close()
	err := export.Push(ctx, nil, url, secret, e, time.Now())
	var pe *export.PushError
	if !errors.As(err, &pe) || !pe.Temporary() || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("closed receiver: %v", err)
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}
