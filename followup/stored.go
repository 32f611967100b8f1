package followup

import (
	"time"

	"github.com/storyline/storyline"
)

// The linker's own storage formats: what a Store keeps for it.

// OpenAnticipation is a stored anticipation with the last publication
// time of a story that can report its outcome.
type OpenAnticipation struct {
	storyline.Anticipation
	OpenUntil time.Time
}

// StoryOutcomes is a stored story that may report outcomes, with the keys
// (terms) it is indexed under.
type StoryOutcomes struct {
	StoryID   int64
	Published time.Time
	Keys      []string
}

// Snapshot is the candidate index as stored, read when the linker loads
// its memory (see Store.LoadFollowup).
type Snapshot struct {
	Open     []OpenAnticipation // open at or after the load's cut, by id
	Outcomes []StoryOutcomes    // published at or after the cut, by story id
	// Settled holds, for the open events linked to an outcome, the
	// publication of their first outcome.
	Settled map[int64]time.Time
	// CalledOff holds, for the open events called off (not put back), the
	// publication of the first story that called them off.
	CalledOff map[int64]time.Time
}
