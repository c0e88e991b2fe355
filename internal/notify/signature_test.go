package notify_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/notify"
)

// The example of the Standard Webhooks specification and its reference
// libraries (github.com/standard-webhooks/standard-webhooks).
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specPayload   = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignSpecVector(t *testing.T) {
	got, err := notify.Sign(specSecret, specID, time.Unix(specTimestamp, 0), []byte(specPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != specSignature {
		t.Errorf("Sign = %q, want %q", got, specSignature)
	}
}

func specHeaders(sig string) http.Header {
	h := http.Header{}
	h.Set(notify.HeaderWebhookID, specID)
	h.Set(notify.HeaderWebhookTimestamp, strconv.Itoa(specTimestamp))
	h.Set(notify.HeaderWebhookSignature, sig)
	return h
}

func TestVerify(t *testing.T) {
	at := time.Unix(specTimestamp, 0)
	tests := []struct {
		name      string
		secret    string
		headers   http.Header
		payload   string
		now       time.Time
		tolerance time.Duration
		want      error
	}{
		{name: "spec example", headers: specHeaders(specSignature), now: at},
		{name: "within tolerance, late", headers: specHeaders(specSignature), now: at.Add(4 * time.Minute)},
		{name: "within tolerance, early", headers: specHeaders(specSignature), now: at.Add(-4 * time.Minute)},
		{name: "one of several signatures", headers: specHeaders("v1,Zm9v " + specSignature + " v2,YmFy"), now: at},
		{name: "tampered payload", headers: specHeaders(specSignature), payload: `{"test": 2432232315}`, now: at, want: notify.ErrSignatureMismatch},
		{name: "stale timestamp", headers: specHeaders(specSignature), now: at.Add(6 * time.Minute), want: notify.ErrTimestampOutOfRange},
		{name: "future timestamp", headers: specHeaders(specSignature), now: at.Add(-6 * time.Minute), want: notify.ErrTimestampOutOfRange},
		{name: "custom tolerance", headers: specHeaders(specSignature), now: at.Add(time.Minute), tolerance: 30 * time.Second, want: notify.ErrTimestampOutOfRange},
		{name: "wrong secret", secret: "whsec_" + strings.Repeat("A", 32), headers: specHeaders(specSignature), now: at, want: notify.ErrSignatureMismatch},
		{name: "other id", headers: func() http.Header {
			h := specHeaders(specSignature)
			h.Set(notify.HeaderWebhookID, "msg_other")
			return h
		}(), now: at, want: notify.ErrSignatureMismatch},
		{name: "other version only", headers: specHeaders(strings.Replace(specSignature, "v1,", "v2,", 1)), now: at, want: notify.ErrSignatureMismatch},
		{name: "no signature", headers: specHeaders(""), now: at, want: notify.ErrMissingHeaders},
		{name: "no headers", headers: http.Header{}, now: at, want: notify.ErrMissingHeaders},
		{name: "timestamp not a number", headers: func() http.Header {
			h := specHeaders(specSignature)
			h.Set(notify.HeaderWebhookTimestamp, "2021-02-26T00:00:00Z")
			return h
		}(), now: at, want: notify.ErrInvalidHeaders},
		{name: "secret without prefix", secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers: specHeaders(specSignature), now: at, want: notify.ErrInvalidSecret},
		{name: "secret not base64", secret: "whsec_!!!", headers: specHeaders(specSignature), now: at, want: notify.ErrInvalidSecret},
		{name: "secret too short", secret: "whsec_c2hvcnQ=", headers: specHeaders(specSignature), now: at, want: notify.ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret, payload := tt.secret, tt.payload
			if secret == "" {
				secret = specSecret
			}
			if payload == "" {
				payload = specPayload
			}
			err := notify.Verify(secret, tt.headers, []byte(payload), tt.now, tt.tolerance)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestGenerateSecret(t *testing.T) {
	a, b := notify.GenerateSecret(), notify.GenerateSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secrets %q, %q", a, b)
	}
	ts := time.Unix(1700000000, 0)
	sig, err := notify.Sign(a, "msg_1", ts, []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(notify.HeaderWebhookID, "msg_1")
	h.Set(notify.HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(notify.HeaderWebhookSignature, sig)
	if err := notify.Verify(a, h, []byte("{}"), ts, 0); err != nil {
		t.Fatal(err)
	}
	if err := notify.Verify(b, h, []byte("{}"), ts, 0); !errors.Is(err, notify.ErrSignatureMismatch) {
		t.Fatalf("other secret: %v", err)
	}
}

// FuzzVerify feeds Verify headers and bodies from outside: it must never
// panic, and it must accept only what Sign produces.
func FuzzVerify(f *testing.F) {
	f.Add(specID, strconv.Itoa(specTimestamp), specSignature, []byte(specPayload))
	f.Add("", "", "", []byte{})
	f.Add(specID, strconv.Itoa(specTimestamp), specSignature+",x", []byte(specPayload))
	f.Add("msg_x", "-1", "v1,", []byte("x"))
	f.Add("msg_x", "99999999999999999999", "v1,AAAA v1 ,,,", []byte("x"))
	f.Fuzz(func(t *testing.T, id, ts, sig string, payload []byte) {
		h := http.Header{}
		h.Set(notify.HeaderWebhookID, id)
		h.Set(notify.HeaderWebhookTimestamp, ts)
		h.Set(notify.HeaderWebhookSignature, sig)
		unix, _ := strconv.ParseInt(ts, 10, 64)
		now := time.Unix(unix, 0)
		if err := notify.Verify(specSecret, h, payload, now, time.Minute); err != nil {
			return
		}
		want, err := notify.Sign(specSecret, h.Get(notify.HeaderWebhookID), now, payload)
		if err != nil {
			t.Fatal(err)
		}
		// Accepting is only right when the header carries the true MAC.
		if !strings.Contains(h.Get(notify.HeaderWebhookSignature), strings.TrimPrefix(want, "v1,")) {
			t.Fatalf("Verify accepted %q, which holds no signature %q", sig, want)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	payload := []byte(strings.Repeat(`{"data":"x"}`, 100))
	ts := time.Unix(specTimestamp, 0)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := notify.Sign(specSecret, specID, ts, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	payload := []byte(strings.Repeat(`{"data":"x"}`, 100))
	ts := time.Unix(specTimestamp, 0)
	sig, err := notify.Sign(specSecret, specID, ts, payload)
	if err != nil {
		b.Fatal(err)
	}
	h := specHeaders(sig)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := notify.Verify(specSecret, h, payload, ts, 0); err != nil {
			b.Fatal(err)
		}
	}
}
