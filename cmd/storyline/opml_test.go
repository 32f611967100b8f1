package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
