package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestReadmeWalkthrough follows README's "Running it for real" with the
// real binary in a temporary folder: copy the example config, point its
// feeds at loopback, set the two secrets, check, run until every feed was
// polled, look with feeds, stories and digest --dry-run while it runs,
// then SIGTERM.
func TestReadmeWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short mode")
	}
	bin, err := storylineBinary()
	if err != nil {
		t.Fatal(err)
	}
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%[1]s</title>
<item><title>Putin and Trump expected to speak by phone on Saturday (%[1]s)</title><link>https://news.example%[1]s/1</link><pubDate>%[2]s</pubDate></item>
</channel></rss>`, r.URL.Path, time.Now().UTC().Format(time.RFC1123Z))
	}))
	defer srv.Close()

	dir := t.TempDir()
	example, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(example, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	mappingValue(mappingValue(root, "storage"), "path").Value = "storyline.db"
	mappingValue(mappingValue(root, "status"), "listen").Value = freeAddr(t)
	feeds := mappingValue(root, "feeds")
	for i, f := range feeds.Content {
		mappingValue(f, "url").Value = fmt.Sprintf("%s/feed%d", srv.URL, i)
	}
	out, err := encodeYAML(&doc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "storyline.yaml")
	if err := os.WriteFile(cfg, out, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "SMTP_PASSWORD=pw", "HOOK_SECRET=hs", "STORYLINE_CONFIG=")
	storyline := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, append([]string{"--config", "storyline.yaml"}, args...)...)
		cmd.Dir, cmd.Env = dir, env
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), err
	}

	stdout, stderr, err := storyline("check")
	if err != nil || !strings.Contains(stdout, "storyline.yaml: ok") || strings.Contains(stderr, "WARN") {
		t.Fatalf("check: %v\n%s%s", err, stdout, stderr)
	}

	run := exec.Command(bin, "--config", "storyline.yaml", "run")
	run.Dir, run.Env = dir, env
	var runErr syncBuffer
	run.Stderr = &runErr
	exited := start(t, run)
	waitFor(t, "every feed polled", func() bool { return int(polls.Load()) >= len(feeds.Content) })
	waitFor(t, "the stories stored", func() bool {
		stdout, _, _ := storyline("stories")
		return strings.Count(stdout, "expected to speak") == len(feeds.Content)
	})
	if stdout, stderr, err := storyline("feeds"); err != nil || !strings.Contains(stdout, "reuters-world") {
		t.Errorf("feeds: %v\n%s%s", err, stdout, stderr)
	}
	if stdout, stderr, err := storyline("digest", "--dry-run"); err != nil || !strings.Contains(stdout, "Morning briefing") && !strings.Contains(stdout, "morning") {
		t.Errorf("digest --dry-run: %v\n%s%s", err, stdout, stderr)
	}
	if stdout, _, err := storyline("threads"); err != nil || !strings.Contains(stdout, "pending") {
		t.Errorf("threads: %v\n%s", err, stdout)
	}

	run.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("run after SIGTERM: %v\n%s", err, runErr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("run did not stop after SIGTERM")
	}
	if !strings.Contains(runErr.String(), "stopped") {
		t.Errorf("run's log lacks its stop:\n%s", runErr.String())
	}
}
