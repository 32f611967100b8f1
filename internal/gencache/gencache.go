// Package gencache is a bounded map that keeps what was used lately: two
// generations, the older dropped whole when the newer fills up. A hit in
// the older generation moves the entry to the newer one. It costs a map
// access per look-up and holds between max and 2*max entries once warm.
// It is not safe for concurrent use.
package gencache

// Cache maps keys to values, keeping the ones used lately.
type Cache[K comparable, V any] struct {
	max       int
	cur, prev map[K]V
}

// New returns a cache of max entries per generation.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, cur: make(map[K]V)}
}

// Get returns the value of k, if kept.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.prev[k]
	if ok {
		c.Put(k, v)
	}
	return v, ok
}

// Put keeps v as the value of k.
func (c *Cache[K, V]) Put(k K, v V) {
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.max {
		c.prev, c.cur = c.cur, make(map[K]V, c.max)
	}
	c.cur[k] = v
}

// Reset drops every entry.
func (c *Cache[K, V]) Reset() {
	c.cur, c.prev = make(map[K]V), nil
}
