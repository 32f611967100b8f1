package followup

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/storyline/storyline"
)

// Store is what the linker needs from storage. *storage.Tx implements it,
// so that a story's events, index rows and links commit with the story.
// The linker searches its own memory of the candidate indexes (see
// memory), loaded from the store; the store's look-ups serve the stories
// published before what the memory reaches.
type Store interface {
	// SaveAnticipation stores a (with a.StoryID set), indexed under
	// a.IndexKeys until openUntil, and sets a.ID; an event announcing
	// another again (a.Root) keeps that one open as long and dates it.
	SaveAnticipation(ctx context.Context, a *storyline.Anticipation, openUntil time.Time) error
	// AnticipationCandidates returns anticipations indexed under one of
	// keys, published at or before at and open at at.
	AnticipationCandidates(ctx context.Context, keys []string, at time.Time, limit int) ([]storyline.Anticipation, error)
	// SaveOutcomeKeys indexes a story that may report outcomes under keys.
	SaveOutcomeKeys(ctx context.Context, storyID int64, published time.Time, keys []string) error
	// OutcomeCandidates returns ids of stories published in [from, to]
	// indexed under one of keys.
	OutcomeCandidates(ctx context.Context, keys []string, from, to time.Time, limit int) ([]int64, error)
	// LoadFollowup reads the anticipations open at or after since and the
	// outcome keys of the stories published at or after since.
	LoadFollowup(ctx context.Context, since time.Time) (Snapshot, error)
	// FollowupStories returns stored stories by id.
	FollowupStories(ctx context.Context, ids []int64) ([]storyline.Story, error)
	// SaveFollowupLink records a link (keeping the better score of a pair).
	SaveFollowupLink(ctx context.Context, l storyline.FollowupLink) error
	// MergeEvents makes event from (and its announcements) announce event
	// into, moving its links there.
	MergeEvents(ctx context.Context, into, from int64) error
	// AfterEnd runs fn when the transaction has committed or rolled back.
	AfterEnd(fn func(committed bool))
}

// Candidate limits bound the work per story whatever the store's size.
const (
	maxAnticipationCandidates = 32
	maxOutcomeCandidates      = 4 // each is read and analysed again
)

// Linker links each new story to the anticipations it fulfils, and records
// what the story itself anticipates.
type Linker struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	rarity Rarity  // how rare terms are among stored stories (SetRarity)
	w      weigher // weighs terms by rarity, remembering them while a story is linked
	trace  func(Candidate)
	mem    *memory       // nil until loaded, and again after a rollback
	inTx   bool          // the AfterEnd hook of the open transaction is set
	reach  time.Duration // how far back the memory reaches (tests shorten it)
}

// NewLinker returns a linker with the given options (see DefaultOptions).
func NewLinker(opts Options, log *slog.Logger) *Linker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Linker{opts: opts, log: log, reach: reach}
}

// SetRarity sets where the linker learns how rare a term is among the
// stored stories (the pipeline's dedupe index). Without one all terms
// weigh alike.
func (l *Linker) SetRarity(r Rarity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rarity = r
}

// Candidate is an event a story was weighed against as its outcome.
type Candidate struct {
	Event, Root int64 // the event row weighed and the event it belongs to
	EventStory  int64 // the story that announced the event
	Story       int64 // the story weighed
	Relation    storyline.Relation
	Score       float64
	Passed      bool   // the story passed as an outcome (it is linked unless another row of the root scored higher)
	Why         string // the explanation, or the gate that failed
	Signals     Signals
}

// SetTrace sets a function called with every candidate the linker weighs,
// inside the write transaction (nil: none): what `ingest --trace` writes.
func (l *Linker) SetTrace(fn func(Candidate)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trace = fn
}

func (l *Linker) traced(a *storyline.Anticipation, story int64, m Match, ok bool) {
	if l.trace == nil {
		return
	}
	why := m.Explanation
	if m.gate != "" {
		why = "gate: " + m.gate
	} else if !ok {
		why = "below threshold: " + why
	}
	l.trace(Candidate{Event: a.ID, Root: a.RootID(), EventStory: a.StoryID, Story: story,
		Relation: m.Relation, Score: m.Score, Passed: ok, Why: why, Signals: m.signals})
}

// Options returns the linker's options (for Threads and status).
func (l *Linker) Options() Options { return l.opts }

// Result tells what Process did for one story.
type Result struct {
	Anticipations int // events the story anticipates, now stored
	Links         int // links made, both ways
}

// Process handles one newly stored story (s.ID set), inside the caller's
// write transaction, in publication order: the story's announcements are
// merged into the open events they announce again, the story is checked as
// an outcome of the other open events published before it, its events are
// stored and checked against stories already stored that were published at
// or after them, and it is indexed for events to come.
func (l *Linker) Process(ctx context.Context, st Store, s *storyline.Story) (Result, error) {
	return l.ProcessAnalyzed(ctx, st, s, Analyze(s))
}

// ProcessAnalyzed is Process with the story's analysis (Analyze(s)) worked
// out beforehand: the pipeline analyses new stories where it fetches them,
// in parallel, so that the one writer only looks up and records.
func (l *Linker) ProcessAnalyzed(ctx context.Context, st Store, s *storyline.Story, an *Analysis) (Result, error) {
	var res Result
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.begin(ctx, st, newest(s, an)); err != nil {
		return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
	}
	l.w.r = l.rarity
	l.w.remember()
	lookup := l.w.lookup(an.Terms)
	var cands []storyline.Anticipation
	if len(lookup) > 0 {
		var err error
		if cands, err = l.anticipations(ctx, st, lookup, an.Published); err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
	}
	// The story's events as stored: a copy, so that a poll retried after
	// a rollback starts again from the analysis as it was made.
	events := slices.Clone(an.Events)
	announced := l.joinOpen(s, an, events, cands)
	if an.Reports() {
		n, err := l.linkOutcome(ctx, st, s, an, cands, announced)
		res.Links += n
		if err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
	}
	// A story's events that can be one happening are one event: "2 Koreas
	// agree to hold high-level talks Wednesday" announces the talks once,
	// whether the lexicon reads a meeting or a speaking in it.
	ref := slices.IndexFunc(events, func(e storyline.Anticipation) bool { return e.Root != 0 })
	for i := range events {
		a := &events[i]
		a.StoryID = s.ID
		if ref >= 0 && ref != i && a.Root == 0 && l.compatible(a, &events[ref], -1) {
			a.Root = events[ref].RootID()
		}
		_, openUntil := l.opts.SearchRange(a)
		if err := st.SaveAnticipation(ctx, a, openUntil); err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		l.mem.addEvent(a, openUntil)
		if a.Root != 0 {
			l.mem.dated(a.Root, a.From, a.To) // as SaveAnticipation did
		}
		if ref < 0 {
			ref = i
		}
		res.Anticipations++
	}
	if an.Reports() && len(lookup) > 0 {
		if err := st.SaveOutcomeKeys(ctx, s.ID, an.Published, lookup); err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		l.mem.addOutcomes(s.ID, an.Published, lookup)
		l.mem.remember(s.ID, an, s.DuplicateOf)
	}
	n, err := l.linkStored(ctx, st, s, events)
	res.Links += n
	if err != nil {
		return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
	}
	return res, nil
}

// joinOpen makes each of a story's events announce again the open event
// it restates (Root), taking its date when it gives none, and returns the
// events so announced.
func (l *Linker) joinOpen(s *storyline.Story, an *Analysis, events, cands []storyline.Anticipation) map[int64]bool {
	announced := map[int64]bool{}
	for i := range events {
		e := &events[i]
		for j := range cands {
			c := &cands[j]
			if c.StoryID != s.ID && c.StoryID != s.DuplicateOf && !l.mem.settledBefore(c.RootID(), an.Published) && l.sameEvent(e, c, an) && l.nearRoot(e, c) {
				e.Root = c.RootID()
				announced[e.Root] = true
				if !e.HasTime() && c.HasTime() {
					e.From, e.To = c.From, c.To // the event's date, as another story gave it
				}
				break
			}
		}
	}
	return announced
}

// linkOutcome links a story to the open events it reports on (not those
// it announces again), merging those it shows to be one, and returns the
// links made.
func (l *Linker) linkOutcome(ctx context.Context, st Store, s *storyline.Story, an *Analysis, cands []storyline.Anticipation, announced map[int64]bool) (int, error) {
	sw := l.w.story(an.Terms)
	dated := datedRoots(cands)
	best := map[int64]Match{}
	var roots []int64
	var vetoed map[int64]bool // roots an announcement tells the story from
	for i := range cands {
		a := &cands[i]
		root := a.RootID()
		if w, ok := dated[root]; ok && !a.HasTime() {
			a.From, a.To = w.from, w.to // one announcement's date holds for all
		}
		if a.StoryID == s.ID || a.StoryID == s.DuplicateOf || announced[root] {
			continue
		}
		m, ok := l.opts.score(a, an, sw, &l.w)
		if ok && m.Relation == storyline.Happened && l.mem.calledOffBefore(root, an.Published) {
			// "Joshua-Miller fight off" in April: "Ruiz stuns Joshua" on the
			// date in June is another fight.
			m, ok = Match{gate: "called off before"}, false
		}
		l.traced(a, s.ID, m, ok)
		if !ok {
			// One announcement that tells the story apart (another
			// committee) speaks for the whole event.
			if m.vetoes {
				if vetoed == nil {
					vetoed = map[int64]bool{}
				}
				vetoed[root] = true
			}
			continue
		}
		if b, seen := best[root]; !seen || m.Score > b.Score {
			if !seen {
				roots = append(roots, root)
			}
			best[root] = m
		}
	}
	roots = slices.DeleteFunc(roots, func(r int64) bool { return vetoed[r] })
	roots, err := l.mergeRoots(ctx, st, roots, cands, best)
	if err != nil {
		return 0, err
	}
	for _, root := range roots {
		if err := l.link(ctx, st, root, s.ID, an.Published, best[root]); err != nil {
			return 0, err
		}
	}
	return len(roots), nil
}

// linkStored links a story's events (stored, IDs set) to the stories
// stored before it but published at or after it (ties, late feeds) that
// report them, and returns the links made.
func (l *Linker) linkStored(ctx context.Context, st Store, s *storyline.Story, events []storyline.Anticipation) (int, error) {
	n := 0
	for i := range events {
		a := &events[i]
		from, to := l.opts.SearchRange(a)
		ids, err := l.outcomes(ctx, st, l.w.lookup(identity(a)), from, to)
		if err != nil {
			return n, err
		}
		ids = without(ids, s.ID, s.DuplicateOf)
		if len(ids) == 0 {
			continue
		}
		stored, err := l.storedAnalyses(ctx, st, ids)
		if err != nil {
			return n, err
		}
		for _, o := range stored {
			oan := o.an
			if o.duplicateOf == s.ID || !oan.Reports() || l.announcesSame(oan, a) || l.mem.announces(a.RootID(), o.id) {
				continue
			}
			m, ok := l.opts.score(a, oan, l.w.story(oan.Terms), &l.w)
			l.traced(a, o.id, m, ok)
			if !ok {
				continue
			}
			if err := l.link(ctx, st, a.RootID(), o.id, oan.Published, m); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// mergeRoots merges the events one story reports on when they are one
// happening announced by stories that did not recognise each other (shared
// terms, the same kind of action, agreeing times, the same people): the
// oldest stays.
// It returns the roots left; best keeps each one's best match.
func (l *Linker) mergeRoots(ctx context.Context, st Store, roots []int64, cands []storyline.Anticipation, best map[int64]Match) ([]int64, error) {
	if len(roots) < 2 {
		return roots, nil
	}
	first := map[int64]*storyline.Anticipation{} // each root's first candidate
	for i := range cands {
		if r := cands[i].RootID(); first[r] == nil || cands[i].ID == r {
			first[r] = &cands[i]
		}
	}
	slices.Sort(roots)
	kept := roots[:0]
	for _, r := range roots {
		into := int64(0)
		for _, k := range kept {
			a, b := l.rootOf(k, first[k]), l.rootOf(r, first[r])
			if a == nil || b == nil || !l.compatible(b, a, -1) || l.mem.settledBefore(k, b.Published) {
				continue
			}
			// A report shared by two events makes them one only when their
			// first announcements share their terms too, or both are dated
			// and framed (an action or an actor) and share a term at least:
			// "10 things to know this morning" shares reports with
			// everything.
			d := l.w.overlap(identity(a), identity(b)).dice
			if d < l.opts.Merge && !(framed(a) && framed(b) && d > 0) {
				continue
			}
			if l.compatible(b, a, d) {
				into = k
				break
			}
		}
		if into == 0 {
			kept = append(kept, r)
			continue
		}
		if err := st.MergeEvents(ctx, into, r); err != nil {
			return nil, err
		}
		if best[r].Score > best[into].Score {
			best[into] = best[r] // the story's link to the merged event is its best
		}
		l.mem.merged(into, r)
		l.log.Debug("follow-up events merged", "into", into, "event", r)
	}
	return kept, nil
}

// rootOf returns event root's first announcement as the memory holds it,
// else c (one of its announcements).
func (l *Linker) rootOf(root int64, c *storyline.Anticipation) *storyline.Anticipation {
	if r, ok := l.mem.anticipation(root); ok {
		return &r
	}
	return c
}

// framed reports whether an event has a date and an action class or an
// actor.
func framed(a *storyline.Anticipation) bool {
	return a.HasTime() && (a.Class != "" || len(a.Actors) > 0)
}

// storedStory is a stored story as the reverse pass weighs it.
type storedStory struct {
	id          int64
	an          *Analysis
	duplicateOf int64
}

// storedAnalyses returns the analyses of stored stories, in the order of
// ids: those the memory keeps, the others read and analysed again.
func (l *Linker) storedAnalyses(ctx context.Context, st Store, ids []int64) ([]storedStory, error) {
	out := make([]storedStory, len(ids))
	var missing []int64
	for i, id := range ids {
		if r, ok := l.mem.recalled(id); ok {
			out[i] = storedStory{id, r.an, r.duplicateOf}
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		stories, err := st.FollowupStories(ctx, missing)
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]*storyline.Story, len(stories))
		for j := range stories {
			byID[stories[j].ID] = &stories[j]
		}
		for i, id := range ids {
			if out[i].an != nil {
				continue
			}
			if s := byID[id]; s != nil {
				out[i] = storedStory{id, Analyze(s), s.DuplicateOf}
			}
		}
	}
	kept := out[:0]
	for _, o := range out {
		if o.an != nil { // a story deleted meanwhile is gone
			kept = append(kept, o)
		}
	}
	return kept, nil
}

// identity is what identifies an event: its terms, or the actors of one
// stored before terms.
func identity(a *storyline.Anticipation) []string {
	if len(a.Terms) > 0 {
		return a.Terms
	}
	return a.CoreKeys()
}

// datedRoots returns, for the roots of candidate events, the narrowest
// expected window any of their announcements gives.
func datedRoots(cands []storyline.Anticipation) map[int64]window {
	out := map[int64]window{}
	for i := range cands {
		c := &cands[i]
		if !c.HasTime() {
			continue
		}
		w := window{c.From, c.To}
		if o, ok := out[c.RootID()]; !ok || w.days() < o.days() {
			out[c.RootID()] = w
		}
	}
	return out
}

// sameEvent reports whether event e of a new story (analysed as an)
// announces the open event c again: the same kind of action, times that
// agree, the same people for an interaction, and much the same terms.
func (l *Linker) sameEvent(e, c *storyline.Anticipation, an *Analysis) bool {
	if !personsNamed(c, an) || !l.compatible(e, c, -1) {
		return false
	}
	dice := l.w.overlap(identity(c), identity(e)).dice
	return dice >= l.opts.Merge && l.compatible(e, c, dice)
}

// nearRoot reports whether event e, the same as announcement c, shares
// some terms with c's event's first announcement too: joining through the
// last story to join, with nothing of the first, chains unrelated stories
// into one event ("10 things to know this morning", then "7 things to know
// about iOS 7.1", then every iOS story).
func (l *Linker) nearRoot(e, c *storyline.Anticipation) bool {
	if c.ID == c.RootID() {
		return true
	}
	r, ok := l.mem.anticipation(c.RootID())
	return !ok || l.w.overlap(identity(&r), identity(e)).dice >= l.opts.Merge/2
}

// sameTerms is the term overlap at which two events are one whatever the
// lexicon calls their actions.
const sameTerms = 0.6

// compatible reports whether e, announced at or after c, can be the same
// happening: times that agree, the same people, the same kind of action
// (or much the same words: "to announce its decision" and "to rule"). dice
// is their terms' overlap if known, else -1; with -1 the actions are not
// compared (a first, cheap pass).
func (l *Linker) compatible(e, c *storyline.Anticipation, dice float64) bool {
	if e.HasTime() && c.HasTime() && !(window{e.From, e.To}).overlaps(window{c.From, c.To}, 1) {
		return false
	}
	if c.HasTime() && day(e.Published).After(addDays(c.To, 1)) {
		return false // announced after the date: another happening
	}
	if !samePersons(e, c) {
		return false
	}
	if dice < 0 || e.Class == "" || c.Class == "" || e.Class == c.Class ||
		relatedClasses[e.Class][c.Class] != 0 || relatedClasses[c.Class][e.Class] != 0 {
		return true
	}
	return dice >= sameTerms
}

// announcesSame reports whether a story (analysed) announces event a
// again: it is then no report of it.
func (l *Linker) announcesSame(an *Analysis, a *storyline.Anticipation) bool {
	for i := range an.Events {
		if l.sameEvent(&an.Events[i], a, an) {
			return true
		}
	}
	return false
}

// samePersons: two interactions with two or more people each are the same
// only between the same people.
func samePersons(a, b *storyline.Anticipation) bool {
	pa, pb := persons(a), persons(b)
	if len(pa) < 2 || len(pb) < 2 {
		return true
	}
	for _, k := range pa {
		if !contains(pb, k) {
			return false
		}
	}
	return len(pa) == len(pb)
}

func persons(a *storyline.Anticipation) []string {
	var ks []string
	for _, ac := range a.Actors {
		if !ac.Secondary && isPerson(ac) {
			ks = append(ks, ac.Key)
		}
	}
	return ks
}

// newest is the present the memory's reach is measured back from: when the
// story was first seen (the poll's time; for ingest, its publication), else
// its publication. Not the publication first: a new feed's backlog would
// set the memory's cut months back, and a wrong clock in the future push
// it forward.
func newest(s *storyline.Story, an *Analysis) time.Time {
	if !s.FirstSeen.IsZero() {
		return s.FirstSeen
	}
	return an.Published
}

// Edited tells the linker that a stored story's text changed: the
// analysis it kept of it is dropped.
func (l *Linker) Edited(storyID int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mem.forget(storyID)
}

// begin loads the memory if it is not, moves its cut to reach back from t,
// and at a transaction's first story sets the hook that drops the memory
// if the transaction rolls back: it then holds rows the database does not.
func (l *Linker) begin(ctx context.Context, st Store, t time.Time) error {
	if !l.inTx {
		l.inTx = true
		st.AfterEnd(func(committed bool) {
			l.mu.Lock()
			defer l.mu.Unlock()
			if !committed {
				l.mem = nil
			}
			l.inTx = false
		})
	}
	if t.IsZero() {
		return nil // no time to reach back from: the database answers
	}
	cut := t.Add(-l.reach)
	if l.mem == nil {
		snap, err := st.LoadFollowup(ctx, cut)
		if err != nil {
			return err
		}
		l.mem = newMemory(cut, snap)
		l.log.Debug("follow-up index loaded", "open", len(snap.Open), "outcome stories", len(snap.Outcomes))
	}
	l.mem.advance(cut)
	return nil
}

// anticipations returns the open anticipations a story published at at may
// report on, from memory when it reaches that far back.
func (l *Linker) anticipations(ctx context.Context, st Store, keys []string, at time.Time) ([]storyline.Anticipation, error) {
	if l.mem.covers(at) {
		return l.mem.anticipations(keys, at, maxAnticipationCandidates), nil
	}
	return st.AnticipationCandidates(ctx, keys, at, maxAnticipationCandidates)
}

// outcomes returns the ids of the stored stories published in [from, to]
// that may report an event found under keys, from memory when it reaches
// that far.
func (l *Linker) outcomes(ctx context.Context, st Store, keys []string, from, to time.Time) ([]int64, error) {
	if l.mem.covers(from) {
		return l.mem.outcomes(keys, from, to, maxOutcomeCandidates), nil
	}
	return st.OutcomeCandidates(ctx, keys, from, to, maxOutcomeCandidates)
}

// link records that a story reports on the event root.
func (l *Linker) link(ctx context.Context, st Store, root, storyID int64, published time.Time, m Match) error {
	err := st.SaveFollowupLink(ctx, storyline.FollowupLink{
		AnticipationID: root, StoryID: storyID, Relation: m.Relation, Score: m.Score, Explanation: m.Explanation,
	})
	if err != nil {
		return fmt.Errorf("link %d -> %d: %w", root, storyID, err)
	}
	l.mem.settle(root, published)
	if m.Relation == storyline.Cancelled {
		l.mem.callOff(root, published)
	}
	l.log.Debug("follow-up linked", "event", root, "story", storyID,
		"relation", m.Relation, "score", m.Score, "why", m.Explanation)
	return nil
}

func without(ids []int64, skip ...int64) []int64 {
	out := ids[:0]
	for _, id := range ids {
		drop := false
		for _, s := range skip {
			if s != 0 && id == s {
				drop = true
			}
		}
		if !drop {
			out = append(out, id)
		}
	}
	return out
}
