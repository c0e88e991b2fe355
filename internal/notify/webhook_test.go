package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/notify"
)

// receiver is a webhook endpoint that checks every request with
// notify.Verify and answers with the scripted statuses in turn (200 once
// they run out).
type receiver struct {
	t      *testing.T
	secret string
	clk    clock.Clock

	mu       sync.Mutex
	script   []response
	requests []receivedHook
}

type response struct {
	status     int
	retryAfter string
}

type receivedHook struct {
	ID, Timestamp, Signature string
	Body                     []byte
	VerifyErr                error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Errorf("reading body: %v", err)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	h := receivedHook{
		ID:        r.Header.Get(notify.HeaderWebhookID),
		Timestamp: r.Header.Get(notify.HeaderWebhookTimestamp),
		Signature: r.Header.Get(notify.HeaderWebhookSignature),
		Body:      body,
		VerifyErr: notify.Verify(rc.secret, r.Header, body, rc.clk.Now(), notify.DefaultTolerance),
	}
	rc.mu.Lock()
	rc.requests = append(rc.requests, h)
	resp := response{status: http.StatusOK}
	if len(rc.script) > 0 {
		resp, rc.script = rc.script[0], rc.script[1:]
	}
	rc.mu.Unlock()
	if h.VerifyErr != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if resp.retryAfter != "" {
		w.Header().Set("Retry-After", resp.retryAfter)
	}
	w.WriteHeader(resp.status)
	io.WriteString(w, `{"echo":"this body never reaches an error"}`)
}

func (rc *receiver) received() []receivedHook {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedHook(nil), rc.requests...)
}

// sleeper stands in for the wait between attempts: it records each delay
// and moves the fake clock on by it, at once.
type sleeper struct {
	clk    *clock.Fake
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	s.clk.Advance(d)
	return nil
}

type hookFixture struct {
	clk    *clock.Fake
	sl     *sleeper
	rc     *receiver
	url    string
	secret string
	w      *notify.Webhooks
}

func newHookFixture(t *testing.T, script []response, opts ...notify.WebhookOption) *hookFixture {
	t.Helper()
	clk := clock.NewFake(epoch)
	f := &hookFixture{clk: clk, sl: &sleeper{clk: clk}, secret: notify.GenerateSecret()}
	f.rc = &receiver{t: t, secret: f.secret, clk: clk, script: script}
	srv := httptest.NewServer(f.rc)
	t.Cleanup(srv.Close)
	f.url = srv.URL + "/hooks/trustee?token=endpoint-s3cret"
	f.w = notify.NewWebhooks(srv.Client(), clk, append([]notify.WebhookOption{notify.WithSleep(f.sl.sleep)}, opts...)...)
	return f
}

type forwarded struct {
	RequestID string `json:"request_id"`
	Kind      string `json:"kind"`
}

func TestWebhookDelivers(t *testing.T) {
	f := newHookFixture(t, nil)
	d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", forwarded{RequestID: "req_1", Kind: "access"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Channel != notify.ChannelWebhook || d.Attempts != 1 || !d.At.Equal(epoch) || !strings.HasPrefix(d.ID, "msg_") {
		t.Errorf("delivery = %+v", d)
	}
	got := f.rc.received()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	h := got[0]
	if h.VerifyErr != nil || h.ID != d.ID {
		t.Fatalf("received %+v", h)
	}
	var env struct {
		Type      string          `json:"type"`
		Timestamp time.Time       `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(strings.NewReader(string(h.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		t.Fatal(err)
	}
	if env.Type != "request.forwarded" || !env.Timestamp.Equal(epoch) || string(env.Data) != `{"request_id":"req_1","kind":"access"}` {
		t.Errorf("body = %s", h.Body)
	}
}

func TestWebhookRetriesUnavailable(t *testing.T) {
	f := newHookFixture(t, []response{{status: 503}, {status: 503}, {status: 200}})
	d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", forwarded{RequestID: "req_2"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", d.Attempts)
	}
	got := f.rc.received()
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3", len(got))
	}
	for i, h := range got {
		if h.ID != d.ID {
			t.Errorf("attempt %d has webhook-id %q, want %q throughout", i+1, h.ID, d.ID)
		}
		if h.VerifyErr != nil {
			t.Errorf("attempt %d: %v", i+1, h.VerifyErr)
		}
		if string(h.Body) != string(got[0].Body) {
			t.Errorf("attempt %d body changed", i+1)
		}
	}
	// Each attempt is signed at its own time.
	if got[0].Timestamp == got[2].Timestamp {
		t.Errorf("timestamps %q, %q: retries should be re-signed", got[0].Timestamp, got[2].Timestamp)
	}
	assertBackoff(t, f.sl.delays, 2)
	if want := epoch.Add(f.sl.delays[0] + f.sl.delays[1]); !d.At.Equal(want) {
		t.Errorf("At = %v, want the last attempt's %v", d.At, want)
	}
}

// assertBackoff checks n delays, each within the upper half of the
// doubling default schedule.
func assertBackoff(t *testing.T, delays []time.Duration, n int) {
	t.Helper()
	if len(delays) != n {
		t.Fatalf("slept %v, want %d waits", delays, n)
	}
	hi := notify.DefaultInitialDelay
	for i, d := range delays {
		if d < hi/2 || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, d, hi/2, hi)
		}
		hi = min(2*hi, notify.DefaultMaxDelay)
	}
}

func TestWebhookFinalStatus(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{http.StatusBadRequest, notify.ErrRejected},
		{http.StatusNotFound, notify.ErrRejected},
		{http.StatusGone, notify.ErrRejected},
		{http.StatusFound, notify.ErrRejected},
		{http.StatusUnauthorized, notify.ErrAuth},
		{http.StatusForbidden, notify.ErrAuth},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			f := newHookFixture(t, []response{{status: tt.status}})
			d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", forwarded{RequestID: "req_3"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *notify.Error
			if !errors.As(err, &e) || e.Code != tt.status || e.Temporary() || e.Attempts != 1 || e.DeliveryID != d.ID {
				t.Errorf("error = %#v", e)
			}
			if d.Attempts != 1 || len(f.rc.received()) != 1 || len(f.sl.delays) != 0 {
				t.Errorf("attempts %d, requests %d, waits %v", d.Attempts, len(f.rc.received()), f.sl.delays)
			}
			assertNoPersonalData(t, err, "req_3", "endpoint-s3cret", "echo", f.secret)
		})
	}
}

func TestWebhookHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter func(now time.Time) string
		want       time.Duration
	}{
		{"429 in seconds", http.StatusTooManyRequests, func(time.Time) string { return "7" }, 7 * time.Second},
		{"503 as a date", http.StatusServiceUnavailable, func(now time.Time) string { return now.Add(42 * time.Second).Format(http.TimeFormat) }, 42 * time.Second},
		{"408 with no header", http.StatusRequestTimeout, nil, -1},
		{"429 malformed", http.StatusTooManyRequests, func(time.Time) string { return "soon" }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := response{status: tt.status}
			if tt.retryAfter != nil {
				r.retryAfter = tt.retryAfter(epoch)
			}
			f := newHookFixture(t, []response{r})
			d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.status", forwarded{RequestID: "req_4"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Attempts != 2 {
				t.Errorf("attempts = %d", d.Attempts)
			}
			if tt.want < 0 {
				assertBackoff(t, f.sl.delays, 1)
				return
			}
			if len(f.sl.delays) != 1 || f.sl.delays[0] != tt.want {
				t.Errorf("waited %v, want [%v]", f.sl.delays, tt.want)
			}
		})
	}
}

func TestWebhookGivesUpAfterMaxAttempts(t *testing.T) {
	script := make([]response, 10)
	for i := range script {
		script[i] = response{status: http.StatusInternalServerError}
	}
	f := newHookFixture(t, script)
	d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", forwarded{RequestID: "req_5"})
	if !errors.Is(err, notify.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	var e *notify.Error
	if !errors.As(err, &e) || !e.Temporary() || e.Code != 500 || e.Attempts != notify.DefaultMaxAttempts {
		t.Errorf("error = %#v", e)
	}
	if d.Attempts != notify.DefaultMaxAttempts || len(f.rc.received()) != notify.DefaultMaxAttempts {
		t.Errorf("attempts %d, requests %d", d.Attempts, len(f.rc.received()))
	}
	assertBackoff(t, f.sl.delays, notify.DefaultMaxAttempts-1)
	t.Log(err)
}

func TestWebhookMaxAttemptsOption(t *testing.T) {
	f := newHookFixture(t, []response{{status: 502}, {status: 502}, {status: 502}}, notify.WithMaxAttempts(2))
	d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", nil)
	if !errors.Is(err, notify.ErrUnavailable) || d.Attempts != 2 {
		t.Fatalf("attempts %d, err %v", d.Attempts, err)
	}
}

func TestWebhookBoundedTotalTime(t *testing.T) {
	script := make([]response, 10)
	for i := range script {
		script[i] = response{status: http.StatusServiceUnavailable, retryAfter: "60"}
	}
	f := newHookFixture(t, script, notify.WithMaxAttempts(10), notify.WithMaxElapsed(2*time.Minute))
	d, err := f.w.Deliver(context.Background(), f.url, f.secret, "request.forwarded", nil)
	if !errors.Is(err, notify.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	// Attempts at 0s, 60s and 120s; a fourth at 180s would pass the bound.
	if d.Attempts != 3 || len(f.sl.delays) != 2 {
		t.Errorf("attempts %d, waits %v", d.Attempts, f.sl.delays)
	}
	if got := f.clk.Now().Sub(epoch); got != 2*time.Minute {
		t.Errorf("elapsed %v", got)
	}
}

func TestWebhookRetriesNetworkErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String() + "/hook?token=endpoint-s3cret"
	ln.Close() // nothing listens: connection refused
	clk := clock.NewFake(epoch)
	sl := &sleeper{clk: clk}
	w := notify.NewWebhooks(nil, clk, notify.WithSleep(sl.sleep), notify.WithMaxAttempts(3))
	d, err := w.Deliver(context.Background(), endpoint, notify.GenerateSecret(), "request.forwarded", nil)
	var e *notify.Error
	if !errors.As(err, &e) || !e.Temporary() || e.Code != 0 || d.Attempts != 3 {
		t.Fatalf("attempts %d, err %v", d.Attempts, err)
	}
	var ne *net.OpError
	if !errors.As(err, &ne) {
		t.Errorf("err %v does not wrap the network error", err)
	}
	assertNoPersonalData(t, err, "endpoint-s3cret", "/hook")
}

func TestWebhookContextCancelledWhileWaiting(t *testing.T) {
	f := newHookFixture(t, []response{{status: 503}})
	ctx, cancel := context.WithCancel(context.Background())
	w := notify.NewWebhooks(nil, f.clk, notify.WithSleep(func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}))
	d, err := w.Deliver(ctx, f.url, f.secret, "request.forwarded", nil)
	if !errors.Is(err, context.Canceled) || d.Attempts != 1 {
		t.Fatalf("attempts %d, err %v", d.Attempts, err)
	}
}

func TestWebhookRealSleepStopsWithContext(t *testing.T) {
	f := newHookFixture(t, []response{{status: 503}})
	w := notify.NewWebhooks(nil, f.clk, notify.WithBackoff(time.Hour, time.Hour), notify.WithMaxElapsed(24*time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := w.Deliver(ctx, f.url, f.secret, "request.forwarded", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("returned after %v", el)
	}
}

func TestWebhookRefusesBadInput(t *testing.T) {
	f := newHookFixture(t, nil)
	tests := map[string]struct {
		endpoint, secret, typ string
		payload               any
		want                  error
	}{
		"bad secret":       {f.url, "not-a-secret", "t", nil, notify.ErrInvalidSecret},
		"no type":          {f.url, f.secret, "", nil, notify.ErrInvalidMessage},
		"not http":         {"ftp://example.com/x", f.secret, "t", nil, notify.ErrConfig},
		"relative":         {"/hooks", f.secret, "t", nil, notify.ErrConfig},
		"not json":         {f.url, f.secret, "t", func() {}, notify.ErrInvalidMessage},
		"unmarshalable ch": {f.url, f.secret, "t", make(chan int), notify.ErrInvalidMessage},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := f.w.Deliver(context.Background(), tt.endpoint, tt.secret, tt.typ, tt.payload)
			if !errors.Is(err, tt.want) || d.Attempts != 0 {
				t.Fatalf("attempts %d, err %v, want %v", d.Attempts, err, tt.want)
			}
		})
	}
	if n := len(f.rc.received()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestWebhookDeliverEventKeepsID(t *testing.T) {
	f := newHookFixture(t, nil)
	ev := notify.Event{ID: "msg_job_42", Type: "request.forwarded", Time: epoch.Add(-time.Hour), Data: map[string]int{"n": 1}}
	d, err := f.w.DeliverEvent(context.Background(), f.url, f.secret, ev)
	if err != nil {
		t.Fatal(err)
	}
	got := f.rc.received()
	if d.ID != "msg_job_42" || len(got) != 1 || got[0].ID != "msg_job_42" {
		t.Fatalf("delivery %+v, received %+v", d, got)
	}
	if !strings.Contains(string(got[0].Body), `"timestamp":"2026-10-08T08:30:00Z"`) {
		t.Errorf("body %s does not carry the event's time", got[0].Body)
	}
}
