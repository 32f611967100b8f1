package followup

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// reach is how far back from the present (the latest first sighting of a
// story) the memory reaches: a story published earlier than that (a late
// feed, a new feed's backlog) is looked up in the database instead. Fresh news is hours old; a few days covers feeds
// that publish late without holding every outcome of the past in memory.
const reach = 3 * 24 * time.Hour

// settledFor is how long the memory remembers that an event had an
// outcome: longer than any event stays open after its outcome.
const settledFor = 30 * 24 * time.Hour

// repruneEvery is how far the cut moves before the memory is pruned.
const repruneEvery = 6 * time.Hour

// memory holds the candidate indexes the linker searches for every story:
// the events open at or after cut, by key (term), and the stories
// published at or after cut that may report outcomes, by key. It answers
// exactly as the database's indexes would for times at or after cut; the
// database stays the record it is loaded from.
type memory struct {
	cut    int64 // unix seconds
	pruned int64 // the cut at the last prune
	events map[string][]*openEvent
	byID   map[int64]*openEvent
	// announcers holds, for each open event, the stories announcing it
	// (its own and those joined to it): none of them is its outcome.
	announcers map[int64][]int64
	// The stories that may report outcomes, and for each key the
	// positions of its stories among them: 4 bytes a story and key. Lists
	// by pointer: appending must not assign the map again, which would
	// replace the key with the caller's string (a slice of a story).
	reports []outcomeRef
	byKey   map[string]*[]uint32
	// settled holds, for events linked to an outcome, the publication of
	// their first outcome (unix seconds): a story announcing the same
	// happening after it is news of another.
	settled map[int64]int64
	// calledOff holds, for events a story called off (not put back), the
	// publication of the first such story, as settled does.
	calledOff map[int64]int64
	// recent keeps the analyses of the latest stories that may report
	// outcomes (a ring of recentStories): an announcement weighs the
	// stories published after it, most of them just stored.
	recent     map[int64]recentStory
	recentRing []int64
	recentNext int
	// Scratch of anticipations, kept between calls (the linker holds its
	// lock): a common key finds thousands of events, and allocating for
	// them each time made the collector the slowest part of an
	// announcement.
	hitIndex  map[*openEvent]int
	hits, top []eventHit
}

// eventHit is an open event found under n of the looked-up keys.
type eventHit struct {
	e *openEvent
	n int
}

// recentStories bounds the analyses kept (a few kilobytes each).
const recentStories = 4096

type recentStory struct {
	an          *Analysis
	duplicateOf int64
}

type openEvent struct {
	a         storyline.Anticipation
	openUntil int64
}

type outcomeRef struct {
	published, storyID int64
}

func newMemory(cut time.Time, snap Snapshot) *memory {
	m := &memory{cut: cut.Unix(), pruned: cut.Unix(), events: map[string][]*openEvent{}, byID: map[int64]*openEvent{}, announcers: map[int64][]int64{},
		byKey: map[string]*[]uint32{}, settled: map[int64]int64{}, calledOff: map[int64]int64{}, recent: map[int64]recentStory{}}
	for i := range snap.Open {
		m.addEvent(&snap.Open[i].Anticipation, snap.Open[i].OpenUntil)
	}
	for _, o := range snap.Outcomes {
		m.addOutcomes(o.StoryID, o.Published, o.Keys)
	}
	for id, t := range snap.Settled {
		m.settle(id, t)
	}
	for id, t := range snap.CalledOff {
		m.callOff(id, t)
	}
	return m
}

// covers reports whether look-ups at or after t can be answered from memory
// (never when there is none).
func (m *memory) covers(t time.Time) bool { return m != nil && t.Unix() >= m.cut }

// addEvent indexes a stored anticipation (ID set) while it is open after
// the cut. It keeps a copy with the times as the database holds them
// (seconds, UTC) and strings of its own, not slices of the story's text.
func (m *memory) addEvent(a *storyline.Anticipation, openUntil time.Time) {
	if m == nil || openUntil.Unix() < m.cut {
		return
	}
	e := &openEvent{a: *a, openUntil: openUntil.Unix()}
	e.a.Published, e.a.From, e.a.To = storyline.StoredTime(a.Published), storyline.StoredTime(a.From), storyline.StoredTime(a.To)
	e.a.Summary, e.a.Action, e.a.Class, e.a.Evidence = strings.Clone(a.Summary), strings.Clone(a.Action), strings.Clone(a.Class), strings.Clone(a.Evidence)
	e.a.Actors = make([]storyline.Actor, len(a.Actors))
	for i, ac := range a.Actors {
		e.a.Actors[i] = storyline.Actor{Name: strings.Clone(ac.Name), Key: strings.Clone(ac.Key), Secondary: ac.Secondary}
	}
	e.a.Terms = make([]string, len(a.Terms))
	for i, t := range a.Terms {
		e.a.Terms[i] = strings.Clone(t)
	}
	m.byID[e.a.ID] = e
	m.announcers[e.a.RootID()] = append(m.announcers[e.a.RootID()], e.a.StoryID)
	for _, k := range e.a.IndexKeys() {
		list := m.events[k]
		if n := len(list); n > 0 && list[n-1] == e {
			continue // the same key twice
		}
		m.events[k] = append(list, e)
	}
}

// remember keeps a stored story's analysis for the announcements to come.
func (m *memory) remember(id int64, an *Analysis, duplicateOf int64) {
	if m == nil {
		return
	}
	if len(m.recentRing) < recentStories {
		m.recentRing = append(m.recentRing, id)
	} else {
		delete(m.recent, m.recentRing[m.recentNext])
		m.recentRing[m.recentNext] = id
		m.recentNext = (m.recentNext + 1) % recentStories
	}
	m.recent[id] = recentStory{an, duplicateOf}
}

// forget drops the analysis kept of a story whose text changed.
func (m *memory) forget(id int64) {
	if m != nil {
		delete(m.recent, id)
	}
}

// recalled returns a stored story's analysis if it is kept.
func (m *memory) recalled(id int64) (recentStory, bool) {
	if m == nil {
		return recentStory{}, false
	}
	r, ok := m.recent[id]
	return r, ok
}

// settle records that event root has an outcome published at t.
func (m *memory) settle(root int64, t time.Time) {
	if m == nil {
		return
	}
	if at, ok := m.settled[root]; !ok || t.Unix() < at {
		m.settled[root] = t.Unix()
	}
}

// callOff records that a story published at t called event root off.
func (m *memory) callOff(root int64, t time.Time) {
	if m == nil {
		return
	}
	if at, ok := m.calledOff[root]; !ok || t.Unix() < at {
		m.calledOff[root] = t.Unix()
	}
}

// calledOffBefore reports whether event root was called off a day or more
// before t (the margin as in settledBefore).
func (m *memory) calledOffBefore(root int64, t time.Time) bool {
	if m == nil {
		return false
	}
	at, ok := m.calledOff[root]
	return ok && at <= t.Add(-24*time.Hour).Unix()
}

// settledBefore reports whether event root had an outcome published a
// day or more before t, as far as the memory knows (feeds that date their
// stories by the day put a report and an announcement of the day in
// either order).
func (m *memory) settledBefore(root int64, t time.Time) bool {
	if m == nil {
		return false
	}
	at, ok := m.settled[root]
	return ok && at <= t.Add(-24*time.Hour).Unix()
}

// dated gives event id the window from..to if it has none, as the store
// does (its index rows, and so the memory's, keep their time).
func (m *memory) dated(id int64, from, to time.Time) {
	if m == nil {
		return
	}
	e := m.byID[id]
	if e == nil {
		return
	}
	if !e.a.HasTime() && !to.IsZero() {
		e.a.From, e.a.To = storyline.StoredTime(from), storyline.StoredTime(to)
	}
}

// anticipation returns open event id as the memory holds it.
func (m *memory) anticipation(id int64) (storyline.Anticipation, bool) {
	if m == nil || m.byID[id] == nil {
		return storyline.Anticipation{}, false
	}
	return m.byID[id].a, true
}

// announces reports whether story announces event root (false when the
// memory does not hold the event).
func (m *memory) announces(root, story int64) bool {
	return m != nil && slices.Contains(m.announcers[root], story)
}

// merged records that event from, and the events announcing it again,
// now announce event into.
func (m *memory) merged(into, from int64) {
	if m == nil {
		return
	}
	if f := m.byID[from]; f != nil {
		m.dated(into, f.a.From, f.a.To)
	}
	for _, list := range m.events {
		for _, e := range list {
			if e.a.ID == from || e.a.Root == from {
				e.a.Root = into
			}
		}
	}
	m.announcers[into] = append(m.announcers[into], m.announcers[from]...)
	delete(m.announcers, from)
	if at, ok := m.settled[from]; ok {
		m.settle(into, time.Unix(at, 0))
		delete(m.settled, from)
	}
	if at, ok := m.calledOff[from]; ok {
		m.callOff(into, time.Unix(at, 0))
		delete(m.calledOff, from)
	}
}

// addOutcomes indexes a story that may report outcomes if it was published
// after the cut.
func (m *memory) addOutcomes(storyID int64, published time.Time, keys []string) {
	pub := published.Unix()
	if published.IsZero() {
		pub = 0
	}
	if m == nil || pub < m.cut || len(keys) == 0 {
		return
	}
	at := uint32(len(m.reports))
	m.reports = append(m.reports, outcomeRef{pub, storyID})
	for i, k := range keys {
		if slices.Contains(keys[:i], k) {
			continue
		}
		list := m.byKey[k]
		if list == nil {
			list = new([]uint32)
			m.byKey[strings.Clone(k)] = list
		}
		*list = append(*list, at)
	}
}

// anticipations returns up to limit anticipations indexed under one of
// keys, published at or before at and open at at, those
// indexed under most of the keys first, then the newest: what
// AnticipationCandidates returns from the database.
func (m *memory) anticipations(keys []string, at time.Time, limit int) []storyline.Anticipation {
	t := at.Unix()
	if m.hitIndex == nil {
		m.hitIndex = map[*openEvent]int{}
	}
	clear(m.hitIndex)
	// Count each event's keys in one pass (a common key finds thousands).
	hits := m.hits[:0]
	for i, k := range keys {
		if slices.Contains(keys[:i], k) {
			continue
		}
		for _, e := range m.events[k] {
			if e.openUntil < t || e.a.Published.Unix() > t {
				continue
			}
			if i, ok := m.hitIndex[e]; ok {
				hits[i].n++
				continue
			}
			m.hitIndex[e] = len(hits)
			hits = append(hits, eventHit{e, 1})
		}
	}
	m.hits = hits
	if len(hits) == 0 {
		return nil
	}
	// The most shared keys first, then the newest: only the hits that can
	// make the limit are sorted (most share one key).
	most := 0
	for _, h := range hits {
		most = max(most, h.n)
	}
	top := m.top[:0]
	for n := most; n > 0 && len(top) < limit; n-- {
		from := len(top)
		for _, h := range hits {
			if h.n == n {
				top = append(top, h)
			}
		}
		slices.SortFunc(top[from:], func(x, y eventHit) int {
			if c := x.e.a.Published.Compare(y.e.a.Published); c != 0 {
				return -c
			}
			return -cmp.Compare(x.e.a.ID, y.e.a.ID)
		})
	}
	m.top = top
	out := make([]storyline.Anticipation, 0, min(len(top), limit))
	for _, h := range top[:min(len(top), limit)] {
		a := h.e.a
		a.Actors = slices.Clone(a.Actors) // the caller's to change
		out = append(out, a)
	}
	return out
}

// outcomes returns the ids of up to limit stories published in [from, to]
// indexed under one of keys, those under most of the keys first, then in
// id order: what OutcomeCandidates returns from the database.
func (m *memory) outcomes(keys []string, from, to time.Time, limit int) []int64 {
	lo, hi := from.Unix(), to.Unix()
	var ids []int64
	for i, k := range keys {
		if slices.Contains(keys[:i], k) {
			continue
		}
		list := m.byKey[k]
		if list == nil {
			continue
		}
		for _, at := range *list {
			if r := &m.reports[at]; r.published >= lo && r.published <= hi {
				ids = append(ids, r.storyID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// Count each story's keys in one pass, then sort only the stories that
	// can make the limit: the most shared keys first, then by id.
	count := make(map[int64]int, len(ids))
	for _, id := range ids {
		count[id]++
	}
	most := 0
	for _, n := range count {
		most = max(most, n)
	}
	var out []int64
	for n := most; n > 0 && len(out) < limit; n-- {
		from := len(out)
		for id, c := range count {
			if c == n {
				out = append(out, id)
			}
		}
		slices.Sort(out[from:])
	}
	return out[:min(len(out), limit)]
}

// advance moves the cut to t if it is later, and prunes what fell behind
// it once the cut has moved far enough to be worth a pass.
func (m *memory) advance(t time.Time) {
	cut := t.Unix()
	if m == nil || cut <= m.cut {
		return
	}
	m.cut = cut
	if cut-m.pruned < int64(repruneEvery/time.Second) {
		return
	}
	m.pruned = cut
	for root, at := range m.settled {
		if at < cut-int64(settledFor/time.Second) {
			delete(m.settled, root)
		}
	}
	for id, e := range m.byID {
		if e.openUntil < cut {
			delete(m.byID, id)
		}
	}
	for root := range m.calledOff {
		if m.byID[root] == nil { // kept while the event is open, as the store does
			delete(m.calledOff, root)
		}
	}
	for root := range m.announcers {
		if m.byID[root] == nil {
			delete(m.announcers, root)
		}
	}
	for k, list := range m.events {
		list = slices.DeleteFunc(list, func(e *openEvent) bool { return e.openUntil < cut })
		if len(list) == 0 {
			delete(m.events, k)
		} else {
			m.events[k] = list
		}
	}
	moved := make([]uint32, len(m.reports)) // old position -> new one + 1; 0 when dropped
	kept := m.reports[:0]
	for i, r := range m.reports {
		if r.published >= cut {
			kept = append(kept, r)
			moved[i] = uint32(len(kept))
		}
	}
	m.reports = slices.Clone(kept) // let the old array go
	for k, list := range m.byKey {
		out := (*list)[:0]
		for _, at := range *list {
			if n := moved[at]; n > 0 {
				out = append(out, n-1)
			}
		}
		if len(out) == 0 {
			delete(m.byKey, k)
		} else {
			*list = out
		}
	}
}
