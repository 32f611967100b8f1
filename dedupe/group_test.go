package dedupe

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
)

func TestGroupStories(t *testing.T) {
	st := func(id, dup, line int64) storyline.Story {
		return storyline.Story{ID: id, DuplicateOf: dup, Storyline: line}
	}
	ids := func(ss []storyline.Story) []int64 {
		var out []int64
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	// Newest first: 6 copies 1; 5 is on storyline 1; 4 is alone; 3 copies
	// 2 (not listed); 2... is absent; 7 copies 5.
	in := []storyline.Story{
		st(7, 5, 1), st(6, 1, 1), st(5, 0, 1), st(4, 0, 4), st(3, 2, 2), st(1, 0, 1), st(8, 0, 0),
	}
	got := GroupStories(in)
	type g struct {
		Lead         int64
		Copies, More []int64
	}
	var flat []g
	for _, x := range got {
		flat = append(flat, g{x.Lead.ID, ids(x.Copies), ids(x.More)})
	}
	want := []g{
		{Lead: 5, Copies: []int64{7}, More: []int64{1}}, // 6 copies 1, which stands for it
		{Lead: 4},
		{Lead: 3}, // its original is not listed: it leads
		{Lead: 8},
	}
	if diff := cmp.Diff(want, flat); diff != "" {
		t.Errorf("groups -want +got:\n%s", diff)
	}
	if len(GroupStories(nil)) != 0 {
		t.Error("groups of nothing")
	}
}
