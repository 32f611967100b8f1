package topic_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
)

// newsWords is a made-up newsroom vocabulary for the benchmarks.
var newsWords = strings.Fields(`government minister president election vote parliament court ruling
	judge police attack killed wounded protest rally strike union workers wages inflation prices
	market stocks shares bank rates central growth economy recession jobs unemployment trade tariff
	export import oil gas energy climate emissions carbon storm flood drought wildfire earthquake
	hospital health virus vaccine doctors patients study scientists research university school
	students teachers budget deficit debt taxes reform law bill senate congress house committee
	hearing testimony investigation report inquiry scandal resign resignation appointed chief
	executive company profit loss revenue merger acquisition deal talks summit meeting leaders
	visit call phone speak statement spokesman agency ministry foreign defence military army troops
	border refugees migrants asylum ceasefire peace war conflict sanctions embargo nuclear missile
	launch space satellite rocket technology software apple google microsoft amazon phone app data
	privacy security hack breach cyber football match league cup final team coach player goal
	season transfer film music festival award actor singer album tour show series television
	weather rain snow heat record highest lowest week month year today tomorrow monday tuesday
	wednesday thursday friday saturday sunday morning evening city capital region province state
	national local international european african asian american russian chinese german french`)

// benchTopics returns n topics of mixed shapes over newsWords, with a few
// field, regex and option topics like a real config.
func benchTopics(n int) []*topic.Topic {
	rnd := rand.New(rand.NewPCG(7, 7))
	w := func() string { return newsWords[rnd.IntN(len(newsWords))] }
	var out []*topic.Topic
	for i := 0; len(out) < n; i++ {
		var q string
		switch i % 10 {
		case 0:
			q = fmt.Sprintf(`(%s OR "%s %s") AND (%s OR %s)`, w(), w(), w(), w(), w())
		case 1:
			q = fmt.Sprintf(`%s %s -%s`, w(), w(), w())
		case 2:
			q = fmt.Sprintf(`%s* AND (%s OR %s OR %s)`, w()[:4], w(), w(), w())
		case 3:
			q = fmt.Sprintf(`title:%s OR "%s %s"`, w(), w(), w())
		case 4:
			q = fmt.Sprintf(`%s-%s OR %s`, w(), w(), w())
		case 5:
			q = fmt.Sprintf(`(%s OR %s) NOT (%s OR %s)`, w(), w(), w(), w())
		case 6:
			q = fmt.Sprintf(`"%s %s" %s`, w(), w(), w())
		case 7:
			q = fmt.Sprintf(`%s AND category:%s`, w(), w())
		case 8:
			q = fmt.Sprintf(`%s OR %s OR %s OR %s`, w(), w(), w(), w())
		case 9:
			if i%30 == 9 && os.Getenv("NOREGEX") == "" {
				q = fmt.Sprintf(`/%s(s|ed)?\b/ %s`, w(), w())
			} else {
				q = fmt.Sprintf(`%s AND %s`, w(), w())
			}
		}
		opt := topic.Options{Priority: i % 3}
		if i%7 == 0 {
			opt.Feeds = []string{"wire-*", "bbc"}
		}
		if i%11 == 0 {
			opt.MinSources = 2
		}
		out = append(out, topic.MustCompile("t"+strconv.Itoa(i), q, opt))
	}
	return out
}

// plainWords fill the benchmark story between newsroom words.
var plainWords = strings.Fields(`the of and to a in that is was he for it with as his on be at by i this
	had not are but from or have an they which one you were her all she there would their we him been
	has when who will more no if out so said what up its about into than them can only other new some
	could time these two may then do first any my now such like our over man me even most made after
	also did many before must through back years where much your way well down should because each
	just those people how too little good very make world still own see men work long get here between
	both life being under never day same another know while last might us great old year off come
	since against go came right used take three`)

// benchStory is a new story as a feed delivers it: one word in five is a
// newsroom word that the topics may ask for.
func benchStory(words int) storyline.Story {
	rnd := rand.New(rand.NewPCG(3, 3))
	text := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = plainWords[rnd.IntN(len(plainWords))]
			if rnd.IntN(5) == 0 {
				parts[i] = newsWords[rnd.IntN(len(newsWords))]
			}
			if i%9 == 8 {
				parts[i] += "."
			}
		}
		return strings.Join(parts, " ")
	}
	return storyline.Story{
		Title:      "Minister's phone call: talks on sanctions and the oil-price deal",
		Summary:    text(45),
		Content:    text(words),
		Author:     "Jane Doe",
		Categories: []string{"World", "Politics"},
		Feed:       "wire-europe", Feeds: []string{"wire-europe", "bbc"},
	}
}

// BenchmarkSetMatch is the pipeline's cost per new story: 100 topics
// against one story. Target: under 50 µs per story.
func BenchmarkSetMatch(b *testing.B) {
	set := topic.NewSet(benchTopics(100)...)
	for _, size := range []struct {
		name  string
		words int
	}{{"summary", 0}, {"content-500w", 500}, {"content-2000w", 2000}} {
		st := benchStory(size.words)
		b.Run(size.name, func(b *testing.B) {
			hits := 0
			for b.Loop() {
				hits = len(set.Match(&st, 2))
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// benchStories is the size of the store for BenchmarkTopicsTest;
// STORYLINE_BENCH_STORIES overrides it.
func benchStories() int {
	if n, err := strconv.Atoi(os.Getenv("STORYLINE_BENCH_STORIES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var (
	benchOnce sync.Once
	benchPath string
	benchDir  string // a temporary store's folder, removed by TestMain
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB builds (once per test binary) a store of synthetic stories with
// raw batched inserts; the FTS5 triggers index them. STORYLINE_BENCH_DB
// names a file to keep and reuse across runs.
func benchDB(b *testing.B) *storage.DB {
	b.Helper()
	benchOnce.Do(func() {
		n := benchStories()
		benchPath = os.Getenv("STORYLINE_BENCH_DB")
		if benchPath == "" {
			dir, err := os.MkdirTemp("", "storyline-bench-")
			if err != nil {
				benchErr = err
				return
			}
			benchDir, benchPath = dir, filepath.Join(dir, "bench.db")
		}
		benchErr = buildBenchDB(benchPath, n)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	db, err := storage.Open(context.Background(), benchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func buildBenchDB(path string, n int) error {
	ctx := context.Background()
	db, err := storage.Open(ctx, path) // creates and migrates
	if err != nil {
		return err
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	var have int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM stories`).Scan(&have); err != nil {
		return err
	}
	if have == n {
		return nil // a kept store from an earlier run
	}
	if have != 0 {
		return fmt.Errorf("%s holds %d stories, not %d: remove it", path, have, n)
	}
	const feeds = 20
	for i := 1; i <= feeds; i++ {
		name := fmt.Sprintf("feed-%02d", i)
		if i <= 5 {
			name = fmt.Sprintf("wire-%02d", i)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO feeds(id, name, url) VALUES (?, ?, ?)`, i, name, "https://example.org/"+name); err != nil {
			return err
		}
	}
	rnd := rand.New(rand.NewPCG(11, 11))
	// Word frequencies fall off like a Zipf law over newsWords plus many
	// rarer made-up words; the words of the benchmark topic are seeded at
	// fixed rates.
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, 5)), 1.1, 10, 50_000)
	word := func() string {
		k := int(zipf.Uint64())
		if k < len(newsWords) {
			return newsWords[k]
		}
		return "w" + strconv.Itoa(k)
	}
	seeded := []struct {
		text string
		rate float64
	}{{"Trump", 0.02}, {"Putin", 0.01}, {"Kremlin", 0.005}, {"White House", 0.01}, {"Merkel", 0.01}}
	sentence := func(words int) string {
		parts := make([]string, 0, words+2)
		for range words {
			parts = append(parts, word())
		}
		for _, s := range seeded {
			if rnd.Float64() < s.rate {
				parts[rnd.IntN(len(parts))] = s.text
			}
		}
		return strings.Join(parts, " ")
	}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	const batch = 20_000
	for lo := 0; lo < n; lo += batch {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO stories(id, url, link, title, summary, hash, published, first_seen, updated, feed_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		sight, err := tx.PrepareContext(ctx, `INSERT INTO sightings(feed_id, item_key, story_id, first_seen) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := lo; i < min(n, lo+batch); i++ {
			id := int64(i + 1)
			at := start + int64(i)*60 // one story a minute: 1M span ~2 years
			feed := 1 + rnd.IntN(feeds)
			url := "https://example.org/s/" + strconv.Itoa(i)
			if _, err := ins.ExecContext(ctx, id, url, url, sentence(10), sentence(35), strconv.Itoa(i), at, at, at, feed); err != nil {
				return err
			}
			if _, err := sight.ExecContext(ctx, feed, "u:"+url, id, at); err != nil {
				return err
			}
		}
		ins.Close()
		sight.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
		// Storage indexes the stories its triggers queued at the end of
		// each of its own transactions: an empty one indexes this batch.
		if err := db.Update(ctx, func(*storage.Tx) error { return nil }); err != nil {
			return err
		}
	}
	_, err = raw.ExecContext(ctx, `INSERT INTO stories_fts(stories_fts) VALUES ('optimize')`)
	return err
}

// BenchmarkTopicsTest is "storyline topics test" over a store of 1M
// stories (STORYLINE_BENCH_STORIES). Target: under 1 s.
func BenchmarkTopicsTest(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name, query string
		opt         topic.TestOptions
	}{
		{"us-russia", `(Trump OR "White House") AND (Putin OR Kremlin)`, topic.TestOptions{}},
		{"us-russia-since-30d", `(Trump OR "White House") AND (Putin OR Kremlin)`, topic.TestOptions{
			Since: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(benchStories()) * time.Minute).Add(-30 * 24 * time.Hour)}},
		{"broad-merkel", `Merkel -Trump`, topic.TestOptions{}},
		{"common-word", `government`, topic.TestOptions{}},
		{"regex-scan-100k", `/merkel|putin/`, topic.TestOptions{MaxScan: 100_000}},
	} {
		tp := topic.MustCompile(bc.name, bc.query, topic.Options{})
		b.Run(bc.name, func(b *testing.B) {
			var rep *topic.Report
			for b.Loop() {
				var err error
				if rep, err = topic.Test(ctx, db, tp, bc.opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rep.Candidates), "candidates")
			b.ReportMetric(float64(rep.Matched), "matches")
		})
	}
}
