package dedupe

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// tokenRe finds words, keeping "7.1", "at&t" and "o'neill" whole.
var tokenRe = regexp.MustCompile(`[\p{L}\p{N}]+(?:[.&'’][\p{L}\p{N}]+)*`)

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

const (
	titleWeight   = 1.0
	summaryWeight = 0.5 // a summary has several times the words of a title
	bigramWeight  = 0.5 // adjacent pairs single out names: "bank england" vs "jos bank"
)

// Terms returns the terms of a story's title and summary with their
// in-document weights: stemmed words that are not stopwords, and pairs of
// adjacent words (joined by a space). A word in the title weighs more than
// one only in the summary.
func Terms(title, summary string) map[string]float64 {
	out := map[string]float64{}
	add := func(text string, w float64) {
		seen := map[string]bool{}
		words := Words(text)
		for i, t := range words {
			if !seen[t] {
				seen[t] = true
				out[t] += w
			}
			if i > 0 {
				bg := words[i-1] + " " + t
				if !seen[bg] {
					seen[bg] = true
					out[bg] += w * bigramWeight
				}
			}
		}
	}
	add(title, titleWeight)
	add(summary, summaryWeight)
	return out
}

// Words returns the stemmed content words of text in order.
func Words(text string) []string {
	raw := tokenRe.FindAllString(fold(text), -1)
	out := make([]string, 0, len(raw))
	for _, t := range raw {
		t = strings.ReplaceAll(t, "’", "'")
		t = strings.TrimSuffix(t, "'s")
		if stopwords[t] {
			continue
		}
		t = strings.ReplaceAll(t, "'", "")
		if len(t) < 2 || stopwords[t] {
			continue
		}
		if isAlpha(t) {
			t = english.Stem(t, false)
		}
		out = append(out, t)
	}
	return out
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

// Cosine returns the cosine similarity of v and a centroid.
func Cosine(v Vector, centroid Vector) float64 {
	var dot, n float64
	for t, w := range centroid {
		n += w * w
		dot += w * v[t]
	}
	if n == 0 {
		return 0
	}
	return dot / math.Sqrt(n)
}

// top returns the n heaviest terms of v, heaviest first (ties by term, so
// that the result does not depend on map order).
func top(v Vector, n int) []string {
	terms := make([]string, 0, len(v))
	for t := range v {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if v[terms[i]] != v[terms[j]] {
			return v[terms[i]] > v[terms[j]]
		}
		return terms[i] < terms[j]
	})
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms
}
