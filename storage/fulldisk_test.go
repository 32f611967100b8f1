package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// fullDiskPoll stores n stories of feed "wire" with their sightings and the feed's
// new fetch state in one transaction, as the pipeline does for one poll.
func fullDiskPoll(ctx context.Context, db *DB, from, n int, body string) error {
	return db.Update(ctx, func(tx *Tx) error {
		feed, err := tx.FeedID(ctx, "wire", "https://wire.example.org/feed")
		if err != nil {
			return err
		}
		at := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(from) * time.Minute)
		for i := from; i < from+n; i++ {
			s := storyline.Story{
				Canonical: fmt.Sprintf("https://wire.example.org/%d", i), URL: fmt.Sprintf("https://wire.example.org/%d?ref=rss", i),
				Title: fmt.Sprintf("Harbour report %d", i), Summary: "The harbour board met again.", Content: body,
				Published: at, FirstSeen: at,
			}
			if err := tx.InsertStory(ctx, &s, feed, fmt.Sprintf("h%d", i)); err != nil {
				return err
			}
			if err := tx.AddSighting(ctx, feed, s.Canonical, s.ID, s.URL, at); err != nil {
				return err
			}
		}
		return tx.SaveFeedState(ctx, storyline.FeedState{Name: "wire", URL: "https://wire.example.org/feed",
			ETag: fmt.Sprintf(`"v%d"`, from+n), LastSuccess: at, NextCheck: at.Add(time.Hour)})
	})
}

// TestFullDisk simulates a full disk with PRAGMA max_page_count on the
// writer connection: a poll's transaction fails with SQLite's "database or
// disk is full", the database stays intact with the earlier stories and
// feed state untouched, and once there is room again the same poll goes
// through on the same connection.
func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	body := strings.Repeat("Dock workers and the harbour board argued about shifts and pay. ", 60) // ~4 KB a story

	if err := fullDiskPoll(ctx, db, 0, 20, body); err != nil {
		t.Fatal(err)
	}
	before, err := db.Stories(ctx, StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	stateBefore, err := db.FeedState(ctx, "wire")
	if err != nil {
		t.Fatal(err)
	}

	// The "disk" holds the pages in use and two more. The pool has a single
	// writer connection, which keeps the setting.
	var pages, maxPages int
	if err := db.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := db.w.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)).Scan(&maxPages); err != nil {
		t.Fatal(err)
	}
	t.Logf("database %d pages, limit set to %d", pages, maxPages)

	err = fullDiskPoll(ctx, db, 20, 200, body)
	if err == nil {
		t.Fatal("a 200-story poll fit in 2 free pages")
	}
	t.Logf("full disk error: %v", err)
	if !strings.Contains(err.Error(), "database or disk is full") {
		t.Errorf("error %q does not say the disk is full", err)
	}
	if !strings.HasPrefix(err.Error(), "storage: ") {
		t.Errorf("error %q does not say which layer failed", err)
	}

	// Nothing of the failed poll is left, nothing earlier is lost.
	check := func(when string, wantStories int) {
		t.Helper()
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Errorf("%s: %v", when, err)
		}
		if _, err := db.w.ExecContext(ctx, "INSERT INTO stories_fts(stories_fts) VALUES('integrity-check')"); err != nil {
			t.Errorf("%s: full-text index: %v", when, err)
		}
		for table, want := range map[string]int{"stories": wantStories, "sightings": wantStories, "fts_queue": 0} {
			var n int
			if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: %d rows in %s, want %d", when, n, table, want)
			}
		}
		after, err := db.Stories(ctx, StoryFilter{IDs: storyIDs(before)})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("%s: %d of the %d earlier stories left", when, len(after), len(before))
		}
		for i := range before {
			b, a := before[i], after[i]
			if a.ID != b.ID || a.URL != b.URL || a.Title != b.Title || a.Content != b.Content || !a.Published.Equal(b.Published) {
				t.Errorf("%s: story %d changed: %+v -> %+v", when, b.ID, b, a)
			}
		}
	}
	check("after the failed poll", 20)
	st, err := db.FeedState(ctx, "wire")
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != stateBefore.ETag {
		t.Errorf("the failed poll recorded ETag %s without its stories (was %s)", st.ETag, stateBefore.ETag)
	}

	// A small poll may still fit or not; either way nothing breaks.
	if err := fullDiskPoll(ctx, db, 20, 1, "short"); err != nil && !strings.Contains(err.Error(), "full") {
		t.Errorf("small poll on a full disk: %v", err)
	}
	var small int
	db.r.QueryRowContext(ctx, "SELECT count(*) FROM stories").Scan(&small)

	// Room again: the poll goes through on the same writer connection.
	if _, err := db.w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := fullDiskPoll(ctx, db, 21, 200, body); err != nil {
		t.Fatalf("poll after space was freed: %v", err)
	}
	check("after space was freed", small+200)
	st, err = db.FeedState(ctx, "wire")
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != `"v221"` {
		t.Errorf("feed state after the resumed poll: ETag %s, want \"v221\"", st.ETag)
	}
}

// TestFullDiskErrorIs checks that callers can recognise a full disk
// without matching text: the driver's error survives the wrapping.
func TestFullDiskErrorIs(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pages int
	if err := db.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	err = fullDiskPoll(ctx, db, 0, 50, strings.Repeat("x", 4000))
	if err == nil {
		t.Fatal("poll fit on a full disk")
	}
	type coder interface{ Code() int }
	var c coder
	if !errors.As(err, &c) {
		t.Fatalf("error %T (%v) has no SQLite code in its chain", err, err)
	}
	if c.Code()&0xff != 13 { // SQLITE_FULL
		t.Errorf("SQLite code %d, want SQLITE_FULL (13)", c.Code())
	}
}

func storyIDs(ss []storyline.Story) []int64 {
	ids := make([]int64, len(ss))
	for i := range ss {
		ids[i] = ss[i].ID
	}
	return ids
}
