package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/notify"
)

// gateway is an HTTP SMS gateway: it checks the bearer token and the JSON
// strictly, and answers with status and body.
type gateway struct {
	t      *testing.T
	token  string
	status int
	body   string

	mu   sync.Mutex
	got  []smsReceived
	keys []string
}

type smsReceived struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want a JSON POST", http.StatusUnsupportedMediaType)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+g.token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	var m smsReceived
	if err := dec.Decode(&m); err != nil || m.To == "" || m.Text == "" {
		http.Error(w, fmt.Sprintf("bad request for %s", m.To), http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.got = append(g.got, m)
	g.keys = append(g.keys, r.Header.Get("Idempotency-Key"))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(g.status)
	fmt.Fprint(w, g.body)
}

func startGateway(t *testing.T, g *gateway) *httptest.Server {
	t.Helper()
	g.t = t
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv
}

func TestSMSSends(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		wantID string // "" means the generated Idempotency-Key
	}{
		{"gateway id", http.StatusAccepted, `{"id":"gw-8f2a","status":"queued"}`, "gw-8f2a"},
		{"no id", http.StatusOK, `{"status":"queued"}`, ""},
		{"not json", http.StatusCreated, `queued`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gateway{token: "tok-123", status: tt.status, body: tt.body}
			srv := startGateway(t, g)
			clk := clock.NewFake(epoch)
			s := notify.NewSMSGateway(srv.URL+"/v1/messages", "tok-123", srv.Client(), notify.WithSMSClock(clk))
			m := notify.Message{To: "+8613800138000", Subject: "ignored", Text: "【trustee】您的验证码是 482913，10分钟内有效。", Lang: "zh-CN"}
			d, err := s.Send(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.got) != 1 || g.got[0].To != m.To || g.got[0].Text != m.Text {
				t.Fatalf("gateway received %+v", g.got)
			}
			want := tt.wantID
			if want == "" {
				want = g.keys[0]
				if !strings.HasPrefix(want, "sms_") {
					t.Errorf("Idempotency-Key %q", want)
				}
			}
			if d.Channel != notify.ChannelSMS || d.ID != want || d.Attempts != 1 || !d.At.Equal(epoch) {
				t.Errorf("delivery = %+v, want ID %q", d, want)
			}
		})
	}
}

func TestSMSFailures(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		status    int
		want      error
		temporary bool
	}{
		{"wrong token", "other", http.StatusOK, notify.ErrAuth, false},
		{"unavailable", "tok", http.StatusServiceUnavailable, notify.ErrUnavailable, true},
		{"rate limited", "tok", http.StatusTooManyRequests, notify.ErrUnavailable, true},
		{"rejected", "tok", http.StatusUnprocessableEntity, notify.ErrRejected, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gateway{token: "tok", status: tt.status, body: `{"error":"for +8613800138000"}`}
			srv := startGateway(t, g)
			s := notify.NewSMSGateway(srv.URL, tt.token, srv.Client())
			d, err := s.Send(context.Background(), notify.Message{To: "+8613800138000", Text: "code 482913"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *notify.Error
			if !errors.As(err, &e) || e.Temporary() != tt.temporary || e.DeliveryID != d.ID || e.Channel != notify.ChannelSMS {
				t.Errorf("error = %#v", e)
			}
			assertNoPersonalData(t, err, "13800138000", "482913", tt.token)
		})
	}
}

func TestSMSInvalidMessage(t *testing.T) {
	g := &gateway{token: "tok", status: 200}
	srv := startGateway(t, g)
	s := notify.NewSMSGateway(srv.URL, "tok", srv.Client())
	for name, m := range map[string]notify.Message{
		"no number":     {Text: "t"},
		"national form": {To: "13800138000", Text: "t"},
		"letters":       {To: "+86138ABC38000", Text: "t"},
		"too long":      {To: "+8613800138000123", Text: "t"},
		"no text":       {To: "+8613800138000", HTML: "<p>t</p>"},
	} {
		t.Run(name, func(t *testing.T) {
			d, err := s.Send(context.Background(), m)
			if !errors.Is(err, notify.ErrInvalidMessage) || d.Attempts != 0 {
				t.Fatalf("attempts %d, err %v", d.Attempts, err)
			}
			assertNoPersonalData(t, err, "13800138000", "138ABC")
		})
	}
	if len(g.got) != 0 {
		t.Errorf("gateway received %d messages", len(g.got))
	}
}

func TestSMSDoesNotPrintToken(t *testing.T) {
	s := notify.NewSMSGateway("https://sms.example.com/send?key=k3y", "tok-secret", nil)
	for _, out := range []string{s.String(), fmt.Sprintf("%v %+v %#v", s, s, s), s.LogValue().String()} {
		if strings.Contains(out, "tok-secret") || strings.Contains(out, "k3y") || !strings.Contains(out, "sms.example.com") {
			t.Errorf("printed as %q", out)
		}
	}
}
