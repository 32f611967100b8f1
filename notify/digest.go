// Package notify composes digests, renders them (text, HTML, a versioned
// JSON payload), records them in the outbox and delivers them with retries.
//
// Composition (Compose) and rendering are pure: they take the clock as a
// value. Digester runs one digest: it composes and records the digest and its
// deliveries in one transaction. Deliverer works the outbox: it claims due
// deliveries, hands them to a Sender per recipient kind (notify/email,
// notify/webhook) and records the result, retrying with exponential backoff
// and jitter until the retry budget runs out. Delivery is at least once; the
// digest key (Message-ID, Idempotency-Key) lets receivers drop repeats.
package notify

import (
	"time"
)

// PayloadVersion is the version of the JSON document (docs/webhooks.md).
// Fields may be added within a version; none is removed or renamed.
const PayloadVersion = 1

// Digest is a composed digest: what every rendering shows. Its JSON form,
// inside Payload, is the documented webhook payload.
type Digest struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Window  Window `json:"window"`
	// Sections hold the stories: one per topic of the digest, in the
	// digest's order, or a single section (topic "") for a digest of every
	// story. Empty sections are left out.
	Sections  []Section  `json:"sections"`
	FollowUps []FollowUp `json:"followups"`
	Upcoming  []Event    `json:"upcoming"`
	Overdue   []Event    `json:"overdue"`
	// Omitted counts the stories left out by the digest's max_stories.
	Omitted int `json:"omitted"`
	// FeedHealth lists the feeds failing for longer than fetch.alert_after
	// or silent for longer than usual; absent when every feed is fine.
	FeedHealth []FeedNotice `json:"feed_health,omitempty"`

	// Events this digest introduces and whose outcome it reports, for
	// threading (not part of the payload).
	announced, reported []int64
	// loc is the zone of the times the text and HTML show (Spec.Location).
	loc *time.Location
}

// Window is the span of time a digest covers.
type Window struct {
	Start *time.Time `json:"start"` // null on a digest's first run
	End   time.Time  `json:"end"`
}

// Section is the stories of one topic.
type Section struct {
	Topic   string  `json:"topic"` // "" in a digest of every story
	Title   string  `json:"title"`
	Stories []Story `json:"stories"`
}

// Story is one story of a digest, shown once however many outlets carried it.
type Story struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Published time.Time `json:"published"`
	Feed      string    `json:"feed"`
	Source    string    `json:"source,omitempty"`
	Topics    []string  `json:"topics"`
	// Also lists the other outlets that reported it ("also reported by").
	Also []Also `json:"also"`
}

// Also is another outlet's report of a story: a near-duplicate or another
// article of the same storyline (with its own link), or another feed that
// carried the same article (outlet only).
type Also struct {
	Outlet string `json:"outlet"`
	ID     int64  `json:"id,omitempty"`
	URL    string `json:"url,omitempty"`
	Title  string `json:"title,omitempty"`
}

// Link is a story that a follow-up section links to.
type Link struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Feed      string    `json:"feed"`
	Published time.Time `json:"published"`
}

// EventInfo names an anticipated event.
type EventInfo struct {
	ID       int64   `json:"id"`
	Summary  string  `json:"summary"`
	Expected *string `json:"expected"` // a date (2006-01-02), null when no time was given
}

// FollowUp is an anticipated event and the story reporting what became of it.
type FollowUp struct {
	Event        EventInfo `json:"event"`
	Relation     string    `json:"relation"` // happened | cancelled | postponed
	Anticipation Link      `json:"anticipation"`
	Outcome      Link      `json:"outcome"`
}

// Event is a pending anticipated event: upcoming, or overdue.
type Event struct {
	Event        EventInfo `json:"event"`
	Status       string    `json:"status"`
	Anticipation Link      `json:"anticipation"`
}

// FeedNotice is a feed that needs a look.
type FeedNotice struct {
	Feed    string `json:"feed"`
	Problem string `json:"problem"` // failing | silent
	// Since is when the problem began: for a failing feed its last success
	// (its first fetch when it never succeeded), for a silent one its last
	// new story.
	Since    time.Time `json:"since"`
	Failures int       `json:"failures,omitempty"` // failing: consecutive failed fetches
	Error    string    `json:"error,omitempty"`    // failing: the last fetch error
	// UsualGap is, for a silent feed, the median time in seconds between
	// its arrivals of new stories.
	UsualGap int64 `json:"usual_gap_seconds,omitempty"`
	// Reason says it in a few words: "failing for 3d: HTTP 503 Service
	// Unavailable", "no new story for 6d, usually one every 8h".
	Reason string `json:"reason"`
}

// Payload is the JSON document of a digest (docs/webhooks.md).
type Payload struct {
	Version int    `json:"version"`
	Type    string `json:"type"` // "digest"
	Digest
}

// Stories counts the stories shown.
func (d *Digest) Stories() int {
	n := 0
	for _, s := range d.Sections {
		n += len(s.Stories)
	}
	return n
}

// Empty reports whether the digest has nothing new: no story, outcome or
// newly overdue event. Upcoming events and feed-health notices alone do not
// make it worth sending.
func (d *Digest) Empty() bool {
	return d.Stories() == 0 && len(d.FollowUps) == 0 && len(d.Overdue) == 0
}
