package followup

import (
	"strings"
	"sync"
)

// wordCache memoises a pure function of one word (its lexeme, lemma or
// Snowball stem): news prose repeats a vocabulary of some tens of
// thousands of words, and working them out again for every story was most
// of Analyze's cost. It is safe for concurrent use and bounded: when full
// it starts afresh, which costs a few recomputations and never changes a
// result.
type wordCache[V any] struct {
	f   func(string) V
	max int

	mu sync.RWMutex
	m  map[string]V
}

func newWordCache[V any](max int, f func(string) V) *wordCache[V] {
	return &wordCache[V]{f: f, max: max, m: make(map[string]V)}
}

func (c *wordCache[V]) get(w string) V {
	c.mu.RLock()
	v, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return v
	}
	// w is often a slice of a whole story: keep a copy, not the story.
	return c.add(strings.Clone(w))
}

// getBytes is get(string(b)) without making the string for a known word.
func (c *wordCache[V]) getBytes(b []byte) V {
	c.mu.RLock()
	v, ok := c.m[string(b)]
	c.mu.RUnlock()
	if ok {
		return v
	}
	return c.add(string(b))
}

func (c *wordCache[V]) add(w string) V {
	v := c.f(w)
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = make(map[string]V, c.max/4)
	}
	c.m[w] = v
	c.mu.Unlock()
	return v
}
