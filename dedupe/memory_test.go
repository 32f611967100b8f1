package dedupe

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// A storyline that keeps growing is filed under a bounded number of words,
// and stays findable by its latest stories' words.
func TestFiledWordsBounded(t *testing.T) {
	m := newMemory(Snapshot{})
	at := time.Unix(1_700_000_000, 0)
	c := StoryCluster{ID: 7, Started: at, Updated: at}
	for i := range 200 {
		words := make([]string, 16)
		for j := range words {
			words[j] = fmt.Sprintf("word%d", i*16+j) // every story brings new words
		}
		words[0] = "ceasefire" // and one they share
		c.Size++
		c.Terms = m.fileCluster(c, termKeys(words))
		if len(c.Terms) > maxFiled {
			t.Fatalf("story %d: filed under %d words, want at most %d", i, len(c.Terms), maxFiled)
		}
		if d := slices.Compact(slices.Sorted(slices.Values(c.Terms))); len(d) != len(c.Terms) {
			t.Fatalf("story %d: a word filed twice", i)
		}
	}
	find := func(word string) bool {
		return slices.Contains(m.clusterCandidates([]int64{TermKey(word)}, at.Unix(), 10), c.ID)
	}
	recent := []string{"ceasefire", fmt.Sprintf("word%d", 199*16+1), fmt.Sprintf("word%d", 199*16+15), fmt.Sprintf("word%d", 190*16+3)}
	for _, w := range recent {
		if !find(w) {
			t.Errorf("the storyline is not found by %q", w)
		}
		if !slices.Contains(c.Terms, TermKey(w)) {
			t.Errorf("%q is not among the storyline's filed words", w)
		}
	}
	// A sweep rebuilds the postings from the filed words alone.
	m.reindexClusters()
	if !find(recent[1]) || find("word5") {
		t.Error("after a sweep, look-ups do not follow the filed words")
	}
}
