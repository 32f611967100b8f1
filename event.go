package storyline

import "time"

// Relation says what a later story reports about an anticipated event.
type Relation string

// Relations of an outcome story to an anticipated event.
const (
	Happened  Relation = "happened"
	Cancelled Relation = "cancelled"
	Postponed Relation = "postponed"
)

// EventStatus is where an anticipated event stands.
type EventStatus string

// Statuses of an anticipated event; Overdue is computed from the clock, never stored.
const (
	Pending         EventStatus = "pending"
	StatusHappened  EventStatus = "happened"
	StatusCancelled EventStatus = "cancelled"
	StatusPostponed EventStatus = "postponed"
	StatusOverdue   EventStatus = "overdue"
)

// Actor is a participant of an anticipated event.
type Actor struct {
	Name string `json:"name"` // as written, titles stripped: "Donald Trump"
	// Key is the lower-case alias used for matching and indexing: the
	// surname for people ("trump"), the whole name when its last word is
	// generic ("supreme court"), the country for demonyms ("mexico").
	Key string `json:"key"`
	// Secondary marks a place or venue ("in Washington", "before the
	// Senate"): it adds to a match but is not required.
	Secondary bool `json:"secondary,omitempty"`
}

// Anticipation is one event a story expects to happen: "Trump and Putin
// are expected to speak by phone on Saturday".
type Anticipation struct {
	ID        int64
	StoryID   int64
	Published time.Time // of the anticipating story, UTC
	Summary   string    // short frame description: "Donald Trump and Vladimir Putin speak"
	Actors    []Actor
	Action    string // the action's lemma as found ("talk", "call")
	Class     string // its equivalence class ("speak")
	// From and To bound the expected time as UTC dates (midnight),
	// inclusive. Both zero when the story gave no time.
	From, To time.Time
	Evidence string // the sentence that anticipates the event
	// Terms identify the event in any domain: the stemmed content words of
	// the sentences that announce it (names, objects, places, the action).
	// Outcome stories are found and weighed through them (package
	// followup); the store indexes the event under them.
	Terms []string
	// Root is the event this one announces again (another story, or the
	// same story's restatement, expecting the same happening), 0 when it is
	// the first announcement. Outcomes link to the root.
	Root int64
}

// indexedTerms bounds the terms an event is found under: the first ones,
// those of the headline and the lead's start, say what it is.
const indexedTerms = 16

// IndexKeys are the keys the event is found under: its first terms, or the
// core actor keys of an event stored before terms existed.
func (a *Anticipation) IndexKeys() []string {
	if len(a.Terms) > 0 {
		return a.Terms[:min(len(a.Terms), indexedTerms)]
	}
	return a.CoreKeys()
}

// RootID is the id of the event this anticipation belongs to.
func (a *Anticipation) RootID() int64 {
	if a.Root != 0 {
		return a.Root
	}
	return a.ID
}

// HasTime reports whether the anticipation carries an expected time.
func (a *Anticipation) HasTime() bool { return !a.From.IsZero() }

// CoreKeys are the keys of the actors a matching outcome must name.
func (a *Anticipation) CoreKeys() []string {
	var keys []string
	for _, ac := range a.Actors {
		if !ac.Secondary {
			keys = append(keys, ac.Key)
		}
	}
	return keys
}

// FollowupLink ties an anticipation to a later story reporting its outcome.
type FollowupLink struct {
	AnticipationID int64
	StoryID        int64
	Relation       Relation
	Score          float64
	Explanation    string // which actors, action and time matched
}

// StoryRef names a stored story in listings.
type StoryRef struct {
	ID        int64
	URL       string
	Title     string
	Published time.Time
}

// ThreadOutcome is one linked outcome of a thread.
type ThreadOutcome struct {
	Story       StoryRef
	Relation    Relation
	Score       float64
	Explanation string
}

// Thread is an anticipated event with the story that announced it first
// and its outcomes, as read back from storage; its status is computed by
// the reader.
type Thread struct {
	Anticipation Anticipation
	Story        StoryRef
	// Announcements are the other stories that announced the same event
	// (events whose Root is this one), in publication order.
	Announcements []StoryRef
	Outcomes      []ThreadOutcome // in publication order
}
