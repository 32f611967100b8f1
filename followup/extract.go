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
	title := strings.TrimSpace(s.Title)
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
	addSentence := func(text string, headline bool) {
		st := &sentBuf[len(sents)]
		// Body sentences come with their quotes replaced, the title not.
		st.toks, st.headline = sc.tokens(text, !headline), headline
		sents = append(sents, st)
	}
	if title != "" {
		addSentence(title, true)
	}
	for _, txt := range texts {
		addSentence(txt, false)
	}
	// Names seen in prose help to find them in shouted or Title Case lines.
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
	sentWords := make([][2]int, len(sents)) // each sentence's range of all
	for i, st := range sents {
		n := len(all)
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
		sentWords[i] = [2]int{n, len(all)}
	}
	a.terms = joinTerms(all)

	ms := sc.ms[:0]
	for i, st := range sents {
		if question(st) {
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
	for _, m := range ms {
		if m.mode == modeAnticipated {
			a.ahead = append(a.ahead, action{m.class, m.when})
		}
	}
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
			a.Outcomes = append(a.Outcomes, Outcome{Class: m.class, Lemma: m.lemma, Relation: rel, When: m.when,
				NewWhen: m.newWhen, Sentence: m.sent})
		}
	}
	// A headline's undated "X and Y spoke" is the body's dated one.
	dated := map[string]window{}
	for _, o := range a.Outcomes {
		if _, ok := dated[o.Class]; !ok && !o.When.zero() && o.Relation == storyline.Happened {
			dated[o.Class] = o.When
		}
	}
	for k := range a.Outcomes {
		o := &a.Outcomes[k]
		if w, ok := dated[o.Class]; ok && o.When.zero() && o.Relation == storyline.Happened {
			o.When = w
		}
	}
	events, sentOf := buildEvents(sents, ms, pub, sc.fullest)
	a.sig = readSignals(sents, ms, pub)
	a.Terms = leadTerms(s.Title, s.Source, body)
	lead := leadSentences
	if len(sents) > 0 && sents[0].headline {
		lead++
	}
	inLead := false
	kept := events[:0]
	for i := range events {
		e := events[i]
		if sentOf[i] < lead {
			// A story reporting its news does not announce it again in
			// its lead ("X won; she will remain leader"), unless it
			// gives a new date for it.
			if !a.sig.announces() && !a.sig.puts(e) {
				continue
			}
			e.Terms, inLead = a.Terms, true
			if !e.HasTime() && !a.sig.when.zero() {
				e.From, e.To = a.sig.when.from, a.sig.when.to // the lead's time bounds it
			}
			kept = append(kept, e)
			continue
		}
		// A report's own news is not anticipated again further down.
		if !a.sig.announces() && (e.Class == "" || reportsClass(ms, lead, e.Class)) {
			continue
		}
		// An event of the body is what its own sentence says.
		texts := []string{e.Evidence}
		for _, ac := range e.Actors {
			texts = append(texts, ac.Name)
		}
		e.Terms = termsOf(texts...)
		kept = append(kept, e)
	}
	events = kept
	if a.sig.relation != "" {
		// A story calling an event off reports on it, and announces only
		// the new date it gives ("scrubbed, rescheduled for Saturday").
		kept := events[:0]
		for _, e := range events {
			if a.sig.puts(e) {
				kept = append(kept, e)
			}
		}
		events = kept
	}
	if !inLead && a.sig.announces() {
		events = append(events, announcement(sents, ms, a, sc.fullest))
	}
	a.Events = events
	return a
}

// reportsClass reports whether the first lead sentences report an action
// of class done, called off or put back.
func reportsClass(ms []mention, lead int, class string) bool {
	for _, m := range ms {
		if m.sent < lead && m.class == class && m.mode != modeAnticipated {
			return true
		}
	}
	return false
}

// announcement is the event a story announces with cues of any domain
// when no action word of the lexicon framed it: the headline names it, the
// lead's terms identify it, the first time ahead bounds it.
func announcement(sents []*sentence, ms []mention, an *Analysis, fullest map[string]string) storyline.Anticipation {
	cue := max(an.sig.cueSent, 0)
	ev := storyline.Anticipation{
		Published: an.Published.UTC(),
		Evidence:  joinTokens(sents[cue].toks),
		From:      an.sig.when.from,
		To:        an.sig.when.to,
		Terms:     an.Terms,
	}
	for _, m := range ms {
		if m.sent == cue || m.sent == 0 {
			ev.Class, ev.Action = m.class, m.lemma
			break
		}
	}
	seen := map[string]bool{}
	var names []string
	for _, si := range []int{0, cue} {
		for _, e := range sents[si].ents {
			if e.attrib || e.secondary || e.key == "" || seen[e.key] || len(names) == 4 {
				continue
			}
			seen[e.key] = true
			name := e.name
			if f := fullest[e.key]; f != "" && !e.country {
				name = f
			}
			ev.Actors = append(ev.Actors, storyline.Actor{Name: name, Key: e.key})
			names = append(names, name)
		}
	}
	ev.Summary = clipText(strings.Join(strings.Fields(an.Title), " "), 100)
	if ev.Summary == "" {
		ev.Summary = clipText(ev.Evidence, 100)
	}
	return ev
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

// findMentions finds the action words of a sentence (longest phrase first).
func findMentions(st *sentence, si int) []mention { return appendMentions(nil, st, si) }

// appendMentions appends the action words of a sentence to out.
func appendMentions(out []mention, st *sentence, si int) []mention {
	toks := st.toks
	// Lemmas of words ("" for punctuation) and stems for phrase look-ups.
	lemOf := func(k int) string {
		if toks[k].word {
			return toks[k].lx.lemma
		}
		return ""
	}
	stemOf := func(k int) string { return toks[k].lx.pstem }
	inEntity := make([]bool, len(toks))
	for _, e := range st.ents {
		for i := e.start; i < e.end; i++ {
			inEntity[i] = true
		}
	}
	for i := 0; i < len(toks); i++ {
		if !toks[i].word || inEntity[i] || st.attrib[i] {
			continue
		}
		// Phrases of up to three words, on the words or their lemmas.
		found := false
		// The look-ups below cannot succeed unless the first word, its lemma
		// or its stem begins a phrase: most words are skipped at once.
		if toks[i].lx.is(lxMayPhrase) && mayContinuePhrase(toks, i) {
			for n := 3; n >= 2 && !found; n-- {
				if i+n > len(toks) {
					continue
				}
				// The words, their lemmas, the words hyphenated and the
				// phrase their stems make, joined in a buffer: the string
				// is only made for a match.
				var buf [128]byte
				join := func(sep byte, part func(int) string) []byte {
					b := buf[:0]
					for k := i; k < i+n; k++ {
						if k > i {
							b = append(b, sep)
						}
						b = append(b, part(k)...)
					}
					return b
				}
				lowOf := func(k int) string { return toks[k].low }
				for cand := 0; cand < 4; cand++ {
					var key []byte
					switch cand {
					case 0:
						key = join(' ', lowOf)
					case 1:
						key = join(' ', lemOf)
					case 2:
						key = join('-', lowOf)
					case 3:
						key = []byte(phraseStems[string(join(' ', stemOf))])
					}
					if c, ok := phraseClass[string(key)]; ok {
						out = append(out, mention{sent: si, start: i, end: i + n, lemma: string(key), class: c, isVerbPast: toks[i].lx.is(lxPast)})
						i += n - 1
						found = true
						break
					}
					if base, ok := irregular[string(key)]; ok {
						if c, ok := phraseClass[base]; ok {
							out = append(out, mention{sent: si, start: i, end: i + n, lemma: base, class: c, isVerbPast: true})
							i += n - 1
							found = true
							break
						}
					}
				}
			}
		}
		if found {
			continue
		}
		lx := toks[i].lx
		if lx.is(lxPhraseClass) { // hyphenated single tokens
			out = append(out, mention{sent: si, start: i, end: i + 1, lemma: toks[i].low, class: lx.phraseClass})
			continue
		}
		c := lx.lemmaClass
		if !lx.is(lxLemmaClass) || !actionSense(toks, lx.lemma, i) {
			continue
		}
		if (c == "announce" || lx.lemma == "decide") && i+1 < len(toks) && (toks[i+1].low == "whether" || toks[i+1].low == "if") {
			c = "rule" // "expected to announce whether he'll allow the deal" awaits a decision
		}
		out = append(out, mention{sent: si, start: i, end: i + 1, lemma: lx.lemma, class: c, isVerbPast: lx.is(lxPast)})
	}
	return out
}

// actionSense rules out uses of an action word that name no event: "calls
// for", "rule out", "meet its burden", "a sign of", "strike a deal".
func actionSense(toks []token, lem string, i int) bool {
	next, next2, prev := "", "", ""
	if i+1 < len(toks) {
		next = toks[i+1].low
	}
	if i+2 < len(toks) {
		next2 = toks[i+2].low
	}
	if i > 0 {
		prev = toks[i-1].low
	}
	switch lem {
	case "call":
		if next == "for" || next == "on" || next == "off" || next == "it" || next == "out" || next == "up" ||
			next == "back" || next == "into" || copulas[prev] && strings.HasSuffix(toks[i].low, "ed") || prev == "so" {
			return false
		}
	case "rule":
		if next == "out" || next == "of" || next == "book" || next == "change" || next == "changes" || strings.HasSuffix(toks[i].low, "s") && determiners[prev] {
			return false
		}
	case "meet":
		switch strings.TrimPrefix(next2, "the ") {
		case "burden", "expectations", "expectation", "demand", "demands", "target", "targets", "goal", "goals",
			"deadline", "standard", "standards", "requirements", "criteria", "needs", "threshold", "obligations":
			return false
		}
		switch next {
		case "expectations", "demand", "demands", "targets", "deadline", "requirements", "criteria", "needs":
			return false
		}
	case "sign":
		if next == "of" || next == "that" || determiners[prev] || prev == "no" {
			return false
		}
	case "strike":
		if next == "a" || next == "an" || next == "the" {
			return false
		}
	case "pass":
		if next == "away" || next == "on" || next == "through" || next == "by" {
			return false
		}
	case "release":
		if prev == "press" || next == "from" {
			return false
		}
	case "win":
		if next == "over" || prev == "win" {
			return false
		}
	case "present":
		return false
	case "land":
		return false
	}
	return true
}

// newDatePreps bring in the new date of something put back.
var newDatePreps = set("to", "until", "till", "for")

// newDate reports whether the time at token at follows the cue at cue as
// its new date: close by, and not the old date that a participle brings in
// ("put off his visit set for next week", "testimony scheduled for Feb. 7").
func newDate(toks []token, cue, at int) bool {
	if at-cue > 5 {
		return false
	}
	for _, t := range toks[cue+1 : at] {
		if t.lx.is(lxToCue|lxPostNoun|lxPreNoun) || t.low == "originally" {
			return false
		}
	}
	return true
}

// isPast reports whether a word is a past tense or participle form.
func isPast(w string) bool {
	if l, ok := irregular[w]; ok {
		return l != w && !irregularPresent[w]
	}
	return strings.HasSuffix(w, "ed") && len(w) > 3 && !notVerbsEd[w]
}

// clauseBounds returns the clause around token i: [from, to).
func clauseBounds(toks []token, i int, strong bool) (int, int) {
	isBreak := func(t token, k int) bool {
		if strong {
			switch t.low {
			case ";", "—", "–", "--", "(", ")", "\"", "but", "while", "although", "whereas", "because", ":", "|":
				return true
			}
			return false
		}
		if t.low == "as" && k+2 < len(toks) && toks[k+1].low == "well" && toks[k+2].low == "as" {
			return false
		}
		if t.low == "as" && k > 1 && toks[k-1].low == "well" {
			return false
		}
		return t.lx.is(lxClauseBreak)
	}
	from := i
	for from > 0 && !isBreak(toks[from-1], from-1) {
		from--
	}
	to := i + 1
	for to < len(toks) && !isBreak(toks[to], to) {
		to++
	}
	return from, to
}

// classify decides whether a mention is anticipated, realised, cancelled
// or postponed, and when.
func classify(st *sentence, m *mention, pub time.Time) mode {
	toks := st.toks
	from, to := clauseBounds(toks, m.start, false)
	// Cancellation and postponement cues anywhere near in the clause.
	cancelled, postponed := false, false
	postponeAt := -1
	for k := max(from, m.start-7); k < min(to, m.end+7); k++ {
		w, lx := toks[k].low, toks[k].lx
		// Two-word cues ("pushed back", "called off") begin with a known word.
		two := ""
		if k+1 < len(toks) && lx.is(lxCueFirst) {
			two = w + " " + toks[k+1].low
		}
		if lx.is(lxPostpone) || two != "" && postponeCues[two] {
			postponed = true
			postponeAt = k
		}
		if w == "off" && !(k > 0 && (toks[k-1].lx.lemma == "call" || toks[k-1].low == "is" || toks[k-1].low == "was")) {
			continue
		}
		if lx.is(lxCancel) || two != "" && cancelCues[two] {
			cancelled = true
		}
	}
	// Negated futures of taking place: "will not attend", "won't go ahead".
	if !cancelled {
		for k := max(from, m.start-4); k < min(to, m.end+5); k++ {
			if (toks[k].low == "not" || toks[k].low == "n't") && k > 0 && toks[k-1].lx.is(lxModal) {
				for q := k + 1; q < min(len(toks), k+4); q++ {
					switch toks[q].lx.lemma {
					case "attend", "go", "happen", "take", "proceed", "hold", "participate":
						cancelled = true
					}
				}
			}
		}
	}
	if postponed || cancelled {
		// The new date of a postponed event ("pushed back to Saturday"); the
		// event's own date is another time in the clause, if any.
		var newExpr timeExpr
		if postponed && postponeAt >= 0 {
			// Only a time brought in as the new one: "pushed back to
			// Saturday", not "postponed his Feb. 7 testimony".
			if e, ok := nearestTime(st, postponeAt, postponeAt, to); ok && e.start > postponeAt && e.start > 0 && newDatePreps[toks[e.start-1].low] && newDate(toks, postponeAt, e.start) {
				if w, ok := e.resolve(pub, true); ok && !w.from.Before(day(pub)) {
					m.newWhen = w
					newExpr = e
				}
			}
		}
		for _, e := range st.times {
			if e.start == newExpr.start && !m.newWhen.zero() || e.end <= from || e.start >= to {
				continue
			}
			if w, ok := e.resolve(pub, true); ok {
				m.when = w
				break
			}
		}
		if postponed {
			return modePostponed
		}
		return modeCancelled
	}
	// Conditionals and questions say nothing either way.
	for k := from; k < m.start; k++ {
		if toks[k].lx.is(lxConditional) {
			return modeNone
		}
	}
	ant, pastPlan, negated := anticipationCue(st, m, from, to)
	if negated && !ant {
		return modeNone
	}
	// A time that can only lie ahead ("tomorrow", "next week") makes any
	// unreported mention an anticipation.
	e, hasTime := nearestTime(st, m.start, from, to)
	if !ant && !m.isVerbPast && hasTime && e.futureOnly {
		ant = true
	}
	// "Google is releasing the kit this month": a progressive with a time
	// still to come.
	if !ant && hasTime && strings.HasSuffix(toks[m.start].low, "ing") && m.start > 0 && toks[m.start-1].lx.is(lxCopula) {
		if w, ok := e.resolve(pub, true); ok && w.to.After(day(pub)) {
			ant = true
		}
	}
	if !ant && !m.isVerbPast && hasTime && verbless(toks) {
		if w, ok := e.resolve(pub, true); ok && !w.from.Before(day(pub)) {
			ant = true
		}
	}
	if ant {
		if hasTime {
			w, ok := e.resolve(pub, true)
			if ok {
				m.when = w
			}
			if pastPlan && (!ok || !w.from.After(day(pub))) {
				return modeNone // a plan that was, not one that is
			}
		} else if pastPlan {
			return modeNone
		}
		return modeAnticipated
	}
	if pastPlan {
		return modeNone
	}
	// Negation right before a reported action: "did not meet".
	for k := max(from, m.start-3); k < m.start; k++ {
		if toks[k].lx.is(lxNegation) && toks[k].low != "without" && toks[k].low != "no" {
			return modeNone
		}
	}
	if hasTime {
		if w, ok := e.resolve(pub, false); ok {
			m.when = w
		}
	}
	return modeRealised
}

// anticipationCue looks for a future or planned cue governing the mention.
func anticipationCue(st *sentence, m *mention, from, to int) (ant, pastPlan, negated bool) {
	toks := st.toks
	i := m.start
	if m.isVerbPast && !(i > 0 && (toks[i-1].low == "be" || toks[i-1].low == "been" || toks[i-1].low == "have")) {
		// "spoke", "testified": a past form reports, whatever precedes it,
		// unless it is a future perfect or passive ("will be held").
		return false, false, false
	}
	neg := func(a, b int) bool {
		for k := max(a, 0); k < b; k++ {
			if toks[k].lx.is(lxNegation) && toks[k].low != "without" {
				return true
			}
		}
		return false
	}
	// "not expected ... until early Sunday" still expects it, later.
	until := false
	for k := i; k < to; k++ {
		if toks[k].low == "until" || toks[k].low == "till" {
			until = true
		}
	}
	lo := max(from, i-10)
	if i > 0 && toks[i-1].low == "'s" {
		lo = i // "Leon's ruling" is a known event, whatever governs it
	}
	for k := i - 1; k >= lo; k-- {
		w, lx := toks[k].low, toks[k].lx
		// "could move to appeal the ruling": the cue governs another verb.
		if w == "to" && k+1 < i && k+1 < len(toks) && !toks[k+1].lx.is(lxLightLemma) && k+1 != i {
			if !toks[k+1].lx.is(lxLemmaClass) {
				break
			}
		}
		switch {
		case lx.is(lxModal):
			if neg(k+1, i) && !until {
				return false, false, true
			}
			// The modal governs the next verb: "will increase resolution
			// after launch" does not anticipate the launch.
			if v := nextContent(toks, k+1, i); v >= 0 && v != i && !governsAction(toks, v) {
				return false, false, false
			}
			return true, false, false
		case w == "to" && k > 0:
			p := toks[k-1].low
			pp := ""
			if k > 1 {
				pp = toks[k-2].low
			}
			switch {
			case toks[k-1].lx.is(lxRefusal):
				return false, false, true // "refuses to talk"
			case toks[k-1].lx.is(lxPastPlan) || (p == "expected" || p == "set" || p == "scheduled" || p == "slated" || p == "due" || p == "supposed") && (pp == "was" || pp == "were" || pp == "been" || pp == "had"):
				return true, true, false
			case toks[k-1].lx.is(lxToCue) || toks[k-1].lx.is(lxCopula) && k+1 < len(toks) && toks[k+1].low != "be" && (pp != "" || st.headline):
				if neg(max(k-4, lo), k) && !until {
					return false, false, true
				}
				return true, false, false
			case commitment(toks, k, lo):
				return true, false, false
			case st.headline && headlineTo(toks, k):
				return true, false, false
			}
		case (w == "set" || w == "slated" || w == "scheduled" || w == "due" || w == "planned") && k+1 < i && toks[k+1].low == "for" && k >= i-4:
			return true, false, false // "set for midnight release"
		case lx.is(lxPreNoun) && k >= i-3:
			if w == "expected" && k+1 < len(toks) && toks[k+1].low == "to" {
				continue
			}
			return true, false, false
		case lx.is(lxBefore) && k >= i-4:
			if w == "ahead" && !(k+1 < len(toks) && toks[k+1].low == "of") {
				continue
			}
			return true, false, false
		case w == "for" && k > 0 && (toks[k-1].low == "prepare" || toks[k-1].low == "prepares" || toks[k-1].low == "preparing" || toks[k-1].low == "bracing" || toks[k-1].low == "braces"):
			return true, false, false
		}
		if lx.is(lxPast) && !lx.is(lxPastPlan|lxToCue) && lx.lemma != "be" && k < i-1 && !lx.is(lxTitle) {
			break // a reporting verb between: the cue, if any, is not ours
		}
	}
	// After an event noun: "the call will take place", "ruling expected Tuesday".
	if !toks[i].lx.is(lxVerbForm) {
		for k := m.end; k < min(to, m.end+10); k++ {
			w, lx := toks[k].low, toks[k].lx
			if lx.is(lxPast) && !lx.is(lxPostNoun|lxCopula) && w != "expected" {
				break
			}
			if lx.is(lxPostNoun | lxModal) {
				if w == "set" && !(k+1 < len(toks) && (toks[k+1].low == "for" || toks[k+1].low == "to")) {
					continue
				}
				prev := toks[k-1].low
				if (prev == "was" || prev == "were" || prev == "had" || prev == "been") && w != "will" {
					return true, true, false
				}
				if neg(m.end, k) && !until {
					return false, false, true
				}
				return true, false, false
			}
			if w == "to" && k+2 < len(toks) && (toks[k+1].low == "take" && toks[k+2].low == "place" || toks[k+1].low == "be" && (toks[k+2].low == "held" || toks[k+2].low == "announced")) {
				return true, false, false
			}
		}
	}
	return false, false, false
}

// commitment finds "agreed ... to", "plans ... to" a few words before "to".
func commitment(toks []token, k, lo int) bool {
	for q := k - 2; q >= max(lo, k-8); q-- {
		switch toks[q].low {
		case "agreed", "agree", "agrees", "plans", "plan", "planning", "vowed", "vows", "promised", "promises", "pledged", "pledges", "decided", "decides":
			return true
		}
	}
	return false
}

// nextContent returns the first token in [from, to) that is not an adverb,
// a negation or a determiner (-1 if none).
func nextContent(toks []token, from, to int) int {
	for k := from; k < to && k < len(toks); k++ {
		w := toks[k].low
		if !toks[k].word || toks[k].lx.is(lxNegation) || strings.HasSuffix(w, "ly") && toks[k].lx.lemmaClass == "" {
			continue
		}
		switch w {
		case "also", "again", "soon", "then", "still", "now", "first", "finally", "once", "even", "not", "n't", "probably", "possibly", "likely":
			continue
		}
		return k
	}
	return -1
}

// governsAction: the verb after a modal leads to an action (a light verb,
// "be", or an action word itself).
func governsAction(toks []token, v int) bool {
	w := toks[v].low
	l := lemma(w)
	if lightVerbs[l] || copulas[w] || l == "be" || lemmaClass[l] != "" || lemmaClass[w] != "" {
		return true
	}
	for p := range phraseClass {
		if strings.HasPrefix(p, w+" ") || strings.HasPrefix(p, l+" ") {
			return true
		}
	}
	return false
}

// refusals negate the infinitive that follows.
var refusals = set("refuse", "refuses", "refused", "refusing", "decline", "declines", "declined", "declining",
	"fail", "fails", "failed", "failing", "unable", "reluctant")

// requestVerbs make "to" a request, not a plan: "eBay asks shareholders to vote".
var requestVerbs = set("ask", "asks", "asked", "urge", "urges", "urged", "tell", "tells", "told", "call", "calls",
	"called", "want", "wants", "wanted", "push", "pushes", "pushed", "press", "presses", "pressed", "order",
	"orders", "ordered", "force", "forces", "forced", "allow", "allows", "allowed", "let", "lets", "invite",
	"invites", "invited", "encourage", "encourages", "encouraged", "warn", "warns", "warned", "advise",
	"advises", "advised", "pressure", "pressures", "pressured", "persuade", "persuades", "help", "helps",
	"helped", "expect", "expects", "need", "needs", "needed", "wait", "waits", "chance", "time", "right")

// headlineTo recognises the headline future "Trump to meet Putin": "to"
// after a name or noun, before a verb, with no verb of asking before it.
func headlineTo(toks []token, k int) bool {
	if k+1 >= len(toks) || k == 0 {
		return false
	}
	for q := 0; q < k; q++ {
		if requestVerbs[toks[q].low] {
			return false
		}
	}
	p := k - 1
	if toks[p].low == ")" { // "Google (GOOG) to launch"
		for p > 0 && toks[p].low != "(" {
			p--
		}
		p--
		if p < 0 {
			return false
		}
	}
	prev, next := toks[p], toks[k+1]
	if !prev.word || isPast(prev.low) && !titles[prev.low] || copulas[prev.low] || lemma(prev.low) == "want" {
		return false
	}
	if !next.word || determiners[next.low] || isDigits(next.low) {
		return false
	}
	if _, isCountry := countries[next.low]; isCountry {
		return false
	}
	return true
}

// isVerbForm reports whether w is an inflected verb (not a bare noun).
func isVerbForm(w string) bool {
	return isPast(w) || strings.HasSuffix(w, "ing") && lemmaClass[w] == ""
}

// verbless reports whether a sentence has no finite verb, as in the
// headline "Apple, Epic court decision Tuesday".
func verbless(toks []token) bool {
	for _, t := range toks {
		if !t.word {
			continue
		}
		if t.lx.is(lxCopula|lxModal|lxSay|lxPast) || t.low == "has" || t.low == "have" {
			return false
		}
		if l := t.lx.lemma; l != t.low && t.lx.lemmaClass != "" && strings.HasSuffix(t.low, "s") {
			return false
		}
	}
	return true
}

// nearestTime returns the time expression of the clause nearest to token i.
func nearestTime(st *sentence, i, from, to int) (timeExpr, bool) {
	best, bestD := timeExpr{}, 1<<30
	for _, e := range st.times {
		if e.end <= from-2 || e.start >= to+6 {
			continue
		}
		d := e.start - i
		if d < 0 {
			d = i - e.end + 1
			d += 1 // prefer a time after the action on ties
		}
		if d < bestD {
			best, bestD = e, d
		}
	}
	return best, bestD < 1<<30
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
