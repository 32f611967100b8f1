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
}

// DefaultOptions are the settings measured on the development set.
func DefaultOptions() Options {
	return Options{Threshold: 0.6, Horizon: 14 * 24 * time.Hour, Lag: 3 * 24 * time.Hour, Grace: 2 * 24 * time.Hour}
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
}

// Score rates a story (analysed) as the outcome of anticipation a. ok is
// false when a gate fails: the story is not later, does not name enough
// of the actors, reports no equivalent action, or its time is off.
func (o Options) Score(a *storyline.Anticipation, out *Analysis) (Match, bool) {
	if out.Published.Before(a.Published) {
		return Match{}, false // causal: an outcome follows its anticipation
	}
	core := a.CoreKeys()
	if len(core) == 0 {
		return Match{}, false
	}
	var matched []string
	for _, k := range core {
		if out.HasTerm(k) {
			matched = append(matched, k)
		}
	}
	if len(matched) < min(2, len(core)) {
		return Match{}, false
	}
	// Every person named in full must be there: a call between Trump and
	// Abe is not fulfilled by one between Trump and Merkel.
	for _, ac := range a.Actors {
		if !ac.Secondary && isPerson(ac) && !out.HasTerm(ac.Key) {
			return Match{}, false
		}
	}
	secondary, secHit := 0, 0
	for _, ac := range a.Actors {
		if ac.Secondary {
			secondary++
			if out.HasTerm(ac.Key) {
				secHit++
			}
		}
	}
	actorScore := float64(len(matched)) / float64(len(core))
	if secondary > 0 {
		actorScore = 0.85*actorScore + 0.15*float64(secHit)/float64(secondary)
	}
	wfrom, wto := o.Window(a)
	win := window{wfrom, wto}
	pubDay := day(out.Published)
	best, bestScore := Match{}, -1.0
	var bestWhy string
	for _, oc := range out.Outcomes {
		classW := 0.0
		if oc.Class == a.Class {
			classW = 1
		} else if w, ok := relatedClasses[a.Class][oc.Class]; ok {
			classW = w
		}
		if classW == 0 {
			continue
		}
		// An actor must be named with the action, not anywhere in the story.
		near := false
		for _, k := range core {
			if strings.Contains(oc.terms, " "+k+" ") {
				near = true
			}
		}
		if !near {
			continue
		}
		timeW := 0.0
		var why string
		switch oc.Relation {
		case storyline.Happened:
			switch {
			case !oc.When.zero():
				if !oc.When.overlaps(win, 1) {
					continue
				}
				timeW = 1
				why = "on " + oc.When.String()
			case pubDay.Before(addDays(win.from, -1)) || pubDay.After(win.to.Add(o.Lag)):
				continue
			case !pubDay.After(addDays(win.to, 1)):
				timeW = 0.8
				why = "reported " + pubDay.Format("2006-01-02")
			default:
				timeW = 0.5
				why = "reported " + pubDay.Format("2006-01-02")
			}
			if !a.HasTime() {
				timeW *= 0.6
			}
		default: // cancelled or postponed: reported before the event was due
			if pubDay.After(addDays(win.to, 1)) {
				continue
			}
			if oc.Relation == storyline.Postponed && !oc.NewWhen.zero() && oc.NewWhen.overlaps(win, 0) {
				continue // postponed to this very date: another attempt's news
			}
			if !oc.When.zero() && !oc.When.overlaps(win, 1) && a.HasTime() {
				continue
			}
			timeW = 1
			why = "reported " + pubDay.Format("2006-01-02")
		}
		s := classW*0.6 + timeW*0.4
		if s > bestScore {
			bestScore = s
			best.Relation = oc.Relation
			bestWhy = fmt.Sprintf("action %s~%s (%s); %s", a.Class, oc.Lemma, oc.Relation, why)
			if a.HasTime() {
				bestWhy += " vs expected " + win.String()
			}
		}
	}
	if bestScore < 0 {
		return Match{}, false
	}
	sim := similarity(a, out)
	score := 0.40*actorScore + 0.45*bestScore + 0.15*sim
	if score < o.Threshold {
		return Match{}, false
	}
	best.Score = float64(int(score*1000+0.5)) / 1000
	best.Explanation = fmt.Sprintf("actors %s; %s; text %.2f", strings.Join(matched, ", "), bestWhy, sim)
	return best, true
}

// similarity is the share of the anticipation's content words the outcome
// story also uses (by stem).
func similarity(a *storyline.Anticipation, out *Analysis) float64 {
	seen := map[string]bool{}
	stems := out.stemSet()
	n, hit := 0, 0
	for _, w := range words(a.Evidence) {
		if common[w] || len(w) <= 2 || isDigits(w) {
			continue
		}
		s := stem(w)
		if seen[s] {
			continue
		}
		seen[s] = true
		n++
		if stems[s] {
			hit++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
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
	return len(ws) >= 2 && ws[len(ws)-1] == ac.Key
}
