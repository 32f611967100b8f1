// Package storyline holds the domain types that flow between the pipeline
// stages. It does no I/O; every other package may import it.
package storyline

import (
	"strings"
	"time"
)

// Item is one entry of a feed after parsing and normalisation, before it is
// matched against stored stories.
type Item struct {
	GUID       string // the feed's own id for the item, if any
	URL        string // the link as published (absolute)
	Canonical  string // URL without tracking junk (see canonical.URL); "" when no link
	Source     string // the outlet, when an aggregator feed names it (RSS <source>)
	Title      string // plain text
	Summary    string // plain text, at most a few sentences
	Content    string // plain text of the full content, when the feed carries it
	Author     string
	Categories []string
	Published  time.Time // UTC; zero when the feed gave no usable date
	Updated    time.Time // UTC; zero when absent
}

// Story is a stored news item: one per distinct article, however many feeds
// carried it.
type Story struct {
	ID         int64
	URL        string // link as first published
	Canonical  string // canonical URL, the cross-feed identity
	Source     string // the outlet named by an aggregator feed, if any
	Title      string
	Summary    string
	Content    string
	Author     string
	Categories []string
	Published  time.Time // UTC; the first-seen time when the feed gave none
	FirstSeen  time.Time // UTC
	Feed       string    // the feed it was first seen in
	Feeds      []string  // every feed that carried it, first one first
	// Backlog is true when the story came from its feed's very first poll:
	// digests skip it so a new feed does not flood the reader.
	Backlog     bool
	DuplicateOf int64 // id of the story this one near-duplicates, 0 if none
	Storyline   int64 // same-story cluster id, 0 if none
	Topics      []string
}

// Text is the story's searchable text: title, summary and content, without
// repeating a summary the content already starts with.
func (s *Story) Text() string {
	body := s.Content
	if body == "" {
		body = s.Summary
	} else if s.Summary != "" && !(len(body) >= len(s.Summary) && strings.EqualFold(body[:len(s.Summary)], s.Summary)) {
		body = s.Summary + "\n" + body
	}
	if body == "" {
		return s.Title
	}
	return s.Title + "\n" + body
}

// FeedState is what storyline remembers about fetching one feed.
type FeedState struct {
	Name         string
	URL          string
	Title        string // the feed's own title, from its last successful parse
	ETag         string
	LastModified string
	Polls        int // successful polls so far; 0 means never polled
	LastFetch    time.Time
	LastSuccess  time.Time
	LastStatus   int    // HTTP status of the last fetch, 0 for a network error
	LastError    string // "" after a success
	Failures     int    // consecutive failures
	NextCheck    time.Time
}

// StoredTime is t as the database holds it: whole seconds, UTC; zero stays
// zero. Memory that stands in for stored rows keeps its times so.
func StoredTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(t.Unix(), 0).UTC()
}
