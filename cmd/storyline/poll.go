package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/storyline/storyline/watcher"
)

func cmdPoll(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("poll", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	only := fs.String("feed", "", "poll only this feed")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	feeds, err := watchedFeeds(a.cfg)
	if err != nil {
		return err
	}
	if len(feeds) == 0 {
		return usageError{fmt.Errorf("no feeds in %s: nothing to poll (add feeds:, an include:, or storyline opml import)", a.cfgPath)}
	}
	if *only != "" {
		var picked []watcher.Feed
		for _, f := range feeds {
			if f.Name == *only {
				picked = append(picked, f)
			}
		}
		if picked == nil {
			return usageError{fmt.Errorf("no feed named %q in %s", *only, a.cfgPath)}
		}
		feeds = picked
	}
	w, err := a.watcher(ctx)
	if err != nil {
		return err
	}
	results, err := w.PollAll(ctx, feeds, true)
	printPollResults(a.stdout, results)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Err != nil {
			return errors.New("some feeds failed; their errors are stored and shown by the next poll")
		}
	}
	return nil
}

func printPollResults(out io.Writer, results []watcher.Result) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSTATUS\tNEW\tUPDATED\tSEEN\tTIME\tERROR")
	var total watcherTotals
	for _, r := range results {
		status := fmt.Sprint(r.Status)
		switch {
		case r.Skipped != "":
			status = r.Skipped
		case r.NotModified:
			status = "304"
		case r.Status == 0:
			status = "-"
		}
		errText := ""
		if r.Err != nil {
			errText = r.Err.Error()
			total.failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.Feed, status, r.Stats.New, r.Stats.Updated, r.Stats.Seen,
			r.Duration.Round(time.Millisecond), errText)
		total.new += r.Stats.New
		total.notModified += boolInt(r.NotModified)
	}
	tw.Flush()
	fmt.Fprintf(out, "%d feeds polled: %d new stories, %d not modified, %d failed\n",
		len(results), total.new, total.notModified, total.failed)
}

type watcherTotals struct{ new, notModified, failed int }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
