// Package followup links stories that anticipate an event ("Trump and
// Putin are expected to speak by phone on Saturday", "Rover to touch down
// on Mars tonight") to the later stories that report it happened, or that
// it was cancelled or postponed, and says where each anticipated event
// stands.
//
// The work is rule-based and pure Go, with small embedded word tables and
// no model. Its stages, a file or two each:
//
//   - text.go, entities.go, timex.go, lexicon.go, extract.go: a story's
//     sentences, tokens, named actors, time expressions resolved against
//     the publication date, and the action words the lexicon knows, each
//     anticipated, realised, cancelled or postponed (Analyze).
//   - signals.go: what the headline and lead say with cues of any domain:
//     whether the story announces an event, reports something done, or
//     calls something off, and the first time ahead.
//   - terms.go: an event is identified by its terms (the stems of the
//     headline and lead dedupe counts), weighed by how rare they are among
//     the stored stories (Rarity, the dedupe index's counts).
//   - events.go: the events a story announces, framed by the lexicon or,
//     failing that, by the story's cues (one event for the headline).
//   - match.go: Options.Score rates a later story as an event's outcome:
//     the weighed overlap of terms, the action's class, a time consistent
//     with the expected window, and the story calling it off.
//   - linker.go, memory.go: Linker.Process, inside the pipeline's write
//     transaction, joins a story's announcements to the open events they
//     announce again, links it to the events it reports on, merges events
//     one story shows to be one, and looks stored stories up for its own
//     events, through candidate indexes by term kept in memory.
//   - view.go: what `storyline threads --json` prints.
//
// Speed: what the word tables say about a word is worked out once and kept
// in a bounded, lock-free cache (lexeme.go); a story's tokens, entities and
// mentions are cut from pooled slabs; the tokenizer works on bytes. All of
// it is safe for concurrent use. testdata/analyses.golden pins every
// analysis and score of the farm, seed, development and corpus stories
// (regenerated with -update when the design changes on purpose), and the
// tokenizer is checked token for token against its first version
// (reference_test.go).
package followup
