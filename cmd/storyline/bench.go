package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/internal/farm"
	"github.com/storyline/storyline/internal/memstat"
)

// cmdFarm serves the benchmark feed farm until interrupted or until its
// standard input closes (so it dies with the bench that started it).
func cmdFarm(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("farm", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	n := fs.Int("feeds", 1000, "number of feeds")
	items := fs.Int("items", 20, "items per feed")
	listen := fs.String("listen", "127.0.0.1:0", "address (loopback)")
	start := fs.String("start", "", "when the first items are published, RFC 3339 (default: a fixed date)")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	f := farm.New(*n, *items)
	if *start != "" {
		at, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			return usageError{fmt.Errorf("--start: %w", err)}
		}
		f.StartAt(at)
	}
	if err := f.Start(*listen); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "http://%s\n", f.Addr())
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	stdinClosed := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	select {
	case <-ctx.Done():
	case <-stdinClosed:
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return f.Close(shutdown)
}

type benchRound struct {
	name    string
	feeds   int
	stored  int
	items   int
	wall    time.Duration
	cpu     time.Duration
	peakRSS int64 // bytes
	failed  int
}

func (r benchRound) feedsPerSec() float64 { return float64(r.feeds) / r.wall.Seconds() }

// cmdBench measures the real pipeline against a loopback farm, beside the
// bare fetch-and-parse limit measured in the same run.
func cmdBench(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	n := fs.Int("feeds", 5000, "number of feeds")
	newItems := fs.Int("new", 2, "new items per feed in the incremental round")
	workers := fs.Int("workers", 32, "concurrent polls (fetch.workers); all farm feeds share one host, so per_host is set to the same")
	dir := fs.String("dir", "", "keep the database here (default: a temporary directory)")
	heap := fs.String("memprofile", "", "write a heap profile to this file after the cold round (for go tool pprof)")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	// The farm publishes as a live site would: its items of the last hours
	// (20 items 17 minutes apart, and the new ones of the second round).
	farmURL, stopFarm, err := startFarm(ctx, *n, a.now().Truncate(time.Hour).Add(-7*time.Hour))
	if err != nil {
		return err
	}
	defer stopFarm()
	urls := make([]string, *n)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/feed/%d.xml", farmURL, i)
	}
	db := *dir
	if db == "" {
		tmp, err := os.MkdirTemp("", "storyline-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		db = tmp
	}
	cfg := config.Default()
	cfg.Storage.Path = filepath.Join(db, "bench.db")
	cfg.Fetch.Workers, cfg.Fetch.PerHost = *workers, *workers
	for i, u := range urls {
		cfg.Feeds = append(cfg.Feeds, config.Feed{Name: fmt.Sprintf("feed-%05d", i), URL: u, Timeout: cfg.Fetch.Timeout, UserAgent: cfg.Fetch.UserAgent})
	}
	a.cfg = cfg
	feeds, err := daemon.Feeds(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "storyline bench: %d feeds x 20 items on %s, %d workers, database %s\n", *n, farmURL, *workers, cfg.Storage.Path)

	bareCold := measure("bare cold (fetch+parse)", *n, func() (int, int, int) { return bareRound(ctx, urls, *workers, nil) })
	etags := make([]string, len(urls))
	bareRound(ctx, urls, *workers, etags) // collect ETags
	bare304 := measure("bare all-304", *n, func() (int, int, int) { return bareRound(ctx, urls, *workers, etags) })

	w, err := a.watcher(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	poll := func() (int, int, int) {
		results, err := w.PollAll(ctx, feeds, true)
		var stored, items, failed int
		for _, r := range results {
			stored += r.Stats.New
			items += r.Stats.Items
			if r.Err != nil {
				failed++
			}
		}
		if err != nil && ctx.Err() == nil {
			a.log.Error("bench poll: storing failed", "err", err)
		}
		return stored, items, failed
	}
	cold := measure("pipeline cold", *n, poll)
	if *heap != "" {
		if err := writeHeapProfile(*heap); err != nil {
			return err
		}
	}
	if err := addFarmItems(ctx, farmURL, *newItems); err != nil {
		return err
	}
	incr := measure(fmt.Sprintf("pipeline incremental (+%d/feed)", *newItems), *n, poll)
	unchanged := measure("pipeline unchanged (304)", *n, poll)

	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "round\twall\tfeeds/s\tstories stored/s\titems parsed\tCPU s\tpeak RSS MB\tfailed\t")
	for _, r := range []benchRound{bareCold, bare304, cold, incr, unchanged} {
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%d\t%.2f\t%.0f\t%d\t\n", r.name, r.wall.Round(time.Millisecond), r.feedsPerSec(),
			float64(r.stored)/r.wall.Seconds(), r.items, r.cpu.Seconds(), float64(r.peakRSS)/(1<<20), r.failed)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "\nratio to the bare limit (feeds/s): cold %.2f, incremental %.2f, unchanged %.2f (vs bare all-304)\n",
		cold.feedsPerSec()/bareCold.feedsPerSec(), incr.feedsPerSec()/bareCold.feedsPerSec(), unchanged.feedsPerSec()/bare304.feedsPerSec())
	return nil
}

// measure runs one round and reads its wall time, CPU time and peak RSS.
func measure(name string, feeds int, round func() (stored, items, failed int)) benchRound {
	memstat.ResetPeak() // each round reports its own peak
	cpu0 := cpuTime()
	start := time.Now()
	stored, items, failed := round()
	return benchRound{name: name, feeds: feeds, stored: stored, items: items, failed: failed,
		wall: time.Since(start), cpu: cpuTime() - cpu0, peakRSS: memstat.PeakRSS()}
}

// bareRound is the limit: plain net/http and gofeed, storing nothing.
// With etags, requests are conditional (and etags are filled in when empty).
func bareRound(ctx context.Context, urls []string, workers int, etags []string) (stored, items, failed int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, u := range urls {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if etags != nil && etags[i] != "" {
				req.Header.Set("If-None-Match", etags[i])
			}
			resp, err := client.Do(req)
			if err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
				return
			}
			defer resp.Body.Close()
			if etags != nil && etags[i] == "" {
				etags[i] = resp.Header.Get("ETag")
			}
			if resp.StatusCode == http.StatusNotModified {
				return
			}
			f, err := gofeed.NewParser().Parse(resp.Body)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			items += len(f.Items)
		}()
	}
	wg.Wait()
	return 0, items, failed
}

// startFarm runs the farm in a child process so that its memory and
// goroutines are not counted as storyline's.
func startFarm(ctx context.Context, n int, start time.Time) (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "farm", "--feeds", strconv.Itoa(n), "--start", start.Format(time.RFC3339))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { stdin.Close(); cmd.Wait() }
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("feed farm did not start: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

func addFarmItems(ctx context.Context, farmURL string, k int) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/add?k=%d", farmURL, k), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("farm add: %s", resp.Status)
	}
	return nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeHeapProfile writes what is live now (after a collection).
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}
