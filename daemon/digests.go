package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/robfig/cron/v3"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/internal/status"
	"github.com/storyline/storyline/notify"
)

// digestService runs digests for the daemon: each digest's schedule
// composes and queues it, and a worker delivers the outbox in the
// background (resuming what a previous run left pending).
type digestService struct {
	cron     *cron.Cron
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// startDigests starts the digest schedules and the delivery worker for cfg.
// The daemon calls it after opening the database and stops it (Stop) before
// exiting; on SIGHUP it stops the old service and starts one for the new
// config.
func (d *Daemon) startDigests(ctx context.Context, cfg *config.Config) (*digestService, error) {
	n, err := NewNotifier(cfg, d.db, d.log, d.now)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	logger := digestCronLogger{d.log}
	s := &digestService{
		cron:   cron.New(cron.WithLogger(logger), cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger))),
		cancel: cancel,
	}
	for _, dg := range cfg.Digests {
		sched, err := config.ParseSchedule(dg.Schedule)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("digest %s: %w", dg.Name, err)
		}
		s.cron.Schedule(sched, cron.FuncJob(func() {
			if ctx.Err() != nil {
				return
			}
			res, err := n.Digester.Run(ctx, dg.Name)
			d.observeDigest(res, err)
			if err != nil {
				d.log.Error("digest failed", "digest", dg.Name, "err", err)
				return
			}
			n.Deliverer.Kick()
		}))
	}
	if d.metrics != nil {
		n.Deliverer.Outbox = observedOutbox{Outbox: n.Deliverer.Outbox, m: d.metrics}
	}
	n.Deliverer.Grace = ShutdownGrace // as polls get: a receiver that has the request answers, and it is recorded
	s.wg.Go(func() { n.Deliverer.Loop(ctx) })
	s.cron.Start()
	return s, nil
}

// Stop stops the schedules, waits for a digest being composed, and stops
// the delivery worker once its sends in flight end (within ShutdownGrace).
// Calls after the first return at once.
func (s *digestService) Stop() {
	s.stopOnce.Do(func() {
		<-s.cron.Stop().Done()
		s.cancel()
		s.wg.Wait()
	})
}

type digestCronLogger struct{ log *slog.Logger }

func (l digestCronLogger) Info(msg string, kv ...any) { l.log.Debug("digest cron: "+msg, kv...) }
func (l digestCronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("digest cron: "+msg, append([]any{"err", err}, kv...)...)
}

// observeDigest counts a scheduled digest run for /metrics.
func (d *Daemon) observeDigest(res notify.Result, err error) {
	if d.metrics == nil {
		return
	}
	switch {
	case err != nil:
		d.metrics.Digests.WithLabelValues("error").Inc()
	case res.Recorded:
		d.metrics.Digests.WithLabelValues("queued").Inc()
	default:
		d.metrics.Digests.WithLabelValues("empty").Inc()
	}
}

// observedOutbox counts delivery attempts by their result for /metrics.
type observedOutbox struct {
	notify.Outbox
	m *status.Metrics
}

func (o observedOutbox) FinishDelivery(ctx context.Context, d storyline.Delivery) (bool, error) {
	ok, err := o.Outbox.FinishDelivery(ctx, d)
	if err == nil && ok {
		result := "retry"
		switch d.Status {
		case storyline.DeliverySent:
			result = "sent"
		case storyline.DeliveryDead:
			result = "dead"
		}
		o.m.Deliveries.WithLabelValues(result).Inc()
	}
	return ok, err
}
