// Package topic matches stories against the topics users watch: a small
// query language (words, "phrases", AND/OR/NOT, -word, parentheses, field
// prefixes, word* and /regex/), per-topic options (feeds, exclusions,
// minimum number of outlets, digest priority), and explanations of why a
// story matched. It does no I/O: the pipeline calls Set.Match as it stores
// each story, and Test runs a topic over stored stories through a small
// Searcher interface.
package topic

import (
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/storyline/storyline"
)

// Options are a topic's settings besides its query.
type Options struct {
	// Feeds limits the topic to stories carried by these feeds (names or
	// path.Match globs); empty means every feed.
	Feeds []string
	// Exclude drops the feeds it names (names or globs) from the topic.
	Exclude []string
	// MinSources keeps only stories carried by at least this many outlets;
	// 0 or 1 keeps every story.
	MinSources int
	// Priority orders topics in a digest: higher first.
	Priority int
}

// Topic is a compiled topic. It is immutable and safe for concurrent use.
type Topic struct {
	Name  string
	Query *Query
	Options

	once   sync.Once
	single *Set // this topic alone, for Match and Explain
}

// Compile parses query and checks the options. A query problem is returned
// as a *SyntaxError (wrapped, find it with errors.As) whose Col is the
// column in the query, so that config validation can point at the file,
// line and column.
func Compile(name, query string, opt Options) (*Topic, error) {
	q, err := Parse(query)
	if err != nil {
		return nil, fmt.Errorf("topic %q: query: %w", name, err)
	}
	for _, l := range []struct {
		key  string
		pats []string
	}{{"feeds", opt.Feeds}, {"exclude", opt.Exclude}} {
		for _, pat := range l.pats {
			if _, err := path.Match(pat, ""); err != nil || pat == "" {
				return nil, fmt.Errorf("topic %q: %s: %q is not a feed name or glob", name, l.key, pat)
			}
		}
	}
	if opt.MinSources < 0 {
		return nil, fmt.Errorf("topic %q: min_sources must not be negative", name)
	}
	return &Topic{Name: name, Query: q, Options: opt}, nil
}

// MustCompile is Compile for queries known to be valid; it panics otherwise.
func MustCompile(name, query string, opt Options) *Topic {
	t, err := Compile(name, query, opt)
	if err != nil {
		panic(err)
	}
	return t
}

// InScope reports whether a story carried by feeds is within the topic's
// feeds and not excluded: at least one of its feeds must qualify.
func (t *Topic) InScope(feeds []string) bool {
	if len(t.Feeds) == 0 && len(t.Exclude) == 0 {
		return true
	}
	for _, f := range feeds {
		if (len(t.Feeds) == 0 || globAny(t.Feeds, f)) && !globAny(t.Exclude, f) {
			return true
		}
	}
	return false
}

func globAny(pats []string, name string) bool {
	for _, p := range pats {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// storyFeeds is every feed that carried st, first one first.
func storyFeeds(st *storyline.Story) []string {
	if len(st.Feeds) > 0 {
		return st.Feeds
	}
	if st.Feed != "" {
		return []string{st.Feed}
	}
	return nil
}

// sourceCount is the number of outlets: the caller's count when it has
// one, else the feeds the story lists.
func sourceCount(st *storyline.Story, sources int) int {
	if sources > 0 {
		return sources
	}
	return max(1, len(st.Feeds))
}

// Match reports whether the topic matches st, carried by sources outlets
// (0: count st.Feeds), with the hit to record.
func (t *Topic) Match(st *storyline.Story, sources int) (storyline.TopicHit, bool) {
	hits := t.set().Match(st, sources)
	if len(hits) == 0 {
		return storyline.TopicHit{}, false
	}
	return hits[0], true
}

// QueryMatches reports whether the query alone (without the feed and
// min_sources options) matches st.
func (t *Topic) QueryMatches(st *storyline.Story) bool {
	s := t.set()
	d := s.getDoc(st)
	defer s.putDoc(d)
	return s.eval(&s.progs[0], d)
}

// usesFeeds reports whether matching needs every feed of a story: for the
// feeds and exclude options, or feed: terms.
func (t *Topic) usesFeeds() bool {
	return len(t.Feeds) > 0 || len(t.Exclude) > 0 || t.Query.root.has(nFeed)
}

func (t *Topic) set() *Set {
	t.once.Do(func() { t.single = NewSet(t) })
	return t.single
}

// String describes the topic for logs.
func (t *Topic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", t.Name, t.Query)
	if len(t.Feeds) > 0 {
		fmt.Fprintf(&b, " feeds=%s", strings.Join(t.Feeds, ","))
	}
	if len(t.Exclude) > 0 {
		fmt.Fprintf(&b, " exclude=%s", strings.Join(t.Exclude, ","))
	}
	if t.MinSources > 1 {
		fmt.Fprintf(&b, " min_sources=%d", t.MinSources)
	}
	if t.Priority != 0 {
		fmt.Fprintf(&b, " priority=%d", t.Priority)
	}
	return b.String()
}
