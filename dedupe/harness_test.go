package dedupe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/storage"
)

// *storage.Tx is the Store the pipeline passes in.
var _ dedupe.Store = (*storage.Tx)(nil)

// sharedDir is the shared evaluation data, next to the repository.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("evaluation data %s not available: %v", dir, err)
	}
	return dir
}

// archived is an item read from a feed file, with its feed's name.
type archived struct {
	feed string
	item storyline.Item
}

// readFeeds parses feed files the way `storyline ingest` does: the feed is
// named after the file.
func readFeeds(t testing.TB, files []string) []archived {
	t.Helper()
	var out []archived
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(f)
		feed, err := feedparse.Parse(body, "", "file://"+abs)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		for _, it := range feed.Items {
			out = append(out, archived{feed: name, item: it})
		}
	}
	return out
}

// processed is what the pipeline would have stored for one item.
type processed struct {
	archived
	id   int64
	res  dedupe.Result
	took time.Duration // of Process, for information only
}

// latency summarises the time Process took per story.
func latency(done []processed) string {
	var ds []time.Duration
	var total time.Duration
	for _, p := range done {
		if p.took > 0 {
			ds = append(ds, p.took)
			total += p.took
		}
	}
	if len(ds) == 0 {
		return "no stories processed"
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(f float64) time.Duration { return ds[min(len(ds)-1, int(f*float64(len(ds))))] }
	return fmt.Sprintf("Process per story: mean %v, p50 %v, p99 %v, max %v",
		(total / time.Duration(len(ds))).Round(time.Microsecond), q(0.5).Round(time.Microsecond),
		q(0.99).Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
}

// ingest stores the items in publication order, 500 per transaction like the
// pipeline's ingest, and runs each new story through a fresh index whose
// clock reads the item's publication time.
func ingest(t testing.TB, db *storage.DB, cfg dedupe.Config, items []archived) []processed {
	t.Helper()
	ctx := context.Background()
	sort.SliceStable(items, func(i, j int) bool { return items[i].item.Published.Before(items[j].item.Published) })
	var clock time.Time
	ix, err := dedupe.New(cfg, nil, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	out := make([]processed, 0, len(items))
	for start := 0; start < len(items); start += 500 {
		batch := items[start:min(start+500, len(items))]
		var done []processed
		err := db.Update(ctx, func(tx *storage.Tx) error {
			done = done[:0]
			for _, a := range batch {
				feedID, err := tx.FeedID(ctx, a.feed, "file:///"+a.feed)
				if err != nil {
					return err
				}
				if id, err := tx.StoryByCanonical(ctx, a.item.Canonical); err != nil || id != 0 {
					if err != nil {
						return err
					}
					done = append(done, processed{archived: a, id: id})
					continue
				}
				clock = a.item.Published
				s := storyFromItem(a.item, clock)
				if err := tx.InsertStory(ctx, &s, feedID, a.item.URL); err != nil {
					return err
				}
				t0 := time.Now()
				res, err := ix.Process(ctx, tx, &s)
				if err != nil {
					return err
				}
				done = append(done, processed{archived: a, id: s.ID, res: res, took: time.Since(t0)})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, done...)
	}
	return out
}

func storyFromItem(it storyline.Item, now time.Time) storyline.Story {
	published := it.Published
	if published.IsZero() {
		published = now
	}
	return storyline.Story{
		URL: it.URL, Canonical: it.Canonical, Source: it.Source,
		Title: it.Title, Summary: it.Summary, Content: it.Content,
		Published: published.UTC(), FirstSeen: now.UTC(),
	}
}

func openDB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
