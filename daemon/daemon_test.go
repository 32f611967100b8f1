package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
)

// TestReloadWhileRunning drives a daemon in process (so that go test -race
// sees its loops): it polls, prunes every millisecond, and takes reloads
// that add a feed and change the retention meanwhile; then it stops.
func TestReloadWhileRunning(t *testing.T) {
	var hits [3]atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/feed%d", &i)
		hits[i].Add(1)
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>F%d</title><item><title>Story %d</title><link>https://f.example/%d</link></item></channel></rss>`, i, i, i)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfgFor := func(retention time.Duration, feeds ...int) *config.Config {
		c := config.Default()
		c.Storage.Path, c.Storage.Retention = "unused", retention
		for _, i := range feeds {
			c.Feeds = append(c.Feeds, config.Feed{Name: fmt.Sprintf("feed%d", i), URL: fmt.Sprintf("%s/feed%d", srv.URL, i),
				Schedule: "@every 1s", Timeout: 5 * time.Second, UserAgent: "t"})
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	d, err := New(cfgFor(30*24*time.Hour, 1), db, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var wg sync.WaitGroup
	wg.Go(func() { d.pruneLoop(ctx, time.Millisecond) }) // a fast second pruner beside Run's own
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for hits[1].Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for i := range 10 {
		if err := d.Reload(ctx, cfgFor(time.Duration(i+1)*24*time.Hour, 1, 2)); err != nil {
			t.Fatal(err)
		}
	}
	for hits[2].Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if hits[2].Load() == 0 {
		t.Error("the feed a reload added was never polled")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	wg.Wait()
	if err := d.Reload(context.Background(), cfgFor(time.Hour, 1)); err == nil {
		t.Error("a reload after Run ended was taken")
	}
}
