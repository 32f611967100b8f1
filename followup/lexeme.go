package followup

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// lexeme is what the word tables and rules say about one lower-case token,
// worked out once per distinct word and shared by every token spelt so:
// the tables stay the source of truth, a lexeme only saves asking each of
// them again for every word of every story.
type lexeme struct {
	low     string
	hash    uint64 // hashWord(low)
	letters int    // ASCII letters in low
	flags   lexFlags
	lemma   string
	// pstem is the stem findMentions uses for phrases: the word's stem when
	// its first three letters begin a phrase word, else "-".
	pstem         string
	lemmaClass    string // lemmaClass[lemma]
	phraseClass   string // phraseClass[low]
	country       string // countries[low]
	capital       string // capitals[low]
	weekday       time.Weekday
	abbrevWeekday time.Weekday
	month         time.Month
	day           int   // dayNumber(low)
	year          int   // the year a four-character token names
	periods       []int // periodsByFirst[low]
}

type lexFlags uint64

const (
	lxCommon        lexFlags = 1 << iota // common[low]
	lxCommonLemma                        // common[lemma]
	lxCommonShape                        // commonShape(low)
	lxTitleSmall                         // titleSmallWords
	lxParticle                           // particles
	lxTitle                              // titles
	lxHeadTitle                          // headTitles
	lxGenericHead                        // genericHeads
	lxCorporate                          // corporate
	lxDeterminer                         // determiners
	lxPlacePrep                          // placePreps
	lxStopLink                           // stopLinks
	lxCopula                             // copulas
	lxModal                              // modalCues
	lxToCue                              // toCues
	lxPastPlan                           // pastPlanCues
	lxPostNoun                           // postNounCues
	lxPreNoun                            // preNounCues
	lxBefore                             // beforeCues
	lxNegation                           // negations
	lxConditional                        // conditionals
	lxCancel                             // cancelCues
	lxPostpone                           // postponeCues
	lxSay                                // sayVerbs
	lxClauseBreak                        // clauseBreaks
	lxTimeZone                           // timeZones
	lxLightVerb                          // lightVerbs
	lxLightLemma                         // lightVerbs[lemma]
	lxPast                               // isPast(low)
	lxVerbForm                           // isVerbForm(low)
	lxVerbLike                           // verbLike(low)
	lxTimeWord                           // isTimeWord(low)
	lxWeekday                            // weekdays
	lxWeekdayAbbrev                      // weekdayAbbrevs
	lxMonth                              // months
	lxCountry                            // countries
	lxCountryFirst                       // the first word of a country of several words
	lxCapital                            // capitals
	lxDay                                // dayNumber(low) ok
	lxYear                               // a year 1900..2100
	lxMayPhrase                          // mayStartPhrase(low, lemma, pstem)
	lxLemmaClass                         // lemmaClass[lemma] exists
	lxPhraseClass                        // phraseClass[low] exists
	lxDigits                             // isDigits(low)
	lxHasLetter                          // hasLetter(low)
	lxRefusal                            // refusals
	lxCueFirst                           // the first word of a cancel or postpone cue of several words
	lxTimeRelevant                       // findTimes may start an expression at the word
	lxSecondWord                         // phraseSecondWords[low]
	lxSecondLemma                        // phraseSecondWords[lemma]
	lxSecondStem                         // phraseSecondStems[pstem]
	lxDashStart                          // phraseDashStarts[low]
)

func (l *lexeme) is(f lexFlags) bool { return l.flags&f != 0 }

// lexSets ties flags to the sets they stand for.
var lexSets = []struct {
	flag lexFlags
	set  map[string]bool
}{
	{lxCommon, common}, {lxTitleSmall, titleSmallWords}, {lxParticle, particles}, {lxTitle, titles},
	{lxHeadTitle, headTitles}, {lxGenericHead, genericHeads}, {lxCorporate, corporate},
	{lxDeterminer, determiners}, {lxPlacePrep, placePreps}, {lxStopLink, stopLinks}, {lxCopula, copulas},
	{lxModal, modalCues}, {lxToCue, toCues}, {lxPastPlan, pastPlanCues}, {lxPostNoun, postNounCues},
	{lxPreNoun, preNounCues}, {lxBefore, beforeCues}, {lxNegation, negations}, {lxConditional, conditionals},
	{lxCancel, cancelCues}, {lxPostpone, postponeCues}, {lxSay, sayVerbs}, {lxClauseBreak, clauseBreaks},
	{lxTimeZone, timeZones}, {lxLightVerb, lightVerbs}, {lxRefusal, refusals}, {lxCueFirst, cueFirstWords},
}

// countryFirstWords are the first words of countries named in several
// words (filled by the lexicon's init, after the countries).
var countryFirstWords = map[string]bool{}

func computeLexeme(low string) *lexeme {
	l := &lexeme{low: low, lemma: computeLemma(low)}
	for i := 0; i < len(low); i++ {
		if c := low[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			l.letters++
		}
	}
	for _, s := range lexSets {
		if s.set[low] {
			l.flags |= s.flag
		}
	}
	set := func(f lexFlags, ok bool) {
		if ok {
			l.flags |= f
		}
	}
	set(lxCommonLemma, common[l.lemma])
	set(lxLightLemma, lightVerbs[l.lemma])
	set(lxCommonShape, commonShape(low))
	set(lxPast, isPast(low))
	set(lxVerbForm, isVerbForm(low))
	set(lxVerbLike, verbLike(low))
	set(lxTimeWord, isTimeWord(low))
	set(lxDigits, isDigits(low))
	set(lxHasLetter, hasLetter(low))
	l.pstem = "-"
	if len(low) >= 3 && phrasePrefixes[low[:3]] {
		l.pstem = stem(low)
	}
	set(lxMayPhrase, mayStartPhrase(low, l.lemma, l.pstem))
	set(lxSecondWord, phraseSecondWords[low])
	set(lxSecondLemma, phraseSecondWords[l.lemma])
	set(lxSecondStem, phraseSecondStems[l.pstem])
	set(lxDashStart, phraseDashStarts[low])
	var ok bool
	l.lemmaClass, ok = lemmaClass[l.lemma]
	set(lxLemmaClass, ok)
	l.phraseClass, ok = phraseClass[low]
	set(lxPhraseClass, ok)
	l.country, ok = countries[low]
	set(lxCountry, ok)
	set(lxCountryFirst, countryFirstWords[low])
	l.capital, ok = capitals[low]
	set(lxCapital, ok)
	l.weekday, ok = weekdays[low]
	set(lxWeekday, ok)
	l.abbrevWeekday, ok = weekdayAbbrevs[low]
	set(lxWeekdayAbbrev, ok)
	l.month, ok = months[low]
	set(lxMonth, ok)
	l.day, ok = dayNumber(low)
	set(lxDay, ok)
	if len(low) == 4 {
		if y, err := atoi(low); err == nil && y >= 1900 && y <= 2100 {
			l.year = y
			l.flags |= lxYear
		}
	}
	l.periods = periodsByFirst[low]
	if len(l.periods) > 0 || l.is(lxWeekday|lxWeekdayAbbrev|lxMonth|lxDay|lxYear) || low == "in" || low == "within" {
		l.flags |= lxTimeRelevant
	}
	return l
}

// lex returns the lexeme of a lower-case token.
func lex(low string) *lexeme { return lexicon.get(low, hashWord(low)) }

// hashWord hashes a word eight bytes at a time (the bytes of the last,
// short chunk in its low end, zeros above), with a final mix: it is a
// lexeme's hash when w is its word, and lowerASCII computes the same while
// it lowers a word.
func hashWord(w string) uint64 {
	h := hashStart(len(w))
	i := 0
	for ; i+8 <= len(w); i += 8 {
		h = hashStep(h, load64(w[i:]))
	}
	if i < len(w) {
		h = hashStep(h, loadTail(w[i:]))
	}
	return hashEnd(h)
}

const (
	hashOffset = 14695981039346656037
	hashPrime  = 1099511628211
	ones       = 0x0101010101010101
	highs      = 0x8080808080808080
)

func hashStart(n int) uint64      { return (hashOffset ^ uint64(n)) * hashPrime }
func hashStep(h, x uint64) uint64 { return (h ^ x) * hashPrime }
func hashEnd(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// load64 reads the first eight bytes of s, little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// loadTail reads the bytes of s (fewer than eight), little-endian.
func loadTail(s string) uint64 {
	var x uint64
	for i := len(s) - 1; i >= 0; i-- {
		x = x<<8 | uint64(s[i])
	}
	return x
}

// lexicon caches the lexemes of the words seen lately.
var lexicon = newLexTable(1 << 16)

// lexTable is an open-addressing hash table of lexemes by their words,
// read without locks: a reader loads the current table and probes it; a
// writer, under the mutex, fills an empty slot or publishes a bigger table
// (or an empty one when the table holds max words: it starts afresh,
// which costs recomputations and never changes a result).
type lexTable struct {
	max int
	cur atomic.Pointer[lexSlots]
	mu  sync.Mutex
}

type lexSlots struct {
	mask  uint64
	slots []atomic.Pointer[lexeme]
	n     int // entries, under the table's mutex
}

func newLexTable(max int) *lexTable {
	t := &lexTable{max: max}
	t.cur.Store(newLexSlots(1024))
	return t
}

func newLexSlots(size int) *lexSlots {
	return &lexSlots{mask: uint64(size - 1), slots: make([]atomic.Pointer[lexeme], size)}
}

func (s *lexSlots) find(w string, h uint64) *lexeme {
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		l := s.slots[i].Load()
		if l == nil || l.hash == h && l.low == w {
			return l
		}
	}
}

func (s *lexSlots) findBytes(b []byte, h uint64) *lexeme {
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		l := s.slots[i].Load()
		if l == nil || l.hash == h && l.low == string(b) {
			return l
		}
	}
}

func (s *lexSlots) put(l *lexeme) {
	i := l.hash & s.mask
	for s.slots[i].Load() != nil {
		i = (i + 1) & s.mask
	}
	s.slots[i].Store(l)
	s.n++
}

// get returns the lexeme of w, whose hash is h.
func (t *lexTable) get(w string, h uint64) *lexeme {
	if l := t.cur.Load().find(w, h); l != nil {
		return l
	}
	return t.add(strings.Clone(w), h) // not a slice of a whole story
}

// getBytes is get(string(b), h) without making the string for a known word.
func (t *lexTable) getBytes(b []byte, h uint64) *lexeme {
	if l := t.cur.Load().findBytes(b, h); l != nil {
		return l
	}
	return t.add(string(b), h)
}

func (t *lexTable) add(w string, h uint64) *lexeme {
	l := computeLexeme(w)
	l.hash = h
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.cur.Load()
	if have := s.find(w, h); have != nil {
		return have // added meanwhile
	}
	if s.n >= t.max || 2*(s.n+1) > len(s.slots) {
		if s.n >= t.max {
			s = newLexSlots(1024)
		} else {
			bigger := newLexSlots(2 * len(s.slots))
			for i := range s.slots {
				if old := s.slots[i].Load(); old != nil {
					bigger.put(old)
				}
			}
			s = bigger
		}
		s.put(l)
		t.cur.Store(s)
		return l
	}
	s.put(l)
	return l
}

// cueFirstWords are the first words of cancel and postpone cues of several
// words (filled by the lexicon's init).
var cueFirstWords = map[string]bool{}

func indexCountryFirsts() {
	for _, cues := range []map[string]bool{cancelCues, postponeCues} {
		for c := range cues {
			if first, _, ok := strings.Cut(c, " "); ok {
				cueFirstWords[first] = true
			}
		}
	}
	for c := range countries {
		if first, _, ok := strings.Cut(c, " "); ok {
			countryFirstWords[first] = true
		}
	}
}
