// Package notify delivers trustee's messages to people and systems: email
// over SMTP, signed webhooks, and text messages through an HTTP SMS gateway.
//
// Rights requests use it for one-time codes and answers, incidents for the
// notices the law requires, and entrusted parties for forwarding requests to
// the controller that owns the data.
//
// # Senders
//
// [SMTP] and [SMS] implement [Sender]: one method that takes a [Message] and
// returns a [Delivery] that the caller records. A Delivery is returned even
// when sending fails, so its ID and attempt count can be recorded with the
// failure. Neither retries: a failed send returns an [*Error] whose
// [Error.Temporary] says whether a later attempt may succeed, and the durable
// job runner decides when to try again.
//
// # Webhooks
//
// [Webhooks.Deliver] signs each request as the Standard Webhooks
// specification says (https://www.standardwebhooks.com): headers webhook-id,
// webhook-timestamp and webhook-signature, the signature being
// "v1,"+base64(HMAC-SHA256(key, id+"."+timestamp+"."+body)) with a secret of
// the form "whsec_"+base64(key). Signing uses the specification's reference
// Go library. A delivery keeps its webhook-id across retries, so receivers
// can drop duplicates, and is signed afresh at every attempt. It retries
// network errors, 408, 429 and 5xx with exponential backoff and jitter,
// honouring Retry-After, within a bounded number of attempts and a bounded
// total time; any other status is final. Receivers check requests with
// [Verify], which also bounds the timestamp's age to resist replays.
//
// # Personal data
//
// A recipient's address or phone number and a message's subject and body are
// personal data. They never appear in errors, logs or panics: [Message]
// redacts itself through slog.LogValuer, String and GoString, and an [*Error]
// names the channel, the delivery ID and the protocol stage and status, never
// the recipient nor the peer's reply once the recipient was sent (SMTP servers
// echo addresses in their replies). Secrets (the SMTP password, the gateway's
// token) are redacted the same way.
//
// # Time
//
// Time comes from an injected [clock.Clock]; the pause between webhook
// retries comes from an injectable sleep function, so tests and dry runs never
// wait.
//
// All types in this package are safe for concurrent use once constructed.
package notify
