package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/topic"
)

// cmdTopics is "storyline topics test NAME [--since D] [--query Q] [--limit N]".
func cmdTopics(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		return usageError{errors.New("usage: storyline topics test NAME [--since D] [--query Q] [--limit N]")}
	}
	return topicsTest(ctx, a, args[1:])
}

func topicsTest(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("topics test", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	since := fs.String("since", "", "only stories published since: a duration (36h, 7d) or a date (2017-01-27)")
	query := fs.String("query", "", "try this query instead of the configured one (NAME may then be new)")
	limit := fs.Int("limit", 20, "show at most N matches, newest first (all are counted); 0 shows all")
	scan := fs.Int("scan", 100_000, "stories to read when the query cannot use the full-text index")
	// Flags may follow the topic name: parse what comes after it too.
	var names []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		names, rest = append(names, fs.Arg(0)), fs.Args()[1:]
	}
	if len(names) > 1 || len(names) == 0 && *query == "" {
		return usageError{errors.New("usage: storyline topics test NAME [--since D] [--query Q] [--limit N]")}
	}
	name := "query"
	if len(names) == 1 {
		name = names[0]
	}
	var opt topic.TestOptions
	var err error
	if opt.Since, err = a.since(*since); err != nil {
		return err
	}
	if *limit < 0 || *scan < 1 {
		return usageError{errors.New("--limit must be 0 or more and --scan at least 1")}
	}
	opt.Keep, opt.MaxScan = *limit, *scan
	if opt.Keep == 0 {
		opt.Keep = -1
	}

	tp, err := topicToTest(a, name, *query)
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	rep, err := topic.Test(ctx, db, tp, opt)
	if err != nil {
		return err
	}
	open, close := "«", "»"
	if topicsColor(a) {
		open, close = "\x1b[1m", "\x1b[0m"
	}
	printTopicReport(a.stdout, rep, opt, *query != "", open, close)
	return nil
}

// topicToTest compiles the configured topic called name, with its query
// replaced by query when one is given (keeping the topic's options).
func topicToTest(a *app, name, query string) (*topic.Topic, error) {
	var ct *config.Topic
	var index int
	for i := range a.cfg.Topics {
		if a.cfg.Topics[i].Name == name {
			ct, index = &a.cfg.Topics[i], i
			break
		}
	}
	if ct == nil && query == "" {
		names := make([]string, len(a.cfg.Topics))
		for i, t := range a.cfg.Topics {
			names[i] = t.Name
		}
		known := "it has none"
		if len(names) > 0 {
			known = "it has " + strings.Join(names, ", ")
		}
		return nil, usageError{fmt.Errorf("no topic %q in %s (%s); use --query to try a new one", name, a.cfgPath, known)}
	}
	var opt topic.Options
	if ct != nil {
		opt = daemon.TopicOptions(*ct)
	}
	if query != "" {
		tp, err := topic.Compile(name, query, opt)
		if err != nil {
			var se *topic.SyntaxError
			if errors.As(err, &se) {
				return nil, usageError{fmt.Errorf("--query: %w%s", se, caret(query, err))}
			}
			return nil, usageError{err}
		}
		return tp, nil
	}
	tp, err := topic.Compile(ct.Name, ct.Query, opt)
	if err != nil {
		return nil, config.Errors{topicConfigError(a.cfgPath, index, err)}
	}
	return tp, nil
}

// caret shows where a query error is: the query, and a ^ under the column.
func caret(query string, err error) string {
	var se *topic.SyntaxError
	if !errors.As(err, &se) || strings.ContainsAny(query, "\n\t") {
		return ""
	}
	return "\n    " + query + "\n    " + strings.Repeat(" ", se.Col-1) + "^"
}

// topicConfigError places a topic's compile error in the config file, at
// its query (or the topic). Query syntax errors do not get here: config
// validation reports them, at their column, with every other problem.
func topicConfigError(file string, index int, err error) config.Error {
	e := config.Error{File: file, Message: err.Error()}
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		return e
	}
	item, value := yamlTopic(data, index)
	switch {
	case value != nil:
		e.Line, e.Column = value.Line, value.Column
	case item != nil:
		e.Line, e.Column = item.Line, item.Column
	}
	return e
}

// yamlTopic finds topics[index] in a config file and its query value.
func yamlTopic(data []byte, index int) (item, query *yaml.Node) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	topics := mappingValue(doc.Content[0], "topics")
	if topics == nil || topics.Kind != yaml.SequenceNode || index >= len(topics.Content) {
		return nil, nil
	}
	item = topics.Content[index]
	return item, mappingValue(item, "query")
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// topicsColor reports whether to highlight with ANSI bold: stdout is a
// terminal and NO_COLOR is unset.
func topicsColor(a *app) bool {
	return a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb" && isTerminal(a.stdout)
}

func printTopicReport(w io.Writer, rep *topic.Report, opt topic.TestOptions, adhoc bool, open, close string) {
	t := rep.Topic
	src := "config"
	if adhoc {
		src = "--query"
	}
	fmt.Fprintf(w, "topic %s (%s): %s\n", t.Name, src, t.Query)
	var opts []string
	if len(t.Feeds) > 0 {
		opts = append(opts, "feeds "+strings.Join(t.Feeds, ", "))
	}
	if len(t.Exclude) > 0 {
		opts = append(opts, "exclude "+strings.Join(t.Exclude, ", "))
	}
	if t.MinSources > 1 {
		opts = append(opts, fmt.Sprintf("min_sources %d", t.MinSources))
	}
	if t.Priority != 0 {
		opts = append(opts, fmt.Sprintf("priority %d", t.Priority))
	}
	if len(opts) > 0 {
		fmt.Fprintf(w, "options: %s\n", strings.Join(opts, "; "))
	}
	if rep.Scanned {
		fmt.Fprintf(w, "note: this query gives the full-text index nothing to look up (only regexes, feed:/author:/category: terms or negations):\n")
		fmt.Fprintf(w, "      read the newest %d stories", rep.Candidates)
		if rep.Truncated {
			fmt.Fprintf(w, " and stopped there (--scan %d): older stories were not checked", rep.MaxScan)
		}
		fmt.Fprintln(w)
	} else {
		exact := ""
		if rep.Exact {
			exact = " (exact)"
		}
		fmt.Fprintf(w, "full-text prefilter%s: %s\n", exact, rep.Prefilter)
	}
	scope := "all stories"
	if !opt.Since.IsZero() {
		scope = "stories published since " + opt.Since.UTC().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "%d matched among %d candidates (%s)", rep.Matched, rep.Candidates, scope)
	if rep.Dropped > 0 {
		fmt.Fprintf(w, "; %d more matched the query but not the feeds or min_sources", rep.Dropped)
	}
	fmt.Fprintln(w)
	if len(rep.Matches) == 0 {
		return
	}
	fmt.Fprintln(w)
	const indent = "                   " // under the title, past "2006-01-02 15:04  "
	for _, m := range rep.Matches {
		st := &m.Story
		e := m.Explanation
		feed := st.Feed
		if len(st.Feeds) > 1 {
			feed += fmt.Sprintf(" +%d", len(st.Feeds)-1)
		}
		fmt.Fprintf(w, "%s  %s  %s\n", st.Published.UTC().Format("2006-01-02 15:04"), feed,
			topic.Highlight(st.Title, e.SpansIn(topic.PartTitle, 0), open, close))
		why := e.Why()
		if m.Sources > 0 {
			why += fmt.Sprintf("; %d sources", m.Sources)
		}
		fmt.Fprintf(w, "%swhy: %s\n", indent, why)
		if s := topicSnippet(st, e, open, close); s != "" {
			fmt.Fprintf(w, "%s%s\n", indent, s)
		}
	}
	if rep.Matched > len(rep.Matches) {
		fmt.Fprintf(w, "(%d more not shown: --limit 0 shows all)\n", rep.Matched-len(rep.Matches))
	}
	fmt.Fprintln(w, "\nper feed:")
	printCounts(w, rep.PerFeed)
	fmt.Fprintln(w, "per day:")
	printCounts(w, rep.PerDay)
}

// printCounts prints keys left-aligned and counts right-aligned.
func printCounts(w io.Writer, cs []topic.Count) {
	kw, nw := 0, 0
	for _, c := range cs {
		kw = max(kw, utf8.RuneCountInString(c.Key))
		nw = max(nw, len(fmt.Sprint(c.N)))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "  %s%s  %*d\n", c.Key, strings.Repeat(" ", kw-utf8.RuneCountInString(c.Key)), nw, c.N)
	}
}

// topicSnippet shows the first hit outside the title, in context: the
// summary's, else the content's, else an author or category hit.
func topicSnippet(st *storyline.Story, e topic.Explanation, open, close string) string {
	for _, p := range []struct {
		part topic.Part
		text string
	}{{topic.PartSummary, st.Summary}, {topic.PartContent, st.Content}, {topic.PartAuthor, st.Author}} {
		if spans := e.SpansIn(p.part, 0); len(spans) > 0 {
			return p.part.String() + ": " + snippet(p.text, spans, open, close)
		}
	}
	for i, c := range st.Categories {
		if spans := e.SpansIn(topic.PartCategory, i); len(spans) > 0 {
			return "category: " + topic.Highlight(c, spans, open, close)
		}
	}
	return ""
}

// snippet cuts text to about 160 bytes around its first span, on rune
// boundaries, with the spans inside highlighted.
func snippet(text string, spans []topic.Span, open, close string) string {
	const before, width = 60, 160
	first := slices.MinFunc(spans, func(a, b topic.Span) int { return a.Start - b.Start })
	lo := max(0, first.Start-before)
	hi := min(len(text), lo+width)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	var in []topic.Span
	for _, s := range spans {
		if s.Start >= lo && s.End <= hi {
			in = append(in, topic.Span{Part: s.Part, Index: s.Index, Start: s.Start - lo, End: s.End - lo})
		}
	}
	out := strings.Join(strings.Fields(topic.Highlight(text[lo:hi], in, open, close)), " ")
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(text) {
		out += "…"
	}
	return out
}
