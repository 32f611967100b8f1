package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

var threadStatuses = []string{"pending", "happened", "cancelled", "postponed", "overdue"}

func cmdThreads(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("threads", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "print JSON (see README)")
	status := fs.String("status", "", "only events with this status: "+strings.Join(threadStatuses, ", "))
	since := fs.String("since", "", "only anticipations published since: a duration (7d) or a date")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if *status != "" && !contains(threadStatuses, *status) {
		return usageError{fmt.Errorf("--status %q: want one of %s", *status, strings.Join(threadStatuses, ", "))}
	}
	var f storage.ThreadFilter
	var err error
	if f.Since, err = a.since(*since); err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	ts, err := db.Threads(ctx, f)
	if err != nil {
		return err
	}
	views := followup.Threads(ts, daemon.FollowupOptions(a.cfg), a.now())
	kept := views[:0]
	for _, v := range views {
		if *status == "" || followup.MatchesStatus(v, *status) {
			kept = append(kept, v)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(kept)
	}
	printThreads(a, kept)
	return nil
}

func printThreads(a *app, views []followup.ThreadView) {
	if len(views) == 0 {
		fmt.Fprintln(a.stdout, "no anticipated events")
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tEXPECTED\tEVENT\tFROM")
	for _, v := range views {
		expected := "-"
		if v.Event.Expected != nil {
			expected = *v.Event.Expected
		}
		from := clip(v.Anticipation.Title, 70)
		if n := len(v.Announcements); n > 0 {
			from += fmt.Sprintf(" (+%d more announcing it)", n)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Status, expected, clip(v.Event.Summary, 60), from)
		for _, o := range v.Outcomes {
			fmt.Fprintf(tw, "\t\t  -> %s (%.2f)\t%s\n", o.Relation, o.Score, clip(o.Title, 70))
		}
	}
	tw.Flush()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
