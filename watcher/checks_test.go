package watcher

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
)

// TestCheckDial: which addresses each setting lets the fetcher dial. Only
// the check runs; nothing is dialled.
func TestCheckDial(t *testing.T) {
	deflt := FetchOptions{AllowPrivate: true} // the config's default
	strict := FetchOptions{}
	open := FetchOptions{AllowPrivate: true, AllowLinkLocal: true}
	tests := []struct {
		addr string
		opts FetchOptions
		want string // "" when allowed, else part of the error
	}{
		{"169.254.169.254:80", deflt, "metadata address"},
		{"169.254.10.1:80", deflt, "link-local address"},
		{"[fe80::1]:80", deflt, "link-local address"},
		{"127.0.0.1:8080", deflt, ""},
		{"10.0.0.5:80", deflt, ""},
		{"93.184.216.34:443", deflt, ""},
		{"127.0.0.1:8080", strict, "non-public address"},
		{"169.254.169.254:80", strict, "metadata address"},
		{"93.184.216.34:443", strict, ""},
		{"169.254.169.254:80", open, ""},
	}
	for _, tc := range tests {
		err := checkDial(tc.addr, tc.opts)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("checkDial(%s, %+v) = %v, want %q", tc.addr, tc.opts, err, tc.want)
		}
	}
}

// TestLogInterrupted: a poll cut short by shutdown is logged as
// interrupted, never as a poll that found nothing.
func TestLogInterrupted(t *testing.T) {
	for _, tc := range []struct {
		res Result
		err error
	}{
		{Result{Feed: "wire"}, context.Canceled},
		{Result{Feed: "wire", Err: fmt.Errorf("fetch: %w", context.Canceled)}, nil},
	} {
		var buf bytes.Buffer
		LogResult(slog.New(slog.NewTextHandler(&buf, nil)), tc.res, tc.err)
		if got := buf.String(); !strings.Contains(got, "poll interrupted by shutdown") || strings.Contains(got, "polled") {
			t.Errorf("logged %q", got)
		}
	}
}

// TestStoreFailureObserved: a poll whose stories cannot be stored (here the
// database is gone) is reported with its storage error, to the observer
// too, so that metrics and health never count it a success.
func TestStoreFailureObserved(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>W</title><item><title>One</title><link>https://w.example/1</link></item></channel></rss>`)
	}))
	defer srv.Close()
	log := slog.New(slog.DiscardHandler)
	f := NewFetcher(FetchOptions{Timeout: 5 * time.Second, MaxBody: 1 << 20, UserAgent: "t", AllowPrivate: true})
	defer f.Close()
	p := pipeline.New(updater{db}, pipeline.Stages{}, log)
	w := New(f, db, p, Options{Workers: 1, PerHost: 1, DefaultInterval: time.Hour, MinInterval: time.Minute,
		MaxInterval: time.Hour, MaxBackoff: time.Hour}, log, time.Now)
	var seen []Result
	w.Observe = func(r Result) { seen = append(seen, r) }
	feed := Feed{Name: "wire", URL: srv.URL}
	if _, err := w.Poll(ctx, feed, true); err != nil {
		t.Fatal(err)
	}
	db.Close() // the store fails from now on
	res, err := w.Poll(ctx, feed, true)
	if err == nil || res.StoreErr == nil || len(seen) != 2 || seen[1].StoreErr == nil {
		t.Errorf("poll on a failing store: err %v, result %+v, observed %+v", err, res, seen)
	}
}

type updater struct{ db *storage.DB }

func (u updater) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return u.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}
