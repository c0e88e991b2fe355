package smtptest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/trustee-dev/trustee/internal/notify"
	"github.com/trustee-dev/trustee/internal/notify/smtptest"
)

// A test sends through trustee's SMTP client and reads the message back,
// decoded. In a test, smtptest.Start(t, ...) and srv.WaitFor(t, ...) do the
// error handling and cleanup.
func Example() {
	srv, err := smtptest.Listen(smtptest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	sender, err := notify.NewSMTP(srv.URL("privacy@example.com"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sender.Send(ctx, notify.Message{
		To:      "ada@example.org",
		Subject: "验证码 / Verification code",
		Text:    "Your code is 271828.",
	}); err != nil {
		log.Fatal(err)
	}

	m, err := srv.Next(ctx, "ada@example.org")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Subject)
	fmt.Println(m.Text)
	// Output:
	// 验证码 / Verification code
	// Your code is 271828.
}
