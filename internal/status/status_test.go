package status

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	m := NewMetrics(Gauges{OutboxDepth: func() float64 { return 3 }, FeedsInError: func() float64 { return 1 }})
	m.ObservePoll(Poll{Status: 200, Bytes: 1234, Duration: 50 * time.Millisecond, New: 4, Seen: 1, At: now.Add(-90 * time.Second)})
	m.ObservePoll(Poll{Status: 304, NotModified: true, At: now.Add(-60 * time.Second)})
	m.ObservePoll(Poll{Status: 500, Failed: true, At: now})
	var healthErr error
	srv := httptest.NewServer(Handler(m, func(context.Context) error { return healthErr }, func() time.Time { return now }))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/healthz")
	if code != 200 || !strings.Contains(body, `"last_successful_poll_age_seconds":60`) {
		t.Errorf("healthz %d %s", code, body)
	}
	healthErr = errors.New("database is locked")
	if code, body := get("/healthz"); code != 503 || !strings.Contains(body, "database is locked") {
		t.Errorf("unhealthy: %d %s", code, body)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{
		`storyline_fetches_total{result="ok"} 1`, `storyline_fetches_total{result="not_modified"} 1`,
		`storyline_fetches_total{result="error"} 1`, `storyline_fetch_http_status_total{code="304"} 1`,
		`storyline_fetch_bytes_total 1234`, `storyline_stories_total{kind="new"} 4`, `storyline_stories_total{kind="seen"} 1`,
		`storyline_outbox_depth 3`, `storyline_feeds_in_error 1`, `storyline_fetch_duration_seconds_count 3`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestServerDropsIdleConnections: a client that keeps a connection open
// after its request is cut off at the idle timeout, and one that sends an
// oversized header is refused.
func TestServerDropsIdleConnections(t *testing.T) {
	defer func(d time.Duration) { idleTimeout = d }(idleTimeout)
	idleTimeout = 50 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, Handler(NewMetrics(Gauges{}), func(context.Context) error { return nil }, time.Now), slog.New(slog.DiscardHandler))
	}()
	defer func() { cancel(); <-done }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a bound on the test, not a timing assertion
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle keep-alive connection not closed by the server: %v", err)
	}

	c2, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	fmt.Fprintf(c2, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 64<<10))
	c2.SetReadDeadline(time.Now().Add(10 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(c2), nil); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversized header: %v %v, want 431", resp, err)
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:9090": true, "[::1]:9090": true, "0.0.0.0:9090": false, "192.168.1.5:9090": false} {
		ta, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := loopback(ta); got != want {
			t.Errorf("loopback(%s) = %v", addr, got)
		}
	}
}

// TestStorageHealth: polls that fetch but cannot store count no stories and
// no success; once storing has failed for longer than the limit, /healthz
// answers 503 with the reason, and a poll that stores again clears it.
func TestStorageHealth(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	m := NewMetrics(Gauges{})
	health := func(context.Context) error { return m.StorageHealth(now, 2*time.Minute) }
	srv := httptest.NewServer(Handler(m, health, func() time.Time { return now }))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	full := errors.New("storage: database or disk is full")
	m.ObservePoll(Poll{Status: 200, New: 5, At: t0, StoreErr: full})
	now = t0.Add(time.Minute)
	m.ObservePoll(Poll{Status: 200, New: 3, At: now, StoreErr: full})
	if code, body := get("/healthz"); code != 200 {
		t.Errorf("after 1m of store failures: %d %s", code, body)
	}
	now = t0.Add(3 * time.Minute)
	code, body := get("/healthz")
	if code != 503 || !strings.Contains(body, "storage failing for 3m0s: storage: database or disk is full") || !strings.Contains(body, `"last_successful_poll":null`) {
		t.Errorf("after 3m of store failures: %d %s", code, body)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{"storyline_store_errors_total 2", `storyline_stories_total{kind="new"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	m.ObservePoll(Poll{Status: 200, New: 1, At: now})
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "last_successful_poll_age_seconds") {
		t.Errorf("after a poll stored again: %d %s", code, body)
	}
}
