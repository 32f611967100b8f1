package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/canonical"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
)

type txDB struct{ db *storage.DB }

func (d txDB) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return d.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

func open(t *testing.T) (*storage.DB, *pipeline.Pipeline) {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, pipeline.New(txDB{db}, pipeline.Stages{Followup: followup.NewLinker(followup.DefaultOptions(), nil)}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func item(guid, link, title, summary string, at time.Time) storyline.Item {
	return storyline.Item{GUID: guid, URL: link, Canonical: canonical.URL(link), Title: title, Summary: summary, Published: at}
}

func TestExactDedupe(t *testing.T) {
	ctx := context.Background()
	db, p := open(t)
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	poll := func(feed string, backlog bool, items ...storyline.Item) pipeline.Stats {
		t.Helper()
		st, err := p.Store(ctx, pipeline.Poll{State: storyline.FeedState{Name: feed, URL: "https://" + feed + ".example/feed"}, Items: items, Backlog: backlog, At: t0})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	steps := []struct {
		name    string
		feed    string
		backlog bool
		items   []storyline.Item
		want    pipeline.Stats
	}{
		{"first poll", "a", true, []storyline.Item{
			item("g1", "https://news.example/one", "One", "first", t0),
			item("", "https://news.example/two?utm_source=x", "Two", "second", t0),
			item("", "", "Three", "no link, no guid", t0),
		}, pipeline.Stats{Items: 3, New: 3}},
		{"same items again", "a", false, []storyline.Item{
			item("g1", "https://news.example/one", "One", "first", t0),
			item("", "https://news.example/two?utm_source=x", "Two", "second", t0),
			item("", "", "Three", "no link, no guid", t0),
		}, pipeline.Stats{Items: 3, Unchanged: 3}},
		{"edited title keeps the story", "a", false, []storyline.Item{
			item("g1", "https://news.example/one", "One (updated)", "first, corrected", t0),
		}, pipeline.Stats{Items: 1, Updated: 1}},
		{"same url with tracking junk in another feed", "b", true, []storyline.Item{
			item("b-77", "https://NEWS.example:443/two?fbclid=zz#comments", "Two, as b titles it", "second", t0),
		}, pipeline.Stats{Items: 1, Seen: 1}},
		{"new story in b", "b", false, []storyline.Item{
			item("b-78", "https://b.example/four", "Four", "fourth", t0.Add(time.Hour)),
		}, pipeline.Stats{Items: 1, New: 1}},
	}
	for _, s := range steps {
		if got := poll(s.feed, s.backlog, s.items...); got != s.want {
			t.Errorf("%s: stats %+v, want %+v", s.name, got, s.want)
		}
	}
	stories, err := db.Stories(ctx, storage.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stories) != 4 {
		t.Fatalf("%d stories, want 4", len(stories))
	}
	byTitle := map[string]storyline.Story{}
	for _, s := range stories {
		byTitle[s.Title] = s
	}
	two := byTitle["Two"]
	if len(two.Feeds) != 2 || two.Feeds[0] != "a" || two.Feeds[1] != "b" || two.Canonical != "https://news.example/two" {
		t.Errorf("story Two: feeds %v canonical %q", two.Feeds, two.Canonical)
	}
	if _, ok := byTitle["One (updated)"]; !ok {
		t.Errorf("edit not applied: %v", byTitle)
	}
	if !byTitle["Three"].Backlog || byTitle["Four"].Backlog {
		t.Errorf("backlog flags: three %v four %v", byTitle["Three"].Backlog, byTitle["Four"].Backlog)
	}
	links, err := db.StoryLinks(ctx, []int64{two.ID})
	if err != nil || len(links[two.ID]) != 2 {
		t.Errorf("links of Two: %v %v", links, err)
	}
}

func TestSeedScenarioIngest(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "fixtures", "seed-scenario")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Skipf("seed fixtures not found in %s (../shared beside the repo): skipping", dir)
	}
	ctx := context.Background()
	db, p := open(t)
	var items []pipeline.Archived
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := feedparse.Parse(body, "", "file://"+f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range parsed.Items {
			items = append(items, pipeline.Archived{Feed: filepath.Base(f), FeedURL: "file://" + f, Item: it})
		}
	}
	st, err := p.Ingest(ctx, items)
	if err != nil || st.New != 2 {
		t.Fatalf("ingest: %+v %v", st, err)
	}
	stories, err := db.Stories(ctx, storage.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Trump, Putin Expected to Speak by Phone on Saturday":                     "2017-01-27T21:05:00Z",
		"The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!": "2017-01-29T14:30:00Z",
	}
	for _, s := range stories {
		if got := s.Published.Format(time.RFC3339); got != want[s.Title] {
			t.Errorf("%q published %s, want %s", s.Title, got, want[s.Title])
		}
		if got := s.FirstSeen.Format(time.RFC3339); got != want[s.Title] {
			t.Errorf("%q first seen %s: ingest must set the clock to the item's time", s.Title, got)
		}
		if s.Backlog {
			t.Errorf("%q ingested as backlog", s.Title)
		}
	}
	// Ingesting again changes nothing.
	if st, err := p.Ingest(ctx, items); err != nil || st.Unchanged != 2 || st.New != 0 {
		t.Errorf("second ingest: %+v %v", st, err)
	}
}

func TestPrunedItemsDoNotComeBack(t *testing.T) {
	ctx := context.Background()
	db, p := open(t)
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	poll := pipeline.Poll{State: storyline.FeedState{Name: "a", URL: "https://a.example/feed"}, At: t0,
		Items: []storyline.Item{item("g1", "https://news.example/one", "One", "first", t0)}}
	if st, err := p.Store(ctx, poll); err != nil || st.New != 1 {
		t.Fatalf("store: %+v %v", st, err)
	}
	later := t0.Add(365 * 24 * time.Hour)
	if st, err := db.Prune(ctx, later.Add(-180*24*time.Hour), later); err != nil || st.Stories != 1 {
		t.Fatalf("prune: %+v %v", st, err)
	}
	poll.At = later
	st, err := p.Store(ctx, poll)
	if err != nil || st.New != 0 || st.Unchanged != 1 {
		t.Fatalf("the pruned item came back: %+v %v", st, err)
	}
	// Nor under another feed with the same canonical URL.
	poll.State.Name, poll.Items[0].GUID = "b", "b-1"
	if st, err := p.Store(ctx, poll); err != nil || st.New != 0 {
		t.Fatalf("the pruned item came back through feed b: %+v %v", st, err)
	}
}

// A story the feed edits after it was linked as an outcome candidate is
// judged on its new text: the filter of its old words must not make the
// linker pass over it when a late anticipation arrives.
func TestEditedOutcomeStillLinks(t *testing.T) {
	ctx := context.Background()
	db, p := open(t)
	thu := time.Date(2023, 3, 2, 12, 0, 0, 0, time.UTC)
	fri := thu.Add(30 * time.Hour)
	poll := func(feed string, at time.Time, it storyline.Item) pipeline.Stats {
		t.Helper()
		st, err := p.Store(ctx, pipeline.Poll{State: storyline.FeedState{Name: feed, URL: "https://" + feed + ".example/feed"},
			Items: []storyline.Item{it}, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	poll("a", fri.Add(time.Hour), item("g1", "https://a.example/met", "Macron met officials in Berlin",
		"Macron met officials in Berlin on Friday.", fri))
	if st := poll("a", fri.Add(2*time.Hour), item("g1", "https://a.example/met", "Macron and Scholz met in Berlin",
		"Macron and Scholz met in Berlin on Friday, their offices said.", fri)); st.Updated != 1 {
		t.Fatalf("edit: %+v", st)
	}
	st := poll("b", fri.Add(3*time.Hour), item("g2", "https://b.example/plan", "Macron and Scholz to meet in Berlin on Friday",
		"Macron and Scholz will meet in Berlin on Friday, officials said.", thu))
	if st.New != 1 || st.Followups == 0 {
		t.Fatalf("late anticipation: %+v, want it linked to the edited story", st)
	}
	threads, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil || len(threads) == 0 || len(threads[0].Outcomes) != 1 || threads[0].Outcomes[0].Story.URL != "https://a.example/met" {
		t.Fatalf("threads %+v, %v", threads, err)
	}
}

// TestIngestProgress: progress is told after each committed batch, with
// the items done so far.
func TestIngestProgress(t *testing.T) {
	ctx := context.Background()
	_, p := open(t)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var items []pipeline.Archived
	for i := range 1200 {
		link := fmt.Sprintf("https://a.example/%d", i)
		items = append(items, pipeline.Archived{Feed: "a", FeedURL: "https://a.example/feed",
			Item: item(fmt.Sprint(i), link, fmt.Sprintf("Story number %d", i), "", t0.Add(time.Duration(i)*time.Minute))})
	}
	var calls []int
	st, err := p.IngestProgress(ctx, items, func(done int, st pipeline.Stats) { calls = append(calls, done) })
	if err != nil || st.New != 1200 {
		t.Fatalf("ingest: %+v %v", st, err)
	}
	if fmt.Sprint(calls) != "[500 1000 1200]" {
		t.Errorf("progress calls %v", calls)
	}
}
