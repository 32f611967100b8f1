package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/internal/farm"
	"github.com/storyline/storyline/storage"
)

type testDB struct{ db *storage.DB }

func (d testDB) Update(ctx context.Context, fn func(Tx) error) error {
	return d.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

// TestPreparedAsUnprepared stores the farm's feeds once with the items
// prepared by Store (as in the watcher's workers) and once with every item
// left to the writer (all marked seen, so none is prepared): the stories,
// duplicates, storylines and follow-up links must be the same.
func TestPreparedAsUnprepared(t *testing.T) {
	f := farm.New(24, 20)
	at := time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)
	var polls []Poll
	for i := range 24 {
		feed, err := feedparse.Parse(f.Feed(i, 20), "application/rss+xml", fmt.Sprintf("https://outlet%d.example/feed.xml", i))
		if err != nil {
			t.Fatal(err)
		}
		polls = append(polls, Poll{State: storyline.FeedState{Name: fmt.Sprintf("feed-%d", i), URL: fmt.Sprintf("https://outlet%d.example/feed.xml", i)},
			Items: feed.Items, At: at})
	}
	run := func(prepare bool) string {
		ctx := context.Background()
		db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ix, err := dedupe.New(dedupe.DefaultConfig(), nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		p := New(testDB{db}, Stages{Dedupe: ix, Followup: followup.NewLinker(followup.DefaultOptions(), nil)}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if !prepare {
			for _, poll := range polls {
				for i := range poll.Items {
					hash := contentHash(&poll.Items[i])
					p.seen.add(poll.State.Name, itemKey(&poll.Items[i], hash), hash)
				}
			}
		}
		for _, poll := range polls {
			if got := p.prepare(poll) != nil; got != prepare {
				t.Fatalf("%s: prepared %v, want %v", poll.State.Name, got, prepare)
			}
			if stats, err := p.Store(ctx, poll); err != nil || stats.New == 0 {
				t.Fatalf("%s: %+v, %v", poll.State.Name, stats, err)
			}
		}
		stories, err := db.Stories(ctx, storage.StoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, s := range stories {
			fmt.Fprintf(&b, "story %d dup %d storyline %d %s\n", s.ID, s.DuplicateOf, s.Storyline, s.Title)
		}
		threads, err := db.Threads(ctx, storage.ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range threads {
			fmt.Fprintf(&b, "event %d story %d %s\n", th.Anticipation.ID, th.Story.ID, th.Anticipation.Summary)
			for _, o := range th.Outcomes {
				fmt.Fprintf(&b, "  -> %d %s %.3f %s\n", o.Story.ID, o.Relation, o.Score, o.Explanation)
			}
		}
		return b.String()
	}
	with, without := run(true), run(false)
	if !strings.Contains(with, "  -> ") {
		t.Fatal("no follow-up links: the comparison says little")
	}
	if with != without {
		t.Errorf("prepared and unprepared runs differ:\n--- prepared\n%s\n--- unprepared\n%s", with, without)
	}
}
