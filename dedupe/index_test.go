package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/storage"
)

// stream stores stories one by one, as the pipeline does, each with the
// clock at its publication time, and runs them through one index.
type stream struct {
	t     *testing.T
	db    *storage.DB
	ix    *dedupe.Index
	clock time.Time
	n     int
}

func newStream(t *testing.T, cfg dedupe.Config) *stream {
	s := &stream{t: t, db: openDB(t)}
	ix, err := dedupe.New(cfg, nil, func() time.Time { return s.clock })
	if err != nil {
		t.Fatal(err)
	}
	s.ix = ix
	return s
}

var base = time.Date(2017, 1, 27, 9, 0, 0, 0, time.UTC)

func (s *stream) add(at time.Duration, feed, title, summary string) (int64, dedupe.Result) {
	s.t.Helper()
	ctx := context.Background()
	s.n++
	s.clock = base.Add(at)
	st := storyline.Story{
		URL:   "https://" + feed + ".example/" + string(rune('a'+s.n%26)) + time.Duration(s.n).String(),
		Title: title, Summary: summary, Published: s.clock, FirstSeen: s.clock,
	}
	st.Canonical = st.URL
	var res dedupe.Result
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		feedID, err := tx.FeedID(ctx, feed, "https://"+feed+".example/feed")
		if err != nil {
			return err
		}
		if err := tx.InsertStory(ctx, &st, feedID, st.URL); err != nil {
			return err
		}
		res, err = s.ix.Process(ctx, tx, &st)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if st.DuplicateOf != res.DuplicateOf || st.Storyline != res.Storyline {
		s.t.Errorf("story not updated with the result: %+v vs %+v", st, res)
	}
	return st.ID, res
}

func TestProcess(t *testing.T) {
	s := newStream(t, dedupe.DefaultConfig())
	// Background stories give the document frequencies some spread.
	background := []string{
		"Central bank leaves interest rates unchanged",
		"Heavy snow closes schools across the north",
		"Tech giant reports record quarterly profit",
		"Football club sacks manager after defeat",
		"New study links sleep to memory",
		"Oil prices climb as supply tightens",
	}
	for i, title := range background {
		s.add(time.Duration(i)*time.Minute, "misc", title, "")
	}

	orig, r1 := s.add(time.Hour, "wire", "Mexican president cancels meeting with Trump over border wall",
		"Mexican President Enrique Pena Nieto canceled his meeting with President Donald Trump that had been set for Tuesday after renewed tensions over the wall.")
	if r1.DuplicateOf != 0 || r1.Storyline != orig || r1.Size != 1 {
		t.Errorf("first story: %+v, want a new storyline %d of size 1", r1, orig)
	}

	copyID, r2 := s.add(2*time.Hour, "outlet", "Mexican President Nieto cancels meeting with Trump",
		"Mexican President Enrique Peña Nieto on Thursday canceled a meeting with President Donald Trump that had been set for Tuesday after renewed tensions over the wall.")
	if r2.DuplicateOf != orig || r2.Storyline != orig {
		t.Errorf("wire copy: %+v, want duplicate of %d in storyline %d", r2, orig, orig)
	}

	// A copy of the copy points at the first one.
	_, r3 := s.add(3*time.Hour, "third", "Mexican President Nieto cancels meeting with Trump - Third Daily",
		"Mexican President Enrique Peña Nieto on Thursday canceled a meeting with President Donald Trump that had been set for Tuesday after renewed tensions over the wall.")
	if r3.DuplicateOf != orig {
		t.Errorf("copy of a copy: duplicate of %d, want %d (not %d)", r3.DuplicateOf, orig, copyID)
	}

	// Same event, other words: same storyline, not a duplicate.
	_, r4 := s.add(4*time.Hour, "other", "Trump and Pena Nieto meeting called off as wall row deepens",
		"The White House said Trump would not meet the Mexican president next week.")
	if r4.DuplicateOf != 0 || r4.Storyline != orig {
		t.Errorf("same event: %+v, want storyline %d and no duplicate", r4, orig)
	}

	// Another event: its own storyline.
	other, r5 := s.add(5*time.Hour, "other", "Volcano erupts on remote island, flights grounded",
		"Ash from the eruption closed airports across the region.")
	if r5.Storyline != other || r5.DuplicateOf != 0 {
		t.Errorf("unrelated story: %+v, want its own storyline %d", r5, other)
	}

	// A week later the old cluster is closed and the copy window over.
	late, r6 := s.add(7*24*time.Hour, "wire", "Mexican president cancels meeting with Trump over border wall",
		"Mexican President Enrique Pena Nieto canceled his meeting with President Donald Trump that had been set for Tuesday after renewed tensions over the wall.")
	if r6.DuplicateOf != 0 || r6.Storyline != late {
		t.Errorf("a week later: %+v, want a new storyline %d", r6, late)
	}

	// What the pipeline stored is what stories --json shows.
	stored, err := s.db.Stories(context.Background(), storage.StoryFilter{IDs: []int64{orig, copyID, other}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]storyline.Story{}
	for _, st := range stored {
		got[st.ID] = st
	}
	if st := got[copyID]; st.DuplicateOf != orig || st.Storyline != orig {
		t.Errorf("stored copy: duplicate_of %d storyline %d, want %d and %d", st.DuplicateOf, st.Storyline, orig, orig)
	}
	if st := got[orig]; st.DuplicateOf != 0 || st.Storyline != orig {
		t.Errorf("stored original: duplicate_of %d storyline %d, want 0 and %d", st.DuplicateOf, st.Storyline, orig)
	}
}

// Figures that disagree veto a duplicate however close the words.
func TestProcessNumberVeto(t *testing.T) {
	s := newStream(t, dedupe.DefaultConfig())
	summary := "The maker of widgets said sales grew in every region."
	a, _ := s.add(0, "a", "Acme shares rise 3% after quarterly results beat forecasts", summary)
	_, r := s.add(time.Hour, "b", "Acme shares rise 5% after quarterly results beat forecasts", summary)
	if r.Similarity != 0 {
		t.Errorf("the veto should leave no similarity recorded, got %v", r.Similarity)
	}
	if r.DuplicateOf != 0 {
		t.Errorf("3%% vs 5%%: marked duplicate of %d", r.DuplicateOf)
	}
	if r.Storyline != a {
		t.Errorf("3%% vs 5%%: storyline %d, want the same story %d", r.Storyline, a)
	}
}

func TestProcessNeedsStoredStory(t *testing.T) {
	db := openDB(t)
	ix, err := dedupe.New(dedupe.DefaultConfig(), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx *storage.Tx) error {
		_, err := ix.Process(context.Background(), tx, &storyline.Story{Title: "x"})
		return err
	})
	if err == nil {
		t.Error("Process accepted a story without an id")
	}
	err = db.Update(context.Background(), func(tx *storage.Tx) error {
		_, err := ix.Process(context.Background(), tx, &storyline.Story{ID: 12345, Title: "never stored", Published: time.Now()})
		return err
	})
	if err == nil {
		t.Error("Process accepted a story that is not in the store")
	}
}

// A headline alone is never a near-duplicate: same-event headlines from two
// outlets look alike. Clustering still puts them together.
func TestProcessHeadlineOnly(t *testing.T) {
	s := newStream(t, dedupe.DefaultConfig())
	a, _ := s.add(0, "a", "Metro-North worker killed by train in Harlem", "")
	_, r := s.add(time.Hour, "b", "Metro-North worker killed by train in Harlem", "Metro-North worker killed by train in Harlem")
	if r.DuplicateOf != 0 || r.Storyline != a {
		t.Errorf("headline-only pair: %+v, want no duplicate, storyline %d", r, a)
	}
}

// An empty story (no title, no summary) is still given a storyline.
func TestProcessEmptyStory(t *testing.T) {
	s := newStream(t, dedupe.DefaultConfig())
	id, r := s.add(0, "a", "", "")
	if r.Storyline != id || r.DuplicateOf != 0 {
		t.Errorf("empty story: %+v, want its own storyline %d", r, id)
	}
	id2, r2 := s.add(time.Minute, "a", "", "")
	if r2.Storyline != id2 || r2.DuplicateOf != 0 {
		t.Errorf("second empty story: %+v, want its own storyline %d", r2, id2)
	}
}

// An archive ingested years later is processed as if live: the story's
// FirstSeen, not the wall clock, is the present the windows are cut from.
func TestProcessArchiveUsesFirstSeen(t *testing.T) {
	s := newStream(t, dedupe.DefaultConfig())
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ix, err := dedupe.New(dedupe.DefaultConfig(), nil, func() time.Time { return wall })
	if err != nil {
		t.Fatal(err)
	}
	s.ix = ix
	a, _ := s.add(0, "a", "Kremlin says Putin and Trump to speak by phone on Saturday", "The call will take place on Saturday, a Kremlin spokesman said.")
	_, r := s.add(time.Hour, "b", "Kremlin says Putin and Trump to speak by phone on Saturday - Daily Wire", "The call will take place on Saturday, a Kremlin spokesman said.")
	if r.DuplicateOf != a || r.Storyline != a {
		t.Errorf("archived copy: %+v, want duplicate of and storyline %d", r, a)
	}
}

// recordingStore is the real store, remembering the term counts written.
type recordingStore struct {
	*storage.Tx
	writes  *int
	counted map[int64]int64
}

func (r recordingStore) AddTermCounts(ctx context.Context, delta map[int64]int64) error {
	*r.writes++
	for k, d := range delta {
		r.counted[k] += d
	}
	return r.Tx.AddTermCounts(ctx, delta)
}

// Term counts are kept in memory and written every 5,000 stories, one row
// per word however many stories hold it (TestProcessAfterReload checks
// that a reload recounts the stories after the last write).
func TestProcessWritesTermCountsInBulk(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ix, err := dedupe.New(dedupe.DefaultConfig(), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	writes, counted := 0, map[int64]int64{}
	for round := range 6 {
		err = db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "f", "https://f.example/")
			if err != nil {
				return err
			}
			for i := range 1000 {
				at := base.Add(time.Duration(i) * time.Minute)
				s := storyline.Story{
					Title:     fmt.Sprintf("Ministers discuss topic%d and item%d", i, i%97),
					Published: at, FirstSeen: at, Canonical: fmt.Sprint("https://f.example/", round, "/", i),
				}
				if err := tx.InsertStory(ctx, &s, feed, s.Canonical); err != nil {
					return err
				}
				if _, err := ix.Process(ctx, recordingStore{tx, &writes, counted}, &s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if writes != 1 {
		t.Errorf("term counts written %d times, want once", writes)
	}
	for w, want := range map[string]int64{"": 5000, "minist": 5000, "item5": 55, "topic7": 5} {
		if got := counted[dedupe.TermKey(w)]; got != want {
			t.Errorf("%q counted %d, want %d", w, got, want)
		}
	}
}

// runSynth stores n synthetic stories, per transactions of batch, through
// the index newIndex returns for each transaction, and returns the results.
func runSynth(t *testing.T, n, batch int, newIndex func() *dedupe.Index) []dedupe.Result {
	t.Helper()
	ctx := context.Background()
	db := openDB(t)
	gen := newSynth(1500)
	var out []dedupe.Result
	for len(out) < n {
		ix := newIndex()
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "synth", "https://synth.example/feed")
			if err != nil {
				return err
			}
			for range batch {
				s := gen.next()
				if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
					return err
				}
				res, err := ix.Process(ctx, tx, &s)
				if err != nil {
					return err
				}
				out = append(out, res)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The index rebuilt from the database at every transaction (as after a
// restart) decides exactly as the one that kept its memory: what it keeps
// in memory is what it wrote.
func TestProcessAfterReload(t *testing.T) {
	newIndex := func() *dedupe.Index {
		ix, err := dedupe.New(dedupe.DefaultConfig(), nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	// Over 4 days at 1,500 a day, so that windows slide and memory
	// sweeps; term counts are written after 5,100 stories, and reloads
	// before and after recount the stories since the last write.
	const n = 6000
	one := newIndex()
	kept := runSynth(t, n, 300, func() *dedupe.Index { return one })
	reloaded := runSynth(t, n, 300, newIndex)
	var dups, joined int
	for i := range kept {
		a, b := kept[i], reloaded[i]
		// Scores may differ in the last bit: weights are summed in map order.
		if math.Abs(a.Score-b.Score) > 1e-9 || math.Abs(a.Similarity-b.Similarity) > 1e-9 {
			t.Fatalf("story %d: kept memory %+v, reloaded %+v", i, a, b)
		}
		a.Score, a.Similarity, b.Score, b.Similarity = 0, 0, 0, 0
		if a != b {
			t.Fatalf("story %d: kept memory %+v, reloaded %+v", i, kept[i], reloaded[i])
		}
		if kept[i].DuplicateOf != 0 {
			dups++
		} else if kept[i].Size > 1 {
			joined++
		}
	}
	// The stream must exercise both lookups for the comparison to mean much.
	if dups < n/20 || joined < n/5 {
		t.Errorf("only %d duplicates and %d joined of %d", dups, joined, n)
	}
}

// A rolled-back transaction leaves no trace in memory: the next story does
// not find the one that was never committed.
func TestProcessRollback(t *testing.T) {
	ctx := context.Background()
	s := newStream(t, dedupe.DefaultConfig())
	const title, summary = "Kremlin says Putin and Trump to speak by phone on Saturday", "The call will take place on Saturday, a Kremlin spokesman said."
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		feedID, err := tx.FeedID(ctx, "a", "https://a.example/feed")
		if err != nil {
			return err
		}
		st := storyline.Story{URL: "https://a.example/1", Canonical: "https://a.example/1", Title: title, Summary: summary, Published: base, FirstSeen: base}
		if err := tx.InsertStory(ctx, &st, feedID, st.URL); err != nil {
			return err
		}
		if _, err := s.ix.Process(ctx, tx, &st); err != nil {
			return err
		}
		return errors.New("poll failed later")
	})
	if err == nil {
		t.Fatal("want the transaction to fail")
	}
	id, r := s.add(time.Hour, "b", title+" - Daily Wire", summary)
	if r.DuplicateOf != 0 || r.Storyline != id || r.Size != 1 {
		t.Errorf("after rollback: %+v, want a new original in its own storyline %d", r, id)
	}
	_, r = s.add(2*time.Hour, "c", title, summary)
	if r.DuplicateOf != id {
		t.Errorf("committed copy not found: %+v, want duplicate of %d", r, id)
	}
}
