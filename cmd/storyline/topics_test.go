package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/storage"
)

// topicsApp loads cfgBody (DBPATH replaced) and stores a few stories of
// late January 2017 in wire and commentary.
func topicsApp(t *testing.T, cfgBody string) (*app, *bytes.Buffer) {
	t.Helper()
	path := writeConfig(t, cfgBody)
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := &app{
		cfgPath: path, cfg: cfg, stdout: &out, stderr: &out,
		log:    slog.New(slog.DiscardHandler),
		now:    func() time.Time { return time.Date(2017, 1, 30, 12, 0, 0, 0, time.UTC) },
		getenv: func(string) string { return "" },
	}
	t.Cleanup(func() {
		if a.db != nil {
			a.db.Close()
		}
	})
	ctx := context.Background()
	db, err := a.openDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2017, 1, day, hour, 0, 0, 0, time.UTC) }
	stories := []struct {
		feed, title, summary string
		at                   time.Time
	}{
		{"wire", "Trump and Putin will talk by phone on Saturday", "The Kremlin says the call is set for the weekend.", at(27, 21)},
		{"commentary", "What to expect from the call", "The White House and the Kremlin prepare for a first conversation.", at(28, 9)},
		{"wire", "Merkel to speak with Trump", "Berlin confirms a call with the new president.", at(28, 10)},
		{"wire", "Putin opens a bridge", "No word from Washington.", at(29, 8)},
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for i, s := range stories {
			id, err := tx.FeedID(ctx, s.feed, "https://"+s.feed+".example/rss")
			if err != nil {
				return err
			}
			st := storyline.Story{Title: s.title, Summary: s.summary, Published: s.at, FirstSeen: s.at}
			if err := tx.InsertStory(ctx, &st, id, "h"); err != nil {
				return err
			}
			if err := tx.AddSighting(ctx, id, "k"+string(rune('a'+i)), st.ID, "", s.at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, &out
}

const topicsConfig = `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/rss"}
  - {name: commentary, url: "https://commentary.example/rss"}
topics:
  - name: us-russia
    query: '(Trump OR "White House") AND (Putin OR Kremlin)'
  - name: wire-putin
    query: putin
    feeds: [wire]
`

func TestTopicsTest(t *testing.T) {
	a, out := topicsApp(t, topicsConfig)
	if err := cmdTopics(context.Background(), a, []string{"test", "us-russia"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		`topic us-russia (config): (Trump OR "White House") AND (Putin OR Kremlin)`,
		`full-text prefilter (exact): (("trump" OR "white house") AND ("putin" OR "kremlin"))`,
		"2 matched among 2 candidates (all stories)",
		"2017-01-28 09:00  commentary  What to expect from the call",
		`why: "White House" (summary); Kremlin (summary)`,
		"summary: The «White House» and the «Kremlin» prepare",
		"2017-01-27 21:00  wire  «Trump» and «Putin» will talk by phone on Saturday",
		"why: Trump (title); Putin (title); Kremlin (summary)",
		"per feed:\n  commentary  1\n  wire        1\n",
		"per day:\n  2017-01-27  1\n  2017-01-28  1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The Merkel story (Trump, no Putin or Kremlin) and the bridge story
	// (Putin, no Trump) are not matches.
	for _, bad := range []string{"Merkel", "bridge"} {
		if strings.Contains(got, bad) {
			t.Errorf("output shows a %s story:\n%s", bad, got)
		}
	}
}

func TestTopicsTestAdHocQueryAndOptions(t *testing.T) {
	a, out := topicsApp(t, topicsConfig)
	ctx := context.Background()
	// An ad-hoc query under a configured name keeps its options (feeds:
	// wire); flags may follow the name.
	if err := cmdTopics(ctx, a, []string{"test", "wire-putin", "--since", "2017-01-28", "--query", "putin OR kremlin"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"topic wire-putin (--query): putin OR kremlin",
		"options: feeds wire",
		"1 matched among 2 candidates (stories published since 2017-01-28 00:00); 1 more matched the query but not the feeds or min_sources",
		"wire  «Putin» opens a bridge",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// A query the index cannot narrow scans, and says so.
	out.Reset()
	if err := cmdTopics(ctx, a, []string{"test", "--query", "/merkel|bridge/", "--limit", "1"}); err != nil {
		t.Fatal(err)
	}
	got = out.String()
	for _, want := range []string{"note: this query gives the full-text index nothing to look up", "read the newest 4 stories",
		"2 matched among 4 candidates", "(1 more not shown: --limit 0 shows all)", "«bridge»"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestTopicsTestUsageErrors(t *testing.T) {
	a, _ := topicsApp(t, topicsConfig)
	ctx := context.Background()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage: storyline topics test NAME"},
		{[]string{"list"}, "usage: storyline topics test NAME"},
		{[]string{"test"}, "usage: storyline topics test NAME"},
		{[]string{"test", "a", "b"}, "usage: storyline topics test NAME"},
		{[]string{"test", "nope"}, `no topic "nope" in ` + a.cfgPath + " (it has us-russia, wire-putin); use --query to try a new one"},
		{[]string{"test", "x", "--query", `(Trump OR "White House") AND (Putin`},
			"--query: col 36: expected ')' to close the '(' at col 30\n    (Trump OR \"White House\") AND (Putin\n                                       ^"},
		{[]string{"test", "us-russia", "--since", "someday"}, `--since "someday"`},
		{[]string{"test", "us-russia", "--limit", "-1"}, "--limit must be 0 or more"},
	}
	for _, tt := range tests {
		err := cmdTopics(ctx, a, tt.args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("topics %q: error %v, want a usage error with %q", tt.args, err, tt.want)
		}
	}
}

// TestTopicQueryErrorsPointAtConfig checks that a bad query in the config
// is reported at its file, line and column, in each way YAML can quote it.
func TestTopicQueryErrorsPointAtConfig(t *testing.T) {
	tests := []struct {
		name, topics string
		want         string // after "FILE:"
	}{
		{"plain", `
  - name: a
    query: (Trump OR Biden) AND (Putin
`, `8:39: topic "a": query: col 28: expected ')' to close the '(' at col 22`},
		{"single-quoted with an escape", `
  - name: a
    query: 'it''s (x OR "y z"'
`, `8:30: topic "a": query: col 17: expected ')' to close the '(' at col 6`},
		{"double-quoted with escapes", `
  - name: a
    query: "\"White House\" foo:bar"
`, `8:29: topic "a": query: col 15: unknown field "foo:"`},
		{"flow mapping", `
  - {name: a, query: 'putin and trump'}
  - {name: b, query: ok}
`, `7:29: topic "a": query: col 7: "and" is ambiguous`},
		{"block scalar: at the value", `
  - name: a
    query: >
      trump OR
`, `8:12: topic "a": query: col 10: expected a term after OR`},
	}
	for _, tt := range tests {
		cfg := "storage: {path: DBPATH}\nfeeds:\n  - {name: wire, url: \"https://wire.example/rss\"}\n  - {name: commentary, url: \"https://commentary.example/rss\"}\n\ntopics:" + tt.topics
		path := writeConfig(t, cfg)
		_, err := config.Load(path, func(string) string { return "" })
		var ce config.Errors
		if !errors.As(err, &ce) || len(ce) != 1 {
			t.Errorf("%s: error %v, want one config.Error", tt.name, err)
			continue
		}
		if got := ce.Error(); !strings.HasPrefix(got, path+":"+tt.want) {
			t.Errorf("%s:\n got %s\nwant %s:%s", tt.name, got, path, tt.want)
		}
	}
	// A valid config compiles to a Set with every topic.
	path := writeConfig(t, topicsConfig)
	c, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	set, err := daemon.CompileTopics(c)
	if err != nil || len(set.Topics()) != 2 {
		t.Fatalf("CompileTopics = %v, %v", set, err)
	}
}

// TestCheckReportsTopicErrorsWithOthers: check lists a topic's query error
// together with the config's other problems, in file order.
func TestCheckReportsTopicErrorsWithOthers(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "not a url"}
topics:
  - name: a
    query: (Trump OR Biden
`)
	code, _, stderr := run(t, nil, "--config", cfg, "check")
	if code != 2 || !strings.Contains(stderr, cfg+":3:") || !strings.Contains(stderr, cfg+":6:27: topic \"a\": query: col 16") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}
