package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/daemon"
)

// feedJSON is one element of `feeds --json`.
type feedJSON struct {
	Name          string  `json:"name"`
	URL           string  `json:"url"`
	Configured    bool    `json:"configured"`
	Polls         int     `json:"polls"`
	LastSuccess   *string `json:"last_success"`
	LastError     string  `json:"last_error"`
	LastStatus    int     `json:"last_status"`
	Failures      int     `json:"consecutive_failures"`
	NextCheck     *string `json:"next_check"`
	StoriesPerDay float64 `json:"stories_per_day"`
}

const healthWindow = 7 * 24 * time.Hour

func cmdFeeds(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return feedsAdd(a, args[1:])
		case "remove":
			return feedsRemove(a, args[1:])
		}
	}
	fs := flag.NewFlagSet("feeds", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	stored, err := db.FeedStates(ctx)
	if err != nil {
		return err
	}
	now := a.now()
	perFeed, err := db.StoriesPerFeed(ctx, now.Add(-healthWindow))
	if err != nil {
		return err
	}
	byName := make(map[string]storyline.FeedState, len(stored))
	for _, st := range stored {
		byName[st.Name] = st
	}
	var rows []feedJSON
	seen := map[string]bool{}
	add := func(st storyline.FeedState, configured bool) {
		seen[st.Name] = true
		rows = append(rows, feedJSON{
			Name: st.Name, URL: st.URL, Configured: configured, Polls: st.Polls,
			LastSuccess: optionalTime(st.LastSuccess), LastError: st.LastError, LastStatus: st.LastStatus,
			Failures: st.Failures, NextCheck: optionalTime(st.NextCheck),
			StoriesPerDay: float64(perFeed[st.Name]) / (healthWindow.Hours() / 24),
		})
	}
	watched, err := daemon.Feeds(a.cfg)
	if err != nil {
		return err
	}
	opts := daemon.WatcherOptions(a.cfg)
	for _, f := range watched {
		st, ok := byName[f.Name]
		if !ok {
			st = storyline.FeedState{Name: f.Name}
		}
		st.URL = f.URL
		// When the daemon (or poll) next fetches it: backoff, a server's
		// hint, or the schedule.
		st.NextCheck = opts.NextDue(f, st)
		add(st, true)
	}
	for _, st := range stored {
		if !seen[st.Name] {
			add(st, false)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tLAST SUCCESS\tFAILURES\tNEXT CHECK\tSTORIES/DAY\tLAST ERROR")
	for _, r := range rows {
		name := r.Name
		if !r.Configured {
			name += " (not in config)"
		}
		next := ago(r.NextCheck, now)
		switch {
		case !r.Configured:
			next = "-"
		case r.NextCheck == nil || strings.HasSuffix(next, " ago"):
			next = "now" // never polled, or overdue: the daemon polls it at start
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.1f\t%s\n", name, ago(r.LastSuccess, now), r.Failures, next, r.StoriesPerDay, clip(r.LastError, 80))
	}
	return tw.Flush()
}

func optionalTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// ago renders a stored time relative to now ("3h ago", "in 5m", "never").
func ago(ts *string, now time.Time) string {
	if ts == nil {
		return "never"
	}
	t, err := time.Parse(time.RFC3339, *ts)
	if err != nil {
		return *ts
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + (-d).Round(time.Minute).String()
	}
	return d.Round(time.Minute).String() + " ago"
}
