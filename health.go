package storyline

import "time"

// FeedHealth is one feed's fetch state with the rhythm of its new stories:
// what a digest needs to tell whether the feed has been failing for long or
// has gone silent for longer than usual.
type FeedHealth struct {
	FeedState
	// FirstFetch is the first fetch recorded for the feed, successful or
	// not; zero when it was never fetched.
	FirstFetch time.Time
	// Arrivals are the latest distinct times at which the feed brought
	// stories it had not carried before, newest first; the store returns
	// as many as it was asked for, or all there are.
	Arrivals []time.Time
	// WeekBefore reports whether the feed brought new stories in the same
	// stretch of time one week earlier: after a week before its latest
	// arrival, up to a week before now.
	WeekBefore bool
}
