package followup_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// TestMemoryLookups stores random anticipations (some indexed by terms,
// some by their actors as events stored before terms were) and outcome
// keys drawn from few keys (so that look-ups find more than their limit),
// keeps them in a memory as the linker does and in another loaded from the
// database, and asks all three the same random questions, before and after
// the cut moves: the answers, their order and the limit must agree.
func TestMemoryLookups(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(7, 11))
	classes := []string{"meet", "speak", "vote"}
	keys := []string{"a", "b", "c", "d", "e", "f"}
	pick := func(from []string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = from[rng.IntN(len(from))]
		}
		return out
	}
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	at := func() time.Time { return t0.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))) }
	kept := followup.NewLookups(t0, followup.Snapshot{})
	err = db.Update(ctx, func(tx *storage.Tx) error {
		feed, err := tx.FeedID(ctx, "f", "https://f.example/")
		if err != nil {
			return err
		}
		for i := range 600 {
			pub := at().Add(-24 * time.Hour).Truncate(6 * time.Hour) // some before the cut, many at the same time
			s := storyline.Story{URL: fmt.Sprintf("https://f.example/%d", i), Title: "t", Published: pub, FirstSeen: pub}
			if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
				return err
			}
			if rng.IntN(3) == 0 {
				a := storyline.Anticipation{StoryID: s.ID, Published: pub.Add(time.Duration(rng.IntN(1000)) * time.Millisecond),
					Summary: "x", Action: "meet", Class: classes[rng.IntN(len(classes))]}
				for _, k := range pick(keys, 1+rng.IntN(3)) {
					a.Actors = append(a.Actors, storyline.Actor{Name: k, Key: k, Secondary: rng.IntN(5) == 0})
				}
				if rng.IntN(3) > 0 {
					a.Terms = dedupeKeys(pick(keys, 1+rng.IntN(4)))
				}
				open := pub.Add(time.Duration(rng.Int64N(int64(8 * 24 * time.Hour))))
				if err := tx.SaveAnticipation(ctx, &a, open); err != nil {
					return err
				}
				kept.AddEvent(&a, open)
			}
			oks := dedupeKeys(pick(keys, rng.IntN(4)))
			if err := tx.SaveOutcomeKeys(ctx, s.ID, pub, oks); err != nil {
				return err
			}
			kept.AddOutcomes(s.ID, pub, oks)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	check := func(name string, m followup.Lookups) {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for range 300 {
				ks, when := pick(keys, 1+rng.IntN(3)), at()
				if !m.Covers(when) {
					continue
				}
				asked++
				want, err := tx.AnticipationCandidates(ctx, ks, when, 15)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, m.Anticipations(ks, when, 15)); diff != "" {
					t.Fatalf("%s: anticipations %v at %v (-database +memory):\n%s", name, ks, when, diff)
				}
				to := when.Add(time.Duration(rng.Int64N(int64(5 * 24 * time.Hour))))
				ids, err := tx.OutcomeCandidates(ctx, ks, when, to, 25)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(ids, m.Outcomes(ks, when, to, 25)); diff != "" {
					t.Fatalf("%s: outcomes %v in [%v, %v] (-database +memory):\n%s", name, ks, when, to, diff)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var loaded followup.Lookups
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		loaded, err = followup.LoadLookups(ctx, tx, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check("kept", kept)
	check("loaded", loaded)
	for _, d := range []time.Duration{time.Hour, 7 * time.Hour, 5 * 24 * time.Hour} {
		kept.Advance(t0.Add(d))
		check(fmt.Sprintf("kept, cut moved %v", d), kept)
	}
	if asked < 500 {
		t.Fatalf("only %d questions asked", asked)
	}
}

func dedupeKeys(ks []string) []string {
	seen := map[string]bool{}
	out := ks[:0]
	for _, k := range ks {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// Retention keeps the follow-up rows the memory can still return.
func TestReachWithinRetention(t *testing.T) {
	if followup.MemoryReach+followup.RepruneEvery >= storage.FollowupRecent {
		t.Errorf("the memory reaches %v back (and prunes every %v), retention keeps follow-up rows %v", followup.MemoryReach, followup.RepruneEvery, storage.FollowupRecent)
	}
}
