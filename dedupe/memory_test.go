package dedupe

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// A storyline that keeps growing is filed under a bounded number of words,
// and stays findable by what it is about now (its centroid's words) and by
// its newest story's words.
func TestFiledWordsBounded(t *testing.T) {
	m := newMemory(storyline.DedupeSnapshot{})
	at := time.Unix(1_700_000_000, 0)
	c := storyline.StoryCluster{ID: 7, Started: at, Updated: at}
	var last []int64
	for i := range 200 {
		words := make([]string, 16)
		for j := range words {
			words[j] = fmt.Sprintf("word%d", i*16+j) // every story brings new words
		}
		c.Size++
		c.Centroid = []storyline.TermWeight{{Term: fmt.Sprintf("word%d", i*16), Weight: 2}, {Term: "ceasefire talks", Weight: 1}, {Term: "ceasefire", Weight: 1}}
		last = termKeys(words)
		c.Terms = m.fileCluster(c, last)
		if len(c.Terms) > maxFiled {
			t.Fatalf("story %d: filed under %d words, want at most %d", i, len(c.Terms), maxFiled)
		}
		if d := slices.Compact(slices.Sorted(slices.Values(c.Terms))); len(d) != len(c.Terms) {
			t.Fatalf("story %d: a word filed twice in %v", i, c.Terms)
		}
	}
	find := func(word string) bool {
		return slices.Contains(m.clusterCandidates([]int64{TermKey(word)}, at.Unix(), 10), c.ID)
	}
	for _, w := range []string{"ceasefire", fmt.Sprintf("word%d", 199*16), fmt.Sprintf("word%d", 199*16+15)} {
		if !find(w) {
			t.Errorf("the storyline is not found by %q", w)
		}
		if !slices.Contains(c.Terms, TermKey(w)) {
			t.Errorf("%q is not among the storyline's filed words", w)
		}
	}
	if slices.Contains(c.Terms, TermKey("ceasefire talks")) {
		t.Error("a bigram of the centroid is filed")
	}
	// A sweep rebuilds the postings from the filed words alone.
	m.reindexClusters()
	if !find("ceasefire") || find("word5") {
		t.Error("after a sweep, look-ups do not follow the filed words")
	}
}
