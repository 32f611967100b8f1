package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
)

// topicFixture stores stories in feeds a, b and c:
//
//	1 a  "Trump and Putin to speak"        2017-01-27, also carried by b
//	2 b  "Kremlin confirms call"           2017-01-28, near-duplicate of 1, carried by c
//	3 a  "Football: Russia wins"           2017-01-29
func topicFixture(t *testing.T) (*DB, []int64) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	day := func(d int) time.Time { return time.Date(2017, 1, d, 12, 0, 0, 0, time.UTC) }
	var ids []int64
	err = db.Update(ctx, func(tx *Tx) error {
		feeds := map[string]int64{}
		for _, name := range []string{"a", "b", "c"} {
			id, err := tx.FeedID(ctx, name, "https://"+name+".example/feed")
			if err != nil {
				return err
			}
			feeds[name] = id
		}
		for i, s := range []struct {
			title, summary, feed string
			also                 []string
			day                  int
		}{
			{"Trump and Putin to speak", "The White House said so.", "a", []string{"b"}, 27},
			{"Kremlin confirms call", "Putin will call Trump.", "b", []string{"c"}, 28},
			{"Football: Russia wins", "A match.", "a", nil, 29},
		} {
			st := storyline.Story{Title: s.title, Summary: s.summary, Published: day(s.day), FirstSeen: day(s.day)}
			if err := tx.InsertStory(ctx, &st, feeds[s.feed], "h"); err != nil {
				return err
			}
			for _, f := range append([]string{s.feed}, s.also...) {
				if err := tx.AddSighting(ctx, feeds[f], "k"+string(rune('0'+i)), st.ID, "", day(s.day)); err != nil {
					return err
				}
			}
			ids = append(ids, st.ID)
		}
		_, err := tx.tx.ExecContext(ctx, `UPDATE stories SET duplicate_of = ? WHERE id = ?`, ids[0], ids[1])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, ids
}

func TestStoryTopics(t *testing.T) {
	ctx := context.Background()
	db, ids := topicFixture(t)
	set := func(id int64, hits ...storyline.TopicHit) {
		t.Helper()
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SetStoryTopics(ctx, id, hits) }); err != nil {
			t.Fatal(err)
		}
	}
	set(ids[0], storyline.TopicHit{Topic: "us-russia", Priority: 1, Why: "trump (title)"}, storyline.TopicHit{Topic: "all", Why: "x"})
	set(ids[1], storyline.TopicHit{Topic: "us-russia", Priority: 1, Why: "kremlin (title)"})
	set(ids[2], storyline.TopicHit{Topic: "sport", Why: "football (title)"})
	// A second call replaces the first: the story left "sport".
	set(ids[2], storyline.TopicHit{Topic: "russia", Priority: 2, Why: "russia (title)"})

	got, err := db.StoryTopics(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]storyline.TopicHit{
		ids[0]: {{Topic: "us-russia", Priority: 1, Why: "trump (title)"}, {Topic: "all", Why: "x"}},
		ids[1]: {{Topic: "us-russia", Priority: 1, Why: "kremlin (title)"}},
		ids[2]: {{Topic: "russia", Priority: 2, Why: "russia (title)"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StoryTopics (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		topic string
		since time.Time
		limit int
		want  []int64
	}{
		{"us-russia", time.Time{}, 0, []int64{ids[1], ids[0]}},
		{"us-russia", time.Time{}, 1, []int64{ids[1]}},
		{"us-russia", time.Date(2017, 1, 28, 0, 0, 0, 0, time.UTC), 0, []int64{ids[1]}},
		{"sport", time.Time{}, 0, nil},
		{"nope", time.Time{}, 0, nil},
	} {
		got, err := db.TopicStoryIDs(ctx, tt.topic, tt.since, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("TopicStoryIDs(%s, %v, %d) (-want +got):\n%s", tt.topic, tt.since, tt.limit, diff)
		}
	}

	// Deleting a story deletes its topic rows.
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM stories WHERE id = ?`, ids[2])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM story_topics WHERE story_id = ?`, ids[2]).Scan(&n)
	if n != 0 {
		t.Errorf("%d topic rows left for a deleted story", n)
	}
}

func TestStorySources(t *testing.T) {
	ctx := context.Background()
	db, ids := topicFixture(t)
	// Story 1 is in a and b, its duplicate 2 in b and c: the group has 3
	// outlets, whichever of the two is asked about. Story 3 has one.
	want := []int{3, 3, 1}
	err := db.Update(ctx, func(tx *Tx) error {
		for i, id := range ids {
			n, err := tx.StorySources(ctx, id)
			if err != nil {
				return err
			}
			if n != want[i] {
				t.Errorf("StorySources(story %d) = %d, want %d", i+1, n, want[i])
			}
		}
		n, err := tx.StorySources(ctx, 999)
		if err != nil || n != 0 {
			t.Errorf("StorySources(unknown) = %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchStories(t *testing.T) {
	ctx := context.Background()
	db, ids := topicFixture(t)
	type got struct {
		ID      int64
		Sources int
		Feeds   []string
	}
	tests := []struct {
		name string
		q    storyline.StorySearch
		want []got
	}{
		{"fts", storyline.StorySearch{Match: `"putin"`, Feeds: true}, []got{{ids[1], 0, []string{"b", "c"}}, {ids[0], 0, []string{"a", "b"}}}},
		{"without feeds", storyline.StorySearch{Match: `"putin"`}, []got{{ids[1], 0, nil}, {ids[0], 0, nil}}},
		{"phrase in summary", storyline.StorySearch{Match: `"white house"`}, []got{{ids[0], 0, nil}}},
		{"title column", storyline.StorySearch{Match: `title : "putin"`}, []got{{ids[0], 0, nil}}},
		{"prefix and NOT", storyline.StorySearch{Match: `("kreml" * OR "footb" *) NOT "russia"`}, []got{{ids[1], 0, nil}}},
		{"accents folded", storyline.StorySearch{Match: `"pütin"`, Limit: 1}, []got{{ids[1], 0, nil}}},
		{"since", storyline.StorySearch{Match: `"putin"`, Since: time.Date(2017, 1, 28, 0, 0, 0, 0, time.UTC)}, []got{{ids[1], 0, nil}}},
		{"no match", storyline.StorySearch{Match: `"merkel"`}, nil},
		{"scan with sources", storyline.StorySearch{Sources: true, Feeds: true, Limit: 2}, []got{{ids[2], 1, []string{"a"}}, {ids[1], 3, []string{"b", "c"}}}},
	}
	for _, tt := range tests {
		var out []got
		err := db.SearchStories(ctx, tt.q, func(st *storyline.Story, sources int) error {
			out = append(out, got{st.ID, sources, st.Feeds})
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, out); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}

	// A story comes back whole.
	var st storyline.Story
	db.SearchStories(ctx, storyline.StorySearch{Match: `"football"`}, func(s *storyline.Story, _ int) error { st = *s; return nil })
	if st.Title != "Football: Russia wins" || st.Summary != "A match." || st.Feed != "a" || !st.Published.Equal(time.Date(2017, 1, 29, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("story = %+v", st)
	}

	// Errors: a bad expression, and fn's own error, which comes back as is.
	if err := db.SearchStories(ctx, storyline.StorySearch{Match: `"unclosed`}, func(*storyline.Story, int) error { return nil }); err == nil {
		t.Error("bad FTS5 expression: no error")
	}
	stop := errors.New("stop")
	if err := db.SearchStories(ctx, storyline.StorySearch{}, func(*storyline.Story, int) error { return stop }); err != stop {
		t.Errorf("fn error = %v, want it returned as is", err)
	}
}
