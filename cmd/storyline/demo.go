package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/demo"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// cmdDemo runs the real pipeline against built-in feeds served on loopback,
// into a temporary database: nothing leaves the machine.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	keep := fs.String("keep", "", "keep the demo database in this directory instead of a temporary one")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "storyline-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	srv, err := demo.Start(a.now())
	if err != nil {
		return err
	}
	defer func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Close(shutdown)
	}()

	cfg := config.Default()
	cfg.Storage.Path = filepath.Join(dir, "storyline.db")
	for _, name := range demo.Names {
		cfg.Feeds = append(cfg.Feeds, config.Feed{Name: name, URL: srv.URL(name), Timeout: cfg.Fetch.Timeout, UserAgent: cfg.Fetch.UserAgent})
	}
	a.cfg = cfg
	a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	feeds, err := watchedFeeds(cfg)
	if err != nil {
		return err
	}
	w, err := a.watcher(ctx)
	if err != nil {
		return err
	}
	defer w.Close() // before the server closes: idle keep-alive connections would hold it up
	fmt.Fprintf(a.stdout, "storyline demo: %d sample feeds on %s, database %s\n", len(feeds), srv.URL("")[:len(srv.URL(""))-5], cfg.Storage.Path)

	fmt.Fprintln(a.stdout, "\n== Poll 1: first look at each feed (its stories are backlog, kept out of digests)")
	results, err := w.PollAll(ctx, feeds, true)
	printPollResults(a.stdout, results)
	if err != nil {
		return err
	}
	srv.Advance()
	fmt.Fprintln(a.stdout, "\n== Poll 2: the outlets publish again (conditional GET: unchanged feeds answer 304)")
	results, err = w.PollAll(ctx, feeds, true)
	printPollResults(a.stdout, results)
	if err != nil {
		return err
	}

	db := a.db
	stories, err := db.Stories(ctx, storage.StoryFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n== Stored stories (%d; a story carried by two feeds is stored once)\n", len(stories))
	printStories(a, stories)

	ts, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\n== Follow-ups: anticipated events and what became of them")
	printThreads(a, followup.Threads(ts, a.followupOptions(), a.now()))
	return nil
}
