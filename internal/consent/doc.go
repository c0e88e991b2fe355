// Package consent is trustee's decision engine, consent ledger and
// consent-receipt format.
//
// The engine answers one question, fast: may subject S's field F be
// processed for purpose P now, and if not, why? ([Engine.Decide]). It
// holds no database code: it reads declarations and subject state through
// a [Source], and learns of changes made elsewhere through
// [Engine.Invalidate], [Engine.InvalidateTenant], [Engine.Apply] or a
// [Feed] it follows.
//
// # The store
//
// [StoreSource] is the Source of a store.Store, and [AuditFeed] the Feed
// of its audit log: every node appends an audit entry with each change, so
// a node following the log learns what the others changed. [Ledger] writes
// the consent ledger (grants, withdrawals, Sec-GPC opt-outs), each event
// with its audit entry in one transaction, and tells the engine.
//
// # Rules
//
// A decision checks the declaration (purpose, field, the field's purpose,
// legal basis), then the subject (status, age, consent, opt-out of sale and
// sharing, OS permission, region and transfer), in the order
// [Engine.Decide] documents; the first rule that fails gives the
// [Reason], a Detail naming only ids, and the articles of law behind it.
//
// # Snapshots and caching
//
// Each tenant's active declaration is compiled once per version into an
// immutable snapshot: index maps, a field-by-purpose bit matrix, the
// permissions exposing each field, per-purpose flags and a plan per
// region. Tenants are found through an atomic pointer to a copy-on-write
// map. Each subject's state is compiled against the snapshot (consents by
// purpose index, re-consent already decided from policy.Diff of the
// version consented to, granted permissions as bitsets per device) and
// cached in a sync.Map of immutable entries, bounded in size. A decision
// on a warm cache takes no lock and does not allocate when allowed.
//
// Invalidation is race-free: a load that started before an invalidation
// does not leave its stale result in the cache, so a decision that starts
// after [Engine.Invalidate] returns sees the new state — a withdrawal
// stops processing at once (PIPL Art. 15; GDPR Art. 7(3)).
//
// # Receipts
//
// [NewReceipt] turns a consent ledger event into a receipt in the shape of
// a Kantara Consent Receipt v1.1 / ISO/IEC TS 27560 record, and
// [CheckGrant] validates a grant against the declaration before it is
// recorded.
package consent
