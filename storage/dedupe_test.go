package storage

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/storyline/storyline"
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

func TestNearCandidates(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	ids := addStories(t, db, 4)
	update(t, db, func(tx *Tx) error {
		// Story 0 shares bands 1, 2, 3 with the query, story 1 shares 1,
		// story 2 shares 2 but is too old, story 3 shares nothing.
		for _, f := range []struct {
			id    int64
			bands []int64
			at    time.Time
		}{
			{ids[0], []int64{1, 2, 3, 100}, t0.Add(10 * time.Hour)},
			{ids[1], []int64{1, 200}, t0.Add(11 * time.Hour)},
			{ids[2], []int64{2}, t0},
			{ids[3], []int64{300, -5}, t0.Add(12 * time.Hour)},
		} {
			if err := tx.AddFingerprint(ctx, f.id, f.bands, []uint32{uint32(f.id), 7}, f.at); err != nil {
				return err
			}
		}
		// Filing twice is harmless.
		return tx.AddFingerprint(ctx, ids[0], []int64{1}, []uint32{1}, t0.Add(10*time.Hour))
	})
	update(t, db, func(tx *Tx) error {
		got, err := tx.NearCandidates(ctx, []int64{1, 2, 3, 4}, t0.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		want := []storyline.NearCandidate{
			{ID: ids[0], Title: "story 0", Summary: "summary", Source: "Outlet", Published: t0, Bands: 3, Signature: []uint32{uint32(ids[0]), 7}},
			{ID: ids[1], Title: "story 1", Summary: "summary", Source: "Outlet", Published: t0.Add(time.Hour), Bands: 1, Signature: []uint32{uint32(ids[1]), 7}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("NearCandidates -want +got:\n%s", diff)
		}
		got, err = tx.NearCandidates(ctx, []int64{1, 2, 3}, t0.Add(time.Hour), 1)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != ids[0] {
			t.Errorf("limit 1: %+v, want only the story sharing most bands", got)
		}
		// Negative keys are keys like any other.
		got, err = tx.NearCandidates(ctx, []int64{-5}, time.Time{}, 10)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != ids[3] {
			t.Errorf("negative key: %+v", got)
		}
		none, err := tx.NearCandidates(ctx, nil, time.Time{}, 10)
		if err != nil || none != nil {
			t.Errorf("no bands: %v, %v", none, err)
		}
		return nil
	})
}

func TestCountTerms(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	update(t, db, func(tx *Tx) error {
		df, docs, err := tx.CountTerms(ctx, []string{"fed", "taper", "fed taper"})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{1, 1, 1}, df); diff != "" || docs != 1 {
			t.Errorf("first document: df %v docs %d", df, docs)
		}
		df, docs, err = tx.CountTerms(ctx, []string{"taper", "weather", `quote"d`})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{2, 1, 1}, df); diff != "" || docs != 2 {
			t.Errorf("second document: df %v docs %d", df, docs)
		}
		df, docs, err = tx.CountTerms(ctx, nil)
		if err != nil {
			return err
		}
		if len(df) != 0 || docs != 3 {
			t.Errorf("a document without terms still counts: df %v docs %d", df, docs)
		}
		return nil
	})
	// Counts survive the transaction.
	update(t, db, func(tx *Tx) error {
		df, docs, err := tx.CountTerms(ctx, []string{"taper"})
		if err != nil {
			return err
		}
		if df[0] != 3 || docs != 4 {
			t.Errorf("after commit: df %v docs %d, want 3 and 4", df, docs)
		}
		return nil
	})
}

func TestClusters(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	weights := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-6 })
	c1 := storyline.StoryCluster{ID: 10, Size: 2, Started: t0, Updated: t0.Add(time.Hour),
		Centroid: []storyline.TermWeight{{Term: "plosser", Weight: 1.5}, {Term: "taper pace", Weight: 0.25}, {Term: "é", Weight: 0.125}}}
	c2 := storyline.StoryCluster{ID: 20, Size: 1, Started: t0.Add(2 * time.Hour), Updated: t0.Add(2 * time.Hour),
		Centroid: []storyline.TermWeight{{Term: "taper", Weight: 1}}}
	old := storyline.StoryCluster{ID: 30, Size: 1, Started: t0.Add(-72 * time.Hour), Updated: t0.Add(-72 * time.Hour),
		Centroid: []storyline.TermWeight{{Term: "plosser", Weight: 1}}}
	update(t, db, func(tx *Tx) error {
		for _, c := range []struct {
			c     storyline.StoryCluster
			terms []string
		}{{c1, []string{"plosser", "taper", "fed"}}, {c2, []string{"taper"}}, {old, []string{"plosser", "taper"}}} {
			if err := tx.SaveCluster(ctx, c.c, c.terms); err != nil {
				return err
			}
		}
		got, ok, err := tx.Cluster(ctx, 10)
		if err != nil || !ok {
			t.Fatalf("Cluster(10) = %v, %v", ok, err)
		}
		if diff := cmp.Diff(c1, got, weights); diff != "" {
			t.Errorf("Cluster(10) -want +got:\n%s", diff)
		}
		if _, ok, err := tx.Cluster(ctx, 99); ok || err != nil {
			t.Errorf("Cluster(99) = %v, %v; want not found", ok, err)
		}
		// Cluster 10 holds both terms, 20 one; 30 is too old.
		cands, err := tx.ClusterCandidates(ctx, []string{"plosser", "taper"}, t0.Add(-time.Hour), 10)
		if err != nil {
			return err
		}
		var ids []int64
		for _, c := range cands {
			ids = append(ids, c.ID)
		}
		if diff := cmp.Diff([]int64{10, 20}, ids); diff != "" {
			t.Errorf("candidates -want +got:\n%s", diff)
		}
		if diff := cmp.Diff(c2, cands[1], weights); diff != "" {
			t.Errorf("candidate 20 -want +got:\n%s", diff)
		}
		cands, err = tx.ClusterCandidates(ctx, []string{"plosser", "taper"}, t0.Add(-time.Hour), 1)
		if err != nil || len(cands) != 1 || cands[0].ID != 10 {
			t.Errorf("limit 1: %v, %v", cands, err)
		}
		// Saving again replaces the row and refreshes the postings.
		c2.Size, c2.Updated = 2, t0.Add(5*time.Hour)
		if err := tx.SaveCluster(ctx, c2, []string{"taper", "weather"}); err != nil {
			return err
		}
		cands, err = tx.ClusterCandidates(ctx, []string{"weather", "taper"}, t0.Add(4*time.Hour), 10)
		if err != nil || len(cands) != 1 || cands[0].ID != 20 || cands[0].Size != 2 {
			t.Errorf("after update: %+v, %v", cands, err)
		}
		return nil
	})
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

func TestPruneDedupe(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	update(t, db, func(tx *Tx) error {
		for i := range 10 {
			at := t0.Add(time.Duration(i) * time.Hour)
			if err := tx.AddFingerprint(ctx, int64(i+1), []int64{int64(i), int64(100 + i)}, []uint32{1}, at); err != nil {
				return err
			}
			c := storyline.StoryCluster{ID: int64(i + 1), Size: 1, Started: at, Updated: at,
				Centroid: []storyline.TermWeight{{Term: "w", Weight: 1}}}
			if err := tx.SaveCluster(ctx, c, []string{"w", fmt.Sprint("t", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	// Fingerprints before hour 6 (6 stories, 12 bands) and clusters before
	// hour 4 (4 clusters, 8 postings) go, at most three stories and three
	// clusters a call.
	prune := func() {
		update(t, db, func(tx *Tx) error { return tx.PruneDedupe(ctx, t0.Add(6*time.Hour), t0.Add(4*time.Hour), 3) })
	}
	sizes := func() [4]int {
		return [4]int{count(t, db, "dedupe_fingerprints"), count(t, db, "dedupe_bands"), count(t, db, "dedupe_clusters"), count(t, db, "dedupe_postings")}
	}
	prune()
	if got, want := sizes(), [4]int{7, 14, 7, 14}; got != want {
		t.Errorf("after one call: fingerprints, bands, clusters, postings = %v, want %v", got, want)
	}
	for range 5 {
		prune()
	}
	if got, want := sizes(), [4]int{4, 8, 6, 12}; got != want {
		t.Errorf("pruned: fingerprints, bands, clusters, postings = %v, want %v", got, want)
	}
	// What is left still answers.
	update(t, db, func(tx *Tx) error {
		cands, err := tx.NearCandidates(ctx, []int64{9, 109, 0}, time.Time{}, 10)
		if err != nil || len(cands) != 0 {
			// Story 10 is not in the stories table: the join drops it.
			t.Errorf("candidates without stories: %v, %v", cands, err)
		}
		cl, err := tx.ClusterCandidates(ctx, []string{"w"}, time.Time{}, 10)
		if err != nil || len(cl) != 6 || cl[0].ID != 10 {
			t.Errorf("clusters left: %d (first %v), %v; want 6, newest first", len(cl), cl, err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.PruneDedupe(ctx, t0.Add(100*time.Hour), t0.Add(100*time.Hour), 0) })
	if got := sizes(); got[1] != 8 {
		t.Errorf("limit 0 pruned: %v left", got)
	}
}

func TestCentroidEncoding(t *testing.T) {
	c := []storyline.TermWeight{{Term: "a", Weight: 1}, {Term: "", Weight: 0.5}, {Term: "日本 語", Weight: 3.25}}
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

// Counts stay right across transactions and a rollback while the statements
// go from unprepared to prepared once on the writer.
func TestPreparedAcrossTransactions(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	for i := range 3 {
		update(t, db, func(tx *Tx) error {
			for range 2 {
				if _, _, err := tx.CountTerms(ctx, []string{"x"}); err != nil {
					return err
				}
			}
			return nil
		})
		update(t, db, func(tx *Tx) error {
			df, docs, err := tx.CountTerms(ctx, []string{"x"})
			if err == nil && (df[0] != int64(3*i+3) || docs != int64(3*i+3)) {
				t.Errorf("round %d: df %v docs %d", i, df, docs)
			}
			return err
		})
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		if _, _, err := tx.CountTerms(ctx, []string{"y"}); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	}); err == nil {
		t.Fatal("rollback expected")
	}
	update(t, db, func(tx *Tx) error {
		df, _, err := tx.CountTerms(ctx, []string{"y"})
		if err == nil && df[0] != 1 {
			t.Errorf("a rolled back count survived: df %v", df)
		}
		return err
	})
}

func TestDedupeIndexStats(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.AddFingerprint(ctx, 1, []int64{1, 2, 3}, []uint32{1}, t0); err != nil {
			return err
		}
		if _, _, err := tx.CountTerms(ctx, []string{"a", "b"}); err != nil {
			return err
		}
		return tx.SaveCluster(ctx, storyline.StoryCluster{ID: 1, Size: 1, Started: t0, Updated: t0}, []string{"a"})
	})
	st, err := db.DedupeIndexStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Terms: a, b and the document counter.
	if want := (DedupeIndexStats{Fingerprints: 1, Bands: 3, Clusters: 1, Postings: 1, Terms: 3}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}
