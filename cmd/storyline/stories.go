package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
)

// storyJSON is the documented `stories --json` element.
type storyJSON struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary"`
	Published   string   `json:"published"`
	FirstSeen   string   `json:"first_seen"`
	Feed        string   `json:"feed"`
	Feeds       []string `json:"feeds"`
	Source      string   `json:"source,omitempty"`
	URLs        []string `json:"urls"`
	DuplicateOf *int64   `json:"duplicate_of"`
	Storyline   *int64   `json:"storyline"`
	Topics      []string `json:"topics"`
}

func cmdStories(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("stories", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "print JSON (see README)")
	since := fs.String("since", "", "only stories published since (the time they are listed by): a duration (36h, 7d) or a date (2017-01-27, RFC 3339)")
	limit := fs.Int("limit", 50, "at most N stories; 0 for all")
	topicName := fs.String("topic", "", "only stories that matched this watched topic")
	search := fs.String("search", "", "only stories matching this query (full-text, the topics' query language: putin AND call, \"white house\")")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	f := storage.StoryFilter{Limit: *limit}
	var err error
	if f.Since, err = a.since(*since); err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	if *topicName != "" {
		if a.topics == nil || a.topics.Topic(*topicName) == nil {
			return usageError{fmt.Errorf("no topic named %q in %s", *topicName, a.cfgPath)}
		}
		ids, err := db.TopicStoryIDs(ctx, *topicName, f.Since, f.Limit)
		if err != nil {
			return err
		}
		f.IDs = nonNilIDs(ids)
	}
	if *search != "" {
		ids, err := searchStories(ctx, db, *search, f)
		if err != nil {
			return err
		}
		if f.IDs != nil { // both: the stories of the topic that also match
			ids = intersect(f.IDs, ids)
		}
		f.IDs = nonNilIDs(ids)
	}
	stories, err := db.Stories(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeStoriesJSON(ctx, a, db, stories)
	}
	printStories(a, stories)
	return nil
}

func writeStoriesJSON(ctx context.Context, a *app, db *storage.DB, stories []storyline.Story) error {
	ids := make([]int64, len(stories))
	for i := range stories {
		ids[i] = stories[i].ID
	}
	links, err := db.StoryLinks(ctx, ids)
	if err != nil {
		return err
	}
	topics, err := db.StoryTopics(ctx, ids)
	if err != nil {
		return err
	}
	for i := range stories {
		for _, h := range topics[stories[i].ID] {
			stories[i].Topics = append(stories[i].Topics, h.Topic)
		}
	}
	out := make([]storyJSON, len(stories))
	for i, s := range stories {
		out[i] = storyJSON{
			ID: s.ID, URL: s.URL, Title: s.Title, Summary: s.Summary,
			Published: s.Published.UTC().Format(time.RFC3339), FirstSeen: s.FirstSeen.UTC().Format(time.RFC3339),
			Feed: s.Feed, Feeds: nonNil(s.Feeds), Source: s.Source, URLs: nonNil(links[s.ID]),
			DuplicateOf: optionalID(s.DuplicateOf), Storyline: optionalID(s.Storyline), Topics: nonNil(s.Topics),
		}
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printStories(a *app, stories []storyline.Story) {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPUBLISHED\tFEED\tTITLE")
	for _, s := range stories {
		feed := s.Feed
		if len(s.Feeds) > 1 {
			feed += fmt.Sprintf(" +%d", len(s.Feeds)-1)
		}
		title := s.Title
		if s.DuplicateOf != 0 {
			title += fmt.Sprintf("  (duplicate of %d)", s.DuplicateOf)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.ID, s.Published.In(a.zone()).Format("2006-01-02 15:04"), feed, clip(title, 100))
	}
	tw.Flush()
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// since reads a --since value; "" means no bound.
func (a *app) since(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseSince(s, a.now())
	if err != nil {
		return t, usageError{err}
	}
	return t, nil
}

// parseSince reads a duration back from now, or a date or time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := config.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration such as 36h or 7d, or a date such as 2017-01-27", s)
}

// searchStories returns the ids of the stories matching a query in the
// topics' language, newest first: SQLite FTS5 finds the candidates, the
// query's own matcher decides (phrases, NOT, fields).
func searchStories(ctx context.Context, db *storage.DB, text string, f storage.StoryFilter) ([]int64, error) {
	if _, err := topic.Parse(text); err != nil {
		return nil, usageError{fmt.Errorf("--search: %w%s", err, caret(text, err))}
	}
	tp, err := topic.Compile("search", text, topic.Options{MinSources: 1})
	if err != nil {
		return nil, usageError{fmt.Errorf("--search: %w", err)}
	}
	var ids []int64
	enough := errors.New("enough")
	err = db.SearchStories(ctx, storyline.StorySearch{Match: ftsOf(tp), Since: f.Since}, func(st *storyline.Story, _ int) error {
		if tp.QueryMatches(st) {
			ids = append(ids, st.ID)
		}
		if f.Limit > 0 && len(ids) == f.Limit {
			return enough // newest first: the rest would not be listed
		}
		return nil
	})
	if errors.Is(err, enough) {
		err = nil
	}
	return ids, err
}

func intersect(a, b []int64) []int64 {
	in := make(map[int64]bool, len(a))
	for _, id := range a {
		in[id] = true
	}
	var out []int64
	for _, id := range b {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}

// ftsOf is a topic's FTS5 prefilter.
func ftsOf(tp *topic.Topic) string {
	expr, _ := tp.Query.FTS()
	return expr
}
