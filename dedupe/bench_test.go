package dedupe_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/storage"
)

// synth writes a deterministic stream of news-like stories: events with a
// few rare key words covered by several outlets over about a day, common
// words drawn from a Zipf distribution, and one story in five a lightly
// edited copy of an earlier one (another outlet running the wire copy).
type synth struct {
	rng    *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	events []*event
	at     time.Time
	step   time.Duration
	n      int
}

type event struct {
	keys    []string
	ends    time.Time
	stories []storyline.Story
}

const vocabSize = 60000

func newSynth(perDay int) *synth {
	rng := rand.New(rand.NewPCG(2014, 3))
	s := &synth{
		rng:  rng,
		zipf: rand.NewZipf(rng, 1.1, 2, vocabSize-1),
		at:   time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		step: 24 * time.Hour / time.Duration(perDay),
	}
	// Words of 2 to 10 letters drawn with English letter frequencies, so
	// that unrelated texts share about as few character shingles as real
	// ones do.
	const letters = "eeeeeeeeeeeetttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddlllluuummmwwffggyyppbbvkjxqz"
	seen := map[string]bool{}
	for len(s.vocab) < vocabSize {
		b := make([]byte, 2+rng.IntN(9))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			s.vocab = append(s.vocab, w)
		}
	}
	return s
}

func (s *synth) common(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s.vocab[s.zipf.Uint64()]
	}
	return out
}

func (s *synth) sentence(keys []string, n int) string {
	words := append(s.common(n), keys...)
	s.rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ")
}

// next returns the next story (without id), a copy of an earlier one a
// fifth of the time.
func (s *synth) next() storyline.Story {
	s.n++
	s.at = s.at.Add(s.step/2 + time.Duration(s.rng.Int64N(int64(s.step))))
	live := s.events[:0]
	for _, e := range s.events {
		if e.ends.After(s.at) {
			live = append(live, e)
		}
	}
	s.events = live
	var e *event
	if len(live) > 0 && s.rng.Float64() < 0.8 {
		e = live[s.rng.IntN(len(live))]
	} else {
		e = &event{ends: s.at.Add(time.Duration(6+s.rng.IntN(36)) * time.Hour)}
		for range 2 + s.rng.IntN(3) {
			e.keys = append(e.keys, s.vocab[2000+s.rng.IntN(vocabSize-2000)])
		}
		s.events = append(s.events, e)
	}
	st := storyline.Story{Published: s.at, FirstSeen: s.at, Source: fmt.Sprint("Outlet ", s.rng.IntN(500))}
	if len(e.stories) > 0 && s.rng.Float64() < 0.25 {
		orig := e.stories[s.rng.IntN(len(e.stories))]
		words := strings.Fields(orig.Title)
		words[s.rng.IntN(len(words))] = s.common(1)[0]
		st.Title = strings.Join(words, " ") + " - " + st.Source
		st.Summary = orig.Summary
	} else {
		st.Title = s.sentence(e.keys[:2], 6)
		st.Summary = s.sentence(e.keys, 24) + ". " + s.sentence(nil, 10) + "."
	}
	st.URL = fmt.Sprintf("https://news%d.example/%d", s.rng.IntN(500), s.n)
	st.Canonical = st.URL
	e.stories = append(e.stories, st)
	return st
}

// benchStore returns a database holding n synthetic stories as the real
// pipeline would have left it, and the generator positioned after them.
// Built once per size and version into the system temp directory (or
// $STORYLINE_BENCH_DIR), then copied for each run.
func benchStore(b *testing.B, n, perDay int) (*storage.DB, *synth) {
	b.Helper()
	dir := os.Getenv("STORYLINE_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "storyline-dedupe-bench")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	cached := filepath.Join(dir, fmt.Sprintf("v9-%d-%d.db", n, perDay))
	if _, err := os.Stat(cached); err != nil {
		start := time.Now()
		buildStore(b, cached+".tmp", n, perDay)
		if err := os.Rename(cached+".tmp", cached); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d stories in %v (cached in %s)", n, time.Since(start).Round(time.Second), cached)
	}
	file := filepath.Join(b.TempDir(), "bench.db")
	copyFile(b, cached, file)
	db, err := storage.Open(context.Background(), file)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	gen := newSynth(perDay)
	for range n {
		gen.next()
	}
	return db, gen
}

// window is how far back the indexes reach: older stories left them.
func window(cfg dedupe.Config) time.Duration { return max(cfg.NearWindow, cfg.ClusterIdle) }

// buildStore stores n stories. The ones older than the index window are
// stored with their term counts only: by the time the window has passed,
// Process has pruned every other trace of them, so running it on them would
// leave the same database, slower. The last window's stories go through
// the real Process.
func buildStore(b *testing.B, file string, n, perDay int) {
	ctx := context.Background()
	os.Remove(file)
	db, err := storage.Open(ctx, file)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cfg := dedupe.DefaultConfig()
	full := n - int(float64(perDay)*window(cfg).Hours()/24)
	gen := newSynth(perDay)
	var clock time.Time
	ix, err := dedupe.New(cfg, nil, func() time.Time { return clock })
	if err != nil {
		b.Fatal(err)
	}
	for done := 0; done < n; {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "bench", "https://bench.example/feed")
			if err != nil {
				return err
			}
			counts := map[int64]int64{}
			for end := min(done+5000, n); done < end; done++ {
				s := gen.next()
				clock = s.Published
				if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
					return err
				}
				if done >= full {
					if _, err := ix.Process(ctx, tx, &s); err != nil {
						return err
					}
					continue
				}
				counts[dedupe.TermKey("")]++
				for _, w := range termNames(cfg, &s) {
					if !strings.Contains(w, " ") { // words only, as Process counts
						counts[dedupe.TermKey(w)]++
					}
				}
			}
			return tx.AddTermCounts(ctx, counts)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// termNames are the terms Process counts for a story.
func termNames(cfg dedupe.Config, s *storyline.Story) []string {
	w := cfg.Weights.Terms(dedupe.CleanTitle(s.Title, s.Source), dedupe.CleanSummary(s.Summary))
	names := make([]string, 0, len(w))
	for t := range w {
		names = append(names, t)
	}
	sort.Strings(names)
	return names
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkProcess measures Process per new story with 10k, 100k and 1M
// stories already stored, arriving at 5,000 a day (1M = 200 days): the
// cost should stay flat because both lookups go through indexes bounded by
// the time window. Each new story is stored first (not timed), then
// processed, 200 to a transaction as in a large poll.
//
//	go test ./dedupe/ -run '^$' -bench BenchmarkProcess -benchtime 5000x -timeout 60m
func BenchmarkProcess(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) { benchProcess(b, n, 5000) })
	}
}

// BenchmarkProcessDense keeps 100k stories inside the index window (50,000
// stories a day): the worst case for the index sizes.
func BenchmarkProcessDense(b *testing.B) {
	b.Run("stored=100000,per_day=50000", func(b *testing.B) { benchProcess(b, 100_000, 50_000) })
}

func benchProcess(b *testing.B, n, perDay int) {
	ctx := context.Background()
	db, gen := benchStore(b, n, perDay)
	var clock time.Time
	ix, err := dedupe.New(dedupe.DefaultConfig(), nil, func() time.Time { return clock })
	if err != nil {
		b.Fatal(err)
	}
	took := make([]time.Duration, 0, b.N)
	var flush time.Duration // the writes Process leaves to the end of each transaction
	var dups, joined int
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "bench", "https://bench.example/feed")
			if err != nil {
				return err
			}
			for end := min(i+200, b.N); i < end; i++ {
				s := gen.next()
				clock = s.Published
				if err := tx.InsertStory(ctx, &s, feed, s.URL); err != nil {
					return err
				}
				b.StartTimer()
				t0 := time.Now()
				res, err := ix.Process(ctx, timedStore{tx, &flush}, &s)
				took = append(took, time.Since(t0))
				b.StopTimer()
				if err != nil {
					return err
				}
				if res.DuplicateOf != 0 {
					dups++
				} else if res.Storyline != s.ID {
					joined++
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	q := func(f float64) float64 {
		return float64(took[min(len(took)-1, int(f*float64(len(took))))].Microseconds())
	}
	b.ReportMetric(q(0.5), "p50-µs")
	b.ReportMetric(float64(flush.Microseconds())/float64(b.N), "flush-µs/story")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(float64(dups)/float64(b.N), "dup-frac")
	b.ReportMetric(float64(joined)/float64(b.N), "joined-frac")
	if st, err := db.DedupeIndexStats(ctx); err == nil {
		b.ReportMetric(float64(st.Fingerprints), "signatures")
		b.ReportMetric(float64(st.Clusters), "open-clusters")
	}
}

// timedStore times the writes Process defers to the end of a transaction.
type timedStore struct {
	*storage.Tx
	took *time.Duration
}

func (s timedStore) AddTermCounts(ctx context.Context, delta map[int64]int64) error {
	defer s.time(time.Now())
	return s.Tx.AddTermCounts(ctx, delta)
}

func (s timedStore) AddFingerprints(ctx context.Context, sigs []dedupe.StoredSignature) error {
	defer s.time(time.Now())
	return s.Tx.AddFingerprints(ctx, sigs)
}

func (s timedStore) SaveClusters(ctx context.Context, cs []dedupe.StoryCluster) error {
	defer s.time(time.Now())
	return s.Tx.SaveClusters(ctx, cs)
}

func (s timedStore) PruneDedupe(ctx context.Context, fingerprints, clusters time.Time) error {
	defer s.time(time.Now())
	return s.Tx.PruneDedupe(ctx, fingerprints, clusters)
}

func (s timedStore) time(t0 time.Time) { *s.took += time.Since(t0) }
