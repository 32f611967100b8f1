package topic_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/topic"
)

// loadSeeds reads the seed articles (title on the first line, then the
// text) from the shared folder, skipping when it is absent.
func loadSeeds(t *testing.T) []storyline.Story {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Skip("../shared/seeds absent: skipping")
	}
	var out []storyline.Story
	for i, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			t.Skipf("%s absent", f)
		}
		if err != nil {
			t.Fatal(err)
		}
		title, body, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		at := time.Date(2017, 1, 27+i, 21, 0, 0, 0, time.UTC)
		out = append(out, storyline.Story{Title: strings.TrimSpace(title), Content: strings.TrimSpace(body),
			Feed: "seed", Feeds: []string{"seed"}, Published: at, FirstSeen: at})
	}
	return out
}

// TestSeedStoriesMatch is the acceptance case: the us-russia query
// matches both seed articles, with reasons, among unrelated headlines, and
// topics test finds the same stories through the index.
func TestSeedStoriesMatch(t *testing.T) {
	seeds := loadSeeds(t)
	const query = `(Trump OR "White House") AND (Putin OR Kremlin)`
	tp := topic.MustCompile("us-russia", query, topic.Options{})
	set := topic.NewSet(tp)
	for _, st := range seeds {
		hits := set.Match(&st, 0)
		if len(hits) != 1 {
			t.Errorf("seed %q: no match", st.Title)
			continue
		}
		if !strings.Contains(hits[0].Why, "Trump (title") || !strings.Contains(hits[0].Why, "Putin (title") {
			t.Errorf("seed %q: why = %q, want Trump and Putin in the title", st.Title, hits[0].Why)
		}
		t.Logf("%s\n  why: %s", st.Title, hits[0].Why)
	}

	// Among the 2014 headlines, a match must really hold both sides.
	stories := append(loadHeadlines(t), seeds...)
	left := regexp.MustCompile(`(?i)\btrump\b|\bwhite\W+house\b`)
	right := regexp.MustCompile(`(?i)\bputin\b|\bkremlin\b`)
	var live []int
	for i := range stories {
		if set.Match(&stories[i], 0) != nil {
			live = append(live, i)
			if text := stories[i].Title + " " + stories[i].Content; !left.MatchString(text) || !right.MatchString(text) {
				t.Errorf("false match: %q", stories[i].Title)
			}
		}
	}
	db := storeStories(t, stories)
	rep, err := topic.Test(context.Background(), db, tp, topic.TestOptions{Keep: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Matched != len(live) || rep.Scanned || !rep.Exact {
		t.Errorf("Test: %d matched (scanned %v, exact %v), live matcher %d", rep.Matched, rep.Scanned, rep.Exact, len(live))
	}
	found := 0
	for _, m := range rep.Matches {
		for _, s := range seeds {
			if m.Story.Title == s.Title {
				found++
				if len(m.Explanation.SpansIn(topic.PartTitle, 0)) < 2 {
					t.Errorf("seed %q: title spans %v", s.Title, m.Explanation.Spans)
				}
			}
		}
	}
	if found != len(seeds) {
		t.Errorf("Test found %d of %d seeds", found, len(seeds))
	}
	t.Logf("%d of %d stories match; per day %v", rep.Matched, len(stories), rep.PerDay)
}
