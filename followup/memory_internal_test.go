package followup

import (
	"fmt"
	"testing"
	"time"
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
