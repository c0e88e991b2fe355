// Package audit is trustee's tamper-evident record of every mutation.
//
// # Entries
//
// An [Entry] names who did what to which object, with field names and hashes
// only: it never holds personal data in clear. Entries are appended by the
// store in the same transaction as the change they record, numbered without
// gaps from 0, and each carries its RFC 6962 leaf hash.
//
// # Tamper evidence
//
// The entries are the leaves of a Merkle tree. Checkpoints of the tree are
// signed in the C2SP signed-note format; inclusion and consistency proofs
// show that an entry is in a checkpointed tree and that a later tree extends
// an earlier one. [Verify] re-checks everything and reports the first entry
// that was altered, removed or reordered.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"time"
)

// Entry is one audit record. Its fields hold identifiers, action names, field
// names and hashes; never personal data in clear.
type Entry struct {
	// Seq is the entry's index in the log, assigned by the store: 0, 1, 2...
	Seq int64 `json:"seq"`
	// Tenant is the tenant the action concerns; empty for instance-wide
	// actions (operator commands such as key rotation).
	Tenant string `json:"tenant,omitempty"`
	// At is when the action happened, from the injected clock, in UTC.
	At time.Time `json:"at"`
	// Actor names who acted: "apikey:<id>", "operator", "system:<job>".
	Actor string `json:"actor"`
	// Action is a stable verb such as "record.create" or "subject.shred".
	Action string `json:"action"`
	// ObjectType and ObjectID name the object acted on.
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`
	// Subject is the pseudonymous subject id, when the action concerns one.
	Subject string `json:"subject,omitempty"`
	// Fields lists declared field names touched by the action.
	Fields []string `json:"fields,omitempty"`
	// Details holds further non-personal facts (reason codes, counts,
	// purposes, hex digests), as string pairs.
	Details map[string]string `json:"details,omitempty"`
}

// Canonical returns the bytes the leaf hash is computed over. The encoding
// is deterministic: JSON with map keys sorted (encoding/json sorts them) and
// the time in RFC 3339 with nanoseconds, prefixed by the sequence number so
// that moving an entry changes its hash.
func (e Entry) Canonical() []byte {
	body := e.body()
	out := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint64(out, uint64(e.Seq))
	return append(out, body...)
}

// LeafHash returns the RFC 6962 leaf hash of the entry:
// SHA-256(0x00 || Canonical()).
func (e Entry) LeafHash() [32]byte {
	return leafOf(e.Seq, e.body())
}

// body is Canonical without its sequence number prefix: the entry as JSON.
func (e Entry) body() []byte {
	c := e
	c.At = c.At.UTC()
	body, err := json.Marshal(c)
	if err != nil {
		// Entry has only strings, ints, a time and a string map: Marshal
		// cannot fail on it.
		panic("audit: marshal entry: " + err.Error())
	}
	return body
}

// leafOf returns SHA-256(0x00 || seq as 8 bytes big-endian || body), the
// leaf hash of the entry whose canonical JSON is body.
func leafOf(seq int64, body []byte) [32]byte {
	var prefix [9]byte // 0x00, then the sequence number
	binary.BigEndian.PutUint64(prefix[1:], uint64(seq))
	h := sha256.New()
	h.Write(prefix[:])
	h.Write(body)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
