package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

func TestOpenCreatesPrivateMigratedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	var version int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil || version < 1 {
		t.Errorf("user_version %d %v", version, err)
	}
	var mode string
	db.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %q", mode)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	db.Close()
	// Reopening applies nothing twice.
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func TestFeedStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.FeedState(ctx, "nope")
	if err != nil || st.Name != "nope" || st.Polls != 0 {
		t.Fatalf("unknown feed: %+v %v", st, err)
	}
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	want := storyline.FeedState{Name: "f", URL: "https://f.example/", Title: "F", ETag: `"x"`, LastModified: "Tue",
		Polls: 3, LastFetch: at, LastSuccess: at.Add(-time.Hour), LastStatus: 500, LastError: "HTTP 500", Failures: 2, NextCheck: at.Add(time.Hour)}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveFeedState(ctx, want) }); err != nil {
		t.Fatal(err)
	}
	got, err := db.FeedState(ctx, "f")
	if err != nil || got != want {
		t.Fatalf("got %+v, want %+v (%v)", got, want, err)
	}
	all, err := db.FeedStates(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("FeedStates %v %v", all, err)
	}
}

// TestConcurrentFirstOpens: commands started together on a new database
// (two polls, an ingest) all migrate it or find it migrated.
func TestConcurrentFirstOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(context.Background(), path)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
}

// TestQuickCheckFindsDamage: pages overwritten under a table are found by
// QuickCheck, which run calls before it starts.
func TestQuickCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := fullDiskPoll(ctx, db, 0, 200, strings.Repeat("Harbour workers argued about shifts. ", 40)); err != nil {
		t.Fatal(err)
	}
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("a sound database: %v", err)
	}
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := st.Size() / 2; off+4096 <= st.Size(); off += 3 * 4096 {
		f.WriteAt(junk, off/4096*4096)
	}
	f.Close()
	db, err = Open(ctx, path)
	if err == nil {
		err = db.QuickCheck(ctx)
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "malformed") && !strings.Contains(err.Error(), "quick check") {
		t.Errorf("damaged database: %v", err)
	}
}

// TestUpdateRetriesBusy: a write that finds the database locked by another
// process past the busy timeout is retried, not dropped.
func TestUpdateRetriesBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := Open(ctx, path) // another process, as far as SQLite knows
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// A short busy timeout on the one writer connection, so that the lock
	// below outlasts it.
	if _, err := db.w.ExecContext(ctx, "PRAGMA busy_timeout = 20"); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { busyBackoff = d }(busyBackoff)
	busyBackoff = 50 * time.Millisecond

	locked, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		other.Update(ctx, func(tx *Tx) error {
			close(locked)
			<-release
			return nil
		})
	})
	<-locked
	time.AfterFunc(150*time.Millisecond, func() { close(release) })
	err = db.Update(ctx, func(tx *Tx) error {
		return tx.SaveFeedState(ctx, storyline.FeedState{Name: "wire", URL: "https://wire.example/feed"})
	})
	wg.Wait()
	if err != nil {
		t.Fatalf("write during another's lock: %v", err)
	}
	if st, err := db.FeedState(ctx, "wire"); err != nil || st.URL == "" {
		t.Errorf("the retried write is missing: %+v %v", st, err)
	}
}
