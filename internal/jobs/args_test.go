package jobs_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/jobs"
)

// deliveryArgs is a job kind with the shapes job args take.
type deliveryArgs struct {
	Tenant   string            `json:"tenant"`
	Delivery string            `json:"delivery"`
	Due      time.Time         `json:"due"`
	Attempts int               `json:"attempts"`
	Tags     []string          `json:"tags,omitempty"`
	Extra    map[string]string `json:"extra,omitempty"`
}

func (deliveryArgs) Kind() string { return "test.delivery" }

func TestCheckArgs(t *testing.T) {
	ok := deliveryArgs{Tenant: "acme", Delivery: "msg_0193f2a4-7c1e-7b3a-9d1e-2f6c8a9b0c1d",
		Due: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC), Attempts: 3,
		Tags: []string{"request.due", "pipl:art50"}, Extra: map[string]string{"region": "cn-north-1"}}
	if err := jobs.CheckArgs(ok); err != nil {
		t.Fatalf("ids, codes, a UTC time and numbers: %v", err)
	}
	for _, tc := range []struct {
		name  string
		args  deliveryArgs
		field string
	}{
		{"e-mail", deliveryArgs{Delivery: "ana@example.com"}, "delivery"},
		{"phone", deliveryArgs{Delivery: "+8613800138000"}, "delivery"},
		{"bare phone", deliveryArgs{Delivery: "13800138000"}, "delivery"},
		{"one-time code", deliveryArgs{Tenant: "482913"}, "tenant"},
		{"free text", deliveryArgs{Tenant: "please delete my account"}, "tenant"},
		{"local time", deliveryArgs{Due: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))}, "due"},
		{"in a list", deliveryArgs{Tags: []string{"ok", "Ana Lima"}}, "tags[1]"},
		{"in a map value", deliveryArgs{Extra: map[string]string{"to": "ana@example.com"}}, "extra.to"},
		{"in a map key", deliveryArgs{Extra: map[string]string{"ana@example.com": "x"}}, "extra"},
		{"too long", deliveryArgs{Tenant: strings.Repeat("a", 201)}, "tenant"},
	} {
		err := jobs.CheckArgs(tc.args)
		var ae *jobs.ArgsError
		if !errors.As(err, &ae) || !errors.Is(err, jobs.ErrPersonalData) {
			t.Errorf("%s: got %v, want an ArgsError", tc.name, err)
			continue
		}
		if ae.Field != tc.field || ae.Kind != "test.delivery" {
			t.Errorf("%s: error names field %q of %q, want %q", tc.name, ae.Field, ae.Kind, tc.field)
		}
		for _, leak := range []string{"ana", "Ana", "8613", "482913", "please"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: the error repeats the value: %v", tc.name, err)
			}
		}
	}
}

func FuzzCheckArgs(f *testing.F) {
	f.Add("acme", "msg_1")
	f.Add("ana@example.com", "+86 138")
	f.Fuzz(func(t *testing.T, tenant, delivery string) {
		err := jobs.CheckArgs(deliveryArgs{Tenant: tenant, Delivery: delivery})
		if err == nil {
			return
		}
		var ae *jobs.ArgsError
		if !errors.As(err, &ae) {
			t.Fatalf("not an ArgsError: %v", err)
		}
		if len(tenant) > 3 && strings.Contains(err.Error(), tenant) && !strings.Contains(jobsMessage, tenant) {
			t.Fatalf("the error repeats the value %q: %v", tenant, err)
		}
	})
}

// jobsMessage is the fixed text of an ArgsError, which a fuzzed value may
// happen to be part of.
var jobsMessage = (&jobs.ArgsError{Kind: "test.delivery", Field: "tenant", Why: ""}).Error() +
	"delivery has characters an id or a code never has (spaces, @, +, ...) is a bare number written as a string, as phone numbers and one-time codes are is longer than 200 characters has a key that is not an id or a code"
