package followup

import (
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// leadSentences is how many sentences after the headline say what a story
// is about: an announcement or a report is in them, background after.
const leadSentences = 3

// signals is what a story's headline and lead say about time, read from cue
// words that serve any kind of event (a rate decision, a launch, a fight, a
// vote), whatever the action: whether it looks ahead, whether it reports
// something done, and whether it calls something off.
type signals struct {
	headFuture bool // the headline looks ahead ("X to V", "expected", "ahead of", "what to expect")
	headTo     bool // ... only by "X to V", which may be a purpose ("beat Spurs to win")
	headReport bool // the headline reports something done: a past form ("rates raised")
	leadFuture bool // a lead sentence looks ahead
	leadReport bool // the first lead sentence reports an action done
	leadTimed  bool // a later lead sentence looks ahead to a time ("set to visit later this month")
	reportsToo bool // a lead sentence reports, on its day, an action the lead announces
	nextRound  bool // the headline reports a later round reached ("Israel, Cyprus reach final")
	cueSent    int  // the sentence of the first cue looking ahead, -1 if none
	// relation is Cancelled or Postponed when the headline or the first
	// lead sentence calls something off or puts it back; "" otherwise.
	relation storyline.Relation
	newWhen  window // the new date of what it puts back, if it gives one
	when     window // the first forward time of a sentence looking ahead
}

// announces reports whether the story announces an event rather than
// reporting one: its headline looks ahead, or its lead does under a
// headline and lead that report nothing done; a story calling something
// off announces nothing (but the new date it gives, see storyEvents).
func (s *signals) announces() bool {
	switch {
	case s.relation != "":
		return false
	case s.headFuture:
		// "France beats Croatia to become champion: France won ...".
		return !s.headTo || !s.leadReport || s.leadFuture
	case s.headReport:
		return false
	case s.leadReport:
		return s.leadTimed
	}
	return s.leadFuture
}

// reports reports whether the story may report an event's outcome: it
// announces none, or its headline or lead also reports something done
// ("Abe, Trump agree to hold summit: ... agreed during a telephone
// conversation Saturday").
func (s *signals) reports() bool {
	return !s.announces() || s.headReport || s.leadReport || s.reportsToo
}

// puts reports whether event e is what the story puts back, at the new
// date it gives.
func (s *signals) puts(e storyline.Anticipation) bool {
	return !s.newWhen.zero() && e.From.Equal(s.newWhen.from) && e.To.Equal(s.newWhen.to)
}

// readSignals reads the cues of the headline and lead sentences; ms are
// the story's classified mentions.
func readSignals(sents []*sentence, ms []mention, pub time.Time) signals {
	sig := signals{cueSent: -1}
	precautions := false
	lead, first := leadSentences, 1 // the sentences read, and those read for calling off
	if len(sents) > 0 && sents[0].headline {
		lead, first = lead+1, first+1
	}
	for i, st := range sents {
		if i >= lead {
			break
		}
		st := asserted(st)
		if st == nil {
			continue
		}
		cue, weak, byTo := futureCues(st)
		when, forward := forwardTime(st, pub)
		strong := cue >= 0
		past := pastReport(st)
		if st.headline && past >= 0 && forward && when.from.After(day(pub)) && bareParticiple(st, past) && nearerAhead(st, pub) {
			past = -1 // "Oscar nominations announced Tuesday", on a Monday: to be announced
		}
		// A time in a sentence reporting something done is its past
		// ("On Thursday they met and agreed to ...").
		// A sentence that names a time ahead and reports nothing done looks
		// ahead too: "LIGO announcement on Thursday", "Macron travels to
		// Beijing on Wednesday".
		future := strong || (weak || when.from.After(day(pub)) && nearerAhead(st, pub)) && forward && past < 0
		if st.headline {
			for k := range st.toks {
				sig.nextRound = sig.nextRound || nextRound(st.toks, k)
			}
			sig.headFuture = future
			// Only a bare "X to V" may be a purpose: "Rover to touch down
			// tonight" names its time.
			sig.headTo = byTo && !weak && future && !forward
			// A round reached is done, and the next one ahead.
			sig.headReport = !future && past >= 0 || sig.nextRound
		} else {
			sig.leadFuture = sig.leadFuture || future
			if i == first-1 && past >= 0 && (!strong || past < cue) && !nounCue(st, past) {
				sig.leadReport = true // "has won ... and will remain"
				// "conceded defeat ahead of a vote on Friday": a report
				// that looks ahead to a time announces that too.
				sig.leadTimed = strong && forward
			} else if i > first-1 && future && forward {
				sig.leadTimed = true
			}
		}
		if future && sig.cueSent < 0 {
			sig.cueSent = i
		}
		if future && sig.when.zero() && forward {
			sig.when = when
		}
		if sig.relation == "" && i < first {
			sig.relation = callOff(st)
		}
		precautions = precautions || i < first && precautionary(st)
	}
	if precautions {
		// "Amtrak cancels trains: ... canceled trains ahead of a
		// potential rail shutdown": the shutdown is the news, still ahead.
		sig.relation = ""
		return sig
	}
	for _, m := range ms {
		if m.sent >= first {
			continue
		}
		switch m.mode {
		case modeCancelled, modePostponed:
			if sig.newWhen.zero() {
				sig.newWhen = m.newWhen
			}
			if sig.relation == "" {
				sig.relation = storyline.Cancelled
				if m.mode == modePostponed {
					sig.relation = storyline.Postponed
				}
			}
		}
	}
	return sig
}

// leadUps name the time before an occasion: "build-up to", "run-up to".
var leadUps = set("build-up", "buildup", "run-up", "lead-up", "countdown")

// occasions are nouns of occasions the action classes do not name (with
// the rounds of a contest): a match, a ceremony.
var occasions = set("match", "game", "fight", "bout", "race", "derby", "clash", "showdown", "opener", "kickoff",
	"kick-off", "ceremony", "concert", "premiere", "festival", "contest", "tournament", "rematch")

// lowAt is token k's lower-case form, "" outside the sentence.
func lowAt(toks []token, k int) string {
	if k >= 0 && k < len(toks) {
		return toks[k].low
	}
	return ""
}

// occasionAfter reports whether an occasion or an action of a class
// follows token k within three words ("before Sunday's final", "before
// the vote").
func occasionAfter(toks []token, k int) bool {
	for q := k + 1; q < len(toks) && q <= k+3; q++ {
		t := toks[q]
		if !t.word && t.low != "'s" {
			return false
		}
		if occasions[t.low] || rounds[t.low] || lemmaClass[lemma(t.low)] != "" && !t.lx.is(lxPast) {
			return true
		}
	}
	return false
}

// perfectOrParticiple reports whether the clause before token k is in
// the present perfect or opens with a participle ("has spoken to the
// media before the final", "Speaking before the game, ..."): done just
// now, and the occasion still ahead. A simple past ("resigned before the
// vote") says nothing of when the vote was.
func perfectOrParticiple(toks []token, k int) bool {
	if k > 0 && strings.HasSuffix(toks[0].low, "ing") && toks[0].cap && k <= 2 {
		return true
	}
	for q := k - 1; q >= 1 && q >= k-8; q-- {
		if !toks[q].word {
			return false
		}
		if toks[q].lx.is(lxPast) && (toks[q-1].low == "has" || toks[q-1].low == "have") {
			return true
		}
	}
	return false
}

// pastBefore reports whether a past verb reports something done before
// token k ("resigned before the vote").
func pastBefore(toks []token, k int) bool {
	for q := 1; q < k; q++ {
		if pastVerb(toks[q]) {
			return true
		}
	}
	return false
}

// nextRound recognises a contestant going through to a later round, which
// is still ahead: "reach the final", "into the last 8", "advance to the
// Super Bowl", "qualify for the playoffs".
func nextRound(toks []token, k int) bool {
	q := k + 1
	switch toks[k].low {
	case "reach", "reaches", "reached", "reaching", "into":
	case "advance", "advances", "advanced", "advancing", "through", "qualify", "qualifies", "qualified", "qualifying":
		if q < len(toks) && (toks[q].low == "to" || toks[q].low == "for") {
			q++
		}
	default:
		return false
	}
	if q < len(toks) && (toks[q].low == "the" || toks[q].low == "a") {
		q++
	}
	// The round, maybe after the contest's name: "the 2018 Eurovision
	// Song Contest final", "the Champions League final".
	for ; q < len(toks) && q <= k+8; q++ {
		switch w := toks[q].low; {
		case rounds[w]:
			return true
		case w == "last" && q+1 < len(toks) && isDigits(toks[q+1].low), w == "super" && q+1 < len(toks) && toks[q+1].low == "bowl":
			return true
		case !toks[q].word || !(toks[q].cap || toks[q].upper || isDigits(w)):
			return false
		}
	}
	return false
}

// rounds are the later stages of a contest.
var rounds = set("final", "finals", "semifinal", "semifinals", "semi-final", "semi-finals", "quarterfinal", "quarterfinals",
	"quarter-final", "quarter-finals", "playoffs", "playoff", "knockout", "knockouts", "qf", "qfs", "sf", "sfs")

// pollsOpen recognises a vote under way, its result still ahead: "polls
// open", "polling stations open", "voting begins", "head to the polls".
func pollsOpen(toks []token, k int) bool {
	at := func(q int) string { return lowAt(toks, q) }
	switch toks[k].low {
	case "polls", "stations":
		if toks[k].low == "stations" && at(k-1) != "polling" {
			return false
		}
		switch at(k + 1) {
		case "open", "opened", "opening", "close", "closed", "closing":
			return true // the result is ahead either way
		}
		for q := k - 2; q >= k-3; q-- { // "head to the polls", "go to polls"
			switch at(q) {
			case "head", "heads", "heading", "go", "goes", "going", "went", "headed":
				return at(q+1) == "to"
			}
		}
	case "voting":
		switch at(k + 1) {
		case "begins", "began", "starts", "started", "opens", "opened", "underway", "under":
			return true
		}
		switch at(k - 1) {
		case "start", "starts", "started", "begin", "begins", "began", "continue", "continues", "continued":
			return true // "Italians started voting on Sunday"
		}
	}
	return false
}

// headingFor: a motion toward something still ahead.
func headingFor(toks []token, k int) bool {
	switch toks[k].low {
	case "headed", "heading", "heads", "bound":
		if k+1 < len(toks) {
			switch toks[k+1].low {
			case "for", "to", "toward", "towards":
				return true
			}
		}
	}
	return false
}

// questionAt returns the token where a sentence's closing question
// begins (len(toks) if it asks none): the clause after the last stop,
// colon, semicolon or dash. "Will the summit go ahead?" asks from 0.
func questionAt(st *sentence) int {
	n := len(st.toks)
	if n == 0 || st.toks[n-1].low != "?" {
		return n
	}
	for k := n - 2; k >= 0; k-- {
		switch st.toks[k].low {
		case ".", "!", ":", ";", "—", "–", "--", "|":
			return k + 1
		}
	}
	return 0 // the whole sentence is the question
}

// asserted is the part of a sentence before its closing question:
// "Game to launch Tuesday; can it save the console?" and "Rover headed
// for Mars landing. Are you ready?" say their first clause, and the
// question's cues are no one's plan. nil when it only asks.
func asserted(st *sentence) *sentence {
	q := questionAt(st)
	switch {
	case q == 0:
		return nil
	case q == len(st.toks):
		return st
	}
	cut := *st
	cut.toks = st.toks[:q]
	cut.times, cut.ents = nil, nil
	for _, e := range st.times {
		if e.end <= q {
			cut.times = append(cut.times, e)
		}
	}
	for _, e := range st.ents {
		if e.end <= q {
			cut.ents = append(cut.ents, e)
		}
	}
	return &cut
}

// futureCues finds the cues of a sentence that look ahead: strong ones
// ("expected to", "scheduled", "ahead of", "what to expect", "will") say
// so alone, weak ones ("could", "may", "likely") with a time ahead. It
// returns the token of the first strong cue (-1 if none), and whether the
// strong cues were all a headline's "X to V".
func futureCues(st *sentence) (first int, weak, byTo bool) {
	first = -1
	strong, other := false, false
	defer func() {
		if !strong {
			first = -1
		}
	}()
	toks := st.toks
	at := func(k int) string { return lowAt(toks, k) }
	negated := func(k int) bool { // "not expected", "won't", "will not"
		return toks[k].lx.is(lxNegation) && toks[k].low != "without" || at(k+1) == "not" || at(k+1) == "n't" || at(k+1) == "never"
	}
	mark := func(k int) {
		if !strong {
			strong, first = true, k
		}
		other = other || toks[k].low != "to" || !st.headline || at(k+1) == "expect" || at(k+1) == "watch" || at(k+1) == "know"
	}
	for k := range toks {
		w, lx := toks[k].low, toks[k].lx
		if !toks[k].word {
			continue
		}
		prev := at(k - 1)
		switch {
		case w == "will" || w == "'ll" || w == "shall":
			if !negated(k) {
				mark(k)
			}
		case lx.is(lxModal): // may, might, could
			if !negated(k) {
				weak = true
			}
		case w == "to" && (at(k+1) == "expect" || prev == "how" && at(k+1) == "watch" || at(k+1) == "know" && (prev == "need" || prev == "things")):
			mark(k) // "what to expect", "how to watch", "things to know"
		case lx.is(lxToCue) && at(k+1) == "to" || lx.is(lxPostNoun) && !lx.is(lxModal):
			if prev == "than" || prev == "as" || prev == "was" || prev == "were" || prev == "had" || k > 0 && toks[k-1].lx.is(lxNegation) {
				continue // "better than expected", "as expected", "was set to"
			}
			if w == "set" && at(k+1) != "to" && at(k+1) != "for" {
				continue
			}
			if w == "likely" || w == "about" || w == "going" || w == "coming" || commitments[w] {
				weak = true
				continue
			}
			mark(k)
		case lx.is(lxPreNoun) && (w == "upcoming" || w == "scheduled" || w == "forthcoming" || w == "impending" || w == "looming" || w == "planned"):
			mark(k)
		case w == "ahead" && at(k+1) == "of", w == "eve" && at(k+1) == "of":
			mark(k)
		case prev == "in" && (w == "anticipation" || w == "advance") && at(k+1) == "of", prev == "in" && w == "preparation" && at(k+1) == "for":
			mark(k) // "in anticipation of the storm", "in advance of the vote"
		case w == "awaits" || w == "awaiting" || w == "awaited" || w == "preview" || w == "previews":
			mark(k)
		case leadUps[w] && at(k+1) == "to":
			mark(k) // "build-up to the title fight", "countdown to launch"
		case w == "before" && occasionAfter(toks, k) && (st.headline && !pastBefore(toks, k) || perfectOrParticiple(toks, k)):
			mark(k) // "teams warm up before the final", "Klopp has spoken to the media before the final"
		case pollsOpen(toks, k):
			mark(k) // "polls open in Italy": the vote is under way, its result ahead
		case nextRound(toks, k):
			mark(k) // "advanced to a final vote": the final is ahead
		case w == "countdown" || w == "deadline":
			weak = true
		case w == "prepares" || w == "preparing" || w == "braces" || w == "bracing" || w == "gears" || w == "gearing":
			mark(k)
		case headingFor(toks, k): // "storm headed for Florida", "bill heads to the Senate"
			mark(k)
		case st.headline && w == "to" && headlineFuture(toks, k):
			mark(k)
		}
	}
	return first, weak, strong && !other
}

// forwardTime returns the first time of the sentence that resolves to the
// publication day or later.
func forwardTime(st *sentence, pub time.Time) (window, bool) {
	p := day(pub)
	for _, e := range st.times {
		if e.kind == tkYear {
			continue // a year alone is background more often than a date
		}
		if w, ok := e.resolve(pub, true); ok && !w.to.Before(p) {
			if k := e.start - 1; k >= 0 && deadlinePreps[st.toks[k].low] {
				w.from = p // a deadline: any day until then
			}
			return w, true
		}
	}
	return window{}, false
}

// bareParticiple reports whether the past form at k is a headline's
// passive with no auxiliary ("Nominations announced Tuesday"), a day or
// date right after it: a day ahead makes it a plan.
func bareParticiple(st *sentence, k int) bool {
	toks := st.toks
	if k == 0 || !strings.HasSuffix(toks[k].low, "ed") && irregular[toks[k].low] == toks[k].low {
		return false
	}
	switch p := toks[k-1]; {
	case p.lx.is(lxCopula), p.low == "has", p.low == "have", p.low == "had", pronouns[p.low], p.low == "they", p.low == "we", p.low == "i", p.low == "you":
		return false
	}
	for _, e := range st.times {
		if (e.kind == tkWeekday || e.kind == tkDate) && e.start > k && e.start <= k+2 {
			return true // "announced Tuesday", "released on March 3"
		}
	}
	return false
}

// nearerAhead reports whether the first time of a sentence that may lie
// ahead does: with no cue, a month names the nearer of its two
// occurrences ("jobs added in February" published in March is the month
// just gone); a day of the week the coming one ("march on Saturday"),
// unless it was yesterday: "Stocks rise Wednesday" published on Thursday
// tells the past in the present, "Canelo beat Golovkin on Saturday night"
// published on Sunday in a past that looks like one.
func nearerAhead(st *sentence, pub time.Time) bool {
	p := day(pub)
	for _, e := range st.times {
		if e.kind == tkYear {
			continue
		}
		ahead, ok := e.resolve(pub, true)
		if !ok || ahead.to.Before(p) {
			continue
		}
		behind, ok := e.resolve(pub, false)
		switch {
		case !ok || !behind.to.Before(p):
			return true
		case e.kind == tkWeekday && e.modifier == "":
			return !behind.to.Equal(addDays(p, -1))
		case e.kind == tkMonth && e.year == 0:
			return ahead.from.Sub(p) <= p.Sub(behind.to)
		}
		return true
	}
	return false
}

// callOff finds a cue calling something off or putting it back in a
// sentence, not negated: "postponed", "called off", "averted", "stays".
func callOff(st *sentence) storyline.Relation {
	toks := st.toks
	for k := range toks {
		w, lx := toks[k].low, toks[k].lx
		if !toks[k].word {
			continue
		}
		if k > 0 && (toks[k-1].lx.is(lxNegation) || k > 1 && toks[k-2].lx.is(lxNegation) && toks[k-1].lx.is(lxModal|lxCopula)) {
			if toks[k-1].lx.is(lxNegation) && takesPlace(toks, k) && !hedged(toks, k-1, st.headline) {
				return storyline.Cancelled // "concert won't go ahead", "will not take place"
			}
			continue
		}
		if w == "would" && counterfactual(toks, k) {
			return storyline.Cancelled // a modal itself: "seemed to be heading for what would have been ..."
		}
		if rel := idiomCallOff(toks, k); rel != "" && !hedged(toks, k, st.headline) {
			return rel
		}
		if !(lx.is(lxCancel|lxPostpone|lxCueFirst) || w == "off" || cancelling[w] || stayCue(toks, k) || pullCue(toks, k)) || hedged(toks, k, st.headline) {
			continue
		}
		two := ""
		if k+1 < len(toks) {
			two = w + " " + toks[k+1].low
		}
		switch {
		case lx.is(lxPostpone) && w != "moved" || two != "" && postponeCues[two]:
			return storyline.Postponed
		case w == "off" || w == "no" || w == "skip" || w == "skips" || w == "skipped" || w == "boycott" || w == "boycotts" || w == "boycotted":
			// "off" only after "call"; "no longer" and boycotts say less.
			if w == "off" && k > 0 && (toks[k-1].lx.lemma == "call" || st.headline && offEnds(toks, k)) {
				return storyline.Cancelled // "called off", "Joshua-Miller fight off"
			}
		case lx.is(lxCancel) || two != "" && cancelCues[two] || cancelling[w] || pullCue(toks, k):
			return storyline.Cancelled
		case stayCue(toks, k):
			return storyline.Postponed
		}
	}
	return ""
}

// idiomCallOff recognises the phrases that call off or put back with
// words of other uses: "meeting off the table", "NASA stands down from the launch",
// "festival put on hold", "project put on ice", "slammed the brakes on
// its IPO".
func idiomCallOff(toks []token, k int) storyline.Relation {
	switch w := toks[k].low; {
	case w == "off" && lowAt(toks, k+1) == "the" && lowAt(toks, k+2) == "table":
		return storyline.Cancelled
	case w == "down" && k > 0 && toks[k-1].lx.lemma == "stand" && lowAt(toks, k+1) == "from":
		return storyline.Cancelled
	case (w == "hold" || w == "ice") && lowAt(toks, k-1) == "on" && putBefore(toks, k-1):
		return storyline.Postponed
	case w == "brakes" && lowAt(toks, k+1) == "on":
		return storyline.Postponed
	}
	return ""
}

// takesPlace reports whether token k starts "go ahead", "take place",
// "proceed" or "happen": negated, the event is off.
func takesPlace(toks []token, k int) bool {
	next := lowAt(toks, k+1)
	switch toks[k].low {
	case "go", "goes":
		return next == "ahead"
	case "take", "takes":
		return next == "place"
	case "proceed", "happen":
		return true
	}
	return false
}

// commitments look ahead to an action, not to a scheduled event: "agree to
// split the costs" announces something only with a time ahead.
var commitments = set("agree", "agrees", "agreed", "vow", "vows", "vowed", "pledge", "pledges", "pledged",
	"promise", "promises", "promised", "want", "wants", "seek", "seeks", "aim", "aims", "hope", "hopes",
	"threaten", "threatens", "try", "tries", "continue", "continues", "intend", "intends")

// cancelling are the -ing forms of calling off that the cue sets lack.
var cancelling = set("averting", "scrapping", "scrubbing", "aborting", "halting", "shelving")

// hedged reports whether the cue at k is a possibility, an aim or
// background rather than news: "could delay or even cancel", "to keep the
// government open and avert a shutdown", "two weeks after his death was
// delayed". A cancellation itself expected ("expected to postpone") is
// news.
func hedged(toks []token, k int, headline bool) bool {
	for q := k - 1; q >= max(0, k-10); q-- {
		w := toks[q].low
		switch {
		case q < k-6 && (toks[q].word || w == "-"):
			// Only a background clause reaches this far back: "after a
			// planned trip to France was postponed".
			if w == "after" && !headline || w == "since" {
				return true
			}
		case toks[q].lx.is(lxModal|lxConditional) && w != "will":
			return true
		case w == "after" && !headline || w == "since" || w == "risk" || w == "threat" || w == "fears" || w == "fear" || w == "feared":
			return true
		case w == "to":
			if toks[k].lx.is(lxPast) && q+1 < k && !auxiliaries[toks[q+1].low] && !attributes[toks[k-1].low] {
				continue // no infinitive: "No Time to Die delayed", not "to lead probe of delayed recall"
			}
			if q > 0 {
				switch toks[q-1].low {
				case "expected", "likely", "set", "poised", "due", "going", "about":
					return false
				}
			}
			if caused(toks, q) {
				return false // "forced the fight to be cancelled": it was
			}
			return true
		case !toks[q].word && w != "-":
			return false // the clause ends
		}
	}
	return false
}

// precautionary reports whether a sentence calls something off as a
// precaution: a cancel or postpone cue followed by what is ahead.
func precautionary(st *sentence) bool {
	for k, t := range st.toks {
		if t.lx.is(lxCancel|lxPostpone) && precaution(st.toks, k) {
			return true
		}
	}
	return false
}

// precaution reports whether what the cue at k calls off is called off
// ahead of something still to come, which is the news: "flights cancelled
// ahead of the storm".
func precaution(toks []token, k int) bool {
	for q := k + 1; q+1 < len(toks) && q <= k+15; q++ {
		switch w, next := toks[q].low, toks[q+1].low; {
		case w == "ahead" && next == "of", (w == "anticipation" || w == "advance") && next == "of" && toks[q-1].low == "in":
			return true
		case w == ";" || w == "but" || w == "." || w == ":":
			return false
		}
	}
	return false
}

// pullCue: something withdrawn, "pulls its IPO", "pulled the plug on
// the tour", "pulls IPO"; not "pulled ahead", "pulls in millions".
func pullCue(toks []token, k int) bool {
	switch toks[k].low {
	case "pull", "pulls", "pulled", "pulling":
	default:
		return false
	}
	switch lowAt(toks, k+1) {
	case "its", "their":
		return true
	case "the":
		if lowAt(toks, k+2) == "plug" {
			return true
		}
	case "off", "out", "ahead", "away", "back", "up", "level", "clear", "in", "into":
		return false
	}
	if k+1 < len(toks) && toks[k+1].upper {
		return true
	}
	// "pulled Wednesday's vote", "pulls debt ceiling vote": an event named
	// within three words.
	for q := k + 1; q < len(toks) && q <= k+3; q++ {
		if !toks[q].word && toks[q].low != "'s" {
			return false
		}
		if occasions[toks[q].low] || eventNouns[toks[q].lx.lemma] {
			return true
		}
	}
	return false
}

// eventNouns name things planned that can be withdrawn.
var eventNouns = set("vote", "bill", "nomination", "bid", "offer", "ipo", "listing", "launch", "summit", "meeting",
	"visit", "hearing", "debate", "tour", "show", "release", "event", "trip", "strike", "rally", "march")

// counterfactual reports whether "would" at k opens "what would have
// been": a thing that did not come to be ("what would have been the
// largest shutdown in history, until a stopgap was signed").
func counterfactual(toks []token, k int) bool {
	return k > 0 && (toks[k-1].low == "what" || toks[k-1].low == "which") && lowAt(toks, k+1) == "have" && lowAt(toks, k+2) == "been"
}

// putBefore reports whether "put" or "place" governs the phrase ending
// before token k ("put the festival on hold").
func putBefore(toks []token, k int) bool {
	for q := k - 1; q >= 0 && q >= k-5; q-- {
		switch toks[q].lx.lemma {
		case "put", "place":
			return true
		}
	}
	return false
}

// attributes make the participle after them describe a noun: "of
// delayed recall", "the postponed final".
var attributes = set("of", "the", "a", "an", "its", "their", "his", "her", "this", "that")

// caused reports whether a causative verb in the past governs the
// infinitive at "to" token k: "failures forced an upcoming fight to be
// cancelled", "the storm caused the race to be postponed".
func caused(toks []token, k int) bool {
	for q := k - 1; q >= 0 && q >= k-8; q-- {
		switch toks[q].low {
		case "forced", "caused", "prompted", "led":
			return true
		case ",", ";", ".", ":":
			return false
		}
	}
	return false
}

// auxiliaries begin an infinitive whose participle is its verb ("to be
// postponed", "to have cancelled").
var auxiliaries = set("be", "been", "have", "get", "being")

// stayCue: a stay or reprieve of something due ("grants stay of
// execution", "governor stays execution"), not "stays in power".
func stayCue(toks []token, k int) bool {
	w := toks[k].low
	switch w {
	case "reprieve", "reprieves", "reprieved":
		return true
	case "stay":
		if k+1 < len(toks) && toks[k+1].low == "of" {
			return true // "stay of execution"
		}
		if k == 0 {
			return false
		}
		switch p := toks[k-1].low; {
		case toks[k-1].lx.is(lxDeterminer), strings.HasSuffix(p, "-day"), strings.HasPrefix(p, "grant"), strings.HasPrefix(p, "issu"):
			return true
		}
		return false
	case "stays", "stayed":
		if k+1 >= len(toks) || !toks[k+1].word {
			return false
		}
		switch toks[k+1].low {
		case "in", "on", "at", "with", "out", "put", "home", "away", "open", "close", "calm", "strong", "silent", "quiet", "the", "a", "up", "down", "true", "ahead", "behind", "low", "high", "flat", "unchanged", "firm", "for", "until", "as", "alive", "tuned":
			return false
		}
		return true
	}
	return false
}

// pastReport returns the first past form of a sentence that reports an
// action done (-1 if none): not a modifier ("the expected vote", "a
// convicted murderer"), a passive future ("to be held"), a plan ("slated
// to") or a verb of saying.
func pastReport(st *sentence) int {
	toks := st.toks
	for k, t := range toks {
		if !t.word || !t.lx.is(lxPast) || t.lx.is(lxPastPlan|lxPostNoun|lxPreNoun|lxTitle|lxSay|lxCopula) || t.low == "had" || t.low == "did" ||
			t.low == "fed" && t.cap || // the Fed, not a past "fed"
			strings.Contains(t.low, "-") { // "nuclear-powered", "long-awaited"
			continue
		}
		if firstWord(toks, k) {
			continue // "Undefeated Joshua will defend": a sentence opens with its subject, not its verb
		}
		if k > 0 && (toks[k-1].low == "be" || toks[k-1].low == "to" || toks[k-1].lx.is(lxDeterminer) || linkingVerbs[toks[k-1].low]) {
			continue // "to be held", "the expected vote", "remains focused"
		}
		if k+1 < len(toks) && (toks[k+1].low == "to" || toks[k+1].low == "that") || headingFor(toks, k) {
			continue // "slated to", "announced that", "headed for": what follows says more
		}
		if seemed(toks, k) {
			continue // "looked all but certain to enter a shutdown"
		}
		return k
	}
	return -1
}

// seemed reports whether token k is a past "looked", "seemed" or
// "appeared" before a cue looking ahead: how things stood, not an action.
func seemed(toks []token, k int) bool {
	switch toks[k].low {
	case "looked", "seemed", "appeared":
	default:
		return false
	}
	for q := k + 1; q < len(toks) && q <= k+4; q++ {
		if toks[q].lx.is(lxToCue) && q+1 < len(toks) && toks[q+1].low == "to" {
			return true
		}
	}
	return false
}

// headlineFuture recognises the headline future "Joshua to fight Miller",
// "Cohen, Trump's former lawyer, to testify": "to" and a verb, with no verb
// before it ("Liverpool beat Spurs to win the final" reports).
func headlineFuture(toks []token, k int) bool {
	if k == 0 || k+1 >= len(toks) || copulaBefore(toks, k) {
		return false
	}
	if toks[k-1].low == "," && k > 1 && toks[k-2].word {
		k0 := k - 1
		toks2 := append(append([]token(nil), toks[:k0]...), toks[k:]...)
		return !verbBefore(toks, k0) && headlineTo(toks2, k0)
	}
	return !verbBefore(toks, k) && headlineTo(toks, k)
}

// copulaBefore reports whether a copula stands in the clause before token
// k: "It's great to see you" says how it is, not what is to come ("is
// about to", "is due to" are cues of their own).
func copulaBefore(toks []token, k int) bool {
	if toks[k-1].lx.is(lxToCue) {
		return false
	}
	for q := k - 1; q >= 0 && toks[q].low != ":"; q-- {
		switch toks[q].low {
		case "is", "are", "was", "were", "'re", "am":
			return true
		case "'s":
			if q > 0 && pronouns[toks[q-1].low] {
				return true
			}
		}
	}
	return false
}

var pronouns = set("it", "that", "there", "here", "he", "she", "what", "who", "this")

// verbBefore reports whether a finite verb stands before token k: a past
// form, an irregular verb or an inflected action word.
func verbBefore(toks []token, k int) bool {
	for _, t := range toks[:k] {
		if !t.word || t.lx.is(lxTitle) {
			continue
		}
		if _, irr := irregular[t.low]; irr && !t.lx.is(lxCopula) {
			return true
		}
		if t.lx.is(lxPast) && !t.lx.is(lxCopula|lxPreNoun) || t.lx.is(lxLemmaClass) && t.lx.lemma != t.low {
			return true
		}
		if base, ok := strings.CutSuffix(t.low, "s"); ok && len(base) > 2 && !t.cap {
			if irregularLemmas[base] || lemmaClass[base] != "" {
				return true // "beats", "makes", "wins"
			}
		}
	}
	return false
}

// offEnds: a headline's "off" that ends its clause ("fight off after
// failed test", "summit is off"), not a particle before an object ("fend
// off rivals").
func offEnds(toks []token, k int) bool {
	if k > 0 && phrasalOff[toks[k-1].lx.lemma] {
		return false // "rocket lifts off", "season kicks off"
	}
	if k+1 == len(toks) || !toks[k+1].word {
		return true
	}
	switch toks[k+1].low {
	case "after", "as", "amid", "due", "over", "because", "following", "for", "in", "at":
		return true
	}
	return false
}

// phrasalOff are the verbs whose "off" is a particle of their own:
// "lifts off", "kicks off", "tees off", "pays off".
var phrasalOff = set("lift", "blast", "take", "kick", "tee", "face", "pay", "set", "show", "sign", "tip", "top",
	"round", "head", "log", "sell", "ease", "cool", "spin", "shake", "start", "see", "run", "switch", "turn", "drop",
	"write", "jump", "tail", "level", "square", "trade", "peel", "fend", "ward", "stave", "hold")

// linkingVerbs make the participle after them a state, not an action done.
var linkingVerbs = set("remain", "remains", "stay", "stays", "seem", "seems", "look", "looks", "appear", "appears",
	"feel", "feels", "become", "becomes", "sound", "sounds")

// nounCue reports whether a sentence names an event as still to come with
// an adjective ("the upcoming summit") before token before, its reported
// verb: the sentence then looks ahead; after the verb the adjective names
// what was done to it ("blocked a planned merger").
func nounCue(st *sentence, before int) bool {
	for _, t := range st.toks[:before] {
		switch t.low {
		case "upcoming", "forthcoming", "impending", "looming", "scheduled", "planned":
			return true
		}
	}
	return false
}

// irregularLemmas are the verbs of the irregular-verb table ("make",
// "beat", "become"), whose -s forms are verbs.
var irregularLemmas = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range irregular {
		m[l] = true
	}
	return m
}()

// firstWord reports whether token k is the first word of its sentence.
func firstWord(toks []token, k int) bool {
	for _, t := range toks[:k] {
		if t.word {
			return false
		}
	}
	return true
}
