package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
)

func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "dedupe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func update(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// addStories stores n stories with titles "story i", published an hour apart.
func addStories(t *testing.T, db *DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	update(t, db, func(tx *Tx) error {
		feed, err := tx.FeedID(ctx, "feed", "https://example.org/feed")
		if err != nil {
			return err
		}
		for i := range n {
			s := storyline.Story{
				Canonical: fmt.Sprintf("https://example.org/%d", i), Title: fmt.Sprintf("story %d", i),
				Summary: "summary", Source: "Outlet", Published: t0.Add(time.Duration(i) * time.Hour),
				FirstSeen: t0.Add(time.Duration(i) * time.Hour),
			}
			if err := tx.InsertStory(ctx, &s, feed, "h"); err != nil {
				return err
			}
			ids = append(ids, s.ID)
		}
		return nil
	})
	return ids
}

func TestSetStoryline(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ids := addStories(t, db, 2)
	update(t, db, func(tx *Tx) error {
		if err := tx.SetStoryline(ctx, ids[1], ids[0], ids[0]); err != nil {
			return err
		}
		return tx.SetStoryline(ctx, ids[0], 0, ids[0])
	})
	stories, err := db.Stories(ctx, StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64][2]int64{}
	for _, s := range stories {
		got[s.ID] = [2]int64{s.DuplicateOf, s.Storyline}
	}
	want := map[int64][2]int64{ids[0]: {0, ids[0]}, ids[1]: {ids[0], ids[0]}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored -want +got:\n%s", diff)
	}
	var null bool
	if err := db.r.QueryRowContext(ctx, `SELECT duplicate_of IS NULL FROM stories WHERE id = ?`, ids[0]).Scan(&null); err != nil || !null {
		t.Errorf("no duplicate is stored as %v (err %v), want NULL", null, err)
	}
	err = db.Update(ctx, func(tx *Tx) error { return tx.SetStoryline(ctx, 9999, 0, 1) })
	if err == nil {
		t.Error("SetStoryline of a missing story succeeded")
	}
}

func count(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCentroidEncoding(t *testing.T) {
	c := []dedupe.TermWeight{{Term: "a", Weight: 1}, {Term: "", Weight: 0.5}, {Term: "日本 語", Weight: 3.25}}
	got, err := decodeCentroid(encodeCentroid(c))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip -want +got:\n%s", diff)
	}
	if got, err := decodeCentroid(encodeCentroid(nil)); err != nil || len(got) != 0 {
		t.Errorf("empty centroid: %v, %v", got, err)
	}
	b := encodeCentroid(c)
	for _, bad := range [][]byte{nil, {9}, b[:len(b)-1], append([]byte{1}, 0xff)} {
		if _, err := decodeCentroid(bad); err == nil {
			t.Errorf("decodeCentroid(%x) accepted a corrupt blob", bad)
		}
	}
}

// What the index writes over transactions, it reads back at start: the
// signatures and clusters of the window with the fates of their stories,
// and the term counts.
func TestDedupeRecordRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ids := addStories(t, db, 3)
	sig := []uint32{7, 8, 9}
	update(t, db, func(tx *Tx) error {
		for i, id := range ids {
			if err := tx.AddFingerprints(ctx, []dedupe.StoredSignature{{StoryID: id, Signature: sig, Published: t0.Add(time.Duration(i) * time.Hour)}}); err != nil {
				return err
			}
		}
		if err := tx.SetStoryline(ctx, ids[2], ids[1], ids[0]); err != nil {
			return err
		}
		for i, id := range ids {
			c := dedupe.StoryCluster{ID: id, Size: i + 1, Started: t0, Updated: t0.Add(time.Duration(i) * time.Hour), Terms: []int64{int64(i), -5}}
			if err := tx.SaveClusters(ctx, []dedupe.StoryCluster{c}); err != nil {
				return err
			}
		}
		return tx.AddTermCounts(ctx, map[int64]int64{1: 2, -9: 1})
	})
	update(t, db, func(tx *Tx) error { return tx.AddTermCounts(ctx, map[int64]int64{1: 3, 4: 1}) })
	update(t, db, func(tx *Tx) error {
		snap, err := tx.LoadDedupe(ctx, t0.Add(time.Hour), t0.Add(2*time.Hour))
		if err != nil {
			return err
		}
		want := dedupe.Snapshot{
			Signatures: []dedupe.StoredSignature{
				{StoryID: ids[1], Published: t0.Add(time.Hour), Signature: sig},
				{StoryID: ids[2], Published: t0.Add(2 * time.Hour), Signature: sig, DuplicateOf: ids[1], Storyline: ids[0]},
			},
			Clusters: []dedupe.StoryCluster{{ID: ids[2], Size: 3, Started: t0, Updated: t0.Add(2 * time.Hour), Terms: []int64{2, -5}}},
			Terms:    map[int64]int64{0: 0, 1: 5, -9: 1, 4: 1}, // 0: how far the counts go
		}
		if diff := cmp.Diff(want, snap); diff != "" {
			t.Errorf("LoadDedupe -want +got:\n%s", diff)
		}
		return nil
	})
}

func TestClusters(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	weights := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-6 })
	c1 := dedupe.StoryCluster{ID: 10, Size: 2, Started: t0, Updated: t0.Add(time.Hour),
		Centroid: []dedupe.TermWeight{{Term: "plosser", Weight: 1.5}, {Term: "taper pace", Weight: 0.25}, {Term: "é", Weight: 0.125}}}
	c2 := dedupe.StoryCluster{ID: 20, Size: 1, Started: t0.Add(2 * time.Hour), Updated: t0.Add(2 * time.Hour),
		Centroid: []dedupe.TermWeight{{Term: "taper", Weight: 1}}}
	update(t, db, func(tx *Tx) error {
		for _, c := range []dedupe.StoryCluster{c1, c2} {
			if err := tx.SaveClusters(ctx, []dedupe.StoryCluster{c}); err != nil {
				return err
			}
		}
		// In the order asked for; a missing one is left out.
		got, err := tx.Clusters(ctx, []int64{20, 99, 10})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]dedupe.StoryCluster{c2, c1}, got, weights); diff != "" {
			t.Errorf("Clusters -want +got:\n%s", diff)
		}
		// Saving again replaces the row.
		c2.Size, c2.Updated = 2, t0.Add(5*time.Hour)
		if err := tx.SaveClusters(ctx, []dedupe.StoryCluster{c2}); err != nil {
			return err
		}
		got, err = tx.Clusters(ctx, []int64{20})
		if err != nil || len(got) != 1 || got[0].Size != 2 || !got[0].Updated.Equal(c2.Updated) {
			t.Errorf("after update: %+v, %v", got, err)
		}
		if got, err := tx.Clusters(ctx, nil); got != nil || err != nil {
			t.Errorf("no ids: %v, %v", got, err)
		}
		return nil
	})
}

func TestNearTexts(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ids := addStories(t, db, 3)
	update(t, db, func(tx *Tx) error {
		got, err := tx.NearTexts(ctx, []int64{ids[2], 12345, ids[0]})
		if err != nil {
			return err
		}
		want := []dedupe.NearText{
			{ID: ids[2], Title: "story 2", Summary: "summary", Source: "Outlet"},
			{ID: ids[0], Title: "story 0", Summary: "summary", Source: "Outlet"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("NearTexts -want +got:\n%s", diff)
		}
		return nil
	})
}

func TestPruneDedupe(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	update(t, db, func(tx *Tx) error {
		for i := range 6 {
			at := t0.Add(time.Duration(i) * time.Hour)
			if err := tx.AddFingerprints(ctx, []dedupe.StoredSignature{{StoryID: int64(i + 1), Signature: []uint32{1}, Published: at}}); err != nil {
				return err
			}
			if err := tx.SaveClusters(ctx, []dedupe.StoryCluster{{ID: int64(i + 1), Size: 1, Started: at, Updated: at}}); err != nil {
				return err
			}
		}
		return tx.PruneDedupe(ctx, t0.Add(4*time.Hour), t0.Add(2*time.Hour))
	})
	if f, c := count(t, db, "dedupe_fingerprints"), count(t, db, "dedupe_clusters"); f != 2 || c != 4 {
		t.Errorf("after prune: %d fingerprints, %d clusters; want 2 and 4", f, c)
	}
}

// A function registered with BeforeCommit writes in the transaction, and
// its error rolls everything back; AfterEnd learns the outcome.
func TestCommitHooks(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	var ended []bool
	boom := errors.New("boom")
	for _, fail := range []bool{false, true} {
		err := db.Update(ctx, func(tx *Tx) error {
			tx.AfterEnd(func(committed bool) { ended = append(ended, committed) })
			tx.BeforeCommit(func(ctx context.Context) error { return tx.AddTermCounts(ctx, map[int64]int64{1: 1}) })
			tx.BeforeCommit(func(context.Context) error {
				if fail {
					return boom
				}
				return nil
			})
			return nil
		})
		if fail != errors.Is(err, boom) {
			t.Errorf("fail=%v: Update = %v", fail, err)
		}
	}
	if diff := cmp.Diff([]bool{true, false}, ended); diff != "" {
		t.Errorf("AfterEnd -want +got:\n%s", diff)
	}
	update(t, db, func(tx *Tx) error {
		snap, err := tx.LoadDedupe(ctx, t0, t0)
		if err == nil && snap.Terms[1] != 1 {
			t.Errorf("term count %d, want 1: the failed transaction's write was kept", snap.Terms[1])
		}
		return err
	})
}

func TestDedupeIndexStats(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.AddFingerprints(ctx, []dedupe.StoredSignature{{StoryID: 1, Signature: []uint32{1}, Published: t0}}); err != nil {
			return err
		}
		if err := tx.AddTermCounts(ctx, map[int64]int64{1: 1, 2: 1, 3: 2}); err != nil {
			return err
		}
		return tx.SaveClusters(ctx, []dedupe.StoryCluster{{ID: 1, Size: 1, Started: t0, Updated: t0}})
	})
	st, err := db.DedupeIndexStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (DedupeIndexStats{Fingerprints: 1, Clusters: 1, Terms: 3}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}

// Integer lists are written without reflection, as JSON would write them,
// and an empty or nil list is an empty array (json_each reads no rows).
func TestJSONList(t *testing.T) {
	for _, xs := range [][]int64{nil, {}, {0}, {-1, 42}, {math.MinInt64, math.MaxInt64, 7}} {
		got := jsonList(xs)
		want := "[]"
		if len(xs) > 0 {
			b, _ := json.Marshal(xs)
			want = string(b)
		}
		if got != want {
			t.Errorf("jsonList(%v) = %s, want %s", xs, got, want)
		}
	}
	if got := jsonList([]string{`a"b`, "ü"}); got != `["a\"b","ü"]` {
		t.Errorf("jsonList of strings = %s", got)
	}
	if got := jsonList([]string(nil)); got != "[]" {
		t.Errorf("jsonList of no strings = %s", got)
	}
}
