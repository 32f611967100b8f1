package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/web"
)

const (
	benchStories = 1_000_000
	benchEvents  = 10_000 // open events, in the views' reach
)

var benchNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// benchStore is a store of 1M stories over a year with 10,000 events
// announced in the last 30 days (a quarter of them reported), built once
// into the temp folder by SQL and reused.
func benchStore(b *testing.B) *storage.DB {
	b.Helper()
	path := filepath.Join(os.TempDir(), "storyline-web-bench-1m-v1.db")
	ctx := context.Background()
	if _, err := os.Stat(path + ".done"); err != nil {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
		db, err := storage.Open(ctx, path) // the real schema
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
		if err != nil {
			b.Fatal(err)
		}
		raw.SetMaxOpenConns(1)
		start := benchNow.Add(-365 * 24 * time.Hour).Unix()
		step := int64(365*24*3600) / benchStories
		recent := benchNow.Add(-30 * 24 * time.Hour).Unix()
		stmts := []string{
			`DROP TRIGGER IF EXISTS stories_fts_insert`,
			`INSERT INTO feeds(name, url) VALUES ('bench', 'file:bench')`,
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < %d)
				INSERT INTO stories(id, url, link, title, summary, hash, published, first_seen, updated, feed_id)
				SELECT i, 'https://bench.example/'||i, 'https://bench.example/'||i, 'Story '||i||' about <the> harbour & the council',
					'', 'h'||i, %d + i*%d, %d + i*%d, %d + i*%d, 1 FROM n`, benchStories, start, step, start, step, start, step),
			// Events on the latest stories: dated from a week back to three weeks ahead.
			fmt.Sprintf(`INSERT INTO followup_events(id, story_id, published, summary, actors, action, class, win_from, win_to, open_until, evidence, terms)
				SELECT id, id, published, 'Mayor '||id||' and the council meet', '[]', 'meet', 'meet',
					(published / 86400 + 1 + id %% 21) * 86400, (published / 86400 + 1 + id %% 21) * 86400,
					(published / 86400 + 25 + id %% 21) * 86400, '', '[]'
				FROM stories WHERE published >= %d ORDER BY id DESC LIMIT %d`, recent, benchEvents),
			`INSERT INTO followup_links(event_id, story_id, relation, score, explanation)
				SELECT e.id, e.id + 1, CASE e.id % 8 WHEN 0 THEN 'cancelled' ELSE 'happened' END, 0.5, 'terms mayor, council'
				FROM followup_events e WHERE e.id % 4 = 0 AND e.id + 1 <= (SELECT max(id) FROM stories)`,
			`ANALYZE`,
		}
		for _, q := range stmts {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				b.Fatalf("build bench store: %v\n%s", err, q)
			}
		}
		raw.Close()
		if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkViews times the page and the calendar over 1M stories with
// 10,000 open events, and reports p50/p99 per request (targets: page < 50
// ms, calendar < 100 ms p99).
func BenchmarkViews(b *testing.B) {
	db := benchStore(b)
	h := web.New(web.Options{DB: db, Followup: followup.DefaultOptions(), Now: func() time.Time { return benchNow }})
	for _, target := range []string{"/", "/calendar.ics", "/feed.atom"} {
		b.Run(target, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
				took = append(took, time.Since(start))
				if w.Code != 200 {
					b.Fatalf("%s: %d", target, w.Code)
				}
			}
			slices.Sort(took)
			p := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
			b.ReportMetric(p(0.5), "p50-ms")
			b.ReportMetric(p(0.99), "p99-ms")
		})
	}
}
