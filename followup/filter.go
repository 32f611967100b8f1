package followup

import (
	"encoding/binary"
	"math"

	"github.com/storyline/storyline"
)

// wordFilter is a Bloom filter of the words of a story's terms (what
// Analysis.HasTerm searches), 512 bits with two probes a word. A new
// anticipation is scored against every stored story of its window indexed
// under one of its actors, and analysing them again was most of the
// linker's time: the filter tells, for most of them, that they lack an
// actor Score requires, from 64 bytes kept in memory. It errs only towards
// "maybe", so the stories it passes over are exactly ones Score refuses.
type wordFilter [8]uint64

// Words are hashed with hashWord (lexeme.go), which has no seed: the
// filters are stored.

// anyWords is the filter of a story whose words are unknown: it lets
// every story through.
var anyWords = wordFilter{math.MaxUint64, math.MaxUint64, math.MaxUint64, math.MaxUint64,
	math.MaxUint64, math.MaxUint64, math.MaxUint64, math.MaxUint64}

// newWordFilter files the words of the analysis's terms.
func newWordFilter(an *Analysis) wordFilter {
	var f wordFilter
	for _, term := range an.words {
		eachWord(term, func(w string) bool {
			h := hashWord(w)
			f[h&511>>6] |= 1 << (h & 63)
			f[h>>32&511>>6] |= 1 << (h >> 32 & 63)
			return true
		})
	}
	return f
}

// mayHave reports whether HasTerm(key) may hold: all the key's words were
// filed. (HasTerm finds key between spaces in the story's terms joined by
// spaces, so each of key's words is a word of a term.)
func (f *wordFilter) mayHave(key string) bool {
	return eachWord(key, func(w string) bool {
		h := hashWord(w)
		return f[h&511>>6]&(1<<(h&63)) != 0 && f[h>>32&511>>6]&(1<<(h>>32&63)) != 0
	})
}

// mayMatch reports whether a story with these words may pass Score's
// actor gates for a: at least two of its core actors (or all, if fewer)
// and every person among them named.
func (f *wordFilter) mayMatch(a *storyline.Anticipation) bool {
	core, named := 0, 0
	for _, ac := range a.Actors {
		if ac.Secondary {
			continue
		}
		core++
		if f.mayHave(ac.Key) {
			named++
		} else if isPerson(ac) {
			return false
		}
	}
	return core > 0 && named >= min(2, core)
}

// filterVersion leads a stored filter: a change to how words are hashed,
// or to the terms Analyze finds, must come with a new version, and the
// filters of another version let every story through.
const filterVersion = 1

// bytes is the filter as stored; filterFrom reads it back (anyWords for
// anything else: rows from before filters, or of another version).
func (f *wordFilter) bytes() []byte {
	b := make([]byte, 1, 65)
	b[0] = filterVersion
	for _, x := range f {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

func filterFrom(b []byte) wordFilter {
	if len(b) != 65 || b[0] != filterVersion {
		return anyWords
	}
	var f wordFilter
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[1+8*i:])
	}
	return f
}

// eachWord calls fn with the space-separated words of s until it returns
// false, and reports whether it never did.
func eachWord(s string, fn func(string) bool) bool {
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != ' ' {
			i++
		}
		if i > 0 && !fn(s[:i]) {
			return false
		}
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return true
}
