package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/watcher"
)

func cmdPoll(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("poll", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	only := fs.String("feed", "", "poll only this feed")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	feeds, err := daemon.Feeds(a.cfg)
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
	names := make([]string, len(feeds))
	for i, f := range feeds {
		names[i] = f.Name
	}
	tab := newPollTable(a.stdout, names)
	// Each feed's line as it finishes: twelve slow feeds are not twenty
	// seconds of silence.
	results, err := w.PollEach(ctx, feeds, true, func(r watcher.Result, _ error) { tab.row(r) })
	tab.footer(len(results))
	if err != nil {
		return err
	}
	if tab.total.failed > 0 {
		return errors.New("some feeds failed; their errors are stored and shown by the next poll")
	}
	return nil
}

// printPollResults prints a finished poll of feeds as poll does.
func printPollResults(out io.Writer, results []watcher.Result) {
	names := make([]string, len(results))
	for i, r := range results {
		names[i] = r.Feed
	}
	tab := newPollTable(out, names)
	for _, r := range results {
		tab.row(r)
	}
	tab.footer(len(results))
}

// pollTable prints poll's table a row at a time, in columns wide enough
// for the feeds' names, and counts the totals.
type pollTable struct {
	out   io.Writer
	width int
	total watcherTotals
}

func newPollTable(out io.Writer, names []string) *pollTable {
	t := &pollTable{out: out, width: len("FEED")}
	for _, n := range names {
		t.width = max(t.width, len(n))
	}
	fmt.Fprintf(out, "%-*s  %-6s  %5s  %7s  %5s  %8s  %s\n", t.width, "FEED", "STATUS", "NEW", "UPDATED", "SEEN", "TIME", "ERROR")
	return t
}

func (t *pollTable) row(r watcher.Result) {
	t.total.add(r)
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
	switch {
	case r.StoreErr != nil:
		errText = "not stored: " + r.StoreErr.Error()
	case r.Err != nil:
		errText = r.Err.Error()
	}
	line := fmt.Sprintf("%-*s  %-6s  %5d  %7d  %5d  %8s  %s", t.width, r.Feed, status, r.Stats.New, r.Stats.Updated, r.Stats.Seen,
		r.Duration.Round(time.Millisecond), errText)
	fmt.Fprintln(t.out, strings.TrimRight(line, " "))
}

func (t *pollTable) footer(n int) {
	fmt.Fprintf(t.out, "%d feeds polled: %d new stories, %d not modified, %d failed\n",
		n, t.total.new, t.total.notModified, t.total.failed)
}

type watcherTotals struct{ new, notModified, failed int }

func (t *watcherTotals) add(r watcher.Result) {
	t.new += r.Stats.New
	t.notModified += boolInt(r.NotModified)
	if r.Err != nil || r.StoreErr != nil {
		t.failed++
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
