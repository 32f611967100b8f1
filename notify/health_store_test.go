package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/storyline/storyline"
	"github.com/storyline/storyline/notify"
	"github.com/storyline/storyline/storage"
)

// The real store feeds the feed-health notice.
var _ notify.HealthTx = (*storage.Tx)(nil)

// healthStore is a real SQLite store whose feeds are written as the watcher
// and the pipeline write them.
type healthStore struct {
	t  *testing.T
	db *storage.DB
	n  int
}

func newHealthStore(t *testing.T) *healthStore {
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "storyline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &healthStore{t: t, db: db}
}

// fetch records a fetch of feed at at: a success when errText is "".
func (h *healthStore) fetch(feed string, at time.Time, status int, errText string) {
	h.t.Helper()
	ctx := context.Background()
	err := h.db.Update(ctx, func(tx *storage.Tx) error {
		st, err := h.db.FeedState(ctx, feed)
		if err != nil {
			return err
		}
		st.URL, st.LastFetch, st.LastStatus = "https://"+feed+".example/feed", at, status
		if errText == "" {
			st.Polls++
			st.Failures, st.LastError, st.LastSuccess = 0, "", at
		} else {
			st.Failures++
			st.LastError = errText
		}
		return tx.SaveFeedState(ctx, st)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// arrive stores n new stories of feed, first seen at each of times.
func (h *healthStore) arrive(feed string, n int, times ...time.Time) {
	h.t.Helper()
	ctx := context.Background()
	err := h.db.Update(ctx, func(tx *storage.Tx) error {
		fid, err := tx.FeedID(ctx, feed, "https://"+feed+".example/feed")
		if err != nil {
			return err
		}
		for _, at := range times {
			for range n {
				h.n++
				url := fmt.Sprintf("https://%s.example/%d", feed, h.n)
				s := storyline.Story{URL: url, Canonical: url, Title: fmt.Sprintf("story %d", h.n), Published: at, FirstSeen: at}
				if err := tx.InsertStory(ctx, &s, fid, url); err != nil {
					return err
				}
				if err := tx.AddSighting(ctx, fid, "u:"+url, s.ID, url, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func every(from time.Time, gap time.Duration, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = from.Add(time.Duration(i) * gap)
	}
	return out
}

func TestFeedHealthFromStore(t *testing.T) {
	const day = 24 * time.Hour
	now := time.Date(2017, 3, 1, 7, 0, 0, 0, time.UTC)
	h := newHealthStore(t)

	// steady: one story every 8 hours for 20 days up to 6 days ago, after
	// a first poll of 5 stories; 10 days before that it brought one every
	// hour for 100 hours, of which the last 4 are within the 30 days
	// before its last story that count.
	h.fetch("steady", now.Add(-40*day), 200, "")
	h.arrive("steady", 1, every(now.Add(-40*day), time.Hour, 100)...)
	h.arrive("steady", 5, now.Add(-26*day))
	h.arrive("steady", 1, every(now.Add(-26*day+8*time.Hour), 8*time.Hour, 60)...)
	h.fetch("steady", now.Add(-10*time.Minute), 304, "")
	lastSteady := now.Add(-26*day + 60*8*time.Hour)

	// even: gaps of 1h and 3h; the median of two is their mean.
	h.arrive("even", 1, now.Add(-5*day), now.Add(-5*day+time.Hour), now.Add(-5*day+4*time.Hour))
	h.fetch("even", now.Add(-time.Hour), 200, "")

	// down: worked 5 days ago, failing since.
	h.fetch("down", now.Add(-9*day), 200, "")
	h.fetch("down", now.Add(-5*day), 200, "")
	for i := 4; i >= 1; i-- {
		h.fetch("down", now.Add(-time.Duration(i)*day), 503, "HTTP 503 Service Unavailable")
	}

	// never: failing from its first fetch two days ago.
	h.fetch("never", now.Add(-2*day), 0, "dial tcp: connection refused")
	h.fetch("never", now.Add(-day), 0, "dial tcp: connection refused")

	// gone: failing long, but no longer in the config.
	h.fetch("gone", now.Add(-30*day), 404, "HTTP 404 Not Found")

	var got []storyline.FeedHealth
	err := h.db.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		got, err = tx.FeedHealth(context.Background(), now, 101)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name                    string
		Failures                int
		FirstFetch              time.Time
		Arrivals                int
		Latest, Oldest          time.Time
		WeekBefore, NewestFirst bool
	}
	var rows []row
	for _, f := range got {
		r := row{Name: f.Name, Failures: f.Failures, FirstFetch: f.FirstFetch, Arrivals: len(f.Arrivals), WeekBefore: f.WeekBefore,
			NewestFirst: slices.IsSortedFunc(f.Arrivals, func(a, b time.Time) int { return b.Compare(a) })}
		if len(f.Arrivals) > 0 {
			r.Latest, r.Oldest = f.Arrivals[0], f.Arrivals[len(f.Arrivals)-1]
		}
		rows = append(rows, r)
	}
	want := []row{
		{"down", 4, now.Add(-9 * day), 0, time.Time{}, time.Time{}, false, true},
		// Nothing a week before its last story.
		{"even", 0, now.Add(-time.Hour), 3, now.Add(-5*day + 4*time.Hour), now.Add(-5 * day), false, true},
		{"gone", 1, now.Add(-30 * day), 0, time.Time{}, time.Time{}, false, true},
		{"never", 2, now.Add(-2 * day), 0, time.Time{}, time.Time{}, false, true},
		// The latest 101: 60 eight-hourly, the first poll's 5 stories as
		// one, 40 hourly.
		{"steady", 0, now.Add(-40 * day), 101, lastSteady, now.Add(-40*day + 60*time.Hour), true, true},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("feed health (-want +got):\n%s", diff)
	}

	// A digest reports the configured feeds that need a look, once it has
	// something else to send.
	spec := notify.Spec{Name: "morning", Subject: "morning", AlertAfter: day, MaxStories: 50}
	dg := &notify.Digester{
		Update: func(ctx context.Context, fn func(notify.Tx) error) error {
			return h.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
		},
		Specs: []notify.Spec{spec},
		Feeds: []string{"steady", "even", "down", "never"},
		Now:   func() time.Time { return now },
	}
	if res, err := dg.Run(context.Background(), "morning"); err != nil || res.Record == nil {
		t.Fatalf("first digest: %+v, %v", res, err)
	}
	now = now.Add(time.Minute)
	res, err := dg.Run(context.Background(), "morning")
	if err != nil {
		t.Fatal(err)
	}
	if res.Record != nil {
		t.Fatalf("a digest with nothing new but feed notices was recorded:\n%s", res.Record.Text)
	}
	h.arrive("even", 1, now.Add(-time.Minute))
	now = now.Add(time.Minute)
	res, err = dg.Run(context.Background(), "morning")
	if err != nil || res.Record == nil {
		t.Fatalf("digest with a new story: %+v, %v", res, err)
	}
	var lines []string
	for _, n := range res.Digest.FeedHealth {
		lines = append(lines, n.Feed+": "+n.Reason)
	}
	wantLines := []string{
		"down: failing for 5d: HTTP 503 Service Unavailable",
		"never: failing for 2d, never fetched successfully: dial tcp: connection refused",
		"steady: no new story for 6d, usually one every 8h",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	for _, n := range res.Digest.FeedHealth {
		if !strings.Contains(res.Record.Text, "\n* "+n.Feed+": ") || !strings.Contains(res.Record.HTML, "<strong>"+n.Feed+"</strong>") ||
			!strings.Contains(string(res.Record.Payload), `"reason": "`+n.Reason+`"`) {
			t.Errorf("the recorded digest lacks the notice on %s", n.Feed)
		}
	}
}

// BenchmarkFeedHealth reads the feed health of a store holding 30 days of
// sightings (a new story every hour for each feed) and composes the notice,
// as a digest run does, per run.
func BenchmarkFeedHealth(b *testing.B) {
	for _, feeds := range []int{100, 1000} {
		b.Run(fmt.Sprintf("feeds=%d", feeds), func(b *testing.B) {
			ctx := context.Background()
			db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			now := time.Date(2017, 3, 1, 7, 0, 0, 0, time.UTC)
			const hours = 30 * 24
			err = db.Update(ctx, func(tx *storage.Tx) error {
				for f := range feeds {
					name := fmt.Sprintf("feed%d", f)
					st := storyline.FeedState{Name: name, URL: "https://" + name + ".example/feed", Polls: hours,
						LastFetch: now.Add(-time.Minute), LastSuccess: now.Add(-time.Minute)}
					if f%10 == 0 {
						st.Failures, st.LastError, st.LastSuccess = 30, "HTTP 503 Service Unavailable", now.Add(-3*24*time.Hour)
					}
					if err := tx.SaveFeedState(ctx, st); err != nil {
						return err
					}
					fid, err := tx.FeedID(ctx, name, st.URL)
					if err != nil {
						return err
					}
					// One story sighted under many keys keeps the setup to
					// the sightings the query reads.
					s := storyline.Story{URL: st.URL, Canonical: st.URL, Title: name, Published: now, FirstSeen: now}
					if err := tx.InsertStory(ctx, &s, fid, st.URL); err != nil {
						return err
					}
					quiet := time.Duration(f%7) * 24 * time.Hour // some feeds went quiet days ago
					for h := range hours {
						at := now.Add(-quiet - time.Duration(h)*time.Hour - time.Duration(f)*time.Second)
						if err := tx.AddSighting(ctx, fid, fmt.Sprintf("k%d", h), s.ID, st.URL, at); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			spec := notify.Spec{Name: "morning", AlertAfter: 24 * time.Hour}
			b.ResetTimer()
			for b.Loop() {
				var d *notify.Digest
				err := db.Update(ctx, func(tx *storage.Tx) error {
					fs, err := tx.FeedHealth(ctx, now, 101)
					d = notify.Compose(spec, notify.Input{End: now, Feeds: fs})
					return err
				})
				if err != nil || len(d.FeedHealth) == 0 {
					b.Fatalf("%v, %d notices", err, len(d.FeedHealth))
				}
			}
		})
	}
}
