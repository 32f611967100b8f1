package topic

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A regex is run case-insensitively over whole texts, which is slow next
// to word lookups. Most regexes contain a literal that every match holds
// ("sanction" in /sanction(s|ed)?/), or one of a few (/merkel|putin/): if
// the text, lowercased, contains none of them, the regex cannot match and
// is not run.
//
// Only ASCII literals are used. Under (?i) an ASCII letter also matches two
// non-ASCII runes, K (Kelvin sign, lowercased to k) and ſ (long s, which
// lowerASCII maps to s), so the check never rejects a real match.

// maxLiterals bounds the alternatives checked before running a regex.
const maxLiterals = 16

// requiredLiterals returns lowercase ASCII strings one of which every match
// of pattern contains, or nil when there is no such short list.
func requiredLiterals(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return required(re.Simplify())
}

func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return nil
			}
		}
		return []string{strings.ToLower(s)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Any one kid's list will do: take the one whose shortest
		// literal is longest, the most selective.
		var best []string
		for _, sub := range re.Sub {
			if r := required(sub); r != nil && (best == nil || shortest(r) > shortest(best)) {
				best = r
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			r := required(sub)
			if r == nil {
				return nil // this branch can match without any literal
			}
			all = append(all, r...)
		}
		if len(all) > maxLiterals {
			return nil
		}
		return all
	}
	return nil
}

func shortest(lits []string) int {
	n := len(lits[0])
	for _, l := range lits[1:] {
		n = min(n, len(l))
	}
	return n
}

// containsAny reports whether s contains one of lits.
func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// lowerASCII lowercases s for the literal check: Unicode lowercase, with
// ſ as s. ascii reports that s is all ASCII.
func lowerASCII(s string) (lower string, ascii bool) {
	ascii = true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s), true
	}
	return strings.Map(func(r rune) rune {
		if r == 'ſ' {
			return 's'
		}
		return r
	}, strings.ToLower(s)), false
}

// Most news text is ASCII, and over ASCII text a case-insensitive regex
// matches exactly where its lowercase, case-sensitive twin matches the
// lowercased text, at the same byte offsets. The twin is much faster: Go's
// regexp can jump to a literal prefix with strings.Index, which it cannot
// do under (?i).

// lowerTwin returns the case-sensitive twin of the case-insensitive
// pattern, or nil when there is none: a case-sensitive part ((?-i)) with
// letters, a character class that tells cases apart, or a non-ASCII
// literal (under (?i), "ſ" matches an ASCII s).
func lowerTwin(pattern string) *regexp.Regexp {
	re, err := syntax.Parse(pattern, syntax.Perl|syntax.FoldCase)
	if err != nil || !lowerTree(re) {
		return nil
	}
	twin, err := regexp.Compile(re.String())
	if err != nil {
		return nil
	}
	return twin
}

// lowerTree rewrites folded literals to lower case in place and reports
// whether the whole tree has a twin.
func lowerTree(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			switch {
			case r >= utf8.RuneSelf:
				return false
			case re.Flags&syntax.FoldCase != 0:
				if 'A' <= r && r <= 'Z' {
					re.Rune[i] = r + 'a' - 'A'
				}
			case 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z':
				return false
			}
		}
		re.Flags &^= syntax.FoldCase
	case syntax.OpCharClass:
		// Ranges come in pairs [lo, hi]; the class must hold both cases
		// of each ASCII letter or neither.
		in := func(c rune) bool {
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if re.Rune[i] <= c && c <= re.Rune[i+1] {
					return true
				}
			}
			return false
		}
		for c := 'a'; c <= 'z'; c++ {
			if in(c) != in(c-'a'+'A') {
				return false
			}
		}
	}
	for _, sub := range re.Sub {
		if !lowerTree(sub) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsAnyFold reports whether the ASCII text s contains one of the
// lowercase ASCII lits, ignoring case.
func containsAnyFold(s string, lits []string) bool {
	for _, l := range lits {
		if indexFold(s, l) >= 0 {
			return true
		}
	}
	return false
}

// indexFold finds the lowercase ASCII lit in the ASCII text s, ignoring
// case: it jumps between the occurrences of lit's first byte (in either
// case) and compares from there.
func indexFold(s, lit string) int {
	if lit == "" {
		return 0
	}
	lo, up := lit[0], lit[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	// next finds c at or after i; the last answer is kept so that each
	// byte value is searched for at most once per position of s.
	nextLo, nextUp := -1, -1
	if up == lo {
		nextUp = len(s)
	}
	next := func(at *int, c byte, i int) int {
		if *at < i {
			if k := strings.IndexByte(s[i:], c); k >= 0 {
				*at = i + k
			} else {
				*at = len(s)
			}
		}
		return *at
	}
	for i := 0; i+len(lit) <= len(s); i++ {
		i = min(next(&nextLo, lo, i), next(&nextUp, up, i))
		if i+len(lit) > len(s) {
			return -1
		}
		if strings.EqualFold(s[i:i+len(lit)], lit) {
			return i
		}
	}
	return -1
}
