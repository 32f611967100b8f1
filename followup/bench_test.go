package followup_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// The benchmark store: a million stories over two years, with the
// follow-up index rows such a store holds (each story indexed under three
// actor terms and three common ones, one anticipated event in seven with
// two actors and its terms), actors drawn from 20,000 with a skew so that
// a few are in many stories. Built once with batched
// SQL inserts and kept in the temp dir for later runs.
const (
	benchStories = 1_000_000
	benchActors  = 20_000
	benchDays    = 730
)

var benchStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func benchDB(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), "storyline-followup-bench-1m-v3.db")
	ctx := context.Background()
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	db, err := storage.Open(ctx, path) // schema by the real migrations
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	start := time.Now()
	step := int64(benchDays*24*3600) / benchStories
	// The full-text triggers only slow the build down: the lookup never
	// touches stories_fts.
	stmts := []string{
		`DROP TRIGGER IF EXISTS stories_fts_insert`,
		`INSERT INTO feeds(name, url) VALUES ('bench', 'file:bench')`,
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < %d)
			INSERT INTO stories(id, url, link, title, summary, hash, published, first_seen, updated, feed_id)
			SELECT i, 'https://bench.example/'||i, 'https://bench.example/'||i,
				'Actor'||(i %% %d)||' and Actor'||((i*7) %% %d)||' reported on story '||i, '', 'h'||i,
				%d + i*%d, %d + i*%d, %d + i*%d, 1 FROM n`,
			benchStories, benchActors, benchActors, benchStart.Unix(), step, benchStart.Unix(), step, benchStart.Unix(), step),
		// Skewed actor numbers: x*x*x puts a few actors in many stories.
		fmt.Sprintf(`INSERT INTO followup_outcomes(story_id, published, keys)
			WITH r AS MATERIALIZED (SELECT s.id, s.published, t.j, (abs(random()) %% 1000000) / 1000000.0 AS x
				FROM stories s, (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2) t),
			k AS (SELECT DISTINCT id, published, 'actor'||CAST(%d * x*x*x AS INTEGER) AS key FROM r
				UNION SELECT id, published, CASE (id + j) %% 6 WHEN 0 THEN 'talk' WHEN 1 THEN 'trade' WHEN 2 THEN 'vote'
				WHEN 3 THEN 'secur' WHEN 4 THEN 'court' ELSE 'launch' END FROM r)
			SELECT id, published, json_group_array(key) FROM k GROUP BY id`,
			benchActors),
		fmt.Sprintf(`INSERT INTO followup_events(id, story_id, published, summary, actors, action, class, win_from, win_to, open_until, evidence, terms)
			WITH a AS MATERIALIZED (SELECT id, published, CAST(%d * x*x*x AS INTEGER) AS x, CAST(%d * y*y AS INTEGER) AS y FROM
				(SELECT id, published, (abs(random()) %% 1000000) / 1000000.0 AS x, (abs(random()) %% 1000000) / 1000000.0 AS y
				 FROM stories WHERE id %% 7 = 0))
			SELECT id, id, published, 'Actor'||x||' and Actor'||y||' meet',
				json_array(json_object('name', 'Actor'||x, 'key', 'actor'||x), json_object('name', 'Actor'||y, 'key', 'actor'||y)),
				'meet', CASE id %% 3 WHEN 0 THEN 'speak' WHEN 1 THEN 'meet' ELSE 'vote' END,
				(published / 86400 + 2) * 86400, (published / 86400 + 2) * 86400, (published / 86400 + 6) * 86400,
				'Actor'||x||' and Actor'||y||' are expected to hold talks in Geneva on Tuesday about trade and security',
				json_array('actor'||x, 'actor'||y, 'hold', 'talk', 'geneva', 'trade', 'secur')
			FROM a`, benchActors, benchActors),
		`INSERT OR IGNORE INTO followup_event_keys(class, key, open_until, event_id)
			SELECT '', j.value, e.open_until, e.id FROM followup_events e, json_each(e.terms) j`,
		`ANALYZE`,
	}
	for _, q := range stmts {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			b.Fatalf("build bench store: %v\n%s", err, q)
		}
	}
	var nStories, nOut, nEv int
	raw.QueryRow(`SELECT (SELECT count(*) FROM stories), (SELECT sum(json_array_length(keys)) FROM followup_outcomes), (SELECT count(*) FROM followup_events)`).Scan(&nStories, &nOut, &nEv)
	b.Logf("built %s in %v: %d stories, %d outcome index rows, %d anticipations", path, time.Since(start).Round(time.Second), nStories, nOut, nEv)
	if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// openBenchDB opens the benchmark store (built on first use), closed when
// the benchmark ends.
func openBenchDB(b *testing.B) (string, *storage.DB) {
	b.Helper()
	path := benchDB(b)
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return path, db
}

var errRollback = errors.New("rollback")

// newBenchStory is a new story at the end of the stored range naming two
// actors, one of them among the hot most popular when hot > 0.
func newBenchStory(rng *rand.Rand, id int64, hot int) *storyline.Story {
	x := rng.IntN(benchActors)
	if hot > 0 {
		x = rng.IntN(hot) // among the hot most popular actors
	}
	y := int(float64(benchActors) * rng.Float64() * rng.Float64())
	pub := benchStart.Add(time.Duration(benchDays*24-2) * time.Hour)
	return &storyline.Story{
		ID:        id,
		URL:       fmt.Sprintf("https://bench.example/new/%d", id),
		Title:     fmt.Sprintf("Actor%d and Actor%d held talks in Geneva", x, y),
		Summary:   fmt.Sprintf("Actor%d met Actor%d on Tuesday for talks about trade and security, officials said. The two spoke for an hour.", x, y),
		Published: pub,
	}
}

// lookup is one of the two ways the linker finds candidates: its memory,
// or the database for stories older than the memory reaches.
type lookup struct {
	name          string
	anticipations func(tx *storage.Tx, keys []string, at time.Time) ([]storyline.Anticipation, error)
	outcomes      func(tx *storage.Tx, keys []string, from, to time.Time) ([]int64, error)
}

// lookups returns both ways over the benchmark store, the memory loaded as
// the linker loads it at the end of the stored range (and the load timed).
func lookups(b *testing.B, db *storage.DB) []lookup {
	ctx := context.Background()
	end := benchStart.Add(benchDays * 24 * time.Hour)
	var mem followup.Lookups
	start := time.Now()
	err := db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		mem, err = followup.LoadLookups(ctx, tx, end.Add(-3*24*time.Hour))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("memory loaded in %v", time.Since(start).Round(time.Millisecond))
	return []lookup{
		{"memory",
			func(_ *storage.Tx, k []string, at time.Time) ([]storyline.Anticipation, error) {
				return mem.Anticipations(k, at, 200), nil
			},
			func(_ *storage.Tx, k []string, from, to time.Time) ([]int64, error) {
				return mem.Outcomes(k, from, to, 200), nil
			}},
		{"database",
			func(tx *storage.Tx, k []string, at time.Time) ([]storyline.Anticipation, error) {
				return tx.AnticipationCandidates(ctx, k, at, 200)
			},
			func(tx *storage.Tx, k []string, from, to time.Time) ([]int64, error) {
				return tx.OutcomeCandidates(ctx, k, from, to, 200)
			}},
	}
}

// BenchmarkCandidateLookup measures, at a million stored stories, what the
// linker does for one new story: analysis, the look-up of open
// anticipations it may fulfil (in memory, and in the database as for a
// story published before the memory's reach) and the scoring of every
// candidate. It reports percentiles per story.
//
//	go test ./followup -run '^$' -bench 'Lookup' -benchtime 2000x
func BenchmarkCandidateLookup(b *testing.B) {
	_, db := openBenchDB(b)
	opts := followup.DefaultOptions()
	for _, lk := range lookups(b, db) {
		for _, hot := range []int{0, 5, 1} {
			name := map[int]string{0: "any-actor", 5: "top5-actor", 1: "top-actor"}[hot]
			b.Run(lk.name+"/"+name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				cands, links := 0, 0
				timeEach(b, db, func(tx *storage.Tx, i int) error {
					s := newBenchStory(rng, int64(benchStories+1+i), hot)
					an := followup.Analyze(s)
					cs, err := lk.anticipations(tx, an.Terms, an.Published)
					if err != nil {
						return err
					}
					for k := range cs {
						if _, ok := opts.Score(&cs[k], an, nil); ok {
							links++
						}
					}
					cands += len(cs)
					return nil
				})
				b.ReportMetric(float64(cands)/float64(b.N), "candidates/story")
				b.ReportMetric(float64(links)/float64(b.N), "links/story")
			})
		}
	}
}

// BenchmarkLinkerAt1M measures what the pipeline's writer spends in
// follow-up linking per new story at a million stored stories: the
// linker's whole Process of a story analysed beforehand (as the fetch
// workers do), with its memory loaded from the store, look-ups, scoring,
// merging and the rows it writes (rolled back). It reports percentiles.
//
//	go test ./followup -run '^$' -bench 'LinkerAt1M' -benchtime 2000x
func BenchmarkLinkerAt1M(b *testing.B) {
	path, db := openBenchDB(b)
	ctx := context.Background()
	rare := loadStoreRarity(b, path)
	// Every 7th story announces (and was published two hours before the
	// newest stored story, so the stories after it are weighed as its
	// outcomes, as for a late feed); "reports" has none of those.
	for _, c := range []struct {
		name     string
		hot, ann int
	}{{"mixed", 0, 7}, {"mixed-top5-actor", 5, 7}, {"reports", 0, 0}, {"announcements", 0, 1}} {
		hot := c.hot
		b.Run(c.name, func(b *testing.B) {
			l := followup.NewLinker(followup.DefaultOptions(), nil)
			l.SetRarity(rare)
			rng := rand.New(rand.NewPCG(5, 6))
			links := 0
			durs := make([]time.Duration, 0, b.N)
			// A first transaction, rolled back, has the writer's statements
			// prepared as a running daemon has them.
			warm := func(tx *storage.Tx) error {
				feed, err := tx.FeedID(ctx, "bench-new", "file:bench-new")
				if err != nil {
					return err
				}
				for i := range 20 {
					s := newBenchStory(rand.New(rand.NewPCG(9, uint64(i))), 0, 0)
					if i%2 == 0 {
						s.Title = strings.Replace(s.Title, "held talks", "to hold talks", 1)
						s.Summary = "They are expected to meet on Friday for talks about trade and security."
					}
					if err := tx.InsertStory(ctx, s, feed, s.URL); err != nil {
						return err
					}
					if _, err := followup.NewLinker(followup.DefaultOptions(), nil).ProcessAnalyzed(ctx, tx, s, followup.Analyze(s)); err != nil {
						return err
					}
				}
				return errRollback
			}
			if err := db.Update(ctx, warm); !errors.Is(err, errRollback) {
				b.Fatal(err)
			}
			err := db.Update(ctx, func(tx *storage.Tx) error {
				feed, err := tx.FeedID(ctx, "bench-new", "file:bench-new")
				if err != nil {
					return err
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					s := newBenchStory(rng, 0, hot)
					s.FirstSeen = s.Published
					if c.ann > 0 && i%c.ann == 0 {
						s.Title = strings.Replace(s.Title, "held talks", "to hold talks", 1)
						s.Summary = "They are expected to meet on Friday for talks about trade and security."
					}
					an := followup.Analyze(s) // in the fetch workers
					if err := tx.InsertStory(ctx, s, feed, s.URL); err != nil {
						return err
					}
					t0 := time.Now()
					res, err := l.ProcessAnalyzed(ctx, tx, s, an)
					durs = append(durs, time.Since(t0))
					if err != nil {
						return err
					}
					links += res.Links
				}
				b.StopTimer()
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				b.Fatal(err)
			}
			reportPercentiles(b, durs)
			b.ReportMetric(float64(links)/float64(b.N), "links/story")
		})
	}
}

// storeRarity counts, as dedupe's index would, how many stored stories hold
// each term the benchmark store indexes them under.
type storeRarity struct {
	df   map[string]int64
	docs int64
}

func (r *storeRarity) DocFreqs(words []string, df []int64) int64 {
	for i, w := range words {
		df[i] = r.df[w]
	}
	return r.docs
}

func loadStoreRarity(b *testing.B, path string) *storeRarity {
	b.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	r := &storeRarity{df: map[string]int64{}}
	if err := raw.QueryRow(`SELECT count(*) FROM stories`).Scan(&r.docs); err != nil {
		b.Fatal(err)
	}
	rows, err := raw.Query(`SELECT k.value, count(*) FROM followup_outcomes o, json_each(o.keys) k GROUP BY k.value`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		var n int64
		if err := rows.Scan(&w, &n); err != nil {
			b.Fatal(err)
		}
		r.df[w] = n
	}
	return r
}

// BenchmarkOutcomeLookup measures the other direction for a new
// anticipation published in the last days of the store: the look-up of
// stored stories in its window, their loading and analysis, and scoring.
func BenchmarkOutcomeLookup(b *testing.B) {
	_, db := openBenchDB(b)
	ctx := context.Background()
	opts := followup.DefaultOptions()
	for _, lk := range lookups(b, db) {
		b.Run(lk.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			cands := 0
			timeEach(b, db, func(tx *storage.Tx, _ int) error {
				x, y := int(float64(benchActors)*rng.Float64()*rng.Float64()), rng.IntN(benchActors)
				pub := benchStart.Add(time.Duration(benchDays*24-1-rng.IntN(48)) * time.Hour)
				a := storyline.Anticipation{
					Published: pub, Class: "meet", Action: "meet", From: pub.Truncate(24*time.Hour).AddDate(0, 0, 2),
					Actors: []storyline.Actor{{Name: fmt.Sprintf("Actor%d", x), Key: fmt.Sprintf("actor%d", x)}, {Name: fmt.Sprintf("Actor%d", y), Key: fmt.Sprintf("actor%d", y)}},
					Terms:  []string{fmt.Sprintf("actor%d", x), fmt.Sprintf("actor%d", y), "hold", "talk", "geneva"},
				}
				a.To = a.From
				from, to := opts.SearchRange(&a)
				ids, err := lk.outcomes(tx, a.Terms, from, to)
				if err != nil {
					return err
				}
				stories, err := tx.FollowupStories(ctx, ids)
				if err != nil {
					return err
				}
				for k := range stories {
					opts.Score(&a, followup.Analyze(&stories[k]), nil)
				}
				cands += len(ids)
				return nil
			})
			b.ReportMetric(float64(cands)/float64(b.N), "candidates/event")
		})
	}
}

// timeEach calls one b.N times in a transaction it rolls back (the store
// stays as built), timing each call, and reports the percentiles.
func timeEach(b *testing.B, db *storage.DB, one func(tx *storage.Tx, i int) error) {
	ctx := context.Background()
	durs := make([]time.Duration, 0, b.N)
	err := db.Update(ctx, func(tx *storage.Tx) error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := one(tx, i); err != nil {
				return err
			}
			durs = append(durs, time.Since(t0))
		}
		b.StopTimer()
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatal(err)
	}
	reportPercentiles(b, durs)
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	slices.Sort(durs)
	p := func(q float64) float64 { return float64(durs[int(q*float64(len(durs)-1))].Microseconds()) }
	b.ReportMetric(p(0.50), "p50-µs")
	b.ReportMetric(p(0.99), "p99-µs")
}
