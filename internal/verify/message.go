package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/notify"
)

// language maps a BCP 47 tag to the languages messages are written in.
func language(tag string) string {
	t := strings.ToLower(tag)
	if t == "zh" || strings.HasPrefix(t, "zh-") || strings.HasPrefix(t, "zh_") {
		return "zh"
	}
	return "en"
}

// minutes is d in whole minutes, rounded up.
func minutes(d time.Duration) int {
	return int((d + time.Minute - 1) / time.Minute)
}

// message writes the code's message. The code is in the body only: the
// subject line shows in notifications and lock screens, and is kept by
// mail servers' logs.
func message(method Method, lang, product, code string, ttl time.Duration) notify.Message {
	n := minutes(ttl)
	m := notify.Message{Lang: lang}
	switch {
	case method == MethodSMS && lang == "zh":
		// Chinese SMS conventionally opens with the sender's name in 【】.
		m.Text = fmt.Sprintf("【%s】您的个人信息权利请求验证码为 %s，%d 分钟内有效。请勿将验证码告诉他人。", product, code, n)
	case method == MethodSMS:
		m.Text = fmt.Sprintf("%s: your verification code for your privacy request is %s. It is valid for %s. Do not share it.", product, code, pluralMinutes(n))
	case lang == "zh":
		m.Subject = fmt.Sprintf("%s：个人信息权利请求验证码", product)
		m.Text = fmt.Sprintf("您好：\n\n"+
			"您向%s提交了一项个人信息权利请求（如查阅、复制、更正或删除您的个人信息）。为确认是您本人，请输入以下验证码：\n\n"+
			"    %s\n\n"+
			"验证码 %d 分钟内有效。请勿将验证码告诉任何人，我们的工作人员不会向您索要。\n\n"+
			"如果这项请求不是您提交的，请忽略本邮件：没有验证码，任何人都无法继续处理该请求。\n",
			product, code, n)
	default:
		m.Subject = fmt.Sprintf("%s: verification code for your privacy request", product)
		m.Text = fmt.Sprintf("Hello,\n\n"+
			"You made a request to %s about your personal information (for example to access, copy, correct or delete it). "+
			"To confirm it is you, enter this code:\n\n"+
			"    %s\n\n"+
			"The code is valid for %s. Do not share it with anyone; our staff will never ask you for it.\n\n"+
			"If you did not make this request, ignore this message: without the code, nobody can take it further.\n",
			product, code, pluralMinutes(n))
	}
	return m
}

func pluralMinutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}
