package followup

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
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
	// SaveAnticipation stores a (with a.StoryID set), indexed by class and
	// core actor keys until openUntil, and sets a.ID.
	SaveAnticipation(ctx context.Context, a *storyline.Anticipation, openUntil time.Time) error
	// AnticipationCandidates returns anticipations of one of classes
	// naming one of keys, published at or before at and open at at.
	AnticipationCandidates(ctx context.Context, classes, keys []string, at time.Time, limit int) ([]storyline.Anticipation, error)
	// SaveOutcomeKeys indexes a story reporting outcomes, with a filter of
	// its words.
	SaveOutcomeKeys(ctx context.Context, storyID int64, published time.Time, keys []storyline.OutcomeKey, words []byte) error
	// OutcomeCandidates returns ids of stories published in [from, to]
	// indexed under one of classes and one of keys.
	OutcomeCandidates(ctx context.Context, classes, keys []string, from, to time.Time, limit int) ([]int64, error)
	// LoadFollowup reads the anticipations open at or after since and the
	// outcome keys of the stories published at or after since.
	LoadFollowup(ctx context.Context, since time.Time) (storyline.FollowupSnapshot, error)
	// FollowupStories returns stored stories by id.
	FollowupStories(ctx context.Context, ids []int64) ([]storyline.Story, error)
	// SaveFollowupLink records a link (keeping the better score of a pair).
	SaveFollowupLink(ctx context.Context, l storyline.FollowupLink) error
	// AfterEnd runs fn when the transaction has committed or rolled back.
	AfterEnd(fn func(committed bool))
}

// Candidate limits bound the work per story whatever the store's size.
const (
	maxAnticipationCandidates = 200
	maxOutcomeCandidates      = 200
)

// Linker links each new story to the anticipations it fulfils, and records
// what the story itself anticipates.
type Linker struct {
	opts Options
	log  *slog.Logger

	mu    sync.Mutex
	mem   *memory       // nil until loaded, and again after a rollback
	inTx  bool          // the AfterEnd hook of the open transaction is set
	reach time.Duration // how far back the memory reaches (tests shorten it)
}

// NewLinker returns a linker with the given options (see DefaultOptions).
func NewLinker(opts Options, log *slog.Logger) *Linker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Linker{opts: opts, log: log, reach: reach}
}

// Options returns the linker's options (for Threads and status).
func (l *Linker) Options() Options { return l.opts }

// Result tells what Process did for one story.
type Result struct {
	Anticipations int // events the story anticipates, now stored
	Links         int // links made, both ways
}

// Process handles one newly stored story (s.ID set), inside the caller's
// write transaction, in publication order: the story is checked against
// the open anticipations published before it, its own anticipations are
// stored and checked against stories already stored that were published
// at or after them, and its outcomes are indexed for anticipations to come.
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
	var words wordFilter
	if len(an.Outcomes) > 0 && len(an.Keys) > 0 {
		words = newWordFilter(an)
		cands, err := l.anticipations(ctx, st, classesFulfilledBy(an.Outcomes), an.Keys, an.Published)
		if err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		for i := range cands {
			a := &cands[i]
			if a.StoryID == s.ID || a.StoryID == s.DuplicateOf || !words.mayMatch(a) {
				continue
			}
			m, ok := l.opts.Score(a, an)
			if !ok {
				continue
			}
			if err := l.link(ctx, st, a, s.ID, m); err != nil {
				return res, err
			}
			res.Links++
		}
	}
	for i := range an.Events {
		a := &an.Events[i]
		a.StoryID = s.ID
		_, openUntil := l.opts.SearchRange(a)
		if err := st.SaveAnticipation(ctx, a, openUntil); err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		l.mem.addEvent(a, openUntil)
		res.Anticipations++
	}
	if keys := an.OutcomeKeys(); len(keys) > 0 { // words is set: outcomes and keys
		if err := st.SaveOutcomeKeys(ctx, s.ID, an.Published, keys, words.bytes()); err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		l.mem.addOutcomes(s.ID, an.Published, keys, words)
	}
	// Stories stored before this one but published at or after it (ties,
	// late feeds) may already report what it anticipates.
	for i := range an.Events {
		a := &an.Events[i]
		from, to := l.opts.SearchRange(a)
		hits, err := l.outcomes(ctx, st, classesFulfilling(a.Class), a.CoreKeys(), from, to)
		if err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		var ids []int64
		for _, h := range hits {
			if h.words == nil || h.words.mayMatch(a) { // the others lack an actor Score requires
				ids = append(ids, h.storyID)
			}
		}
		ids = without(ids, s.ID, s.DuplicateOf)
		if len(ids) == 0 {
			continue
		}
		stories, err := st.FollowupStories(ctx, ids)
		if err != nil {
			return res, fmt.Errorf("followup: story %d: %w", s.ID, err)
		}
		for j := range stories {
			o := &stories[j]
			if o.DuplicateOf == s.ID {
				continue
			}
			m, ok := l.opts.Score(a, Analyze(o))
			if !ok {
				continue
			}
			if err := l.link(ctx, st, a, o.ID, m); err != nil {
				return res, err
			}
			res.Links++
		}
	}
	return res, nil
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

// Edited tells the linker that a stored story's text changed (the store
// dropped the filter of its words): it is never passed over again.
func (l *Linker) Edited(storyID int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mem.edited(storyID)
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
func (l *Linker) anticipations(ctx context.Context, st Store, classes, keys []string, at time.Time) ([]storyline.Anticipation, error) {
	if l.mem.covers(at) {
		return l.mem.anticipations(classes, keys, at, maxAnticipationCandidates), nil
	}
	return st.AnticipationCandidates(ctx, classes, keys, at, maxAnticipationCandidates)
}

// outcomes returns the stored stories published in [from, to] that may
// report an anticipated event, from memory (with their word filters) when
// it reaches that far.
func (l *Linker) outcomes(ctx context.Context, st Store, classes, keys []string, from, to time.Time) ([]outcomeHit, error) {
	if l.mem.covers(from) {
		return l.mem.outcomes(classes, keys, from, to, maxOutcomeCandidates), nil
	}
	ids, err := st.OutcomeCandidates(ctx, classes, keys, from, to, maxOutcomeCandidates)
	hits := make([]outcomeHit, len(ids))
	for i, id := range ids {
		hits[i].storyID = id
	}
	return hits, err
}

func (l *Linker) link(ctx context.Context, st Store, a *storyline.Anticipation, storyID int64, m Match) error {
	err := st.SaveFollowupLink(ctx, storyline.FollowupLink{
		AnticipationID: a.ID, StoryID: storyID, Relation: m.Relation, Score: m.Score, Explanation: m.Explanation,
	})
	if err != nil {
		return fmt.Errorf("followup: link %d -> %d: %w", a.ID, storyID, err)
	}
	l.log.Debug("follow-up linked", "event", a.ID, "summary", a.Summary, "story", storyID,
		"relation", m.Relation, "score", m.Score, "why", m.Explanation)
	return nil
}

// classesFulfilledBy lists the anticipated classes the outcomes can fulfil.
func classesFulfilledBy(outs []Outcome) []string {
	seen := map[string]bool{}
	for _, o := range outs {
		seen[o.Class] = true
		for ant, rel := range relatedClasses {
			if _, ok := rel[o.Class]; ok {
				seen[ant] = true
			}
		}
	}
	return sortedKeys(seen)
}

// classesFulfilling lists the outcome classes that can fulfil class.
func classesFulfilling(class string) []string {
	seen := map[string]bool{class: true}
	for c := range relatedClasses[class] {
		seen[c] = true
	}
	return sortedKeys(seen)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
