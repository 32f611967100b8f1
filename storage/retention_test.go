package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

func TestPruneKeepsReferencedAndLeavesTombstones(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	old := now.Add(-400 * 24 * time.Hour)
	var ids []int64
	var feed int64
	err = db.Update(ctx, func(tx *Tx) error {
		if feed, err = tx.FeedID(ctx, "f", "https://f.example/"); err != nil {
			return err
		}
		for i, title := range []string{"old plain", "old anticipation", "new story"} {
			seen := old
			if i == 2 {
				seen = now.Add(-time.Hour)
			}
			s := storyline.Story{Canonical: "https://f.example/" + title, URL: "https://f.example/" + title, Title: title + " zebra", Published: seen, FirstSeen: seen}
			if err := tx.InsertStory(ctx, &s, feed, title); err != nil {
				return err
			}
			if err := tx.AddSighting(ctx, feed, "g:"+title, s.ID, s.URL, seen); err != nil {
				return err
			}
			ids = append(ids, s.ID)
		}
		a := storyline.Anticipation{StoryID: ids[1], Published: old, Summary: "x", Action: "meet", Class: "meet"}
		return tx.SaveAnticipation(ctx, &a, now.Add(24*time.Hour)) // still open
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Prune(ctx, now.Add(-180*24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stories != 1 || st.Kept != 1 {
		t.Fatalf("prune stats %+v, want 1 deleted and 1 kept", st)
	}
	left, _ := db.Stories(ctx, StoryFilter{})
	if len(left) != 2 {
		t.Fatalf("%d stories left", len(left))
	}
	var fts int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'zebra'`).Scan(&fts)
	if fts != 2 {
		t.Errorf("full-text index has %d entries, want 2 (in step with stories)", fts)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			key, url string
			want     bool
		}{
			{"g:old plain", "", true},
			{"g:other", "https://f.example/old plain", true},
			{"g:new story", "https://f.example/new story", false},
		} {
			got, err := tx.Tombstoned(ctx, feed, c.key, c.url)
			if err != nil || got != c.want {
				t.Errorf("Tombstoned(%q, %q) = %v, %v", c.key, c.url, got, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	// A year later the tombstones expire.
	later := now.Add(365 * 24 * time.Hour)
	if st, err := db.Prune(ctx, later.Add(-180*24*time.Hour), later); err != nil || st.Tombstones != 2 {
		t.Errorf("second prune %+v %v", st, err)
	}
}

// Follow-up rows of the last FollowupRecent stay, though their stories are
// old (the linker's memory may still return them); older ones go.
func TestPruneKeepsRecentFollowupRows(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	old := now.Add(-400 * 24 * time.Hour)
	cases := []struct {
		name string
		save func(tx *Tx, id int64) error
		kept bool
	}{
		{"event closed a day ago", func(tx *Tx, id int64) error {
			a := storyline.Anticipation{StoryID: id, Published: old, Summary: "x", Action: "meet", Class: "meet"}
			return tx.SaveAnticipation(ctx, &a, now.Add(-24*time.Hour))
		}, true},
		{"event closed a week ago", func(tx *Tx, id int64) error {
			a := storyline.Anticipation{StoryID: id, Published: old, Summary: "x", Action: "meet", Class: "meet"}
			return tx.SaveAnticipation(ctx, &a, now.Add(-7*24*time.Hour))
		}, false},
		{"outcome published two days ago", func(tx *Tx, id int64) error {
			return tx.SaveOutcomeKeys(ctx, id, now.Add(-48*time.Hour), []string{"a"})
		}, true},
		{"outcome published a week ago", func(tx *Tx, id int64) error {
			return tx.SaveOutcomeKeys(ctx, id, now.Add(-7*24*time.Hour), []string{"a"})
		}, false},
	}
	ids := map[string]int64{}
	err := db.Update(ctx, func(tx *Tx) error {
		feed, err := tx.FeedID(ctx, "f", "https://f.example/")
		if err != nil {
			return err
		}
		for _, c := range cases {
			s := storyline.Story{URL: "https://f.example/" + c.name, Title: c.name, Published: old, FirstSeen: old}
			if err := tx.InsertStory(ctx, &s, feed, c.name); err != nil {
				return err
			}
			ids[c.name] = s.ID
			if err := c.save(tx, s.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Prune(ctx, now.Add(-180*24*time.Hour), now); err != nil {
		t.Fatal(err)
	}
	left, err := db.Stories(ctx, StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[int64]bool{}
	for _, s := range left {
		have[s.ID] = true
	}
	for _, c := range cases {
		if have[ids[c.name]] != c.kept {
			t.Errorf("%s: kept %v, want %v", c.name, have[ids[c.name]], c.kept)
		}
	}
}
