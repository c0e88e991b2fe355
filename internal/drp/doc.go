// Package drp serves the Data Rights Protocol (DRP) 1.0 endpoints of a
// Privacy Infrastructure Provider (PIP) for trustee's tenants, the Covered
// Businesses: Authorized Agents submit, query and revoke data-rights
// requests, which become trustee rights requests (internal/rights), and
// are told of status changes through their status callback.
//
// The protocol is Consumer Reports' "Data Rights Protocol" (DRP 1.0, which
// its authors state is unchanged from 0.9.4). Section numbers in this
// package's comments refer to that document.
//
// # Endpoints
//
// [Handler.Mount] registers, under a prefix such as "/drp/{tenant}":
//
//	GET    /.well-known/data-rights.json         business discovery document (3.05.2)
//	POST   /v1/agent/{agent_id}                  pair-wise key setup (2.05)
//	GET    /v1/agent/{agent_id}                  agent information (2.06)
//	POST   /v1/data-rights-request               data rights exercise (2.01)
//	GET    /v1/data-rights-request/{request_id}  data rights status (2.02)
//	DELETE /v1/data-rights-request/{request_id}  data rights revoke (2.04)
//
// # Signed requests
//
// Signed bodies follow 3.07 and 3.07.1: the base64 of a 64-byte Ed25519
// signature followed by the JSON message it signs ("combined mode"),
// verified with the agent's registered public key ([Handler.Agents]). They
// are checked in the order 3.07 gives: signature, agent-id against the
// bearer token's agent, business-id against the tenant, issued-at not in
// the future (beyond [Handler.Skew]), expires-at not past, and, beyond the
// specification, a lifetime of at most [Handler.MaxLifetime] and no replay
// of a message already accepted. The revoke body is checked the same way,
// so it must carry agent-id, business-id, issued-at and expires-at besides
// reason: 2.04 requires 3.07's validation, which reads those claims.
//
// # Bearer tokens
//
// The pair-wise token of 2.05 is stateless: it carries the agent id, a
// random nonce and an HMAC over tenant, agent, nonce and the agent's
// current public key, keyed from [Handler.Key]. Revoking or rotating the
// agent's key, or changing Key, invalidates every token issued for it.
//
// # Status callbacks
//
// [Handler.Callback] POSTs the Exercise Status object (3.03) to the
// agent's registered callback URL (2.03). DRP does not say how a callback
// is authenticated; trustee signs it as Standard Webhooks' asymmetric
// scheme does: headers webhook-id, webhook-timestamp and webhook-signature
// "v1a,<base64 Ed25519 signature of id.timestamp.body>", by [Handler.Key],
// whose public half the discovery document publishes as verify_key.
// [VerifyCallback] is the agent's side of that check.
//
// # Privacy
//
// Identity claims (3.04) are personal data: they are handed to
// [Handler.Identify] and dropped. They are never logged, stored, audited
// or echoed in an error; [Claims] redacts itself when printed or logged.
// The revoke reason, free text from the user, is not kept either. What
// this package records is ids and codes: the trustee request's channel is
// "drp:<agent-id>" or "drp:<agent-id>:<agent-request-id>".
package drp
