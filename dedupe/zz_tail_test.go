package dedupe_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/storage"
)

type tailStore struct {
	*storage.Tx
	sql *time.Duration
	n   *int
}

func (s tailStore) NearTexts(ctx context.Context, ids []int64) ([]dedupe.NearText, error) {
	defer s.t(time.Now())
	*s.n += len(ids)
	return s.Tx.NearTexts(ctx, ids)
}
func (s tailStore) Clusters(ctx context.Context, ids []int64) ([]dedupe.StoryCluster, error) {
	defer s.t(time.Now())
	*s.n += 1000 * len(ids)
	return s.Tx.Clusters(ctx, ids)
}
func (s tailStore) SetStoryline(ctx context.Context, id, dup, sl int64) error {
	defer s.t(time.Now())
	return s.Tx.SetStoryline(ctx, id, dup, sl)
}
func (s tailStore) t(t0 time.Time) { *s.sql += time.Since(t0) }

func BenchmarkZZTail(b *testing.B) {
	ctx := context.Background()
	db, gen := benchStore(b, 1_000_000, 5000)
	var clock time.Time
	ix, _ := dedupe.New(dedupe.DefaultConfig(), nil, func() time.Time { return clock })
	type rec struct {
		total, sql time.Duration
		n          int
	}
	var recs []rec
	for i := 0; i < b.N; {
		db.Update(ctx, func(tx *storage.Tx) error {
			feed, _ := tx.FeedID(ctx, "bench", "https://bench.example/feed")
			for end := min(i+200, b.N); i < end; i++ {
				s := gen.next()
				clock = s.Published
				tx.InsertStory(ctx, &s, feed, s.URL)
				var r rec
				t0 := time.Now()
				ix.Process(ctx, tailStore{tx, &r.sql, &r.n}, &s)
				r.total = time.Since(t0)
				recs = append(recs, r)
			}
			return nil
		})
	}
	if len(recs) < 100 {
		return
	}
	recs = recs[1:]
	sort.Slice(recs, func(i, j int) bool { return recs[i].total < recs[j].total })
	for _, q := range []float64{0.5, 0.9, 0.95, 0.98, 0.99, 0.995} {
		r := recs[int(q*float64(len(recs)))]
		fmt.Printf("q%.3f total %v sql %v n %d\n", q, r.total, r.sql, r.n)
	}
	var sqlTop, totTop time.Duration
	for _, r := range recs[len(recs)*98/100:] {
		sqlTop += r.sql
		totTop += r.total
	}
	fmt.Printf("top 2%%: sql share %.2f\n", float64(sqlTop)/float64(totTop))
}
