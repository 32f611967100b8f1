package followup

import (
	"time"

	"github.com/storyline/storyline"
)

// The JSON shape of `storyline threads --json` (DESIGN.md): one element per
// anticipated event.

// StoryView is a story in a thread.
type StoryView struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"` // RFC 3339
}

// EventView is the anticipated event's frame.
type EventView struct {
	ID      int64    `json:"id"` // the event's own id (a story can anticipate several)
	Summary string   `json:"summary"`
	Actors  []string `json:"actors"`
	Action  string   `json:"action"`
	// Expected is the expected date (YYYY-MM-DD), the last day of the
	// window for a period ("later this year"), or null without a time.
	Expected *string `json:"expected"`
	// Window is the expected period when it spans more than a day.
	Window *WindowView `json:"window,omitempty"`
	// Evidence is the sentence the event was read from.
	Evidence string `json:"evidence,omitempty"`
}

// WindowView bounds an expected period, inclusive.
type WindowView struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// OutcomeView is a linked outcome.
type OutcomeView struct {
	ID          int64   `json:"id"`
	URL         string  `json:"url"`
	Title       string  `json:"title"`
	Published   string  `json:"published"`
	Relation    string  `json:"relation"`
	Score       float64 `json:"score"`
	Explanation string  `json:"explanation,omitempty"`
}

// ThreadView is one element of `threads --json`.
type ThreadView struct {
	// Anticipation is the first story that announced the event;
	// Announcements are the others, in publication order.
	Anticipation  StoryView     `json:"anticipation"`
	Announcements []StoryView   `json:"announcements"`
	Event         EventView     `json:"event"`
	Status        string        `json:"status"`
	Outcomes      []OutcomeView `json:"outcomes"`
}

// Threads builds the `threads --json` view of stored threads, computing
// each status at now with the options' grace and horizon.
func Threads(ts []storyline.Thread, opts Options, now time.Time) []ThreadView {
	out := make([]ThreadView, 0, len(ts))
	for i := range ts {
		out = append(out, Thread(&ts[i], opts, now))
	}
	return out
}

// Thread builds the view of one thread.
func Thread(t *storyline.Thread, opts Options, now time.Time) ThreadView {
	a := &t.Anticipation
	v := ThreadView{
		Anticipation: storyView(t.Story),
		Event: EventView{
			ID:       a.ID,
			Summary:  a.Summary,
			Actors:   []string{},
			Action:   a.Class,
			Evidence: a.Evidence,
		},
		Status:        string(opts.Status(a, t.Outcomes, now)),
		Announcements: make([]StoryView, 0, len(t.Announcements)),
		Outcomes:      []OutcomeView{},
	}
	for _, r := range t.Announcements {
		v.Announcements = append(v.Announcements, storyView(r))
	}
	for _, ac := range a.Actors {
		if !ac.Secondary {
			v.Event.Actors = append(v.Event.Actors, ac.Name)
		}
	}
	if a.HasTime() {
		exp := a.To.Format(time.DateOnly)
		v.Event.Expected = &exp
		if !a.From.Equal(a.To) {
			v.Event.Window = &WindowView{From: a.From.Format(time.DateOnly), To: exp}
		}
	}
	for _, o := range t.Outcomes {
		sv := storyView(o.Story)
		v.Outcomes = append(v.Outcomes, OutcomeView{
			ID: sv.ID, URL: sv.URL, Title: sv.Title, Published: sv.Published,
			Relation: string(o.Relation), Score: o.Score, Explanation: o.Explanation,
		})
	}
	return v
}

func storyView(s storyline.StoryRef) StoryView {
	return StoryView{ID: s.ID, URL: s.URL, Title: s.Title, Published: s.Published.UTC().Format(time.RFC3339)}
}

// MatchesStatus reports whether a thread view passes a `--status` filter
// ("" passes all).
func MatchesStatus(v ThreadView, status string) bool {
	return status == "" || v.Status == status
}
