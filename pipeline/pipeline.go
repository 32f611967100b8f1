// Package pipeline turns the items of a poll into stored stories: exact
// dedupe against what each feed already carried, then the linking stages
// (near-duplicates, clusters, follow-ups, topics) for each new story, all in
// the poll's one write transaction.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/topic"
)

// Tx is what the pipeline needs from a write transaction.
type Tx interface {
	FeedID(ctx context.Context, name, url string) (int64, error)
	SaveFeedState(ctx context.Context, st storyline.FeedState) error
	Sighting(ctx context.Context, feedID int64, key string) (id int64, hash string, err error)
	StoryByCanonical(ctx context.Context, canonical string) (int64, error)
	InsertStory(ctx context.Context, s *storyline.Story, feedID int64, hash string) error
	UpdateStoryText(ctx context.Context, s *storyline.Story, hash string, at time.Time) error
	AddSighting(ctx context.Context, feedID int64, key string, id int64, link string, at time.Time) error
	Story(ctx context.Context, id int64) (storyline.Story, error)
	Tombstoned(ctx context.Context, feedID int64, key, canonical string) (bool, error)

	// topics
	SetStoryTopics(ctx context.Context, storyID int64, hits []storyline.TopicHit) error
	StorySources(ctx context.Context, storyID int64) (int, error)

	followup.Store
	dedupe.Store
}

// DB runs write transactions.
type DB interface {
	Update(ctx context.Context, fn func(Tx) error) error
}

// Pipeline stores polls. It is safe for concurrent use: polls that arrive
// while a transaction is committing are stored together in the next one
// (group commit), so many small polls cost few transactions.
type Pipeline struct {
	db     DB
	stages Stages
	log    *slog.Logger

	topics atomic.Pointer[topic.Set] // nil: no topics

	mu      sync.Mutex
	pending []*request
	writing bool

	seen seenItems // items stored lately, not to prepare again
}

// SetTopics sets the watched topics matched against new stories (a config
// reload calls it again). Stories already stored keep their matches.
func (p *Pipeline) SetTopics(s *topic.Set) { p.topics.Store(s) }

type request struct {
	poll  Poll
	stats Stats
	err   error
	done  chan struct{}
}

// maxBatchItems bounds one group commit, so that a transaction stays short.
const maxBatchItems = 4000

// Stages are the linking stages run for each new story; a nil stage is
// skipped.
type Stages struct {
	Dedupe   *dedupe.Index    // near-duplicates and same-story clusters
	Followup *followup.Linker // anticipated events and their outcomes
}

// New returns a pipeline writing to db.
func New(db DB, stages Stages, log *slog.Logger) *Pipeline {
	if stages.Dedupe != nil && stages.Followup != nil {
		// Follow-up linking weighs an event's terms by the counts the
		// dedupe index keeps of the stored stories' words.
		stages.Followup.SetRarity(stages.Dedupe)
	}
	return &Pipeline{db: db, stages: stages, log: log}
}

// Stats counts what a batch did to the store.
type Stats struct {
	Items      int // items offered
	New        int // new stories
	Updated    int // stories whose title or text the feed changed
	Seen       int // stories already stored from another feed, now seen in this one too
	Unchanged  int // items this feed had already delivered
	Duplicates int // new stories that near-duplicate a stored one
	Followups  int // follow-up links made (anticipation -> outcome)
}

func (s *Stats) add(o Stats) {
	s.Items += o.Items
	s.New += o.New
	s.Updated += o.Updated
	s.Seen += o.Seen
	s.Unchanged += o.Unchanged
	s.Duplicates += o.Duplicates
	s.Followups += o.Followups
}

// Poll is the result of one successful fetch of a feed.
type Poll struct {
	State   storyline.FeedState // the feed's state after this fetch, saved with the items
	Items   []storyline.Item
	Backlog bool // the feed's first poll: its stories are marked as backlog
	At      time.Time

	stateOnly bool        // no items to store, only the feed's state
	prep      []*prepared // by item: worked out before queueing, nil if not
}

// prepared is what the linking stages work out from a new item alone.
type prepared struct {
	dedupe   *dedupe.Prepared
	analysis *followup.Analysis
}

// Store saves a poll's items and the feed's new state in the same
// transaction, so that a crash can never record the fetch (and its ETag)
// without its stories. The first caller to find no transaction running
// commits everything queued meanwhile; the others wait for it. Writes are
// not abandoned half-way when ctx ends: they are short, and finishing them
// keeps the feed's state consistent with its stories.
func (p *Pipeline) Store(ctx context.Context, poll Poll) (Stats, error) {
	if !poll.stateOnly {
		poll.prep = p.prepare(poll)
	}
	r := &request{poll: poll, done: make(chan struct{})}
	p.mu.Lock()
	p.pending = append(p.pending, r)
	if p.writing {
		p.mu.Unlock()
		<-r.done
		return r.stats, r.err
	}
	p.writing = true
	for len(p.pending) > 0 {
		batch := takeBatch(&p.pending)
		p.mu.Unlock()
		p.commit(context.WithoutCancel(ctx), batch)
		p.mu.Lock()
	}
	p.writing = false
	p.mu.Unlock()
	return r.stats, r.err
}

// prepare works out, in the caller's goroutine (a fetch worker, one of
// many), what the linking stages need from each item that looks new: the
// text work runs in parallel and the one writer only looks up and records.
// Items stored lately (most of a feed) are not prepared; an item that turns
// out not to be new costs its preparation only.
func (p *Pipeline) prepare(poll Poll) []*prepared {
	if p.stages.Dedupe == nil && p.stages.Followup == nil {
		return nil
	}
	var out []*prepared
	for i := range poll.Items {
		it := &poll.Items[i]
		if p.seen.has(poll.State.Name, it) {
			continue
		}
		if out == nil {
			out = make([]*prepared, len(poll.Items))
		}
		s := storyFromItem(it, poll.At, poll.Backlog)
		pr := &prepared{}
		if p.stages.Dedupe != nil {
			pr.dedupe = p.stages.Dedupe.Prepare(&s)
		}
		if p.stages.Followup != nil {
			pr.analysis = followup.Analyze(&s)
		}
		out[i] = pr
	}
	return out
}

// SaveState records a fetch that brought no items (304, or an error).
func (p *Pipeline) SaveState(ctx context.Context, st storyline.FeedState) error {
	_, err := p.Store(ctx, Poll{State: st, stateOnly: true})
	return err
}

// takeBatch removes from the queue the requests of the next transaction.
func takeBatch(queue *[]*request) []*request {
	q := *queue
	n, items := 0, 0
	for n < len(q) && (n == 0 || items+len(q[n].poll.Items) <= maxBatchItems) {
		items += len(q[n].poll.Items)
		n++
	}
	*queue = q[n:]
	return q[:n:n]
}

// commit stores a batch in one transaction. If it fails, each poll is
// retried alone, so that one bad poll cannot fail the others.
func (p *Pipeline) commit(ctx context.Context, batch []*request) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	err := p.db.Update(ctx, func(tx Tx) error {
		for _, r := range batch {
			if r.stats, r.err = p.store(ctx, tx, r.poll); r.err != nil {
				return r.err
			}
		}
		return nil
	})
	if err == nil || len(batch) == 1 {
		for _, r := range batch {
			r.err = err
		}
		return
	}
	for _, r := range batch {
		r.err = p.db.Update(ctx, func(tx Tx) error {
			var err error
			r.stats, err = p.store(ctx, tx, r.poll)
			return err
		})
	}
}

func (p *Pipeline) store(ctx context.Context, tx Tx, poll Poll) (Stats, error) {
	var stats Stats
	if !poll.stateOnly {
		feedID, err := tx.FeedID(ctx, poll.State.Name, poll.State.URL)
		if err != nil {
			return stats, err
		}
		for _, i := range byPublished(poll.Items) {
			var prep *prepared
			if poll.prep != nil {
				prep = poll.prep[i]
			}
			st, err := p.apply(ctx, tx, feedID, poll.State.Name, &poll.Items[i], prep, poll.At, poll.Backlog)
			if err != nil {
				return stats, fmt.Errorf("feed %s: %w", poll.State.Name, err)
			}
			stats.add(st)
		}
	}
	return stats, tx.SaveFeedState(ctx, poll.State)
}

// Archived is an item read from a file for ingest, with the feed it belongs to.
type Archived struct {
	Feed    string
	FeedURL string
	Item    storyline.Item
}

// ingestBatch bounds one ingest transaction: large enough to amortise the
// commit, small enough that an interrupted ingest keeps most of its work.
const ingestBatch = 500

// Ingest processes archived items in publication order, each with the clock
// set to its own publication time, exactly as a live poll at that moment
// would have. Ingested stories are not backlog: they were asked for.
func (p *Pipeline) Ingest(ctx context.Context, items []Archived) (Stats, error) {
	return p.IngestProgress(ctx, items, nil)
}

// IngestProgress is Ingest calling progress (when not nil) after each
// committed batch with the items done so far and the stats.
func (p *Pipeline) IngestProgress(ctx context.Context, items []Archived, progress func(done int, st Stats)) (Stats, error) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].Item.Published.Before(items[j].Item.Published) })
	var total Stats
	for start := 0; start < len(items); start += ingestBatch {
		batch := items[start:min(start+ingestBatch, len(items))]
		var stats Stats
		err := p.db.Update(ctx, func(tx Tx) error {
			stats = Stats{}
			ids := map[string]int64{}
			for i := range batch {
				a := &batch[i]
				id, ok := ids[a.Feed]
				if !ok {
					var err error
					if id, err = tx.FeedID(ctx, a.Feed, a.FeedURL); err != nil {
						return err
					}
					ids[a.Feed] = id
				}
				st, err := p.apply(ctx, tx, id, a.Feed, &a.Item, nil, a.Item.Published, false)
				if err != nil {
					return fmt.Errorf("feed %s: %w", a.Feed, err)
				}
				stats.add(st)
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total.add(stats)
		if progress != nil {
			progress(start+len(batch), total)
		}
	}
	return total, nil
}

// apply stores one item. An item's identity within its feed is its GUID,
// else its canonical URL, else the hash of its title and text; across feeds,
// the canonical URL.
func (p *Pipeline) apply(ctx context.Context, tx Tx, feedID int64, feed string, it *storyline.Item, prep *prepared, now time.Time, backlog bool) (Stats, error) {
	stats := Stats{Items: 1}
	hash := contentHash(it)
	key := itemKey(it, hash)
	p.seen.add(feed, key, hash)
	id, oldHash, err := tx.Sighting(ctx, feedID, key)
	if err != nil {
		return stats, err
	}
	s := storyFromItem(it, now, backlog)
	switch {
	case id != 0 && oldHash == hash:
		stats.Unchanged++
		return stats, nil
	case id != 0:
		s.ID = id
		stats.Updated++
		if err := tx.UpdateStoryText(ctx, &s, hash, now); err != nil {
			return stats, err
		}
		if p.stages.Followup != nil {
			p.stages.Followup.Edited(id)
		}
		return stats, nil
	}
	if id, err = tx.StoryByCanonical(ctx, it.Canonical); err != nil {
		return stats, err
	}
	if id != 0 {
		stats.Seen++
		if err := tx.AddSighting(ctx, feedID, key, id, it.URL, now); err != nil {
			return stats, err
		}
		return stats, p.outletAdded(ctx, tx, id)
	}
	// A story retention pruned stays gone though its feed still lists it.
	if gone, err := tx.Tombstoned(ctx, feedID, key, it.Canonical); err != nil || gone {
		stats.Unchanged++
		return stats, err
	}
	if err := tx.InsertStory(ctx, &s, feedID, hash); err != nil {
		return stats, err
	}
	stats.New++
	if err := tx.AddSighting(ctx, feedID, key, s.ID, it.URL, now); err != nil {
		return stats, err
	}
	s.Feed, s.Feeds = feed, []string{feed}
	return stats, p.link(ctx, tx, &s, prep, &stats)
}

// link runs the stages that relate a new story to what is stored: first
// near-duplicates and clusters (follow-ups and outlet counts use them),
// then follow-ups, then topics.
func (p *Pipeline) link(ctx context.Context, tx Tx, s *storyline.Story, prep *prepared, stats *Stats) error {
	if prep == nil {
		prep = &prepared{}
	}
	if p.stages.Dedupe != nil {
		res, err := p.stages.Dedupe.ProcessPrepared(ctx, tx, s, prep.dedupe)
		if err != nil {
			return err
		}
		s.DuplicateOf, s.Storyline = res.DuplicateOf, res.Storyline
		if res.DuplicateOf != 0 {
			stats.Duplicates++
		}
	}
	if p.stages.Followup != nil {
		an := prep.analysis
		if an == nil {
			an = followup.Analyze(s)
		}
		res, err := p.stages.Followup.ProcessAnalyzed(ctx, tx, s, an)
		if err != nil {
			return err
		}
		stats.Followups += res.Links
	}
	if err := p.matchTopics(ctx, tx, s, false); err != nil {
		return err
	}
	if s.DuplicateOf != 0 {
		// The original gained an outlet: min_sources may now pass for it.
		return p.outletAdded(ctx, tx, s.DuplicateOf)
	}
	return nil
}

// outletAdded re-matches topics that count outlets (min_sources) when a
// stored story is seen in one more feed.
func (p *Pipeline) outletAdded(ctx context.Context, tx Tx, id int64) error {
	set := p.topics.Load()
	if set == nil || !set.NeedsSources() {
		return nil
	}
	s, err := tx.Story(ctx, id)
	if err != nil {
		return err
	}
	return p.matchTopics(ctx, tx, &s, true)
}

// matchTopics records the story's topics; replace clears earlier matches
// (a new story has none, which saves a statement per story).
func (p *Pipeline) matchTopics(ctx context.Context, tx Tx, s *storyline.Story, replace bool) error {
	set := p.topics.Load()
	if set == nil {
		return nil
	}
	sources := 0
	if set.NeedsSources() {
		var err error
		if sources, err = tx.StorySources(ctx, s.ID); err != nil {
			return err
		}
	}
	hits := set.Match(s, sources)
	if len(hits) == 0 && !replace {
		return nil
	}
	s.Topics = s.Topics[:0]
	for _, h := range hits {
		s.Topics = append(s.Topics, h.Topic)
	}
	return tx.SetStoryTopics(ctx, s.ID, hits)
}

func storyFromItem(it *storyline.Item, now time.Time, backlog bool) storyline.Story {
	published := it.Published
	if published.IsZero() {
		published = now
	}
	return storyline.Story{
		URL: it.URL, Canonical: it.Canonical, Source: it.Source,
		Title: it.Title, Summary: it.Summary, Content: it.Content,
		Author: it.Author, Categories: it.Categories,
		Published: published.UTC(), FirstSeen: now.UTC(), Backlog: backlog,
	}
}

func itemKey(it *storyline.Item, hash string) string {
	switch {
	case it.GUID != "":
		return "g:" + it.GUID
	case it.Canonical != "":
		return "u:" + it.Canonical
	}
	return "h:" + hash
}

func contentHash(it *storyline.Item) string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.Summary, it.Content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// byPublished returns the positions of the items oldest first (items
// without a date keep their feed order after the dated ones), so stages see
// causes before consequences.
func byPublished(items []storyline.Item) []int {
	out := make([]int, len(items))
	for i := range out {
		out[i] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := items[out[i]].Published, items[out[j]].Published
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	return out
}

// seenItems remembers the items stored lately (by feed, item key and
// content), so that a poll does not prepare again what its feed carried
// before: most of a feed, most of the time. It is a hint only: an item it
// forgot is prepared for nothing, one it wrongly remembers is prepared by
// the writer. Bounded: when full it starts afresh.
type seenItems struct {
	mu   sync.Mutex
	seed maphash.Seed
	m    map[uint64]struct{}
}

// maxSeenItems bounds seenItems (about 16 bytes an item).
const maxSeenItems = 1 << 20

func (si *seenItems) sum(feed, key, hash string) uint64 {
	var h maphash.Hash
	h.SetSeed(si.seed)
	for _, s := range []string{feed, key, hash} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	return h.Sum64()
}

func (si *seenItems) add(feed, key, hash string) {
	si.mu.Lock()
	defer si.mu.Unlock()
	if si.m == nil || len(si.m) >= maxSeenItems {
		if si.m == nil {
			si.seed = maphash.MakeSeed()
		}
		si.m = make(map[uint64]struct{})
	}
	si.m[si.sum(feed, key, hash)] = struct{}{}
}

func (si *seenItems) has(feed string, it *storyline.Item) bool {
	hash := contentHash(it)
	si.mu.Lock()
	defer si.mu.Unlock()
	if si.m == nil {
		return false
	}
	_, ok := si.m[si.sum(feed, itemKey(it, hash), hash)]
	return ok
}
