package followup

import (
	"fmt"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// The memory keeps the analyses of the latest stories only, and forgets a
// story whose text changed.
func TestRecentAnalyses(t *testing.T) {
	m := newMemory(time.Time{}, Snapshot{})
	for id := int64(1); id <= recentStories+10; id++ {
		m.remember(id, &Analysis{Title: fmt.Sprint(id)}, 0)
	}
	if _, ok := m.recalled(5); ok {
		t.Error("story 5 kept past the bound")
	}
	r, ok := m.recalled(recentStories + 10)
	if !ok || r.an.Title != fmt.Sprint(recentStories+10) {
		t.Errorf("latest story: %+v, %v", r, ok)
	}
	if len(m.recent) != recentStories {
		t.Errorf("%d analyses kept, want %d", len(m.recent), recentStories)
	}
	m.forget(recentStories + 10)
	if _, ok := m.recalled(recentStories + 10); ok {
		t.Error("an edited story's analysis is still kept")
	}
}

// The memory knows which stories announce an open event, its own and
// those joined to it or merged into it, until the event closes: the
// reverse pass of a later announcement takes none of them for its outcome.
func TestAnnouncers(t *testing.T) {
	day := time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC)
	m := newMemory(day, Snapshot{})
	open := day.Add(48 * time.Hour)
	m.addEvent(&storyline.Anticipation{ID: 1, StoryID: 10, Published: day}, open)
	m.addEvent(&storyline.Anticipation{ID: 2, StoryID: 11, Root: 1, Published: day}, open)
	m.addEvent(&storyline.Anticipation{ID: 3, StoryID: 12, Published: day}, open)
	if !m.announces(1, 10) || !m.announces(1, 11) || m.announces(1, 12) {
		t.Errorf("event 1: announced by 10 %v, 11 %v, 12 %v; want true, true, false", m.announces(1, 10), m.announces(1, 11), m.announces(1, 12))
	}
	m.merged(1, 3)
	if !m.announces(1, 12) || m.announces(3, 12) {
		t.Errorf("after merging 3 into 1: 1 announced by 12 %v, 3 by 12 %v; want true, false", m.announces(1, 12), m.announces(3, 12))
	}
	m.advance(open.Add(repruneEvery + time.Hour))
	if m.announces(1, 10) {
		t.Error("a closed event's announcers are kept")
	}
}
