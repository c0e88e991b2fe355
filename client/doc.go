// Package client is the Go client of trustee's HTTP API (/v1).
//
// A [Client] holds the server's base URL and one API key. Every method
// takes a context, sends one request and returns the decoded response or
// an error. A Client is safe for concurrent use by many goroutines.
//
//	c := client.New("https://trustee.example.com", os.Getenv("TRUSTEE_API_KEY"))
//	ids, err := c.Collect(ctx, "user-42", []client.NewRecord{
//		{Field: "email", Purpose: "account", Value: "ada@example.com"},
//	})
//	if reason, ok := client.IsRefused(err); ok {
//		// the declaration or the subject's choices forbid it: reason says why
//	}
//
// # Keys and tenants
//
// An API key, trk_<id>_<secret>, belongs either to one tenant (a
// controller or a processor) or to the instance operator. A tenant key
// acts on its own tenant: the methods without a tenant argument. An
// operator key acts only on tenants ([Client.CreateTenant],
// [Client.GetTenant], [Client.CreateKey], ...). The first operator key is
// made on the server with `trustee keys create --operator`.
//
// # Errors
//
// The server answers errors as RFC 9457 problems; the client returns them
// as [*Problem], with a stable machine Code, the HTTP Status, the Field at
// fault and, for a refusal, the Rule (the articles of law) that refused.
// Use [errors.As] to read one, [errors.Is] with [ErrNotFound] and its
// siblings to test the status, and [IsRefused] to tell a refusal of the
// decision engine (code such as [ReasonNoConsent]) from other errors.
// Transport failures are returned as they come from net/http, wrapped.
//
// # Personal data
//
// Record values are personal data. [NewRecord] and [Record] redact their
// values when logged with log/slog, and no error this package returns
// carries a value or a path: errors name the route pattern, such as
// POST /v1/subjects/{subject}/records, never the subject. A [Key]'s
// [Token] prints as REDACTED; convert it with string() to use it.
package client
