package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
)

// pruneEvery is how often the daemon applies storage.retention.
const pruneEvery = 6 * time.Hour

// cmdPrune applies storage.retention now: storyline prune [--dry-run].
func cmdPrune(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	dry := fs.Bool("dry-run", false, "count what would be removed and remove nothing")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if a.cfg.Storage.Retention <= 0 {
		return usageError{fmt.Errorf("storage.retention is not set in %s: nothing to prune", a.cfgPath)}
	}
	if !*dry {
		st, err := a.prune(ctx, a.cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "pruned %s older than %s (kept %s still referenced); %s expired\n",
			plural(st.Stories, "story"), config.FormatDuration(a.cfg.Storage.Retention), plural(st.Kept, "older story"), plural(st.Tombstones, "tombstone"))
		return nil
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	now := a.now()
	st, err := db.PrunePreview(ctx, now.Add(-a.cfg.Storage.Retention), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "would prune %s older than %s (keeping %s still referenced); %s would expire; nothing removed (--dry-run)\n",
		plural(st.Stories, "story"), config.FormatDuration(a.cfg.Storage.Retention), plural(st.Kept, "older story"), plural(st.Tombstones, "tombstone"))
	return nil
}

// prune deletes stories older than the retention, keeping those still
// referenced, and reports what it did.
func (a *app) prune(ctx context.Context, cfg *config.Config) (storage.PruneStats, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return storage.PruneStats{}, err
	}
	now := a.now()
	st, err := db.Prune(ctx, now.Add(-cfg.Storage.Retention), now)
	if err != nil {
		return st, err
	}
	a.log.Info("pruned old stories", "retention", cfg.Storage.Retention, "deleted", st.Stories,
		"kept_referenced", st.Kept, "tombstones_expired", st.Tombstones)
	return st, nil
}

// pruneLoop applies the running config's retention at start and then
// every interval (pruneEvery in the daemon).
func (a *app) pruneLoop(ctx context.Context, coord *config.Coordinator, every time.Duration) {
	cfg, updates := coord.Subscribe()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if cfg.Storage.Retention > 0 {
			if _, err := a.prune(ctx, cfg); err != nil && ctx.Err() == nil {
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
