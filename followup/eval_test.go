package followup_test

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/storyline/storyline"
)

// sharedDir is ../shared beside the repository, seen from this package.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", sub))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data %s is absent: %v", dir, err)
	}
	return dir
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain turns feed HTML into text, one paragraph per line.
func plain(s string) string {
	s = regexp.MustCompile(`(?i)</p>|<br\s*/?>`).ReplaceAllString(s, "\n")
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
}

// loadFeeds reads feed files into stories in publication order (ties in
// file order), numbered from 1.
func loadFeeds(t testing.TB, files []string) []*storyline.Story {
	t.Helper()
	var out []*storyline.Story
	p := gofeed.NewParser()
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := p.Parse(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, it := range feed.Items {
			s := &storyline.Story{URL: it.Link, Title: plain(it.Title), Summary: plain(it.Description), Content: plain(it.Content), Feed: filepath.Base(f)}
			if it.PublishedParsed != nil {
				s.Published = it.PublishedParsed.UTC()
			}
			s.FirstSeen = s.Published
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.Before(out[j].Published) })
	for i, s := range out {
		s.ID = int64(i + 1)
	}
	return out
}
