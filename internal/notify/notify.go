package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Channels name how a [Delivery] travelled.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
	ChannelSMS     = "sms"
)

// Sender sends one message to one recipient. Implementations are [*SMTP] and
// [*SMS].
type Sender interface {
	// Send delivers m and returns the delivery's record. The record is
	// returned on failure too, with the ID the attempt used, so the caller
	// can log it; the error is then an [*Error].
	Send(ctx context.Context, m Message) (Delivery, error)
}

// Message is one notification to one person.
//
// To, Subject, Text and HTML are personal data: a Message logs and prints
// itself without them (see [Message.LogValue]).
type Message struct {
	// To is the recipient: an email address ("a@example.com" or
	// "Name <a@example.com>") for [SMTP], an E.164 phone number
	// ("+8613800138000") for [SMS].
	To string
	// Subject is the email subject; SMS ignores it.
	Subject string
	// Text is the plain-text body. SMS sends Text only.
	Text string
	// HTML is an optional HTML body; email sends it as an alternative to
	// Text.
	HTML string
	// Lang is the BCP 47 language tag of the content ("en", "zh-CN"), sent
	// as Content-Language.
	Lang string
}

var _ slog.LogValuer = Message{}

// LogValue logs the message's shape (language, lengths) and never its
// recipient, subject or body.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("to", redacted(m.To)),
		slog.String("lang", m.Lang),
		slog.Int("subject_len", len(m.Subject)),
		slog.Int("text_len", len(m.Text)),
		slog.Int("html_len", len(m.HTML)),
	)
}

// String describes m as LogValue does, so %v and %+v reveal nothing.
func (m Message) String() string {
	return fmt.Sprintf("notify.Message{To:%s Lang:%q Subject:%d bytes Text:%d bytes HTML:%d bytes}",
		redacted(m.To), m.Lang, len(m.Subject), len(m.Text), len(m.HTML))
}

// GoString is String, so %#v reveals nothing either.
func (m Message) GoString() string { return m.String() }

func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Delivery records one message handed to a channel.
type Delivery struct {
	// Channel is ChannelEmail, ChannelWebhook or ChannelSMS.
	Channel string
	// ID identifies the delivery: the email's Message-ID (without angle
	// brackets), the webhook-id, or the SMS gateway's message id when it
	// returns one (otherwise the Idempotency-Key sent).
	ID string
	// At is when the last attempt was made.
	At time.Time
	// Attempts counts the requests made to the peer (0 when the message was
	// refused before any).
	Attempts int
}

// LogValue logs the delivery; it holds no personal data.
func (d Delivery) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("channel", d.Channel),
		slog.String("id", d.ID),
		slog.Time("at", d.At),
		slog.Int("attempts", d.Attempts),
	)
}
