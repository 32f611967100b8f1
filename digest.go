package storyline

import (
	"strings"
	"time"
)

// DigestState is where a digest's previous run left off. Stories are taken
// by id above LastStory rather than by time, so a poll that commits after
// a digest was composed can never slip between two windows.
type DigestState struct {
	Name      string
	LastEnd   time.Time // window end of the last run; zero when it never ran
	LastStory int64     // highest story id the last run considered
}

// DigestRecord is one composed digest as the outbox keeps it: rendered once,
// when it is composed, so every retry sends the same bytes.
type DigestRecord struct {
	// Key is deterministic (digest name + window end); it is the webhook
	// Idempotency-Key and the seed of the email Message-ID.
	Key         string
	Name        string
	Subject     string
	WindowStart time.Time // exclusive; zero for a digest's first run
	WindowEnd   time.Time // inclusive
	Created     time.Time
	MessageID   string   // without angle brackets
	InReplyTo   string   // Message-ID of the digest this one follows up, if any
	References  []string // earlier digests' Message-IDs, oldest first
	Text        string   // text/plain rendering
	HTML        string   // text/html rendering
	Payload     []byte   // the versioned JSON document (docs/webhooks.md)
	Stories     int      // stories shown
	// Announced are the events this digest introduced (their anticipation
	// was among its stories, or it listed them as upcoming); Reported are
	// the events whose outcome it reports. Later digests thread onto the
	// ones that announced what they report.
	Announced []int64
	Reported  []int64
}

// DeliveryStatus is where a delivery stands in the outbox.
type DeliveryStatus string

// Delivery states: pending until it goes out (and while it is retried),
// sent once a receiver accepted it, dead when its retry budget ran out or
// the receiver refused it for good.
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryDead    DeliveryStatus = "dead"
)

// Delivery is one digest going to one recipient.
type Delivery struct {
	ID          int64
	DigestKey   string
	Recipient   string // "email:ADDRESS" or "webhook:NAME"
	Status      DeliveryStatus
	Attempts    int       // attempts since it was (re)queued
	Queued      time.Time // when it was (re)queued; the retry budget counts from here
	NextAttempt time.Time // when a pending delivery is due (or its claim's lease ends)
	LastAttempt time.Time
	Sent        time.Time
	LastError   string
}

// Kind splits Recipient into its kind ("email", "webhook") and target.
func (d Delivery) Kind() (kind, target string) {
	kind, target, _ = strings.Cut(d.Recipient, ":")
	return kind, target
}

// DigestRef is a story as a digest's follow-up sections link it.
type DigestRef struct {
	ID        int64
	URL       string
	Title     string
	Feed      string
	Source    string
	Published time.Time
	Topics    []string
}

// DigestEvent is an anticipated event with what became of it, as the
// follow-up store hands it to digest composition.
type DigestEvent struct {
	ID           int64
	Summary      string
	Expected     time.Time // the expected date (UTC midnight); zero when no time was given
	Status       string    // pending | happened | cancelled | postponed | overdue
	Anticipation DigestRef
	// Outcome is the story that reported what happened; ID 0 when none yet.
	Outcome  DigestRef
	Relation string // happened | cancelled | postponed, with an outcome
}
