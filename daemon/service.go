package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"github.com/storyline/storyline/internal/status"
	"github.com/storyline/storyline/watcher"
	"github.com/storyline/storyline/web"
)

// service is the daemon's face to its supervisor: sd_notify states, the
// watchdog, metrics and the status endpoint. Outside systemd the
// notifications are no-ops.
type service struct {
	log     *slog.Logger
	metrics *status.Metrics
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func (d *Daemon) startService(ctx context.Context) (*service, error) {
	db, w, cfg := d.db, d.w, d.coord.Current()
	gaugeCtx := context.WithoutCancel(ctx)
	m := status.NewMetrics(status.Gauges{
		FeedsInError: func() float64 {
			n, _ := db.FeedsInError(gaugeCtx)
			return float64(n)
		},
		OutboxDepth: func() float64 {
			n, _ := db.OutboxDepth(gaugeCtx)
			return float64(n)
		},
	})
	d.metrics = m
	states, err := db.FeedStates(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range states {
		if st.LastSuccess.After(m.LastSuccess()) {
			m.SetLastSuccess(st.LastSuccess)
		}
	}
	w.Observe = func(r watcher.Result) {
		m.ObservePoll(status.Poll{
			Status: r.Status, NotModified: r.NotModified, Failed: r.Err != nil, Bytes: r.Bytes,
			Duration: r.Duration, New: r.Stats.New, Updated: r.Stats.Updated, Seen: r.Stats.Seen,
			Duplicates: r.Stats.Duplicates, At: d.now(), StoreErr: r.StoreErr,
		})
		if r.StoreErr == nil {
			m.Followups.Add(float64(r.Stats.Followups))
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	s := &service{log: d.log, metrics: m, cancel: cancel}
	unhealthyAfter := cfg.Status.UnhealthyAfter
	health := func(ctx context.Context) error {
		if sctx.Err() != nil {
			return errors.New("stopping")
		}
		if err := m.StorageHealth(d.now(), unhealthyAfter); err != nil {
			return err
		}
		return db.Ping(ctx)
	}
	if addr := cfg.Status.Listen; addr != "" {
		probes := status.Handler(m, health, d.now)
		h := http.NewServeMux()
		h.Handle("/metrics", web.RequireToken(cfg.Status.Token.Value(), probes)) // /healthz stays open for probes
		h.Handle("/healthz", probes)
		// The read-only views of what the news expects, from the same database.
		h.Handle("/", web.New(web.Options{DB: db, Followup: FollowupOptions(cfg), Now: d.now, Log: d.log,
			Token: cfg.Status.Token.Value()}))
		// Listen now so that a bad address fails the start, not later.
		errc := make(chan error, 1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := status.Serve(sctx, addr, h, d.log); err != nil {
				d.log.Error("status endpoint stopped", "err", err)
				errc <- err
			}
		}()
		select {
		case err := <-errc:
			cancel()
			s.wg.Wait()
			return nil, err
		case <-time.After(100 * time.Millisecond):
		}
	}
	if interval, err := daemon.SdWatchdogEnabled(false); err == nil && interval > 0 {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.watchdog(sctx, interval/2, health)
		}()
	}
	return s, nil
}

// watchdog pings systemd while the database answers, so that a wedged
// daemon is restarted.
func (s *service) watchdog(ctx context.Context, every time.Duration, health status.Health) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check, cancel := context.WithTimeout(ctx, every)
			err := health(check)
			cancel()
			if err != nil {
				s.log.Warn("health check failed; not pinging the watchdog", "err", err)
				continue
			}
			s.notify(daemon.SdNotifyWatchdog)
		}
	}
}

func (s *service) notify(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		s.log.Warn("sd_notify failed", "state", state, "err", err)
	}
}

func (s *service) ready() { s.notify(daemon.SdNotifyReady + "\nSTATUS=polling feeds") }

func (s *service) reloading() {
	s.notify(fmt.Sprintf("%s\nMONOTONIC_USEC=%s", daemon.SdNotifyReloading, strconv.FormatInt(monotonicUsec(), 10)))
}

func (s *service) stopping() { s.notify(daemon.SdNotifyStopping) }

// wait stops the status endpoint and the watchdog.
func (s *service) wait() {
	s.cancel()
	s.wg.Wait()
}
