// Command storyline watches news feeds, dedupes and stores their stories,
// links anticipated events to their outcomes, and sends digests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
)

// parseOnlyFlags parses a command's flags and refuses words after them:
// "storyline stories trump" must not list every story as if it were a search.
func parseOnlyFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q: %s takes flags only (-h lists them)", fs.Arg(0), fs.Name())}
	}
	return nil
}

// usageError marks a mistake in how storyline was called: exit code 2.
type usageError struct{ error }

type command struct {
	run      func(ctx context.Context, a *app, args []string) error
	summary  string
	noConfig bool // runs without a config file
}

var commands = map[string]command{
	"run":     {run: cmdRun, summary: "run the daemon: poll on schedule, send digests; SIGHUP reloads config"},
	"poll":    {run: cmdPoll, summary: "poll every feed (or --feed NAME) once now"},
	"ingest":  {run: cmdIngest, summary: "process feed files (- for stdin) in publication order"},
	"stories": {run: cmdStories, summary: "list stored stories, newest first [--json] [--since D] [--limit N]"},
	"check":   {run: cmdCheck, summary: "validate the config and print the resolved schedule"},
	"opml":    {run: cmdOPML, summary: "opml import [--into FILE] OPML: add feeds via an included file; opml export: print OPML"},
	"threads": {run: cmdThreads, summary: "anticipated events with their status and linked outcomes [--json] [--status S]"},
	"topics":  {run: cmdTopics, summary: "topics test NAME [--since D] [--query Q]: which stored stories a topic matches and why"},
	"digest":  {run: cmdDigest, summary: "compose and deliver digests now [--name N] [--dry-run] [--wait D]"},
	"outbox":  {run: cmdOutbox, summary: "list deliveries [--status S] [--json]; outbox retry [ID...] re-sends dead ones"},
	"prune":   {run: cmdPrune, summary: "delete stories older than storage.retention now (run does it every 6h)"},
	"feeds":   {run: cmdFeeds, summary: "list feeds with last success, last error, failures, next check, stories/day [--json]"},
	"bench":   {run: cmdBench, summary: "benchmark the pipeline against a loopback feed farm [--feeds N]", noConfig: true},
	"farm":    {run: cmdFarm, summary: "serve the benchmark feed farm on loopback [--feeds N]", noConfig: true},
	"demo":    {run: cmdDemo, summary: "serve built-in sample feeds on 127.0.0.1 and run the pipeline end to end", noConfig: true},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("storyline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (default $STORYLINE_CONFIG, ./storyline.yaml, /etc/storyline/config.yaml)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the command to this file (for go tool pprof)")
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		usage(stderr)
		return 2
	}
	name := fs.Arg(0)
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "storyline: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	a := &app{
		cfgPath: *cfgPath, stdout: stdout, stderr: stderr, getenv: getenv,
		now: func() time.Time { return time.Now().UTC() },
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	defer func() {
		if a.db != nil {
			if err := a.db.Close(); err != nil {
				fmt.Fprintf(stderr, "storyline: closing database: %v\n", err)
			}
		}
	}()
	if !cmd.noConfig {
		if err := a.loadConfig(); err != nil {
			fmt.Fprintf(stderr, "storyline: %v\n", err)
			return 2
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "storyline: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "storyline: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	err := cmd.run(ctx, a, fs.Args()[1:])
	var ue usageError
	var ce config.Errors
	var le *storage.LockedError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), errors.As(err, &ce), errors.As(err, &le):
		fmt.Fprintf(stderr, "storyline %s: %v\n", name, err)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "storyline %s: %v\n", name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: storyline [--config FILE] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
}

// configPath picks the config file: --config, $STORYLINE_CONFIG,
// ./storyline.yaml, /etc/storyline/config.yaml.
func (a *app) configPath() (string, error) {
	if a.cfgPath != "" {
		return a.cfgPath, nil
	}
	if p := a.getenv("STORYLINE_CONFIG"); p != "" {
		return p, nil
	}
	for _, p := range []string{"storyline.yaml", "/etc/storyline/config.yaml"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no config file: pass --config FILE or set STORYLINE_CONFIG (see config.example.yaml)")
}

// loadConfig reads and validates the config and sets up logging from it.
func (a *app) loadConfig() error {
	path, err := a.configPath()
	if err != nil {
		return err
	}
	cfg, err := config.Load(path, a.getenv)
	if err != nil {
		return err
	}
	topics, err := compileTopicSet(path, cfg)
	if err != nil {
		return err
	}
	a.cfgPath, a.cfg, a.topics = path, cfg, topics
	a.log = newLogger(a.stderr, cfg.Log)
	for _, w := range config.CheckPermissions(path, cfg) {
		a.log.Warn(w)
	}
	return nil
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.Format, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
