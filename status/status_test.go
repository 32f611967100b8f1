package status

import (
	"context"
	"errors"
	"io"
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
