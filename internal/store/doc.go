// Package store defines trustee's storage: the entities it keeps, the
// [Store] that holds them, and the rules every implementation obeys. The
// implementations are in sqlite (embedded, the default) and postgres (for
// scale); storetest is the conformance suite both pass in full.
//
// # Transactions
//
// All access goes through transactions: [Store.Read] gives a [Reader] over
// one consistent snapshot; [Store.Write] gives a [Tx] and commits if the
// function returns nil, rolls back otherwise. Feature packages take the
// narrow interface they need (often just [Reader]).
//
// # Every mutation is audited
//
// A write transaction that changes data must append at least one audit
// entry with [Tx.Audit], in the same transaction; otherwise [Store.Write]
// rolls it back and returns [ErrUnaudited]. The rule is enforced by
// [GuardWrite], which every implementation runs fn through. Audit entries
// are numbered 0, 1, 2... without gaps, in commit order, even under
// concurrent writers and rollbacks; each is stored with its leaf hash, and
// [Store] implements [audit.Log] for verification and checkpoints.
//
// # Tenancy
//
// Every entity but [Tenant] belongs to one tenant, and every method takes
// the tenant: no query reads, counts, finds or deletes across tenants. Ids
// are unique within a tenant only. Three exceptions are deliberate:
// [Reader.GetAPIKey] finds a key by its id alone, because authentication
// learns the tenant from the key (API key ids are unique in the instance);
// an [APIKey] with no tenant belongs to the instance operator; and a
// [TenantLink] joins a processor tenant to a controller tenant.
//
// # Change feed
//
// The audit log is the change feed: see [Store].
//
// # Pagination and order
//
// Listings are keyset-paginated ([Page]): ascending by id (bytewise), or by
// Seq for the consent ledger and declaration versions. Short per-subject
// or per-tenant lists (guardians, permission states, tenant links) come
// whole, in key order. Record ids are UUIDv7, so records list in
// creation order.
//
// # Times
//
// Times are kept in UTC at microsecond [Precision]. A zero creation or
// event time is stamped from the store's clock, one instant per
// transaction.
//
// # Errors
//
// [ErrNotFound], [ErrConflict] and [ErrUnaudited] are sentinels for
// [errors.Is]; bad input returns an [*InvalidError] naming the field, and
// nothing is written. No error text holds personal data: ids and names
// only.
//
// # Implementing a Store
//
// A backend implements [Reader] and [Tx] on its transactions and runs
// callers' functions through [GuardReader] and [GuardWrite], which check
// and normalise arguments and enforce the audit rule; it must pass
// storetest.Run.
package store
