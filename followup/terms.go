package followup

import (
	"math"
	"slices"
	"strings"

	"github.com/storyline/storyline/dedupe"
)

// An event is identified by its terms: the stemmed content words of the
// headline and lead that announce it, names of any kind included (people,
// organisations, products, vehicles, bills, matches), and weighed by how
// rare they are among the stored stories. Terms are the words dedupe
// counts (dedupe.Words), so that its counts weigh them.

// Rarity counts the stored stories holding each word (*dedupe.Index does).
type Rarity interface {
	// DocFreqs sets df[i] to the number of stories holding words[i] and
	// returns the number of stories counted (0 when it knows none).
	DocFreqs(words []string, df []int64) int64
}

// maxLeadText bounds the lead read for terms, as dedupe bounds what it
// counts: the lead says what the story is about.
const maxLeadText = 320

// lookupTerms is how many of a story's terms find its candidates, the
// rarest first; a term held by more than commonShare of the stored stories
// finds none (once the store knows minStories): it would find too many.
const (
	lookupTerms = 32
	commonShare = 0.02
	minStories  = 1000
)

// notTerms say when or how sure, never what: weekdays, months, times of
// day, and the cues of announcements and reports, which differ between an
// announcement and its outcome by design.
var notTerms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range dedupe.Words(`monday tuesday wednesday thursday friday saturday sunday
		january february april june july august september october november december
		today tonight tomorrow yesterday morning afternoon evening night week weekend month year day days
		hour hours minute earlier later late early next last first
		expected expects expect set scheduled slated due poised likely plan plans planned planning
		will could would might should upcoming ahead eve await awaits awaited preview watch know
		prepare prepares preparing looming looms imminent deadline
		says said say told report reports reported according breaking update live latest watch video photos
		new news`) {
		m[w] = true
	}
	return m
}()

// termsOf returns the distinct terms of texts, in order.
func termsOf(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, w := range dedupe.Words(t) {
			if notTerms[w] || len(w) < 2 || slices.Contains(out, w) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// leadTerms returns the terms of a story's headline and lead. The body is
// cut before it is cleaned (cleaning a whole article to keep its start
// cost as much as the rest of the analysis).
func leadTerms(title, source, body string) []string {
	return termsOf(dedupe.CleanTitle(title, source), clipText(dedupe.CleanSummary(clipText(body, 2*maxLeadText)), maxLeadText))
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return s[:cut]
}

// weigher turns terms into weights by their rarity in the store: the
// inverse document frequency, smoothed so that a store that knows few
// stories weighs all terms alike.
type weigher struct {
	r  Rarity
	df []int64
	// memo keeps the weights worked out while one story is linked (its
	// terms and its candidates' are weighed again and again); nil keeps
	// none.
	memo map[string]float64
	miss []string
}

// remember starts keeping weights afresh (counts change as stories come).
func (w *weigher) remember() {
	if w.memo == nil {
		w.memo = map[string]float64{}
	}
	clear(w.memo)
}

func (w *weigher) weights(terms []string, out []float64) []float64 {
	out = slices.Grow(out[:0], len(terms))[:len(terms)]
	if w.memo == nil {
		w.compute(terms, out)
		return out
	}
	w.miss = w.miss[:0]
	for _, t := range terms {
		if _, ok := w.memo[t]; !ok && !slices.Contains(w.miss, t) {
			w.miss = append(w.miss, t)
		}
	}
	if len(w.miss) > 0 {
		ws := w.compute(w.miss, make([]float64, len(w.miss)))
		for i, t := range w.miss {
			w.memo[t] = ws[i]
		}
	}
	for i, t := range terms {
		out[i] = w.memo[t]
	}
	return out
}

// compute weighs terms by the counts the rarity source gives.
func (w *weigher) compute(terms []string, out []float64) []float64 {
	var docs int64
	if w.r != nil {
		w.df = slices.Grow(w.df[:0], len(terms))[:len(terms)]
		docs = w.r.DocFreqs(terms, w.df)
	}
	for i := range terms {
		df := int64(0)
		if docs > 0 {
			df = w.df[i]
		}
		out[i] = math.Log(1 + float64(docs+1)/float64(df+1))
	}
	return out
}

// lookup returns the terms a story's candidates are found by: up to
// lookupTerms of its terms, the rarest first (ties in their order), none
// of them common.
func (w *weigher) lookup(terms []string) []string {
	var docs int64
	if w.r != nil {
		w.df = slices.Grow(w.df[:0], len(terms))[:len(terms)]
		docs = w.r.DocFreqs(terms, w.df)
	}
	if docs >= minStories {
		kept := make([]string, 0, len(terms))
		for i, t := range terms {
			if float64(w.df[i]) <= commonShare*float64(docs) {
				kept = append(kept, t)
			}
		}
		terms = kept
	}
	return w.rarest(terms, lookupTerms)
}

// rarest returns up to n of terms, the rarest first (ties in their order).
func (w *weigher) rarest(terms []string, n int) []string {
	if len(terms) <= n {
		return terms
	}
	ws := w.weights(terms, nil)
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case ws[a] > ws[b]:
			return -1
		case ws[a] < ws[b]:
			return 1
		}
		return 0
	})
	out := make([]string, n)
	for i := range out {
		out[i] = terms[idx[i]]
	}
	return out
}

// storyWeights are a story's terms and their weights, worked out once.
type storyWeights struct {
	w   map[string]float64
	sum float64
}

func (w *weigher) story(terms []string) storyWeights {
	ws := w.weights(terms, nil)
	sw := storyWeights{w: make(map[string]float64, len(terms))}
	for i, t := range terms {
		sw.w[t] = ws[i]
		sw.sum += ws[i]
	}
	return sw
}

// overlapStory is overlap with the story's side weighed beforehand.
func (w *weigher) overlapStory(event []string, sw storyWeights) overlap {
	ws := w.weights(event, nil)
	var o overlap
	var ev, both float64
	for i, t := range event {
		ev += ws[i]
		if _, ok := sw.w[t]; ok {
			both += ws[i]
			o.shared = append(o.shared, t)
		}
	}
	if ev > 0 {
		o.cover = both / ev
	}
	if ev+sw.sum > 0 {
		o.dice = 2 * both / (ev + sw.sum)
	}
	if sw.sum > 0 {
		o.near = both / sw.sum
	}
	return o
}

// overlap compares an event's terms with a story's: the weight they share
// over the event's (how much of what identifies the event the story
// names), and over both (Dice), with the shared terms.
type overlap struct {
	cover, near, dice float64 // shared weight over the event's, the story's, both
	shared            []string
}

func (w *weigher) overlap(event, story []string) overlap {
	all := make([]string, 0, len(event)+len(story))
	all = append(all, event...)
	for _, t := range story {
		if !slices.Contains(event, t) {
			all = append(all, t)
		}
	}
	ws := w.weights(all, nil)
	var o overlap
	var ev, st, both float64
	for i, t := range all {
		inEvent, inStory := i < len(event), i >= len(event) || slices.Contains(story, t)
		if inEvent {
			ev += ws[i]
		}
		if inStory {
			st += ws[i]
		}
		if inEvent && inStory {
			both += ws[i]
			o.shared = append(o.shared, t)
		}
	}
	if ev > 0 {
		o.cover = both / ev
	}
	if ev+st > 0 {
		o.dice = 2 * both / (ev + st)
	}
	if st > 0 {
		o.near = both / st
	}
	return o
}
