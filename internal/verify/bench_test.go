package verify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/verify"
)

// benchChallenge returns a challenge holding a code, and the code.
func benchChallenge(b *testing.B) (*verify.Verifier, verify.Challenge, string) {
	r := newRig(b)
	var sms recordSender
	r.v.SMS = &sms
	var ch verify.Challenge
	if _, err := r.v.Send(context.Background(), &ch, smsReq("+8613800138000", "en")); err != nil {
		b.Fatal(err)
	}
	return r.v, ch, codeRE.FindString(sms.last.Text)
}

func BenchmarkCheck(b *testing.B) {
	b.Run("right", func(b *testing.B) {
		v, ch, code := benchChallenge(b)
		for b.Loop() {
			c := ch
			if err := v.Check(&c, tenant, requestID, code); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wrong", func(b *testing.B) {
		v, ch, code := benchChallenge(b)
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		for b.Loop() {
			c := ch
			if err := v.Check(&c, tenant, requestID, wrong); !errors.Is(err, verify.ErrWrongCode) {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCheckAssertion(b *testing.B) {
	r := newAppRig(b)
	tok, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, 5*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("valid", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.v.CheckAssertion(ctx, tenant, requestID, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("garbage", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.v.CheckAssertion(ctx, tenant, requestID, "eyJhbGciOiJub25lIn0.e30."); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}

func BenchmarkSignAssertion(b *testing.B) {
	r := newAppRig(b)
	for b.Loop() {
		if _, err := verify.SignAssertion(r.priv, "k1", tenant, subject, requestID, epoch, 5*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
