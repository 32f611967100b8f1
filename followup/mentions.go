package followup

// Mentions: the action words of a sentence that the lexicon knows, and
// how each presents its action (anticipated, realised, cancelled or
// postponed, and when).

import (
	"strings"
	"time"
)

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
		if lx.is(lxCancel) || two != "" && cancelCues[two] || pullCue(toks, k) {
			cancelled = true
		}
	}
	// Negated futures of taking place: "will not attend", "won't go ahead".
	if !cancelled {
		for k := max(from, m.start-4); k < min(to, m.end+5); k++ {
			if (toks[k].low == "not" || toks[k].low == "n't") && k > 0 && (toks[k-1].low == "will" || toks[k-1].low == "'ll" || toks[k-1].low == "shall") { // "may not" hedges
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
	return !addressed(toks, k)
}

// addressed reports whether a headline's "to" names whom a quote is
// addressed to ("O'Donnell to Al Franken: 'Great to see you'"): names
// that are no known verb, then a colon.
func addressed(toks []token, k int) bool {
	q := k + 1
	for ; q < len(toks) && toks[q].word && toks[q].cap; q++ {
		if lemmaClass[lemma(toks[q].low)] != "" || irregularLemmas[toks[q].low] {
			return false
		}
	}
	return q > k+1 && q < len(toks) && toks[q].low == ":"
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
