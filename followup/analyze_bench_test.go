package followup_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// longArticle is a long story made of farm items: a headline and ten
// paragraphs of names, places, figures and actions, more sentences than
// Analyze reads.
func longArticle(b testing.TB) *storyline.Story {
	items := farmStories(b, 1, 20)
	var paras []string
	for _, s := range items[1:11] {
		paras = append(paras, s.Summary)
	}
	s := *items[0]
	s.Content = strings.Join(paras, "\n")
	return &s
}

// seedWire is the seed scenario's wire story, as feedparse gives it.
func seedWire(b *testing.B) *storyline.Story {
	path := filepath.Join("..", "..", "shared", "fixtures", "seed-scenario", "wire.xml")
	body, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("shared data %s is absent: %v", path, err)
	}
	feed, err := feedparse.Parse(body, "application/rss+xml", "https://wire-a.example/feed.xml")
	if err != nil || len(feed.Items) == 0 {
		b.Fatalf("seed wire: %v", err)
	}
	return storyOf(feed.Items[0], 1, "wire")
}

// devStories are the development set's stories, real feeds of every
// length, in turn.
func devStories(b *testing.B) []*storyline.Story {
	dir := filepath.Join("..", "..", "shared", "eval", "followups-dev", "feeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		b.Skipf("shared data %s is absent", dir)
	}
	return loadFeeds(b, files)
}

// BenchmarkAnalyze measures Analyze on one story per op: the farm's
// stories in turn (~600-byte descriptions full of names), the seed
// scenario's wire story, a long article and the development set's stories
// in turn.
func BenchmarkAnalyze(b *testing.B) {
	cases := []struct {
		name    string
		stories func(*testing.B) []*storyline.Story
	}{
		{"farm", func(b *testing.B) []*storyline.Story { return farmStories(b, 50, 20) }},
		{"seed-wire", func(b *testing.B) []*storyline.Story { return []*storyline.Story{seedWire(b)} }},
		{"long", func(b *testing.B) []*storyline.Story { return []*storyline.Story{longArticle(b)} }},
		{"dev-set", devStories},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			stories := c.stories(b)
			bytes := 0
			for _, s := range stories {
				bytes += len(s.Title) + len(s.Summary) + len(s.Content)
			}
			b.SetBytes(int64(bytes / len(stories)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				followup.Analyze(stories[i%len(stories)])
			}
			if cpu > 0 {
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkLinkerProcess measures the linker's work per new story as the
// pipeline runs it on the benchmark farm's cold round: each story stored
// and processed in its own write transaction, in publication order, in a
// store that fills up as the benchmark runs.
func BenchmarkLinkerProcess(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	stories := farmStories(b, 200, 20)
	sortByPublished(stories)
	l := followup.NewLinker(followup.DefaultOptions(), nil)
	var feed int64
	err = db.Update(ctx, func(tx *storage.Tx) error {
		feed, err = tx.FeedID(ctx, "farm", "https://farm.example/feed.xml")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	var inTx time.Duration // the linker's share of each transaction
	links, events := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		s := *stories[i%len(stories)]
		if round := i / len(stories); round > 0 {
			// Later rounds repeat the text a week later under new links.
			s.URL = fmt.Sprintf("%s?round=%d", s.URL, round)
			s.Canonical = s.URL
			s.Published = s.Published.Add(time.Duration(round) * 7 * 24 * time.Hour)
			s.FirstSeen = s.Published
		}
		err := db.Update(ctx, func(tx *storage.Tx) error {
			if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
				return err
			}
			t0 := time.Now()
			res, err := l.Process(ctx, tx, &s)
			inTx += time.Since(t0)
			links += res.Links
			events += res.Anticipations
			return err
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			b.Fatal(err)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(inTx.Microseconds())/float64(b.N), "process-µs/story")
	b.ReportMetric(float64(links)/float64(b.N), "links/story")
	b.ReportMetric(float64(events)/float64(b.N), "events/story")
}

func sortByPublished(ss []*storyline.Story) {
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].Published.Before(ss[j].Published) })
}
