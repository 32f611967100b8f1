package followup

import (
	"strings"
	"time"
)

// lexeme is what the word tables and rules say about one lower-case token,
// worked out once per distinct word and shared by every token spelt so:
// the tables stay the source of truth, a lexeme only saves asking each of
// them again for every word of every story.
type lexeme struct {
	low   string
	flags lexFlags
	lemma string
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

// lexicon caches the lexemes of the words seen lately.
var lexicon = newWordCache(1<<16, computeLexeme)

// lex returns the lexeme of a lower-case token.
func lex(low string) *lexeme { return lexicon.get(low) }

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
