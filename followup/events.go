package followup

import (
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// interactive classes take a partner: one event per partner when a subject
// speaks with several ("Trump will speak with Putin as well as Merkel").
var interactive = set("speak", "meet")

var relativeWords = set("that", "which", "who", "whose", "where", "whom")

// draft is an event being assembled from a story's mentions.
type draft struct {
	class, lemma string
	actors       []entity
	when         window
	sent         int
	evidence     string
}

func (d *draft) coreKeys() []string {
	var ks []string
	for _, e := range d.actors {
		if !e.secondary && !contains(ks, e.key) {
			ks = append(ks, e.key)
		}
	}
	return ks
}

// buildEvents turns anticipated (and rescheduled) mentions into events:
// actors from the clause, split per partner, merged when one restates
// another, pronouns resolved to the previous pair of actors.
// fullest is an empty map to work in.
// It also returns the sentence each event was read from.
func buildEvents(sents []*sentence, ms []mention, pub time.Time, fullest map[string]string) ([]storyline.Anticipation, []int) {
	var drafts []*draft
	evidence := make([]string, len(sents)) // each sentence's text, once
	for _, m := range ms {
		when := m.when
		switch {
		case m.mode == modeAnticipated:
		case m.mode == modePostponed && !m.newWhen.zero():
			when = m.newWhen // the rescheduled event is anticipated anew
		default:
			continue
		}
		st := sents[m.sent]
		from, to := clauseBounds(st.toks, m.start, true)
		// Actors near the action, not across a complement clause ("the
		// call will take place following the conclusion that Russia ...").
		for k := m.end; k < to; k++ {
			if relativeWords[st.toks[k].low] || k > m.end+25 {
				to = k
				break
			}
		}
		from = max(from, m.start-15)
		var beforeBuf, afterBuf [8]entity
		before, after := beforeBuf[:0], afterBuf[:0]
		for _, e := range st.ents {
			if e.attrib || e.start < from || e.end > to {
				continue
			}
			if e.start < m.start {
				before = append(before, e)
			} else {
				after = append(after, e)
			}
		}
		if !hasCore(before) && !hasCore(after) {
			if ante := antecedent(sents, m.sent, from, m.start); ante != nil {
				before = ante
			}
		}
		if evidence[m.sent] == "" {
			evidence[m.sent] = joinTokens(st.toks)
		}
		groups := [][]entity{append(append(make([]entity, 0, len(before)+len(after)), before...), after...)}
		if interactive[m.class] && hasCore(before) {
			if partners := coordinated(st.toks, actorsCore(after)); len(partners) >= 2 {
				groups = nil
				for _, p := range partners {
					g := append([]entity{}, before...)
					groups = append(groups, append(g, p))
				}
			}
		}
		for _, g := range groups {
			drafts = append(drafts, &draft{class: m.class, lemma: m.lemma, actors: uniqueEntities(g), when: when, sent: m.sent, evidence: evidence[m.sent]})
		}
	}
	// Merge restatements: same class, actors of one within the other's (or
	// none), compatible times. The earlier (headline first) survives.
	var merged []*draft
	for _, d := range drafts {
		placed := false
		for _, e := range merged {
			if e.class != d.class || !compatible(e, d) {
				continue
			}
			ek, dk := e.coreKeys(), d.coreKeys()
			if len(ek) < 2 && len(dk) > len(ek) {
				e.actors = uniqueEntities(append(e.actors, d.actors...))
			}
			if e.when.zero() || !d.when.zero() && d.when.days() < e.when.days() && e.when.overlaps(d.when, 1) {
				e.when = d.when
			}
			placed = true
			break
		}
		if !placed {
			merged = append(merged, d)
		}
	}
	// Show each actor by the fullest name the story gives it.
	for _, st := range sents {
		for _, e := range st.ents {
			if !e.country && len(e.name) > len(fullest[e.key]) {
				fullest[e.key] = e.name
			}
		}
	}
	var out []storyline.Anticipation
	var sentOf []int
	for _, d := range merged {
		core := d.coreKeys()
		if len(core) == 0 {
			continue
		}
		sentOf = append(sentOf, d.sent)
		a := storyline.Anticipation{
			Published: pub.UTC(),
			Action:    d.lemma,
			Class:     d.class,
			Evidence:  d.evidence,
			From:      d.when.from,
			To:        d.when.to,
		}
		var names []string
		for _, e := range d.actors {
			if f := fullest[e.key]; f != "" && !e.country {
				e.name = f
			}
			a.Actors = append(a.Actors, storyline.Actor{Name: e.name, Key: e.key, Secondary: e.secondary})
			if !e.secondary {
				names = append(names, e.name)
			}
		}
		a.Summary = joinNames(names) + " " + d.class
		out = append(out, a)
	}
	return out, sentOf
}

// compatible: one event restates the other when the core actors of one lie
// within the other's (an event with none fits any) and the times can agree.
func compatible(a, b *draft) bool {
	ak, bk := a.coreKeys(), b.coreKeys()
	if !(subset(ak, bk) || subset(bk, ak)) {
		return false
	}
	if !a.when.zero() && !b.when.zero() && !a.when.overlaps(b.when, 1) {
		return false
	}
	return true
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func actorsCore(es []entity) []entity {
	var out []entity
	for _, e := range es {
		if !e.secondary {
			out = append(out, e)
		}
	}
	return out
}

// hasCore reports whether actorsCore(es) is not empty.
func hasCore(es []entity) bool {
	for _, e := range es {
		if !e.secondary {
			return true
		}
	}
	return false
}

func uniqueEntities(es []entity) []entity {
	out := make([]entity, 0, len(es))
	// The first entity of each key, found in out (few: a clause's actors).
	seen := func(key string) (int, bool) {
		for k := range out {
			if out[k].key == key {
				return k, true
			}
		}
		return 0, false
	}
	for _, e := range es {
		if k, ok := seen(e.key); ok {
			// Keep the fuller name and a core role over a secondary one.
			if len(e.name) > len(out[k].name) {
				out[k].name = e.name
			}
			if !e.secondary {
				out[k].secondary = false
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

// coordinated returns the partners after the action when they form a list
// ("with Putin ... as well as Merkel and Hollande"); otherwise nil.
func coordinated(toks []token, after []entity) []entity {
	if len(after) < 2 {
		return nil
	}
	for k := 1; k < len(after); k++ {
		between := toks[after[k-1].end:after[k].start]
		coord := false
		for _, t := range between {
			switch {
			case t.low == "and" || t.low == "or" || t.low == "," || t.low == "as" || t.low == "well":
				coord = true
			case titles[t.low] || t.low == "'s" || isTimeWord(t.low) || t.low == "on" || t.low == "with" || t.low == "separately" || t.low == "also":
			case t.word:
				if _, ok := countries[t.low]; ok {
					continue
				}
				return nil
			}
		}
		if !coord {
			return nil
		}
	}
	return after
}

// antecedent resolves "they", "the two leaders" to the last pair of actors
// named in the previous three sentences.
func antecedent(sents []*sentence, si, from, i int) []entity {
	st := sents[si]
	found := false
	for k := from; k < i && k < len(st.toks); k++ {
		w := st.toks[k].low
		if pluralPronoun[w] || w == "two" || w == "both" || w == "leaders" || w == "sides" {
			found = true
		}
	}
	if !found {
		return nil
	}
	for j := si - 1; j >= 0 && j >= si-3; j-- {
		if sents[j].headline {
			continue
		}
		var core []entity
		for _, e := range sents[j].ents {
			if !e.attrib && !e.secondary {
				core = append(core, e)
			}
		}
		core = uniqueEntities(core)
		if len(core) >= 2 {
			return core
		}
	}
	return nil
}

func joinNames(ns []string) string {
	switch len(ns) {
	case 0:
		return ""
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// joinTokens rebuilds readable text from tokens.
func joinTokens(ts []token) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 && t.word && !strings.HasPrefix(t.text, "'") && t.low != "n't" {
			b.WriteByte(' ')
		} else if i > 0 && !t.word && (t.low == "-" || t.low == "—" || t.low == "(" || t.low == "\"") {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// storyEvents selects and completes the events a story announces: those
// the lexicon framed in the headline and lead take the lead's terms and
// time when the story announces (or puts back) something; those of the
// body keep their own sentence's terms unless they restate the story's
// report; a story calling something off keeps only the new date it gives;
// an announcing story the lexicon framed nothing for gets one event from
// its cues.
func storyEvents(a *Analysis, sents []*sentence, ms []mention, fullest map[string]string) []storyline.Anticipation {
	events, sentOf := buildEvents(sents, ms, a.Published, fullest)
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
			// its lead ("X won; she will remain leader").
			if !a.sig.announces() && !a.sig.puts(e) {
				continue
			}
			if reportsOn(ms, lead, e) {
				// "Moon and Kim will announce the summit's outcome. The
				// leaders met early Friday": the meeting is reported.
				a.sig.reportsToo = true
				continue
			}
			e.Terms, inLead = a.Terms, true
			if !e.HasTime() && !a.sig.when.zero() {
				e.From, e.To = a.sig.when.from, a.sig.when.to // the lead's time bounds it
			}
			kept = append(kept, e)
			continue
		}
		if !a.sig.announces() && (e.Class == "" || reportsClass(ms, lead, e.Class)) {
			continue
		}
		texts := []string{e.Evidence}
		for _, ac := range e.Actors {
			texts = append(texts, ac.Name)
		}
		e.Terms = termsOf(texts...)
		kept = append(kept, e)
	}
	events = kept
	if a.sig.relation != "" {
		kept := events[:0]
		for _, e := range events {
			if a.sig.puts(e) {
				kept = append(kept, e)
			}
		}
		events = kept
	}
	if !inLead && a.sig.announces() {
		events = append(events, announcement(sents, ms, a, fullest))
	}
	return events
}

// reportsOn reports whether a lead sentence reports an action of e's
// class as done on a day of e's window.
func reportsOn(ms []mention, lead int, e storyline.Anticipation) bool {
	if e.Class == "" || !e.HasTime() {
		return false
	}
	for _, m := range ms {
		if m.sent < lead && m.class == e.Class && m.mode == modeRealised && !m.when.zero() && m.when.overlaps(window{e.From, e.To}, 0) {
			return true
		}
	}
	return false
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
