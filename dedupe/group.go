package dedupe

import "github.com/storyline/storyline"

// Group is how a reader should see stories of one storyline: the lead story
// once, the outlets that ran the same copy, and the other stories on it.
type Group struct {
	Lead   storyline.Story
	Copies []storyline.Story // near-duplicates of Lead ("also reported by")
	More   []storyline.Story // other stories of the storyline, with their copies folded away
}

// GroupStories folds a list of stories (in the caller's order, e.g. newest
// first) into groups: a near-duplicate goes under its original when the
// original is in the list, and stories sharing a storyline go into one
// group, led by the first of them in the list that is not a copy. Groups
// keep the order of their first story in the list.
func GroupStories(stories []storyline.Story) []Group {
	present := make(map[int64]bool, len(stories))
	for _, s := range stories {
		present[s.ID] = true
	}
	// A copy whose original is listed is shown with it, not on its own.
	isCopy := func(s storyline.Story) bool { return s.DuplicateOf != 0 && present[s.DuplicateOf] }
	key := func(s storyline.Story) int64 {
		if s.Storyline != 0 {
			return s.Storyline
		}
		if isCopy(s) {
			return -s.DuplicateOf
		}
		return -s.ID
	}
	var order []int64
	members := map[int64][]storyline.Story{}
	for _, s := range stories {
		k := key(s)
		if _, ok := members[k]; !ok {
			order = append(order, k)
		}
		members[k] = append(members[k], s)
	}
	groups := make([]Group, 0, len(order))
	for _, k := range order {
		ms := members[k]
		lead := -1
		for i, s := range ms {
			if !isCopy(s) {
				lead = i
				break
			}
		}
		if lead < 0 { // only copies of stories listed elsewhere: cannot happen with a storyline
			lead = 0
		}
		g := Group{Lead: ms[lead]}
		for i, s := range ms {
			switch {
			case i == lead:
			case isCopy(s) && s.DuplicateOf == g.Lead.ID:
				g.Copies = append(g.Copies, s)
			case isCopy(s):
				// A copy of another story of the group: that story stands
				// for it under More.
			default:
				g.More = append(g.More, s)
			}
		}
		groups = append(groups, g)
	}
	return groups
}
