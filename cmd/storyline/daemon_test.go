package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/notifytest"
)

// TestDaemonInProcess runs the daemon's loop in this process (so that go
// test -race sees it): polls, digests every second with their deliveries,
// the prune loop, and reloads that add a feed while all of them run; then
// a shutdown.
func TestDaemonInProcess(t *testing.T) {
	var hits [3]atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/feed%d", &i)
		n := hits[i].Add(1)
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>F%d</title>`, i)
		for k := range n {
			fmt.Fprintf(w, `<item><title>Story %d of feed %d</title><link>https://f.example/%d/%d</link></item>`, k, i, i, k)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer srv.Close()
	hook := notifytest.NewReceiver(t, "")

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "storyline.yaml")
	writeCfg := func(feeds ...int) {
		body := fmt.Sprintf(`storage: {path: %s, retention: 30d}
status: {listen: "127.0.0.1:0"}
digests:
  - {name: often, schedule: "@every 1s", to: ["webhook:ops"]}
notify:
  webhooks:
    ops: {url: %q, format: json}
feeds:
`, filepath.Join(dir, "s.db"), hook.URL)
		for _, i := range feeds {
			body += fmt.Sprintf("  - {name: feed%d, url: \"%s/feed%d\", schedule: \"@every 1s\"}\n", i, srv.URL, i)
		}
		if err := os.WriteFile(cfgPath, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg(1)
	a := testApp(t, cfgPath, discard{})
	a.reloads = make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmdRun(ctx, a, nil) }()

	waitFor(t, "the first feed polled twice", func() bool { return hits[1].Load() >= 2 })
	writeCfg(1, 2)
	a.reloads <- syscall.SIGHUP
	waitFor(t, "the added feed polled", func() bool { return hits[2].Load() >= 1 })
	waitFor(t, "a digest delivered", func() bool { return len(hook.Accepted()) >= 1 })
	a.reloads <- syscall.SIGHUP // the same config again, while polls and digests run
	waitFor(t, "more polls after the second reload", func() bool { return hits[2].Load() >= 3 })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("run did not stop within its grace after the context ended")
	}
}
