package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
	"github.com/storyline/storyline/watcher"
)

// shutdownGrace bounds how long in-flight polls may finish after SIGTERM
// before they are cancelled.
const shutdownGrace = 15 * time.Second

func cmdRun(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("run takes no arguments")}
	}
	if len(a.cfg.Feeds) == 0 {
		return usageError{fmt.Errorf("no feeds in %s: nothing to poll (add feeds:, an include:, or storyline opml import)", a.cfgPath)}
	}
	// One daemon per database: a second would poll every feed twice.
	lock, err := storage.LockDaemon(a.cfg.Storage.Path)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := a.checkDatabase(ctx); err != nil {
		return err
	}
	w, err := a.watcher(ctx)
	if err != nil {
		return err
	}
	coord := a.coordinator()
	feeds, err := watchedFeeds(coord.Current())
	if err != nil {
		return err
	}
	// Polls run under their own context so that SIGTERM stops new work at
	// once but lets in-flight polls finish within shutdownGrace.
	pollCtx, cancelPolls := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelPolls()
	sched := w.NewScheduler(pollCtx)
	sched.Schedule(feeds)
	sched.Start()

	svc, err := a.startService(ctx, w)
	if err != nil {
		sched.Stop()
		return err
	}
	defer svc.wait()
	digests, err := a.startDigests(pollCtx, coord.Current())
	if err != nil {
		sched.Stop()
		return err
	}
	defer func() { digests.Stop() }()

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
					watcher.LogResult(a.log, res, err)
				}()
			}
		}()
	}
	due, err := a.dueFeeds(ctx, w, feeds)
	if err != nil {
		return err
	}
	a.log.Info("storyline running", "config", a.cfgPath, "feeds", len(feeds), "due_now", len(due), "database", coord.Current().Storage.Path)
	pollNow(due, false)
	wg.Go(func() { a.pruneLoop(ctx, coord, pruneEvery) }) // stops at SIGTERM; a batch cut short rolls back
	svc.ready()

	hup := a.reloads
	if hup == nil {
		hup = make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}
	for {
		select {
		case <-ctx.Done():
			a.log.Info("stopping: finishing in-flight polls", "grace", shutdownGrace)
			svc.stopping()
			timer := time.AfterFunc(shutdownGrace, cancelPolls)
			sched.Stop()
			var stopping sync.WaitGroup
			stopping.Go(digests.Stop) // deliveries in flight get the same grace, meanwhile
			wg.Wait()
			stopping.Wait()
			timer.Stop()
			a.log.Info("stopped")
			return nil
		case <-hup:
			svc.reloading()
			added, err := a.reload(sched, coord)
			svc.ready()
			if err != nil {
				a.log.Error("reload rejected; keeping the running config", "config", a.cfgPath, "err", err)
				continue
			}
			pollNow(added, true)
			// Digests restart with the new config; the outbox carries over.
			digests.Stop()
			if digests, err = a.startDigests(pollCtx, coord.Current()); err != nil {
				a.log.Error("digests not restarted after reload", "err", err)
				return err
			}
		}
	}
}

// checkDatabase refuses to run on a malformed database: the daemon would
// look alive while it stores nothing.
func (a *app) checkDatabase(ctx context.Context) error {
	db, err := a.openDB(ctx)
	if err == nil {
		err = db.QuickCheck(ctx)
	}
	if err != nil {
		return fmt.Errorf("the database %s is damaged (%w): restore it from a backup, or move it away to start afresh", a.cfg.Storage.Path, err)
	}
	return nil
}

// dueFeeds are the feeds to poll at start: never polled, or overdue.
func (a *app) dueFeeds(ctx context.Context, w *watcher.Watcher, feeds []watcher.Feed) ([]watcher.Feed, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	var due []watcher.Feed
	now := a.now()
	for _, f := range feeds {
		st, err := db.FeedState(ctx, f.Name)
		if err != nil {
			return nil, err
		}
		if w.Due(f, st, now) {
			due = append(due, f)
		}
	}
	return due, nil
}

// reload re-reads the config and pushes it to the running loops; an
// invalid one leaves everything as it was.
func (a *app) reload(sched *watcher.Scheduler, coord *config.Coordinator) ([]watcher.Feed, error) {
	cfg, err := config.Load(a.cfgPath, a.getenv)
	var topics *topic.Set
	if err == nil {
		topics, err = compileTopicSet(a.cfgPath, cfg)
	}
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				a.log.Error("config error", "at", e.Error())
			}
		}
		return nil, err
	}
	feeds, err := watchedFeeds(cfg)
	if err != nil {
		return nil, err
	}
	coord.Push(cfg)
	a.pipe.SetTopics(topics)
	added := sched.Schedule(feeds)
	a.log.Info("config reloaded", "feeds", len(feeds), "added_or_changed", len(added))
	return added, nil
}
