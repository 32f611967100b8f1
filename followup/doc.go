// Package followup links stories that anticipate an event ("Trump and
// Putin are expected to speak by phone on Saturday") to the later stories
// that report it happened, or that it was cancelled or postponed, and says
// where each anticipated event stands.
//
// The work is pure and rule-based, with small embedded word tables and no
// model:
//
//   - Analyze reads a story: sentences, tokens, named actors (titles,
//     demonyms and affiliations stripped; "Donald Trump", "Trump" and
//     "President Trump" share the key "trump"), time expressions resolved
//     against the publication date (forward for anticipations, backward for
//     reports), and action words mapped to equivalence classes (speak, meet,
//     vote, sign, announce, launch, testify, rule, elect, land, strike,
//     resign, ...). Each action is anticipated (a future or planned cue, not
//     negated, not a past plan), realised, cancelled or postponed. Anticipated
//     actions become events (storyline.Anticipation), one per partner when a
//     subject meets several.
//   - Options.Score rates a later story as an event's outcome: every person
//     and at least two core actors named (one for a single-actor event), one
//     of them in the sentence that reports the action, an equivalent action,
//     a time consistent with the expected window, and text similarity.
//   - Linker.Process runs both directions for each new story inside the
//     pipeline's write transaction, looking candidates up through the
//     store's index by (class, actor key) within bounded time windows.
//   - Options.Status and Threads build what `storyline threads --json` prints.
//
// Speed: what the word tables say about a word is worked out once and kept
// in a bounded, lock-free cache (lexeme.go); a story's tokens, entities and
// mentions are cut from pooled slabs; the tokenizer works on bytes. All of
// it is safe for concurrent use and leaves results unchanged:
// testdata/analyses.golden pins every analysis and score of the farm, seed,
// development and corpus stories as the first version made them, and the
// tokenizer is checked token for token against that version
// (reference_test.go). BenchmarkAnalyze measures a farm story, the seed wire
// story, a long article and the development set.
package followup
