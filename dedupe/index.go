// Package dedupe recognises the same article across outlets and groups
// stories about the same event.
//
// Three layers, cheapest first: canonical URLs (Canonical), near-duplicates
// (the same wire copy with small edits: character-shingle MinHash with LSH
// banding, confirmed by exact Jaccard similarity and vetoed when the texts
// disagree on a number), and same-story clusters (online clustering of
// TF-IDF vectors of title and summary against recent clusters, with time
// decay). Both lookups go through indexes held in memory (LSH buckets, an
// inverted index of words to recent clusters, document frequencies) and
// never scan the stored stories; a bounded time window keeps them small.
//
// The package does no I/O of its own: Index.Process runs inside the caller's
// write transaction and writes its record through the small Store
// interface, from which the memory is loaded at start.
//
// Measuring (the evaluation data sits beside the repository in ../shared):
//
//	go test ./dedupe -run TestEval -v    # clusters on stories-uci, duplicates on followups-dev
//	STORYLINE_EVAL_SENSITIVITY=1 go test ./dedupe -run Sensitivity -v
//	go test ./dedupe -run '^$' -bench BenchmarkProcess -benchtime 5000x -timeout 60m
package dedupe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/gencache"
)

// Store is what Index needs from storage: the persisted record of the
// index, written in the caller's write transaction so that a story, its
// fingerprint and its cluster commit together, and read back at start.
type Store interface {
	// LoadDedupe reads the signatures of the stories published at or after
	// near, the clusters updated at or after clusters (without centroids)
	// and every term count.
	LoadDedupe(ctx context.Context, near, clusters time.Time) (Snapshot, error)
	// NearTexts returns the text of the stories ids still stored, in order.
	NearTexts(ctx context.Context, ids []int64) ([]NearText, error)
	// AddFingerprints records stories' MinHash signatures.
	AddFingerprints(ctx context.Context, sigs []StoredSignature) error
	// AddTermCounts adds to document frequencies, by term key.
	AddTermCounts(ctx context.Context, delta map[int64]int64) error
	// ProcessedAfter returns the text of the stories after id (in id
	// order) that have been through Process: given a storyline.
	ProcessedAfter(ctx context.Context, id int64) ([]NearText, error)
	// Clusters returns the clusters ids still stored, with centroids, in order.
	Clusters(ctx context.Context, ids []int64) ([]StoryCluster, error)
	// SaveClusters creates or replaces clusters.
	SaveClusters(ctx context.Context, cs []StoryCluster) error
	// SetStoryline records a story's near-duplicate original (0 for none)
	// and its cluster.
	SetStoryline(ctx context.Context, storyID, duplicateOf, cluster int64) error
	// PruneDedupe drops the signatures of stories published before
	// fingerprints and the clusters last updated before clusters.
	PruneDedupe(ctx context.Context, fingerprints, clusters time.Time) error
	// BeforeCommit runs fn before the transaction commits; AfterEnd runs
	// fn when it has ended.
	BeforeCommit(fn func(context.Context) error)
	AfterEnd(fn func(committed bool))
}

// Config tunes near-duplicate detection and clustering.
type Config struct {
	// NearJaccard is the Jaccard similarity of character shingles at and
	// above which two texts are the same copy.
	NearJaccard float64
	// NearWindow is how far back the original of a near-duplicate may be.
	NearWindow time.Duration
	// NearCandidates bounds how many LSH candidates are confirmed.
	NearCandidates int

	// Weights weigh a story's words for clustering.
	Weights TermWeights
	// ClusterThreshold is the decayed cosine similarity between a story
	// and a cluster's centroid at and above which the story joins it.
	ClusterThreshold float64
	// HalfLife is the time after which a cluster's pull on new stories
	// halves, counted from its latest story: coverage of one event comes
	// in a burst, and the same words a day later are often a new event
	// (the next day's market report, a second filing).
	HalfLife time.Duration
	// ClusterIdle closes a cluster that received nothing for this long: it
	// is no longer a candidate and leaves the index.
	ClusterIdle time.Duration
	// LookupTerms is how many of a story's rarest words are used to find
	// candidate clusters, Candidates how many clusters are scored.
	LookupTerms int
	Candidates  int
	// PostingTerms is how many of a story's heaviest words file its
	// cluster in the inverted index.
	PostingTerms int
	// CentroidTerms bounds the terms kept per cluster centroid.
	CentroidTerms int
}

// DefaultConfig returns the settings measured on real news (see the eval
// tests in this package).
func DefaultConfig() Config {
	return Config{
		NearJaccard:      0.55,
		NearWindow:       72 * time.Hour,
		NearCandidates:   8,
		Weights:          TermWeights{Title: 1, Summary: 0.5, Bigram: 0.5, Name: 1.5},
		ClusterThreshold: 0.10,
		HalfLife:         12 * time.Hour,
		ClusterIdle:      48 * time.Hour,
		LookupTerms:      8,
		Candidates:       16,
		PostingTerms:     16,
		CentroidTerms:    64,
	}
}

// Validate reports every setting out of range.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("dedupe: "+format, args...))
		}
	}
	check(c.NearJaccard > 0 && c.NearJaccard <= 1, "near_jaccard %v not in (0, 1]", c.NearJaccard)
	check(c.NearWindow > 0, "near_window %v must be positive", c.NearWindow)
	check(c.NearCandidates > 0, "near_candidates %d must be positive", c.NearCandidates)
	w := c.Weights
	check(w.Title > 0 && w.Summary >= 0 && w.Bigram >= 0 && w.Name > 0, "weights %+v: title and name must be positive, the others not negative", w)
	check(c.ClusterThreshold > 0 && c.ClusterThreshold <= 1, "cluster_threshold %v not in (0, 1]", c.ClusterThreshold)
	check(c.HalfLife > 0, "half_life %v must be positive", c.HalfLife)
	check(c.ClusterIdle > 0, "cluster_idle %v must be positive", c.ClusterIdle)
	check(c.LookupTerms > 0, "lookup_terms %d must be positive", c.LookupTerms)
	check(c.Candidates > 0, "candidates %d must be positive", c.Candidates)
	check(c.PostingTerms > 0, "posting_terms %d must be positive", c.PostingTerms)
	check(c.CentroidTerms > 0, "centroid_terms %d must be positive", c.CentroidTerms)
	return errors.Join(errs...)
}

// Index finds near-duplicates and same-story clusters. It keeps its lookup
// structures in memory (see memory), loaded from the Store on first use;
// the Store holds the record. It is safe for concurrent use, though the
// stories of one transaction must come from one goroutine.
type Index struct {
	cfg Config
	log *slog.Logger
	now func() time.Time

	mu  sync.Mutex
	mem *memory  // nil until loaded, and again after a rollback
	tx  *txState // the open transaction's changes; nil between transactions
	// kept holds clusters with their centroids as the database holds
	// them, read or committed lately: reading the candidates' centroids
	// was a third of a story's time. prunedBefore is the cut of the last
	// committed prune: a kept cluster updated before it is gone.
	kept         *gencache.Cache[int64, *StoryCluster]
	prunedBefore int64
}

// clustersKept bounds the clusters kept with their centroids (per
// generation; about a kilobyte each).
const clustersKept = 2048

// txState is what one transaction changed that is written at its end.
type txState struct {
	sigs                []StoredSignature
	clusters            map[int64]*StoryCluster // changed, by id
	nearCut, clusterCut time.Time               // drop what is older
	counts              bool                    // the term counts are written
}

// write writes the transaction's signatures and clusters.
func (ts *txState) write(ctx context.Context, st Store) error {
	if err := st.AddFingerprints(ctx, ts.sigs); err != nil {
		return err
	}
	cs := make([]StoryCluster, 0, len(ts.clusters))
	for _, c := range ts.clusters {
		cs = append(cs, *c)
	}
	slices.SortFunc(cs, func(a, b StoryCluster) int { return cmp.Compare(a.ID, b.ID) })
	return st.SaveClusters(ctx, cs)
}

// clustersByID returns the clusters ids with their centroids, in order:
// those this transaction changed, then those kept, from memory; the others
// from the store.
func (ix *Index) clustersByID(ctx context.Context, st Store, ts *txState, ids []int64) ([]StoryCluster, error) {
	var stored []int64
	for _, id := range ids {
		if ts.clusters[id] == nil && ix.keptCluster(id) == nil {
			stored = append(stored, id)
		}
	}
	got, err := st.Clusters(ctx, stored)
	if err != nil {
		return nil, err
	}
	for i := range got {
		ix.kept.Put(got[i].ID, &got[i])
	}
	out := make([]StoryCluster, 0, len(ids))
	for _, id := range ids {
		if c := ts.clusters[id]; c != nil {
			out = append(out, *c)
		} else if c := ix.keptCluster(id); c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// keptCluster returns cluster id if it is kept and still stored.
func (ix *Index) keptCluster(id int64) *StoryCluster {
	c, _ := ix.kept.Get(id)
	if c == nil || c.Updated.Unix() < ix.prunedBefore {
		return nil
	}
	return c
}

// asStored is c as the store gives it back: times in seconds, weights in
// single precision, no terms. Its term strings are its own, not slices of
// the texts they were cut from.
func asStored(c *StoryCluster) *StoryCluster {
	out := &StoryCluster{ID: c.ID, Size: c.Size, Started: storyline.StoredTime(c.Started), Updated: storyline.StoredTime(c.Updated),
		Centroid: make([]TermWeight, len(c.Centroid))}
	for i, tw := range c.Centroid {
		out.Centroid[i] = TermWeight{Term: strings.Clone(tw.Term), Weight: float64(float32(tw.Weight))}
	}
	return out
}

// countsEvery is how many stories' term counts are gathered in memory
// before they are written, in one statement: per transaction the writes
// cost a good part of a story's time (a popular word is rewritten each
// time). Counts not yet written are rebuilt at load from the stories
// themselves, so a crash loses none.
const countsEvery = 5000

// New returns an index. now is the clock, read only for stories without a
// FirstSeen time (see Process).
func New(cfg Config, log *slog.Logger, now func() time.Time) (*Index, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		return nil, errors.New("dedupe: nil clock")
	}
	return &Index{cfg: cfg, log: log, now: now, kept: gencache.New[int64, *StoryCluster](clustersKept)}, nil
}

// Result is what Process decided for a story.
type Result struct {
	DuplicateOf int64   // the original this story near-duplicates, 0 if none
	Similarity  float64 // Jaccard similarity to that original
	Storyline   int64   // the story's cluster: the id of the cluster's first story
	Score       float64 // decayed similarity to the cluster joined; 0 for a new cluster
	Size        int     // the cluster's size with this story
}

// maxNearText bounds the text shingled per story: beyond a few sentences
// two copies are the same copy anyway.
const maxNearText = 600

// sameCopy is the similarity above which no better original is looked for.
const sameCopy = 0.9

// Fingerprint is what near-duplicate detection compares: the cleaned title
// and summary, normalised, and the numbers they state.
type Fingerprint struct {
	Text     string   // normalised title and summary
	Raw      string   // title (outlet tail kept) and summary, for the number veto
	Shingles []uint64 // sorted distinct shingle hashes of Text
	// Body is false for a headline alone (no summary, or one repeating
	// the headline). A headline is too little to tell the same copy from
	// another outlet's report of the same event ("Metro-North worker killed
	// by train" / "Metro-North Worker Struck, Killed By Train"), or from a
	// recurring column ("Business Highlights"): such stories are never
	// near-duplicates, and clustering alone groups them.
	Body bool
}

// NewFingerprint returns the fingerprint of a story's title and summary.
// source (the outlet) helps strip a trailing outlet name from the title.
func NewFingerprint(title, summary, source string) Fingerprint {
	marked := stripMarks(title)
	t, s := CleanTitle(title, source), CleanSummary(summary)
	nt, ns := Normalize(t), Normalize(s)
	// The veto reads the tail too: "... as it happened - March 11" is not
	// the same page as "... - March 10", though the tail is not shingled.
	raw := marked
	text := nt
	// Feeds that repeat the headline as the description add nothing.
	if ns != "" && ns != nt && !strings.HasPrefix(nt, ns) {
		if strings.HasPrefix(ns, nt) {
			text = ns
		} else {
			text = nt + " " + ns
		}
		raw = marked + "\n" + s
	}
	if r := []rune(text); len(r) > maxNearText {
		text = string(r[:maxNearText])
	}
	return Fingerprint{Text: text, Raw: raw, Shingles: Shingles(text), Body: text != nt}
}

// Near reports whether two fingerprints are the same copy, and their
// Jaccard similarity.
func (c Config) Near(a, b Fingerprint) (bool, float64) {
	j := Jaccard(a.Shingles, b.Shingles)
	if j < c.NearJaccard || !a.Body || !b.Body {
		return false, j
	}
	return !NumbersClash(a.Raw, b.Raw), j
}

// Process finds the near-duplicate original and the cluster of a story that
// the caller has just stored (s.ID set), records both through st, and files
// the story in the indexes for the stories after it. Stories should come in
// publication order.
//
// The story's publication time places it in time (decay, windows); its
// FirstSeen is the present, from which the index windows are pruned: the
// pipeline sets it to the poll's time, or for ingest to the item's own
// publication time, so that an archive is processed as if live. Only when
// FirstSeen is zero does Process read the index's clock.
func (ix *Index) Process(ctx context.Context, st Store, s *storyline.Story) (Result, error) {
	return ix.ProcessPrepared(ctx, st, s, nil)
}

// Prepared is what Process works out from a story's text alone: its
// fingerprint, signature and weighed terms. The pipeline prepares new
// stories where it fetches them, in parallel, so that the one writer only
// looks up and records.
type Prepared struct {
	fp             Fingerprint
	sig            Signature
	weights        map[string]float64
	names, words   []string
	title, summary string // what it was prepared from
	source         string
}

// Prepare works out the part of Process that depends on the story's title,
// summary and source alone. It is safe for concurrent use.
func (ix *Index) Prepare(s *storyline.Story) *Prepared {
	p := &Prepared{fp: NewFingerprint(s.Title, s.Summary, s.Source), title: s.Title, summary: s.Summary, source: s.Source}
	p.sig = MinHash(p.fp.Shingles)
	p.weights, p.names, p.words = ix.terms(s.Title, s.Summary, s.Source)
	return p
}

// ProcessPrepared is Process with the story prepared beforehand (nil, or
// prepared from other text, prepares it now).
func (ix *Index) ProcessPrepared(ctx context.Context, st Store, s *storyline.Story, p *Prepared) (Result, error) {
	if p == nil || p.title != s.Title || p.summary != s.Summary || p.source != s.Source {
		p = ix.Prepare(s)
	}
	if s.ID == 0 {
		return Result{}, errors.New("dedupe: story has no id; store it first")
	}
	now := s.FirstSeen.UTC()
	if now.IsZero() {
		now = ix.now().UTC()
	}
	at := s.Published.UTC()
	if at.IsZero() || at.After(now) {
		at = now // undated, or dated in the future by a wrong clock
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ts, err := ix.begin(ctx, st, now)
	if err != nil {
		return Result{}, err
	}
	m := ix.mem
	fp, sig := p.fp, p.sig
	sketch := sig.Sketch()
	bands := sketch.BandKeys()

	var res Result
	var dup *sigEntry
	if fp.Body {
		if dup, res.Similarity, err = ix.original(ctx, st, s.ID, fp, &sketch, &bands, at); err != nil {
			return res, err
		}
		if dup != nil {
			res.DuplicateOf = dup.id
			if dup.duplicateOf != 0 { // point at the first copy, not at a copy of it
				res.DuplicateOf = dup.duplicateOf
			}
		}
	}

	weights, names, words := p.weights, p.names, p.words
	df, docs := m.count(words)
	m.last = s.ID
	for _, t := range names {
		if a, b, ok := strings.Cut(t, " "); ok {
			df[t] = min(max(df[a], 1), max(df[b], 1))
		}
	}
	vec := TFIDF(weights, df, docs)

	clusterSince := at.Add(-ix.cfg.ClusterIdle).Unix()
	var cluster StoryCluster
	found := false
	if res.DuplicateOf != 0 {
		// A copy belongs where its original is.
		id := dup.storyline
		if id == 0 {
			id = res.DuplicateOf
		}
		cluster = StoryCluster{ID: id, Started: at, Updated: at}
		if e := m.clusters[id]; e != nil && e.updated >= clusterSince {
			cs, err := ix.clustersByID(ctx, st, ts, []int64{id})
			if err != nil {
				return res, err
			}
			if len(cs) == 1 {
				cluster = cs[0]
			}
		}
		found = true
		res.Score = res.Similarity
	} else if len(vec) > 0 {
		lookup := rarest(words, df, ix.cfg.LookupTerms)
		if len(lookup) > 0 {
			cands, err := ix.clustersByID(ctx, st, ts, m.clusterCandidates(termKeys(lookup), clusterSince, ix.cfg.Candidates))
			if err != nil {
				return res, err
			}
			for _, c := range cands {
				score := Cosine(vec, c.Centroid) * ix.decay(at.Sub(c.Updated))
				if score >= ix.cfg.ClusterThreshold && (score > res.Score || score == res.Score && c.ID < cluster.ID) {
					cluster, res.Score, found = c, score, true
				}
			}
		}
	}
	if !found {
		cluster = StoryCluster{ID: s.ID, Started: at, Updated: at}
		res.Score = 0
	}
	cluster.Size++
	if at.After(cluster.Updated) {
		cluster.Updated = at
	}
	cluster.Centroid = addToCentroid(cluster.Centroid, vec, ix.cfg.CentroidTerms)
	cluster.Terms = m.fileCluster(cluster, termKeys(unigrams(top(vec, ix.cfg.PostingTerms))))
	res.Storyline, res.Size = cluster.ID, cluster.Size

	ts.clusters[cluster.ID] = &cluster
	if fp.Body {
		ts.sigs = append(ts.sigs, StoredSignature{StoryID: s.ID, Published: at, Signature: sig[:]})
		m.addSig(sigEntry{id: s.ID, published: at.Unix(), duplicateOf: res.DuplicateOf, storyline: res.Storyline, sig: sketch}, &bands)
	}
	if err := st.SetStoryline(ctx, s.ID, res.DuplicateOf, res.Storyline); err != nil {
		return res, err
	}
	nearCut, clusterCut := now.Add(-ix.cfg.NearWindow), now.Add(-ix.cfg.ClusterIdle)
	m.sweepSigs(nearCut.Unix())
	m.sweepClusters(clusterCut.Unix())
	if nearCut.After(ts.nearCut) {
		ts.nearCut, ts.clusterCut = nearCut, clusterCut
	}
	s.DuplicateOf, s.Storyline = res.DuplicateOf, res.Storyline
	ix.log.Debug("dedupe", "story", s.ID, "duplicate_of", res.DuplicateOf, "jaccard", res.Similarity,
		"storyline", res.Storyline, "score", res.Score, "size", res.Size)
	return res, nil
}

// begin returns the open transaction's state, starting it (and loading the
// memory when it is not) at the transaction's first story. The hooks write
// the transaction's signatures, clusters, term counts (when due) and
// prunes before it commits, and drop the memory if it rolls back: it then
// holds changes the database does not.
func (ix *Index) begin(ctx context.Context, st Store, now time.Time) (*txState, error) {
	if ix.tx != nil {
		return ix.tx, nil
	}
	ts := &txState{clusters: map[int64]*StoryCluster{}}
	ix.tx = ts
	st.BeforeCommit(func(ctx context.Context) error {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if err := ts.write(ctx, st); err != nil {
			return err
		}
		if m := ix.mem; m != nil && m.unwritten >= countsEvery {
			if err := st.AddTermCounts(ctx, m.countsDelta()); err != nil {
				return err
			}
			ts.counts = true
		}
		if ts.nearCut.IsZero() {
			return nil
		}
		return st.PruneDedupe(ctx, ts.nearCut, ts.clusterCut)
	})
	st.AfterEnd(func(committed bool) {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if !committed {
			ix.mem = nil
			ix.kept.Reset()
		} else {
			if ts.counts && ix.mem != nil {
				ix.mem.countsWritten()
			}
			for _, c := range ts.clusters {
				ix.kept.Put(c.ID, asStored(c))
			}
			if !ts.clusterCut.IsZero() {
				ix.prunedBefore = max(ix.prunedBefore, ts.clusterCut.Unix())
			}
		}
		if ix.tx == ts {
			ix.tx = nil
		}
	})
	if ix.mem == nil {
		if err := ix.load(ctx, st, now); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// load builds the memory from the store: the record, then the term counts
// of the stories processed since the counts were last written.
func (ix *Index) load(ctx context.Context, st Store, now time.Time) error {
	snap, err := st.LoadDedupe(ctx, now.Add(-ix.cfg.NearWindow), now.Add(-ix.cfg.ClusterIdle))
	if err != nil {
		return err
	}
	m := newMemory(snap)
	recent, err := st.ProcessedAfter(ctx, m.written)
	if err != nil {
		return err
	}
	for _, t := range recent {
		_, _, words := ix.terms(t.Title, t.Summary, t.Source)
		m.count(words)
		m.last = t.ID
	}
	ix.mem = m
	ix.log.Debug("dedupe index loaded", "signatures", len(snap.Signatures), "clusters", len(snap.Clusters),
		"terms", len(snap.Terms), "recounted", len(recent))
	return nil
}

// terms returns a story's weighed terms, their names sorted, and the words
// among them.
func (ix *Index) terms(title, summary, source string) (map[string]float64, []string, []string) {
	weights := ix.cfg.Weights.Terms(CleanTitle(title, source), clip(CleanSummary(summary), maxTermText))
	names := make([]string, 0, len(weights))
	for t := range weights {
		names = append(names, t)
	}
	sort.Strings(names)
	return weights, names, unigrams(names)
}

// original returns the stored story that s (with fingerprint fp) copies, if
// any, and their similarity: of the LSH candidates whose signatures leave a
// chance, the most similar one that passes Near, ties to the older.
func (ix *Index) original(ctx context.Context, st Store, id int64, fp Fingerprint, sig *Sketch, bands *[Bands]uint64, at time.Time) (*sigEntry, float64, error) {
	cands := ix.mem.nearCandidates(sig, bands, at.Add(-ix.cfg.NearWindow).Unix(), ix.cfg.NearCandidates)
	ids := make([]int64, 0, len(cands))
	byID := make(map[int64]*sigEntry, len(cands))
	for _, c := range cands {
		if c.id != id && ix.plausible(sig, &c.sig) {
			ids = append(ids, c.id)
			byID[c.id] = c
		}
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	texts, err := st.NearTexts(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	var dup *sigEntry
	var best float64
	for _, t := range texts {
		c := byID[t.ID]
		ok, j := ix.cfg.Near(fp, NewFingerprint(t.Title, t.Summary, t.Source))
		if ok && (j > best || j == best && dup != nil && c.id < dup.id) {
			dup, best = c, j
		}
		if best >= sameCopy {
			break // a widely syndicated copy has many equal candidates
		}
	}
	return dup, best, nil
}

// maxTermText bounds the summary text weighed for clustering: the lead
// says what the story is about, and every word is a term to count.
const maxTermText = 320

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// plausible reports whether a candidate's sketch leaves a chance that the
// exact similarity reaches the threshold: with NumHashes minima the
// estimate's standard error is at most 0.065, so a margin of 0.2 loses no
// near-duplicate while sparing the exact comparison of most chance
// collisions (a sketch only raises the estimate).
func (ix *Index) plausible(sig, other *Sketch) bool {
	agree := 0
	for i, x := range other {
		if sig[i] == x {
			agree++
		}
	}
	return float64(agree)/NumHashes >= ix.cfg.NearJaccard-0.2
}

// decay is the weight of a cluster last updated d ago.
func (ix *Index) decay(d time.Duration) float64 {
	if d <= 0 {
		return 1
	}
	return math.Exp2(-d.Hours() / ix.cfg.HalfLife.Hours())
}

// unigrams returns the single words among terms (bigrams hold a space).
func unigrams(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if !strings.Contains(t, " ") {
			out = append(out, t)
		}
	}
	return out
}

// rarest returns up to n words seen in other documents before, rarest first:
// a word only this story has cannot lead to a cluster, and a frequent one
// leads to too many.
func rarest(words []string, df map[string]int64, n int) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if df[w] > 1 {
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if df[out[i]] != df[out[j]] {
			return df[out[i]] < df[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func centroidVector(c []TermWeight) Vector {
	v := make(Vector, len(c))
	for _, tw := range c {
		v[tw.Term] = tw.Weight
	}
	return v
}

// addToCentroid adds a unit vector to a centroid and keeps its n heaviest
// terms: the light ones come from single stories and barely move a cosine.
func addToCentroid(c []TermWeight, v Vector, n int) []TermWeight {
	sum := centroidVector(c)
	for t, w := range v {
		sum[t] += w
	}
	return heaviest(sum, n)
}

// DocFreqs sets df[i] to the number of stored stories whose title or lead
// holds words[i] (a stem, as Words gives) and returns the number of stories
// counted: what follow-up linking weighs terms by. Before the index is
// loaded it knows no counts and returns 0.
func (ix *Index) DocFreqs(words []string, df []int64) int64 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.mem == nil {
		clear(df)
		return 0
	}
	for i, w := range words {
		df[i] = ix.mem.df[TermKey(w)]
	}
	return ix.mem.df[docsKey]
}
