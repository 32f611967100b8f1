package crashtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // raw reads of the progress and the FTS5 check

	"github.com/storyline/storyline/internal/testbin"
	"github.com/storyline/storyline/storage"
)

// bin is the storyline binary built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	os.Exit(testbin.Main(m, "../cmd/storyline", &bin))
}

// newRand returns the test's seeded source; CRASHTEST_SEED replays a run.
func newRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(20170127)
	if s := os.Getenv("CRASHTEST_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CRASHTEST_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (set CRASHTEST_SEED to replay)", seed)
	return rand.New(rand.NewPCG(seed, seed^0x5eed))
}

// skipShort skips in -short mode, and otherwise runs the test in parallel
// with the other crash test (the delivery test mostly waits for a lease).
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("crash tests build and kill the real binary: skipped with -short")
	}
	t.Parallel()
}

// proc is a running storyline command.
type proc struct {
	cmd            *exec.Cmd
	args           []string
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
}

// start runs storyline --config cfg args... until it exits or ctx ends (the
// hang guard).
func start(t *testing.T, ctx context.Context, cfg string, args ...string) *proc {
	t.Helper()
	p := &proc{args: args, done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, bin, append([]string{"--config", cfg}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start storyline %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process; landed is false when it had
// already exited by itself.
func (p *proc) kill(t *testing.T) (landed bool) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL) // fails only if it is gone already
	<-p.done
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	if p.err != nil {
		t.Fatalf("storyline %s failed before the kill: %v\n%s", strings.Join(p.args, " "), p.err, p.stderr.String())
	}
	return false
}

// wait waits for the process and fails the test unless it exited 0.
func (p *proc) wait(t *testing.T) string {
	t.Helper()
	<-p.done
	if p.err != nil {
		t.Fatalf("storyline %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), p.err, p.stdout.String(), p.stderr.String())
	}
	return p.stdout.String()
}

// run runs a command to completion and returns its standard output.
func run(t *testing.T, ctx context.Context, cfg string, args ...string) string {
	t.Helper()
	return start(t, ctx, cfg, args...).wait(t)
}

// --- ingest ---

// vocabulary makes n distinct made-up words, so that generated stories
// differ as much as real ones do and near-duplicate detection stays honest.
func vocabulary(rnd *rand.Rand, n int) []string {
	syl := []string{"ka", "lo", "mer", "vin", "ta", "ro", "sel", "du", "pra", "ni", "gor", "ve", "lis", "tam", "bo", "quen", "fa", "ri", "zu", "hel"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + rnd.IntN(2) {
			b.WriteString(syl[rnd.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func phrase(rnd *rand.Rand, vocab []string, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = vocab[rnd.IntN(len(vocab))]
	}
	return strings.Join(ws, " ")
}

// writeArchives writes feeds RSS files of perFeed distinct items each, their
// publication times interleaved, and returns the files and every item link.
func writeArchives(t *testing.T, dir string, rnd *rand.Rand, feeds, perFeed int) ([]string, map[string]bool) {
	t.Helper()
	vocab := vocabulary(rnd, 600)
	base := time.Date(2024, 1, 1, 6, 0, 0, 0, time.UTC)
	links := map[string]bool{}
	var files []string
	for f := range feeds {
		name := fmt.Sprintf("outlet%d", f)
		var b strings.Builder
		fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>%s</title><link>https://%s.example.org/</link><description>archive</description>\n", name, name)
		for i := range perFeed {
			link := fmt.Sprintf("https://%s.example.org/news/%d-%s", name, i, vocab[rnd.IntN(len(vocab))])
			links[link] = true
			pub := base.Add(time.Duration(i*feeds+f) * time.Minute)
			title := phrase(rnd, vocab, 6+rnd.IntN(4))
			desc := phrase(rnd, vocab, 12+rnd.IntN(10)) + ". " + phrase(rnd, vocab, 10+rnd.IntN(10)) + "."
			fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
				title, link, link, pub.Format(time.RFC1123Z), desc)
		}
		b.WriteString("</channel></rss>\n")
		file := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	return files, links
}

func writeConfig(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitStories waits until the database holds at least n stories or p exits.
// It reads through its own connection, closed before it returns so that the
// kill leaves the files exactly as the killed process had them.
func waitStories(t *testing.T, ctx context.Context, dbPath string, n int, p *proc) (int, error) {
	t.Helper()
	for {
		if st, err := os.Stat(dbPath); err == nil && st.Size() > 0 {
			break
		}
		if p.exited() {
			return 0, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=rw&_pragma=busy_timeout(2000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	for {
		var count int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM stories").Scan(&count); err == nil && count >= n {
			return count, nil
		}
		if p.exited() {
			return count, nil
		}
		select {
		case <-ctx.Done():
			return count, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

type storedStory struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
}

// checkStore checks the database after a kill or a completed ingest: the
// binary lists every story once, each is one of the items, every story kept
// from before is still there under its id, SQLite's and FTS5's integrity
// checks pass. It returns url -> id.
func checkStore(t *testing.T, ctx context.Context, cfg, dbPath string, links map[string]bool, kept map[string]int64) map[string]int64 {
	t.Helper()
	var list []storedStory
	out := run(t, ctx, cfg, "stories", "--json", "--limit", "0")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("stories --json: %v", err)
	}
	got := make(map[string]int64, len(list))
	ids := make(map[int64]bool, len(list))
	for _, s := range list {
		if !links[s.URL] {
			t.Errorf("stored story %d has url %q, which no item has", s.ID, s.URL)
		}
		if _, dup := got[s.URL]; dup {
			t.Errorf("url %s stored twice (ids %d and %d)", s.URL, got[s.URL], s.ID)
		}
		if ids[s.ID] {
			t.Errorf("story id %d listed twice", s.ID)
		}
		got[s.URL], ids[s.ID] = s.ID, true
	}
	for url, id := range kept {
		if got[url] != id {
			t.Errorf("story %d (%s), stored before the kill, is now %d", id, url, got[url])
		}
	}

	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("storage.Open after the kill: %v", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("after the kill: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// FTS5's own check compares the index with the stories table.
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, "INSERT INTO stories_fts(stories_fts) VALUES('integrity-check')"); err != nil {
		t.Errorf("full-text index out of step with the stories after the kill: %v", err)
	}
	return got
}

var newStories = regexp.MustCompile(`: (\d+) new stories`)

// TestKillDuringIngest kills `storyline ingest` of a few thousand items
// with SIGKILL at random points (after a random number of stories is
// stored, plus a random delay to land inside a transaction), once or twice
// per round, then ingests the same files again to the end. Nothing stored
// may be lost, changed or duplicated, and the restart must store exactly
// the rest.
func TestKillDuringIngest(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute) // hang guard
	defer cancel()
	rnd := newRand(t)
	dir := t.TempDir()
	const feeds, perFeed, rounds = 3, 2000, 3
	files, links := writeArchives(t, dir, rnd, feeds, perFeed)
	total := len(links)

	var kills, landed int
	for r := range rounds {
		dbPath := filepath.Join(dir, fmt.Sprintf("round%d.db", r))
		cfg := writeConfig(t, filepath.Join(dir, fmt.Sprintf("round%d.yaml", r)),
			fmt.Sprintf("storage: {path: %q}\nfeeds:\n  - {name: placeholder, url: \"https://example.org/feed\"}\n", dbPath))
		kept := map[string]int64{}
		for k := range 1 + r%2 {
			// Wait for a random share of the stories not yet stored.
			target := len(kept) + 1 + rnd.IntN(max(1, total*9/10-len(kept)))
			delay := time.Duration(rnd.IntN(80)) * time.Millisecond
			p := start(t, ctx, cfg, append([]string{"ingest"}, files...)...)
			seen, err := waitStories(t, ctx, dbPath, target, p)
			if err != nil {
				p.kill(t)
				t.Fatalf("waiting for %d stories: %v", target, err)
			}
			time.Sleep(delay)
			kills++
			if !p.kill(t) {
				t.Logf("round %d kill %d: ingest finished before the kill point", r, k)
				kept = checkStore(t, ctx, cfg, dbPath, links, kept)
				continue
			}
			landed++
			kept = checkStore(t, ctx, cfg, dbPath, links, kept)
			t.Logf("round %d kill %d: killed with %d stories seen (target %d, +%v), %d survive", r, k, seen, target, delay, len(kept))
		}
		out := run(t, ctx, cfg, append([]string{"ingest"}, files...)...)
		m := newStories.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("ingest summary not understood: %q", out)
		}
		if n, _ := strconv.Atoi(m[1]); n != total-len(kept) {
			t.Errorf("round %d: restart stored %d new stories, want %d (%d items, %d stored before)", r, n, total-len(kept), total, len(kept))
		}
		final := checkStore(t, ctx, cfg, dbPath, links, kept)
		if len(final) != total {
			t.Errorf("round %d: %d stories stored, want one per item: %d", r, len(final), total)
		}
	}
	t.Logf("%d items in %d files; %d kills, %d landed during the ingest", total, len(files), kills, landed)
	if landed == 0 {
		t.Error("no kill landed during an ingest: the test checked nothing (make the archives larger)")
	}
}

// --- digest delivery ---

// feedServer serves one RSS feed whose items the test can add to.
type feedServer struct {
	mu    sync.Mutex
	items []string // <item> elements
	srv   *httptest.Server
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{}
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		body := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>wire</title><link>https://wire.example.org/</link><description>test</description>\n" +
			strings.Join(fs.items, "\n") + "\n</channel></rss>\n"
		fs.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, body)
	}))
	t.Cleanup(fs.srv.Close)
	return fs
}

// publish adds n items published at pub.
func (fs *feedServer) publish(rnd *rand.Rand, vocab []string, n int, pub time.Time) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for range n {
		i := len(fs.items)
		link := fmt.Sprintf("https://wire.example.org/story/%d", i)
		fs.items = append(fs.items, fmt.Sprintf("<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s.</description></item>",
			phrase(rnd, vocab, 7), link, link, pub.Format(time.RFC1123Z), phrase(rnd, vocab, 20)))
	}
}

// hit is one request the webhook receiver got.
type hit struct {
	path, key string
	answered  bool // it got its 200; false when the sender went away first
}

// receiver is a slow webhook endpoint: it holds each request for the
// path's delay before answering 200, and records every request.
type receiver struct {
	mu      sync.Mutex
	hits    []hit
	hold    map[string]time.Duration
	arrived chan struct{}
	srv     *httptest.Server
}

func newReceiver(t *testing.T, hold map[string]time.Duration) *receiver {
	rc := &receiver{hold: hold, arrived: make(chan struct{}, 100)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		rc.mu.Lock()
		i := len(rc.hits)
		rc.hits = append(rc.hits, hit{path: r.URL.Path, key: r.Header.Get("Idempotency-Key")})
		rc.mu.Unlock()
		select {
		case rc.arrived <- struct{}{}:
		default:
		}
		select {
		case <-time.After(rc.hold[r.URL.Path]):
			w.WriteHeader(http.StatusOK)
			rc.mu.Lock()
			rc.hits[i].answered = true
			rc.mu.Unlock()
		case <-r.Context().Done(): // the sender died mid-request
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) snapshot() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits...)
}

type outboxEntry struct {
	ID        int64  `json:"id"`
	Digest    string `json:"digest"`
	Recipient string `json:"recipient"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
}

// TestKillDuringDelivery polls a feed twice (the first poll is backlog, the
// second brings new stories), runs `storyline digest` against a slow webhook
// receiver and kills it with SIGKILL at a random moment while requests are
// in flight, then runs `storyline digest` again. Every delivery must end
// sent, each having reached its receiver at least once and at most twice,
// always under its digest's idempotency key.
func TestKillDuringDelivery(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute) // hang guard
	defer cancel()
	rnd := newRand(t)
	dir := t.TempDir()
	vocab := vocabulary(rnd, 300)

	feed := newFeedServer(t)
	// /b holds longer than /a, so that a kill may land after some answers.
	rc := newReceiver(t, map[string]time.Duration{"/a": 1500 * time.Millisecond, "/b": 4 * time.Second})
	dbPath := filepath.Join(dir, "deliver.db")
	cfg := writeConfig(t, filepath.Join(dir, "storyline.yaml"), fmt.Sprintf(`storage: {path: %q}
feeds:
  - {name: wire, url: %q}
digests:
  - {name: morning, schedule: "0 7 * * *", to: ["webhook:a", "webhook:b"]}
  - {name: evening, schedule: "0 19 * * *", to: ["webhook:a"]}
notify:
  webhooks:
    a: {url: %q, secret: "test-secret"}
    b: {url: %q}
`, dbPath, feed.srv.URL+"/feed.xml", rc.srv.URL+"/a", rc.srv.URL+"/b"))

	now := time.Now().UTC().Truncate(time.Second)
	feed.publish(rnd, vocab, 5, now.Add(-2*time.Hour))
	run(t, ctx, cfg, "poll") // backlog: never in a digest
	feed.publish(rnd, vocab, 6, now.Add(-time.Minute))
	run(t, ctx, cfg, "poll")

	p := start(t, ctx, cfg, "digest", "--wait", "30s")
	select {
	case <-rc.arrived:
	case <-p.done:
		t.Fatalf("digest exited before any request reached the receiver: %v\n%s%s", p.err, p.stdout.String(), p.stderr.String())
	case <-ctx.Done():
		p.kill(t)
		t.Fatal("no webhook request arrived: hang guard")
	}
	// Within /b's hold, so that the process is still sending when killed.
	delay := time.Duration(rnd.Int64N(int64(3500 * time.Millisecond)))
	time.Sleep(delay)
	if !p.kill(t) {
		t.Fatalf("digest finished within %v of the first request, before the kill:\n%s", delay, p.stdout.String())
	}
	before := rc.snapshot()
	t.Logf("killed %v after the first request; the receiver had %d requests, %d answered", delay, len(before), answered(before))

	// The claims of the killed run hold until their lease ends; --wait
	// covers it (a 30 s send timeout makes a 60 s lease).
	out := run(t, ctx, cfg, "digest", "--wait", "3m")
	t.Logf("second digest run:\n%s", out)

	var deliveries []outboxEntry
	if err := json.Unmarshal([]byte(run(t, ctx, cfg, "outbox", "--json", "--limit", "0")), &deliveries); err != nil {
		t.Fatalf("outbox --json: %v", err)
	}
	if len(deliveries) != 3 {
		t.Fatalf("outbox has %d deliveries, want 3 (morning to a and b, evening to a): %+v", len(deliveries), deliveries)
	}
	hits := rc.snapshot()
	want := map[[2]string]bool{}
	for _, d := range deliveries {
		if d.Status != "sent" {
			t.Errorf("delivery %d (%s to %s) is %s after %d attempts", d.ID, d.Digest, d.Recipient, d.Status, d.Attempts)
		}
		hook := strings.TrimPrefix(d.Recipient, "webhook:")
		want[[2]string{"/" + hook, d.Digest}] = true
		n := 0
		for _, h := range hits {
			if h.path == "/"+hook && h.key == d.Digest {
				n++
			}
		}
		t.Logf("delivery %s -> %s: %d requests, %d attempts recorded", d.Digest, d.Recipient, n, d.Attempts)
		if n < 1 || n > 2 {
			t.Errorf("delivery %s to %s reached the receiver %d times, want 1 or 2", d.Digest, d.Recipient, n)
		}
	}
	for _, h := range hits {
		if !want[[2]string{h.path, h.key}] {
			t.Errorf("request to %s with Idempotency-Key %q belongs to no delivery", h.path, h.key)
		}
	}
	t.Logf("%d deliveries, %d requests in all (%d answered)", len(deliveries), len(hits), answered(hits))
}

func answered(hs []hit) int {
	n := 0
	for _, h := range hs {
		if h.answered {
			n++
		}
	}
	return n
}
