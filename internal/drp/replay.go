package drp

import (
	"crypto/sha256"
	"sync"
	"time"
)

// replayCache remembers accepted signed messages until they expire, so
// that the same message is accepted once (3.07: "a data rights request
// represents a single action of one user acting against one covered
// business one time"). It holds digests of signatures and agent request
// ids, never message content. It is per process: behind several trustee
// nodes a message could be accepted once per node within its lifetime.
type replayCache struct {
	mu    sync.Mutex
	seen  map[[sha256.Size]byte]time.Time
	sweep time.Time
}

// maxReplayEntries bounds the cache; beyond it new messages are refused
// until old ones expire.
const maxReplayEntries = 1 << 20

// first records keys until expires and reports whether none was seen
// before. Keys are recorded only when all are new.
func (c *replayCache) first(now, expires time.Time, keys ...[]byte) (fresh, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[[sha256.Size]byte]time.Time{}
	}
	if now.Sub(c.sweep) > time.Minute || len(c.seen) >= maxReplayEntries {
		for k, exp := range c.seen {
			if !now.Before(exp) {
				delete(c.seen, k)
			}
		}
		c.sweep = now
	}
	sums := make([][sha256.Size]byte, len(keys))
	for i, k := range keys {
		sums[i] = sha256.Sum256(k)
		if exp, ok := c.seen[sums[i]]; ok && now.Before(exp) {
			return false, false
		}
	}
	if len(c.seen)+len(sums) > maxReplayEntries {
		return false, true
	}
	for _, s := range sums {
		c.seen[s] = expires
	}
	return true, false
}
