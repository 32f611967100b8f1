package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
)

func cmdCheck(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("check takes no arguments")}
	}
	cfg := a.cfg
	feeds, err := daemon.Feeds(cfg)
	if err != nil {
		return err
	}
	// The daemon must be able to open (or create) its database: a folder
	// that cannot be made or a file it may not write fails here, not at run.
	if _, err := a.openDB(ctx); err != nil {
		return fmt.Errorf("the database %s cannot be opened or created: %w", cfg.Storage.Path, err)
	}
	now := a.now()
	fmt.Fprintf(a.stdout, "%s: ok (%d feeds, %d topics, %d digests; database %s)\n\n",
		a.cfgPath, len(cfg.Feeds), len(cfg.Topics), len(cfg.Digests), cfg.Storage.Path)
	opts := daemon.WatcherOptions(cfg)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	loc := a.zone()
	fmt.Fprintf(tw, "FEED\tSCHEDULE\tNEXT RUN (%s)\tURL\n", loc)
	for _, f := range feeds {
		spec := f.Spec
		if spec == "" {
			spec = "every " + config.FormatDuration(cfg.Fetch.DefaultInterval) + " (default, jittered)"
		}
		next := opts.ScheduleFor(f).Next(now)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, spec, next.In(loc).Format("2006-01-02 15:04:05"), f.URL)
	}
	tw.Flush()
	if len(cfg.Digests) > 0 {
		fmt.Fprintln(a.stdout)
		tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "DIGEST\tSCHEDULE\tNEXT RUN (%s)\tTO\n", loc)
		for _, d := range cfg.Digests {
			s, err := config.ParseSchedule(d.Schedule)
			if err != nil {
				return fmt.Errorf("digest %s: %w", d.Name, err)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", d.Name, d.Schedule, s.Next(now).In(loc).Format("2006-01-02 15:04:05"), d.To)
		}
		tw.Flush()
	}
	return nil
}
