package storyline

import "time"

// TopicHit records that a story matched a watched topic, and why.
type TopicHit struct {
	Topic    string
	Priority int // the topic's digest priority: higher comes first
	// Why lists the query terms that hit and where, for example
	// `trump (title); "white house" (summary)`.
	Why string
}

// StorySearch selects stored stories for a topic test.
type StorySearch struct {
	// Match is an FTS5 MATCH expression over stories_fts (title, summary,
	// content) used as a prefilter; "" reads stories without one.
	Match string
	Since time.Time // published at or after; zero for all
	Limit int       // read at most this many stories, newest first; 0 for all
	// Feeds asks for Story.Feeds, every feed that carried each story;
	// without it only Story.Feed, the first, is filled.
	Feeds bool
	// Sources asks for the number of outlets that carried each story.
	Sources bool
}
