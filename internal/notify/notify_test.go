package notify_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/notify"
)

func TestMessageRedactsItself(t *testing.T) {
	m := notify.Message{
		To:      "王小明 <wangxm@example.cn>",
		Subject: "验证码 482913",
		Text:    "您的验证码是 482913",
		HTML:    "<b>482913</b>",
		Lang:    "zh-CN",
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("sending", "msg", m, "ptr", &m)
	// slog resolves LogValuer on attributes, not inside slices or maps: log
	// messages one by one.
	outs := []string{buf.String(), fmt.Sprint(m), fmt.Sprintf("%v %+v %#v %s", m, m, m, m), fmt.Sprintf("%v", &m)}
	for _, out := range outs {
		for _, secret := range []string{"wangxm", "王小明", "482913", "验证码"} {
			if strings.Contains(out, secret) {
				t.Errorf("output reveals %q: %s", secret, out)
			}
		}
	}
	if !strings.Contains(buf.String(), `"lang":"zh-CN"`) || !strings.Contains(buf.String(), `"to":"[redacted]"`) {
		t.Errorf("log lacks the message's shape: %s", buf.String())
	}
}

func TestErrorText(t *testing.T) {
	e := &notify.Error{Channel: notify.ChannelEmail, DeliveryID: "id-1@example.com", Op: "rcpt", Code: 550, Enhanced: "5.1.1", Attempts: 1, Err: notify.ErrRecipientRefused}
	if got, want := e.Error(), "notify: email delivery id-1@example.com: rcpt: status 550 5.1.1: recipient refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, notify.ErrRecipientRefused) {
		t.Error("errors.Is fails")
	}
	e = &notify.Error{Channel: notify.ChannelWebhook, DeliveryID: "msg_1", Op: "post", Code: 503, Attempts: 5, Err: notify.ErrUnavailable}
	if got, want := e.Error(), "notify: webhook delivery msg_1: post: status 503 after 5 attempts: peer unavailable"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
