package followup

import (
	"strings"
	"sync"
)

// wordCache memoises a pure function of one word (its lemma or Snowball
// stem): news prose repeats a vocabulary of some tens of thousands of
// words, and working them out again for every story was much of Analyze's
// cost. It is safe for concurrent use and bounded: when full it starts
// afresh, which costs a few recomputations and never changes a result.
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

// scratch holds what Analyze works with and throws away (tokens, masks,
// entities, sentences, mentions, known names, maps), reused through a
// pool: none of it outlives the analysis, and allocating it anew for every
// story cost more than the analysis itself.
type scratch struct {
	toks      []token
	bools     []bool
	ents      []entity
	sents     []sentence
	ms, found []mention
	known     knownNames
	// Maps Analyze works in, empty between uses.
	alone   map[string]bool
	fullest map[string]string
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{toks: make([]token, 0, 1024), bools: make([]bool, 0, 1024), ents: make([]entity, 0, 256),
		alone: map[string]bool{}, fullest: map[string]string{}}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// tokens tokenizes s into the slab, as a slice that appends cannot reach.
// replaced says that s has had its quotes replaced already.
func (sc *scratch) tokens(s string, replaced bool) []token {
	start := len(sc.toks)
	if replaced {
		sc.toks = appendTokensReplaced(sc.toks, s)
	} else {
		sc.toks = appendTokens(sc.toks, s)
	}
	return sc.toks[start:len(sc.toks):len(sc.toks)]
}

// mask returns n false values from the slab.
func (sc *scratch) mask(n int) []bool {
	if len(sc.bools)+n > cap(sc.bools) {
		sc.bools = make([]bool, 0, max(2*cap(sc.bools), n))
	}
	start := len(sc.bools)
	sc.bools = sc.bools[:start+n]
	return sc.bools[start : start+n : start+n]
}

// sentences returns n zero sentences.
func (sc *scratch) sentences(n int) []sentence {
	if cap(sc.sents) < n {
		sc.sents = make([]sentence, n)
	}
	sc.sents = sc.sents[:n]
	return sc.sents
}

// entities returns an empty slice with room for n entities from the slab
// (a fresh one without a scratch).
func (sc *scratch) entities(n int) []entity {
	if sc == nil {
		return make([]entity, 0, n)
	}
	if len(sc.ents)+n > cap(sc.ents) {
		sc.ents = make([]entity, 0, max(2*cap(sc.ents), n))
	}
	start := len(sc.ents)
	sc.ents = sc.ents[:start+n]
	return sc.ents[start : start : start+n]
}

// release clears the slabs (no story text stays reachable) and returns
// them to the pool, unless a very long story made them too big to keep.
func (sc *scratch) release() {
	clear(sc.toks)
	clear(sc.bools)
	clear(sc.ents)
	clear(sc.sents)
	clear(sc.ms)
	clear(sc.found)
	sc.known.reset()
	clear(sc.alone)
	clear(sc.fullest)
	if cap(sc.toks) > 1<<14 || cap(sc.bools) > 1<<16 || cap(sc.ents) > 1<<12 || cap(sc.known.names) > 1<<10 || len(sc.known.heads) > 1<<11 {
		return
	}
	sc.toks, sc.bools, sc.ents, sc.sents = sc.toks[:0], sc.bools[:0], sc.ents[:0], sc.sents[:0]
	sc.ms, sc.found = sc.ms[:0], sc.found[:0]
	scratchPool.Put(sc)
}
