package followup

import (
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// mode is how a sentence presents an action.
type mode int

const (
	modeNone        mode = iota // negated, conditional or a past plan: ignored
	modeAnticipated             // expected to happen
	modeRealised                // reported as done or under way
	modeCancelled
	modePostponed
)

// sentence is one analysed sentence of a story.
type sentence struct {
	toks     []token
	style    caseStyle
	headline bool
	attrib   []bool // tokens that only name a source
	ents     []entity
	times    []timeExpr
	// The entities found before the story's known names were (prose only),
	// and the spans of tokens they come from.
	proseEnts  []entity
	proseSpans [][2]int
	prose      bool
}

// mention is one occurrence of an action word in a sentence.
type mention struct {
	sent       int
	start, end int // tokens
	lemma      string
	class      string
	mode       mode
	when       window
	newWhen    window // the new date of a postponed event
	isVerbPast bool
}

// Outcome is an action a story reports as done, cancelled or postponed.
type Outcome struct {
	Class    string
	Lemma    string
	Relation storyline.Relation
	When     window // when it happened, if the story says; zero otherwise
	NewWhen  window // the new date of a postponed event
	Sentence int
}

// Analysis is what follow-up linking needs to know about one story.
type Analysis struct {
	Published time.Time
	Title     string
	Events    []storyline.Anticipation // events the story anticipates, without IDs
	Outcomes  []Outcome
	// terms is the story's folded text with country keys added, padded
	// with spaces, for whole-word look-ups of actor keys.
	terms string
	// Terms are the stems of the headline and lead (see termsOf): what
	// the story is about, compared with an event's terms.
	Terms []string
	sig   signals
	// ahead are the actions the lexicon reads as anticipated, wherever
	// they are (the events keep those of an announcing story).
	ahead []action
}

// action is an action word as the lexicon classified it.
type action struct {
	class string
	when  window
}

// Announces reports whether the story announces an event in its headline
// or lead.
func (a *Analysis) Announces() bool { return a.sig.announces() }

// Reports reports whether the story may report an event's outcome: its
// headline does not only look ahead.
func (a *Analysis) Reports() bool { return a.sig.reports() }

// HasTerm reports whether the story names key (a word or phrase).
func (a *Analysis) HasTerm(key string) bool {
	return strings.Contains(a.terms, " "+key+" ")
}

// maxSentences bounds the work per story: the lead carries the news.
const maxSentences = 40

// Analyze extracts a story's anticipated events and reported outcomes. It
// is pure: the publication time stands in for "now" when resolving dates.
func Analyze(s *storyline.Story) *Analysis {
	pub := s.Published
	if pub.IsZero() {
		pub = s.FirstSeen
	}
	a := &Analysis{Published: pub, Title: s.Title}
	body := s.Content
	if body == "" {
		body = s.Summary
	} else if s.Summary != "" && !strings.HasPrefix(strings.TrimSpace(body), strings.TrimSpace(s.Summary[:min(len(s.Summary), 40)])) {
		body = s.Summary + "\n" + body
	}
	// Tokens and masks live in pooled slabs while the story is read: none
	// of them outlives Analyze.
	sc := getScratch()
	defer sc.release()
	sents := readSentences(sc, strings.TrimSpace(s.Title), body)
	findAllEntities(sc, sents)
	a.terms = readTerms(sc, sents)
	ms := classifyMentions(sc, sents, pub)
	for _, m := range ms {
		if m.mode == modeAnticipated {
			a.ahead = append(a.ahead, action{m.class, m.when})
		}
	}
	a.Outcomes = outcomesOf(ms)
	a.sig = readSignals(sents, ms, pub)
	a.Terms = leadTerms(s.Title, s.Source, body)
	a.Events = storyEvents(a, sents, ms, sc.fullest)
	return a
}

// readSentences cuts the headline and the first sentences of the body
// into tokens.
func readSentences(sc *scratch, title, body string) []*sentence {
	var texts []string
	if strings.TrimSpace(body) != title {
		limit := maxSentences
		if title != "" {
			limit--
		}
		texts = firstSentences(body, limit)
	}
	n := len(texts)
	if title != "" {
		n++
	}
	sentBuf := sc.sentences(n)
	sents := make([]*sentence, 0, n)
	add := func(text string, headline bool) {
		st := &sentBuf[len(sents)]
		// Body sentences come with their quotes replaced, the title not.
		st.toks, st.headline = sc.tokens(text, !headline), headline
		sents = append(sents, st)
	}
	if title != "" {
		add(title, true)
	}
	for _, txt := range texts {
		add(txt, false)
	}
	return sents
}

// findAllEntities finds the named actors of every sentence; names seen in
// prose help to find them in shouted or Title Case lines.
func findAllEntities(sc *scratch, sents []*sentence) {
	known := &sc.known
	for _, st := range sents {
		st.style = styleOf(st.toks)
		if st.headline && st.style == proseCase && len(sents) > 1 {
			// Headlines use capitals loosely even when not in Title Case.
			continue
		}
		if st.style != proseCase {
			continue
		}
		st.prose = true
		st.proseEnts = findEntities(st.toks, proseCase, nil, sc, &st.proseSpans)
		for _, e := range st.proseEnts {
			known.add(wordsOf(st.toks[e.start:e.end]))
		}
	}
	for _, st := range sents {
		if st.prose && known.keeps(st.toks, st.proseSpans) {
			st.ents = st.proseEnts // what a second search would find
			continue
		}
		st.ents = findEntities(st.toks, st.style, known, sc, nil)
	}
	aliasKeys(sents, sc.alone)
}

// readTerms marks the tokens that only name a source, finds the time
// expressions, and returns the story's folded words with country names
// and entity keys added, padded, for whole-word look-ups (HasTerm).
func readTerms(sc *scratch, sents []*sentence) string {
	size := 0 // the words, country names and entity keys below
	for _, st := range sents {
		for k := range st.toks {
			if t := &st.toks[k]; t.word {
				size++
				if t.lx.is(lxCountry) && (t.cap || t.upper) || t.lx.is(lxCapital) && t.cap {
					size++
				}
			}
		}
		size += len(st.ents)
	}
	all := make([]string, 0, size)
	for _, st := range sents {
		st.attrib = attribution(st, sc.mask(len(st.toks)))
		for k := range st.ents {
			e := &st.ents[k]
			for i := e.start; i < e.end; i++ {
				if st.attrib[i] {
					e.attrib = true
				}
			}
		}
		st.times = findTimes(st.toks)
		for _, t := range st.toks {
			if t.word {
				all = append(all, t.low)
				if t.lx.is(lxCountry) && (t.cap || t.upper) {
					all = append(all, t.lx.country)
				} else if t.lx.is(lxCapital) && t.cap {
					all = append(all, t.lx.capital)
				}
			}
		}
		for _, e := range st.ents {
			all = append(all, e.key)
		}
	}
	return joinTerms(all)
}

// classifyMentions finds the action words of the sentences that assert
// something and decides how each presents its action.
func classifyMentions(sc *scratch, sents []*sentence, pub time.Time) []mention {
	ms := sc.ms[:0]
	for i, st := range sents {
		st := asserted(st)
		if st == nil {
			continue // a question asserts nothing
		}
		sc.found = appendMentions(sc.found[:0], st, i)
		for _, m := range sc.found {
			m.mode = classify(st, &m, pub)
			if m.mode != modeNone {
				ms = append(ms, m)
			}
		}
	}
	sc.ms = ms
	return ms
}

// outcomesOf lists the actions reported done, called off or put back; a
// headline's undated "X and Y spoke" is the body's dated one.
func outcomesOf(ms []mention) []Outcome {
	var out []Outcome
	for _, m := range ms {
		rel := storyline.Relation("")
		switch m.mode {
		case modeRealised:
			rel = storyline.Happened
		case modeCancelled:
			rel = storyline.Cancelled
		case modePostponed:
			rel = storyline.Postponed
		}
		if rel != "" {
			out = append(out, Outcome{Class: m.class, Lemma: m.lemma, Relation: rel, When: m.when,
				NewWhen: m.newWhen, Sentence: m.sent})
		}
	}
	dated := map[string]window{}
	for _, o := range out {
		if _, ok := dated[o.Class]; !ok && !o.When.zero() && o.Relation == storyline.Happened {
			dated[o.Class] = o.When
		}
	}
	for k := range out {
		o := &out[k]
		if w, ok := dated[o.Class]; ok && o.When.zero() && o.Relation == storyline.Happened {
			o.When = w
		}
	}
	return out
}

// aliasKeys keys a full name by the word the story uses alone for it:
// "Xi Jinping" by "xi" when the story also says "Xi", as "Donald Trump"
// is keyed by "trump".
func aliasKeys(sents []*sentence, alone map[string]bool) {
	for _, st := range sents {
		for _, e := range st.ents {
			if e.end-e.start == 1 && !e.country {
				alone[e.key] = true
			}
		}
	}
	for _, st := range sents {
		for k := range st.ents {
			e := &st.ents[k]
			if e.country || alone[e.key] {
				continue
			}
			ws := wordsOf(st.toks[e.start:e.end])
			if len(ws) < 2 || e.key != ws[len(ws)-1] {
				continue
			}
			for _, w := range ws[:len(ws)-1] {
				if alone[w] && !common[w] {
					e.key = w
					break
				}
			}
		}
	}
}

func wordsOf(ts []token) []string {
	ws := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.word {
			ws = append(ws, t.low)
		}
	}
	return ws
}

// attribution marks the tokens that only name a source: "..., the Kremlin
// said", "White House spokesman Sean Spicer said Friday that ...",
// "according to ...", and a headline's "US officials:" or ": Kremlin".
func attribution(st *sentence, mask []bool) []bool {
	toks := st.toks
	n := len(toks)
	// Headline labels before or after a colon or dash.
	if st.headline {
		for i, t := range toks {
			if t.low != ":" && t.low != "-" && t.low != "—" && t.low != "|" {
				continue
			}
			left, right := countWords(toks[:i]), countWords(toks[i+1:])
			switch {
			case right > 0 && right <= 3 && left > right:
				for j := i; j < n; j++ {
					mask[j] = true
				}
			case left > 0 && left <= 4 && right > left && t.low == ":":
				for j := 0; j <= i; j++ {
					mask[j] = true
				}
			}
		}
	}
	// "according to X" up to the next comma.
	for i := 0; i+1 < n; i++ {
		if toks[i].low == "according" && toks[i+1].low == "to" {
			j := i
			for j < n && toks[j].low != "," && toks[j].low != "." {
				mask[j] = true
				j++
			}
		}
	}
	// A trailing ", X said [Friday]": the source and its time, not any
	// clause that follows ("..., said Abe after talks with Trump").
	for i := n - 1; i > 0; i-- {
		if toks[i].low != "," {
			continue
		}
		tail := toks[i+1:]
		if len(tail) > 14 {
			break
		}
		say := -1
		hasCue := false
		for k, t := range tail {
			if t.lx.is(lxSay) && say < 0 {
				say = k
			}
			if t.lx.is(lxModal) || t.low == "to" && say < 0 {
				hasCue = true
			}
		}
		if say < 0 || hasCue {
			break
		}
		end := n
		for k := i + 1 + say + 1; k < n; k++ {
			if toks[k].lx.is(lxClauseBreak) || toks[k].low == "that" || toks[k].low == "before" {
				end = k
				break
			}
		}
		for j := i; j < end; j++ {
			mask[j] = true
		}
		break
	}
	// A leading "X said [Friday] [that]" before the reported clause.
	for i := 0; i < n && i < 16; i++ {
		if !toks[i].lx.is(lxSay) || toks[i].low == "according" {
			continue
		}
		if i == 0 {
			break
		}
		j := i + 1
		for j < n && (toks[j].lx.is(lxTimeWord) || toks[j].low == "on" || toks[j].low == "that" || toks[j].low == ",") {
			j++
		}
		// Only when a reported clause follows: a subject and more words.
		if n-j < 3 {
			break
		}
		for k := 0; k < j; k++ {
			mask[k] = true
		}
		break
	}
	return mask
}

func countWords(ts []token) int {
	n := 0
	for _, t := range ts {
		if t.word {
			n++
		}
	}
	return n
}

func isTimeWord(w string) bool {
	if _, ok := weekdays[w]; ok {
		return true
	}
	switch w {
	case "today", "tonight", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night", "earlier", "late", "early", "last", "this":
		return true
	}
	return false
}

// joinTerms is " " + strings.Join(ws, " ") + " ".
func joinTerms(ws []string) string {
	n := 2
	for _, w := range ws {
		n += len(w) + 1
	}
	b := make([]byte, n)
	b[0] = ' '
	at := 1
	for _, w := range ws {
		at += copy(b[at:], w)
		b[at] = ' '
		at++
	}
	if len(ws) == 0 {
		at++ // "  "
		b[1] = ' '
	}
	return string(b[:at])
}
