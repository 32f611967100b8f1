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
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zone names work on hosts without zoneinfo files

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
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
	// reads: with no config file at all, it runs on the defaults (the
	// database at the default location), saying so.
	reads bool
}

var commands = map[string]command{
	"run":     {run: cmdRun, summary: "run the daemon: poll on schedule, send digests; SIGHUP reloads config"},
	"poll":    {run: cmdPoll, summary: "poll every feed (or --feed NAME) once now"},
	"ingest":  {run: cmdIngest, summary: "process feed files (- for stdin) in publication order", reads: true},
	"stories": {run: cmdStories, summary: "list stored stories, newest first [--json] [--since D] [--limit N]", reads: true},
	"check":   {run: cmdCheck, summary: "validate the config and print the resolved schedule"},
	"opml":    {run: cmdOPML, summary: "opml import [--into FILE] OPML: add feeds via an included file; opml export: print OPML"},
	"threads": {run: cmdThreads, summary: "anticipated events with their status and linked outcomes [--json] [--status S]", reads: true},
	"topics":  {run: cmdTopics, summary: "topics test NAME [--since D] [--query Q]: which stored stories a topic matches and why"},
	"digest":  {run: cmdDigest, summary: "compose and deliver digests now [--name N] [--dry-run] [--wait D]"},
	"outbox":  {run: cmdOutbox, summary: "list deliveries [--status S] [--json]; outbox retry [ID...] re-sends dead ones"},
	"prune":   {run: cmdPrune, summary: "delete stories older than storage.retention now (run does it every 6h)"},
	"feeds":   {run: cmdFeeds, summary: "list feeds (last success, last error, failures, next check, stories/day) [--json]; feeds add NAME URL [--schedule S]; feeds remove NAME", reads: true},
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
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() { usage(stdout) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionString())
		return 0
	}
	if fs.NArg() == 0 {
		usage(stderr)
		return 2
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	if p, r, ok := configAfter(rest); ok { // storyline stories --config FILE
		*cfgPath, rest = p, r
	}
	switch name {
	case "help":
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		name, rest = rest[0], []string{"-h"}
	case "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "storyline: unknown command %q%s\n\n", name, suggest(name))
		usage(stderr)
		return 2
	}
	if wantsHelp(rest) {
		commandHelp(ctx, stdout, name, cmd)
		return 0
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
		err := a.loadConfig()
		if errors.Is(err, errNoConfig) && cmd.reads {
			a.cfg = config.Defaults(getenv)
			fmt.Fprintf(stderr, "storyline: no config file; using the database at %s\n", a.cfg.Storage.Path)
		} else if err != nil {
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
	err := cmd.run(ctx, a, rest)
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
	fmt.Fprintln(w, "       storyline help COMMAND | COMMAND -h    a command's flags")
	fmt.Fprintln(w, "       storyline version")
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
	return "", errNoConfig
}

var errNoConfig = errors.New("no config file: pass --config FILE or set STORYLINE_CONFIG (see config.example.yaml)")

// configAfter takes --config FILE (or --config=FILE) from a command's
// arguments, as if it had come before the command.
func configAfter(args []string) (path string, rest []string, ok bool) {
	for i, arg := range args {
		if arg == "--" {
			break
		}
		for _, flag := range []string{"--config", "-config"} {
			if v, found := strings.CutPrefix(arg, flag+"="); found {
				return v, append(slices.Clone(args[:i]), args[i+1:]...), true
			}
			if arg == flag && i+1 < len(args) {
				return args[i+1], append(slices.Clone(args[:i]), args[i+2:]...), true
			}
		}
	}
	return "", args, false
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
	topics, err := daemon.CompileTopics(cfg) // validation parsed every query, with file:line
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

// wantsHelp reports whether a command's arguments ask for its usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

// commandHelp prints a command's summary and flags, needing no config: the
// command parses -h before it reads anything, and its flag set prints them.
func commandHelp(ctx context.Context, w io.Writer, name string, cmd command) {
	fmt.Fprintf(w, "storyline %s: %s\n\n", name, cmd.summary)
	a := &app{stdout: w, stderr: w, getenv: func(string) string { return "" }, now: time.Now,
		log: slog.New(slog.DiscardHandler)}
	defer func() { recover() }() // a command that reads its config first has no flags to show
	cmd.run(ctx, a, []string{"-h"})
}

// suggest names the command closest to an unknown one, if one is close.
func suggest(name string) string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	if best := config.Closest(name, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// versionString is the module version and the VCS revision it was built
// from, as the build recorded them.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "storyline (no build information)"
	}
	v := "storyline " + info.Main.Version
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (%s %s%s)", rev[:min(12, len(rev))], at, dirty)
	}
	return v + " " + info.GoVersion
}
