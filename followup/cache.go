package followup

import (
	"strings"
	"sync"
)

// wordCache memoises a pure function of one word (a lemma, a Snowball
// stem): news prose repeats a vocabulary of some tens of thousands of
// words, and computing them again for every story was most of Analyze's
// cost. It is safe for concurrent use and bounded: when full it starts
// afresh, which costs a few recomputations and never changes a result.
type wordCache struct {
	f   func(string) string
	max int

	mu sync.RWMutex
	m  map[string]string
}

func newWordCache(max int, f func(string) string) *wordCache {
	return &wordCache{f: f, max: max, m: make(map[string]string)}
}

func (c *wordCache) get(w string) string {
	c.mu.RLock()
	v, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return v
	}
	// w is often a slice of a whole story: keep a copy, not the story.
	w = strings.Clone(w)
	v = c.f(w)
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = make(map[string]string, c.max/4)
	}
	c.m[w] = v
	c.mu.Unlock()
	return v
}
