// Package daemon is storyline's long-running service: it polls the feeds
// on their schedules, sends the digests, applies retention, serves the
// status and web views, and takes a new config on reload. The command line
// assembles one (New), runs it (Run) and hands it reloads (Reload).
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/internal/status"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
	"github.com/storyline/storyline/watcher"
)

// ShutdownGrace bounds how long in-flight polls and deliveries may finish
// after the context of Run ends before they are cancelled.
const ShutdownGrace = 15 * time.Second

// pruneEvery is how often the daemon applies storage.retention.
const pruneEvery = 6 * time.Hour

// Options are what a daemon needs besides its config and database.
type Options struct {
	ConfigPath string // for messages
	Log        *slog.Logger
	Now        func() time.Time
	// Topics are the compiled topics of the config (CompileTopics when nil).
	Topics *topic.Set
}

// Daemon is one running storyline service on one database.
type Daemon struct {
	path    string
	coord   *config.Coordinator // the running config, for every loop
	db      *storage.DB
	pipe    *pipeline.Pipeline
	w       *watcher.Watcher
	log     *slog.Logger
	now     func() time.Time
	metrics *status.Metrics // set by the status service
	reloads chan reload
	ended   chan struct{} // closed when Run returns
}

type reload struct {
	cfg  *config.Config
	done chan error
}

// New assembles a daemon for cfg on db (which the caller opened, checked
// and locked, and closes after Close).
func New(cfg *config.Config, db *storage.DB, o Options) (*Daemon, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	topics := o.Topics
	if topics == nil {
		var err error
		if topics, err = CompileTopics(cfg); err != nil {
			return nil, err
		}
	}
	p, err := NewPipeline(cfg, db, topics, nil, o.Log, o.Now)
	if err != nil {
		return nil, err
	}
	return &Daemon{path: o.ConfigPath, coord: config.NewCoordinator(cfg), db: db, pipe: p,
		w: NewWatcher(cfg, db, p, o.Log, o.Now), log: o.Log, now: o.Now, reloads: make(chan reload), ended: make(chan struct{})}, nil
}

// Close releases the fetcher's connections.
func (d *Daemon) Close() error {
	d.w.Close()
	return nil
}

// Reload makes cfg the running config: its feeds are scheduled (added and
// changed ones polled at once), its topics matched, its digests run; the
// loops get it through the coordinator. It waits for Run to take it, and
// fails once Run has returned.
func (d *Daemon) Reload(ctx context.Context, cfg *config.Config) error {
	r := reload{cfg: cfg, done: make(chan error, 1)}
	select {
	case d.reloads <- r:
	case <-d.ended:
		return errors.New("daemon: not running")
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-r.done
}

// Run polls, digests, prunes and serves until ctx ends, then lets the
// polls and deliveries in flight finish within ShutdownGrace.
func (d *Daemon) Run(ctx context.Context) error {
	defer close(d.ended)
	w := d.w
	coord := d.coord
	feeds, err := Feeds(coord.Current())
	if err != nil {
		return err
	}
	// Polls run under their own context so that a stop ends new work at
	// once but lets in-flight polls finish within ShutdownGrace.
	pollCtx, cancelPolls := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelPolls()
	// The service first: it sets the watcher's observer, which the
	// scheduler's polls then read.
	svc, err := d.startService(ctx)
	if err != nil {
		return err
	}
	defer svc.wait()
	digests, err := d.startDigests(pollCtx, coord.Current())
	if err != nil {
		return err
	}
	defer func() { digests.Stop() }()
	sched := w.NewScheduler(pollCtx)
	sched.Schedule(feeds)
	sched.Start()

	var wg sync.WaitGroup
	pollNow := func(fs []watcher.Feed, force bool) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range fs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := w.Poll(pollCtx, f, force)
					watcher.LogResult(d.log, res, err)
				}()
			}
		}()
	}
	due, err := d.dueFeeds(ctx, feeds)
	if err != nil {
		return err
	}
	d.log.Info("storyline running", "config", d.path, "feeds", len(feeds), "due_now", len(due), "database", coord.Current().Storage.Path)
	pollNow(due, false)
	wg.Go(func() { d.pruneLoop(ctx, pruneEvery) }) // stops with ctx; a batch cut short rolls back
	svc.ready()

	for {
		select {
		case <-ctx.Done():
			d.log.Info("stopping: finishing in-flight polls", "grace", ShutdownGrace)
			svc.stopping()
			timer := time.AfterFunc(ShutdownGrace, cancelPolls)
			sched.Stop()
			var stopping sync.WaitGroup
			stopping.Go(digests.Stop) // deliveries in flight get the same grace, meanwhile
			wg.Wait()
			stopping.Wait()
			timer.Stop()
			d.log.Info("stopped")
			return nil
		case r := <-d.reloads:
			svc.reloading()
			added, err := d.apply(sched, r.cfg)
			svc.ready()
			r.done <- err
			if err != nil {
				continue
			}
			pollNow(added, true)
			// Digests restart with the new config; the outbox carries over.
			digests.Stop()
			if digests, err = d.startDigests(pollCtx, coord.Current()); err != nil {
				d.log.Error("digests not restarted after reload", "err", err)
				return err
			}
		}
	}
}

// apply makes cfg the running config (Reload) and returns the feeds added
// or changed.
func (d *Daemon) apply(sched *watcher.Scheduler, cfg *config.Config) ([]watcher.Feed, error) {
	feeds, err := Feeds(cfg)
	if err != nil {
		return nil, err
	}
	topics, err := CompileTopics(cfg) // once per reload
	if err != nil {
		return nil, err
	}
	d.coord.Push(cfg)
	d.pipe.SetTopics(topics)
	added := sched.Schedule(feeds)
	d.log.Info("config reloaded", "feeds", len(feeds), "added_or_changed", len(added))
	return added, nil
}

// dueFeeds are the feeds to poll at start: never polled, or overdue.
func (d *Daemon) dueFeeds(ctx context.Context, feeds []watcher.Feed) ([]watcher.Feed, error) {
	var due []watcher.Feed
	now := d.now()
	for _, f := range feeds {
		st, err := d.db.FeedState(ctx, f.Name)
		if err != nil {
			return nil, err
		}
		if d.w.Due(f, st, now) {
			due = append(due, f)
		}
	}
	return due, nil
}
