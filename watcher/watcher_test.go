package watcher_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/watcher"
)

const rss = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>%s
<item><title>First story</title><link>https://news.example/1</link><guid>1</guid><pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate><description>One.</description></item>
<item><title>Second story</title><link>https://news.example/2</link><guid>2</guid><pubDate>Mon, 02 Jan 2023 11:00:00 +0000</pubDate><description>Two.</description></item>
</channel></rss>`

type env struct {
	db  *storage.DB
	w   *watcher.Watcher
	now time.Time
}

func newEnv(t *testing.T, fo watcher.FetchOptions) *env {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if fo.Timeout == 0 {
		fo.Timeout = 5 * time.Second
	}
	if fo.MaxBody == 0 {
		fo.MaxBody = 1 << 20
	}
	if fo.UserAgent == "" {
		fo.UserAgent = "storyline-test"
	}
	fo.AllowPrivate = true
	e := &env{db: db, now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := watcher.NewFetcher(fo)
	t.Cleanup(f.Close)
	e.w = watcher.New(f, db, pipeline.New(txDB{db}, pipeline.Stages{}, log), watcher.Options{
		Workers: 4, PerHost: 2, DefaultInterval: 30 * time.Minute,
		MinInterval: 5 * time.Minute, MaxInterval: 24 * time.Hour, MaxBackoff: 6 * time.Hour,
	}, log, func() time.Time { return e.now })
	return e
}

type txDB struct{ db *storage.DB }

func (d txDB) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return d.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

func (e *env) poll(t *testing.T, url string) watcher.Result {
	t.Helper()
	res, err := e.w.Poll(context.Background(), watcher.Feed{Name: "f", URL: url}, true)
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return res
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	s, err := e.db.Stories(context.Background(), storage.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(s)
}

func TestConditionalGet(t *testing.T) {
	var requests, conditional atomic.Int32
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		ua.Store(r.UserAgent())
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2023 11:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") != "" {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprintf(w, rss, "")
	}))
	defer srv.Close()
	e := newEnv(t, watcher.FetchOptions{})
	res := e.poll(t, srv.URL)
	if res.Err != nil || res.Stats.New != 2 {
		t.Fatalf("first poll: %+v", res)
	}
	st, _ := e.db.FeedState(context.Background(), "f")
	if st.ETag != `"v1"` || st.Polls != 1 || st.LastSuccess != e.now {
		t.Fatalf("state after first poll: %+v", st)
	}
	stories, _ := e.db.Stories(context.Background(), storage.StoryFilter{})
	for _, s := range stories {
		if !s.Backlog {
			t.Errorf("story %q from the first poll is not marked backlog", s.Title)
		}
	}
	e.now = e.now.Add(time.Hour)
	res = e.poll(t, srv.URL)
	if !res.NotModified || res.Stats != (pipeline.Stats{}) {
		t.Fatalf("second poll: %+v", res)
	}
	if conditional.Load() != 1 || requests.Load() != 2 {
		t.Errorf("requests %d, conditional %d", requests.Load(), conditional.Load())
	}
	if e.count(t) != 2 {
		t.Errorf("stories after 304: %d", e.count(t))
	}
	st, _ = e.db.FeedState(context.Background(), "f")
	if st.Polls != 2 || st.LastStatus != 304 || st.Failures != 0 {
		t.Errorf("state after 304: %+v", st)
	}
	if got := ua.Load().(string); got != "storyline-test" {
		t.Errorf("User-Agent %q", got)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		opts      watcher.FetchOptions
		wantErr   string
		wantNext  time.Duration // from now; 0 to skip the check
		wantState int
	}{
		{
			name: "429 honours Retry-After",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "7200")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			wantErr: "HTTP 429 Too Many Requests (retry after 2h0m0s)", wantNext: 2 * time.Hour, wantState: 429,
		},
		{
			name: "huge Retry-After is clamped to max_interval",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "99999999")
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			wantErr: "HTTP 503", wantNext: 24 * time.Hour, wantState: 503,
		},
		{
			name:    "500 backs off",
			handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
			wantErr: "HTTP 500 Internal Server Error", wantNext: 5 * time.Minute, wantState: 500,
		},
		{
			name: "oversized body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, rss, strings.Repeat("<!-- padding -->", 1000))
			},
			opts:    watcher.FetchOptions{MaxBody: 4096},
			wantErr: "body exceeds the size limit", wantState: 200,
		},
		{
			name: "slow response times out",
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			opts:    watcher.FetchOptions{Timeout: 200 * time.Millisecond},
			wantErr: "timed out after 200ms",
		},
		{
			name: "redirect loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path+"x", http.StatusMovedPermanently)
			},
			wantErr: "more than 5 redirects",
		},
		{
			name: "redirect to another scheme",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "ftp://example.org/feed", http.StatusFound)
			},
			wantErr: `redirect to unsupported scheme "ftp"`,
		},
		{
			name: "html instead of a feed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<!DOCTYPE html><html><body>Welcome</body></html>")
			},
			wantErr: "not an RSS, Atom or JSON feed", wantState: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			e := newEnv(t, tt.opts)
			res := e.poll(t, srv.URL)
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", res.Err, tt.wantErr)
			}
			st, err := e.db.FeedState(context.Background(), "f")
			if err != nil {
				t.Fatal(err)
			}
			if st.Failures != 1 || !strings.Contains(st.LastError, tt.wantErr) || st.LastStatus != tt.wantState {
				t.Errorf("stored state %+v", st)
			}
			if tt.wantNext != 0 && st.NextCheck != e.now.Add(tt.wantNext) {
				t.Errorf("next check %v, want now+%v", st.NextCheck, tt.wantNext)
			}
			// Not due yet: a scheduled poll skips it; a forced one would not.
			res, err = e.w.Poll(context.Background(), watcher.Feed{Name: "f", URL: srv.URL}, false)
			if err != nil || res.Skipped != "not due" {
				t.Errorf("scheduled poll before next check: %+v %v", res, err)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 502) }))
	defer srv.Close()
	e := newEnv(t, watcher.FetchOptions{})
	var gaps []time.Duration
	for range 8 {
		res := e.poll(t, srv.URL)
		gaps = append(gaps, res.NextCheck.Sub(e.now))
		e.now = res.NextCheck
	}
	want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute, 160 * time.Minute, 320 * time.Minute, 6 * time.Hour}
	for i := range want {
		if gaps[i] != want[i] {
			t.Fatalf("backoff %v, want %v", gaps, want)
		}
	}
	st, _ := e.db.FeedState(context.Background(), "f")
	if st.Failures != 8 {
		t.Errorf("failures %d", st.Failures)
	}
}

func TestRedirectsGzipAndHints(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusMovedPermanently) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/c", http.StatusFound) })
	mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feed", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("no gzip in Accept-Encoding")
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		fmt.Fprintf(zw, rss, "<ttl>120</ttl>")
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Cache-Control", "public, max-age=600")
		w.Write(buf.Bytes())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e := newEnv(t, watcher.FetchOptions{})
	res := e.poll(t, srv.URL+"/a")
	if res.Err != nil || res.Stats.New != 2 {
		t.Fatalf("%+v", res)
	}
	// The larger of RSS ttl (2h) and max-age (10m) wins.
	if res.NextCheck != e.now.Add(2*time.Hour) {
		t.Errorf("next check %v", res.NextCheck.Sub(e.now))
	}
}

func TestOneFeedFailingDoesNotStopOthers(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, rss, "") }))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<rss><channel><item>") }))
	defer bad.Close()
	e := newEnv(t, watcher.FetchOptions{})
	results, err := e.w.PollAll(context.Background(), []watcher.Feed{{Name: "bad", URL: bad.URL}, {Name: "good", URL: good.URL}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err == nil || results[1].Err != nil || results[1].Stats.New != 2 {
		t.Fatalf("results %+v", results)
	}
}

func TestPrivateNetworkGuard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, rss, "") }))
	defer srv.Close()
	f := watcher.NewFetcher(watcher.FetchOptions{Timeout: 5 * time.Second, MaxBody: 1 << 20, AllowPrivate: false})
	defer f.Close()
	_, err := f.Fetch(context.Background(), watcher.Request{URL: srv.URL}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "refusing to connect to non-public address 127.0.0.1") {
		t.Fatalf("err = %v", err)
	}
}

func TestScheduleJitter(t *testing.T) {
	o := watcher.Options{DefaultInterval: 30 * time.Minute}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	a := o.ScheduleFor(watcher.Feed{Name: "alpha"}).Next(now)
	b := o.ScheduleFor(watcher.Feed{Name: "beta"}).Next(now)
	if a == b {
		t.Errorf("two feeds got the same default slot %v", a)
	}
	for _, next := range []time.Time{a, b} {
		if !next.After(now) || next.Sub(now) > 30*time.Minute {
			t.Errorf("next %v not within one interval of %v", next, now)
		}
	}
	if again := o.ScheduleFor(watcher.Feed{Name: "alpha"}).Next(a); again.Sub(a) != 30*time.Minute {
		t.Errorf("interval %v", again.Sub(a))
	}
}

func TestDue(t *testing.T) {
	e := newEnv(t, watcher.FetchOptions{})
	now := e.now
	f := watcher.Feed{Name: "f"}
	st, _ := e.db.FeedState(context.Background(), "f")
	if !e.w.Due(f, st, now) {
		t.Error("never-polled feed not due")
	}
	st.LastFetch = now.Add(-10 * time.Minute)
	if e.w.Due(f, st, now) && e.w.Due(f, st, now.Add(-25*time.Minute)) {
		t.Error("fresh feed due")
	}
	st.LastFetch = now.Add(-2 * time.Hour)
	if !e.w.Due(f, st, now) {
		t.Error("feed two intervals late not due")
	}
	st.NextCheck = now.Add(time.Hour)
	if e.w.Due(f, st, now) {
		t.Error("feed in backoff due")
	}
}
