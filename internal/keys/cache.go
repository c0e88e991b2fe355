package keys

import "sync"

// lru is a size-bounded, least-recently-used map, safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]*lruNode[K, V]
	head  lruNode[K, V] // sentinel: head.next is the most recently used
}

type lruNode[K comparable, V any] struct {
	key        K
	val        V
	prev, next *lruNode[K, V]
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	c := &lru[K, V]{max: max, items: make(map[K]*lruNode[K, V])}
	c.head.prev, c.head.next = &c.head, &c.head
	return c
}

func (c *lru[K, V]) unlink(n *lruNode[K, V]) {
	n.prev.next, n.next.prev = n.next, n.prev
}

func (c *lru[K, V]) pushFront(n *lruNode[K, V]) {
	n.prev, n.next = &c.head, c.head.next
	c.head.next.prev = n
	c.head.next = n
}

// get returns the value for k and marks it used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	if c.head.next != n {
		c.unlink(n)
		c.pushFront(n)
	}
	return n.val, true
}

// put stores v for k unless keep(old) says the value already there must be
// kept (keep may be nil), evicting the least recently used entry when full.
// It returns the value k now has.
func (c *lru[K, V]) put(k K, v V, keep func(old V) bool) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[k]; ok {
		if keep == nil || !keep(n.val) {
			n.val = v
		}
		c.unlink(n)
		c.pushFront(n)
		return n.val
	}
	if len(c.items) >= c.max {
		last := c.head.prev
		c.unlink(last)
		delete(c.items, last.key)
	}
	n := &lruNode[K, V]{key: k, val: v}
	c.items[k] = n
	c.pushFront(n)
	return v
}

// remove drops k.
func (c *lru[K, V]) remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[k]; ok {
		c.unlink(n)
		delete(c.items, k)
	}
}

// len returns the number of entries.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
