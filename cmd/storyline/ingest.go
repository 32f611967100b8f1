package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/pipeline"
)

func cmdIngest(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	trace := fs.String("trace", "", "write every follow-up candidate weighed to this file (JSON lines)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageError{fmt.Errorf("usage: storyline ingest [--trace FILE] FILE... (- reads standard input)")}
	}
	if *trace == "" {
		return ingest(ctx, a, args)
	}
	f, err := os.Create(*trace)
	if err != nil {
		return fmt.Errorf("ingest: --trace: %w", err)
	}
	enc := json.NewEncoder(f)
	var werr error // the trace's first write error
	a.trace = func(c followup.Candidate) {
		if werr == nil {
			werr = enc.Encode(c)
		}
	}
	err = ingest(ctx, a, args)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("ingest: --trace: %w", werr)
	}
	return nil
}

// ingest processes the feed files args.
func ingest(ctx context.Context, a *app, args []string) error {
	var items []pipeline.Archived
	var failed int
	for _, file := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, url, body, err := readFeedFile(file, a.cfg.Ingest.MaxSize)
		if err == nil {
			var f *feedparse.Feed
			if f, err = feedparse.Parse(body, "", url); err == nil {
				for _, it := range f.Items {
					items = append(items, pipeline.Archived{Feed: name, FeedURL: url, Item: it})
				}
				continue
			}
		}
		failed++
		fmt.Fprintf(a.stderr, "storyline ingest: %s: %v\n", file, err)
	}
	p, err := a.pipeline(ctx)
	if err != nil {
		return err
	}
	var progress func(int, pipeline.Stats)
	if isTerminal(a.stderr) { // a person watching; logs and pipes stay quiet
		start := time.Now()
		progress = func(done int, st pipeline.Stats) {
			rate := float64(done) / max(time.Since(start).Seconds(), 1e-3)
			fmt.Fprintf(a.stderr, "\r%d files: %d of %d items (%.0f%%), %d new stories, %.0f items/s ", len(args)-failed, done, len(items),
				100*float64(done)/float64(len(items)), st.New, rate)
			if done == len(items) {
				fmt.Fprintln(a.stderr)
			}
		}
	}
	stats, err := p.IngestProgress(ctx, items, progress)
	fmt.Fprintf(a.stdout, "ingested %d items from %d files: %d new stories, %d updated, %d seen in another feed, %d unchanged\n",
		stats.Items, len(args)-failed, stats.New, stats.Updated, stats.Seen, stats.Unchanged)
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read", failed, len(args))
	}
	return nil
}

// readFeedFile names a file's feed after the file (without extension), so
// that one outlet's archive files all land in one feed. A file over max
// bytes is refused before it is read.
func readFeedFile(file string, max int64) (name, url string, body []byte, err error) {
	if file == "-" {
		body, err = readAtMost(os.Stdin, max)
		return "stdin", "file:///dev/stdin", body, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", "", nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", "", nil, err
	}
	defer f.Close()
	body, err = readAtMost(f, max)
	base := filepath.Base(abs)
	return strings.TrimSuffix(base, filepath.Ext(base)), "file://" + filepath.ToSlash(abs), body, err
}

// readAtMost reads r whole unless it holds more than max bytes.
func readAtMost(r io.Reader, max int64) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if st.Size() > max {
				return nil, tooLarge(st.Size(), max)
			}
			// One buffer of the file's size, not the doubling ones of ReadAll.
			body := make([]byte, st.Size())
			if _, err := io.ReadFull(f, body); err != nil {
				return nil, err
			}
			return body, nil
		}
	}
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if err == nil && int64(len(body)) > max {
		return nil, tooLarge(int64(len(body)), max)
	}
	return body, err
}

func tooLarge(size, max int64) error {
	return fmt.Errorf("%s is over ingest.max_size (%s): split the archive or raise ingest.max_size in the config",
		humanBytes(size), humanBytes(max))
}

func humanBytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
