package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
)

// Prune applies cfg's retention to db now, and reports what it did.
func Prune(ctx context.Context, db *storage.DB, cfg *config.Config, now time.Time, log *slog.Logger) (storage.PruneStats, error) {
	st, err := db.Prune(ctx, now.Add(-cfg.Storage.Retention), now)
	if err != nil {
		return st, err
	}
	log.Info("pruned old stories", "retention", cfg.Storage.Retention, "deleted", st.Stories,
		"kept_referenced", st.Kept, "tombstones_expired", st.Tombstones)
	return st, nil
}

// pruneLoop applies the running config's retention at start and then
// every interval.
func (d *Daemon) pruneLoop(ctx context.Context, every time.Duration) {
	cfg, updates := d.coord.Subscribe()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if cfg.Storage.Retention > 0 {
			if _, err := Prune(ctx, d.db, cfg, d.now(), d.log); err != nil && ctx.Err() == nil {
				d.log.Error("pruning failed", "err", err)
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
