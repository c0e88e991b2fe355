package notify

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, wrapped by [*Error] and tested with errors.Is.
var (
	// ErrInvalidMessage: the message cannot be sent as it is (no recipient,
	// a malformed address or phone number, no body, a line break in the
	// subject). Nothing was sent.
	ErrInvalidMessage = errors.New("invalid message")
	// ErrAuth: the peer refused trustee's credentials (SMTP AUTH, an HTTP
	// 401 or 403).
	ErrAuth = errors.New("authentication refused")
	// ErrRecipientRefused: the SMTP server refused the recipient.
	ErrRecipientRefused = errors.New("recipient refused")
	// ErrRejected: the peer refused the message (an SMTP 5xx reply, an HTTP
	// status that is not worth retrying).
	ErrRejected = errors.New("message rejected")
	// ErrUnavailable: the peer failed in a way that may pass (an SMTP 4xx
	// reply, HTTP 408, 429 or 5xx), and no attempt is left.
	ErrUnavailable = errors.New("peer unavailable")
	// ErrTLSUnavailable: TLS is required but the SMTP server does not offer
	// STARTTLS.
	ErrTLSUnavailable = errors.New("server does not offer STARTTLS")
	// ErrInsecureAuth: credentials would travel in clear to a host that is
	// not the loopback interface.
	ErrInsecureAuth = errors.New("refusing to send credentials without TLS")
	// ErrConfig: a sender's configuration is invalid.
	ErrConfig = errors.New("invalid configuration")
)

// Error is a failed delivery. Its text names the channel, the delivery ID,
// the stage and the peer's status, and never the recipient, the message, or
// a peer's reply that may echo the recipient.
type Error struct {
	// Channel is ChannelEmail, ChannelWebhook or ChannelSMS.
	Channel string
	// DeliveryID is the [Delivery.ID] of the failed delivery.
	DeliveryID string
	// Op is the stage that failed: "validate", "dial", "starttls", "auth",
	// "mail", "rcpt", "data", "post".
	Op string
	// Code is the peer's status: an SMTP reply code or an HTTP status; 0
	// when the peer gave none (a network error).
	Code int
	// Enhanced is the SMTP enhanced status code ("5.1.1"), if any.
	Enhanced string
	// Reply is the peer's reply text, kept only for stages before the
	// recipient was sent, and capped in length.
	Reply string
	// Attempts counts the requests made.
	Attempts int
	// Err is the cause: a sentinel of this package, or a network or context
	// error (whose text names the peer's address, never the recipient).
	Err error

	temporary bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("notify: ")
	b.WriteString(e.Channel)
	b.WriteString(" delivery")
	if e.DeliveryID != "" {
		b.WriteString(" ")
		b.WriteString(e.DeliveryID)
	}
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Code != 0 {
		b.WriteString(": status ")
		b.WriteString(strconv.Itoa(e.Code))
		if e.Enhanced != "" {
			b.WriteString(" ")
			b.WriteString(e.Enhanced)
		}
	}
	if e.Reply != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Reply))
	}
	if e.Attempts > 1 {
		b.WriteString(" after ")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether a later attempt may succeed: network errors,
// SMTP 4xx replies, HTTP 408, 429 and 5xx.
func (e *Error) Temporary() bool { return e.temporary }

// capReply shortens a peer's reply for [Error.Reply].
func capReply(s string) string {
	const max = 200
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}
