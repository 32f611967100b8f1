package followup

import (
	"strings"
	"unicode"
)

// caseStyle says how far capital letters can be trusted in a sentence.
type caseStyle int

const (
	proseCase caseStyle = iota // capitals mark names
	titleCase                  // Most Words Capitalised: capitals say little
	upperCase                  // SHOUTED: capitals say nothing
)

func styleOf(toks []token) caseStyle {
	// One pass: the words after the first for shouting, the longer words
	// after the first token for Title Case.
	var n, uppers, long, capsLong int
	first := true
	for k := range toks {
		t := &toks[k]
		if !t.word || !t.letter {
			continue
		}
		if first {
			first = false
		} else {
			n++
			if t.upper {
				uppers++
			}
		}
		// Title Case: nearly every longer word capitalised, small function
		// words aside. Prose full of names stays prose.
		if k == 0 || len(t.low) <= 3 || !t.cap && !t.upper && t.lx.is(lxTitleSmall) {
			continue
		}
		long++
		if t.cap || t.upper {
			capsLong++
		}
	}
	switch {
	case n == 0:
		return proseCase
	case n >= 3 && uppers*10 >= n*7:
		return upperCase
	case long >= 3 && capsLong*10 >= long*8:
		return titleCase
	}
	return proseCase
}

// titleSmallWords stay lower case in many Title Case headlines.
var titleSmallWords = set("with", "from", "into", "over", "that", "than", "this", "will", "have", "been", "were",
	"their", "about", "after", "before", "amid", "upon", "onto", "says", "said")

func hasLetter(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 {
			return true
		}
	}
	return false
}

// entity is a named actor found in a sentence.
type entity struct {
	start, end int // token span of the name, titles stripped
	name       string
	key        string
	secondary  bool // a place or venue
	attrib     bool // named only as a source ("the Kremlin said")
	country    bool
}

// particles may join the parts of a name ("Bank of England").
var particles = set("of", "de", "da", "del", "la", "le", "van", "von", "der", "bin", "al", "el", "du", "&")

// nameKey is the alias under which an actor is matched: the last word of a
// person's name ("trump" for "Donald Trump"), the whole name when the last
// word is generic ("supreme court"), and a country's canonical name for
// its abbreviations and demonyms.
// lxs are the words' lexemes.
func nameKey(words []string, lxs []*lexeme) string {
	if len(words) == 0 {
		return ""
	}
	if c, ok := countryOf(words, lxs); ok {
		return c
	}
	last := words[len(words)-1]
	if len(words) == 1 {
		return last
	}
	if lxs[len(lxs)-1].is(lxGenericHead|lxDigits) || len(last) <= 2 {
		return strings.Join(words, " ")
	}
	return last
}

// countryOf is countries[strings.Join(words, " ")], joining only words
// that can name a country; lxs are the words' lexemes.
func countryOf(words []string, lxs []*lexeme) (string, bool) {
	switch {
	case len(words) == 0:
		return "", false
	case len(words) == 1:
		return lxs[0].country, lxs[0].is(lxCountry)
	case !lxs[0].is(lxCountryFirst) || strings.Contains(words[0], " "):
		return "", false
	}
	c, ok := countries[strings.Join(words, " ")]
	return c, ok
}

// knownNames are names seen capitalised in a story's prose, used to find
// them again in its headline whatever the headline's capitals: full folded
// names by their first word.
type knownNames struct {
	names []knownName
	// heads is an open-addressing index of the first words (by hashWord):
	// 1 + the index in names of the latest name with that first word; 0
	// for an empty slot. firsts counts the first words.
	heads  []int32
	firsts int
	// filter has bit hash%1024 set for the hash of every first word: most
	// words are no first word, and a bit test says so.
	filter [16]uint64
}

type knownName struct {
	full  string
	words []string // strings.Fields(full)
	first string   // the first word it was added under
	hash  uint64   // hashWord(first)
	next  int32    // 1 + index of the previous name with the same first word; 0 if none
}

// slot returns the index in heads of first's slot: its chain's, or the
// empty one where it goes.
func (k *knownNames) slot(first string, h uint64) int {
	mask := uint64(len(k.heads) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		at := k.heads[i]
		if at == 0 || k.names[at-1].hash == h && k.names[at-1].first == first {
			return int(i)
		}
	}
}

// head returns 1 + the index of the latest name with this first word, or 0.
func (k *knownNames) head(first string, h uint64) int32 {
	if len(k.heads) == 0 {
		return 0
	}
	return k.heads[k.slot(first, h)]
}

func (k *knownNames) add(words []string) {
	if len(words) == 0 {
		return
	}
	full := strings.Join(words, " ")
	h := hashWord(words[0])
	for at := k.head(words[0], h); at > 0; at = k.names[at-1].next {
		if k.names[at-1].full == full {
			return
		}
	}
	fields := words // strings.Fields(full) unless a word is empty or spaced
	for _, w := range words {
		if w == "" || strings.IndexFunc(w, unicode.IsSpace) >= 0 {
			fields = strings.Fields(full)
			break
		}
	}
	if 2*(k.firsts+1) > len(k.heads) {
		k.grow()
	}
	i := k.slot(words[0], h)
	if k.heads[i] == 0 {
		k.firsts++
	}
	k.names = append(k.names, knownName{full: full, words: fields, first: words[0], hash: h, next: k.heads[i]})
	k.heads[i] = int32(len(k.names))
	k.filter[h>>6&15] |= 1 << (h & 63)
	// The surname alone names the same actor ("Trump").
	if len(words) > 1 && !genericHeads[words[len(words)-1]] {
		last := words[len(words)-1]
		if !common[last] {
			k.add(words[len(words)-1:])
		}
	}
}

// grow doubles the index (at least 16 slots) and fills it again from names,
// oldest first, so that each chain still runs from the latest name.
func (k *knownNames) grow() {
	k.heads = make([]int32, max(16, 2*len(k.heads)))
	for n := range k.names {
		nm := &k.names[n]
		i := k.slot(nm.first, nm.hash)
		nm.next = k.heads[i]
		k.heads[i] = int32(n + 1)
	}
}

// reset empties k, keeping its memory.
func (k *knownNames) reset() {
	clear(k.names)
	k.names = k.names[:0]
	clear(k.heads)
	k.firsts, k.filter = 0, [16]uint64{}
}

// mayStart reports whether a known name may begin with the word of hash h.
func (k *knownNames) mayStart(h uint64) bool { return k.filter[h>>6&15]&(1<<(h&63)) != 0 }

// longest returns the length in tokens of the longest known name at i.
func (k *knownNames) longest(toks []token, i int) int {
	if k == nil || !k.mayStart(toks[i].lx.hash) {
		return 0
	}
	best := 0
	for at := k.head(toks[i].low, toks[i].lx.hash); at > 0; at = k.names[at-1].next {
		ws := k.names[at-1].words
		if i+len(ws) > len(toks) || len(ws) <= best {
			continue
		}
		ok := true
		for j, w := range ws {
			if toks[i+j].low != w {
				ok = false
				break
			}
		}
		if ok {
			best = len(ws)
		}
	}
	return best
}

// keeps reports whether the names k knows leave the entity spans of a
// prose sentence as findEntities found them without known names: at every
// position its scan visits (span starts, and words outside spans) no known
// name begins, or one exactly as long as the span found there. The entities
// found then stand.
func (k *knownNames) keeps(toks []token, spans [][2]int) bool {
	if k == nil || len(k.names) == 0 {
		return true
	}
	si := 0
	for i := 0; i < len(toks); {
		n := 0
		if k.mayStart(toks[i].lx.hash) {
			n = k.longest(toks, i)
		}
		if si < len(spans) && spans[si][0] == i {
			if n > 0 && i+n != spans[si][1] {
				return false
			}
			i = spans[si][1]
			si++
			continue
		}
		if n > 0 {
			return false
		}
		i++
	}
	return true
}

// findEntities finds the named actors of a sentence. known holds names
// seen in the story's prose; style tells whether capitals can be trusted.
//
// When spansOut is not nil, it receives the spans of tokens the entities
// were made from (see knownNames.keeps).
func findEntities(toks []token, style caseStyle, known *knownNames, sc *scratch, spansOut *[][2]int) []entity {
	var spanBuf [16][2]int
	spans := spanBuf[:0]
	firstWord := -1
	for i, t := range toks {
		if t.word {
			firstWord = i
			break
		}
	}
	nameLike := func(i int) bool {
		t := &toks[i]
		if !t.word || !t.letter {
			return false
		}
		lx := t.lx
		if lx.is(lxWeekday) {
			return false
		}
		if lx.is(lxWeekdayAbbrev) && i > 0 && (toks[i-1].low == "on" || toks[i-1].low == "by" || toks[i-1].low == "this" || toks[i-1].low == "next") {
			return false
		}
		if lx.is(lxMonth) && (t.low != "may" || t.cap) || holidays[t.low] {
			return false // "by Christmas" names a time, not an actor
		}
		if t.low == "i" || t.low == "n't" || strings.HasPrefix(t.low, "'") || lx.is(lxTimeZone) {
			return false
		}
		switch style {
		case upperCase:
			return false
		case titleCase:
			if t.upper && len(t.low) <= 5 {
				return true // an acronym
			}
			return t.cap && !lx.is(lxCommon|lxCommonLemma|lxCommonShape)
		}
		if t.upper {
			return true
		}
		if !t.cap {
			return false
		}
		if i == firstWord || i > 0 && (toks[i-1].low == "\"" || toks[i-1].low == ":" || toks[i-1].low == "(") {
			// Sentence-initial capitals say nothing about common words.
			return !lx.is(lxCommon|lxCommonLemma) && !strings.HasSuffix(t.low, "ly")
		}
		return true
	}
	for i := 0; i < len(toks); {
		if known == nil || !known.mayStart(toks[i].lx.hash) {
			// No known name begins with this word.
		} else if n := known.longest(toks, i); n > 0 {
			spans = append(spans, [2]int{i, i + n})
			i += n
			continue
		}
		if toks[i].lx.is(lxCountry) && toks[i].word && (toks[i].cap || toks[i].upper || style != proseCase) {
			// Multi-word countries first ("united states").
			end := i + 1
			if i+1 < len(toks) && toks[i].lx.is(lxCountryFirst) {
				if _, ok := countries[toks[i].low+" "+toks[i+1].low]; ok {
					end = i + 2
				}
			}
			if !(toks[i].low == "us" && !toks[i].upper) {
				spans = append(spans, [2]int{i, end})
				i = end
				continue
			}
		}
		if i+1 < len(toks) && toks[i].lx.is(lxCountryFirst) {
			if _, ok := countries[toks[i].low+" "+toks[i+1].low]; ok && toks[i].cap {
				spans = append(spans, [2]int{i, i + 2})
				i += 2
				continue
			}
		}
		if !nameLike(i) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) {
			if nameLike(j) || toks[j].cap && style == proseCase && toks[j].word && toks[j].letter {
				j++
				continue
			}
			if toks[j].lx.is(lxParticle) && j+1 < len(toks) && nameLike(j+1) && toks[j].low != "&" || toks[j].low == "&" && j+1 < len(toks) && toks[j+1].cap {
				j += 2
				continue
			}
			break
		}
		spans = append(spans, [2]int{i, j})
		i = j
	}
	if spansOut != nil {
		*spansOut = append((*spansOut)[:0], spans...)
	}
	if len(spans) == 0 {
		return nil
	}
	out := sc.entities(len(spans))
	for _, sp := range spans {
		e, ok := makeEntity(toks, sp[0], sp[1])
		if !ok {
			continue
		}
		out = append(out, e)
	}
	// The filters below keep entities in place.
	// Proper adjectives are no actors: "radical Islamic terrorism".
	nouns := out[:0]
	for _, e := range out {
		if e.end-e.start == 1 && !e.country && e.end < len(toks) && toks[e.end].word && !toks[e.end].cap && !toks[e.start].upper &&
			len(e.key) >= 5 && !toks[e.end].lx.is(lxVerbLike) {
			w := e.key
			if strings.HasSuffix(w, "ic") || strings.HasSuffix(w, "ian") || strings.HasSuffix(w, "ean") || strings.HasSuffix(w, "ese") || strings.HasSuffix(w, "ish") {
				continue
			}
		}
		nouns = append(nouns, e)
	}
	out = nouns
	// An actor named right before a title and another name is an
	// affiliation: "CIA director Gina Haspel", "Kremlin spokesman Dmitry Peskov".
	kept := out[:0]
	for k, e := range out { // out[k+1] is read before kept reaches it
		if k+1 < len(out) {
			between := toks[e.end:out[k+1].start]
			if len(between) > 0 && len(between) <= 3 && allTitles(between) {
				continue
			}
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return nil
	}
	// Places and venues; countries used as adjectives ("US refugee deal").
	for k := range kept {
		e := &kept[k]
		p := e.start - 1
		for skipped := 0; p >= 0; p-- {
			w, lx := toks[p].low, toks[p].lx
			if lx.is(lxDeterminer) || lx.is(lxTitle) && !toks[p].cap {
				continue
			}
			if w == "'s" { // "on Florida's Gulf Coast": the possessor's preposition
				for p > 0 && (toks[p-1].cap || toks[p-1].upper) {
					p--
				}
				continue
			}
			// Up to two adjectives: "in the lower Florida Keys".
			if skipped < 2 && toks[p].word && !toks[p].cap && !lx.is(lxPlacePrep|lxStopLink|lxVerbForm|lxCopula|lxModal) {
				skipped++
				continue
			}
			break
		}
		if p >= 0 && (toks[p].lx.is(lxPlacePrep) || (toks[p].low == "before" || toks[p].low == "after") && !clauseFollows(toks, e.end)) {
			e.secondary = true
		}
		if e.country && e.end < len(toks) {
			next := &toks[e.end]
			if next.word && !next.cap && !next.lx.is(lxTitle|lxHeadTitle) && next.lx.is(lxCommon) && !next.lx.is(lxCopula|lxModal) {
				e.secondary = true
			}
		}
	}
	return kept
}

var corporate = set("inc", "corp", "co", "ltd", "llc", "plc", "sa", "ag", "nv", "se", "spa", "gmbh", "holdings", "lp")

// stopLinks end the look-back for a place preposition.
var stopLinks = set("before", "after", "by", "for", "of", "with", "to", "and", "or", "than", "as", "that", "which", "who", "between", "against")

func allTitles(ts []token) bool {
	n := 0
	for _, t := range ts {
		if t.lx.is(lxTitle) {
			n++
		} else if t.low != "'s" && t.low != "-" {
			return false
		}
	}
	return n > 0
}

// makeEntity strips titles, demonyms and affiliations from a span of tokens.
func makeEntity(toks []token, start, end int) (entity, bool) {
	// Trim leading determiners and trailing possessives and punctuation.
	for start < end && (toks[start].lx.is(lxDeterminer) || !toks[start].word) {
		start++
	}
	for end > start && (!toks[end-1].word || toks[end-1].low == "'s") {
		end--
	}
	if start >= end {
		return entity{}, false
	}
	// The name is what follows the last title: "U.S. District Judge Mary
	// Chen" -> "Mary Chen", "Hurricane Ian" -> "Ian".
	last := -1
	for i := start; i < end; i++ {
		if toks[i].lx.is(lxTitle) {
			last = i
		}
	}
	nameStart := start
	if last >= 0 && last+1 < end {
		nameStart = last + 1
	}
	if last >= 0 && last+1 >= end {
		// All titles and affiliation: "Brazilian President" stands for Brazil.
		for i := start; i < end; i++ {
			if lx := toks[i].lx; lx.is(lxCountry) {
				return entity{start: i, end: i + 1, name: toks[i].text, key: lx.country, country: true}, true
			}
		}
		if last == start {
			return entity{}, false
		}
		// "White House Press Secretary": keep the part before the titles.
		firstTitle := end
		for i := start; i < end; i++ {
			if toks[i].lx.is(lxTitle) {
				firstTitle = i
				break
			}
		}
		end = firstTitle
		if end <= start {
			return entity{}, false
		}
	}
	// Corporate suffixes say nothing: "Google Inc" is "Google".
	for end-nameStart > 1 && toks[end-1].lx.is(lxCorporate) {
		end--
	}
	var wsBuf, shownBuf [8]string
	var lxBuf [8]*lexeme
	ws, shown, lxs := wsBuf[:0], shownBuf[:0], lxBuf[:0]
	for i := nameStart; i < end; i++ {
		if !toks[i].word {
			continue
		}
		ws = append(ws, toks[i].low)
		shown = append(shown, toks[i].text)
		lxs = append(lxs, toks[i].lx)
	}
	if len(ws) == 0 {
		return entity{}, false
	}
	if len(ws) == 1 && (lxs[0].is(lxCommon) || len(ws[0]) < 2) && !toks[nameStart].upper {
		if !lxs[0].is(lxCountry) {
			return entity{}, false
		}
	}
	e := entity{start: nameStart, end: end, name: strings.Join(shown, " "), key: nameKey(ws, lxs)}
	if _, ok := countryOf(ws, lxs); ok {
		e.country = true
		e.name = canonicalCountryName(e.key, e.name)
	}
	return e, true
}

// canonicalCountryName shows a demonym as its country ("Russian" -> "Russia").
func canonicalCountryName(key, shown string) string {
	if strings.EqualFold(shown, key) || strings.ToUpper(shown) == shown {
		return shown
	}
	words := strings.Fields(key)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// commonSuffixes mark words of the common vocabulary (nouns of action and
// quality, inflected verbs, adverbs, plurals of agent nouns): in a Title Case
// headline "Resolution", "Hackers" or "Evidence" are no names.
var commonSuffixes = []string{"tion", "tions", "sion", "sions", "ment", "ments", "ness", "ity", "ities", "ance",
	"ances", "ence", "ences", "ing", "ings", "ed", "ly", "ers", "ies", "ism", "ists", "ure", "ures", "ive",
	"ives", "ful", "less", "able", "ible", "ship", "hood", "ward", "wards", "ical", "ous", "ics", "ages",
	"ates", "izes", "ises", "ents", "ants", "als", "ors", "ials"}

func commonShape(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, suf := range commonSuffixes {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// verbLike: a word that can only be a finite verb or its auxiliary.
func verbLike(w string) bool {
	if copulas[w] || modalCues[w] || isPast(w) || w == "has" || w == "have" || w == "to" || w == "and" || w == "'s" {
		return true
	}
	l := lemma(w)
	return strings.HasSuffix(w, "s") && l != w && (lemmaClass[l] != "" || lightVerbs[l])
}

// clauseFollows reports whether a verb follows a name closely, making a
// preceding "before" or "after" a conjunction ("before Ian makes
// landfall") rather than a preposition ("before the Senate").
func clauseFollows(toks []token, i int) bool {
	for k := i; k < len(toks) && k < i+3; k++ {
		w := toks[k].low
		if copulas[w] || modalCues[w] || isPast(w) || w == "has" || w == "have" {
			return true
		}
		if strings.HasSuffix(w, "s") && lemma(w) != w && (lemmaClass[lemma(w)] != "" || lightVerbs[lemma(w)]) {
			return true
		}
	}
	return false
}

// holidays name times of the year, never an actor.
var holidays = set("christmas", "xmas", "easter", "thanksgiving", "halloween", "ramadan", "eid", "hanukkah", "hanukah",
	"diwali", "passover", "lent", "kippur", "hashanah")
