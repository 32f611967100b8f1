package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/storage"
)

// testApp is an app as main makes it, writing to stdout, with cfg loaded
// when it is not "" (the demo needs none); its database is closed with the
// test.
func testApp(t *testing.T, cfg string, stdout io.Writer) *app {
	t.Helper()
	a := &app{cfgPath: cfg, stdout: stdout, stderr: discard{}, log: slog.New(slog.DiscardHandler),
		now: func() time.Time { return time.Now().UTC() }, getenv: func(string) string { return "" }}
	if cfg != "" {
		if err := a.loadConfig(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if a.db != nil {
			a.db.Close()
		}
	})
	return a
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestSecondRunRefused: `run` on a database another run holds exits 2
// naming the holder's pid, before it polls anything.
func TestSecondRunRefused(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	db := filepath.Join(filepath.Dir(cfg), "s.db")
	held, err := storage.LockDaemon(db)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	code, _, stderr := run(t, nil, "--config", cfg, "run")
	if code != 2 || !strings.Contains(stderr, fmt.Sprintf("process %d", os.Getpid())) || !strings.Contains(stderr, "s.db.lock") {
		t.Errorf("exit %d, stderr %q; want 2 naming pid %d and the lock file", code, stderr, os.Getpid())
	}
}

// TestIngestRefusesLargeFiles: a file over ingest.max_size is refused by
// name, before it is read, and the other files are still ingested.
func TestIngestRefusesLargeFiles(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
ingest: {max_size: 1KiB}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	dir := filepath.Dir(cfg)
	big := filepath.Join(dir, "big.xml")
	small := filepath.Join(dir, "small.xml")
	os.WriteFile(big, []byte(strings.Repeat("x", 4096)), 0o600)
	os.WriteFile(small, []byte(`<rss version="2.0"><channel><title>S</title><item><title>One</title><link>https://s.example/1</link></item></channel></rss>`), 0o600)
	code, stdout, stderr := run(t, nil, "--config", cfg, "ingest", big, small)
	if code != 1 || !strings.Contains(stderr, "big.xml: 4096 bytes is over ingest.max_size (1024 bytes)") || !strings.Contains(stdout, "1 new stories") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

// TestRunRefusesDamagedDatabase: run checks the database before it starts
// and refuses a malformed one with what to do about it.
func TestRunRefusesDamagedDatabase(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	path := filepath.Join(filepath.Dir(cfg), "s.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := int64(2 * 4096); off < st.Size(); off += 2 * 4096 { // every other page after the schema's
		f.WriteAt(junk, off)
	}
	f.Close()
	code, _, stderr := run(t, nil, "--config", cfg, "run")
	if code != 1 || !strings.Contains(stderr, "is damaged") || !strings.Contains(stderr, "restore it from a backup") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestDatabaseFolderAndRelativePath: a relative storage.path is the config
// folder's, wherever storyline runs from; its folder is created (0700)
// when missing; check says when the database cannot be made.
func TestDatabaseFolderAndRelativePath(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: state/sub/storyline.db}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	t.Chdir(t.TempDir()) // somewhere else
	if code, stdout, stderr := run(t, nil, "--config", cfg, "check"); code != 0 {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	folder := filepath.Join(filepath.Dir(cfg), "state", "sub")
	fi, err := os.Stat(folder)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("database folder: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(folder, "storyline.db")); err != nil {
		t.Error(err)
	}

	// A folder that cannot be made: a file stands where it would go.
	blocker := filepath.Join(filepath.Dir(cfg), "blocked")
	os.WriteFile(blocker, nil, 0o600)
	bad := writeConfig(t, fmt.Sprintf("storage: {path: %s}\nfeeds:\n  - {name: wire, url: \"https://wire.example/feed\"}\n", filepath.Join(blocker, "s.db")))
	code, _, stderr := run(t, nil, "--config", bad, "check")
	if code != 1 || !strings.Contains(stderr, "cannot be opened or created") {
		t.Errorf("check with an impossible database path: exit %d, %s", code, stderr)
	}
}

// TestExtraArgumentsRefused: words a command does not take are a usage
// error (exit 2), not ignored.
func TestExtraArgumentsRefused(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	for _, args := range [][]string{{"feeds", "list"}, {"stories", "trump"}, {"threads", "open"},
		{"poll", "wire"}, {"stories", "--limit", "5", "extra"}} {
		code, stdout, stderr := run(t, nil, append([]string{"--config", cfg}, args...)...)
		if code != 2 || !strings.Contains(stderr, "unexpected argument") || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

// TestPruneReports: prune --dry-run counts and removes nothing; prune says
// what it removed.
func TestPruneReports(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH, retention: 30d}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	old := filepath.Join(filepath.Dir(cfg), "old.xml")
	os.WriteFile(old, []byte(`<rss version="2.0"><channel><title>Old</title>
<item><title>Harbour reopens</title><link>https://o.example/1</link><pubDate>Mon, 02 Mar 2020 10:00:00 GMT</pubDate></item>
<item><title>Council approves budget</title><link>https://o.example/2</link><pubDate>Tue, 03 Mar 2020 10:00:00 GMT</pubDate></item>
</channel></rss>`), 0o600)
	if code, stdout, stderr := run(t, nil, "--config", cfg, "ingest", old); code != 0 {
		t.Fatalf("ingest: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ := run(t, nil, "--config", cfg, "prune", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "would prune 2 stories older than 30d") || !strings.Contains(stdout, "nothing removed") {
		t.Errorf("prune --dry-run: %d %q", code, stdout)
	}
	code, stdout, _ = run(t, nil, "--config", cfg, "prune")
	if code != 0 || !strings.Contains(stdout, "pruned 2 stories older than 30d") {
		t.Errorf("prune: %d %q", code, stdout)
	}
	if _, stdout, _ = run(t, nil, "--config", cfg, "stories", "--json"); strings.Contains(stdout, "o.example") {
		t.Errorf("stories after prune: %s", stdout)
	}
}

// TestHelpAndVersion: help, COMMAND -h and version need no config and exit
// 0 on stdout; an unknown command suggests the nearest one.
func TestHelpAndVersion(t *testing.T) {
	t.Chdir(t.TempDir()) // no storyline.yaml here
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "commands:"},
		{[]string{"help", "stories"}, "-since"},
		{[]string{"stories", "--help"}, "-since"},
		{[]string{"digest", "-h"}, "-dry-run"},
		{[]string{"prune", "-h"}, "-dry-run"},
		{[]string{"version"}, "storyline "},
		{[]string{"--version"}, "storyline "},
	} {
		code, stdout, stderr := run(t, nil, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, code, stdout, stderr)
		}
	}
	code, _, stderr := run(t, nil, "storis")
	if code != 2 || !strings.Contains(stderr, `did you mean "stories"`) {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
}

// TestFeedsShowNextCheck: a healthy feed's next check is when its schedule
// next runs after the last fetch, not "never".
func TestFeedsShowNextCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>W</title><item><title>One</title><link>https://w.example/1</link></item></channel></rss>`)
	}))
	defer srv.Close()
	cfg := writeConfig(t, fmt.Sprintf(`storage: {path: DBPATH}
feeds:
  - {name: wire, url: "%s/feed", schedule: "@every 2h"}
  - {name: later, url: "%s/later"}
`, srv.URL, srv.URL))
	if code, stdout, stderr := run(t, nil, "--config", cfg, "poll", "--feed", "wire"); code != 0 {
		t.Fatalf("poll: %d %s %s", code, stdout, stderr)
	}
	code, stdout, stderr := run(t, nil, "--config", cfg, "feeds", "--json")
	if code != 0 {
		t.Fatalf("feeds: %d %s", code, stderr)
	}
	var rows []struct {
		Name      string  `json:"name"`
		NextCheck *string `json:"next_check"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("%v: %s", err, stdout)
	}
	if rows[0].NextCheck == nil {
		t.Fatal("wire: no next check after a poll")
	}
	next, _ := time.Parse(time.RFC3339, *rows[0].NextCheck)
	if d := time.Until(next); d < 110*time.Minute || d > 2*time.Hour {
		t.Errorf("wire next check in %v, want about 2h", d)
	}
	if rows[1].NextCheck != nil {
		t.Errorf("a feed never polled is due now (null), got %v", *rows[1].NextCheck)
	}
	_, stdout, _ = run(t, nil, "--config", cfg, "feeds")
	if !strings.Contains(stdout, "in 2h0m0s") && !strings.Contains(stdout, "in 1h59m0s") || !strings.Contains(stdout, "now") {
		t.Errorf("feeds table:\n%s", stdout)
	}
}

// TestConfigAnywhereAndNoFeeds: --config may follow the command; a config
// without feeds serves the read commands while poll says there is nothing
// to poll; with no config at all, a read command uses the default database
// and says which.
func TestConfigAnywhereAndNoFeeds(t *testing.T) {
	cfg := writeConfig(t, "storage: {path: DBPATH}\n")
	if code, _, stderr := run(t, nil, "stories", "--config", cfg); code != 0 {
		t.Errorf("stories --config after the command: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "threads", "--config="+cfg, "--json"); code != 0 {
		t.Errorf("threads --config=FILE: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "--config", cfg, "poll"); code != 2 || !strings.Contains(stderr, "nothing to poll") {
		t.Errorf("poll with no feeds: exit %d, %s", code, stderr)
	}
	t.Chdir(t.TempDir())
	code, _, stderr := run(t, nil, "stories")
	if code != 0 || !strings.Contains(stderr, "no config file; using the database at ./storyline.db") {
		t.Errorf("stories with no config: exit %d, %s", code, stderr)
	}
	if code, _, _ := run(t, nil, "digest"); code != 2 {
		t.Errorf("digest with no config: exit %d, want 2", code)
	}
}

// TestPollPrintsAsFeedsFinish: a fast feed's line is out while a slow one
// still loads.
func TestPollPrintsAsFeedsFinish(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%s</title><item><title>One</title><link>https://x.example%s/1</link></item></channel></rss>`, r.URL.Path, r.URL.Path)
	}))
	defer srv.Close()
	defer close(release)
	cfg := writeConfig(t, fmt.Sprintf(`storage: {path: DBPATH}
feeds:
  - {name: slow, url: "%[1]s/slow"}
  - {name: fast, url: "%[1]s/fast"}
`, srv.URL))
	var out syncBuffer
	a := testApp(t, cfg, &out)
	done := make(chan error, 1)
	go func() { done <- cmdPoll(context.Background(), a, nil) }()
	waitFor(t, "the fast feed's line while the slow one loads", func() bool { return strings.Contains(out.String(), "fast  ") })
	if strings.Contains(out.String(), "feeds polled") {
		t.Error("the summary came before the slow feed finished")
	}
	release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 feeds polled: 2 new stories") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestStoriesSearch: --search finds stories by the topics' query language
// through full-text search, with --since and --topic, and points at a
// query's mistake.
func TestStoriesSearch(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	file := filepath.Join(filepath.Dir(cfg), "wire.xml")
	os.WriteFile(file, []byte(`<rss version="2.0"><channel><title>Wire</title>
<item><title>Harbour tunnel costs split</title><link>https://w.example/1</link><pubDate>Mon, 02 Mar 2020 10:00:00 GMT</pubDate></item>
<item><title>Storm hits the harbour</title><link>https://w.example/2</link><pubDate>Tue, 03 Mar 2020 10:00:00 GMT</pubDate></item>
<item><title>Council approves the budget</title><link>https://w.example/3</link><pubDate>Wed, 04 Mar 2020 10:00:00 GMT</pubDate></item>
</channel></rss>`), 0o600)
	if code, _, stderr := run(t, nil, "--config", cfg, "ingest", file); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"--search", "harbour"}, []string{"Harbour tunnel", "Storm hits"}, []string{"Council"}},
		{[]string{"--search", "harbour AND NOT storm"}, []string{"Harbour tunnel"}, []string{"Storm hits", "Council"}},
		{[]string{"--search", `"tunnel costs"`}, []string{"Harbour tunnel"}, []string{"Storm hits"}},
		{[]string{"--search", "harbour", "--since", "2020-03-03"}, []string{"Storm hits"}, []string{"Harbour tunnel"}},
		{[]string{"--search", "harbour", "--limit", "1"}, []string{"Storm hits"}, []string{"Harbour tunnel"}},
	} {
		code, stdout, stderr := run(t, nil, append([]string{"--config", cfg, "stories"}, tc.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: lacks %q:\n%s", tc.args, w, stdout)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(stdout, w) {
				t.Errorf("%v: lists %q:\n%s", tc.args, w, stdout)
			}
		}
	}
	if code, _, stderr := run(t, nil, "--config", cfg, "stories", "--search", "(harbour"); code != 2 || !strings.Contains(stderr, "^") {
		t.Errorf("bad query: exit %d %s", code, stderr)
	}
}

// TestFeedsAddRemove: feeds add and remove edit the config (comments kept,
// or the included file that lists the feed) and refuse a result that does
// not load.
func TestFeedsAddRemove(t *testing.T) {
	cfg := writeConfig(t, `# my config
storage: {path: DBPATH}   # where stories live
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	code, stdout, stderr := run(t, nil, "--config", cfg, "feeds", "add", "planet", "https://planet.example/rss?lang=en&x=1", "--schedule", "*/15 * * * *")
	if code != 0 || !strings.Contains(stdout, "added feed planet") {
		t.Fatalf("add: %d %s %s", code, stdout, stderr)
	}
	loaded, err := config.Load(cfg, func(string) string { return "" })
	if err != nil || len(loaded.Feeds) != 2 || loaded.Feeds[1].URL != "https://planet.example/rss?lang=en&x=1" || loaded.Feeds[1].Schedule != "*/15 * * * *" {
		t.Fatalf("after add: %+v %v", loaded, err)
	}
	if body, _ := os.ReadFile(cfg); !strings.Contains(string(body), "# where stories live") {
		t.Errorf("comments lost:\n%s", body)
	}
	if code, _, _ := run(t, nil, "--config", cfg, "feeds", "add", "planet", "https://other.example/"); code != 2 {
		t.Errorf("adding a name twice: exit %d", code)
	}
	before, _ := os.ReadFile(cfg)
	code, _, stderr = run(t, nil, "--config", cfg, "feeds", "add", "broken", "not a url")
	if after, _ := os.ReadFile(cfg); code != 2 || !strings.Contains(stderr, "does not load, nothing changed") || string(after) != string(before) {
		t.Errorf("an invalid feed: exit %d %s", code, stderr)
	}
	if code, stdout, _ := run(t, nil, "--config", cfg, "feeds", "remove", "wire"); code != 0 || !strings.Contains(stdout, "removed feed wire") {
		t.Errorf("remove: %d %s", code, stdout)
	}
	if code, _, _ := run(t, nil, "--config", cfg, "feeds", "remove", "wire"); code != 2 {
		t.Errorf("removing it again: exit %d", code)
	}

	// A feed an OPML import put in an included file.
	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<opml version="2.0"><head><title>s</title></head><body><outline text="Daily" type="rss" xmlUrl="https://daily.example/rss"/></body></opml>`), 0o600)
	if code, _, stderr := run(t, nil, "--config", cfg, "opml", "import", opml); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, _ = run(t, nil, "--config", cfg, "feeds", "remove", "daily")
	if code != 0 || !strings.Contains(stdout, "feeds-opml.yaml") {
		t.Errorf("remove from the included file: %d %s", code, stdout)
	}
	loaded, err = config.Load(cfg, func(string) string { return "" })
	if err != nil || len(loaded.Feeds) != 1 || loaded.Feeds[0].Name != "planet" {
		t.Errorf("after removes: %+v %v", loaded.Feeds, err)
	}
}

// TestDisplayTimezone: CLI tables show times in display.timezone; JSON
// stays UTC.
func TestDisplayTimezone(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
display: {timezone: Asia/Tokyo}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	file := filepath.Join(filepath.Dir(cfg), "wire.xml")
	os.WriteFile(file, []byte(`<rss version="2.0"><channel><title>W</title>
<item><title>Harbour reopens</title><link>https://w.example/1</link><pubDate>Mon, 02 Mar 2020 10:00:00 GMT</pubDate></item>
</channel></rss>`), 0o600)
	if code, _, stderr := run(t, nil, "--config", cfg, "ingest", file); code != 0 {
		t.Fatal(stderr)
	}
	if _, stdout, _ := run(t, nil, "--config", cfg, "stories"); !strings.Contains(stdout, "2020-03-02 19:00") {
		t.Errorf("stories table not in Asia/Tokyo:\n%s", stdout)
	}
	if _, stdout, _ := run(t, nil, "--config", cfg, "stories", "--json"); !strings.Contains(stdout, `"published": "2020-03-02T10:00:00Z"`) {
		t.Errorf("stories JSON not UTC:\n%s", stdout)
	}
	if _, stdout, _ := run(t, nil, "--config", cfg, "check"); !strings.Contains(stdout, "NEXT RUN (Asia/Tokyo)") {
		t.Errorf("check:\n%s", stdout)
	}
	bad := writeConfig(t, "storage: {path: DBPATH}\ndisplay: {timezone: Mars/Olympus}\n")
	if code, _, stderr := run(t, nil, "--config", bad, "check"); code != 2 || !strings.Contains(stderr, "unknown time zone") {
		t.Errorf("bad zone: %d %s", code, stderr)
	}
}

// TestReadmeListsEveryCommand: README's command table and storyline help
// name the same commands.
func TestReadmeListsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `") {
			cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " |")
			table.WriteString(cell + "\n")
		}
	}
	names := []string{"help", "version"}
	for n := range commands {
		names = append(names, n)
	}
	for _, n := range names {
		if !strings.Contains(table.String(), "`"+n+" ") && !strings.Contains(table.String(), "`"+n+"`") {
			t.Errorf("README's command table lacks %s", n)
		}
	}
	_, stdout, _ := run(t, nil, "help")
	for n := range commands {
		if !strings.Contains(stdout, "  "+n+" ") {
			t.Errorf("storyline help lacks %s", n)
		}
	}
}

// TestDemoServesTheView: the demo prints the web view's URL; with --serve
// it keeps serving it until stopped.
func TestDemoServesTheView(t *testing.T) {
	var out syncBuffer
	a := testApp(t, "", &out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmdDemo(ctx, a, []string{"--serve"}) }()
	waitFor(t, "the demo serving its view", func() bool { return strings.Contains(out.String(), "Serving the web view at ") })
	_, rest, _ := strings.Cut(out.String(), "Serving the web view at ")
	url, _, _ := strings.Cut(rest, " ")
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "What the news expects") || !strings.Contains(string(body), "Ortiz") {
		t.Errorf("GET %s: %d\n%s", url, resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo --serve: %v", err)
	}
}
