package api

import (
	"context"
	"sync"
	"time"
)

// Key cache: authentication looks every request's key up, and on the
// embedded store that read was an eighth of a collect request's CPU. So
// the store's answer for a key id is kept in memory for KeyCacheTTL.
//
// Revocation: the node that revokes a key forgets it at once, so the key
// stops working there immediately; every other node sharing the database
// (and a server running while `trustee keys revoke` edits the database
// behind it) stops accepting it within KeyCacheTTL, when its cached copy
// expires. Only keys the store found are cached (active or revoked):
// unknown ids always go to the store, so that guessing ids cannot fill
// the cache. The cache holds at most KeyCacheSize keys; the secret is
// checked against the cached hash on every request, as before.
const (
	KeyCacheTTL  = 2 * time.Second
	KeyCacheSize = 10_000
)

type keyCache struct {
	lookup KeyLookup
	ttl    time.Duration
	max    int
	now    func() time.Time

	mu sync.Mutex
	m  map[string]cachedKey
}

type cachedKey struct {
	rec     KeyRecord
	expires time.Time
}

// CachedKeys wraps lookup with an in-memory cache of ttl holding at most
// size keys. forget drops one key id, for use when it is revoked.
func CachedKeys(lookup KeyLookup, ttl time.Duration, size int) (cached KeyLookup, forget func(id string)) {
	c := &keyCache{lookup: lookup, ttl: ttl, max: max(size, 1), now: time.Now, m: make(map[string]cachedKey)}
	return c.get, c.forget
}

func (c *keyCache) get(ctx context.Context, id string) (KeyRecord, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.rec, nil
	}
	rec, err := c.lookup(ctx, id)
	if err != nil {
		if ok {
			c.forget(id)
		}
		return KeyRecord{}, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		for k := range c.m { // still full: drop arbitrary entries
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[id] = cachedKey{rec: rec, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return rec, nil
}

func (c *keyCache) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
