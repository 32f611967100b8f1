package dedupe

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold maps text to the form every comparison uses: NFKC (full-width and
// ligature forms become plain), diacritics removed ("Peña" = "Pena", since
// outlets differ in whether they keep them), lower case. Punctuation is kept
// so that callers can still see token boundaries such as "7.1" or "AT&T".
func fold(s string) string {
	if isASCII(s) { // already NFKC, and nothing to strip
		return strings.ToLower(s)
	}
	s = norm.NFKC.String(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if r, _, err := transform.String(t, s); err == nil {
		s = r
	}
	return strings.ToLower(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nfkc is norm.NFKC.String without the work for ASCII text.
func nfkc(s string) string {
	if isASCII(s) {
		return s
	}
	return norm.NFKC.String(s)
}

// Normalize returns s folded (NFKC, no diacritics, lower case) with every
// run of characters other than letters and digits turned into one space.
func Normalize(s string) string {
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

var (
	// Wire-service slugs before a headline: "UPDATE 2-", "CORRECTED-",
	// "GLOBAL MARKETS-", "EM ASIA FX-". Upper case words glued to the
	// headline by a hyphen, the Reuters style.
	// At least five characters, so that "US-China" or "NATO-Russia" stay.
	wireSlug = regexp.MustCompile(`^[A-Z][A-Z0-9' ]{3,30}[A-Z0-9]-(['"‘“]?[A-Z])`)
	// Rubrics before a headline: "VIDEO: ", "Watch - ".
	rubric = regexp.MustCompile(`(?i)^(?:video|watch|breaking(?: news)?|exclusive|live|photos?|gallery|opinion|analysis|update[d]?|listen|podcast)\s*[:|\-–—]\s+`)
	// Agency credits anywhere: "(AP)", "(Reuters)".
	agencyCredit = regexp.MustCompile(`(?i)\(\s*(?:ap|reuters|afp|upi|dpa|pti|ians|ani|xinhua|kyodo|tass|efe|ansa|bloomberg|cnn|bbc|ap photo|the associated press|associated press)\s*\)`)
	// A dateline at the start of a summary: "WASHINGTON (Reuters) - ",
	// "NEW YORK — ". Upper-case place names, an optional credit, a dash.
	dateline = regexp.MustCompile(`^[A-Z][A-Z .,'’]{1,40}(?:\([^)]{1,40}\))?\s*[-–—:]+\s+`)
	// Separators before an outlet tail: " - Reuters", " | CNN".
	tailSep = regexp.MustCompile(`\s+[-|–—]\s+`)
)

// CleanTitle strips what outlets add around a shared headline: wire slugs
// ("UPDATE 1-"), rubrics ("VIDEO:"), agency credits ("(AP)"), revision
// counters and a trailing outlet name (" - Reuters", " | CNN"). source is the
// outlet or feed the story came from, when known; a tail naming it is always
// dropped, other tails only when they look like a name.
func CleanTitle(title, source string) string {
	return strings.Join(strings.Fields(stripTail(stripMarks(title), source)), " ")
}

// stripMarks drops agency credits, wire slugs, rubrics and revision
// counters from a title, keeping any tail.
func stripMarks(title string) string {
	t := strings.TrimSpace(nfkc(title))
	t = dropCredits(t)
	for range 2 { // "UPDATE 2-VIDEO: ..." has two layers
		if m := wireSlug.FindStringSubmatchIndex(t); m != nil {
			t = t[m[2]:]
		}
		t = rubric.ReplaceAllString(t, "")
	}
	return strings.TrimSpace(trimJunk(t))
}

// CleanSummary strips a dateline and agency credits from a summary.
func CleanSummary(summary string) string {
	s := strings.TrimSpace(nfkc(summary))
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' {
		s = dateline.ReplaceAllString(s, "")
	}
	s = dropCredits(s)
	return strings.Join(strings.Fields(trimJunk(s)), " ")
}

// dropCredits removes agency credits; most texts have no parenthesis at all.
func dropCredits(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	return agencyCredit.ReplaceAllString(s, " ")
}

// trimJunk removes trailing revision counters and truncation marks:
// " (2)", "...", "…", "-- 2nd Update".
func trimJunk(s string) string {
	for {
		t := strings.TrimRight(s, " \t\n")
		switch {
		case strings.HasSuffix(t, "..."):
			t = t[:len(t)-3]
		case strings.HasSuffix(t, "…"):
			t = t[:len(t)-len("…")]
		case strings.HasSuffix(t, ")"):
			open := strings.LastIndexByte(t, '(')
			if open < 0 || len(t)-open > 4 || !allDigits(t[open+1:len(t)-1]) {
				return t
			}
			t = t[:open]
		case len(t) > 15 && strings.EqualFold(t[len(t)-6:], "update"):
			m := updateCounter.FindStringIndex(t[max(0, len(t)-24):])
			if m == nil {
				return t
			}
			t = t[:max(0, len(t)-24)+m[0]]
		default:
			return t
		}
		s = t
	}
}

// updateCounter is a Dow Jones style revision: "-- 2nd Update".
var updateCounter = regexp.MustCompile(`(?i)\s*--\s*\d+(?:st|nd|rd|th) update$`)

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// stripTail drops the last " - X" / " | X" part of a title when X is the
// source, or is short and reads like a name (every word capitalised or a
// domain): "... - WBOC-TV 16, Delmarva", "... | CNN". A lower-case tail
// ("- traders") is content and stays.
func stripTail(t, source string) string {
	locs := tailSep.FindAllStringIndex(t, -1)
	if len(locs) == 0 {
		return t
	}
	last := locs[len(locs)-1]
	head, tail := t[:last[0]], t[last[1]:]
	if len(strings.Fields(head)) < 3 {
		return t // the "tail" is most of the headline
	}
	if source != "" {
		ns, nt := Normalize(source), Normalize(tail)
		if nt != "" && (ns == nt || strings.Contains(ns, nt) || strings.Contains(nt, ns)) {
			return head
		}
	}
	if looksLikeName(tail) {
		return head
	}
	return t
}

func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	if strings.Contains(s, ".com") || strings.Contains(s, ".co.") || strings.Contains(s, ".org") {
		return true
	}
	for _, w := range words {
		r := []rune(w)[0]
		if !(unicode.IsUpper(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// numberRe finds numbers: "3", "6.2", "1,800", "9:10".
var numberRe = regexp.MustCompile(`\d+(?:[.,:]\d+)*`)

// Numbers returns the distinct numbers written in s, thousands separators
// removed so that "1,800" = "1800".
func Numbers(s string) []string {
	found := numberRe.FindAllString(nfkc(s), -1)
	out := found[:0]
	seen := map[string]bool{}
	for _, n := range found {
		if i := strings.LastIndexByte(n, ','); i >= 0 && len(n)-i == 4 {
			n = strings.ReplaceAll(n, ",", "")
		}
		n = strings.ReplaceAll(n, ",", ".")
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// NumbersClash reports whether a and b each state a number the other does
// not ("rises 3%" against "rises 5%"): a near-identical text that disagrees
// on a figure is a different report (another day's rate, a revised toll),
// not the same copy. A number only one side has is an added detail, no clash.
func NumbersClash(a, b string) bool {
	na, nb := Numbers(a), Numbers(b)
	if len(na) == 0 || len(nb) == 0 {
		return false
	}
	return !subset(na, nb) && !subset(nb, na)
}

func subset(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
