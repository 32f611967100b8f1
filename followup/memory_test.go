package followup_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// TestMemoryAnswersAsTheDatabase stores the farm's stories feed after feed
// (not in publication order, as a cold start's polls deliver them), 40 to a
// transaction, one transaction rolled back and done again, and links them
// three times: with the linker's memory, with every look-up left to the
// database, and with a memory reaching back one hour only, so that most
// stories of earlier feeds fall back to the database. The links and
// events must be the same; popular actors fill the candidate limits, so
// the order of candidates counts too.
func TestMemoryAnswersAsTheDatabase(t *testing.T) {
	stories := farmStories(t, 60, 20)
	reaches := map[string]time.Duration{"memory": 3 * 24 * time.Hour, "database": -100 * 365 * 24 * time.Hour, "short": time.Hour}
	got := map[string]string{}
	for name, reach := range reaches {
		l := followup.NewLinker(followup.DefaultOptions(), nil)
		followup.SetReach(l, reach)
		got[name] = linkInBatches(t, l, stories, 40)
	}
	if !strings.Contains(got["database"], "link ") {
		t.Fatal("the farm's stories made no link: the test compares nothing")
	}
	for _, name := range []string{"memory", "short"} {
		if diff := cmp.Diff(got["database"], got[name]); diff != "" {
			t.Errorf("%s differs from the database's answers (-database +%s):\n%s", name, name, diff)
		}
	}
}

var errRolledBack = errors.New("rolled back on purpose")

// linkInBatches stores and links stories in transactions of n, rolls the
// third one back and does it again, and dumps the events and links made.
func linkInBatches(t *testing.T, l *followup.Linker, stories []*storyline.Story, n int) string {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var results strings.Builder
	for start, batch := 0, 0; start < len(stories); batch++ {
		end := min(start+n, len(stories))
		var res strings.Builder
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "farm", "https://farm.example/feed.xml")
			if err != nil {
				return err
			}
			for _, orig := range stories[start:end] {
				s := *orig
				s.ID = 0
				if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
					return err
				}
				r, err := l.Process(ctx, tx, &s)
				if err != nil {
					return err
				}
				fmt.Fprintf(&res, "story %d: %+v\n", s.ID, r)
			}
			if batch == 2 {
				return errRolledBack
			}
			return nil
		})
		if batch == 2 {
			if !errors.Is(err, errRolledBack) {
				t.Fatalf("batch %d: %v", batch, err)
			}
			continue // the same stories again
		}
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		results.WriteString(res.String())
		start = end
	}
	threads, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range threads {
		fmt.Fprintf(&results, "event %d story %d %s %s\n", th.Anticipation.ID, th.Story.ID, th.Anticipation.Class, th.Anticipation.Summary)
		for _, o := range th.Outcomes {
			fmt.Fprintf(&results, "link %d -> %d %s %.4f %s\n", th.Anticipation.ID, o.Story.ID, o.Relation, o.Score, o.Explanation)
		}
	}
	return results.String()
}
