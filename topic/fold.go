package topic

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

// Words are folded exactly as SQLite's FTS5 "unicode61 remove_diacritics 2"
// tokenizer (the one stories_fts uses) folds them, so that the full-text
// prefilter of "topics test" and the live matcher agree on every story:
//
//   - a word is a maximal run of non-separator characters; ASCII letters and
//     digits are word characters, all other ASCII is a separator, and beyond
//     ASCII the separators are the runes of the generated table (punctuation,
//     symbols and spaces as SQLite's own Unicode tables classify them);
//   - each rune is lowercased and loses its diacritic (é→e, ł→l, ß stays);
//     combining marks are dropped. Only Latin letters lose accents: Greek and
//     Cyrillic keep theirs, as in SQLite.
//
// foldtable.go is generated from the tokenizer itself by TestFoldTable.

// isSep reports whether r separates words.
func isSep(r rune) bool {
	if r < utf8.RuneSelf {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	return unicode.Is(separators, r)
}

// foldRune lowercases r and removes its diacritic; it returns -1 for a rune
// that folds to nothing (a combining accent). r must not be a separator.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if r < foldFrom[0] || r > foldFrom[len(foldFrom)-1] {
		return r
	}
	i := sort.Search(len(foldFrom), func(i int) bool { return foldFrom[i] >= r })
	if i < len(foldFrom) && foldFrom[i] == r {
		return foldTo[i]
	}
	return r
}

// token is one word of a text: its folded form (valid until the next call
// that reuses the buffer) and its byte offsets in the original text.
type token struct {
	word       []byte
	start, end int
	hash       uint32 // FNV-1a of word
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// tokenizer splits text into folded words without allocating per word.
type tokenizer struct {
	buf []byte
}

// asciiFold maps an ASCII byte to its folded form, 0 for a separator.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

// each calls fn for every word of s, in order, with positions 0, 1, 2, ...
// and returns the number of words. A word whose runes all fold to nothing
// (a lone combining accent) is skipped, as SQLite skips it.
func (tz *tokenizer) each(s string, fn func(pos int, t token)) int {
	pos := 0
	i := 0
	for i < len(s) {
		// Skip separators.
		if c := s[i]; c < utf8.RuneSelf {
			if asciiFold[c] == 0 {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); isSep(r) {
			i += size
			continue
		}
		start := i
		buf := tz.buf[:0]
		h := uint32(fnvOffset)
		for i < len(s) {
			c := s[i]
			if c < utf8.RuneSelf {
				f := asciiFold[c]
				if f == 0 {
					break
				}
				buf = append(buf, f)
				h = (h ^ uint32(f)) * fnvPrime
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if isSep(r) {
				break
			}
			i += size
			if f := foldRune(r); f >= 0 {
				n := len(buf)
				buf = utf8.AppendRune(buf, f)
				for _, b := range buf[n:] {
					h = (h ^ uint32(b)) * fnvPrime
				}
			}
		}
		tz.buf = buf
		if len(buf) == 0 {
			continue
		}
		fn(pos, token{word: buf, start: start, end: i, hash: h})
		pos++
	}
	return pos
}

// words returns the folded words of s.
func words(s string) []string {
	var tz tokenizer
	var out []string
	tz.each(s, func(_ int, t token) { out = append(out, string(t.word)) })
	return out
}
