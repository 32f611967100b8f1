package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyline/storyline/config"
)

func TestOPMLImportExport(t *testing.T) {
	cfg := writeConfig(t, `# my storyline config
storage: {path: DBPATH}   # where stories live
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="News">
    <outline text="Wire again" type="rss" xmlUrl="https://wire.example/feed"/>
    <outline text="The Daily Planet" title="The Daily Planet" type="rss" xmlUrl="https://planet.example/rss"/>
  </outline>
  <outline text="wire" type="rss" xmlUrl="https://other-wire.example/atom"/>
</body></opml>`), 0o600)
	code, stdout, stderr := run(t, nil, "--config", cfg, "opml", "import", opml)
	if code != 0 || !strings.Contains(stdout, "imported 2 feeds") || !strings.Contains(stdout, "1 already configured") {
		t.Fatalf("import exit %d: %s %s", code, stdout, stderr)
	}
	body, _ := os.ReadFile(cfg)
	if !strings.Contains(string(body), "# where stories live") || !strings.Contains(string(body), "feeds-opml.yaml") {
		t.Errorf("config after import lost its comments or lacks the include:\n%s", body)
	}
	code, stdout, stderr = run(t, nil, "--config", cfg, "opml", "export")
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	for _, want := range []string{`xmlUrl="https://wire.example/feed"`, `text="the-daily-planet"`, `text="wire-2"`, `xmlUrl="https://other-wire.example/atom"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("export lacks %s:\n%s", want, stdout)
		}
	}
	// A second import of the same file adds nothing.
	code, stdout, _ = run(t, nil, "--config", cfg, "opml", "import", opml)
	if code != 0 || !strings.Contains(stdout, "nothing to import") {
		t.Errorf("second import exit %d: %s", code, stdout)
	}
}

// TestOPMLImportManyAlikeTitles: outlines with one title are numbered in
// turn, past names already taken; a cancelled import writes nothing.
func TestOPMLImportManyAlikeTitles(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: same-title-3, url: "https://taken.example/feed"}
`)
	var b strings.Builder
	b.WriteString(`<opml version="2.0"><head><title>x</title></head><body>`)
	const n = 2000
	for i := range n {
		fmt.Fprintf(&b, `<outline type="rss" text="Same Title" xmlUrl="https://f%d.example.org/feed"/>`, i)
	}
	b.WriteString(`</body></opml>`)
	opml := filepath.Join(t.TempDir(), "same.opml")
	os.WriteFile(opml, []byte(b.String()), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := testApp(t, cfg, discard{})
	if err := opmlImport(ctx, a, []string{opml}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "feeds-opml.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled import wrote the feeds file: %v", err)
	}

	code, stdout, stderr := run(t, nil, "--config", cfg, "opml", "import", opml)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("imported %d feeds", n)) {
		t.Fatalf("import exit %d: %s %s", code, stdout, stderr)
	}
	body, _ := os.ReadFile(filepath.Join(filepath.Dir(cfg), "feeds-opml.yaml"))
	for _, want := range []string{"- name: same-title\n", "- name: same-title-2\n", "- name: same-title-4\n", fmt.Sprintf("- name: same-title-%d\n", n+1)} {
		if !strings.Contains(string(body), want) {
			t.Errorf("feeds file lacks %q", want)
		}
	}
}

// TestOPMLImportAwkwardURLs: URLs with query strings, fragments, colons,
// quotes, spaces and non-ASCII import as they are, and the config loads.
func TestOPMLImportAwkwardURLs(t *testing.T) {
	cfg := writeConfig(t, `storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
`)
	urls := []string{
		"https://a.example/feed?a=1&b=2",
		"https://b.example/rss#top",
		"https://c.example:8443/x:y/feed",
		`https://d.example/feed?q="quoted"&r='single'`,
		"https://e.example/a feed/with spaces",
		"https://f.example/nachrichten/übersicht?ort=München",
		"https://g.example/feed?list=a,b,{c}",
	}
	var b strings.Builder
	b.WriteString(`<opml version="2.0"><head><title>x</title></head><body>`)
	for i, u := range urls {
		fmt.Fprintf(&b, `<outline type="rss" text="Feed %d: &quot;odd&quot; #%d" xmlUrl="%s"/>`, i, i, html.EscapeString(u))
	}
	b.WriteString(`</body></opml>`)
	opml := filepath.Join(t.TempDir(), "odd.opml")
	os.WriteFile(opml, []byte(b.String()), 0o600)
	code, stdout, stderr := run(t, nil, "--config", cfg, "opml", "import", opml)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("imported %d feeds", len(urls))) {
		t.Fatalf("import exit %d: %s %s", code, stdout, stderr)
	}
	loaded, err := config.Load(cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range loaded.Feeds {
		got[f.URL] = true
	}
	for _, u := range urls {
		if !got[u] {
			t.Errorf("%q did not import as it is", u)
		}
	}
}
