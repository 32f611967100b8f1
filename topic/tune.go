package topic

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/storyline/storyline"
)

// Searcher reads stored stories for Test; *storage.DB implements it.
type Searcher interface {
	// SearchStories calls fn with every story q selects, newest first,
	// with the number of outlets that carried it when q.Sources is set.
	SearchStories(ctx context.Context, q storyline.StorySearch, fn func(st *storyline.Story, sources int) error) error
}

// TestOptions tune Test.
type TestOptions struct {
	Since time.Time // only stories published at or after; zero for all
	// Keep is how many matches Report.Matches keeps, newest first, with
	// their explanation; every match is counted either way. 0 keeps 50,
	// a negative number keeps all.
	Keep int
	// MaxScan bounds the stories read when the query cannot use the
	// full-text index; 0 means 100,000.
	MaxScan int
}

// Report is what Test found.
type Report struct {
	Topic *Topic
	// Prefilter is the FTS5 expression that selected the candidates; ""
	// when the query cannot use the index and the newest stories were
	// scanned instead (Scanned).
	Prefilter string
	Exact     bool // the prefilter is exact: every candidate matched the query text
	Scanned   bool
	Truncated bool // the scan stopped at MaxScan stories
	MaxScan   int

	Candidates int // stories read
	Matched    int // stories the topic matches
	// Dropped counts stories whose query matched but that the topic's
	// feeds, exclude or min_sources options left out.
	Dropped int

	Matches []Match // newest first, at most Keep
	PerFeed []Count // matches by the feed that first carried them, most first
	PerDay  []Count // matches by publication day (UTC), oldest first
}

// Match is one story a topic matched.
type Match struct {
	Story       storyline.Story
	Sources     int // outlets, when the topic has min_sources; else 0
	Explanation Explanation
}

// Count is a number of matches under a key (a feed name, a day).
type Count struct {
	Key string
	N   int
}

// Test runs t over stored stories, as "storyline topics test" shows it:
// candidates come from the FTS5 index when the query allows (Query.FTS),
// else from a bounded scan of the newest stories; each is confirmed by the
// same matcher the pipeline uses, so what Test reports is what the topic
// would record for those stories.
func Test(ctx context.Context, src Searcher, t *Topic, opt TestOptions) (*Report, error) {
	if opt.Keep == 0 {
		opt.Keep = 50
	}
	if opt.MaxScan <= 0 {
		opt.MaxScan = 100_000
	}
	r := &Report{Topic: t, MaxScan: opt.MaxScan}
	q := storyline.StorySearch{Since: opt.Since, Sources: t.MinSources > 1, Feeds: t.usesFeeds()}
	q.Match, r.Exact = t.Query.FTS()
	r.Prefilter = q.Match
	if q.Match == "" {
		r.Scanned, q.Limit = true, opt.MaxScan
	}
	set := t.set()
	feeds := map[string]int{}
	days := map[string]int{}
	err := src.SearchStories(ctx, q, func(st *storyline.Story, sources int) error {
		r.Candidates++
		d := set.getDoc(st)
		defer set.putDoc(d)
		if !set.eval(&set.progs[0], d) {
			return nil
		}
		if !q.Sources {
			sources = 0
		}
		// The same checks as Set.Match, on the document already built.
		if sourceCount(st, sources) < t.MinSources || !t.InScope(storyFeeds(st)) {
			r.Dropped++
			return nil
		}
		r.Matched++
		feeds[st.Feed]++
		days[st.Published.UTC().Format(time.DateOnly)]++
		if opt.Keep < 0 || len(r.Matches) < opt.Keep {
			m := Match{Story: *st, Sources: sources}
			set.explain(&set.progs[0], d, &m.Explanation, true)
			r.Matches = append(r.Matches, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("topic %q: %w", t.Name, err)
	}
	r.Truncated = r.Scanned && r.Candidates >= opt.MaxScan
	for k, n := range feeds {
		r.PerFeed = append(r.PerFeed, Count{k, n})
	}
	sort.Slice(r.PerFeed, func(i, j int) bool {
		a, b := r.PerFeed[i], r.PerFeed[j]
		return a.N > b.N || a.N == b.N && a.Key < b.Key
	})
	for k, n := range days {
		r.PerDay = append(r.PerDay, Count{k, n})
	}
	sort.Slice(r.PerDay, func(i, j int) bool { return r.PerDay[i].Key < r.PerDay[j].Key })
	return r, nil
}
