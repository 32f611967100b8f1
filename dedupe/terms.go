package dedupe

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// tokens returns the byte ranges of the words of text: runs of letters and
// digits, kept whole across one inner '.', '&' or apostrophe ("7.1",
// "at&t", "o'neill").
func tokens(text string) [][2]int {
	var out [][2]int
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && (r == '.' || r == '&' || r == '\'' || r == '’'):
			// A joiner stays inside a word only between word characters.
			if next, _ := utf8.DecodeRuneInString(text[i+size:]); i+size < len(text) && isWord(next) {
				break
			}
			out = append(out, [2]int{start, i})
			start = -1
		default:
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		}
		i += size
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

// stopwords are words that say nothing about which story a text is about:
// English function words and headline filler.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am amid an and any are
		as at be because been before being below between both but by can could did do does doing down
		during each even ever few for from further get gets got had has have having he her here hers him
		his how i if in into is it its itself just may me might more most must my near new no nor not now
		of off on once only or other our ours out over own per same say says said she should since so some
		such than that the their theirs them then there these they this those through to too under until
		up upon us very via vs was we were what when where which while who whom why will with within
		without would yet you your yours one two three four five six seven eight nine ten first last next
		week weeks today yesterday tomorrow day days year years time report reports update updated video
		videos watch photos photo live news here's what's it's don't can't won't isn't`) {
		m[w] = true
	}
	return m
}()

// TermWeights weigh a story's terms for clustering.
type TermWeights struct {
	Title   float64 // a word of the title
	Summary float64 // a word of the summary (which has several times the words of a title)
	Bigram  float64 // factor for a pair of adjacent words: "bank england" vs "jos bank"
	// Name multiplies a word capitalised inside a sentence-case text: a
	// name says more about which event a story covers than a common word.
	// Title Case headlines carry no such signal and are left alone.
	Name float64
}

// Terms returns the terms of a story's title and summary with their
// in-document weights: stemmed words that are not stopwords, and pairs of
// adjacent title words (joined by a space). Pairs from the summary would
// double the terms to store for little gain: names in it already weigh more.
func (tw TermWeights) Terms(title, summary string) map[string]float64 {
	out := map[string]float64{}
	add := func(text string, w float64, pairs bool) {
		seen := map[string]bool{}
		words := words(text)
		for i, t := range words {
			if !seen[t.stem] {
				seen[t.stem] = true
				f := w
				if t.name {
					f *= tw.Name
				}
				out[t.stem] += f
			}
			if pairs && i > 0 && tw.Bigram > 0 {
				bg := words[i-1].stem + " " + t.stem
				if !seen[bg] {
					seen[bg] = true
					out[bg] += w * tw.Bigram
				}
			}
		}
	}
	add(title, tw.Title, true)
	add(summary, tw.Summary, false)
	return out
}

// Words returns the stemmed content words of text in order.
func Words(text string) []string {
	ws := words(text)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.stem
	}
	return out
}

type word struct {
	stem string
	name bool // capitalised inside a sentence of a sentence-case text
}

// sentenceEnd matches what may end a sentence or a headline's part.
const sentenceEnd = ".!?:;\"\u201c\u201d-\u2013\u2014|("

func words(text string) []word {
	text = norm.NFKC.String(text)
	locs := tokens(text)
	out := make([]word, 0, len(locs))
	var capitals, long int
	initial := make([]bool, len(locs))
	for i, l := range locs {
		tok := text[l[0]:l[1]]
		before := strings.TrimRight(text[:l[0]], " ")
		initial[i] = before == "" || strings.ContainsAny(before[len(before)-1:], sentenceEnd)
		if r := []rune(tok); len(r) >= 4 && unicode.IsLetter(r[0]) {
			long++
			if unicode.IsUpper(r[0]) {
				capitals++
			}
		}
	}
	// In Title Case most long words are capitalised, names or not.
	titleCase := long > 0 && float64(capitals) >= 0.6*float64(long)
	for i, l := range locs {
		orig := text[l[0]:l[1]]
		t := fold(orig)
		t = strings.ReplaceAll(t, "\u2019", "'")
		t = strings.TrimSuffix(t, "'s")
		if stopwords[t] {
			continue
		}
		t = strings.ReplaceAll(t, "'", "")
		if len(t) < 2 || stopwords[t] {
			continue
		}
		if isAlpha(t) {
			t = stem(t)
		}
		r, _ := utf8.DecodeRuneInString(orig)
		out = append(out, word{stem: t, name: !titleCase && !initial[i] && unicode.IsUpper(r)})
	}
	return out
}

// stems caches the Snowball stems of words seen lately: stemming was a
// sixth of a story's clustering time, and news reuses its words.
var stems = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// maxStems bounds the cache (~10 MB); when full it starts over.
const maxStems = 100_000

func stem(w string) string {
	stems.Lock()
	s, ok := stems.m[w]
	stems.Unlock()
	if ok {
		return s
	}
	s = english.Stem(w, false)
	stems.Lock()
	if len(stems.m) >= maxStems {
		clear(stems.m)
	}
	stems.m[strings.Clone(w)] = s
	stems.Unlock()
	return s
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// Vector is a sparse vector of term weights.
type Vector map[string]float64

// TFIDF weighs terms by inverse document frequency: df[i] is the number of
// documents (this one included) holding terms[i], docs the number of
// documents in all. The result has unit length.
func TFIDF(terms map[string]float64, df map[string]int64, docs int64) Vector {
	v := make(Vector, len(terms))
	var norm float64
	for t, tf := range terms {
		d := max(df[t], 1)
		w := tf * math.Log(float64(docs+1)/float64(d))
		if w <= 0 {
			continue
		}
		v[t] = w
		norm += w * w
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// Cosine returns the cosine similarity of a unit vector v and a centroid.
func Cosine(v Vector, centroid []TermWeight) float64 {
	var dot, n float64
	for _, tw := range centroid {
		n += tw.Weight * tw.Weight
		dot += tw.Weight * v[tw.Term]
	}
	if n == 0 {
		return 0
	}
	return dot / math.Sqrt(n)
}

// top returns the n heaviest terms of v, heaviest first (ties by term, so
// that the result does not depend on map order).
func top(v Vector, n int) []string {
	tws := heaviest(v, n)
	terms := make([]string, len(tws))
	for i, tw := range tws {
		terms[i] = tw.Term
	}
	return terms
}

// heaviest returns the n heaviest terms of v with their weights, heaviest
// first, ties by term.
func heaviest(v Vector, n int) []TermWeight {
	tws := make([]TermWeight, 0, len(v))
	for t, w := range v {
		tws = append(tws, TermWeight{Term: t, Weight: w})
	}
	slices.SortFunc(tws, func(a, b TermWeight) int {
		if a.Weight != b.Weight {
			return cmp.Compare(b.Weight, a.Weight)
		}
		return strings.Compare(a.Term, b.Term)
	})
	if len(tws) > n {
		tws = tws[:n]
	}
	return tws
}

// TermKey is the key a term is counted and filed under: a 64-bit hash
// (FNV-1a, mixed), so that the indexes hold integers, not strings. With a
// few million distinct terms a collision is a one in a million chance, and
// would only merge two terms' counts. Fixed forever: stored keys depend on
// it.
func TermKey(t string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return int64(h)
}

// docsKey is the key under which the documents are counted: every document
// holds the empty term.
var docsKey = TermKey("")

func termKeys(terms []string) []int64 {
	keys := make([]int64, len(terms))
	for i, t := range terms {
		keys[i] = TermKey(t)
	}
	return keys
}
