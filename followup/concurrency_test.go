package followup_test

import (
	"sync"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
)

// TestAnalyzeConcurrent analyses the same stories from several goroutines
// at once (the word cache and the pooled slabs are shared) and expects
// exactly what one goroutine finds. Run it with -race.
func TestAnalyzeConcurrent(t *testing.T) {
	stories := farmStories(t, 10, 20)
	stories = append(stories, &storyline.Story{Title: "Ünïcödé Fußball-Präsident trifft Ministerin",
		Summary: "Der Präsident wird am Montag in Zürich erwartet. «Wir sprechen», sagte er.", FirstSeen: stories[0].Published})
	want := make([]string, len(stories))
	for i, s := range stories {
		want[i] = followup.DumpAnalysis(followup.Analyze(s))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(stories))
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range stories {
				i := (k + g*37) % len(stories) // each goroutine in another order
				if got := followup.DumpAnalysis(followup.Analyze(stories[i])); got != want[i] {
					errs <- stories[i].Title
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for title := range errs {
		t.Errorf("concurrent analysis of %q differs", title)
	}
}
