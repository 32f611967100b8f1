package main

import (
	"context"
	"fmt"
	"time"
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
	return a.prune(ctx)
}

// prune deletes stories older than the retention, keeping those still
// referenced, and reports what it did.
func (a *app) prune(ctx context.Context) error {
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	now := a.now()
	st, err := db.Prune(ctx, now.Add(-a.cfg.Storage.Retention), now)
	if err != nil {
		return err
	}
	a.log.Info("pruned old stories", "retention", a.cfg.Storage.Retention, "deleted", st.Stories,
		"kept_referenced", st.Kept, "tombstones_expired", st.Tombstones)
	return nil
}

// pruneLoop applies retention at start and then every pruneEvery.
func (a *app) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		if a.cfg.Storage.Retention > 0 {
			if err := a.prune(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("pruning failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
