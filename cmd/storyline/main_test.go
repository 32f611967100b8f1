package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// run calls the CLI in-process, as the binary would.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = runMain(context.Background(), args, &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "storyline.yaml")
	body = strings.ReplaceAll(body, "DBPATH", filepath.Join(dir, "s.db"))
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckReportsTypoWithFileLine(t *testing.T) {
	cfg := writeConfig(t, `storage:
  path: DBPATH
feeds:
  - name: one
    url: https://one.example/feed
    schedual: "*/5 * * * *"
  - name: two
    url: https://two.example/feed
    schedule: "TZ= * * * * *"
`)
	code, _, stderr := run(t, nil, "--config", cfg, "check")
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
	}
	for _, want := range []string{cfg + ":6:", "schedual", cfg + ":9:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestCheckPrintsSchedule(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: one, url: "https://one.example/feed", schedule: "*/15 * * * *"}
  - {name: two, url: "https://two.example/feed"}
`)
	code, stdout, stderr := run(t, nil, "--config", cfg, "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ok (2 feeds", "*/15 * * * *", "default, jittered", "https://two.example/feed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

// TestMissingConfig: a command that polls or sends needs a config, and
// says how to give one.
func TestMissingConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, cmd := range []string{"run", "poll", "check", "digest"} {
		code, _, stderr := run(t, nil, cmd)
		if code != 2 || !strings.Contains(stderr, "no config file: pass --config FILE") {
			t.Errorf("%s: exit %d stderr %q", cmd, code, stderr)
		}
	}
}

func TestIngestSeedThenStoriesJSON(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "fixtures", "seed-scenario", "*.xml"))
	if len(files) == 0 {
		t.Skip("seed fixtures not found in ../shared/fixtures (../shared beside the repo): skipping")
	}
	cfg := writeConfig(t, "storage: {path: DBPATH}\nfeeds:\n  - {name: wire, url: \"https://wire-a.example/feed\"}\n")
	code, stdout, stderr := run(t, nil, append([]string{"--config", cfg, "ingest"}, files...)...)
	if code != 0 || !strings.Contains(stdout, "2 new stories") {
		t.Fatalf("ingest exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, nil, "--config", cfg, "stories", "--json")
	if code != 0 {
		t.Fatalf("stories exit %d: %s", code, stderr)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if len(got) != 2 {
		t.Fatalf("%d stories", len(got))
	}
	wantPublished := []string{"2017-01-29T14:30:00Z", "2017-01-27T21:05:00Z"} // newest first
	for i, s := range got {
		for _, key := range []string{"id", "url", "title", "summary", "published", "feed", "duplicate_of", "storyline", "topics"} {
			if _, ok := s[key]; !ok {
				t.Errorf("story %d lacks %q", i, key)
			}
		}
		if s["published"] != wantPublished[i] {
			t.Errorf("story %d published %v, want %s", i, s["published"], wantPublished[i])
		}
	}
	if got[1]["feed"] != "wire" || got[1]["url"] != "https://wire-a.example/2017/01/27/trump-putin-expected-to-speak" {
		t.Errorf("wire story: %v", got[1])
	}
	// --since bounds the time the list is sorted by: publication, not
	// when storyline first saw a story (today, for an ingest).
	code, stdout, stderr = run(t, nil, "--config", cfg, "stories", "--json", "--since", "2017-01-28")
	if code != 0 || !strings.Contains(stdout, "2017-01-29T14:30:00Z") || strings.Contains(stdout, "2017-01-27T21:05:00Z") {
		t.Errorf("stories --since 2017-01-28: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestPollTwiceIsConditional(t *testing.T) {
	var conditional, full atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"e1"`)
		if r.Header.Get("If-None-Match") == `"e1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		fmt.Fprint(w, `<rss version="2.0"><channel><title>L</title><item><title>Local story</title><link>https://l.example/1</link><pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate></item></channel></rss>`)
	}))
	defer srv.Close()
	cfg := writeConfig(t, "storage: {path: DBPATH}\nfeeds:\n  - {name: local, url: \""+srv.URL+"/feed\"}\n")
	code, stdout, stderr := run(t, nil, "--config", cfg, "poll")
	if code != 0 || !strings.Contains(stdout, "1 new stories") {
		t.Fatalf("first poll exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, nil, "--config", cfg, "poll", "--feed", "local")
	if code != 0 || !strings.Contains(stdout, "0 new stories, 1 not modified") {
		t.Fatalf("second poll exit %d: %s %s", code, stdout, stderr)
	}
	if conditional.Load() != 1 || full.Load() != 1 {
		t.Errorf("full %d conditional %d", full.Load(), conditional.Load())
	}
	if code, _, _ := run(t, nil, "--config", cfg, "poll", "--feed", "nope"); code != 2 {
		t.Errorf("unknown feed: exit %d, want 2", code)
	}
}

func TestDemo(t *testing.T) {
	code, stdout, stderr := run(t, nil, "demo")
	if code != 0 {
		t.Fatalf("demo exit %d: %s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"3 feeds polled: 5 new stories, 0 not modified, 0 failed",
		"3 feeds polled: 2 new stories, 1 not modified, 0 failed",
		" +1  Storm knocks out power", // stored once, seen in two feeds (either may poll first)
		"Ortiz and Whitfield met",
		"happened  ", "-> happened", // the anticipated meeting linked to its outcome
		"pending   ", // the council vote next week
		"Follow-ups\n==========",
		"== Delivered: 1 signed webhook to the demo inbox on loopback (signature verified: true",
		"Composing again with nothing new: nothing sent.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSeedTopic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "fixtures", "seed-scenario", "*.xml"))
	if len(files) == 0 {
		t.Skip("seed fixtures not found in ../shared/fixtures (../shared beside the repo): skipping")
	}
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire-a.example/feed"}
topics:
  - {name: us-russia, query: '(Trump OR "White House") AND (Putin OR Kremlin)'}
  - {name: weather, query: 'storm OR hurricane'}
`)
	if code, _, stderr := run(t, nil, append([]string{"--config", cfg, "ingest"}, files...)...); code != 0 {
		t.Fatalf("ingest: %s", stderr)
	}
	code, stdout, stderr := run(t, nil, "--config", cfg, "stories", "--json", "--topic", "us-russia")
	if code != 0 {
		t.Fatalf("stories --topic: %s", stderr)
	}
	var got []storyJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].Topics) != 1 || got[0].Topics[0] != "us-russia" {
		t.Fatalf("us-russia stories: %+v", got)
	}
	if code, stdout, _ := run(t, nil, "--config", cfg, "stories", "--json", "--topic", "weather"); code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("weather: exit %d %s", code, stdout)
	}
	code, stdout, stderr = run(t, nil, "--config", cfg, "topics", "test", "us-russia")
	if code != 0 || !strings.Contains(stdout, "Expected to Speak by Phone") || !strings.Contains(stdout, "Hold the Cheers") {
		t.Errorf("topics test exit %d:\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := run(t, nil, "--config", cfg, "stories", "--topic", "nope"); code != 2 {
		t.Errorf("unknown topic: exit %d %s", code, stderr)
	}
}
