package followup_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// runStored ingests stories into a fresh SQLite database in publication
// order, one write transaction per story as the pipeline does, links them
// with the Linker and reads the threads back.
func runStored(t testing.TB, stories []*storyline.Story, opts followup.Options, now time.Time) []followup.ThreadView {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "storyline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := followup.NewLinker(opts, nil)
	for _, s := range stories {
		s := *s
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, s.Feed, "file:"+s.Feed)
			if err != nil {
				return err
			}
			if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
				return err
			}
			_, err = l.Process(ctx, tx, &s)
			return err
		})
		if err != nil {
			t.Fatalf("story %s: %v", s.URL, err)
		}
	}
	threads, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return followup.Threads(threads, opts, now)
}

type runner func(testing.TB, []*storyline.Story, followup.Options, time.Time) []followup.ThreadView

func runners() map[string]runner {
	return map[string]runner{
		"sqlite": runStored,
	}
}

// *storage.Tx is the linker's store.
var _ followup.Store = (*storage.Tx)(nil)
