package dedupe

import (
	"cmp"
	"math/bits"
	"slices"
)

// memory holds the lookup side of the index: the LSH buckets of recent
// signatures (kept as sketches), the open clusters with the inverted index of words to them,
// and the document frequencies. Looking these up in SQLite cost most of a
// story's time (three multi-row queries, each ~0.2 ms in the pure-Go
// driver); in memory they cost microseconds. The database stays the record:
// memory is loaded from it and rebuilt whenever a transaction rolls back.
//
// Buckets are chained hash tables keyed by hash alone (no key is stored):
// a chain may hold entries of other keys that share its slot, and each hit
// is checked against its story's sketch. Postings hold their word's key.
// That keeps an entry to 8-24 bytes where a Go map of slices costs ~60.
type memory struct {
	sigs     []sigEntry // in filing order
	live     int        // sigs at the last sweep
	buckets  chains[uint32]
	clusters map[int64]*clusterEntry
	postings chains[posting]
	swept    int // clusters at the last sweep

	// Document frequencies by term key; the written ones count the
	// stories up to id written, the others are in unwritten stories'
	// delta, to write.
	df        map[int64]int64
	delta     map[int64]int64
	unwritten int   // stories counted in delta
	written   int64 // id of the last story counted in the store
	last      int64 // id of the last story counted
}

// markKey is the term key under which the store keeps the id of the last
// story its counts include (no real term hashes to 0, or only once in 2^64).
const markKey = 0

type sigEntry struct {
	id, published, duplicateOf, storyline int64
	sig                                   Sketch
}

type clusterEntry struct {
	size             int
	started, updated int64 // Unix seconds
	terms            []int64
}

// posting files a cluster under a term key: the whole key, as chains share
// slots (16 bytes either way, with the padding a half key left).
type posting struct {
	cluster int64
	key     int64
}

// chains is a hash table of singly linked chains in two flat slices.
type chains[V any] struct {
	heads []uint32 // slot -> index+1 of the newest node, 0 for none
	nodes []node[V]
}

type node[V any] struct {
	v    V
	next uint32
}

// reset empties the table, sized for n entries in at least slots slots.
func (c *chains[V]) reset(n, slots int) {
	size := 1 << max(10, bits.Len(uint(slots-1)))
	c.heads = make([]uint32, size)
	c.nodes = make([]node[V], 0, n)
}

func (c *chains[V]) add(key uint64, v V) {
	slot := key & uint64(len(c.heads)-1)
	c.nodes = append(c.nodes, node[V]{v: v, next: c.heads[slot]})
	c.heads[slot] = uint32(len(c.nodes))
}

// each calls fn for every entry in key's chain, newest first, until it
// returns false.
func (c *chains[V]) each(key uint64, fn func(V) bool) {
	for i := c.heads[key&uint64(len(c.heads)-1)]; i != 0 && fn(c.nodes[i-1].v); i = c.nodes[i-1].next {
	}
}

func newMemory(snap Snapshot) *memory {
	m := &memory{clusters: make(map[int64]*clusterEntry, len(snap.Clusters)), df: snap.Terms, delta: map[int64]int64{}}
	if m.df == nil {
		m.df = map[int64]int64{}
	}
	m.written = m.df[markKey]
	m.last = m.written
	delete(m.df, markKey)
	for _, s := range snap.Signatures {
		if len(s.Signature) != NumHashes {
			continue // not a signature of this version
		}
		sig := Signature(s.Signature)
		m.sigs = append(m.sigs, sigEntry{id: s.StoryID, published: s.Published.Unix(), duplicateOf: s.DuplicateOf, storyline: s.Storyline, sig: sig.Sketch()})
	}
	m.reindexSigs()
	for _, c := range snap.Clusters {
		m.clusters[c.ID] = &clusterEntry{size: c.Size, started: c.Started.Unix(), updated: c.Updated.Unix(), terms: c.Terms}
	}
	m.reindexClusters()
	return m
}

// grown is the size a table sized for n is swept at: each sweep copies
// and rehashes what is left, so a story pays for its removal a few times
// over, where waiting for twice the size held up to twice the memory.
func grown(n int) int { return max(n, 512) * 5 / 4 }

// reindexSigs rebuilds the LSH buckets from sigs, sized to fill up to the
// next sweep without growing.
func (m *memory) reindexSigs() {
	m.live = len(m.sigs)
	m.sigs = slices.Grow(m.sigs, grown(m.live)-m.live)
	// A slot for every two entries: each band key is shared by few, and
	// the walk checks them as it goes.
	n := Bands * grown(m.live)
	m.buckets.reset(n, n/2)
	for i := range m.sigs {
		for _, k := range m.sigs[i].sig.BandKeys() {
			m.buckets.add(uint64(k), uint32(i))
		}
	}
}

func (m *memory) reindexClusters() {
	m.swept = len(m.clusters)
	n := 0
	for _, c := range m.clusters {
		n += len(c.terms)
	}
	// Twice as many slots as entries: a word is filed under up to
	// thousands of clusters, and a rare word sharing its slot would walk
	// them all.
	m.postings.reset(grown(n), 2*grown(n))
	// Filed oldest first, so that chains run newest first as when built
	// one story at a time.
	ids := make([]int64, 0, len(m.clusters))
	for id := range m.clusters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, t := range m.clusters[id].terms {
			m.postings.add(uint64(t), posting{cluster: id, key: t})
		}
	}
}

// addSig files a story's signature under its band keys.
func (m *memory) addSig(e sigEntry, keys *[Bands]uint64) {
	m.sigs = append(m.sigs, e)
	i := uint32(len(m.sigs) - 1)
	for _, k := range keys {
		m.buckets.add(k, i)
	}
}

// sweepSigs drops the signatures published before cutoff once the table
// has grown by a quarter since the last sweep: amortised, each story pays
// for its own removal.
func (m *memory) sweepSigs(cutoff int64) {
	if len(m.sigs) < grown(m.live) {
		return
	}
	m.sigs = slices.DeleteFunc(m.sigs, func(e sigEntry) bool { return e.published < cutoff })
	m.sigs = slices.Clip(m.sigs)
	m.reindexSigs()
}

func (m *memory) sweepClusters(cutoff int64) {
	if len(m.clusters) < grown(m.swept) {
		return
	}
	for id, c := range m.clusters {
		if c.updated < cutoff {
			delete(m.clusters, id)
		}
	}
	m.reindexClusters()
}

// nearCandidates returns the stories published at or after since that share
// at least one band with sig, most shared bands first, then by id, at most
// limit.
func (m *memory) nearCandidates(sig *Sketch, keys *[Bands]uint64, since int64, limit int) []*sigEntry {
	var found []uint32 // an entry once for each band it shares
	for b, k := range keys {
		band := sig.band(b)
		m.buckets.each(k, func(i uint32) bool {
			if e := &m.sigs[i]; e.published >= since && e.sig.band(b) == band {
				found = append(found, i)
			}
			return true
		})
	}
	if len(found) == 0 {
		return nil
	}
	slices.Sort(found)
	type hit struct{ i, n uint32 }
	hits := make([]hit, 0, len(found))
	for _, i := range found {
		if n := len(hits); n > 0 && hits[n-1].i == i {
			hits[n-1].n++
		} else {
			hits = append(hits, hit{i, 1})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(m.sigs[a.i].id, m.sigs[b.i].id))
	})
	out := make([]*sigEntry, 0, min(len(hits), limit))
	for _, h := range hits[:min(len(hits), limit)] {
		out = append(out, &m.sigs[h.i])
	}
	return out
}

// maxPostingWalk bounds the clusters read per lookup word: the newest ones
// filed under it. A story's lookup words are its rarest, so in news they
// are filed under a few clusters; a word filed under hundreds tells little.
const maxPostingWalk = 256

// clusterCandidates returns at most limit clusters filed under any of keys
// and updated at or after since: those filed under most of them first, then
// the most recently updated, then by id.
func (m *memory) clusterCandidates(keys []int64, since int64, limit int) []int64 {
	type hit struct {
		id, updated int64
		n, last     int
	}
	var hits []hit
	at := map[int64]int{} // cluster -> its hit
	for ki, k := range keys {
		seen := 0
		m.postings.each(uint64(k), func(p posting) bool {
			if p.key != k {
				return true
			}
			if seen++; seen > maxPostingWalk {
				return false // a word this common says little: its newest clusters will do
			}
			c := m.clusters[p.cluster]
			if c == nil || c.updated < since {
				return true
			}
			i, ok := at[p.cluster]
			if !ok {
				i = len(hits)
				at[p.cluster] = i
				hits = append(hits, hit{id: p.cluster, updated: c.updated})
			}
			if h := &hits[i]; h.last != ki+1 { // once per key
				h.n, h.last = h.n+1, ki+1
			}
			return true
		})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(b.updated, a.updated), cmp.Compare(a.id, b.id))
	})
	out := make([]int64, 0, min(len(hits), limit))
	for _, h := range hits[:min(len(hits), limit)] {
		out = append(out, h.id)
	}
	return out
}

// maxFiled bounds the words a storyline is filed under. Each story adds
// its heaviest words, so a storyline of a thousand stories was filed under
// thousands, rewritten with it at every story; past the bound it keeps the
// newer half, the words of its latest stories, where it is going. Entries
// for the words it leaves stay in the chains until the next sweep: a
// look-up may still find it by them, as before.
const maxFiled = 256

// fileCluster records a cluster's new state and files it under the keys it
// is not yet filed under; it returns the cluster's full list of keys.
func (m *memory) fileCluster(c StoryCluster, keys []int64) []int64 {
	e := m.clusters[c.ID]
	if e == nil {
		e = &clusterEntry{}
		m.clusters[c.ID] = e
	}
	e.size, e.started, e.updated = c.Size, c.Started.Unix(), c.Updated.Unix()
	old := e.terms
	if len(old)+len(keys) > maxFiled {
		e.terms = slices.Clone(old[len(old)/2:])
	}
	for _, k := range keys {
		if slices.Contains(e.terms, k) {
			continue
		}
		e.terms = append(e.terms, k)
		if !slices.Contains(old, k) { // the old keys are in the chains
			m.postings.add(uint64(k), posting{cluster: c.ID, key: k})
		}
	}
	return e.terms
}

// count counts one more document holding words (which must be distinct)
// and returns their document frequencies, this one included, and the
// number of documents. Only words are counted: a pair is taken to be as
// rare as its rarer word, as counting pairs would grow the counts by a few
// rows per story for ever (most pairs are seen once).
func (m *memory) count(words []string) (map[string]int64, int64) {
	df := make(map[string]int64, 2*len(words))
	if len(words) == 0 {
		return df, m.df[docsKey]
	}
	m.unwritten++
	m.df[docsKey]++
	m.delta[docsKey]++
	for _, w := range words {
		k := TermKey(w)
		m.df[k]++
		m.delta[k]++
		df[w] = m.df[k]
	}
	return df, m.df[docsKey]
}

// countsDelta returns what to add to the stored counts to bring them to
// the memory's, the mark included.
func (m *memory) countsDelta() map[int64]int64 {
	d := m.delta
	d[markKey] = m.last - m.written
	return d
}

// countsWritten records that countsDelta was committed.
func (m *memory) countsWritten() {
	m.delta = map[int64]int64{}
	m.unwritten = 0
	m.written = m.last
}
