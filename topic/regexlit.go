package topic

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A regex is run case-insensitively over whole texts, which is slow next
// to word lookups. Most regexes contain a literal that every match holds
// ("sanction" in /sanction(s|ed)?/): if the text, lowercased, does not
// contain it, the regex cannot match and is not run.
//
// Only ASCII literals are used. Under (?i) an ASCII letter also matches two
// non-ASCII runes, K (Kelvin sign, lowercased to k) and ſ (long s, which
// lowerASCII maps to s), so the check never rejects a real match.

// requiredLiteral returns the longest lowercase ASCII string that every
// match of pattern contains, or "".
func requiredLiteral(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	return required(re.Simplify())
}

func required(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return ""
			}
		}
		return strings.ToLower(s)
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, sub := range re.Sub {
			if r := required(sub); len(r) > len(best) {
				best = r
			}
		}
		return best
	}
	return ""
}

// lowerASCII lowercases s for the literal check: Unicode lowercase, with
// ſ as s.
func lowerASCII(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	return strings.Map(func(r rune) rune {
		if r == 'ſ' {
			return 's'
		}
		if r == 'K' {
			return 'k'
		}
		return r
	}, strings.ToLower(s))
}
