package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/storage"
)

// cmdRun runs the daemon until SIGTERM or SIGINT; SIGHUP reloads the
// config (an invalid one is rejected and the running one kept).
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
	d, err := daemon.New(a.cfg, a.db, daemon.Options{ConfigPath: a.cfgPath, Log: a.log, Now: a.now, Topics: a.topics})
	if err != nil {
		return err
	}
	defer d.Close()

	hup := a.reloads
	if hup == nil {
		hup = make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	wg.Go(func() {
		for {
			select {
			case <-runCtx.Done():
				return
			case <-hup:
				if err := a.reload(runCtx, d); err != nil {
					a.log.Error("reload rejected; keeping the running config", "config", a.cfgPath, "err", err)
				}
			}
		}
	})
	return d.Run(ctx)
}

// reload reads the config again and hands it to the daemon; an invalid one
// leaves everything as it was.
func (a *app) reload(ctx context.Context, d *daemon.Daemon) error {
	cfg, err := config.Load(a.cfgPath, a.getenv)
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				a.log.Error("config error", "at", e.Error())
			}
		}
		return err
	}
	if err := d.Reload(ctx, cfg); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
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
