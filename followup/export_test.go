package followup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// DumpAnalysis renders everything an Analysis holds, unexported fields
// included, so that the golden test sees any change of result.
func DumpAnalysis(a *Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "published %s\ntitle %q\n", a.Published.Format(time.RFC3339Nano), a.Title)
	for _, e := range a.Events {
		fmt.Fprintf(&b, "event %#v\n", e)
	}
	for _, o := range a.Outcomes {
		fmt.Fprintf(&b, "outcome %#v\n", o)
	}
	fmt.Fprintf(&b, "story terms %q\nsignals %+v\nahead %+v\n", a.Terms, a.sig, a.ahead)
	fmt.Fprintf(&b, "terms %q\n", a.terms)
	return b.String()
}

// SetReach sets how far back the linker's memory reaches; a negative reach
// leaves every look-up to the store.
func SetReach(l *Linker, d time.Duration) { l.reach = d }

// Lookups is the linker's memory of the candidate indexes, for benchmarks.
type Lookups struct{ m *memory }

// LoadLookups loads the memory the linker would hold with its cut at cut.
func LoadLookups(ctx context.Context, st interface {
	LoadFollowup(context.Context, time.Time) (Snapshot, error)
}, cut time.Time) (Lookups, error) {
	snap, err := st.LoadFollowup(ctx, cut)
	return Lookups{newMemory(cut, snap)}, err
}

// NewLookups starts an empty memory with its cut at cut, as the linker
// does after loading snap.
func NewLookups(cut time.Time, snap Snapshot) Lookups { return Lookups{newMemory(cut, snap)} }

func (l Lookups) AddEvent(a *storyline.Anticipation, openUntil time.Time) { l.m.addEvent(a, openUntil) }

func (l Lookups) AddOutcomes(storyID int64, published time.Time, keys []string) {
	l.m.addOutcomes(storyID, published, keys)
}

func (l Lookups) Covers(t time.Time) bool { return l.m.covers(t) }
func (l Lookups) Advance(t time.Time)     { l.m.advance(t) }

// MemoryReach and RepruneEvery are how far back the memory reaches and
// how often it prunes.
const (
	MemoryReach  = reach
	RepruneEvery = repruneEvery
)

func (l Lookups) Anticipations(keys []string, at time.Time, limit int) []storyline.Anticipation {
	return l.m.anticipations(keys, at, limit)
}

func (l Lookups) Outcomes(keys []string, from, to time.Time, limit int) []int64 {
	return l.m.outcomes(keys, from, to, limit)
}
