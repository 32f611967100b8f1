package followup_test

import (
	"testing"

	"github.com/storyline/storyline/followup"
)

// TestWordFilterNeverRefusesAMatch checks, on every story set of the
// golden test (the farm and the real feeds beside the repository), that
// the word filter knows every term of a story, and that it lets through
// every story Score links to an event of the stories before it: the
// linker skips what the filter refuses, so a refusal must mean Score
// would refuse too. It also checks that the filter refuses something.
func TestWordFilterNeverRefusesAMatch(t *testing.T) {
	for _, set := range goldenSets(t) {
		t.Run(set.name, func(t *testing.T) {
			if set.skip != "" {
				t.Skip(set.skip)
			}
			opts := followup.DefaultOptions()
			ans := make([]*followup.Analysis, len(set.stories))
			for i, s := range set.stories {
				ans[i] = followup.Analyze(s)
				for _, w := range followup.Words(ans[i]) {
					if !followup.MayHave(ans[i], w) {
						t.Fatalf("story %d: term %q not in its filter", i, w)
					}
				}
			}
			scored, refused := 0, 0
			for i := range ans {
				for e := range ans[i].Events {
					a := &ans[i].Events[e]
					for j := i; j < min(len(ans), i+scoreAhead); j++ {
						_, ok := opts.Score(a, ans[j], nil)
						may := followup.MayMatch(a, ans[j])
						if ok && !may {
							t.Fatalf("story %d: event %q matches story %d, which its filter refused", i, a.Summary, j)
						}
						scored++
						if !may {
							refused++
						}
					}
				}
			}
			t.Logf("%d pairs scored, %d refused by the filter", scored, refused)
			if scored > 100 && refused == 0 {
				t.Error("the filter refused nothing")
			}
		})
	}
}
