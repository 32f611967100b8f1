package main

import (
	"context"
	"fmt"
	"time"

	"github.com/storyline/storyline/config"
)

// pruneEvery is how often the daemon applies storage.retention.
const pruneEvery = 6 * time.Hour

func cmdPrune(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("prune takes no arguments")}
	}
	if a.cfg.Storage.Retention <= 0 {
		return usageError{fmt.Errorf("storage.retention is not set in %s: nothing to prune", a.cfgPath)}
	}
	return a.prune(ctx, a.cfg)
}

// prune deletes stories older than the retention, keeping those still
// referenced, and reports what it did.
func (a *app) prune(ctx context.Context, cfg *config.Config) error {
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	now := a.now()
	st, err := db.Prune(ctx, now.Add(-cfg.Storage.Retention), now)
	if err != nil {
		return err
	}
	a.log.Info("pruned old stories", "retention", cfg.Storage.Retention, "deleted", st.Stories,
		"kept_referenced", st.Kept, "tombstones_expired", st.Tombstones)
	return nil
}

// pruneLoop applies the running config's retention at start and then
// every interval (pruneEvery in the daemon).
func (a *app) pruneLoop(ctx context.Context, coord *config.Coordinator, every time.Duration) {
	cfg, updates := coord.Subscribe()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if cfg.Storage.Retention > 0 {
			if err := a.prune(ctx, cfg); err != nil && ctx.Err() == nil {
				a.log.Error("pruning failed", "err", err)
			}
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return
			case cfg = <-updates: // a reload: its retention from the next round
			case <-t.C:
				waiting = false
			}
		}
	}
}
