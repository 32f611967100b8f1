package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
)

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
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	now := a.now()
	if !*dry {
		st, err := daemon.Prune(ctx, db, a.cfg, now, a.log)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "pruned %s older than %s (kept %s still referenced); %s expired\n",
			plural(st.Stories, "story"), config.FormatDuration(a.cfg.Storage.Retention), plural(st.Kept, "older story"), plural(st.Tombstones, "tombstone"))
		return nil
	}
	st, err := db.PrunePreview(ctx, now.Add(-a.cfg.Storage.Retention), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "would prune %s older than %s (keeping %s still referenced); %s would expire; nothing removed (--dry-run)\n",
		plural(st.Stories, "story"), config.FormatDuration(a.cfg.Storage.Retention), plural(st.Kept, "older story"), plural(st.Tombstones, "tombstone"))
	return nil
}
