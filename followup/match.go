package followup

import (
	"fmt"
	"strings"
	"time"

	"github.com/kljensen/snowball"

	"github.com/storyline/storyline"
)

// Options tune linking and status. The zero value is not useful: start
// from DefaultOptions.
type Options struct {
	// Threshold is the lowest score that links an outcome.
	Threshold float64
	// Horizon is how long an anticipation without a stated time stays
	// open for outcomes (and before it turns overdue).
	Horizon time.Duration
	// Lag is how long after the expected window a report of the event
	// without a date of its own still counts.
	Lag time.Duration
	// Grace is how long after the expected window an event without an
	// outcome stays pending before it is overdue.
	Grace time.Duration
	// Merge is the lowest term overlap (Dice, weighed) at which a new
	// announcement joins an open event instead of starting its own.
	Merge float64
	// Undated is how long an event announced without a time stays pending
	// with no outcome before it is overdue ("talks to resume" may take
	// weeks); its outcomes are still looked for within Horizon only.
	Undated time.Duration
}

// DefaultOptions are the settings measured on the development set.
func DefaultOptions() Options {
	return Options{Threshold: 0.2, Horizon: 14 * 24 * time.Hour, Lag: 3 * 24 * time.Hour, Grace: 2 * 24 * time.Hour, Merge: 0.2,
		Undated: 30 * 24 * time.Hour}
}

// Window returns the dates during which an anticipation's outcome is
// expected: its stated window, or the horizon after publication.
func (o Options) Window(a *storyline.Anticipation) (from, to time.Time) {
	if a.HasTime() {
		return a.From, a.To
	}
	p := day(a.Published)
	return p, day(p.Add(o.Horizon))
}

// SearchRange is the publication range of stories that can report on a:
// from its own publication to the window's end plus the lag.
func (o Options) SearchRange(a *storyline.Anticipation) (from, to time.Time) {
	_, wto := o.Window(a)
	return a.Published, wto.Add(24*time.Hour + o.Lag)
}

// Match is a scored candidate link.
type Match struct {
	Relation    storyline.Relation
	Score       float64
	Explanation string
	gate        string // the gate that failed, for tracing
	// vetoes: the gate tells the story's happening from the event's by
	// where it happens (another committee or court), for all the event's
	// announcements. (The people they name vary more: one names the
	// guests of a summit its host's others do not.)
	vetoes  bool
	signals Signals
}

// Signals are what a score is made of, for tracing.
type Signals struct {
	Dice, Cover, StoryCover float64 // shared term weight over both, the event's, the story's
	Class                   float64 // the story's action agrees with the event's (1, or less for a related one)
	Timed                   bool    // reported on the expected day or its eve, or called off before it
	Actor                   bool    // the story names one of the event's actors (or it has none)
}

// Score rates a story (analysed) as the outcome of event a, with terms
// weighed by their rarity in r (alike when r is nil). ok is false when a gate fails: the story is earlier, does
// not name the people of an interaction, reports at a time the event cannot
// have had, or shares too little of what identifies the event.
func (o Options) Score(a *storyline.Anticipation, out *Analysis, r Rarity) (Match, bool) {
	w := weigher{r: r}
	return o.score(a, out, w.story(out.Terms), &w)
}

// score is Score with the story's terms weighed once (sw) for all the
// events it is weighed against.
func (o Options) score(a *storyline.Anticipation, out *Analysis, sw storyWeights, w *weigher) (Match, bool) {
	if out.Published.Before(a.Published) {
		return Match{gate: "published before the announcement"}, false // causal
	}
	if !out.Reports() {
		return Match{gate: "announces"}, false // "Biden and Xi to meet in Bali" reports nothing
	}
	if !personsNamed(a, out) {
		return Match{gate: "persons"}, false
	}
	if inst := otherInstitution(a, out); inst != "" {
		return Match{gate: "another " + inst, vetoes: true}, false
	}
	terms := a.Terms
	if len(terms) == 0 { // stored before terms: its actors identify it
		for _, ac := range a.Actors {
			terms = append(terms, termsOf(ac.Name)...)
		}
	}
	ov := w.overlapStory(terms, sw)
	if len(ov.shared) < max(1, min(2, len(terms))) {
		return Match{gate: "shared"}, false
	}
	// The story's own action of the event's kind, if it reports one.
	classW, act := 0.0, -1
	for i, oc := range out.Outcomes {
		cw := 0.0
		switch {
		case a.Class == "":
		case oc.Class == a.Class:
			cw = 1
		default:
			cw = relatedClasses[a.Class][oc.Class]
		}
		if cw > classW {
			classW, act = cw, i
		}
	}
	rel := out.sig.relation
	if rel == "" && act >= 0 {
		rel = out.Outcomes[act].Relation
	}
	if rel == "" {
		rel = storyline.Happened
	}
	wfrom, wto := o.Window(a)
	win := window{wfrom, wto}
	pubDay := day(out.Published)
	why := "reported " + pubDay.Format(time.DateOnly)
	if rel == storyline.Happened {
		if out.looksAheadTo(win, a.Class) {
			return Match{gate: "looks ahead to it"}, false
		}
		if out.sig.nextRound && (!a.HasTime() || win.to.After(pubDay)) {
			// "Israel, Cyprus reach final" reports a round of a contest
			// still ahead, not the contest's outcome.
			return Match{gate: "a later round reached"}, false
		}
		if pubDay.Before(addDays(win.from, -1)) || pubDay.After(win.to.Add(o.Lag)) {
			return Match{gate: "reported off window " + win.String()}, false
		}
		// The same action dated outside the window is another occurrence
		// ("Biden and Xi spoke by phone on Feb 20").
		if act >= 0 && classW == 1 && !out.Outcomes[act].When.zero() {
			if !out.Outcomes[act].When.overlaps(win, 1) {
				return Match{gate: "dated " + out.Outcomes[act].When.String()}, false
			}
			why = "on " + out.Outcomes[act].When.String()
		}
	} else if pubDay.After(win.to.Add(o.Lag)) {
		return Match{gate: "called off late"}, false // a scrub is news by the next days
	} else if !out.sig.newWhen.zero() && out.sig.newWhen.overlaps(win, 0) {
		return Match{gate: "put back to this date"}, false // the news that set the date, not a new delay
	}
	if a.HasTime() {
		why += " vs expected " + win.String()
	}
	sig := Signals{Dice: ov.dice, Cover: ov.cover, StoryCover: ov.near, Class: classW, Actor: actorNamed(a, out)}
	score := ov.dice + 0.1*classW
	switch {
	case rel != storyline.Happened && !pubDay.After(addDays(win.to, 1)):
		sig.Timed = true // called off before it was due: news about this event, rarely another's
	case rel == storyline.Happened && a.HasTime() && !pubDay.After(win.to) && !pubDay.Before(addDays(win.from, -1)):
		sig.Timed = true // reported on the expected day or its eve (a deadline at midnight)
	}
	switch {
	case sig.Timed && rel != storyline.Happened:
		score += offBonus
	case sig.Timed:
		score += cueBonus
	}
	if !sig.Actor && !(sig.Timed && rel != storyline.Happened && ov.dice >= o.Threshold/2) {
		// A call-off before the date names the event itself more than
		// its actors ("Shutdown averted", "Election postponed").
		score *= noActor
	}
	m := Match{Relation: rel, Score: float64(int(score*1000+0.5)) / 1000, signals: sig}
	if score < o.Threshold {
		return m, false
	}
	m.Explanation = fmt.Sprintf("terms %s (%.2f of the event's weight); %s", strings.Join(ov.shared[:min(len(ov.shared), 6)], ", "), ov.cover, why)
	if act >= 0 {
		m.Explanation += fmt.Sprintf("; action %s~%s", a.Class, out.Outcomes[act].Lemma)
	}
	return m, true
}

// cueBonus is what a time consistent with the expected date adds to a
// score: a story reporting on the expected day or its eve, or calling it off before.
const cueBonus = 0.05

// offBonus is cueBonus for a story calling the event off before it was
// due: such a story shares few of a long announcement's terms ("Shutdown
// averted"), and one calling off another event rarely shares any (on the
// development sets, timed call-offs below the threshold were the event's
// in nine cases of ten, over five events).
const offBonus = 0.1

// noActor discounts a story that names none of an event's actors: most
// are another actor's doings ("House passes chips bill" for "Senate to vote
// on chips bill"), some a frame's stray name ("Buhari" for an election).
const noActor = 0.6

// actorNamed: a story reporting an event names one of its actors, when
// the event has any ("House passes chips bill" is no outcome of "Senate to
// vote on chips bill").
func actorNamed(a *storyline.Anticipation, out *Analysis) bool {
	n := 0
	for _, ac := range a.Actors {
		if ac.Secondary {
			continue
		}
		n++
		if out.HasTerm(ac.Key) {
			return true
		}
	}
	return n == 0
}

// institutions are the kinds of body an event may be held before, whose
// instances a word tells apart ("Oversight Committee", "Intelligence
// Committee").
var institutions = set("committee", "subcommittee", "court", "commission", "council", "tribunal")

// heldBefore are the classes of action an institution holds or gives:
// a hearing, a ruling, a vote.
var heldBefore = set("testify", "rule", "vote")

// generalWords name no particular instance of an institution.
var generalWords = set("the", "a", "an", "of", "house", "senate", "representatives", "u.s.", "us", "united", "states",
	"state", "federal", "national", "top", "full", "same", "this", "that", "its", "their", "his", "her", "'s", "and",
	"select", "standing", "joint", "powerful", "key", "new", "congressional", "parliamentary", "legislative", "high", "higher", "lower", "local")

// otherInstitution returns the institution (a committee, a court) an
// event's actors name when the story names only other ones of that kind:
// a closed-door hearing of the House Intelligence Committee is no outcome
// of the testimony announced before the Oversight Committee, a ruling of
// an appeals court none of the one the Supreme Court is to give.
func otherInstitution(a *storyline.Anticipation, out *Analysis) string {
	if !heldBefore[a.Class] {
		return "" // an execution halted by a court is still the execution's news
	}
	for _, ac := range a.Actors {
		words := strings.Fields(ac.Key)
		if len(words) < 2 || !institutions[words[len(words)-1]] {
			continue
		}
		head, own := words[len(words)-1], map[string]bool{}
		qualifiers(" "+ac.Key+" ", head, func(w string) { own[w] = true })
		if len(own) == 0 {
			continue
		}
		other, same := false, false
		qualifiers(out.terms, head, func(w string) {
			if own[w] {
				same = true
			} else {
				other = true
			}
		})
		if other && !same {
			return head
		}
	}
	return ""
}

// qualifiers calls f with the word naming each instance of an
// institution in text (folded, space-padded): "intelligence" in "house
// intelligence committee", "oversight" in "committee on oversight".
func qualifiers(text, head string, f func(string)) {
	for rest := text; ; {
		i := strings.Index(rest, " "+head+" ")
		if i < 0 {
			return
		}
		if prev := rest[strings.LastIndexByte(rest[:i], ' ')+1 : i]; prev != "" && !generalWords[prev] && !institutions[prev] {
			f(prev)
		}
		after := strings.Fields(rest[i+len(head)+1 : min(len(rest), i+len(head)+40)])
		if len(after) > 1 && (after[0] == "on" || after[0] == "of") && !generalWords[after[1]] && !lex(after[1]).is(lxTimeWord|lxWeekday|lxMonth) {
			f(after[1])
		}
		rest = rest[i+len(head)+1:]
	}
}

// personsNamed: the people of an interaction (a call, a meeting, a fight
// between two named people) are what tell it from the same people's other
// interactions, so a story must name each of them.
func personsNamed(a *storyline.Anticipation, out *Analysis) bool {
	if !interactive[a.Class] {
		return true
	}
	n := 0
	for _, ac := range a.Actors {
		if !ac.Secondary && isPerson(ac) {
			n++
		}
	}
	if n < 2 {
		return true
	}
	for _, ac := range a.Actors {
		if !ac.Secondary && isPerson(ac) && !out.HasTerm(ac.Key) {
			return false
		}
	}
	return true
}

// stem returns the Snowball stem of a lower-case word (the word itself if
// it has none).
func stem(w string) string { return stemCache.get(w) }

var stemCache = newWordCache(1<<16, computeStem)

func computeStem(w string) string {
	s, err := snowball.Stem(w, "english", true)
	if err != nil || s == "" {
		return w
	}
	return s
}

// Status computes where an anticipation stands at now, given its linked
// outcomes: happened if any outcome says so, else the latest cancellation
// or postponement, else overdue once the window plus the grace has passed.
func (o Options) Status(a *storyline.Anticipation, outcomes []storyline.ThreadOutcome, now time.Time) storyline.EventStatus {
	var latest storyline.ThreadOutcome
	for _, oc := range outcomes {
		if oc.Relation == storyline.Happened {
			return storyline.StatusHappened
		}
		if latest.Relation == "" || !oc.Story.Published.Before(latest.Story.Published) {
			latest = oc
		}
	}
	switch latest.Relation {
	case storyline.Cancelled:
		return storyline.StatusCancelled
	case storyline.Postponed:
		return storyline.StatusPostponed
	}
	if !a.HasTime() {
		if now.After(a.Published.Add(max(o.Undated, o.Horizon))) {
			return storyline.StatusOverdue
		}
		return storyline.Pending
	}
	_, to := o.Window(a)
	if now.After(to.Add(24*time.Hour + o.Grace)) {
		return storyline.StatusOverdue
	}
	return storyline.Pending
}

// isPerson: a name of two words or more matched by its last word ("Donald
// Trump" by "trump"), not a country or an organisation matched whole.
func isPerson(ac storyline.Actor) bool {
	ws := strings.Fields(fold(ac.Name))
	if len(ws) < 2 || lex(ac.Key).is(lxCountry) {
		return false // "Undefeated British": a people, not a person
	}
	return ws[len(ws)-1] == ac.Key || ws[0] == ac.Key // "Xi Jinping" is keyed "xi"
}

// looksAheadTo reports whether a story whose headline only looks ahead
// looks ahead to a time in win, or to no time: "Harvey expected to strike
// Texas: Harvey has strengthened ..." reports what leads up to the event it
// announces, no outcome of it. "Abe, Trump agree to hold summit on Feb. 10"
// may still report the call of the day before.
func (a *Analysis) looksAheadTo(win window, class string) bool {
	if !a.sig.headFuture || a.sig.headReport || !a.Announces() {
		return false
	}
	for _, oc := range a.Outcomes {
		// A lead reporting the event's action done on a day of the window
		// overrides a stale headline: "Photo of black hole expected soon:
		// scientists revealed it on Wednesday".
		if class != "" && oc.Class == class && oc.Relation == storyline.Happened && !oc.When.zero() && oc.When.overlaps(win, 0) && !oc.When.from.After(day(a.Published)) {
			return false
		}
	}
	if len(a.Events) == 0 {
		return a.sig.when.zero() || a.sig.when.overlaps(win, 0)
	}
	for _, e := range a.Events {
		if !e.HasTime() || (window{e.From, e.To}).overlaps(win, 0) {
			return true
		}
	}
	return false
}
