// Package status serves storyline's health and metrics over HTTP:
// /healthz for probes and the systemd watchdog's view of the world, and
// /metrics in the Prometheus text format.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are storyline's Prometheus series, on a registry of their own.
type Metrics struct {
	Registry      *prometheus.Registry
	Fetches       *prometheus.CounterVec // result: ok, not_modified, error
	HTTPStatus    *prometheus.CounterVec // code
	Bytes         prometheus.Counter
	FetchDuration prometheus.Histogram
	Stories       *prometheus.CounterVec // kind: new, updated, seen, duplicate
	Followups     prometheus.Counter
	Digests       *prometheus.CounterVec // result
	Deliveries    *prometheus.CounterVec // result: sent, retry, dead
	StoreErrors   prometheus.Counter     // polls whose stories or state could not be stored
	lastSuccess   atomic.Int64           // unix seconds of the last successful poll

	storeMu      sync.Mutex
	failingSince time.Time // first store failure since the last store that worked; zero when storing works
	lastStoreErr string
}

// Gauges are read from the database at scrape time.
type Gauges struct {
	OutboxDepth  func() float64
	FeedsInError func() float64
}

// NewMetrics registers every series.
func NewMetrics(g Gauges) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_fetches_total", Help: "Feed fetches by result (ok, not_modified, error).",
		}, []string{"result"}),
		HTTPStatus: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_fetch_http_status_total", Help: "Feed fetches by HTTP status code (0 for network errors).",
		}, []string{"code"}),
		Bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storyline_fetch_bytes_total", Help: "Feed body bytes fetched, after decompression.",
		}),
		FetchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "storyline_fetch_duration_seconds", Help: "Time to fetch, parse and store one feed.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}),
		Stories: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_stories_total", Help: "Stories by kind (new, updated, seen in another feed, duplicate).",
		}, []string{"kind"}),
		Followups: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storyline_followups_linked_total", Help: "Anticipated events linked to an outcome.",
		}),
		Digests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_digests_total", Help: "Digests composed, by result (queued, empty, error).",
		}, []string{"result"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_deliveries_total", Help: "Digest delivery attempts by result (sent, retry, dead).",
		}, []string{"result"}),
		StoreErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storyline_store_errors_total", Help: "Polls whose stories or feed state could not be stored (disk full, a malformed or locked database).",
		}),
	}
	reg.MustRegister(m.Fetches, m.HTTPStatus, m.Bytes, m.FetchDuration, m.Stories, m.Followups, m.Digests, m.Deliveries, m.StoreErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storyline_last_successful_poll_timestamp_seconds", Help: "Unix time of the last successful poll.",
		}, func() float64 { return float64(m.lastSuccess.Load()) }))
	if g.OutboxDepth != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storyline_outbox_depth", Help: "Digest deliveries pending in the outbox.",
		}, g.OutboxDepth))
	}
	if g.FeedsInError != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storyline_feeds_in_error", Help: "Feeds whose last fetch failed.",
		}, g.FeedsInError))
	}
	// Series with labels appear on the first scrape with zero values.
	for _, r := range []string{"ok", "not_modified", "error"} {
		m.Fetches.WithLabelValues(r)
	}
	for _, k := range []string{"new", "updated", "seen", "duplicate"} {
		m.Stories.WithLabelValues(k)
	}
	return m
}

// Poll is what Metrics needs to know about one poll.
type Poll struct {
	Status      int
	NotModified bool
	Failed      bool
	Bytes       int
	Duration    time.Duration
	New         int
	Updated     int
	Seen        int
	Duplicates  int
	At          time.Time
	// StoreErr is the storage failure that lost the poll's stories or
	// state: the poll then counts neither as a success nor its stories.
	StoreErr error
}

// ObservePoll records one poll.
func (m *Metrics) ObservePoll(p Poll) {
	switch {
	case p.Failed:
		m.Fetches.WithLabelValues("error").Inc()
	case p.NotModified:
		m.Fetches.WithLabelValues("not_modified").Inc()
	default:
		m.Fetches.WithLabelValues("ok").Inc()
	}
	m.HTTPStatus.WithLabelValues(strconv.Itoa(p.Status)).Inc()
	m.Bytes.Add(float64(p.Bytes))
	m.FetchDuration.Observe(p.Duration.Seconds())
	m.storeMu.Lock()
	defer m.storeMu.Unlock()
	if p.StoreErr != nil {
		m.StoreErrors.Inc()
		if m.failingSince.IsZero() {
			m.failingSince = p.At
		}
		m.lastStoreErr = p.StoreErr.Error()
		return
	}
	m.failingSince, m.lastStoreErr = time.Time{}, ""
	if !p.Failed {
		m.lastSuccess.Store(p.At.Unix())
	}
	m.Stories.WithLabelValues("new").Add(float64(p.New))
	m.Stories.WithLabelValues("updated").Add(float64(p.Updated))
	m.Stories.WithLabelValues("seen").Add(float64(p.Seen))
	m.Stories.WithLabelValues("duplicate").Add(float64(p.Duplicates))
}

// StorageHealth reports an error once every poll has failed to store for
// longer than after (measured at now): the daemon then is up but saves
// nothing, which /healthz and the systemd watchdog must see.
func (m *Metrics) StorageHealth(now time.Time, after time.Duration) error {
	m.storeMu.Lock()
	defer m.storeMu.Unlock()
	if m.failingSince.IsZero() || now.Sub(m.failingSince) < after {
		return nil
	}
	return fmt.Errorf("storage failing for %s: %s", now.Sub(m.failingSince).Round(time.Second), m.lastStoreErr)
}

// LastSuccess is the time of the last successful poll, zero if none yet.
func (m *Metrics) LastSuccess() time.Time {
	if s := m.lastSuccess.Load(); s != 0 {
		return time.Unix(s, 0).UTC()
	}
	return time.Time{}
}

// SetLastSuccess seeds the last successful poll time from the database at start.
func (m *Metrics) SetLastSuccess(t time.Time) {
	if !t.IsZero() {
		m.lastSuccess.Store(t.Unix())
	}
}

// Health answers /healthz: nil while the daemon is working.
type Health func(ctx context.Context) error

// Handler serves /healthz and /metrics.
func Handler(m *Metrics, health Health, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		body := map[string]any{"status": "ok"}
		code := http.StatusOK
		if err := health(ctx); err != nil {
			body["status"], body["error"] = "unhealthy", err.Error()
			code = http.StatusServiceUnavailable
		}
		if last := m.LastSuccess(); !last.IsZero() {
			body["last_successful_poll"] = last.Format(time.RFC3339)
			body["last_successful_poll_age_seconds"] = int64(now().Sub(last).Seconds())
		} else {
			body["last_successful_poll"] = nil
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(body)
	})
	return mux
}

// The status server's limits: a scraper or a probe sends one small
// request; a client that holds a connection idle, or trickles a request,
// is dropped rather than kept for ever.
var (
	readTimeout = 10 * time.Second
	idleTimeout = 30 * time.Second
)

const maxHeaderBytes = 16 << 10

// Serve listens on addr until ctx is done, then shuts down and returns.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("status listener: %w", err)
	}
	return serve(ctx, ln, h, log)
}

func serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	log.Info("status endpoint listening", "addr", ln.Addr().String())
	if !loopback(ln.Addr()) {
		log.Warn("status endpoint is not on loopback: anyone who can reach it reads /metrics and /healthz; listen on 127.0.0.1 unless a proxy or firewall guards it",
			"addr", ln.Addr().String())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: readTimeout,
		WriteTimeout: readTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("status listener: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// loopback reports whether a listener's address is reachable only from
// this host.
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
