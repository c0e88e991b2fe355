package vault

import (
	"context"
	"sync"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
)

// Group commit. A write transaction's fixed cost (BEGIN, the audit head,
// COMMIT and its WAL write or fsync) dwarfs that of one record, and every
// transaction that appends to the audit log takes the log's head in turn
// (SQLite has one writer; PostgreSQL locks the head row until commit), so
// concurrent small [Vault.PutRecords] calls share one write transaction:
// while a commit runs, the calls that arrive queue, and the next of them
// to lead commits the whole queue at once. A call arriving when no commit
// runs commits alone at once, so grouping adds no latency; it only forms
// under load. On PostgreSQL it tripled single-record collection over HTTP
// and cut its p99 by more than half: without it, each call waited for the
// head row lock of every call before it, each with its own fsync.
//
// Every member keeps its guarantees: its subject is checked inside the
// shared transaction and a member whose check fails is left out with its
// error while the others go on; each member writes its own records and its
// own audit entry, and a member is acknowledged only after the shared
// transaction commits. If a write in the shared transaction fails (or the
// commit does), nothing of it is kept and every member is retried alone,
// in its own transaction with its own context, so one member's failure
// never becomes another's.
const (
	// groupMaxRecords is the most records a call may have to join a group;
	// bigger batches are their own transaction anyway.
	groupMaxRecords = 64
	// groupMaxMembers bounds one shared transaction.
	groupMaxMembers = 256
)

// committer groups the write transactions of concurrent PutRecords calls.
// Its zero value is ready.
type committer struct {
	mu    sync.Mutex
	busy  bool // a leader is committing
	queue []*groupMember
}

type groupMember struct {
	ctx     context.Context
	tenant  string
	subject string
	recs    []store.Record
	entry   audit.Entry

	err  error
	wake chan bool // true: lead the next group; false: done, err is set
}

// commitRecords stores recs and entry for one PutRecords call in a write
// transaction, shared with concurrent calls when recs is small.
func (v *Vault) commitRecords(ctx context.Context, tenant, subject string, recs []store.Record, entry audit.Entry) error {
	if len(recs) > groupMaxRecords {
		return v.store.Write(ctx, func(tx store.Tx) error { return writeMember(ctx, tx, subject, tenant, recs, entry) })
	}
	m := &groupMember{ctx: ctx, tenant: tenant, subject: subject, recs: recs, entry: entry, wake: make(chan bool, 1)}
	c := &v.group
	c.mu.Lock()
	if c.busy {
		c.queue = append(c.queue, m)
		c.mu.Unlock()
		if lead := <-m.wake; !lead {
			return m.err
		}
		// Led here: m is the first of the queue.
		c.mu.Lock()
	} else {
		c.busy = true
		c.queue = append(c.queue, m)
	}
	n := min(len(c.queue), groupMaxMembers)
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.mu.Unlock()

	v.commitGroup(ctx, batch)

	// Hand over: the first waiting call leads the next group.
	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].wake <- true
	} else {
		c.busy = false
		c.queue = nil
	}
	c.mu.Unlock()
	return m.err
}

// commitGroup commits batch in one transaction and sets each member's err,
// waking every member but the leader (batch[0]).
func (v *Vault) commitGroup(ctx context.Context, batch []*groupMember) {
	defer func() {
		for _, m := range batch[1:] {
			m.wake <- false
		}
	}()
	if len(batch) == 1 {
		m := batch[0]
		m.err = v.store.Write(m.ctx, func(tx store.Tx) error { return writeMember(m.ctx, tx, m.subject, m.tenant, m.recs, m.entry) })
		return
	}
	refused := make([]error, len(batch))
	n := 0
	for _, m := range batch {
		n += len(m.recs)
	}
	recs := make([]store.Record, 0, n)
	entries := make([]audit.Entry, 0, len(batch))
	err := v.store.Write(ctx, func(tx store.Tx) error {
		clear(refused)
		recs, entries = recs[:0], entries[:0]
		for i, m := range batch {
			if err := m.ctx.Err(); err != nil {
				refused[i] = err
				continue
			}
			s, err := tx.GetSubject(ctx, m.tenant, m.subject)
			if err == nil {
				err = writable(s)
			}
			if err != nil {
				refused[i] = err // left out
				continue
			}
			recs = append(recs, m.recs...)
			entries = append(entries, m.entry)
		}
		if len(entries) == 0 {
			return nil
		}
		// The members' records in one multi-row insert and their audit
		// entries in one append, in member order: a statement per group
		// rather than per member.
		if err := tx.InsertRecords(ctx, recs); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, entries...)
		return err
	})
	if err == nil {
		for i, m := range batch {
			m.err = refused[i]
		}
		return
	}
	// The shared transaction left nothing behind: each member alone.
	for _, m := range batch {
		m.err = v.store.Write(m.ctx, func(tx store.Tx) error { return writeMember(m.ctx, tx, m.subject, m.tenant, m.recs, m.entry) })
	}
}

// writeMember is one PutRecords call's writes: the subject must exist and
// be writable; then its records and its audit entry.
func writeMember(ctx context.Context, tx store.Tx, subject, tenant string, recs []store.Record, entry audit.Entry) error {
	s, err := tx.GetSubject(ctx, tenant, subject)
	if err != nil {
		return err
	}
	if err := writable(s); err != nil {
		return err
	}
	if err := tx.InsertRecords(ctx, recs); err != nil {
		return err
	}
	_, err = tx.Audit(ctx, entry)
	return err
}
